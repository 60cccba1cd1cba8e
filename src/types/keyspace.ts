/**
 * Generic key operations: the type-agnostic commands of Redis's db.c, expire.c
 * and object.c (DEL, EXISTS, TYPE, EXPIRE and TTL families, RENAME, COPY, MOVE,
 * KEYS, SCAN, RANDOMKEY, OBJECT, FLUSH*, SWAPDB) as typed operations on
 * databases. Keys are keyspace strings (see util/bytes.ts), results are JS
 * values, Redis's errors are thrown as ReplyError.
 *
 * Expiry times are absolute milliseconds in `db.expires` (numbers). Redis keeps
 * them as int64, and a client may set one beyond 2^53 (PEXPIREAT k 2^63-1, in
 * effect "never"); to answer PEXPIRETIME exactly, such times are also kept as
 * bigints in a side map, checked against the stored number on every read so that
 * a stale entry is never used.
 */
import type { Database } from '../engine/database.js';
import type { Engine } from '../engine/engine.js';
import { Notify } from '../engine/notify.js';
import { scanCursors } from '../engine/scan-cursors.js';
import { type RedisObject, type RedisType, type StoredValue, typeOf } from '../engine/value.js';
import { Err, ReplyError } from '../errors.js';
import { byteLength, keyToValue, type RedisValue } from '../util/bytes.js';
import type { Glob } from '../util/glob.js';
import { INT64_MAX, INT64_MIN, type Int64, tryParseInt64 } from '../util/numbers.js';

// ---------------------------------------------------------------------------
// Lookups and expiry times

/**
 * Redis's `lookupKeyReadWithFlags(LOOKUP_NOTOUCH)`: expires lazily and counts
 * keyspace hits/misses, without recording an access. `notifyMiss` false is
 * LOOKUP_NONOTIFY (no `keymiss` event).
 */
export function lookupNoTouch(db: Database, key: string, notifyMiss = true): StoredValue | undefined {
  const v = db.peek(key);
  const engine = db.engine;
  if (v === undefined) {
    engine.stats.keyspaceMisses++;
    if (notifyMiss && engine.notifyFlags !== 0) engine.notify(Notify.keyMiss, 'keymiss', key, db.index);
  } else {
    engine.stats.keyspaceHits++;
  }
  return v;
}

const bigExpires = new WeakMap<Map<string, number>, Map<string, bigint>>();

/** Normalizes an int64: a number when safe, else a bigint. */
function int64(v: bigint): Int64 {
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}

/** The exact absolute expiry time (ms) of a key, or undefined when it has none. */
export function getKeyExpire(db: Database, key: string): Int64 | undefined {
  const at = db.getExpire(key);
  if (at === undefined || Number.isSafeInteger(at)) return at;
  const big = bigExpires.get(db.expires)?.get(key);
  return big !== undefined && Number(big) === at ? big : BigInt(at);
}

/** Sets the absolute expiry time (ms, any int64) of an existing key; does not signal. */
export function setKeyExpire(db: Database, key: string, at: Int64): void {
  if (typeof at === 'number' && Number.isSafeInteger(at)) {
    db.setExpire(key, at);
    return;
  }
  const big = BigInt(at);
  db.setExpire(key, Number(big));
  let side = bigExpires.get(db.expires);
  if (side === undefined) bigExpires.set(db.expires, (side = new Map()));
  side.set(key, big);
}

// ---------------------------------------------------------------------------
// DEL, UNLINK, EXISTS, TOUCH, TYPE

/** DEL / UNLINK of one key: true when it existed. */
export function deleteKey(db: Database, key: string): boolean {
  if (!db.delete(key)) return false;
  const engine = db.engine;
  if (engine.notifyFlags !== 0) engine.notify(Notify.generic, 'del', key, db.index);
  return true;
}

/** DEL / UNLINK: deletes the keys, returns how many existed. */
export function deleteKeys(db: Database, keys: readonly string[]): number {
  let n = 0;
  for (let i = 0; i < keys.length; i++) if (deleteKey(db, keys[i])) n++;
  return n;
}

/** EXISTS of one key (no access recorded). */
export function keyExists(db: Database, key: string): boolean {
  return lookupNoTouch(db, key) !== undefined;
}

/** EXISTS: how many of the keys exist, counting repeats. */
export function countExisting(db: Database, keys: readonly string[]): number {
  let n = 0;
  for (let i = 0; i < keys.length; i++) if (keyExists(db, keys[i])) n++;
  return n;
}

