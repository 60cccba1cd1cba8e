/**
 * In-process micro-benchmarks (mitata's `measure`): Cachee's sync API beside
 * the raw JS structure doing the same job (Map, Map of Maps/Sets/arrays) and
 * lru-cache, one operation at a time.
 *
 * Fairness rules: every contender gets the same key string objects and the
 * same values, and walks the keys in the same fixed-seed random order through
 * a precomputed index array (the walk costs the same for everyone). Each bench
 * is its own closure literal, so no call site is shared (and made polymorphic)
 * between contenders. Phases run from small to big data (hot keys, then sorted
 * sets of 10^3, 10^5, 10^6 members, then 1M string keys), each phase's data
 * dropped before the next, so a big heap never taxes the small benches.
 * Rounds interleave the contenders; the fastest median per bench is kept
 * (noise from other jobs on the machine only ever adds time).
 */
import { LRUCache } from 'lru-cache';
import { do_not_optimize, measure } from 'mitata';
import { COMMAND_TABLE } from '../dist/commands/registry.js';
import { Cachee } from '../dist/index.js';
import {
  fmtNs,
  makeKeys,
  prng,
  QUEUE_CAP,
  randomWalk,
  SCRIPT,
  SESSION_FIELDS,
  sessionValue,
  valueFor,
  ZSET_SIZES,
  zsetData,
  zsetSizeLabel,
} from './common.mjs';

export const HOT_KEYS = 1000;
export const BIG_KEYS = 1_000_000;
const HOT_WALK = 4096; // indices into the 1k keys, a power of two
const BIG_WALK = 1 << 20; // indices into the 1M keys
const MGET_KEYS = 10;
const MGET_GROUPS = 1024;
const VALUE = 'value:0001'; // the value SET / HSET / LPUSH write (10 bytes), one object for all

/** True when EVAL/EVALSHA are in the command table (scripting registered). */
export const SCRIPTING = COMMAND_TABLE.has('evalsha');

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
  const g = JSON.stringify(got);
  const w = JSON.stringify(want);
  if (g !== w) throw new Error(`${label}: got ${g}, want ${w}`);
}

/** Collects a phase's benches: `add(name, fn)` when `err` is null, else a skip with the reason. */
function phase() {
  const benches = [];
  const skipped = new Map();
  return {
    benches,
    skipped,
    add(name, fn, err = null) {
      if (err === null) benches.push({ name, fn });
      else skipped.set(name, err);
    },
  };
}

// --- hot keys: strings, hashes, lists, sets, scripting ------------------------------------------

