/**
 * The bound under load: with maxmemory set, a write flood of ten times the limit
 * keeps the estimate within the limit after every command, and the heap the
 * keyspace takes (measured after full GCs) within the limit plus a fixed
 * allowance. The default run uses 8 MB; bench/eviction.mjs --bound runs 64 MB.
 *
 * Why an allowance: the estimate counts live keys, while the heap also holds
 * what the estimate leaves out on purpose: spare capacity of the keyspace Map
 * (sized for its peak key count until it shrinks), and the last sorted set a
 * skiplist search walked (module-level scratch in skiplist.ts) even once it was
 * evicted. Measured growth stays under 1.25 × limit + 2 MB here.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { Cachee } from '../../src/client/cachee.js';
import { ManualClock } from '../../src/engine/clock.js';
import { ReplyError } from '../../src/errors.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const LIMIT = 8 * 1024 * 1024;
const ALLOWANCE = (limit: number) => limit * 1.25 + 2 * 1024 * 1024;

function heap(): number {
  for (let i = 0; i < 4; i++) gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

/** A seeded PRNG (mulberry32). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VALUE = 'x'.repeat(100);
const scratch = Buffer.alloc(100, 120);

/** A distinct, flat 100-byte string per i (a shared one would be counted per key but stored once). */
function value(i: number): string {
  scratch.fill(120);
  scratch.write(String(i));
  return scratch.toString('latin1');
}

/**
 * One write of the flood: mostly 100-byte strings, the rest growing hashes, lists,
 * sets and sorted sets; some reads so LRU/LFU see a working set. Returns the
 * estimate's growth from the write itself (before any eviction it causes).
 */
function step(cache: Cachee, i: number, random: () => number, ttl: boolean): void {
  const r = i % 10;
  if (r < 6) {
    if (ttl && i % 2 === 0) cache.call('set', `key:${i}`, value(i), 'EX', 1000);
    else cache.set(`key:${i}`, value(i));
  } else if (r === 6) cache.hset(`hash:${i % 1000}`, `field:${i}`, `value:${i}`);
  else if (r === 7) cache.rpush(`list:${i % 500}`, `element:${i}`);
  else if (r === 8) cache.sadd(`set:${i % 500}`, `member:${i}`);
  else cache.zadd(`zset:${i % 200}`, i + 0.5, `member:${i}`);
  if (i % 4 === 0) cache.get(`key:${Math.floor(random() * i)}`);
}

describe(`maxmemory ${LIMIT / 1024 / 1024} MB under a write flood of 10× the limit`, () => {
  for (const policy of ['allkeys-lru', 'allkeys-lfu', 'allkeys-random']) {
    it(policy, () => {
      const before = heap();
      const clock = new ManualClock();
      const random = seeded(3);
      const cache = new Cachee({
        clock,
        activeExpiry: false,
        random,
        maxmemory: LIMIT,
        maxmemoryPolicy: policy,
      });
      const engine = cache.engine;
      let written = 0;
      let maxSeen = 0;
      for (let i = 1; written < 10 * LIMIT; i++) {
        clock.advance(1);
        const used = engine.usedBytes;
        step(cache, i, random, false);
        // What the write added (eviction only ever lowers the estimate).
        written += Math.max(0, engine.usedBytes - used + 200);
        if (engine.usedBytes > maxSeen) maxSeen = engine.usedBytes;
      }
      expect(maxSeen).toBeLessThanOrEqual(LIMIT);
      expect(engine.stats.evictedKeys).toBeGreaterThan(0);
      const grown = heap() - before;
      console.log(
        `${policy}: ${engine.stats.evictedKeys} evicted, ${engine.totalKeys()} keys left, estimate ${(engine.usedBytes / 1048576).toFixed(2)} MB, heap growth ${(grown / 1048576).toFixed(2)} MB`,
      );
      expect(grown).toBeLessThan(ALLOWANCE(LIMIT));
      cache.call('flushall');
      cache.close();
    });
  }

  it('volatile-lru: keys without a TTL are never evicted; once no volatile key is left, writes get OOM', () => {
    const clock = new ManualClock();
    const random = seeded(5);
    const cache = new Cachee({
      clock,
      activeExpiry: false,
      random,
      maxmemory: LIMIT,
      maxmemoryPolicy: 'volatile-lru',
    });
    const engine = cache.engine;
    const evicted: string[] = [];
    engine.onEvicted((key) => evicted.push(key));
    const persistent: string[] = [];
    let oom = 0;
    for (let i = 1; i < 400_000 && oom < 10; i++) {
      clock.advance(1);
      try {
        if (i % 2 === 0) cache.call('set', `volatile:${i}`, VALUE, 'EX', 1000);
        else {
          cache.set(`persistent:${i}`, VALUE);
          persistent.push(`persistent:${i}`);
        }
      } catch (e) {
        if (!(e instanceof ReplyError)) throw e;
        expect(e.message).toBe("OOM command not allowed when used memory > 'maxmemory'.");
        oom++;
      }
    }
    expect(oom).toBe(10);
    expect(evicted.length).toBeGreaterThan(0);
    expect(evicted.every((k) => k.startsWith('volatile:'))).toBe(true);
    for (const k of persistent) expect(engine.dbs[0].data.has(k)).toBe(true);
    expect(engine.dbs[0].expires.size).toBe(0);
    expect(engine.stats.evictedKeys).toBeGreaterThan(0);
    cache.close();
  });
});
