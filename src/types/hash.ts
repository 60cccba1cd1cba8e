/**
 * Hashes: the Redis hash value and its typed operations (Redis 7.0 t_hash.c).
 *
 * Structure: {@link RedisHash} is one native `Map` from field to value. Fields
 * are canonical strings (the field's text when its bytes are valid UTF-8, else
 * the reserved binary form of util/bytes.ts), values are Redis strings stored as
 * given (a string, or a Buffer that is never copied or mutated here). HGET/HSET
 * cost one Map operation, and a Map iterates in insertion order with in-place
 * updates, which is exactly the order of Redis's `listpack` encoding: for small
 * hashes HGETALL, HKEYS, HVALS and HSCAN reply byte for byte as Redis does.
 *
 * Encoding: `listpack` is a flag following Redis's thresholds and conversion
 * points ({@link hashLimits}: 512 entries, 64-byte fields and values), one way
 * (a hash never goes back from `hashtable`), because OBJECT ENCODING and HSCAN's
 * paging depend on it: a listpack hash is scanned in one call (cursor 0), a
 * `hashtable` one pages through the shared live-iterator cursors of
 * engine/scan-cursors.ts.
 *
 * Random fields (HRANDFIELD): a Map has no random access, and an index kept
 * beside it would cost every HSET/HDEL and ~16 bytes per field for a rarely
 * used command. So sampling picks positions first and then walks the Map once,
 * without copying it: k distinct fields by Floyd's algorithm (positions sorted,
 * so the fields come in hash order, as Redis's listpack sampling returns them),
 * k fields with repetition by sorting the k drawn positions and filling the
 * reply slots during the walk. Time O(n + k log k), memory O(k); a hash no
 * larger than the reply is simply read into an array.
 *
 * Keyspace rules, as Redis: writes create the key, an op that empties the hash
 * deletes it (`del` event); stored hashes are never empty. Ops throw ReplyError
 * with Redis's texts. {@link hashGet} and {@link hashSetOne} allocate nothing.
 */
import type { Database } from '../engine/database.js';
import {
  type Meter,
  mapBytes,
  mapCapacity,
  OBJECT_HEADER,
  POINTER,
  stringBytes,
  valueBytes,
} from '../engine/memory.js';
import { Notify } from '../engine/notify.js';
import { scanCursors } from '../engine/scan-cursors.js';
import type { RedisObject } from '../engine/value.js';
import { Err, ReplyError, wrongType } from '../errors.js';
import { type Arg, byteLength, keyToValue, type RedisValue, toKey } from '../util/bytes.js';
import {
  addLongDouble,
  formatLongDoubleHuman,
  isFiniteLongDouble,
  LongDouble,
  longDoubleFromNumber,
  parseLongDouble,
} from '../util/long-double.js';
import { addInt64, type Int64, int64ToString, tryParseInt64 } from '../util/numbers.js';
import type { ScanOptions } from './keyspace.js';

/** Encoding thresholds (`hash-max-listpack-entries`, `hash-max-listpack-value`); CONFIG SET may change them. */
export const hashLimits = { maxListpackEntries: 512, maxListpackValue: 64 };

/** True when a field or value is short enough for a listpack (byte length ≤ the limit). */
function fitsListpack(v: Arg): boolean {
  const max = hashLimits.maxListpackValue;
  if (typeof v !== 'string') return v.length <= max;
  const n = v.length;
  if (n * 3 <= max) return true; // a UTF-16 unit is at most 3 UTF-8 bytes
  if (n > max) return false;
  return Buffer.byteLength(v, 'utf8') <= max;
}

/** A RedisHash object: its header and 8 fields. */
const HASH_OBJECT = OBJECT_HEADER + 8 * POINTER;

/** A hash value in the keyspace. */
export class RedisHash implements RedisObject {
  readonly type = 'hash' as const;
  /** Canonical field → value, in listpack order (insertion, updates in place). */
  readonly map: Map<string, RedisValue>;
  /** Redis would hold this hash as a listpack (see the module header). */
  listpack: boolean;
  /** Bytes of the fields and values (engine/memory.ts), kept by {@link RedisHash.set} and {@link RedisHash.delete}. */
  bytes = 0;
  /** The Map's modelled capacity (engine/memory.ts `mapCapacity`). */
  private capacity = 0;
  accounted = 0;
  refs = 0;
  owner: Meter | null = null;

