import { afterAll, beforeAll, describe, it } from 'vitest';
import { DiffPair, type RedisProcess, startRedis } from './harness.js';

let redis: RedisProcess;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});

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
