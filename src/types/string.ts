/**
 * Strings: typed operations on string values. A value is stored bare in the
 * keyspace (a JS string or a Buffer; see engine/value.ts), so GET is one Map
 * lookup and a plain SET one lookup-free Map store. These ops know nothing of
 * argv or replies; they throw ReplyError for Redis's errors (WRONGTYPE,
 * overflow, ...), check in Redis's order, and emit the keyspace events Redis
 * emits (`new`, `set`, `expire`, `append`, `incrby`, ...).
 *
 * Integers are kept as their decimal text (that is what a Redis string is) and
 * parsed per INCR; byte operations (APPEND, SETRANGE, GETRANGE, LCS) work on
 * UTF-8 bytes, with a fast path for JS strings that need no conversion.
 * APPEND and SETRANGE results are marked in `db.stringEncodings`, since Redis turns
 * them into the `raw` encoding whatever their length.
 */
import type { Database } from '../engine/database.js';
import { Notify } from '../engine/notify.js';
import { isStringValue } from '../engine/value.js';
import { Err, ReplyError, wrongType } from '../errors.js';
import { type Arg, byteLength, type RedisValue, valueFromBytes, valueToBytes } from '../util/bytes.js';
import { incrByFloatText, type LongDouble } from '../util/long-double.js';
import { addInt64, INT64_MAX, INT64_MIN, type Int64, parseInt64, tryParseInt64 } from '../util/numbers.js';

/** Redis's default `proto-max-bulk-len`: the largest string APPEND and SETRANGE may build. */
export const PROTO_MAX_BULK_LEN = 512 * 1024 * 1024;

/** Option bits of SET and GETEX, as Redis's `OBJ_*` flags. */
export const StringFlag = {
  NX: 1,
  XX: 2,
  EX: 4,
  PX: 8,
  KEEPTTL: 16,
  GET: 32,
  EXAT: 64,
  PXAT: 128,
  PERSIST: 256,
} as const;

const EXPIRE_FLAGS = StringFlag.EX | StringFlag.PX | StringFlag.EXAT | StringFlag.PXAT;

/**
 * Turns an expiry argument into an absolute time in ms, as Redis's
 * `getExpireMillisecondsOrReply`: seconds for EX/EXAT, ms for PX/PXAT,
 * relative to `now` for EX/PX. Throws `ERR value is not an integer or out of
 * range`, or `ERR invalid expire time in '<command>' command` for values ≤ 0 and
 * for results past int64.
 */
export function expireAtMs(amount: Arg | Int64, flags: number, now: number, command: string): number {
  const v = typeof amount === 'number' || typeof amount === 'bigint' ? amount : parseInt64(amount);
  const seconds = (flags & (StringFlag.EX | StringFlag.EXAT)) !== 0;
  const relative = (flags & (StringFlag.EX | StringFlag.PX)) !== 0;
  if (typeof v === 'number' && v > 0 && v < 1e12) {
    const ms = (seconds ? v * 1000 : v) + (relative ? now : 0);
    if (ms > 0) return ms;
  }
  let ms = BigInt(v);
  if (ms <= 0n || (seconds && ms > INT64_MAX / 1000n)) throw new ReplyError(Err.invalidExpire(command));
  if (seconds) ms *= 1000n;
  if (relative) ms += BigInt(now);
  // Redis's addition wraps past LLONG_MAX to a negative time, which it rejects.
  if (ms > INT64_MAX) throw new ReplyError(Err.invalidExpire(command));
  return Number(ms);
}

/** Emits the `new` event for a key SET-like code just created (Redis's dbAdd). */
function notifyNew(db: Database, key: string): void {
  db.engine.notify(Notify.newKey, 'new', key, db.index);
}

/** GET: the value, or null when absent; WRONGTYPE for other types. */
export function getString(db: Database, key: string): RedisValue | null {
  const v = db.read(key);
  if (v === undefined) return null;
  if (typeof v === 'string' || isStringValue(v)) return v;
  return wrongType();
}

/**
 * SET: stores `value`, replacing any value of any type. `flags` takes
 * {@link StringFlag} NX / XX / KEEPTTL; `expireAt` is an absolute time in ms
 * (from {@link expireAtMs}), 0 for none. Returns false when NX/XX prevented the write.
 */
export function setString(db: Database, key: string, value: RedisValue, flags = 0, expireAt = 0): boolean {
  const engine = db.engine;
  if (flags === 0 && expireAt === 0 && engine.notifyFlags === 0) {
    // Plain SET: the lookup only matters to reclaim an expired key as Redis does.
    if (db.expires.size !== 0) db.peek(key);
    db.set(key, value);
    return true;
  }
  const found = db.write(key) !== undefined;
  return storeString(db, key, value, flags, expireAt, found);
}

