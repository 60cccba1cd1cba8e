/**
 * Size facts about stored values, for MEMORY USAGE, MEMORY STATS and DEBUG OBJECT.
 *
 * `memoryUsage` estimates what a key costs on the V8 heap (64-bit, uncompressed
 * pointers): the keyspace Map entry, the key string, the value and its containers,
 * an expiry entry when the key has one. Strings are V8 sequential strings (16-byte
 * header, one byte per char when every char is Latin-1, else two), Buffers a
 * JS object plus their bytes, Map entries three slots plus their share of the
 * bucket array. Large collections are sampled as Redis samples them (SAMPLES n,
 * default 5, 0 for all): the average sampled element times the element count.
 * The per-structure constants are named so that a calibration against measured
 * heap growth can refine them in one place.
 *
 * `serializedLength` is Redis's rdbSavedObjectLen for the RDB encoding Redis would
 * choose (integers, listpacks, intsets, quicklist nodes, plain strings), without
 * the LZF compression Redis applies to strings over 20 bytes.
 */
import type { StoredValue } from '../engine/value.js';
import { keyToValue, type RedisValue } from '../util/bytes.js';
import { formatDouble, tryParseInt64 } from '../util/numbers.js';
import { RedisHash } from './hash.js';
import { RedisList } from './list.js';
import { RedisSet } from './set.js';
import { ZSet } from './zset.js';

/** Bytes of a heap pointer. */
export const POINTER = 8;
/** A V8 sequential string's header (map, hash, length). */
export const STRING_HEADER = 16;
/** A Buffer: the Uint8Array object and its ArrayBuffer bookkeeping, beside the bytes. */
export const BUFFER_OVERHEAD = 96;
/** One Map entry: key, value and chain slots, plus half a bucket (load factor 2). */
export const MAP_ENTRY = 3 * POINTER + POINTER / 2;
/** An empty Map (JSMap object and its initial table). */
export const MAP_OVERHEAD = 32 + 80;
/** A boxed double (an expiry time beyond the small-integer range). */
export const HEAP_NUMBER = 16;
/** A plain JS object header (map, properties, elements). */
export const OBJECT_HEADER = 24;
/** A skiplist node: header, 10 fields (backward, 4 forward pointers, 4 spans, up), member, score, level. */
export const ZNODE = OBJECT_HEADER + 13 * POINTER;
/** Redis's OBJ_COMPUTE_SIZE_DEF_SAMPLES. */
export const DEFAULT_SAMPLES = 5;

function round8(n: number): number {
  return (n + 7) & ~7;
}

/** Heap bytes of a string or Buffer. */
export function valueBytes(v: RedisValue): number {
  if (typeof v !== 'string') return BUFFER_OVERHEAD + round8(v.length);
  const twoByte = /[^\u0000-\u00ff]/.test(v);
  return STRING_HEADER + round8(twoByte ? 2 * v.length : v.length);
}

/** Heap bytes of a keyspace key (canonical string). */
export function keyBytes(key: string): number {
  return valueBytes(key);
}

/**
 * Sums `each(i)` over `n` elements, sampling the first `samples` (0: all) and
 * extrapolating, as objectComputeSize does.
 */
function sampled<T>(items: Iterable<T>, n: number, samples: number, each: (item: T) => number): number {
  if (n === 0) return 0;
  const limit = samples <= 0 ? Number.POSITIVE_INFINITY : samples;
  let seen = 0;
  let sum = 0;
  for (const item of items) {
    if (seen >= limit) break;
    sum += each(item);
    seen++;
  }
  return seen === 0 ? 0 : seen === n ? sum : Math.floor((sum / seen) * n);
}

/** Estimated heap bytes of a stored value. */
export function valueMemory(v: StoredValue, samples = DEFAULT_SAMPLES): number {
  if (typeof v === 'string' || v instanceof Uint8Array) return valueBytes(v as RedisValue);
  if (v instanceof RedisHash) {
    const m = v.map;
    return (
      OBJECT_HEADER +
      MAP_OVERHEAD +
      sampled(m, m.size, samples, ([f, val]) => MAP_ENTRY + keyBytes(f) + valueBytes(val))
    );
  }
  if (v instanceof RedisList) {
    return OBJECT_HEADER + v.capacity * POINTER + sampled(listItems(v), v.length, samples, valueBytes);
  }
  if (v instanceof RedisSet) {
    // The index's keys and the members array hold the same strings.
    return (
      OBJECT_HEADER +
      MAP_OVERHEAD +
      v.members.length * POINTER +
      sampled(v.members, v.members.length, samples, (m) => MAP_ENTRY + keyBytes(m))
    );
  }
  if (v instanceof ZSet) {
    return (
      OBJECT_HEADER * 2 +
      MAP_OVERHEAD +
      sampled(
        v.dict,
        v.dict.size,
        samples,
        ([m, node]) =>
          MAP_ENTRY +
          ZNODE +
          (node.level > 4 ? (node.level - 4) * 2 * POINTER + OBJECT_HEADER : 0) +
          keyBytes(m),
      )
    );
  }
  return OBJECT_HEADER;
}

function* listItems(list: RedisList): Generator<RedisValue> {
  for (let i = 0; i < list.length; i++) yield list.at(i) as RedisValue;
}

/**
 * MEMORY USAGE: the key's whole cost (value, key string, keyspace entry, and the
 * expiry entry when it has a TTL).
 */
export function memoryUsage(
  key: string,
  v: StoredValue,
  volatile: boolean,
  samples = DEFAULT_SAMPLES,
): number {
  return valueMemory(v, samples) + keyBytes(key) + MAP_ENTRY + (volatile ? MAP_ENTRY + HEAP_NUMBER : 0);
}

// ---------------------------------------------------------------------------
// RDB serialized length (rdbSavedObjectLen)

