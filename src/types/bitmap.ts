/**
 * Bitmaps: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP and BITFIELD on Redis string
 * values, with Redis 7.0's exact semantics (src/bitops.c). Bit 0 is the most
 * significant bit of the first byte; reads past the end see zero bits; writes
 * zero-extend the string to the highest byte they touch.
 *
 * Design: a bitmap is an ordinary string value (a JS string when its bytes are
 * valid UTF-8, else a Buffer; see util/bytes.ts), so GET, APPEND, STRLEN... see
 * the same bytes. Two costs follow, and this module keeps both small:
 *
 * - Aliasing. A stored Buffer may be shared: the app gave it (SET), got it back
 *   (GET returns the stored value without copying) or another key holds it (COPY).
 *   So a stored value is never mutated: writes are copy-on-write. A write builds
 *   its result in a private buffer and stores that as the new value. When the
 *   result is valid UTF-8 the stored value is a new string and the private buffer
 *   stays private; otherwise the private buffer itself becomes the stored value,
 *   and from then on it is immutable too.
 * - String values. A bitmap whose bytes are valid UTF-8 (sparse bitmaps of low
 *   bits, zero bytes...) is a JS string, and reading a bit needs its bytes. A small
 *   memo maps long string values (>= MEMO_MIN_CHARS) to their private UTF-8 bytes
 *   (a string's bytes never change, so an entry is never stale), bounded by count
 *   and total size. Reads then cost O(1) on a hit, and a write to a memoized value
 *   mutates the memo's buffer in place (taking it out of the memo), so a SETBIT
 *   costs the mutation plus producing the new value (a UTF-8 validation and a
 *   decode), with no encode step.
 *
 * A write still costs O(length) (the new value must be a fresh immutable string or
 * Buffer); reads (GETBIT, BITFIELD GET) are O(1) for Buffers and memoized strings.
 *
 * Integers in BITFIELD are exact: widths up to 32 bits use doubles, wider ones
 * BigInt; results are numbers when safe, else bigints (Int64).
 */
import { constants as bufferConstants, isUtf8 } from 'node:buffer';
import type { Database } from '../engine/database.js';
import { Notify } from '../engine/notify.js';
import { isStringValue, type StoredValue } from '../engine/value.js';
import { Err, ReplyError, wrongType } from '../errors.js';
import { byteLength, type RedisValue } from '../util/bytes.js';
import type { Int64 } from '../util/numbers.js';

/** Redis's `proto-max-bulk-len` default: bit offsets must address a byte below it. */
export const PROTO_MAX_BULK_LEN = 512 * 1024 * 1024;
/** The largest bit offset SETBIT, GETBIT and BITFIELD accept: 2^32 - 1. */
export const MAX_BIT_OFFSET = PROTO_MAX_BULK_LEN * 8 - 1;

/** BITCOUNT / BITPOS range unit. */
export type BitUnit = 'byte' | 'bit';
/** BITOP operations. */
export type BitOpName = 'and' | 'or' | 'xor' | 'not';
/** BITFIELD overflow behaviour. */
export type BitFieldOverflow = 'wrap' | 'sat' | 'fail';

/** One parsed BITFIELD operation. */
export interface BitFieldOp {
  op: 'get' | 'set' | 'incrby';
  /** Signed (`i<bits>`, 1..64) or unsigned (`u<bits>`, 1..63). */
  signed: boolean;
  bits: number;
  /** Bit offset, 0..MAX_BIT_OFFSET. */
  offset: number;
  /** SET value or INCRBY increment (ignored for GET). */
  value: Int64;
  overflow: BitFieldOverflow;
}

// ---------------------------------------------------------------------------
// Bytes of string values (memo, copy-on-write)
// ---------------------------------------------------------------------------

const MEMO_MIN_CHARS = 1024;
const MEMO_MAX_ENTRIES = 8;
const MEMO_MAX_BYTES = 32 * 1024 * 1024;
/** string value → its UTF-8 bytes; private (never handed out), insertion order = age. */
const memo = new Map<string, Buffer>();
let memoBytes = 0;

