import { describe, it } from 'vitest';
import { DiffPair, useRedis } from './harness.js';

const redis = useRedis();

for (const protocol of [2, 3] as const) {
  describe(`dispatch basics (RESP${protocol})`, () => {
    it('matches redis-server', async () => {
      const pair = await DiffPair.open(redis.port, protocol);
      try {
        await pair.checkAll([
          ['PING'],
          ['ping', 'hello'],
          ['PING', 'a', 'b'],
          ['GET', 'missing'],
          ['GET'],
          ['NOSUCHCOMMAND', 'a', 'b'],
          ['nosuch'],
          ['OBJECT'],
        ]);
      } finally {
        await pair.close();
      }
    });
  });
}