  constructor(listpack = true, map: Map<string, RedisValue> = new Map(), bytes = -1) {
    this.listpack = listpack;
    this.map = map;
    if (bytes >= 0) this.bytes = bytes;
    else for (const [f, v] of map) this.bytes += stringBytes(f) + valueBytes(v);
  }

  /** HLEN. */
  get size(): number {
    return this.map.size;
  }

  encoding(): string {
    return this.listpack ? 'listpack' : 'hashtable';
  }

  /** A copy with its own Map; values are shared (immutable strings, Buffers never mutated here). */
  clone(): RedisHash {
    return new RedisHash(this.listpack, new Map(this.map), this.bytes);
  }

  memoryBytes(): number {
    const size = this.map.size;
    let capacity = this.capacity;
    if (size > capacity || size < capacity >>> 2) this.capacity = capacity = mapCapacity(size, capacity);
    return HASH_OBJECT + mapBytes(capacity) + this.bytes;
  }

  /**
   * Sets a field (canonical form) to a value; true when the field is new. Converts
   * to `hashtable` once the entry count passes the listpack limit, as Redis's
   * hashTypeSet does; the length check of fields and values is the caller's
   * ({@link RedisHash.checkLengths}), made before the write as Redis makes it.
   */
  set(field: string, value: RedisValue): boolean {
    const map = this.map;
    const old = map.get(field);
    map.set(field, value);
    if (old !== undefined) {
      this.bytes += valueBytes(value) - valueBytes(old);
      return false;
    }
    this.bytes += stringBytes(field) + valueBytes(value);
    if (this.listpack && map.size > hashLimits.maxListpackEntries) this.listpack = false;
    return true;
  }

  /**
   * engine/memory.ts `reconcileObject` for a hash changed in place: as a method of
   * this class its property accesses stay monomorphic (the shared function sees
   * every aggregate type), which matters on the HSET fast path.
   */
  reconcile(): void {
    const owner = this.owner;
    if (owner === null) return;
    const bytes = this.memoryBytes();
    const delta = bytes - this.accounted;
    if (delta === 0) return;
    this.accounted = bytes;
    owner.add(delta);
  }

  /** Removes a field (canonical form); true when it was there. */
  delete(field: string): boolean {
    const map = this.map;
    const old = map.get(field);
    if (old === undefined) return false;
    map.delete(field);
    this.bytes -= stringBytes(field) + valueBytes(old);
    return true;
  }

  /** Converts to `hashtable` when `field` or `value` is too long for a listpack (Redis's hashTypeTryConversion). */
  checkLengths(field: Arg, value: Arg): void {
    if (this.listpack && !(fitsListpack(field) && fitsListpack(value))) this.listpack = false;
  }
}

/** The hash at `key` for a read (counts hits/misses); undefined when absent; WRONGTYPE otherwise. */
export function readHash(db: Database, key: string): RedisHash | undefined {
  const v = db.read(key);
  if (v === undefined) return undefined;
  if (v instanceof RedisHash) return v;
  return wrongType();
}

/** The hash at `key` for a write; undefined when absent; WRONGTYPE otherwise. */
export function writeHash(db: Database, key: string): RedisHash | undefined {
  const v = db.write(key);
  if (v === undefined) return undefined;
  if (v instanceof RedisHash) return v;
  return wrongType();
}

/** Emits a keyspace event of the hash class. */
function notifyHash(db: Database, event: string, key: string): void {
  const engine = db.engine;
  if (engine.notifyFlags !== 0) engine.notify(Notify.hash, event, key, db.index);
}

/**
 * After a write to `hash`: stores it when it is new (Redis's dbAdd: `new`
 * event), else signals the in-place modification; then emits `event`.
 */
function written(db: Database, key: string, hash: RedisHash, created: boolean, event: string): void {
  const engine = db.engine;
  if (created) {
    db.set(key, hash);
    if (engine.notifyFlags !== 0) engine.notify(Notify.newKey, 'new', key, db.index);
  } else {
    // db.modified(key, hash), with the hash's own (monomorphic) reconcile.
    hash.reconcile();
    engine.keyModified(db, key);
  }
  if (engine.notifyFlags !== 0) engine.notify(Notify.hash, event, key, db.index);
}

// --- writes ---------------------------------------------------------------

/**
 * HSET key field value: sets one field, creating the key when absent. Returns 1
 * when the field is new, 0 when it was updated. Allocates nothing for an
 * update. Emits `hset`.
 */