function memoPut(s: string, buf: Buffer): void {
  if (buf.length > MEMO_MAX_BYTES) return;
  const old = memo.get(s);
  if (old !== undefined) {
    memoBytes -= old.length;
    memo.delete(s);
  }
  while (memo.size >= MEMO_MAX_ENTRIES || memoBytes + buf.length > MEMO_MAX_BYTES) {
    const [k, b] = memo.entries().next().value as [string, Buffer];
    memo.delete(k);
    memoBytes -= b.length;
  }
  memo.set(s, buf);
  memoBytes += buf.length;
}

/** Removes and returns the memoized bytes of `s`, which the caller then owns. */
function memoTake(s: string): Buffer | undefined {
  const b = memo.get(s);
  if (b !== undefined) {
    memo.delete(s);
    memoBytes -= b.length;
  }
  return b;
}

/** Encodes a string into a new unpooled buffer of at least `minLen` bytes (zero-padded). */
function encodeOwned(s: string, minLen: number): Buffer {
  const n = Buffer.byteLength(s, 'utf8');
  const out = Buffer.allocUnsafeSlow(Math.max(n, minLen));
  out.write(s, 0, n, 'utf8');
  if (out.length > n) out.fill(0, n);
  return out;
}

/**
 * The bytes of a string value, read-only: callers must neither mutate nor hand out
 * the result (it may be the memo's private buffer).
 */
export function bytesOf(v: RedisValue): Buffer {
  if (typeof v !== 'string') return v;
  if (v.length < MEMO_MIN_CHARS) return Buffer.from(v, 'utf8');
  const hit = memo.get(v);
  if (hit !== undefined) return hit;
  const b = encodeOwned(v, 0);
  memoPut(v, b);
  return b;
}

/** A private, mutable copy of a value's bytes, zero-extended to at least `minLen`. */
function ownedBytes(v: RedisValue | undefined, minLen: number): Buffer {
  if (v === undefined) return Buffer.alloc(minLen);
  if (typeof v === 'string') {
    const m = v.length >= MEMO_MIN_CHARS ? memoTake(v) : undefined;
    if (m === undefined) return encodeOwned(v, minLen);
    if (m.length >= minLen) return m;
    v = m;
  }
  const out = Buffer.allocUnsafeSlow(Math.max(v.length, minLen));
  v.copy(out);
  if (out.length > v.length) out.fill(0, v.length);
  return out;
}

/**
 * Turns a private result buffer into the value to store: a string when the bytes
 * are valid UTF-8 (and fit a JS string), the buffer itself otherwise.
 */
function toStored(buf: Buffer): RedisValue {
  if (buf.length > bufferConstants.MAX_STRING_LENGTH || !isUtf8(buf)) return buf;
  const s = buf.toString('utf8');
  if (s.length >= MEMO_MIN_CHARS) memoPut(s, buf);
  return s;
}

/** Forgets every memoized string (tests; memory pressure). */
export function clearBitmapMemo(): void {
  memo.clear();
  memoBytes = 0;
}

// ---------------------------------------------------------------------------
// Lookups and writes
// ---------------------------------------------------------------------------

/**
 * The bytes of the string at `key` for a read command (counts hits/misses), or null
 * when the key does not exist; WRONGTYPE for other types. Read-only (see bytesOf).
 */
export function bitmapForRead(db: Database, key: string): Buffer | null {
  const v = db.read(key);
  if (v === undefined) return null;
  if (!isStringValue(v)) return wrongType();
  return bytesOf(v);
}

function stringForWrite(db: Database, key: string): RedisValue | undefined {
  const v: StoredValue | undefined = db.write(key);
  if (v === undefined || typeof v === 'string' || isStringValue(v)) return v;
  return wrongType();
}

/** Stores a private result buffer at `key` as a bit write does ('raw' encoding, TTL kept when existing). */
function storeBits(db: Database, key: string, buf: Buffer, created: boolean): void {
  const value = toStored(buf);
  if (created) db.set(key, value);
  else db.replace(key, value);
  db.markEncoding(key, 'raw');
}

function notifyNew(db: Database, key: string): void {
  const engine = db.engine;
  if (engine.notifyFlags !== 0) engine.notify(Notify.newKey, 'new', key, db.index);
}

function notifySetbit(db: Database, key: string): void {
  const engine = db.engine;
  if (engine.notifyFlags !== 0) engine.notify(Notify.string, 'setbit', key, db.index);
}

/** Throws `ERR bit offset is not an integer or out of range` unless 0 <= offset <= 2^32-1. */
export function checkBitOffset(offset: number): void {
  if (!Number.isInteger(offset) || offset < 0 || offset > MAX_BIT_OFFSET) throw new ReplyError(Err.bitOffset);
}