/**
 * SET ... GET and GETSET: like {@link setString} but first reads the old value
 * (WRONGTYPE when it is not a string, and then nothing is written). Returns the
 * old value or null.
 */
export function setStringGet(
  db: Database,
  key: string,
  value: RedisValue,
  flags = 0,
  expireAt = 0,
): RedisValue | null {
  const old = db.read(key);
  if (old === undefined) {
    storeString(db, key, value, flags, expireAt, false);
    return null;
  }
  if (!isStringValue(old)) return wrongType();
  storeString(db, key, value, flags, expireAt, true);
  return old;
}

function storeString(
  db: Database,
  key: string,
  value: RedisValue,
  flags: number,
  expireAt: number,
  found: boolean,
): boolean {
  if (found ? (flags & StringFlag.NX) !== 0 : (flags & StringFlag.XX) !== 0) return false;
  db.set(key, value, (flags & StringFlag.KEEPTTL) !== 0);
  if (expireAt !== 0) db.setExpire(key, expireAt);
  const engine = db.engine;
  if (engine.notifyFlags !== 0) {
    if (!found) notifyNew(db, key);
    engine.notify(Notify.string, 'set', key, db.index);
    if (expireAt !== 0) engine.notify(Notify.generic, 'expire', key, db.index);
  }
  return true;
}

/** SETNX: stores only when the key is absent; true when it did. */
export function setStringNx(db: Database, key: string, value: RedisValue): boolean {
  return setString(db, key, value, StringFlag.NX);
}

/** GETDEL: the value (null when absent) and deletes the key; WRONGTYPE for other types. */
export function getDelString(db: Database, key: string): RedisValue | null {
  const v = getString(db, key);
  if (v !== null && db.delete(key)) {
    const engine = db.engine;
    if (engine.notifyFlags !== 0) engine.notify(Notify.generic, 'del', key, db.index);
  }
  return v;
}

/**
 * GETEX: the value (null when absent; WRONGTYPE for other types), then changes
 * the TTL: `flags` holds one of EX/PX/EXAT/PXAT (with `amount`, validated only
 * once the key is known to hold a string, as Redis does) or PERSIST, or nothing.
 * An EXAT/PXAT time already past deletes the key.
 */
export function getExString(
  db: Database,
  key: string,
  flags = 0,
  amount: Arg | Int64 = 0,
): RedisValue | null {
  const v = getString(db, key);
  if (v === null) return null;
  const engine = db.engine;
  if ((flags & EXPIRE_FLAGS) !== 0) {
    const now = engine.clock.now();
    const at = expireAtMs(amount, flags, now, 'getex');
    if ((flags & (StringFlag.EXAT | StringFlag.PXAT)) !== 0 && at <= now) {
      db.delete(key);
      if (engine.notifyFlags !== 0) engine.notify(Notify.generic, 'del', key, db.index);
    } else {
      db.setExpire(key, at);
      engine.keyModified(db, key);
      if (engine.notifyFlags !== 0) engine.notify(Notify.generic, 'expire', key, db.index);
    }
  } else if ((flags & StringFlag.PERSIST) !== 0 && db.persist(key)) {
    engine.keyModified(db, key);
    if (engine.notifyFlags !== 0) engine.notify(Notify.generic, 'persist', key, db.index);
  }
  return v;
}

/** MGET: each key's value, null for absent keys and keys of other types. */
export function mgetStrings(db: Database, keys: readonly string[]): (RedisValue | null)[] {
  const out: (RedisValue | null)[] = new Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const v = db.read(keys[i]);
    out[i] = v !== undefined && isStringValue(v) ? v : null;
  }
  return out;
}

/** MSET: stores every keys[i] → values[i], in order (a repeated key keeps its last value). */
export function msetStrings(db: Database, keys: readonly string[], values: readonly RedisValue[]): void {
  for (let i = 0; i < keys.length; i++) setString(db, keys[i], values[i]);
}

/** MSETNX: stores all pairs only when none of the keys exists; true when it did. */
export function msetnxStrings(db: Database, keys: readonly string[], values: readonly RedisValue[]): boolean {
  for (let i = 0; i < keys.length; i++) if (db.write(keys[i]) !== undefined) return false;
  msetStrings(db, keys, values);
  return true;
}

/** STRLEN: the value's length in bytes, 0 when absent. */
export function strlenString(db: Database, key: string): number {
  const v = getString(db, key);
  return v === null ? 0 : byteLength(v);
}

/** True when the UTF-8 bytes of a + b are not the UTF-8 bytes of the JS string a + b (surrogates joined). */
function surrogateSeam(a: string, b: string): boolean {
  if (a.length === 0 || b.length === 0) return false;
  const hi = a.charCodeAt(a.length - 1);
  const lo = b.charCodeAt(0);
  return (hi >= 0xd800 && hi <= 0xdbff) || (lo >= 0xdc00 && lo <= 0xdfff);
}