/** TOUCH of one key: reads it (recording access); true when it exists. */
export function touchKey(db: Database, key: string): boolean {
  return db.read(key) !== undefined;
}

/** TOUCH: reads the keys (recording access), returns how many exist. */
export function touchKeys(db: Database, keys: readonly string[]): number {
  let n = 0;
  for (let i = 0; i < keys.length; i++) if (touchKey(db, keys[i])) n++;
  return n;
}

/** TYPE: the type name, `none` when the key does not exist. */
export function keyType(db: Database, key: string): RedisType | 'none' {
  const v = lookupNoTouch(db, key);
  return v === undefined ? 'none' : typeOf(v);
}

// ---------------------------------------------------------------------------
// EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT, TTL, PTTL, EXPIRETIME, PEXPIRETIME, PERSIST

/** EXPIRE-family condition flags. */
export const ExpireFlag = { NX: 1, XX: 2, GT: 4, LT: 8 } as const;

const MAX_SECONDS = INT64_MAX / 1000n;
const MIN_SECONDS = INT64_MIN / 1000n; // truncates toward zero, as C does

/**
 * The absolute time for an EXPIRE-family argument with Redis's overflow checks:
 * `when` in seconds or ms, plus `basetime` (now for relative forms, 0 for *AT).
 * Returns undefined on overflow.
 */
export function expireTime(when: Int64, seconds: boolean, basetime: number): Int64 | undefined {
  if (typeof when === 'number') {
    const ms = seconds ? when * 1000 : when;
    const at = ms + basetime;
    if (Number.isSafeInteger(ms) && Number.isSafeInteger(at)) return at;
  }
  let w = BigInt(when);
  if (seconds) {
    if (w > MAX_SECONDS || w < MIN_SECONDS) return undefined;
    w *= 1000n;
  }
  const base = BigInt(basetime);
  if (w > INT64_MAX - base) return undefined;
  return int64(w + base);
}

/**
 * EXPIRE / PEXPIRE / EXPIREAT / PEXPIREAT: sets the key's TTL under the NX/XX/GT/LT
 * conditions (`flags`, see {@link ExpireFlag}); a time not in the future deletes
 * the key. `when` is in seconds when `seconds`, and relative to now when
 * `relative`. Returns 1 when set (or deleted), 0 when the key is missing or a
 * condition failed. Throws `ERR invalid expire time in '<command>' command` on overflow.
 */
export function expireKey(
  db: Database,
  key: string,
  when: Int64,
  seconds: boolean,
  relative: boolean,
  flags: number,
  command: string,
): 0 | 1 {
  const engine = db.engine;
  const now = engine.clock.now();
  const at = expireTime(when, seconds, relative ? now : 0);
  if (at === undefined) throw new ReplyError(Err.invalidExpire(command));
  if (db.write(key) === undefined) return 0;
  if (flags !== 0) {
    const current = getKeyExpire(db, key);
    if (flags & ExpireFlag.NX && current !== undefined) return 0;
    if (flags & ExpireFlag.XX && current === undefined) return 0;
    // A key without TTL counts as infinite: GT always fails, LT always passes.
    if (flags & ExpireFlag.GT && (current === undefined || at <= current)) return 0;
    if (flags & ExpireFlag.LT && current !== undefined && at >= current) return 0;
  }
  if (at <= now) {
    db.delete(key);
    if (engine.notifyFlags !== 0) engine.notify(Notify.generic, 'del', key, db.index);
    return 1;
  }
  setKeyExpire(db, key, at);
  engine.keyModified(db, key);
  if (engine.notifyFlags !== 0) engine.notify(Notify.generic, 'expire', key, db.index);
  return 1;
}

/**
 * TTL / PTTL / EXPIRETIME / PEXPIRETIME: -2 when the key does not exist, -1 when
 * it has no TTL, else the remaining time (or the absolute time when `absolute`),
 * in ms when `ms`, else in seconds rounded as Redis rounds ((t + 500) / 1000).
 */
export function keyTtl(db: Database, key: string, ms: boolean, absolute: boolean): Int64 {
  if (lookupNoTouch(db, key) === undefined) return -2;
  const at = getKeyExpire(db, key);
  if (at === undefined) return -1;
  if (typeof at === 'number') {
    let t = absolute ? at : at - db.engine.clock.now();
    if (t < 0) t = 0;
    return ms ? t : Math.floor((t + 500) / 1000);
  }
  let t = absolute ? at : at - BigInt(db.engine.clock.now());
  if (t < 0n) t = 0n;
  return int64(ms ? t : (t + 500n) / 1000n);
}