// ---------------------------------------------------------------------------
// SETBIT / GETBIT
// ---------------------------------------------------------------------------

/** SETBIT: sets or clears the bit at `offset` (creating or zero-extending the string); returns the old bit. */
export function setBit(db: Database, key: string, offset: number, on: 0 | 1): 0 | 1 {
  checkBitOffset(offset);
  const byte = Math.floor(offset / 8);
  const shift = 7 - (offset % 8);
  const v = stringForWrite(db, key);
  if (v === undefined) {
    const buf = Buffer.alloc(byte + 1);
    buf[byte] = on << shift;
    notifyNew(db, key);
    storeBits(db, key, buf, true);
    notifySetbit(db, key);
    return 0;
  }
  const cur = bytesOf(v);
  const grows = byte >= cur.length;
  const old = grows ? 0 : (((cur[byte] >> shift) & 1) as 0 | 1);
  if (!grows && old === on) {
    db.markEncoding(key, 'raw'); // Redis unshares the value (raw) even when nothing changes
    return old;
  }
  const buf = ownedBytes(v, byte + 1);
  buf[byte] = (buf[byte] & ~(1 << shift)) | (on << shift);
  storeBits(db, key, buf, false);
  notifySetbit(db, key);
  return old;
}

/** GETBIT: the bit at `offset` (0 past the end or for a missing key). */
export function getBit(db: Database, key: string, offset: number): 0 | 1 {
  checkBitOffset(offset);
  const v = db.read(key);
  if (v === undefined) return 0;
  if (!isStringValue(v)) return wrongType();
  const byte = Math.floor(offset / 8);
  const shift = 7 - (offset % 8);
  if (typeof v === 'string' && v.length < MEMO_MIN_CHARS) {
    // Short strings: while the chars up to `byte` are ASCII, byte i is char i (no encoding).
    const n = Math.min(byte + 1, v.length);
    let i = 0;
    while (i < n && v.charCodeAt(i) < 0x80) i++;
    if (i === n) return byte < v.length ? (((v.charCodeAt(byte) >> shift) & 1) as 0 | 1) : 0;
  }
  const buf = bytesOf(v);
  if (byte >= buf.length) return 0;
  return ((buf[byte] >> shift) & 1) as 0 | 1;
}

// ---------------------------------------------------------------------------
// BITCOUNT / BITPOS
// ---------------------------------------------------------------------------

const POPCOUNT8 = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT8[i] = (i & 1) + POPCOUNT8[i >> 1];

function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Number of set bits in buf[from, to). */
function popcount(buf: Buffer, from: number, to: number): number {
  let n = 0;
  let i = from;
  if (to - i >= 64) {
    while ((buf.byteOffset + i) % 4 !== 0) n += POPCOUNT8[buf[i++]];
    const words = Math.floor((to - i) / 4);
    const w = new Uint32Array(buf.buffer, buf.byteOffset + i, words);
    for (let k = 0; k < words; k++) n += popcount32(w[k]);
    i += words * 4;
  }
  while (i < to) n += POPCOUNT8[buf[i++]];
  return n;
}

/** An int64 range argument as a number; beyond ±2^53 it clamps, which changes no result (lengths are < 2^33). */
function toRangeNumber(v: Int64): number {
  return typeof v === 'number' ? v : v > 0n ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
}

/**
 * BITCOUNT's arithmetic on a string's bytes: the set bits in [start, end] (inclusive,
 * negative counts from the end, in bytes or bits), or the whole string without a range.
 */
export function countBits(bytes: Buffer, start?: Int64, end?: Int64, unit: BitUnit = 'byte'): number {
  const strlen = bytes.length;
  let s: number;
  let e: number;
  let firstMask = 0;
  let lastMask = 0;
  if (start === undefined || end === undefined) {
    s = 0;
    e = strlen - 1;
  } else {
    if (start < 0 && end < 0 && start > end) return 0;
    const isBit = unit === 'bit';
    const totlen = isBit ? strlen * 8 : strlen;
    s = toRangeNumber(start);
    e = toRangeNumber(end);
    if (s < 0) s = totlen + s;
    if (e < 0) e = totlen + e;
    if (s < 0) s = 0;
    if (e < 0) e = 0;
    if (e >= totlen) e = totlen - 1;
    if (isBit && s <= e) {
      firstMask = ~((1 << (8 - (s % 8))) - 1) & 0xff;
      lastMask = (1 << (7 - (e % 8))) - 1;
      s = Math.floor(s / 8);
      e = Math.floor(e / 8);
    }
  }
  if (s > e) return 0;
  let n = popcount(bytes, s, e + 1);
  if (firstMask !== 0) n -= POPCOUNT8[bytes[s] & firstMask];
  if (lastMask !== 0) n -= POPCOUNT8[bytes[e] & lastMask];
  return n;
}