/** APPEND: appends bytes (creating the key when absent); returns the new length in bytes. */
export function appendString(db: Database, key: string, value: RedisValue): number {
  const engine = db.engine;
  const cur = db.write(key);
  if (cur === undefined) {
    db.set(key, value);
    if (engine.notifyFlags !== 0) {
      notifyNew(db, key);
      engine.notify(Notify.string, 'append', key, db.index);
    }
    return byteLength(value);
  }
  if (!isStringValue(cur)) return wrongType();
  const total = byteLength(cur) + byteLength(value);
  if (total > PROTO_MAX_BULK_LEN) throw new ReplyError(Err.stringTooLong);
  const next =
    typeof cur === 'string' && typeof value === 'string' && !surrogateSeam(cur, value)
      ? cur + value
      : valueFromBytes(Buffer.concat([valueToBytes(cur), valueToBytes(value)]));
  db.replace(key, next);
  db.markEncoding(key, 'raw');
  if (engine.notifyFlags !== 0) engine.notify(Notify.string, 'append', key, db.index);
  return total;
}

/** True when every char is ASCII, so chars and UTF-8 bytes coincide. */
function isAscii(s: string): boolean {
  return s.length === Buffer.byteLength(s, 'utf8');
}

/**
 * GETRANGE / SUBSTR: the bytes from `start` to `end` inclusive, negative
 * indexes counting from the end, clamped; '' when absent or empty.
 */
export function getRangeString(db: Database, key: string, start: number, end: number): RedisValue {
  const v = db.read(key);
  if (v === undefined) return '';
  if (!isStringValue(v)) return wrongType();
  const ascii = typeof v === 'string' && isAscii(v);
  const len = ascii ? v.length : byteLength(v);
  if (start < 0 && end < 0 && start > end) return '';
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len === 0) return '';
  if (ascii) return (v as string).slice(start, end + 1);
  return valueFromBytes(Buffer.from(valueToBytes(v).subarray(start, end + 1)));
}

/**
 * SETRANGE: overwrites bytes at `offset`, zero-padding as needed (creating the
 * key when absent unless `value` is empty); returns the new length in bytes.
 */
export function setRangeString(db: Database, key: string, offset: number, value: RedisValue): number {
  if (offset < 0) throw new ReplyError(Err.offsetOutOfRange);
  const engine = db.engine;
  const cur = db.write(key);
  const vlen = byteLength(value);
  let olen = 0;
  if (cur !== undefined) {
    if (!isStringValue(cur)) return wrongType();
    olen = byteLength(cur);
  }
  if (vlen === 0) return olen;
  if (offset + vlen > PROTO_MAX_BULK_LEN) throw new ReplyError(Err.stringTooLong);
  const buf = Buffer.alloc(Math.max(olen, offset + vlen));
  if (cur !== undefined) {
    if (typeof cur === 'string') buf.write(cur, 0, 'utf8');
    else cur.copy(buf, 0);
  }
  if (typeof value === 'string') buf.write(value, offset, 'utf8');
  else value.copy(buf, offset);
  const next = valueFromBytes(buf);
  if (cur === undefined) db.set(key, next);
  else db.replace(key, next);
  db.markEncoding(key, 'raw');
  if (engine.notifyFlags !== 0) {
    if (cur === undefined) notifyNew(db, key);
    engine.notify(Notify.string, 'setrange', key, db.index);
  }
  return buf.length;
}

/**
 * INCRBY (and INCR, DECR): adds `by` to the integer value (absent counts as 0)
 * and returns the new value. Throws `ERR value is not an integer or out of
 * range` and `ERR increment or decrement would overflow`.
 */
export function incrBy(db: Database, key: string, by: Int64): Int64 {
  const cur = db.write(key);
  let v: Int64 = 0;
  if (cur !== undefined) {
    if (typeof cur !== 'string' && !isStringValue(cur)) return wrongType();
    const p = tryParseInt64(cur);
    if (p === undefined) throw new ReplyError(Err.notInteger);
    v = p;
  }
  const r = addInt64(v, by);
  if (r === undefined) throw new ReplyError(Err.overflow);
  const text = typeof r === 'number' ? String(r) : r.toString();
  if (cur === undefined) db.set(key, text);
  else db.replaceString(key, cur, text);
  const engine = db.engine;
  if (engine.notifyFlags !== 0) {
    if (cur === undefined) notifyNew(db, key);
    engine.notify(Notify.string, 'incrby', key, db.index);
  }
  return r;
}