export function hashSetOne(db: Database, key: string, field: Arg, value: RedisValue): number {
  let hash = writeHash(db, key);
  const created = hash === undefined;
  if (hash === undefined) hash = new RedisHash();
  hash.checkLengths(field, value);
  const added = hash.set(toKey(field), value);
  written(db, key, hash, created, 'hset');
  return added ? 1 : 0;
}

/**
 * HSET / HMSET key field value [field value ...]: sets the pairs
 * `args[start]`, `args[start + 1]`, ... in order (a later value for the same
 * field wins), creating the key when absent. Returns how many fields are new.
 * Emits one `hset` event. The caller guarantees complete pairs.
 */
export function hashSet(db: Database, key: string, args: readonly Arg[], start = 0): number {
  let hash = writeHash(db, key);
  const created = hash === undefined;
  if (hash === undefined) hash = new RedisHash();
  // As hashTypeTryConversion: any long argument converts before the first write.
  if (hash.listpack) {
    for (let i = start; i < args.length; i++) {
      if (!fitsListpack(args[i])) {
        hash.listpack = false;
        break;
      }
    }
  }
  let added = 0;
  for (let i = start; i + 1 < args.length; i += 2) if (hash.set(toKey(args[i]), args[i + 1])) added++;
  written(db, key, hash, created, 'hset');
  return added;
}

/**
 * HSETNX key field value: sets the field only when it does not exist (creating
 * the key when absent). Returns 1 when set, 0 otherwise. Emits `hset` when set.
 */
export function hashSetNx(db: Database, key: string, field: Arg, value: RedisValue): number {
  let hash = writeHash(db, key);
  const f = toKey(field);
  if (hash?.map.has(f)) return 0;
  const created = hash === undefined;
  if (hash === undefined) hash = new RedisHash();
  hash.checkLengths(field, value);
  hash.set(f, value);
  written(db, key, hash, created, 'hset');
  return 1;
}

/**
 * HDEL key field [field ...]: removes the fields `fields[start..]`. Returns how
 * many existed. Emits `hdel` when any did, then `del` when the hash emptied
 * (remaining fields are then not looked at, as in Redis).
 */
export function hashDel(db: Database, key: string, fields: readonly Arg[], start = 0): number {
  const hash = writeHash(db, key);
  if (hash === undefined) return 0;
  const map = hash.map;
  let deleted = 0;
  for (let i = start; i < fields.length; i++) {
    if (hash.delete(toKey(fields[i]))) {
      deleted++;
      if (map.size === 0) break;
    }
  }
  if (deleted === 0) return 0;
  const engine = db.engine;
  if (map.size === 0) {
    db.delete(key);
    if (engine.notifyFlags !== 0) {
      engine.notify(Notify.hash, 'hdel', key, db.index);
      engine.notify(Notify.generic, 'del', key, db.index);
    }
  } else {
    db.modified(key, hash);
    notifyHash(db, 'hdel', key);
  }
  return deleted;
}

/**
 * HINCRBY key field increment: adds `by` to the field's integer value (a missing
 * field counts as 0), creating the key when absent, and returns the new value.
 * Throws `ERR hash value is not an integer` when the value is not an int64 and
 * `ERR increment or decrement would overflow`. Emits `hincrby`.
 */
export function hashIncrBy(db: Database, key: string, field: Arg, by: Int64): Int64 {
  let hash = writeHash(db, key);
  const created = hash === undefined;
  if (hash === undefined) hash = new RedisHash();
  const f = toKey(field);
  const cur = hash.map.get(f);
  let value: Int64 = 0;
  if (cur !== undefined) {
    const parsed = tryParseInt64(cur);
    if (parsed === undefined) throw new ReplyError(Err.hashNotInteger);
    value = parsed;
  }
  const sum = addInt64(value, by);
  if (sum === undefined) throw new ReplyError(Err.overflow);
  const text = int64ToString(sum);
  hash.checkLengths(field, text);
  hash.set(f, text);
  written(db, key, hash, created, 'hincrby');
  return sum;
}

/**
 * HINCRBYFLOAT key field increment: adds `incr` in 80-bit long double arithmetic
 * (as INCRBYFLOAT, util/long-double.ts) and returns the new value's text, which
 * is stored. The increment is parsed first: `ERR value is not a valid float`,
 * `ERR value is NaN or Infinity` (both before the type check); then
 * `ERR hash value is not a float` and `ERR increment would produce NaN or
 * Infinity`. Creates the key when absent. Emits `hincrbyfloat`.
 */
