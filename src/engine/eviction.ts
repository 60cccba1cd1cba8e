/**
 * Eviction, as Redis's evict.c: when the memory estimate (engine/memory.ts) is
 * over `maxmemory`, keys are deleted by `maxmemory-policy` until it is not.
 * Dispatch runs this before a command (Redis's processCommand: a command that
 * may grow memory is refused with OOM when nothing more can be evicted) and
 * after one (so that the bound holds after every command, not only before the
 * next); the sync API's fast-path writers do the same.
 *
 * Policies: `noeviction` never evicts; `allkeys-*` choose among all keys,
 * `volatile-*` among keys with a TTL only (none: nothing to evict, so OOM).
 * `*-random` deletes a random key, round-robin over the databases. `*-lru`,
 * `*-lfu` and `volatile-ttl` use Redis's eviction pool: each round samples
 * `maxmemory-samples` keys of every database into a pool of the 16 best
 * candidates seen so far (ordered by idle time, by 255 − the decayed LFU
 * counter, or by nearness of expiry), then evicts the best candidate that still
 * exists. One refinement over Redis: LFU counters are logarithmic, so many keys
 * share one; among those, the least recently used goes first. Idle times come from access times kept at 1 ms resolution
 * (database.ts), finer than Redis's 1 s LRU clock, so LRU tells apart keys used
 * within the same second.
 *
 * Sampling: a Map has no random access, and an index beside it would cost every
 * write and ~16 bytes per key. So each sampled map has 8 live iterators
 * (cursors) that resume where they stopped, each started at its own random
 * position (reached gradually: a cursor skips at most 32 extra keys per use until
 * it gets there), and each sampled key comes from a cursor picked at random. A
 * sample of k keys thus comes from k places spread over the map, in O(k). Every
 * key is visited once per pass of each cursor, so over time keys are sampled
 * alike whatever their age. Bias: a Map iterates in insertion order, and keys
 * near one cursor are sampled in turn, so for a while after the cursors start
 * (the first ~size/32 uses of each) samples lean towards the oldest keys; one
 * cursor consuming k neighbours per sample (tried first) leaned on insertion
 * order enough to cost LFU 2.4 points of hit ratio in bench/eviction.mjs.
 * Random eviction takes one key from a random cursor.
 *
 * A parked Map iterator keeps the table it last saw alive (V8 links a rehashed
 * table to its successor), with every key and value that table held. So the
 * iterators are dropped once eviction has been idle for a second (an unref'd
 * timer), and restarted from the head when needed again.
 *
 * Each eviction deletes through the Database (the memory total and WATCH see it),
 * counts `evicted_keys`, emits the `evicted` keyspace event, and tells the
 * engine's `onEvicted` listeners and the `cachee:evicted` diagnostics channel.
 */
import type { Database } from './database.js';
import type { Engine } from './engine.js';

/** Policy bits (engine.evictionPolicy). */
export const EVICT_LRU = 1;
export const EVICT_LFU = 2;
export const EVICT_TTL = 4;
export const EVICT_RANDOM = 8;
export const EVICT_ALLKEYS = 16;

/** The policy bits of a `maxmemory-policy` name; 0 for noeviction; undefined when unknown. */
export function policyBits(name: string): number | undefined {
  switch (name) {
    case 'noeviction':
      return 0;
    case 'allkeys-lru':
      return EVICT_ALLKEYS | EVICT_LRU;
    case 'allkeys-lfu':
      return EVICT_ALLKEYS | EVICT_LFU;
    case 'allkeys-random':
      return EVICT_ALLKEYS | EVICT_RANDOM;
    case 'volatile-lru':
      return EVICT_LRU;
    case 'volatile-lfu':
      return EVICT_LFU;
    case 'volatile-random':
      return EVICT_RANDOM;
    case 'volatile-ttl':
      return EVICT_TTL;
    default:
      return undefined;
  }
}

/** Redis's EVPOOL_SIZE. */
const POOL_SIZE = 16;
/** Scale of the LFU score's counter part, above any idle time in ms (< 2^31). */
const LFU_TIE_SCALE = 2 ** 31;
/** Cursors per sampled map, and the most extra keys a cursor skips per use on its way to its start. */
const CURSORS = 8;
const START_STEP = 32;
/** Drop parked iterators after this long without an eviction. */
const CURSOR_IDLE_MS = 1000;

