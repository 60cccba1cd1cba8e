/**
 * Calibration of the memory model (engine/memory.ts) against the V8 heap: load
 * N entries of each shape, measure heap growth after full GCs (heapUsed plus
 * external, where Buffer bytes live) and compare with the growth of the running
 * estimate. The keys and values are created inside the measured window, so the
 * heap growth includes them once, as the estimate does. Requires 64-bit V8
 * without pointer compression (Node's default builds). bench/memory-types.mjs
 * reports the same at 10^6.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { Cachee } from '../../src/client/cachee.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const N = 200_000;
const TOLERANCE = 0.25;

function heap(): number {
  for (let i = 0; i < 4; i++) gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

const pad = (i: number, n: number) => String(i).padStart(n, '0');

/** A flat (sequential) string of `n` chars starting with the digits of `i`. */
function flat(n: number, i: number): string {
  const s = String(i);
  const codes = new Array<number>(n);
  for (let j = 0; j < n; j++) codes[j] = j < s.length ? s.charCodeAt(j) : 120;
  return String.fromCharCode(...codes);
}

const SHAPES: Record<string, (c: Cachee, n: number) => void> = {
  'strings (11-byte keys, 10-byte values)': (c, n) => {
    for (let i = 0; i < n; i++) c.set(`key:${pad(i, 7)}`, `v${pad(i, 9)}`);
  },
  'strings, 100-byte values': (c, n) => {
    for (let i = 0; i < n; i++) c.set(`key:${pad(i, 7)}`, flat(100, i));
  },
  'strings with a TTL': (c, n) => {
    for (let i = 0; i < n; i++) c.call('set', `key:${pad(i, 7)}`, `v${pad(i, 9)}`, 'EX', 1000);
  },
  'Buffer values': (c, n) => {
    for (let i = 0; i < n; i++) c.set(`key:${pad(i, 7)}`, Buffer.from(`v${pad(i, 9)}`));
  },
  'strings under allkeys-lru (access times)': (c, n) => {
    c.engine.maxmemoryPolicy = 'allkeys-lru';
    for (let i = 0; i < n; i++) c.set(`key:${pad(i, 7)}`, `v${pad(i, 9)}`);
  },
  'strings under allkeys-lfu (access times and counters)': (c, n) => {
    c.engine.maxmemoryPolicy = 'allkeys-lfu';
    for (let i = 0; i < n; i++) c.set(`key:${pad(i, 7)}`, `v${pad(i, 9)}`);
  },
  'one hash, N fields': (c, n) => {
    for (let i = 0; i < n; i++) c.hset('h', `field:${pad(i, 7)}`, `v${pad(i, 9)}`);
  },
  'N/10 hashes of 10 fields': (c, n) => {
    for (let i = 0; i < n / 10; i++)
      for (let j = 0; j < 10; j++) c.hset(`h:${pad(i, 7)}`, `f${j}`, `v${pad(i, 9)}`);
  },
  'one set, N members': (c, n) => {
    for (let i = 0; i < n; i++) c.sadd('s', `member:${pad(i, 7)}`);
  },
  'N/10 sets of 10 members': (c, n) => {
    for (let i = 0; i < n / 10; i++) for (let j = 0; j < 10; j++) c.sadd(`s:${pad(i, 7)}`, `m${j}:${i}`);
  },
  'one sorted set, N members': (c, n) => {
    for (let i = 0; i < n; i++) c.zadd('z', i + 0.5, `member:${pad(i, 7)}`);
  },
  'one list, N elements': (c, n) => {
    for (let i = 0; i < n; i++) c.rpush('l', `v${pad(i, 9)}`);
  },
  'N/10 lists of 10 elements': (c, n) => {
    for (let i = 0; i < n / 10; i++) for (let j = 0; j < 10; j++) c.rpush(`l:${pad(i, 7)}`, `v${pad(i, 9)}`);
  },
};

describe(`memory estimate vs measured heap growth (N = ${N}, ±${TOLERANCE * 100}%)`, () => {
  // Warm every code path first, so that what is compiled lazily is not measured. Small:
  // skiplist.ts keeps its last search path in module-level scratch arrays, which keeps
  // the last sorted set searched alive until the next search overwrites it.
  const warm = new Cachee({ activeExpiry: false });
  for (const load of Object.values(SHAPES)) load(warm, 1000);
  warm.call('flushall');
  warm.close();

  for (const [shape, load] of Object.entries(SHAPES)) {
    it(shape, () => {
      const cache = new Cachee({ activeExpiry: false });
      const before = heap();
      const estimateBefore = cache.engine.usedBytes;
      load(cache, N);
      const measured = heap() - before;
      const estimated = cache.engine.usedBytes - estimateBefore;
      const ratio = estimated / measured;
      // One line per shape in the test output, for the record.
      console.log(
        `${shape}: measured ${(measured / N).toFixed(1)} B/entry, estimated ${(estimated / N).toFixed(1)} B/entry, ratio ${ratio.toFixed(3)}`,
      );
      expect(ratio).toBeGreaterThan(1 - TOLERANCE);
      expect(ratio).toBeLessThan(1 + TOLERANCE);
      cache.call('flushall');
      cache.close();
    });
  }
});
