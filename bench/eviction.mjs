/**
 * Eviction quality and the memory bound (DESIGN.md §1: "plain caching ... bounded
 * memory with eviction").
 *
 * 1. Hit ratios: a Zipf(0.99) request trace over 1M keys (fixed-seed PRNG; key
 *    popularity shuffled, so that popular keys are not the oldest inserted), a
 *    cache with room for 10% of the keys, read-through (GET; on a miss, SET).
 *    Cachee under allkeys-lru / allkeys-lfu / allkeys-random (maxmemory set to
 *    exactly 100k keys' estimate), beside lru-cache (exact LRU, max 100k). The
 *    first 20% of the trace warms the caches and is not counted. Cachee runs on a
 *    ManualClock advanced 1 µs per request (a busy 1M requests/s cache), so the
 *    result does not depend on the machine's speed.
 * 2. The bound (--bound, or part of the default run): maxmemory 64 MB, a write
 *    flood of 10× that (100-byte strings mostly, plus growing hashes, lists, sets
 *    and sorted sets) under each allkeys policy; the largest estimate seen after
 *    any command, and the heap growth after full GCs.
 *
 *   node --expose-gc bench/eviction.mjs [--quick] [--bound-only] [--no-bound]
 *
 * Prints a markdown section ('## Eviction hit ratios') that bench/run.mjs appends
 * to results.md.
 */
import { parseArgs } from 'node:util';
import { LRUCache } from 'lru-cache';
import { Cachee, ManualClock } from '../dist/index.js';
import { machineInfo, prng } from './common.mjs';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: process.env.CACHEE_BENCH_QUICK === '1' },
    'bound-only': { type: 'boolean', default: false },
    'no-bound': { type: 'boolean', default: false },
  },
});

const KEYS = 1_000_000;
const ROOM = KEYS / 10;
const REQUESTS = args.quick ? 2_000_000 : 6_000_000;
const WARMUP = Math.floor(REQUESTS / 5);
const ZIPF_S = 0.99;
const VALUE = 'v000000001';
const BOUND_MB = args.quick ? 16 : 64;

/** A Zipf(s) trace over [0, n): `count` keys, popular ranks shuffled over the key ids. */
function zipfTrace(n, s, count, seed) {
  const next = prng(seed);
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += 1 / (i + 1) ** s;
    cdf[i] = sum;
  }
  // rank → key id: a fixed-seed Fisher–Yates shuffle.
  const keyOfRank = new Int32Array(n);
  for (let i = 0; i < n; i++) keyOfRank[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    const t = keyOfRank[i];
    keyOfRank[i] = keyOfRank[j];
    keyOfRank[j] = t;
  }
  const trace = new Int32Array(count);
  for (let r = 0; r < count; r++) {
    const u = next() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    trace[r] = keyOfRank[lo];
  }
  return trace;
}

/** Runs the trace through get/set; returns the hit ratio after warm-up and ns per request. */
function replay(trace, keys, get, set, tick) {
  let hits = 0;
  const started = performance.now();
  for (let r = 0; r < trace.length; r++) {
    tick();
    const k = keys[trace[r]];
    if (get(k) !== null) {
      if (r >= WARMUP) hits++;
    } else set(k);
  }
  const ns = ((performance.now() - started) * 1e6) / trace.length;
  return { hitRatio: hits / (trace.length - WARMUP), ns };
}

/** What one key of the trace costs in Cachee's estimate under `policy`. */
function perKey(policy) {
  const c = new Cachee({ maxmemoryPolicy: policy, activeExpiry: false });
  const before = c.engine.usedBytes;
  c.set('key:0000001', VALUE);
  const n = c.engine.usedBytes - before;
  c.close();
  return n;
}

function hitRatios(print) {
  print(
    `building a Zipf(${ZIPF_S}) trace: ${REQUESTS.toLocaleString('en-US')} requests over ${KEYS.toLocaleString('en-US')} keys`,
  );
  const trace = zipfTrace(KEYS, ZIPF_S, REQUESTS, 0x5eed);
  const keys = new Array(KEYS);
  for (let i = 0; i < KEYS; i++) keys[i] = `key:${String(i).padStart(7, '0')}`;
  const rows = [];

  {
    const lru = new LRUCache({ max: ROOM });
    const r = replay(
      trace,
      keys,
      (k) => lru.get(k) ?? null,
      (k) => lru.set(k, VALUE),
      () => {},
    );
    rows.push({ name: 'lru-cache (exact LRU)', ...r, size: lru.size });
    print(`  lru-cache           hit ratio ${(r.hitRatio * 100).toFixed(2)}%`);
  }
  for (const policy of ['allkeys-lru', 'allkeys-lfu', 'allkeys-random']) {
    const clock = new ManualClock(1_700_000_000_000);
    const cache = new Cachee({
      clock,
      activeExpiry: false,
      random: prng(42),
      maxmemory: perKey(policy) * ROOM,
      maxmemoryPolicy: policy,
    });
    const r = replay(
      trace,
      keys,
      (k) => cache.get(k),
      (k) => cache.set(k, VALUE),
      () => clock.advance(0.001),
    );
    rows.push({
      name: `Cachee ${policy}`,
      ...r,
      size: cache.engine.totalKeys(),
      evicted: cache.engine.stats.evictedKeys,
    });
    print(`  Cachee ${policy.padEnd(14)} hit ratio ${(r.hitRatio * 100).toFixed(2)}%`);
    cache.close();
  }
  return rows;
}