function phaseHot() {
  const p = phase();
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
  {
    let a = 0;
    let b = 0;
    let c = 0;
    p.add('get-1k/raw', () => {
      const k = keys[walk[a]];
      a = (a + 1) & M;
      return do_not_optimize(map.get(k));
    });
    p.add('get-1k/lru-cache', () => {
      const k = keys[walk[b]];
      b = (b + 1) & M;
      return do_not_optimize(lru.get(k));
    });
    p.add(
      'get-1k/cachee',
      () => {
        const k = keys[walk[c]];
        c = (c + 1) & M;
        return do_not_optimize(cachee.get(k));
      },
      setErr,
    );
  }
  {
    let a = 0;
    let b = 0;
    let c = 0;
    p.add('set-1k/raw', () => {
      const k = keys[walk[a]];
      a = (a + 1) & M;
      return do_not_optimize(map.set(k, VALUE));
    });
    p.add('set-1k/lru-cache', () => {
      const k = keys[walk[b]];
      b = (b + 1) & M;
      return do_not_optimize(lru.set(k, VALUE));
    });
    p.add(
      'set-1k/cachee',
      () => {
        const k = keys[walk[c]];
        c = (c + 1) & M;
        return do_not_optimize(cachee.set(k, VALUE));
      },
      setErr,
    );
  }

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
  {
    let a = 0;
    let b = 0;
    let c = 0;
    p.add('incr-1k/raw', () => {
      const k = ctrKeys[walk[a]];
      a = (a + 1) & M;
      const n = ctrMap.get(k) + 1;
      ctrMap.set(k, n);
      return do_not_optimize(n);
    });
    p.add('incr-1k/lru-cache', () => {
      const k = ctrKeys[walk[b]];
      b = (b + 1) & M;
      const n = ctrLru.get(k) + 1;
      ctrLru.set(k, n);
      return do_not_optimize(n);
    });
    p.add(
      'incr-1k/cachee',
      () => {
        const k = ctrKeys[walk[c]];
        c = (c + 1) & M;
        return do_not_optimize(ctrCachee.incr(k));
      },
      incrErr,
    );
  }

  // MGET of 10 random keys; the raw op fills a fresh 10-slot array with map.get.
  const groups = mgetGroups(keys);
  const GM = MGET_GROUPS - 1;
  const mgetErr =
    setErr ??
    probe(() => {
      check('cachee MGET', cachee.mget(...groups[0])[0], map.get(groups[0][0]));
    });
  {
    let a = 0;
    let b = 0;
    let c = 0;
    p.add('mget-1k/raw', () => {
      const g = groups[a];
      a = (a + 1) & GM;
      const out = new Array(MGET_KEYS);
      for (let j = 0; j < MGET_KEYS; j++) out[j] = map.get(g[j]);
      return do_not_optimize(out);
    });
    p.add('mget-1k/lru-cache', () => {
      const g = groups[b];
      b = (b + 1) & GM;
      const out = new Array(MGET_KEYS);
      for (let j = 0; j < MGET_KEYS; j++) out[j] = lru.get(g[j]);
      return do_not_optimize(out);
    });
    p.add(
      'mget-1k/cachee',
      () => {
        const g = groups[c];
        c = (c + 1) & GM;
        return do_not_optimize(cachee.mget(g));
      },
      mgetErr,
    );
  }

  // EXPIRE key 100 on existing keys, in a keyspace of its own (so GET/SET above never see TTLs).
  // Raw op: data.has(k) then ttl.set(k, Date.now() + 100_000): existence check plus a deadline map.
  // lru-cache has no "set the TTL of an existing key" operation, so it sits this one out.
  const expMap = new Map();
  const expTtl = new Map();
  const expCachee = new Cachee();
  for (let i = 0; i < HOT_KEYS; i++) expMap.set(keys[i], valueFor(i + 1));
  const expireErr = probe(() => {
    for (let i = 0; i < HOT_KEYS; i++) expCachee.set(keys[i], valueFor(i + 1));
    check('cachee EXPIRE', expCachee.expire(keys[5], 100), 1);
  });
  {
    let a = 0;
    let c = 0;
    p.add('expire-1k/raw', () => {
      const k = keys[walk[a]];
      a = (a + 1) & M;
      if (!expMap.has(k)) return do_not_optimize(0);
      expTtl.set(k, Date.now() + 100_000);
      return do_not_optimize(1);
    });
    p.add(
      'expire-1k/cachee',
      () => {
        const k = keys[walk[c]];
        c = (c + 1) & M;
        return do_not_optimize(expCachee.expire(k, 100));
      },
      expireErr,
    );
  }

  addHashes(p, walk);
  addLists(p);
  addSets(p, walk);
  addScripting(p, walk);
  return p;
}

/** MGET_GROUPS groups of MGET_KEYS random keys each. */
export function mgetGroups(keys) {
  const groups = new Array(MGET_GROUPS);
  const gWalk = randomWalk(keys.length, MGET_GROUPS * MGET_KEYS, 0x6e7);
  for (let g = 0; g < MGET_GROUPS; g++) {
    groups[g] = new Array(MGET_KEYS);
    for (let j = 0; j < MGET_KEYS; j++) groups[g][j] = keys[gWalk[g * MGET_KEYS + j]];
  }
  return groups;
}

/** A random field index (0..9) per walk step. */
export function fieldWalk(size = HOT_WALK) {
  const next = prng(0xf1e1d);
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = Math.floor(next() * SESSION_FIELDS.length);
  return out;
}

