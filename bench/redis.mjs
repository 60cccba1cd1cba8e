/**
 * The out-of-process reference: ioredis → a private local redis-server.
 * Sequential awaited GETs (one round trip each, no pipelining) on the same 1k
 * keys and walk the in-process benches use, and redis-server's own memory
 * (INFO memory used_memory) for the 1M-key data set.
 */
import { Redis } from 'ioredis';
import { keyName, makeKeys, randomWalk, startRedisServer, valueFor } from './common.mjs';

const WARMUP = 1_000;
const ITERATIONS = 10_000;
const LOAD_BATCH = 1_000; // keys per MSET
const LOAD_PIPELINE = 50; // MSETs per pipeline

async function usedMemory(redis) {
  const info = await redis.info('memory');
  const m = /^used_memory:(\d+)/m.exec(info);
  if (!m) throw new Error('INFO memory has no used_memory');
  return Number(m[1]);
}

/**
 * Measures ioredis GET latency (ns/op) and redis-server's bytes per key for
 * `memoryKeys` keys. Resolves to `{ version, getNs, bytesPerKey }`, or to
 * `{ skipped }` when redis-server is not installed.
 */
export async function runRedis({ hotKeys, memoryKeys }) {
  const server = await startRedisServer();
  if (server === null) return { skipped: 'redis-server is not installed' };
  const redis = new Redis({ port: server.port, host: '127.0.0.1', lazyConnect: true });
  try {
    await redis.connect();
    const version = /^redis_version:(\S+)/m.exec(await redis.info('server'))?.[1] ?? '?';

    const keys = makeKeys(hotKeys);
    const walk = randomWalk(hotKeys, 4096, 0x5eed);
    const pairs = [];
    for (let i = 0; i < hotKeys; i++) pairs.push(keys[i], valueFor(i + 1));
    await redis.mset(pairs);
    for (let i = 0; i < WARMUP; i++) await redis.get(keys[walk[i & 4095]]);
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < ITERATIONS; i++) {
      const v = await redis.get(keys[walk[i & 4095]]);
      if (v === null) throw new Error('redis GET missed');
    }
    const getNs = Number(process.hrtime.bigint() - t0) / ITERATIONS;

    await redis.flushall();
    const before = await usedMemory(redis);
    for (let i = 0; i < memoryKeys; ) {
      const p = redis.pipeline();
      for (let m = 0; m < LOAD_PIPELINE && i < memoryKeys; m++) {
        const args = [];
        for (let j = 0; j < LOAD_BATCH && i < memoryKeys; j++, i++)
          args.push(keyName(i + 1), valueFor(i + 1));
        p.mset(args);
      }
      await p.exec();
    }
    const dbsize = await redis.dbsize();
    if (dbsize !== memoryKeys) throw new Error(`redis holds ${dbsize} keys, want ${memoryKeys}`);
    const after = await usedMemory(redis);
    return { version, getNs, iterations: ITERATIONS, bytesPerKey: (after - before) / memoryKeys };
  } finally {
    redis.disconnect();
    server.stop();
  }
}
