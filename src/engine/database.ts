/**
 * One logical database (SELECT n): the keyspace.
 *
 * Design: values live bare in one `Map<string, StoredValue>`; expiry times live in
 * a second map holding only volatile keys, as Redis's `db->dict` / `db->expires`.
 * A read of a key costs one Map lookup, plus a second only when the database has
 * volatile keys at all. Expired keys are removed lazily on access and by the
 * engine's active cycle. Per-key access times (for OBJECT IDLETIME and LRU) are
 * kept in a side map only while the engine tracks access, since a per-key record
 * would cost more memory than the key itself.
 */
import type { Engine } from './engine.js';
import { Notify } from './notify.js';
import type { StoredValue } from './value.js';

/** Redis's LFU_INIT_VAL (`lfu-log-factor` and `lfu-decay-time` are engine settings). */
const LFU_INIT_VAL = 5;

/** Redis's LFUGetTimeInMinutes: minutes, 16 bits. */
function lfuMinutes(engine: Engine): number {
  return Math.floor(engine.clock.now() / 60000) & 65535;
}

export class Database {
  /** key → value. */
  data = new Map<string, StoredValue>();
  /** key → absolute expiry time in ms, for volatile keys only. */
  expires = new Map<string, number>();
  /** key → last access time in whole seconds; only while `engine.trackAccess`. */
  access = new Map<string, number>();
  /** Keys whose string value is Redis's `raw` encoding though short (APPEND, SETRANGE, SETBIT results). */
  stringEncodings = new Map<string, 'raw' | 'embstr'>();
  /**
   * key → LFU data packed as `minutes * 256 + counter` (Redis's `lru` field under an
   * LFU policy): only while `engine.lfu`, for OBJECT FREQ and LFU eviction.
   */
  freq = new Map<string, number>();

  constructor(
    readonly engine: Engine,
    readonly index: number,
  ) {}

  /** Number of keys, counting expired ones not yet reclaimed (as DBSIZE does). */
  get size(): number {
    return this.data.size;
  }

  /**
   * The value at `key`, or undefined, deleting it first when expired. No stats,
   * no access tracking: for internal reads (Redis's `lookupKey` with NOTOUCH).
   */
  peek(key: string): StoredValue | undefined {
    const v = this.data.get(key);
    if (v === undefined) return undefined;
    if (this.expires.size !== 0) {
      const at = this.expires.get(key);
      if (at !== undefined && at < this.engine.clock.now()) {
        this.expire(key);
        return undefined;
      }
    }
    return v;
  }

  /** A read by a command: counts keyspace hits/misses and records access. */
  read(key: string): StoredValue | undefined {
    const v = this.peek(key);
    const engine = this.engine;
    if (v === undefined) {
      engine.stats.keyspaceMisses++;
      if (engine.notifyFlags !== 0) engine.notify(Notify.keyMiss, 'keymiss', key, this.index);
      return undefined;
    }
    engine.stats.keyspaceHits++;
    if (engine.trackAccess) this.touch(key);
    return v;
  }

  /** A lookup for writing: expires lazily and records access, no hit/miss stats. */
  write(key: string): StoredValue | undefined {
    const v = this.peek(key);
    if (v !== undefined && this.engine.trackAccess) this.touch(key);
    return v;
  }

  /** True when the key exists (and is not expired). */
  has(key: string): boolean {
    return this.peek(key) !== undefined;
  }

  /**
   * Stores a value as SET does: replaces any value and, unless `keepTtl`, clears
   * the TTL. Signals the modification. Does not emit notifications.
   */
  set(key: string, value: StoredValue, keepTtl = false): void {
    if (this.engine.trackAccess) this.touchSet(key);
    this.data.set(key, value);
    if (!keepTtl && this.expires.size !== 0) this.expires.delete(key);
    if (this.stringEncodings.size !== 0) this.stringEncodings.delete(key);
    this.engine.keyModified(this, key);
  }

  /**
   * Replaces the value of an existing key in place, keeping its TTL (APPEND,
   * SETRANGE, INCR, ...). Signals the modification.
   */
  replace(key: string, value: StoredValue): void {
    this.data.set(key, value);
    if (this.stringEncodings.size !== 0) this.stringEncodings.delete(key);
    this.engine.keyModified(this, key);
  }

  /** Signals that the value at `key` was changed in place (an aggregate mutated without a Map write). */
  modified(key: string): void {
    this.engine.keyModified(this, key);
  }

  /**
   * Records how Redis would have encoded the string just stored at `key` when it
   * is not what tryObjectEncoding gives: 'raw' for APPEND/SETRANGE/bit results,
   * 'embstr' for INCRBYFLOAT results (never int-encoded). Cleared by any write.
   */
  markEncoding(key: string, encoding: 'raw' | 'embstr'): void {
    this.stringEncodings.set(key, encoding);
  }