/** HSET / HGET / HGETALL on 1k session hashes of 10 fields; raw: a Map of Maps. */
function addHashes(p, walk) {
  const M = HOT_WALK - 1;
  const sessKeys = makeKeys(HOT_KEYS, 'sess:');
  const fWalk = fieldWalk();
  const raw = new Map();
  const cachee = new Cachee();
  for (let i = 0; i < HOT_KEYS; i++) {
    const h = new Map();
    for (const f of SESSION_FIELDS) h.set(f, sessionValue(i, f));
    raw.set(sessKeys[i], h);
  }
  const err = probe(() => {
    for (let i = 0; i < HOT_KEYS; i++) {
      for (const f of SESSION_FIELDS) cachee.hset(sessKeys[i], f, sessionValue(i, f));
    }
    check('cachee HGET', cachee.hget(sessKeys[2], 'role'), sessionValue(2, 'role'));
    check('cachee HSET overwrite', cachee.hset(sessKeys[2], 'role', sessionValue(2, 'role')), 0);
  });
  {
    let a = 0;
    let c = 0;
    p.add('hset/raw', () => {
      const k = sessKeys[walk[a]];
      const f = SESSION_FIELDS[fWalk[a]];
      a = (a + 1) & M;
      let h = raw.get(k);
      if (h === undefined) {
        h = new Map();
        raw.set(k, h);
      }
      return do_not_optimize(h.set(f, VALUE));
    });
    p.add(
      'hset/cachee',
      () => {
        const k = sessKeys[walk[c]];
        const f = SESSION_FIELDS[fWalk[c]];
        c = (c + 1) & M;
        return do_not_optimize(cachee.hset(k, f, VALUE));
      },
      err,
    );
  }
  {
    let a = 0;
    let c = 0;
    p.add('hget/raw', () => {
      const k = sessKeys[walk[a]];
      const f = SESSION_FIELDS[fWalk[a]];
      a = (a + 1) & M;
      return do_not_optimize(raw.get(k)?.get(f));
    });
    p.add(
      'hget/cachee',
      () => {
        const k = sessKeys[walk[c]];
        const f = SESSION_FIELDS[fWalk[c]];
        c = (c + 1) & M;
        return do_not_optimize(cachee.hget(k, f));
      },
      err,
    );
  }
  {
    let a = 0;
    let c = 0;
    p.add('hgetall/raw', () => {
      const h = raw.get(sessKeys[walk[a]]);
      a = (a + 1) & M;
      return do_not_optimize(h === undefined ? {} : Object.fromEntries(h));
    });
    p.add(
      'hgetall/cachee',
      () => {
        const k = sessKeys[walk[c]];
        c = (c + 1) & M;
        return do_not_optimize(cachee.hgetall(k));
      },
      err,
    );
  }
}

/**
 * A queue: LPUSH until QUEUE_CAP elements, then the list is dropped (one DEL per 1024
 * pushes); RPOP until empty, then refilled with one RPUSH of QUEUE_CAP elements. Raw:
 * a Map of arrays, push / shift (FIFO), with the same resets.
 */
function addLists(p) {
  const refill = new Array(QUEUE_CAP);
  for (let i = 0; i < QUEUE_CAP; i++) refill[i] = valueFor(i + 1);
  const raw = new Map();
  const cachee = new Cachee();
  const err = probe(() => {
    check('cachee LPUSH', cachee.lpush('probe', VALUE), 1);
    check('cachee RPOP', cachee.rpop('probe'), VALUE);
    check('cachee RPOP empty', cachee.rpop('probe'), null);
    check('cachee RPUSH refill', cachee.rpush('queue2', refill), QUEUE_CAP);
  });
  p.add('lpush/raw', () => {
    let a = raw.get('queue');
    if (a === undefined) {
      a = [];
      raw.set('queue', a);
    }
    const n = a.push(VALUE);
    if (n === QUEUE_CAP) raw.delete('queue');
    return do_not_optimize(n);
  });
  p.add(
    'lpush/cachee',
    () => {
      const n = cachee.lpush('queue', VALUE);
      if (n === QUEUE_CAP) cachee.del('queue');
      return do_not_optimize(n);
    },
    err,
  );
  p.add('rpop/raw', () => {
    let a = raw.get('queue2');
    let v = a === undefined ? undefined : a.shift();
    if (v === undefined) {
      if (a === undefined) {
        a = [];
        raw.set('queue2', a);
      }
      a.push(...refill);
      v = a.shift();
    }
    return do_not_optimize(v);
  });
  p.add(
    'rpop/cachee',
    () => {
      let v = cachee.rpop('queue2');
      if (v === null) {
        cachee.rpush('queue2', refill);
        v = cachee.rpop('queue2');
      }
      return do_not_optimize(v);
    },
    err,
  );
}