/** First index in [from, to) whose byte is not `skip`, or `to`. */
function firstByteNot(buf: Buffer, from: number, to: number, skip: number): number {
  let i = from;
  if (to - i >= 64) {
    while ((buf.byteOffset + i) % 4 !== 0) {
      if (buf[i] !== skip) return i;
      i++;
    }
    const words = Math.floor((to - i) / 4);
    const w = new Uint32Array(buf.buffer, buf.byteOffset + i, words);
    const skipWord = skip === 0 ? 0 : 0xffffffff;
    let k = 0;
    while (k < words && w[k] === skipWord) k++;
    i += k * 4;
  }
  while (i < to && buf[i] === skip) i++;
  return i;
}

/** Position (0..7, MSB first) of the first bit equal to `bit` in byte `v` restricted to bits [lo, hi], or -1. */
function bitInByte(v: number, bit: 0 | 1, lo: number, hi: number): number {
  let x = bit === 1 ? v : ~v & 0xff;
  x &= (0xff >> lo) & (0xff << (7 - hi)) & 0xff;
  return x === 0 ? -1 : Math.clz32(x) - 24;
}

/** The first bit equal to `bit` in bit positions [startBit, endBit] of buf, or -1. */
function scanBits(buf: Buffer, bit: 0 | 1, startBit: number, endBit: number): number {
  const first = Math.floor(startBit / 8);
  const last = Math.floor(endBit / 8);
  const lo = startBit % 8;
  const hi = endBit % 8;
  if (first === last) {
    const p = bitInByte(buf[first], bit, lo, hi);
    return p < 0 ? -1 : first * 8 + p;
  }
  let p = bitInByte(buf[first], bit, lo, 7);
  if (p >= 0) return first * 8 + p;
  const skip = bit === 1 ? 0 : 0xff;
  const i = firstByteNot(buf, first + 1, last, skip);
  if (i < last) return i * 8 + bitInByte(buf[i], bit, 0, 7);
  p = bitInByte(buf[last], bit, 0, hi);
  return p < 0 ? -1 : last * 8 + p;
}

/**
 * BITPOS's arithmetic on a string's bytes: the first bit equal to `bit` in the range
 * (bytes, or bits with `unit` 'bit'). Not found: -1, except that for a clear bit with
 * no explicit `end` the string counts as zero-padded on the right, so the answer is
 * the first bit past the range.
 */
export function findBit(
  bytes: Buffer,
  bit: 0 | 1,
  start?: Int64,
  end?: Int64,
  unit: BitUnit = 'byte',
): number {
  const strlen = bytes.length;
  const isBit = start !== undefined && unit === 'bit';
  const endGiven = start !== undefined && end !== undefined;
  let s = 0;
  let e = strlen - 1;
  if (start !== undefined) {
    const totlen = isBit ? strlen * 8 : strlen;
    s = toRangeNumber(start);
    e = end === undefined ? (isBit ? totlen + 7 : totlen - 1) : toRangeNumber(end);
    if (s < 0) s = totlen + s;
    if (e < 0) e = totlen + e;
    if (s < 0) s = 0;
    if (e < 0) e = 0;
    if (e >= totlen) e = totlen - 1;
  }
  if (s > e) return -1;
  const startBit = isBit ? s : s * 8;
  const endBit = isBit ? e : e * 8 + 7;
  const pos = scanBits(bytes, bit, startBit, endBit);
  if (pos >= 0 || bit === 1 || endGiven) return pos;
  return (Math.floor(endBit / 8) + 1) * 8;
}

/** BITCOUNT key [start end [BYTE | BIT]]: 0 for a missing key. */
export function bitCount(
  db: Database,
  key: string,
  start?: Int64,
  end?: Int64,
  unit: BitUnit = 'byte',
): number {
  const bytes = bitmapForRead(db, key);
  return bytes === null ? 0 : countBits(bytes, start, end, unit);
}