/** DECRBY: subtracts `by`; `ERR decrement would overflow` for -2^63, which has no negation. */
export function decrBy(db: Database, key: string, by: Int64): Int64 {
  if (by === INT64_MIN) throw new ReplyError(Err.decrementOverflow);
  return incrBy(db, key, typeof by === 'number' ? 0 - by : -by);
}

/**
 * INCRBYFLOAT: adds `incr` in 80-bit long double arithmetic, as Redis does, and
 * returns the new value's text (stored as such). `incr` is text as a client
 * sends it (parsed with Redis's rules after the type check), a number, or a
 * parsed long double.
 */
export function incrByFloat(db: Database, key: string, incr: Arg | number | LongDouble): string {
  const cur = db.write(key);
  if (cur !== undefined && !isStringValue(cur)) return wrongType();
  const text = incrByFloatText(cur, incr);
  if (cur === undefined) db.set(key, text);
  else db.replace(key, text);
  // Redis stores the result as a new string object without trying int encoding.
  db.markEncoding(key, 'embstr');
  const engine = db.engine;
  if (engine.notifyFlags !== 0) {
    if (cur === undefined) notifyNew(db, key);
    engine.notify(Notify.string, 'incrbyfloat', key, db.index);
  }
  return text;
}

/**
 * LCS's inputs: the bytes of both keys (absent keys are empty strings). Throws
 * `ERR The specified keys must contain string values` for other types.
 */
export function lcsOperands(db: Database, keyA: string, keyB: string): [Buffer, Buffer] {
  const a = db.read(keyA);
  const b = db.read(keyB);
  if ((a !== undefined && !isStringValue(a)) || (b !== undefined && !isStringValue(b))) {
    throw new ReplyError(Err.lcsNotStrings);
  }
  return [
    a === undefined ? Buffer.alloc(0) : valueToBytes(a),
    b === undefined ? Buffer.alloc(0) : valueToBytes(b),
  ];
}

/** One LCS match range: byte ranges (inclusive) in both strings and the match length. */
export interface LcsMatch {
  a: [number, number];
  b: [number, number];
  len: number;
}

/** What LCS computed: the common subsequence (text mode), its length, and the match ranges (IDX mode). */
export interface LcsResult {
  len: number;
  text: RedisValue | null;
  matches: LcsMatch[] | null;
}

/** LCS modes. */
export const LcsMode = { TEXT: 0, LEN: 1, IDX: 2 } as const;

/**
 * The longest common subsequence of two byte strings, by Redis's dynamic
 * programming table and backtracking, so IDX ranges come out as Redis lists
 * them (from the end of the strings). `minMatchLen` filters IDX ranges.
 */
export function computeLcs(a: Buffer, b: Buffer, mode: number, minMatchLen = 0): LcsResult {
  const alen = a.length;
  const blen = b.length;
  const cells = (alen + 1) * (blen + 1);
  if (cells * 4 > PROTO_MAX_BULK_LEN) throw new ReplyError(Err.lcsTooBig);
  let lcs: Uint32Array;
  try {
    lcs = new Uint32Array(cells);
  } catch {
    throw new ReplyError(Err.lcsAllocFailed);
  }
  const w = blen + 1;
  for (let i = 1; i <= alen; i++) {
    const ai = a[i - 1];
    const row = i * w;
    const prev = row - w;
    for (let j = 1; j <= blen; j++) {
      if (ai === b[j - 1]) lcs[row + j] = lcs[prev + j - 1] + 1;
      else lcs[row + j] = Math.max(lcs[prev + j], lcs[row + j - 1]);
    }
  }
  const total = lcs[alen * w + blen];
  if (mode === LcsMode.LEN) return { len: total, text: null, matches: null };
  const result = Buffer.allocUnsafe(total);
  const matches: LcsMatch[] | null = mode === LcsMode.IDX ? [] : null;
  let idx = total;
  let aStart = alen; // alen: no range in progress
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  let i = alen;
  let j = blen;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a[i - 1] === b[j - 1]) {
      result[idx - 1] = a[i - 1];
      if (aStart === alen) {
        aStart = i - 1;
        aEnd = i - 1;
        bStart = j - 1;
        bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else {
        emit = true;
      }
      if (aStart === 0 || bStart === 0) emit = true;
      idx--;
      i--;
      j--;
    } else {
      if (lcs[(i - 1) * w + j] > lcs[i * w + j - 1]) i--;
      else j--;
      if (aStart !== alen) emit = true;
    }
    if (emit) {
      const matchLen = aEnd - aStart + 1;
      if (matches !== null && (minMatchLen === 0 || matchLen >= minMatchLen)) {
        matches.push({ a: [aStart, aEnd], b: [bStart, bEnd], len: matchLen });
      }
      aStart = alen;
    }
  }
  return { len: total, text: mode === LcsMode.TEXT ? valueFromBytes(result) : null, matches };
}