/** SADD of new members (the set dropped every 1024 adds) and SISMEMBER on a 1k-member set. */
function addSets(p, walk) {
  const M = HOT_WALK - 1;
  const pool = makeKeys(QUEUE_CAP, 'm:');
  const members = makeKeys(HOT_KEYS, 'member:');
  const raw = new Map([['members', new Set(members)]]);
  const cachee = new Cachee();
  const err = probe(() => {
    for (const m of members) cachee.sadd('members', m);
    check('cachee SISMEMBER', cachee.sismember('members', members[9]), 1);
    check('cachee SADD new', cachee.sadd('probe', 'x'), 1);
  });
  {
    let a = 0;
    let c = 0;
    p.add('sadd/raw', () => {
      let s = raw.get('set');
      if (s === undefined) {
        s = new Set();
        raw.set('set', s);
      }
      s.add(pool[a]);
      a = (a + 1) & (QUEUE_CAP - 1);
      if (a === 0) raw.delete('set');
      return do_not_optimize(s);
    });
    p.add(
      'sadd/cachee',
      () => {
        const r = cachee.sadd('set', pool[c]);
        c = (c + 1) & (QUEUE_CAP - 1);
        if (c === 0) cachee.del('set');
        return do_not_optimize(r);
      },
      err,
    );
  }
  {
    let a = 0;
    let c = 0;
    p.add('sismember/raw', () => {
      const m = members[walk[a]];
      a = (a + 1) & M;
      return do_not_optimize(raw.get('members')?.has(m));
    });
    p.add(
      'sismember/cachee',
      () => {
        const m = members[walk[c]];
        c = (c + 1) & M;
        return do_not_optimize(cachee.sismember('members', m));
      },
      err,
    );
  }
}

/** EVALSHA of a two-call script (INCR + EXPIRE) on 1k counters; raw: the same in a JS function. */
function addScripting(p, walk) {
  const M = HOT_WALK - 1;
  const keys = makeKeys(HOT_KEYS, 'rl:');
  const counts = new Map();
  const deadlines = new Map();
  let a = 0;
  p.add('evalsha/raw', () => {
    const k = keys[walk[a]];
    a = (a + 1) & M;
    const n = (counts.get(k) ?? 0) + 1;
    counts.set(k, n);
    deadlines.set(k, Date.now() + 60_000);
    return do_not_optimize(n);
  });
  if (!SCRIPTING) {
    p.skipped.set('evalsha/cachee', 'scripting (EVAL/EVALSHA) is not registered in the command table yet');
    return;
  }
  const cachee = new Cachee();
  let sha = '';
  const err = probe(() => {
    sha = cachee.scriptLoad(SCRIPT);
    check('cachee EVALSHA', cachee.evalsha(sha, 1, 'probe', '60'), 1);
    check('cachee EVALSHA again', cachee.evalsha(sha, 1, 'probe', '60'), 2);
    check('cachee TTL after EVALSHA', cachee.ttl('probe'), 60);
  });
  let c = 0;
  p.add(
    'evalsha/cachee',
    () => {
      const k = keys[walk[c]];
      c = (c + 1) & M;
      return do_not_optimize(cachee.evalsha(sha, 1, k, '60'));
    },
    err,
  );
}

// --- sorted sets at 10^3, 10^5, 10^6 members ------------------------------------------------------

/**
 * One sorted set of n members per contender. Raw: a Map member → score (ZADD, ZINCRBY,
 * ZSCORE keep no order), and, for ZRANK and ZRANGE, a static sorted array built once
 * (what a never-changing leaderboard would cost: binary search, slice).
 */