/** rdbSaveLen's size for a length. */
function rdbLenSize(n: number): number {
  return n < 1 << 6 ? 1 : n < 1 << 14 ? 2 : n <= 0xffffffff ? 5 : 9;
}

/** rdbTryIntegerEncoding: the encoded size of an int that fits 32 bits, else 0. */
function rdbIntSize(n: number): number {
  if (n >= -(1 << 7) && n <= (1 << 7) - 1) return 2;
  if (n >= -(1 << 15) && n <= (1 << 15) - 1) return 3;
  if (n >= -(2 ** 31) && n <= 2 ** 31 - 1) return 5;
  return 0;
}

function byteLen(v: RedisValue): number {
  return typeof v === 'string' ? Buffer.byteLength(v) : v.length;
}

/** rdbSaveRawString without compression: integer-looking strings up to 11 bytes as integers. */
function rdbStringSize(v: RedisValue): number {
  const len = byteLen(v);
  if (len <= 11) {
    const n = tryParseInt64(v);
    if (typeof n === 'number') {
      const size = rdbIntSize(n);
      if (size > 0) return size;
    }
  }
  return rdbLenSize(len) + len;
}

/** A listpack entry's bytes (encoding, data, back-length), as lpEncodeGetType sizes them. */
function listpackEntrySize(v: RedisValue): number {
  const len = byteLen(v);
  let n = len <= 20 ? tryParseInt64(v) : undefined;
  let enc: number;
  if (typeof n === 'bigint') n = Number(n);
  if (n !== undefined) {
    enc =
      n >= 0 && n <= 127
        ? 1
        : n >= -4096 && n <= 4095
          ? 2
          : n >= -32768 && n <= 32767
            ? 3
            : n >= -8388608 && n <= 8388607
              ? 4
              : n >= -(2 ** 31) && n <= 2 ** 31 - 1
                ? 5
                : 9;
  } else {
    enc = len < 64 ? 1 + len : len < 4096 ? 2 + len : 5 + len;
  }
  const back = enc < 128 ? 1 : enc < 16384 ? 2 : enc < 2097152 ? 3 : enc < 268435456 ? 4 : 5;
  return enc + back;
}

/** A listpack's total bytes: 6-byte header, the entries, the end byte. */
export function listpackBytes(values: Iterable<RedisValue>): number {
  let n = 7;
  for (const v of values) n += listpackEntrySize(v);
  return n;
}

/** Bytes per entry budget of a quicklist node for a negative list-max-listpack-size. */
const QUICKLIST_NODE_BYTES = [4096, 8192, 16384, 32768, 65536];

/** How a list would be split into quicklist nodes: each node's listpack bytes. */
export function quicklistNodes(list: RedisList, fill: number): number[] {
  const nodes: number[] = [];
  const limit = fill < 0 ? QUICKLIST_NODE_BYTES[Math.min(-fill, 5) - 1] : Number.POSITIVE_INFINITY;
  const maxCount = fill > 0 ? fill : Number.POSITIVE_INFINITY;
  let bytes = 7;
  let count = 0;
  for (let i = 0; i < list.length; i++) {
    const e = listpackEntrySize(list.at(i) as RedisValue);
    if (count > 0 && (bytes + e > limit || count + 1 > maxCount)) {
      nodes.push(bytes);
      bytes = 7;
      count = 0;
    }
    bytes += e;
    count++;
  }
  if (count > 0) nodes.push(bytes);
  return nodes;
}

/** DEBUG OBJECT's `serializedlength`: the value's size in an RDB file (uncompressed). */
export function serializedLength(v: StoredValue, listFill = -2): number {
  if (typeof v === 'string' || v instanceof Uint8Array) return rdbStringSize(v as RedisValue);
  if (v instanceof RedisHash) {
    if (v.listpack) {
      const lp = listpackBytes(flatPairs(v.map.entries(), (f) => keyToValue(f)));
      return rdbLenSize(lp) + lp;
    }
    let n = rdbLenSize(v.map.size);
    for (const [f, val] of v.map) n += rdbStringSize(keyToValue(f)) + rdbStringSize(val);
    return n;
  }
  if (v instanceof RedisList) {
    const nodes = quicklistNodes(v, listFill);
    let n = rdbLenSize(nodes.length);
    for (const bytes of nodes) n += 1 + rdbLenSize(bytes) + bytes;
    return n;
  }
  if (v instanceof RedisSet) {
    if (v.intset) {
      let width = 2;
      for (const m of v.members) {
        const x = Number(m);
        if (x < -(2 ** 31) || x > 2 ** 31 - 1) width = 8;
        else if ((x < -32768 || x > 32767) && width < 4) width = 4;
      }
      const bytes = 8 + width * v.members.length;
      return rdbLenSize(bytes) + bytes;
    }
    let n = rdbLenSize(v.members.length);
    for (const m of v.members) n += rdbStringSize(keyToValue(m));
    return n;
  }
  if (v instanceof ZSet) {
    if (v.listpack) {
      const lp = listpackBytes(zsetPairs(v));
      return rdbLenSize(lp) + lp;
    }
    let n = rdbLenSize(v.dict.size);
    for (const m of v.dict.keys()) n += rdbStringSize(keyToValue(m)) + 8;
    return n;
  }
  return 0;
}

function* flatPairs(
  entries: Iterable<[string, RedisValue]>,
  key: (k: string) => RedisValue,
): Generator<RedisValue> {
  for (const [k, v] of entries) {
    yield key(k);
    yield v;
  }
}

function* zsetPairs(z: ZSet): Generator<RedisValue> {
  for (let node = z.first; node !== null; node = node.next) {
    yield keyToValue(node.ele);
    yield formatDouble(node.score);
  }
}