/** PERSIST: removes the TTL; 1 when there was one. */
export function persistKey(db: Database, key: string): 0 | 1 {
  if (db.write(key) === undefined || !db.persist(key)) return 0;
  const engine = db.engine;
  engine.keyModified(db, key);
  if (engine.notifyFlags !== 0) engine.notify(Notify.generic, 'persist', key, db.index);
  return 1;
}

// ---------------------------------------------------------------------------
// RENAME, RENAMENX, MOVE, COPY

/** Carries what belongs to the value object itself (encoding flag, access time, LFU data) to a new place. */
function carryObjectMeta(from: Database, fromKey: string, to: Database, toKey: string): void {
  const hint = from.encodingHint(fromKey);
  if (hint !== undefined) to.markEncoding(toKey, hint);
  to.copyAccessMeta(from, fromKey, toKey);
}

/** Emits the `new` event Redis's dbAdd emits. */
function notifyNew(db: Database, key: string): void {
  if (db.engine.notifyFlags !== 0) db.engine.notify(Notify.newKey, 'new', key, db.index);
}

/**
 * RENAME / RENAMENX: moves the value and its TTL from `src` to `dst`, replacing
 * `dst` unless `nx`. Returns false when `nx` and `dst` exists, or when `nx` and
 * both names are the same. Throws `ERR no such key` when `src` does not exist.
 */
export function renameKey(db: Database, src: string, dst: string, nx: boolean): boolean {
  const v = db.write(src);
  if (v === undefined) throw new ReplyError(Err.noSuchKey);
  if (src === dst) return !nx;
  const at = getKeyExpire(db, src);
  if (db.write(dst) !== undefined) {
    if (nx) return false;
    db.remove(dst);
  }
  db.set(dst, v);
  if (at !== undefined) setKeyExpire(db, dst, at);
  carryObjectMeta(db, src, db, dst);
  notifyNew(db, dst);
  db.remove(src);
  const engine = db.engine;
  engine.keyModified(db, src);
  if (engine.notifyFlags !== 0) {
    engine.notify(Notify.generic, 'rename_from', src, db.index);
    engine.notify(Notify.generic, 'rename_to', dst, db.index);
  }
  return true;
}

/**
 * MOVE: moves a key with its TTL to another database; false when it does not
 * exist or already exists there. Throws when both databases are the same.
 */
export function moveKey(src: Database, dst: Database, key: string): boolean {
  if (src === dst) throw new ReplyError(Err.sameObject);
  const v = src.write(key);
  if (v === undefined) return false;
  const at = getKeyExpire(src, key);
  if (dst.write(key) !== undefined) return false;
  dst.set(key, v);
  if (at !== undefined) setKeyExpire(dst, key, at);
  carryObjectMeta(src, key, dst, key);
  notifyNew(dst, key);
  src.remove(key);
  const engine = src.engine;
  engine.keyModified(src, key);
  if (engine.notifyFlags !== 0) {
    engine.notify(Notify.generic, 'move_from', key, src.index);
    engine.notify(Notify.generic, 'move_to', key, dst.index);
  }
  return true;
}

/** A deep copy of a stored value (strings are immutable; Buffers and aggregates are copied). */
export function duplicateValue(v: StoredValue): StoredValue {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v);
  return (v as RedisObject).clone();
}

/**
 * COPY: copies the value and TTL of `key` in `src` to `newKey` in `dst`; false
 * when `key` does not exist or `newKey` exists and not `replace`. Throws when
 * source and destination are the same key of the same database.
 */
export function copyKey(
  src: Database,
  dst: Database,
  key: string,
  newKey: string,
  replace: boolean,
): boolean {
  if (src === dst && key === newKey) throw new ReplyError(Err.sameObject);
  const v = src.read(key);
  if (v === undefined) return false;
  const at = getKeyExpire(src, key);
  if (dst.write(newKey) !== undefined) {
    if (!replace) return false;
    dst.remove(newKey);
  }
  dst.set(newKey, duplicateValue(v));
  if (at !== undefined) setKeyExpire(dst, newKey, at);
  const hint = src.encodingHint(key);
  if (hint !== undefined) dst.markEncoding(newKey, hint);
  notifyNew(dst, newKey);
  const engine = dst.engine;
  if (engine.notifyFlags !== 0) engine.notify(Notify.generic, 'copy_to', newKey, dst.index);
  return true;
}