/** BITPOS key bit [start [end [BYTE | BIT]]]: a missing key is all zeros (0 for a clear bit, -1 for a set bit). */
export function bitPos(
  db: Database,
  key: string,
  bit: 0 | 1,
  start?: Int64,
  end?: Int64,
  unit: BitUnit = 'byte',
): number {
  const bytes = bitmapForRead(db, key);
  if (bytes === null) return bit === 1 ? -1 : 0;
  return findBit(bytes, bit, start, end, unit);
}

// ---------------------------------------------------------------------------
// BITOP
// ---------------------------------------------------------------------------

/**
 * BITOP: combines the source strings (missing keys are empty, shorter strings are
 * zero-padded) into `dest`; returns the result length. An empty result deletes
 * `dest`. NOT takes exactly one source.
 */
export function bitOp(db: Database, op: BitOpName, dest: string, sources: readonly string[]): number {
  if (op === 'not' && sources.length !== 1) throw new ReplyError(Err.bitopNot);
  const srcs: (Buffer | null)[] = new Array(sources.length);
  let maxlen = 0;
  for (let i = 0; i < sources.length; i++) {
    const b = bitmapForRead(db, sources[i]);
    srcs[i] = b;
    if (b !== null && b.length > maxlen) maxlen = b.length;
  }
  const engine = db.engine;
  if (maxlen === 0) {
    if (db.delete(dest) && engine.notifyFlags !== 0) engine.notify(Notify.generic, 'del', dest, db.index);
    return 0;
  }
  const res = Buffer.alloc(maxlen);
  const first = srcs[0];
  if (first !== null) first.copy(res);
  if (op === 'not') {
    for (let j = 0; j < maxlen; j++) res[j] = ~res[j] & 0xff;
  } else {
    for (let i = 1; i < srcs.length; i++) {
      const b = srcs[i];
      const len = b === null ? 0 : b.length;
      if (op === 'and') {
        for (let j = 0; j < len; j++) res[j] &= b![j];
        if (len < maxlen) res.fill(0, len);
      } else if (op === 'or') {
        for (let j = 0; j < len; j++) res[j] |= b![j];
      } else {
        for (let j = 0; j < len; j++) res[j] ^= b![j];
      }
    }
  }
  const existed = db.write(dest) !== undefined;
  if (!existed) notifyNew(db, dest);
  storeBits(db, dest, res, true);
  if (engine.notifyFlags !== 0) engine.notify(Notify.string, 'set', dest, db.index);
  return maxlen;
}

// ---------------------------------------------------------------------------
// BITFIELD
// ---------------------------------------------------------------------------

/** Reads the unsigned `bits`-wide field at bit `offset` (zero past the end); bits <= 32 → number. */
function readUnsignedSmall(buf: Buffer, offset: number, bits: number): number {
  const byte = Math.floor(offset / 8);
  const shift = offset % 8;
  const nbytes = Math.ceil((shift + bits) / 8);
  let acc = 0;
  for (let k = 0; k < nbytes; k++) {
    const i = byte + k;
    acc = acc * 256 + (i < buf.length ? buf[i] : 0);
  }
  const drop = nbytes * 8 - shift - bits;
  return Math.floor(acc / 2 ** drop) % 2 ** bits;
}

function readUnsignedBig(buf: Buffer, offset: number, bits: number): bigint {
  const byte = Math.floor(offset / 8);
  const shift = offset % 8;
  const nbytes = Math.ceil((shift + bits) / 8);
  let acc = 0n;
  for (let k = 0; k < nbytes; k++) {
    const i = byte + k;
    acc = (acc << 8n) | BigInt(i < buf.length ? buf[i] : 0);
  }
  return BigInt.asUintN(bits, acc >> BigInt(nbytes * 8 - shift - bits));
}

function writeSmall(buf: Buffer, offset: number, bits: number, u: number): void {
  const byte = Math.floor(offset / 8);
  const shift = offset % 8;
  const nbytes = Math.ceil((shift + bits) / 8);
  let acc = 0;
  for (let k = 0; k < nbytes; k++) acc = acc * 256 + buf[byte + k];
  const drop = 2 ** (nbytes * 8 - shift - bits);
  const width = 2 ** bits;
  const low = acc % drop;
  const high = Math.floor(acc / (drop * width));
  acc = (high * width + u) * drop + low;
  for (let k = nbytes - 1; k >= 0; k--) {
    buf[byte + k] = acc % 256;
    acc = Math.floor(acc / 256);
  }
}

