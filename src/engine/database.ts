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
 *
 * Memory: `bytes` is this database's estimated heap cost (engine/memory.ts), kept
 * incrementally by every write here and mirrored into `engine.usedBytes`: a store
 * costs one extra Map lookup (the old value's size), an aggregate modified in
 * place one lookup to reconcile its size.
 */
import type { RedisValue } from '../util/bytes.js';
import type { Engine } from './engine.js';
import {
  BUFFER_OVERHEAD,
  holdObject,
  keyBytes,
  Meter,
  reconcileObject,
  releaseObject,
  sideMapBytes,
  stringBytes,
} from './memory.js';
import { Notify } from './notify.js';
import type { RedisObject, StoredValue } from './value.js';

/** Redis's LFU_INIT_VAL (`lfu-log-factor` and `lfu-decay-time` are engine settings). */
const LFU_INIT_VAL = 5;

/**
 * Access times are the clock in ms modulo 2^31 (a Smi: no allocation per read),
 * so LRU eviction tells apart accesses 1 ms apart; idle times wrap after 24.8 days.
 */
export const ACCESS_CLOCK_MASK = 0x7fffffff;

/** Redis's LFUGetTimeInMinutes: minutes, 16 bits. */
function lfuMinutes(engine: Engine): number {
  return Math.floor(engine.clock.now() / 60000) & 65535;
}

export class Database {
  /** key → value. */
  data = new Map<string, StoredValue>();
  /** key → absolute expiry time in ms, for volatile keys only. */
  expires = new Map<string, number>();
  /** key → last access time (ms modulo 2^31, {@link ACCESS_CLOCK_MASK}); only while `engine.trackAccess`. */
  access = new Map<string, number>();
  /** Keys whose string value is Redis's `raw` encoding though short (APPEND, SETRANGE, SETBIT results). */
  stringEncodings = new Map<string, 'raw' | 'embstr'>();
  /**
   * key → LFU data packed as `minutes * 256 + counter` (Redis's `lru` field under an
   * LFU policy): only while `engine.lfu`, for OBJECT FREQ and LFU eviction.
   */
  freq = new Map<string, number>();
  /** This database's byte count (engine/memory.ts); SWAPDB swaps it with the maps. */
  private meter: Meter;
  /** The part of {@link bytes} that the side maps (expires, access, freq, encodings) cost. */
  private sideBytes = 0;

  constructor(
    readonly engine: Engine,
    readonly index: number,
  ) {
    this.meter = new Meter(engine);
  }

  /** Estimated heap bytes of this database: keys, values and side maps (engine/memory.ts). */
  get bytes(): number {
    return this.meter.bytes;
  }

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
    const engine = this.engine;
    if (engine.trackAccess) this.touchSet(key);
    this.store(key, value);
    if (!keepTtl && this.expires.size !== 0 && this.expires.delete(key)) this.syncSideBytes();
    if (this.stringEncodings.size !== 0 && this.stringEncodings.delete(key)) this.syncSideBytes();
    engine.keyModified(this, key);
  }

  /**
   * Replaces the value of an existing key in place, keeping its TTL (APPEND,
   * SETRANGE, INCR, ...). Signals the modification.
   */
  replace(key: string, value: StoredValue): void {
    this.store(key, value);
    if (this.stringEncodings.size !== 0 && this.stringEncodings.delete(key)) this.syncSideBytes();
    this.engine.keyModified(this, key);
  }

  /**
   * {@link replace} for a caller that has just looked up the key's current
   * string value `old` (INCR): the lookup of the old value is skipped.
   */
  replaceString(key: string, old: RedisValue, value: string): void {
    this.data.set(key, value);
    const delta =
      stringBytes(value) -
      (typeof old === 'string' ? stringBytes(old) : BUFFER_OVERHEAD + ((old.length + 7) & ~7));
    if (delta !== 0) this.meter.add(delta);
    if (this.stringEncodings.size !== 0 && this.stringEncodings.delete(key)) this.syncSideBytes();
    this.engine.keyModified(this, key);
  }

  /** Writes the Map slot and accounts for the values that come and go. */
  private store(key: string, value: StoredValue): void {
    const data = this.data;
    const old = data.get(key);
    data.set(key, value);
    let delta = 0;
    if (old === undefined) delta = keyBytes(key);
    else if (old === value) {
      if (typeof value !== 'string' && !(value instanceof Uint8Array)) reconcileObject(value as RedisObject);
      return;
    } else if (typeof old === 'string') delta = -stringBytes(old);
    else if (old instanceof Uint8Array) delta = -(BUFFER_OVERHEAD + ((old.length + 7) & ~7));
    else releaseObject(old as RedisObject);
    if (typeof value === 'string') delta += stringBytes(value);
    else if (value instanceof Uint8Array) delta += BUFFER_OVERHEAD + ((value.length + 7) & ~7);
    else holdObject(this.meter, value as RedisObject);
    this.meter.add(delta);
  }

  /**
   * Signals that the value at `key` was changed in place (an aggregate mutated
   * without a Map write), and accounts for its new size. Callers holding the
   * aggregate pass it, which saves a lookup.
   */
  modified(key: string, value?: RedisObject): void {
    if (value !== undefined) reconcileObject(value);
    else {
      const v = this.data.get(key);
      if (v !== undefined && typeof v !== 'string' && !(v instanceof Uint8Array))
        reconcileObject(v as RedisObject);
    }
    this.engine.keyModified(this, key);
  }

  /**
   * Records how Redis would have encoded the string just stored at `key` when it
   * is not what tryObjectEncoding gives: 'raw' for APPEND/SETRANGE/bit results,
   * 'embstr' for INCRBYFLOAT results (never int-encoded). Cleared by any write.
   */
  markEncoding(key: string, encoding: 'raw' | 'embstr'): void {
    this.stringEncodings.set(key, encoding);
    this.syncSideBytes();
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
    const data = this.data;
    const v = data.get(key);
    if (v !== undefined) {
      data.delete(key);
      let delta = keyBytes(key);
      if (typeof v === 'string') delta += stringBytes(v);
      else if (v instanceof Uint8Array) delta += BUFFER_OVERHEAD + ((v.length + 7) & ~7);
      else releaseObject(v as RedisObject);
      this.meter.add(-delta);
    }
    let side = false;
    if (this.expires.size !== 0 && this.expires.delete(key)) side = true;
    if (this.access.size !== 0 && this.access.delete(key)) side = true;
    if (this.stringEncodings.size !== 0 && this.stringEncodings.delete(key)) side = true;
    if (this.freq.size !== 0 && this.freq.delete(key)) side = true;
    if (side) this.syncSideBytes();
  }

  /**
   * Re-derives the side maps' share of {@link bytes} from their sizes (after any
   * change to them; code that writes them directly is caught up at the next call).
   */
  syncSideBytes(): void {
    const side = sideMapBytes(this);
    const delta = side - this.sideBytes;
    if (delta === 0) return;
    this.sideBytes = side;
    this.meter.add(delta);
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
    const expires = this.expires;
    const n = expires.size;
    expires.set(key, at);
    if (expires.size !== n) this.syncSideBytes();
  }

  /** Removes the TTL; true when there was one. */
  persist(key: string): boolean {
    if (this.expires.size === 0 || !this.expires.delete(key)) return false;
    this.syncSideBytes();
    return true;
  }

  /**
   * Seconds since the key was last accessed, or undefined when access is not
   * tracked: the difference of the whole-second clocks, as Redis's LRU clock
   * (1 s resolution) gives it. Keys not accessed since tracking began report 0.
   */
  idleSeconds(key: string): number | undefined {
    if (!this.engine.trackAccess) return undefined;
    const at = this.access.get(key);
    if (at === undefined) return 0;
    const now = this.engine.clock.now();
    const then = now - ((now - at) & ACCESS_CLOCK_MASK);
    return Math.max(0, Math.floor(now / 1000) - Math.floor(then / 1000));
  }

  /**
   * Milliseconds since the key was last accessed (LRU eviction), modulo 2^31 (24.8
   * days); keys with no recorded access count as idle for that long.
   */
  idleMs(key: string): number {
    const at = this.access.get(key);
    if (at === undefined) return ACCESS_CLOCK_MASK;
    return (this.engine.clock.now() - at) & ACCESS_CLOCK_MASK;
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
    this.meter.add(-this.meter.bytes);
    this.meter = new Meter(engine);
    this.sideBytes = 0;
    return n;
  }

  /** Exchanges contents with another database (SWAPDB): O(1), the maps change owners. */
  swapWith(other: Database): void {
    [this.data, other.data] = [other.data, this.data];
    [this.expires, other.expires] = [other.expires, this.expires];
    [this.access, other.access] = [other.access, this.access];
    [this.stringEncodings, other.stringEncodings] = [other.stringEncodings, this.stringEncodings];
    [this.freq, other.freq] = [other.freq, this.freq];
    [this.meter, other.meter] = [other.meter, this.meter];
    [this.sideBytes, other.sideBytes] = [other.sideBytes, this.sideBytes];
  }

  /** Records a store (before it happens): the access time, and a new key's initial LFU counter. */
  private touchSet(key: string): void {
    const engine = this.engine;
    const access = this.access;
    const n = access.size;
    access.set(key, engine.accessClock());
    // An overwrite keeps the old LFU data, as Redis's dbSetValue does.
    if (engine.lfu && !this.data.has(key)) this.freq.set(key, lfuMinutes(engine) * 256 + LFU_INIT_VAL);
    if (access.size !== n || engine.lfu) this.syncSideBytes();
  }

  /** Records an access: the time (OBJECT IDLETIME) and, under an LFU policy, the LFU counter. */
  private touch(key: string): void {
    const engine = this.engine;
    const access = this.access;
    const n = access.size;
    access.set(key, engine.accessClock());
    if (engine.lfu) {
      // Redis's updateLFU: decay by elapsed minutes, then a logarithmic increment.
      let counter = this.lfuCounter(key);
      if (counter < 255) {
        const base = counter - LFU_INIT_VAL;
        if (engine.random() < 1 / (Math.max(base, 0) * engine.lfuLogFactor + 1)) counter++;
      }
      const freq = this.freq;
      const f = freq.size;
      freq.set(key, lfuMinutes(engine) * 256 + counter);
      if (freq.size !== f) this.syncSideBytes();
    }
    if (access.size !== n) this.syncSideBytes();
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

  /**
   * Gives `toKey` the access time and LFU data `fromKey` has in `from` (RENAME,
   * MOVE, COPY carry what belongs to the value object), keeping the side maps'
   * share of {@link bytes} right.
   */
  copyAccessMeta(from: Database, fromKey: string, toKey: string): void {
    const access = from.access.size === 0 ? undefined : from.access.get(fromKey);
    const freq = from.freq.size === 0 ? undefined : from.freq.get(fromKey);
    if (access === undefined && freq === undefined) return;
    if (access !== undefined) this.access.set(toKey, access);
    if (freq !== undefined) this.freq.set(toKey, freq);
    this.syncSideBytes();
  }
}