// ---------------------------------------------------------------------------
// KEYS, SCAN, RANDOMKEY

/** KEYS: every unexpired key matching the pattern (expired keys are skipped, not deleted, as Redis does). */
export function keysMatching(db: Database, glob: Glob): RedisValue[] {
  const out: RedisValue[] = [];
  const all = glob.matchesAll;
  const expires = db.expires;
  const now = db.engine.clock.now();
  for (const key of db.data.keys()) {
    if (!all && !glob.matchKey(key)) continue;
    if (expires.size !== 0) {
      const at = expires.get(key);
      if (at !== undefined && at < now) continue;
    }
    out.push(keyToValue(key));
  }
  return out;
}

/** SCAN options. */
export interface ScanOptions {
  /** Keys examined per call (Redis's COUNT, default 10). */
  count: number;
  /** MATCH pattern; a pattern that is exactly `*` filters nothing. */
  match?: Glob;
  /** TYPE filter, compared case-insensitively with the type name. */
  type?: string;
}

function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}

/**
 * SCAN: one step over the keyspace from `cursor` (see engine/scan-cursors.ts for
 * the guarantee). Returns the next cursor (0 when done) and the keys found; as
 * in Redis, COUNT keys are examined, then filtered by pattern, type and expiry
 * (expired keys are deleted).
 */
export function scanKeys(
  db: Database,
  cursor: number | bigint,
  options: ScanOptions,
): [number, RedisValue[]] {
  const found: string[] = [];
  const next = scanCursors.step(db.data, cursor, options.count, found);
  const match = options.match !== undefined && !options.match.matchesAll ? options.match : undefined;
  const type = options.type === undefined ? undefined : asciiLower(options.type);
  const out: RedisValue[] = [];
  for (const key of found) {
    if (match !== undefined && !match.matchKey(key)) continue;
    if (type !== undefined) {
      const v = lookupNoTouch(db, key);
      if ((v === undefined ? 'none' : typeOf(v)) !== type) continue;
    }
    if (db.isExpired(key)) {
      db.expire(key);
      continue;
    }
    out.push(keyToValue(key));
  }
  return [next, out];
}

/** Per keyspace Map: the iterator RANDOMKEY walks. */
const randomWalks = new WeakMap<Map<string, StoredValue>, Iterator<string>>();
const RANDOM_SKIP = 8;

/**
 * RANDOMKEY: a key, or null when the database is empty; expired keys met on the
 * way are deleted, as Redis does.
 *
 * Not O(n) per call: each database keeps a live iterator over its keys (in
 * insertion order) and every call advances it by 1 + a uniform random 0..7
 * entries, wrapping at the end. Over a full pass every key has the same chance
 * to be returned (a key is returned iff the walk lands on it: probability about
 * 2/9 per pass), but consecutive results are correlated (they are near each
 * other in insertion order), and the order of passes repeats the key order.
 * That is enough for RANDOMKEY's uses (sampling, picking a victim) without
 * Redis's bucket sampling.
 */
export function randomKey(db: Database): RedisValue | null {
  for (;;) {
    const data = db.data;
    if (data.size === 0) return null;
    let it = randomWalks.get(data);
    if (it === undefined) randomWalks.set(data, (it = data.keys()));
    let skip = Math.floor(Math.random() * RANDOM_SKIP);
    let r = it.next();
    while (!r.done && skip-- > 0) r = it.next();
    if (r.done) {
      randomWalks.set(data, data.keys()); // wrap around: the next call starts a new pass
      continue;
    }
    const key = r.value;
    if (db.isExpired(key)) {
      db.expire(key);
      continue;
    }
    return keyToValue(key);
  }
}

// ---------------------------------------------------------------------------
// OBJECT

/** Redis's OBJ_SHARED_INTEGERS: 0..9999 stored as int share one object. */
const SHARED_INTEGERS = 10000;
/** Redis's OBJ_SHARED_REFCOUNT (INT_MAX). */
const SHARED_REFCOUNT = 2147483647;