function writeBig(buf: Buffer, offset: number, bits: number, u: bigint): void {
  const byte = Math.floor(offset / 8);
  const shift = offset % 8;
  const nbytes = Math.ceil((shift + bits) / 8);
  let acc = 0n;
  for (let k = 0; k < nbytes; k++) acc = (acc << 8n) | BigInt(buf[byte + k]);
  const drop = BigInt(nbytes * 8 - shift - bits);
  const mask = ((1n << BigInt(bits)) - 1n) << drop;
  acc = (acc & ~mask) | (u << drop);
  for (let k = nbytes - 1; k >= 0; k--) {
    buf[byte + k] = Number(acc & 0xffn);
    acc >>= 8n;
  }
}

/** Reads a field as a signed or unsigned integer. */
function readField(buf: Buffer, offset: number, bits: number, signed: boolean): Int64 {
  if (bits <= 32) {
    const u = readUnsignedSmall(buf, offset, bits);
    return signed && u >= 2 ** (bits - 1) ? u - 2 ** bits : u;
  }
  const u = readUnsignedBig(buf, offset, bits);
  return narrow(signed ? BigInt.asIntN(bits, u) : u);
}

/** Writes a field from its signed or unsigned value (already in range). */
function writeField(buf: Buffer, offset: number, bits: number, value: Int64): void {
  if (bits <= 32) {
    const v = value as number;
    writeSmall(buf, offset, bits, v < 0 ? v + 2 ** bits : v);
  } else {
    writeBig(buf, offset, bits, BigInt.asUintN(bits, BigInt(value)));
  }
}

/** An int64 as a number when safe. */
function narrow(v: bigint): Int64 {
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}

/**
 * The value a SET or INCRBY stores, following Redis's overflow rules, or null on
 * overflow with FAIL. `high` tells which side an out-of-range value is on (an
 * unsigned SET of a negative value counts as too high, as Redis casts it to uint64).
 */
function fitField(
  v: Int64,
  bits: number,
  signed: boolean,
  overflow: BitFieldOverflow,
  high: boolean,
): Int64 | null {
  if (overflow === 'fail') return null;
  if (overflow === 'sat') {
    if (signed) return high ? maxSigned(bits) : minSigned(bits);
    return high ? maxUnsigned(bits) : 0;
  }
  if (typeof v === 'number' && bits <= 32) {
    const m = 2 ** bits;
    let r = ((v % m) + m) % m;
    if (signed && r >= m / 2) r -= m;
    return r;
  }
  const b = BigInt(v);
  return narrow(signed ? BigInt.asIntN(bits, b) : BigInt.asUintN(bits, b));
}

function maxSigned(bits: number): Int64 {
  return bits <= 53 ? 2 ** (bits - 1) - 1 : (1n << BigInt(bits - 1)) - 1n;
}
function minSigned(bits: number): Int64 {
  return bits <= 53 ? -(2 ** (bits - 1)) : -(1n << BigInt(bits - 1));
}
function maxUnsigned(bits: number): Int64 {
  return bits <= 52 ? 2 ** bits - 1 : (1n << BigInt(bits)) - 1n;
}

const INT64_MAX = 9223372036854775807n;
const FAST_LIMIT = 2 ** 52;

/**
 * Redis's `checkSignedBitfieldOverflow`, int64 wraparound included: 1 for overflow,
 * -1 for underflow, 0 when value + incr fits. The wraparound matters for SET of a
 * value far below the minimum (max - value overflows int64): Redis then takes it
 * as an overflow, so SAT stores the maximum.
 */
function signedOverflow(value: bigint, incr: bigint, bits: number): number {
  const max = bits === 64 ? INT64_MAX : (1n << BigInt(bits - 1)) - 1n;
  const min = -max - 1n;
  const maxincr = BigInt.asIntN(64, max - value);
  const minincr = BigInt.asIntN(64, min - value);
  if (value > max || (bits !== 64 && incr > maxincr) || (value >= 0n && incr > 0n && incr > maxincr))
    return 1;
  if (value < min || (bits !== 64 && incr < minincr) || (value < 0n && incr < 0n && incr < minincr))
    return -1;
  return 0;
}