function phaseZset(n, print) {
  const p = phase();
  const id = `1e${Math.round(Math.log10(n))}`;
  const { members, scores, walk, newScores, mask: M } = zsetData(n);
  // Warm ZADD up (JIT) on a throwaway set first, so the load figure is not a cold start.
  const warm = new Cachee();
  for (let i = 0; i < 20_000; i++) warm.call('zadd', `w${i & 3}`, scores[i % n], members[i % n]);
  for (let i = 0; i < 20_000; i++) warm.zadd(`w${i & 3}`, scores[i % n], members[i % n]);
  warm.close();
  const cachee = new Cachee();
  const t0 = process.hrtime.bigint();
  const err = probe(() => {
    for (let i = 0; i < n; i++) cachee.zadd('lb', scores[i], members[i]);
    check('cachee ZCARD', cachee.zcard('lb'), n);
  });
  const buildNs = Number(process.hrtime.bigint() - t0) / n;
  const map = new Map();
  for (let i = 0; i < n; i++) map.set(members[i], scores[i]);
  // The static sorted views: ascending scores for rank, members by score descending for top-50.
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((x, y) => scores[x] - scores[y] || (members[x] < members[y] ? -1 : 1));
  const asc = new Float64Array(n);
  for (let i = 0; i < n; i++) asc[i] = scores[order[i]];
  const desc = new Array(n);
  for (let i = 0; i < n; i++) desc[i] = members[order[n - 1 - i]];
  if (err === null) {
    check('cachee ZRANGE top-50 REV', cachee.zrange('lb', 0, 49, 'REV'), desc.slice(0, 50));
    check('cachee ZRANK', cachee.zrank('lb', desc[n - 1]), 0);
  }
  print(`  (ZADD of a new member while loading ${zsetSizeLabel(n)}: ${fmtNs(buildNs)} per member)`);
  p.info = { buildNs };

  {
    let a = 0;
    let c = 0;
    p.add(`zscore-${id}/raw`, () => {
      const m = members[walk[a]];
      a = (a + 1) & M;
      return do_not_optimize(map.get(m));
    });
    p.add(
      `zscore-${id}/cachee`,
      () => {
        const m = members[walk[c]];
        c = (c + 1) & M;
        return do_not_optimize(cachee.zscore('lb', m));
      },
      err,
    );
  }
  {
    let a = 0;
    let c = 0;
    p.add(`zrank-${id}/raw`, () => {
      const m = members[walk[a]];
      a = (a + 1) & M;
      const s = map.get(m);
      let lo = 0;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (asc[mid] < s) lo = mid + 1;
        else hi = mid;
      }
      return do_not_optimize(lo);
    });
    p.add(
      `zrank-${id}/cachee`,
      () => {
        const m = members[walk[c]];
        c = (c + 1) & M;
        return do_not_optimize(cachee.zrank('lb', m));
      },
      err,
    );
  }
  p.add(`zrange-${id}/raw`, () => do_not_optimize(desc.slice(0, 50)));
  p.add(`zrange-${id}/cachee`, () => do_not_optimize(cachee.zrange('lb', 0, 49, 'REV')), err);
  {
    let a = 0;
    let c = 0;
    p.add(`zadd-${id}/raw`, () => {
      const m = members[walk[a]];
      const s = newScores[a];
      a = (a + 1) & M;
      return do_not_optimize(map.set(m, s));
    });
    p.add(
      `zadd-${id}/cachee`,
      () => {
        const m = members[walk[c]];
        const s = newScores[c];
        c = (c + 1) & M;
        return do_not_optimize(cachee.zadd('lb', s, m));
      },
      err,
    );
  }
  {
    let a = 0;
    let c = 0;
    p.add(`zincrby-${id}/raw`, () => {
      const m = members[walk[a]];
      a = (a + 1) & M;
      const s = map.get(m) + 1;
      map.set(m, s);
      return do_not_optimize(s);
    });
    p.add(
      `zincrby-${id}/cachee`,
      () => {
        const m = members[walk[c]];
        c = (c + 1) & M;
        return do_not_optimize(cachee.zincrby('lb', 1, m));
      },
      err,
    );
  }
  return p;
}