/** The encoding name of a string value, as Redis's tryObjectEncoding would choose it. */
function stringEncoding(db: Database, key: string, v: RedisValue): 'int' | 'embstr' | 'raw' {
  const hint = db.encodingHint(key);
  if (hint === 'raw') return 'raw';
  if (hint === undefined && v.length <= 20 && tryParseInt64(v) !== undefined) return 'int';
  return byteLength(v) <= 44 ? 'embstr' : 'raw';
}

function objectLookup(db: Database, key: string): StoredValue | undefined {
  return lookupNoTouch(db, key, false);
}

/** OBJECT ENCODING: the internal representation's name, or null when the key does not exist. */
export function objectEncoding(db: Database, key: string): string | null {
  const v = objectLookup(db, key);
  if (v === undefined) return null;
  if (typeof v === 'string' || v instanceof Uint8Array) return stringEncoding(db, key, v);
  return (v as RedisObject).encoding();
}

/** True when Redis would share integer objects (no maxmemory, or a policy that is not LRU/LFU). */
function sharesIntegers(engine: Engine): boolean {
  const p = engine.maxmemoryPolicy;
  return engine.maxmemory === 0 || !(p.endsWith('-lru') || p.endsWith('-lfu'));
}

/**
 * OBJECT REFCOUNT: 2147483647 for a small integer Redis would keep as a shared
 * object (int encoding, 0..9999, integers shared under the current policy), else 1;
 * null when the key does not exist.
 */
export function objectRefcount(db: Database, key: string): number | null {
  const v = objectLookup(db, key);
  if (v === undefined) return null;
  if (
    (typeof v === 'string' || v instanceof Uint8Array) &&
    stringEncoding(db, key, v) === 'int' &&
    sharesIntegers(db.engine)
  ) {
    const n = tryParseInt64(v)!;
    if (n >= 0 && n < SHARED_INTEGERS) return SHARED_REFCOUNT;
  }
  return 1;
}

/**
 * OBJECT IDLETIME: seconds since the key was last read or written; null when it
 * does not exist. Errors under an LFU policy (Redis's text) and when access times
 * are not tracked.
 */
export function objectIdletime(db: Database, key: string): number | null {
  if (objectLookup(db, key) === undefined) return null;
  if (db.engine.lfu) throw new ReplyError(Err.lfuSelected);
  const idle = db.idleSeconds(key);
  if (idle === undefined) throw new ReplyError(Err.idleNotTracked);
  return idle;
}

/** OBJECT FREQ: the LFU counter; null when the key does not exist; Redis's error unless the policy is LFU. */
export function objectFreq(db: Database, key: string): number | null {
  if (objectLookup(db, key) === undefined) return null;
  if (!db.engine.lfu) throw new ReplyError(Err.lfuNotSelected);
  return db.lfuCounter(key);
}

// ---------------------------------------------------------------------------
// DBSIZE, FLUSHDB, FLUSHALL, SWAPDB

/** DBSIZE: keys in the database, counting expired ones not yet reclaimed. */
export function dbSize(db: Database): number {
  return db.size;
}

/** FLUSHDB: empties the database, signalling every key; returns how many keys there were. */
export function flushDb(db: Database): number {
  return db.flush();
}

/** FLUSHALL: empties every database; returns how many keys there were. */
export function flushAll(engine: Engine): number {
  let n = 0;
  for (const db of engine.dbs) n += db.flush();
  return n;
}

/**
 * SWAPDB: exchanges two databases' contents. Every key existing in either is
 * signalled as modified in both (WATCH fails, blocked clients re-check), as
 * Redis's touchAllWatchedKeysInDb does. Indexes are validated by the caller.
 */
export function swapDbs(engine: Engine, a: number, b: number): void {
  if (a === b) return;
  const dbA = engine.dbs[a];
  const dbB = engine.dbs[b];
  if (engine.hasKeyListeners()) {
    for (const key of dbA.data.keys()) {
      engine.keyModified(dbA, key);
      if (!dbB.data.has(key)) engine.keyModified(dbB, key);
    }
    for (const key of dbB.data.keys()) {
      engine.keyModified(dbB, key);
      if (!dbA.data.has(key)) engine.keyModified(dbA, key);
    }
  }
  dbA.swapWith(dbB);
  // Clients blocked on keys that the swap brought in get served (Redis's scanDatabaseForReadyKeys).
  engine.blocking.signalDatabase(dbA);
  engine.blocking.signalDatabase(dbB);
}
