import fc from 'fast-check';
import { afterAll, beforeAll, it } from 'vitest';
import type { Arg } from '../../src/util/bytes.js';
import { DiffPair, type RedisProcess, startRedis } from './harness.js';

let redis: RedisProcess;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});

it('ties stress (lists)', async () => {
  const pair = await DiffPair.open(redis.port, 2);
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.integer({ min: 7, max: 14 }), fc.integer({ min: 1, max: 120 })),
        fc.array(fc.option(fc.constantFrom('a', 'b', 'c', '1', '2', '10', '-1', 'ab'), { nil: undefined, freq: 3 }), { minLength: 120, maxLength: 120 }),
        fc.boolean(),
        fc.boolean(),
        fc.tuple(fc.integer({ min: -1, max: 125 }), fc.integer({ min: -1, max: 125 })),
        fc.constantFrom('w_*', 'h_*->f'),
        async (n, weights, desc, alpha, [off, cnt], by) => {
          await pair.both(['FLUSHALL']);
          const elems = Array.from({ length: n }, (_, i) => `e${i}`);
          await pair.check(['RPUSH', 'l', ...elems]);
          for (let i = 0; i < n; i++) {
            const w = weights[i];
            if (w === undefined) continue;
            if (by === 'w_*') await pair.check(['SET', `w_e${i}`, w]);
            else await pair.check(['HSET', `h_e${i}`, 'f', w]);
          }
          const cmd: Arg[] = ['SORT', 'l', 'BY', by, 'LIMIT', String(off), String(cnt)];
          if (desc) cmd.push('DESC');
          if (alpha) cmd.push('ALPHA');
          await pair.check(cmd);
        },
      ),
      { numRuns: Number(process.env.STRESS_RUNS ?? 2000), ...(process.env.STRESS_SEED ? { seed: Number(process.env.STRESS_SEED) } : {}) },
    );
  } finally {
    await pair.close();
  }
});

it('ties stress (sets, zsets)', async () => {
  const pair = await DiffPair.open(redis.port, 2);
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('set', 'zset', 'intset'),
        fc.oneof(fc.integer({ min: 7, max: 14 }), fc.integer({ min: 1, max: 200 })),
        fc.array(fc.option(fc.constantFrom('a', 'b', 'c', '1', '2'), { nil: undefined, freq: 3 }), { minLength: 200, maxLength: 200 }),
        fc.boolean(),
        fc.boolean(),
        fc.option(fc.tuple(fc.integer({ min: -1, max: 205 }), fc.integer({ min: -1, max: 205 })), { nil: undefined }),
        async (type, n, weights, desc, alpha, limit) => {
          await pair.both(['FLUSHALL']);
          const elems = Array.from({ length: n }, (_, i) => (type === 'intset' ? String(i * 3) : `e${i}`));
          if (type === 'zset') await pair.check(['ZADD', 'k', ...elems.flatMap((e, i) => [String(i % 4), e])]);
          else await pair.check(['SADD', 'k', ...elems]);
          for (let i = 0; i < n; i++) {
            const w = weights[i];
            if (w !== undefined) await pair.check(['SET', `w_${elems[i]}`, w]);
          }
          const cmd: Arg[] = ['SORT', 'k', 'BY', 'w_*'];
          if (limit !== undefined) cmd.push('LIMIT', String(limit[0]), String(limit[1]));
          if (desc) cmd.push('DESC');
          if (alpha) cmd.push('ALPHA');
          await pair.check(cmd);
        },
      ),
      { numRuns: Number(process.env.STRESS_RUNS ?? 2000), ...(process.env.STRESS_SEED ? { seed: Number(process.env.STRESS_SEED) } : {}) },
    );
  } finally {
    await pair.close();
  }
});