type KeyMap = Map<string, unknown>;

/** The cursors over one map: live iterators, and the keys each still skips to reach its start. */
class Cursors {
  readonly its: (Iterator<string> | undefined)[] = new Array(CURSORS).fill(undefined);
  readonly debt = new Float64Array(CURSORS);
  constructor(size: number, random: () => number) {
    for (let j = 0; j < CURSORS; j++) this.debt[j] = Math.floor(random() * size);
  }
}

export class Evictor {
  /** The pool, ascending by score (the best candidate last); an undefined key is an empty slot. */
  private readonly poolScore = new Float64Array(POOL_SIZE);
  private readonly poolKey: (string | undefined)[] = new Array(POOL_SIZE).fill(undefined);
  private readonly poolDb = new Int32Array(POOL_SIZE);
  /** The cursors over each map sampled. */
  private cursors = new WeakMap<KeyMap, Cursors>();
  private readonly sampled: string[] = [];
  private nextDb = 0;
  private running = false;
  private used = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly engine: Engine) {}

  /** Forgets the pool's candidates (their scores mean nothing under another policy). */
  clearPool(): void {
    this.poolKey.fill(undefined);
  }

  /**
   * Redis's performEvictions: evicts until the estimate is within `maxmemory`.
   * Returns false when it cannot (noeviction, or no key the policy may evict).
   */
  perform(): boolean {
    const engine = this.engine;
    if (engine.maxmemory === 0 || engine.usedBytes <= engine.maxmemory) return true;
    const policy = engine.evictionPolicy;
    if (policy === 0) return false;
    // An eviction listener that writes neither evicts nor is refused from inside an eviction.
    if (this.running) return true;
    this.running = true;
    const monitor = engine.latencyMonitorThreshold > 0;
    const start = monitor ? performance.now() : 0;
    try {
      // Bounded by the keys there are (listeners writing as keys go could otherwise keep it going).
      for (let budget = engine.totalKeys(); engine.usedBytes > engine.maxmemory; budget--) {
        if (budget < 0) return false;
        if (!((policy & EVICT_RANDOM) !== 0 ? this.evictRandom(policy) : this.evictFromPool(policy)))
          return false;
      }
      return true;
    } finally {
      this.running = false;
      this.markUsed();
      if (monitor) engine.latencySample('eviction-cycle', Math.floor(performance.now() - start));
    }
  }

  /** Stops the idle timer (Engine.close). */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.cursors = new WeakMap();
  }

  private evictRandom(policy: number): boolean {
    const dbs = this.engine.dbs;
    const allkeys = (policy & EVICT_ALLKEYS) !== 0;
    for (let i = 0; i < dbs.length; i++) {
      this.nextDb = (this.nextDb + 1) % dbs.length;
      const db = dbs[this.nextDb];
      const map: KeyMap = allkeys ? db.data : db.expires;
      if (map.size === 0) continue;
      if (this.sample(map, 1) === 0) continue;
      this.evictKey(db, this.sampled[0]);
      return true;
    }
    return false;
  }

  private evictFromPool(policy: number): boolean {
    const dbs = this.engine.dbs;
    const allkeys = (policy & EVICT_ALLKEYS) !== 0;
    const poolKey = this.poolKey;
    for (;;) {
      let total = 0;
      for (let i = 0; i < dbs.length; i++) {
        const db = dbs[i];
        const map: KeyMap = allkeys ? db.data : db.expires;
        if (map.size === 0) continue;
        total += map.size;
        this.populate(db, map, policy);
      }
      if (total === 0) return false;
      // The best candidate that still exists (Redis drops stale ones on the way).
      for (let k = POOL_SIZE - 1; k >= 0; k--) {
        const key = poolKey[k];
        if (key === undefined) continue;
        poolKey[k] = undefined;
        const db = dbs[this.poolDb[k]];
        if (db === undefined) continue;
        if ((allkeys ? db.data : db.expires).has(key)) {
          this.evictKey(db, key);
          return true;
        }
      }
    }
  }

  /** Redis's evictionPoolPopulate: samples `map` and merges the keys into the pool by score. */
  private populate(db: Database, map: KeyMap, policy: number): void {
    const n = this.sample(map, this.engine.maxmemorySamples);
    const score = this.poolScore;
    const keys = this.poolKey;
    const dbIds = this.poolDb;
    for (let i = 0; i < n; i++) {
      const key = this.sampled[i];
      let idle: number;
      if ((policy & EVICT_LRU) !== 0) idle = db.idleMs(key);
      // 255 − the LFU counter, as Redis; ties (common: the counter is logarithmic) go to the least recently used.
      else if ((policy & EVICT_LFU) !== 0) idle = (255 - db.lfuCounter(key)) * LFU_TIE_SCALE + db.idleMs(key);
      else idle = -(db.expires.get(key) ?? 0);
      // Insert in ascending order; when full, drop the worst (first) to make room.
      let k = 0;
      while (k < POOL_SIZE && keys[k] !== undefined && score[k] < idle) k++;
      if (k === 0 && keys[POOL_SIZE - 1] !== undefined) continue;
      if (k < POOL_SIZE && keys[k] === undefined) {
        // An empty slot: take it.
      } else if (keys[POOL_SIZE - 1] === undefined) {
        // Room at the end: shift k.. right.
        for (let j = POOL_SIZE - 1; j > k; j--) {
          keys[j] = keys[j - 1];
          score[j] = score[j - 1];
          dbIds[j] = dbIds[j - 1];
        }
      } else {
        // Full: shift 1..k−1 left over the worst, insert at k−1.
        k--;
        for (let j = 0; j < k; j++) {
          keys[j] = keys[j + 1];
          score[j] = score[j + 1];
          dbIds[j] = dbIds[j + 1];
        }
      }
      keys[k] = key;
      score[k] = idle;
      dbIds[k] = db.index;
    }
  }

  /**
   * Takes `count` keys of `map` into `this.sampled`, each from a cursor picked at
   * random (a map no larger than `count` is read whole). Returns how many it took.
   */
  private sample(map: KeyMap, count: number): number {
    const out = this.sampled;
    let n = 0;
    if (map.size <= count) {
      for (const key of map.keys()) out[n++] = key;
      return n;
    }
    const random = this.engine.random;
    let cursors = this.cursors.get(map);
    if (cursors === undefined) {
      cursors = new Cursors(map.size, random);
      this.cursors.set(map, cursors);
    }
    while (n < count) {
      const key = this.next(map, cursors, Math.floor(random() * CURSORS));
      if (key === undefined) break;
      out[n++] = key;
    }
    return n;
  }

  /** The next key of cursor `j` (restarted at the head at the end; undefined for an empty map). */
  private next(map: KeyMap, cursors: Cursors, j: number): string | undefined {
    let it = cursors.its[j];
    if (it === undefined) it = cursors.its[j] = map.keys();
    let skip = cursors.debt[j];
    if (skip > START_STEP) skip = START_STEP;
    cursors.debt[j] -= skip;
    let restarted = false;
    for (;;) {
      const r = it.next();
      if (r.done === true) {
        if (restarted) return undefined;
        restarted = true;
        it = cursors.its[j] = map.keys();
        skip = 0;
        cursors.debt[j] = 0;
        continue;
      }
      if (skip > 0) skip--;
      else return r.value;
    }
  }

  /** Deletes one key as Redis's eviction does: delete, count, signal, notify. */
  private evictKey(db: Database, key: string): void {
    const engine = this.engine;
    const value = db.data.get(key);
    db.remove(key);
    engine.stats.evictedKeys++;
    engine.keyModified(db, key);
    engine.keyEvicted(db, key, value);
  }

  /** Notes eviction activity and keeps the idle timer running while there are cursors. */
  private markUsed(): void {
    this.used = true;
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => {
      if (this.used) {
        this.used = false;
        return;
      }
      this.stop();
    }, CURSOR_IDLE_MS);
    this.timer.unref();
  }
}