  /** The encoding recorded by {@link markEncoding}, if any. */
  encodingHint(key: string): 'raw' | 'embstr' | undefined {
    return this.stringEncodings.size === 0 ? undefined : this.stringEncodings.get(key);
  }

  /** Deletes a key; true when it existed (expired keys count as absent). */
  delete(key: string): boolean {
    if (this.peek(key) === undefined) return false;
    this.remove(key);
    this.engine.keyModified(this, key);
    return true;
  }

  /** Removes every trace of a key without signalling. */
  remove(key: string): void {
    this.data.delete(key);
    if (this.expires.size !== 0) this.expires.delete(key);
    if (this.access.size !== 0) this.access.delete(key);
    if (this.stringEncodings.size !== 0) this.stringEncodings.delete(key);
    if (this.freq.size !== 0) this.freq.delete(key);
  }

  /** Deletes an expired key: counts it, notifies `expired`, signals the modification. */
  expire(key: string): void {
    this.remove(key);
    this.engine.stats.expiredKeys++;
    if (this.engine.notifyFlags !== 0) this.engine.notify(Notify.expired, 'expired', key, this.index);
    this.engine.keyModified(this, key);
  }

  /** The absolute expiry time in ms, or undefined when the key has none. */
  getExpire(key: string): number | undefined {
    return this.expires.size === 0 ? undefined : this.expires.get(key);
  }

  /** Sets the absolute expiry time of an existing key (does not signal; callers do). */
  setExpire(key: string, at: number): void {
    this.expires.set(key, at);
  }

  /** Removes the TTL; true when there was one. */
  persist(key: string): boolean {
    return this.expires.size !== 0 && this.expires.delete(key);
  }

  /** Seconds since the key was last accessed, or undefined when access is not tracked. */
  idleSeconds(key: string): number | undefined {
    if (!this.engine.trackAccess) return undefined;
    const at = this.access.get(key);
    return at === undefined ? 0 : Math.max(0, this.engine.lruClock() - at);
  }

  /** True when the expiry time has passed (Redis's keyIsExpired: now > when). */
  isExpired(key: string): boolean {
    const at = this.expires.size === 0 ? undefined : this.expires.get(key);
    return at !== undefined && at < this.engine.clock.now();
  }

  /** Empties the database, signalling every key (FLUSHDB). Returns how many keys there were. */
  flush(): number {
    const n = this.data.size;
    const engine = this.engine;
    if (engine.hasKeyListeners()) for (const key of this.data.keys()) engine.keyModified(this, key);
    this.data.clear();
    this.expires.clear();
    this.access.clear();
    this.stringEncodings.clear();
    this.freq.clear();
    return n;
  }

  /** Exchanges contents with another database (SWAPDB): O(1), the maps change owners. */
  swapWith(other: Database): void {
    [this.data, other.data] = [other.data, this.data];
    [this.expires, other.expires] = [other.expires, this.expires];
    [this.access, other.access] = [other.access, this.access];
    [this.stringEncodings, other.stringEncodings] = [other.stringEncodings, this.stringEncodings];
    [this.freq, other.freq] = [other.freq, this.freq];
  }

  /** Records a store (before it happens): the access time, and a new key's initial LFU counter. */
  private touchSet(key: string): void {
    const engine = this.engine;
    this.access.set(key, engine.lruClock());
    // An overwrite keeps the old LFU data, as Redis's dbSetValue does.
    if (engine.lfu && !this.data.has(key)) this.freq.set(key, lfuMinutes(engine) * 256 + LFU_INIT_VAL);
  }

  /** Records an access: the time (OBJECT IDLETIME) and, under an LFU policy, the LFU counter. */
  private touch(key: string): void {
    const engine = this.engine;
    this.access.set(key, engine.lruClock());
    if (engine.lfu) {
      // Redis's updateLFU: decay by elapsed minutes, then a logarithmic increment.
      let counter = this.lfuCounter(key);
      if (counter < 255) {
        const base = counter - LFU_INIT_VAL;
        if (Math.random() < 1 / (Math.max(base, 0) * engine.lfuLogFactor + 1)) counter++;
      }
      this.freq.set(key, lfuMinutes(engine) * 256 + counter);
    }
  }

  /**
   * The LFU access-frequency counter (0..255) OBJECT FREQ reports, decayed by one
   * per minute since the last access (Redis's LFUDecrAndReturn, lfu-decay-time 1).
   * Keys never counted (created before an LFU policy) report 0.
   */
  lfuCounter(key: string): number {
    const packed = this.freq.get(key);
    if (packed === undefined) return 0;
    const counter = packed & 255;
    const then = Math.floor(packed / 256);
    const now = lfuMinutes(this.engine);
    const elapsed = now >= then ? now - then : 65535 - then + now;
    const decay = this.engine.lfuDecayTime;
    const periods = decay > 0 ? Math.floor(elapsed / decay) : 0;
    return periods > counter ? 0 : counter - periods;
  }
}