/** Redis's `checkUnsignedBitfieldOverflow`: `value` is a uint64 (a SET value is cast to it). */
function unsignedOverflow(value: bigint, incr: bigint, bits: number): number {
  const max = (1n << BigInt(bits)) - 1n;
  if (value > max || (incr > 0n && incr > BigInt.asIntN(64, max - value))) return 1;
  if (incr < 0n && incr < BigInt.asIntN(64, -value)) return -1;
  return 0;
}

/**
 * The new field value for a SET or INCRBY on a field holding `old`, following
 * Redis's overflow rules, or null when OVERFLOW FAIL refuses the write.
 */
function nextFieldValue(old: Int64, o: BitFieldOp): Int64 | null {
  const { bits, signed, overflow } = o;
  const isSet = o.op === 'set';
  const v = o.value;
  if (bits <= 32 && typeof v === 'number' && v <= FAST_LIMIT && v >= -FAST_LIMIT) {
    // Everything is exact in doubles here, and no int64 wraparound can occur.
    const base = isSet ? v : (old as number) + v;
    let high: boolean;
    if (signed) {
      const max = 2 ** (bits - 1) - 1;
      if (base > max) high = true;
      else if (base < -max - 1) high = false;
      else return base;
    } else {
      if (base > 2 ** bits - 1 || (isSet && base < 0)) high = true;
      else if (base < 0) high = false;
      else return base;
    }
    return fitField(base, bits, signed, overflow, high);
  }
  const value = isSet ? (signed ? BigInt(v) : BigInt.asUintN(64, BigInt(v))) : BigInt(old);
  const incr = isSet ? 0n : BigInt(v);
  const dir = signed ? signedOverflow(value, incr, bits) : unsignedOverflow(value, incr, bits);
  if (dir === 0) return narrow(value + incr);
  return fitField(value + incr, bits, signed, overflow, dir > 0);
}

/**
 * BITFIELD / BITFIELD_RO: runs the operations in order on the string at `key` and
 * returns one reply per GET/SET/INCRBY (SET: the old value, INCRBY: the new value,
 * null when OVERFLOW FAIL refused a write). Write operations create or zero-extend
 * the string up to the farthest bit they touch before any operation runs; with
 * `readOnly` (BITFIELD_RO) they are an error.
 */
export function bitField(
  db: Database,
  key: string,
  ops: readonly BitFieldOp[],
  readOnly = false,
): (Int64 | null)[] {
  let highest = -1;
  for (const o of ops) {
    checkBitOffset(o.offset);
    if (o.op !== 'get' && o.offset + o.bits - 1 > highest) highest = o.offset + o.bits - 1;
  }
  const out: (Int64 | null)[] = new Array(ops.length);
  if (highest < 0) {
    const bytes = bitmapForRead(db, key) ?? EMPTY;
    for (let i = 0; i < ops.length; i++) out[i] = readField(bytes, ops[i].offset, ops[i].bits, ops[i].signed);
    return out;
  }
  if (readOnly) throw new ReplyError(Err.bitfieldReadOnly);

  const v = stringForWrite(db, key);
  const needLen = Math.floor(highest / 8) + 1;
  const created = v === undefined;
  const grown = created || byteLength(v) < needLen;
  const buf = ownedBytes(v, needLen);
  if (created) notifyNew(db, key);
  let changes = 0;
  for (let i = 0; i < ops.length; i++) {
    const o = ops[i];
    const old = readField(buf, o.offset, o.bits, o.signed);
    if (o.op === 'get') {
      out[i] = old;
      continue;
    }
    const isSet = o.op === 'set';
    const next = nextFieldValue(old, o);
    if (next === null) {
      out[i] = null;
      continue;
    }
    out[i] = isSet ? old : next;
    writeField(buf, o.offset, o.bits, next);
    if (grown || old !== next) changes++;
  }
  if (created || grown || changes !== 0) {
    storeBits(db, key, buf, created);
  } else {
    db.markEncoding(key, 'raw'); // Redis unshares the value (raw) even when nothing changes
    if (typeof v === 'string' && v.length >= MEMO_MIN_CHARS) memoPut(v, buf); // same bytes: keep them
  }
  if (changes !== 0) notifySetbit(db, key);
  return out;
}

const EMPTY = Buffer.alloc(0);