function heap() {
  if (typeof globalThis.gc === 'function') for (let i = 0; i < 4; i++) globalThis.gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

/** The write flood of the bound check (as test/engine/memory-bound.test.ts, bigger). */
function bound(print) {
  const limit = BOUND_MB * 1024 * 1024;
  const scratch = Buffer.alloc(100, 120);
  const value = (i) => {
    scratch.fill(120);
    scratch.write(String(i));
    return scratch.toString('latin1');
  };
  const rows = [];
  for (const policy of ['allkeys-lru', 'allkeys-lfu', 'allkeys-random']) {
    const before = heap();
    const clock = new ManualClock(1_700_000_000_000);
    const random = prng(3);
    const cache = new Cachee({
      clock,
      activeExpiry: false,
      random,
      maxmemory: limit,
      maxmemoryPolicy: policy,
    });
    const engine = cache.engine;
    let written = 0;
    let maxSeen = 0;
    let commands = 0;
    const started = performance.now();
    for (let i = 1; written < 10 * limit; i++) {
      clock.advance(0.001);
      const used = engine.usedBytes;
      const r = i % 10;
      if (r < 6) cache.set(`key:${i}`, value(i));
      else if (r === 6) cache.hset(`hash:${i % 1000}`, `field:${i}`, `value:${i}`);
      else if (r === 7) cache.rpush(`list:${i % 500}`, `element:${i}`);
      else if (r === 8) cache.sadd(`set:${i % 500}`, `member:${i}`);
      else cache.zadd(`zset:${i % 200}`, i + 0.5, `member:${i}`);
      commands++;
      if (i % 4 === 0) {
        cache.get(`key:${Math.floor(random() * i)}`);
        commands++;
      }
      written += Math.max(0, engine.usedBytes - used);
      if (engine.usedBytes > maxSeen) maxSeen = engine.usedBytes;
    }
    const secs = (performance.now() - started) / 1000;
    const grown = heap() - before;
    rows.push({
      policy,
      maxSeen,
      grown,
      limit,
      evicted: engine.stats.evictedKeys,
      keys: engine.totalKeys(),
      commands,
      secs,
    });
    print(
      `  ${policy.padEnd(14)} max estimate ${(maxSeen / 1048576).toFixed(2)} MB, heap growth ${(grown / 1048576).toFixed(2)} MB, ${engine.stats.evictedKeys} evicted, ${(commands / secs / 1e6).toFixed(2)}M commands/s`,
    );
    cache.call('flushall');
    cache.close();
  }
  return rows;
}

function main() {
  const print = (s) => process.stderr.write(`${s}\n`);
  const env = machineInfo();
  const out = [];
  out.push('## Eviction hit ratios');
  out.push('');
  if (!args['bound-only']) {
    const rows = hitRatios(print);
    const exact = rows[0].hitRatio;
    out.push(
      `Zipf(${ZIPF_S}) trace of ${REQUESTS.toLocaleString('en-US')} requests over ${KEYS.toLocaleString('en-US')} keys (fixed seed), room for ${ROOM.toLocaleString('en-US')} keys (10%), read-through (GET, SET on a miss); the first ${WARMUP.toLocaleString('en-US')} requests warm the cache and are not counted. Cachee: maxmemory = 100k keys' estimate, maxmemory-samples 5, clock advanced 1 µs per request. bench/eviction.mjs.`,
    );
    out.push('');
    out.push('| cache | hit ratio | vs exact LRU | keys held at the end | ns per request |');
    out.push('|---|--:|--:|--:|--:|');
    for (const r of rows) {
      const delta = (r.hitRatio - exact) * 100;
      out.push(
        `| ${r.name} | ${(r.hitRatio * 100).toFixed(2)}% | ${r === rows[0] ? '—' : `${delta >= 0 ? '+' : ''}${delta.toFixed(2)} pts`} | ${r.size.toLocaleString('en-US')} | ${r.ns.toFixed(0)} |`,
      );
    }
    out.push('');
  }
  if (!args['no-bound']) {
    print(`bound: maxmemory ${BOUND_MB} MB, write flood of 10× under each allkeys policy`);
    const rows = bound(print);
    out.push(
      `### The bound: maxmemory ${BOUND_MB} MB under a write flood of 10× that (60% 100-byte strings, 40% growing hashes, lists, sets, sorted sets, plus reads)`,
    );
    out.push('');
    out.push(
      '| policy | largest estimate after any command | heap growth (after GC) | heap ÷ limit | keys evicted | keys left | commands/s |',
    );
    out.push('|---|--:|--:|--:|--:|--:|--:|');
    for (const r of rows) {
      out.push(
        `| ${r.policy} | ${(r.maxSeen / 1048576).toFixed(2)} MB | ${(r.grown / 1048576).toFixed(2)} MB | ${(r.grown / r.limit).toFixed(2)} | ${r.evicted.toLocaleString('en-US')} | ${r.keys.toLocaleString('en-US')} | ${(r.commands / r.secs / 1e6).toFixed(2)}M |`,
      );
    }
    out.push('');
  }
  out.push(`_${env.cpu}, ${env.cores} cores, ${env.mem} GB · Node ${env.node} · ${env.date}_`);
  process.stdout.write(`${out.join('\n')}\n`);
}

main();
