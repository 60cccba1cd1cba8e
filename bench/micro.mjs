/**
 * In-process micro-benchmarks (mitata): Cachee's sync API beside a raw Map and
 * lru-cache on the same workload.
 *
 * Fairness rules: every contender gets the same key string objects and the
 * same values, and walks the keys in the same fixed-seed random order through
 * a precomputed index array (the walk costs the same for everyone). Each bench
 * is its own closure literal, so no call site is shared (and made polymorphic)
 * between contenders. Two phases: the 1k-key benches run before the 1M-key
 * data exists, so a big heap does not tax them.
 */
import { LRUCache } from 'lru-cache';
import { bench, do_not_optimize, group, run, summary } from 'mitata';
import { Cachee } from '../dist/index.js';
import { makeKeys, randomWalk, valueFor } from './common.mjs';

export const HOT_KEYS = 1000;
export const BIG_KEYS = 1_000_000;
const HOT_WALK = 4096; // indices into the 1k keys, a power of two
const BIG_WALK = 1 << 20; // indices into the 1M keys
const MGET_KEYS = 10;
const MGET_GROUPS = 1024;
const VALUE = 'value:0001'; // the value SET writes (10 bytes), one object for all

/** Runs `fn`; returns null when it works, else the error text (a command not in yet). */
function probe(fn) {
  try {
    fn();
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

function check(label, got, want) {
  if (got !== want) throw new Error(`${label}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}

/** Registers the 1k-key benches; returns Cachee's skip reasons by bench name. */
function registerHot() {
  const skipped = new Map();
  const keys = makeKeys(HOT_KEYS);
  const walk = randomWalk(HOT_KEYS, HOT_WALK, 0x5eed);
  const M = HOT_WALK - 1;

  // GET / SET / MGET share one keyspace of 1k strings per contender.
  const map = new Map();
  const lru = new LRUCache({ max: HOT_KEYS * 2 });
  const cachee = new Cachee();
  for (let i = 0; i < HOT_KEYS; i++) {
    map.set(keys[i], valueFor(i + 1));
    lru.set(keys[i], valueFor(i + 1));
  }
  const setErr = probe(() => {
    for (let i = 0; i < HOT_KEYS; i++) cachee.set(keys[i], valueFor(i + 1));
    check('cachee GET after SET', cachee.get(keys[7]), valueFor(8));
  });

  group('GET hit, 1k keys', () => {
    summary(() => {
      let a = 0;
      let b = 0;
      let c = 0;
      bench('get-1k/map', () => {
        const k = keys[walk[a]];
        a = (a + 1) & M;
        return do_not_optimize(map.get(k));
      }).baseline();
      bench('get-1k/lru-cache', () => {
        const k = keys[walk[b]];
        b = (b + 1) & M;
        return do_not_optimize(lru.get(k));
      });
      if (setErr === null) {
        bench('get-1k/cachee', () => {
          const k = keys[walk[c]];
          c = (c + 1) & M;
          return do_not_optimize(cachee.get(k));
        });
      } else skipped.set('get-1k/cachee', setErr);
    });
  });

  group('SET overwrite, 1k keys', () => {
    summary(() => {
      let a = 0;
      let b = 0;
      let c = 0;
      bench('set-1k/map', () => {
        const k = keys[walk[a]];
        a = (a + 1) & M;
        return do_not_optimize(map.set(k, VALUE));
      }).baseline();
      bench('set-1k/lru-cache', () => {
        const k = keys[walk[b]];
        b = (b + 1) & M;
        return do_not_optimize(lru.set(k, VALUE));
      });
      if (setErr === null) {
        bench('set-1k/cachee', () => {
          const k = keys[walk[c]];
          c = (c + 1) & M;
          return do_not_optimize(cachee.set(k, VALUE));
        });
      } else skipped.set('set-1k/cachee', setErr);
    });
  });

  // INCR: counters live in their own keyspace; the raw op is map.set(k, map.get(k) + 1) on numbers.
  const ctrKeys = makeKeys(HOT_KEYS, 'ctr:');
  const ctrMap = new Map();
  const ctrLru = new LRUCache({ max: HOT_KEYS * 2 });
  const ctrCachee = new Cachee();
  for (const k of ctrKeys) {
    ctrMap.set(k, 0);
    ctrLru.set(k, 0);
  }
  const incrErr = probe(() => {
    for (const k of ctrKeys) ctrCachee.set(k, '0');
    check('cachee INCR', ctrCachee.incr(ctrKeys[3]), 1);
  });

  group('INCR, 1k counters', () => {
    summary(() => {
      let a = 0;
      let b = 0;
      let c = 0;
      bench('incr-1k/map', () => {
        const k = ctrKeys[walk[a]];
        a = (a + 1) & M;
        const n = ctrMap.get(k) + 1;
        ctrMap.set(k, n);
        return do_not_optimize(n);
      }).baseline();
      bench('incr-1k/lru-cache', () => {
        const k = ctrKeys[walk[b]];
        b = (b + 1) & M;
        const n = ctrLru.get(k) + 1;
        ctrLru.set(k, n);
        return do_not_optimize(n);
      });
      if (incrErr === null) {
        bench('incr-1k/cachee', () => {
          const k = ctrKeys[walk[c]];
          c = (c + 1) & M;
          return do_not_optimize(ctrCachee.incr(k));
        });
      } else skipped.set('incr-1k/cachee', incrErr);
    });
  });

  // MGET of 10 random keys; the raw op fills a fresh 10-slot array with map.get.
  const groups = new Array(MGET_GROUPS);
  const gWalk = randomWalk(HOT_KEYS, MGET_GROUPS * MGET_KEYS, 0x6e7);
  for (let g = 0; g < MGET_GROUPS; g++) {
    groups[g] = new Array(MGET_KEYS);
    for (let j = 0; j < MGET_KEYS; j++) groups[g][j] = keys[gWalk[g * MGET_KEYS + j]];
  }
  const GM = MGET_GROUPS - 1;
  const mgetErr =
    setErr ??
    probe(() => {
      check('cachee MGET', cachee.mget(...groups[0])[0], map.get(groups[0][0]));
    });

  group('MGET 10 keys, 1k keys', () => {
    summary(() => {
      let a = 0;
      let b = 0;
      let c = 0;
      bench('mget-1k/map', () => {
        const g = groups[a];
        a = (a + 1) & GM;
        const out = new Array(MGET_KEYS);
        for (let j = 0; j < MGET_KEYS; j++) out[j] = map.get(g[j]);
        return do_not_optimize(out);
      }).baseline();
      bench('mget-1k/lru-cache', () => {
        const g = groups[b];
        b = (b + 1) & GM;
        const out = new Array(MGET_KEYS);
        for (let j = 0; j < MGET_KEYS; j++) out[j] = lru.get(g[j]);
        return do_not_optimize(out);
      });
      if (mgetErr === null) {
        bench('mget-1k/cachee', () => {
          const g = groups[c];
          c = (c + 1) & GM;
          return do_not_optimize(cachee.mget(...g));
        });
      } else skipped.set('mget-1k/cachee', mgetErr);
    });
  });

  // EXPIRE key 100 on existing keys, in a keyspace of its own (so GET/SET above never see TTLs).
  // Raw op: data.has(k) then ttl.set(k, Date.now() + 100_000) — existence check plus a deadline map.
  // lru-cache has no "set the TTL of an existing key" operation, so it sits this one out.
  const expMap = new Map();
  const expTtl = new Map();
  const expCachee = new Cachee();
  for (let i = 0; i < HOT_KEYS; i++) expMap.set(keys[i], valueFor(i + 1));
  const expireErr = probe(() => {
    for (let i = 0; i < HOT_KEYS; i++) expCachee.set(keys[i], valueFor(i + 1));
    check('cachee EXPIRE', expCachee.expire(keys[5], 100), 1);
  });

  group('EXPIRE 100 s, 1k keys', () => {
    summary(() => {
      let a = 0;
      let c = 0;
      bench('expire-1k/map', () => {
        const k = keys[walk[a]];
        a = (a + 1) & M;
        if (!expMap.has(k)) return do_not_optimize(0);
        expTtl.set(k, Date.now() + 100_000);
        return do_not_optimize(1);
      }).baseline();
      if (expireErr === null) {
        bench('expire-1k/cachee', () => {
          const k = keys[walk[c]];
          c = (c + 1) & M;
          return do_not_optimize(expCachee.expire(k, 100));
        });
      } else skipped.set('expire-1k/cachee', expireErr);
    });
  });

  return skipped;
}

function buildBig() {
  const keys = makeKeys(BIG_KEYS);
  const walk = randomWalk(BIG_KEYS, BIG_WALK, 0xb16);
  const map = new Map();
  const lru = new LRUCache({ max: BIG_KEYS * 2 });
  const cachee = new Cachee();
  for (let i = 0; i < BIG_KEYS; i++) {
    const v = valueFor(i + 1);
    map.set(keys[i], v);
    lru.set(keys[i], v);
  }
  const setErr = probe(() => {
    for (let i = 0; i < BIG_KEYS; i++) cachee.set(keys[i], map.get(keys[i]));
    check('cachee GET 1M', cachee.get(keys[BIG_KEYS - 1]), valueFor(BIG_KEYS));
  });
  return { keys, walk, map, lru, cachee, setErr };
}

let big; // the 1M-key stores, built once and kept for later rounds

/** Builds the 1M-key stores (on first use) and registers the 1M-key GET benches. */
function registerBig() {
  big ??= buildBig();
  const { keys, walk, map, lru, cachee, setErr } = big;
  const skipped = new Map();
  const M = BIG_WALK - 1;

  group('GET hit, 1M keys (random walk)', () => {
    summary(() => {
      let a = 0;
      let b = 0;
      let c = 0;
      bench('get-1m/map', () => {
        const k = keys[walk[a]];
        a = (a + 1) & M;
        return do_not_optimize(map.get(k));
      }).baseline();
      bench('get-1m/lru-cache', () => {
        const k = keys[walk[b]];
        b = (b + 1) & M;
        return do_not_optimize(lru.get(k));
      });
      if (setErr === null) {
        bench('get-1m/cachee', () => {
          const k = keys[walk[c]];
          c = (c + 1) & M;
          return do_not_optimize(cachee.get(k));
        });
      } else skipped.set('get-1m/cachee', setErr);
    });
  });
  return skipped;
}

function collect(out, into) {
  for (const trial of out.benchmarks) {
    for (const r of trial.runs) {
      if (!r.stats) {
        into.skipped.set(r.name, r.error instanceof Error ? r.error.message : String(r.error));
        continue;
      }
      const prev = into.results.get(r.name);
      // Across rounds keep the fastest median: noise from other jobs only ever adds time.
      if (prev === undefined || r.stats.p50 < prev.p50) {
        into.results.set(r.name, { p50: r.stats.p50, avg: r.stats.avg });
      }
    }
  }
}

/**
 * Runs every micro-benchmark `rounds` times. Resolves to `{ results, skipped }`:
 * results maps bench names (`get-1k/map`, `get-1k/cachee`, ...) to the best
 * round's `{ p50, avg }` in ns per op; skipped maps bench names to the reason
 * (a command not available yet). `print` receives mitata's own report lines.
 */
export async function runMicro(print, rounds = 1) {
  const into = { results: new Map(), skipped: new Map() };
  for (let round = 1; round <= rounds; round++) {
    print(`\n## micro-benchmarks, round ${round} of ${rounds}\n`);
    for (const register of [registerHot, registerBig]) {
      for (const [k, v] of register()) into.skipped.set(k, v);
      collect(await run({ print, colors: process.stdout.isTTY === true }), into);
    }
  }
  big = undefined;
  return into;
}