// --- 1M string keys -------------------------------------------------------------------------------

function phaseBig() {
  const p = phase();
  const keys = makeKeys(BIG_KEYS);
  const walk = randomWalk(BIG_KEYS, BIG_WALK, 0xb16);
  const M = BIG_WALK - 1;
  const map = new Map();
  const lru = new LRUCache({ max: BIG_KEYS * 2 });
  const cachee = new Cachee();
  for (let i = 0; i < BIG_KEYS; i++) {
    const v = valueFor(i + 1);
    map.set(keys[i], v);
    lru.set(keys[i], v);
  }
  const err = probe(() => {
    for (let i = 0; i < BIG_KEYS; i++) cachee.set(keys[i], map.get(keys[i]));
    check('cachee GET 1M', cachee.get(keys[BIG_KEYS - 1]), valueFor(BIG_KEYS));
  });
  let a = 0;
  let b = 0;
  let c = 0;
  p.add('get-1m/raw', () => {
    const k = keys[walk[a]];
    a = (a + 1) & M;
    return do_not_optimize(map.get(k));
  });
  p.add('get-1m/lru-cache', () => {
    const k = keys[walk[b]];
    b = (b + 1) & M;
    return do_not_optimize(lru.get(k));
  });
  p.add(
    'get-1m/cachee',
    () => {
      const k = keys[walk[c]];
      c = (c + 1) & M;
      return do_not_optimize(cachee.get(k));
    },
    err,
  );
  return p;
}

// --- the runner -------------------------------------------------------------------------------------

/**
 * Runs every micro-benchmark, `rounds` times per phase (contenders interleaved).
 * `cpuMs` is mitata's minimum CPU time per bench (642 ms by default; less for a
 * quick run). Resolves to `{ results, skipped, zsetBuild }`: results maps bench
 * names (`get-1k/raw`, `get-1k/cachee`, `zadd-1e6/cachee`, ...) to the best
 * round's `{ p50, avg }` in ns per op; skipped maps bench names to the reason;
 * `zsetSizes` picks the sorted-set sizes (all of ZSET_SIZES by default);
 * zsetBuild maps a size to Cachee's ns per ZADD of a new member while loading.
 */
export async function runMicro(print, { rounds = 2, cpuMs = 642, zsetSizes = ZSET_SIZES } = {}) {
  const results = new Map();
  const skipped = new Map();
  const zsetBuild = new Map();
  const phases = [
    { title: 'hot keys: strings, hashes, lists, sets, scripting', build: () => phaseHot() },
    ...zsetSizes.map((n) => ({
      title: `sorted set of ${zsetSizeLabel(n)} members`,
      build: () => phaseZset(n, print),
      size: n,
    })),
    { title: `${BIG_KEYS.toLocaleString('en-US')} string keys`, build: () => phaseBig() },
  ];
  for (const { title, build, size } of phases) {
    const t0 = Date.now();
    print(`\n# ${title}`);
    let p = build();
    print(`  (data built in ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    for (const [k, v] of p.skipped) skipped.set(k, v);
    if (size !== undefined && p.info !== undefined) zsetBuild.set(size, p.info.buildNs);
    for (let round = 1; round <= rounds; round++) {
      for (const { name, fn } of p.benches) {
        let stats;
        try {
          stats = await measure(fn, { min_cpu_time: cpuMs * 1e6 });
        } catch (e) {
          skipped.set(name, e instanceof Error ? e.message : String(e));
          continue;
        }
        const prev = results.get(name);
        if (prev === undefined || stats.p50 < prev.p50) results.set(name, { p50: stats.p50, avg: stats.avg });
        print(
          `  ${name.padEnd(22)} ${fmtNs(stats.p50).padStart(9)}/op  (avg ${fmtNs(stats.avg)}${rounds > 1 ? `, round ${round}` : ''})`,
        );
      }
    }
    p = undefined; // drop the phase's data before building the next
    globalThis.gc?.();
  }
  return { results, skipped, zsetBuild };
}