export function hashIncrByFloat(
  db: Database,
  key: string,
  field: Arg,
  incr: Arg | number | LongDouble,
): string {
  const by =
    typeof incr === 'number'
      ? longDoubleFromNumber(incr)
      : incr instanceof LongDouble
        ? incr
        : parseLongDouble(incr);
  if (by === undefined || Number.isNaN(by.e)) throw new ReplyError(Err.notFloat);
  if (!isFiniteLongDouble(by)) throw new ReplyError(Err.nanOrInfinity);
  let hash = writeHash(db, key);
  const created = hash === undefined;
  if (hash === undefined) hash = new RedisHash();
  const f = toKey(field);
  const cur = hash.map.get(f);
  let value = ZERO;
  if (cur !== undefined) {
    const parsed = parseLongDouble(cur);
    if (parsed === undefined) throw new ReplyError(Err.hashNotFloat);
    value = parsed;
  }
  const sum = addLongDouble(value, by);
  if (!isFiniteLongDouble(sum)) throw new ReplyError(Err.incrFloatNaN);
  const text = formatLongDoubleHuman(sum);
  hash.checkLengths(field, text);
  hash.set(f, text);
  written(db, key, hash, created, 'hincrbyfloat');
  return text;
}

const ZERO = longDoubleFromNumber(0);

// --- reads ----------------------------------------------------------------

/** HGET key field: the value, or null when the field or key is absent. Allocates nothing. */
export function hashGet(db: Database, key: string, field: Arg): RedisValue | null {
  const hash = readHash(db, key);
  if (hash === undefined) return null;
  return hash.map.get(toKey(field)) ?? null;
}

/** HMGET key field [field ...]: the values of `fields[start..]`, null for absent ones. */
export function hashMGet(
  db: Database,
  key: string,
  fields: readonly Arg[],
  start = 0,
): (RedisValue | null)[] {
  const hash = readHash(db, key);
  const out = new Array<RedisValue | null>(fields.length - start);
  for (let i = start; i < fields.length; i++) {
    out[i - start] = hash === undefined ? null : (hash.map.get(toKey(fields[i])) ?? null);
  }
  return out;
}

/** HEXISTS key field. */
export function hashExists(db: Database, key: string, field: Arg): boolean {
  const hash = readHash(db, key);
  return hash?.map.has(toKey(field)) === true;
}

/** HLEN key: the number of fields, 0 when absent. */
export function hashLen(db: Database, key: string): number {
  return readHash(db, key)?.map.size ?? 0;
}

/** HSTRLEN key field: the value's length in bytes, 0 when the field or key is absent. */
export function hashStrLen(db: Database, key: string, field: Arg): number {
  const v = readHash(db, key)?.map.get(toKey(field));
  return v === undefined ? 0 : byteLength(v);
}

/** HGETALL key: fields and values interleaved (`[f1, v1, f2, v2, ...]`) in hash order; `[]` when absent. */
export function hashGetAll(db: Database, key: string): RedisValue[] {
  const hash = readHash(db, key);
  if (hash === undefined) return [];
  const out = new Array<RedisValue>(hash.map.size * 2);
  let i = 0;
  for (const [f, v] of hash.map) {
    out[i++] = keyToValue(f);
    out[i++] = v;
  }
  return out;
}

/** HKEYS key: the fields in hash order; `[]` when absent. */
export function hashKeys(db: Database, key: string): RedisValue[] {
  const hash = readHash(db, key);
  if (hash === undefined) return [];
  const out = new Array<RedisValue>(hash.map.size);
  let i = 0;
  for (const f of hash.map.keys()) out[i++] = keyToValue(f);
  return out;
}

/** HVALS key: the values in hash order; `[]` when absent. */
export function hashVals(db: Database, key: string): RedisValue[] {
  const hash = readHash(db, key);
  return hash === undefined ? [] : Array.from(hash.map.values());
}

// --- random fields -----------------------------------------------------------

/** A uniform integer in [0, n). */
function randomBelow(n: number): number {
  return Math.floor(Math.random() * n);
}

/** HRANDFIELD key: a random field, or null when the key is absent. */
export function hashRandField(db: Database, key: string): RedisValue | null {
  const hash = readHash(db, key);
  if (hash === undefined) return null;
  let skip = randomBelow(hash.map.size);
  for (const f of hash.map.keys()) if (skip-- === 0) return keyToValue(f);
  return null; // unreachable: stored hashes are never empty
}

/**
 * HRANDFIELD key count [WITHVALUES]: with `count` ≥ 0, up to `count` distinct
 * fields (the whole hash, in hash order, when count ≥ its size); with a
 * negative count, |count| fields drawn independently (repetitions possible),
 * in random order. With `withValues` each field is followed by its value
 * (`[f1, v1, f2, v2, ...]`). `[]` when the key is absent. See the module header
 * for the sampling method.
 */
export function hashRandFields(db: Database, key: string, count: number, withValues: boolean): RedisValue[] {
  const hash = readHash(db, key);
  if (hash === undefined || count === 0) return [];
  const map = hash.map;
  const n = map.size;
  const unique = count > 0;
  const k = unique ? count : -count;
  const width = withValues ? 2 : 1;
  if (unique && k >= n) return withValues ? entriesOf(map) : keysOf(map);
  const out = new Array<RedisValue>(k * width);
  if (!unique && n <= k) {
    // The reply is at least as large as the hash: read the hash into arrays.
    const fields = keysOf(map);
    const values = withValues ? Array.from(map.values()) : undefined;
    for (let i = 0; i < k; i++) {
      const r = randomBelow(n);
      out[i * width] = fields[r];
      if (values !== undefined) out[i * width + 1] = values[r];
    }
    return out;
  }
  // Positions to take, and for each the reply slot it fills, sorted by position.
  const positions = unique ? distinctPositions(n, k) : randomPositions(n, k);
  let p = 0;
  let index = 0;
  for (const [f, v] of map) {
    while (p < k && positions[p].at === index) {
      const slot = positions[p].slot * width;
      out[slot] = keyToValue(f);
      if (withValues) out[slot + 1] = v;
      p++;
    }
    if (p === k) break;
    index++;
  }
  return out;
}

interface Pick {
  /** Position in hash order. */
  at: number;
  /** Reply slot. */
  slot: number;
}

/** k distinct positions in [0, n) by Floyd's algorithm, ascending, filling slots in that order. */
function distinctPositions(n: number, k: number): Pick[] {
  const chosen = new Set<number>();
  for (let j = n - k; j < n; j++) {
    const t = randomBelow(j + 1);
    chosen.add(chosen.has(t) ? j : t);
  }
  const at = Array.from(chosen).sort((a, b) => a - b);
  const out = new Array<Pick>(k);
  for (let i = 0; i < k; i++) out[i] = { at: at[i], slot: i };
  return out;
}

/** k independent positions in [0, n) for slots 0..k-1, sorted by position. */
function randomPositions(n: number, k: number): Pick[] {
  const out = new Array<Pick>(k);
  for (let i = 0; i < k; i++) out[i] = { at: randomBelow(n), slot: i };
  return out.sort((a, b) => a.at - b.at);
}

function keysOf(map: Map<string, RedisValue>): RedisValue[] {
  const out = new Array<RedisValue>(map.size);
  let i = 0;
  for (const f of map.keys()) out[i++] = keyToValue(f);
  return out;
}

function entriesOf(map: Map<string, RedisValue>): RedisValue[] {
  const out = new Array<RedisValue>(map.size * 2);
  let i = 0;
  for (const [f, v] of map) {
    out[i++] = keyToValue(f);
    out[i++] = v;
  }
  return out;
}

// --- scan -------------------------------------------------------------------

/**
 * HSCAN's step over a hash already looked up: fields and values interleaved.
 * A listpack hash is returned whole with cursor 0, whatever the cursor (as
 * Redis does); a hashtable hash pages through the shared scan cursors, COUNT
 * fields at a time. MATCH filters on the field.
 */
export function scanHash(
  hash: RedisHash,
  cursor: number | bigint,
  options: ScanOptions,
): [number, RedisValue[]] {
  const match = options.match !== undefined && !options.match.matchesAll ? options.match : undefined;
  const out: RedisValue[] = [];
  const map = hash.map;
  if (hash.listpack) {
    for (const [f, v] of map) {
      if (match !== undefined && !match.matchKey(f)) continue;
      out.push(keyToValue(f), v);
    }
    return [0, out];
  }
  const fields: string[] = [];
  const next = scanCursors.step(map, cursor, options.count, fields);
  for (const f of fields) {
    if (match !== undefined && !match.matchKey(f)) continue;
    const v = map.get(f);
    if (v !== undefined) out.push(keyToValue(f), v);
  }
  return [next, out];
}
