/**
 * DEBUG OBJECT's size facts: `serializedLength` is Redis's rdbSavedObjectLen for
 * the RDB encoding Redis would choose (integers, listpacks, intsets, quicklist
 * nodes, plain strings), without the LZF compression Redis applies to strings
 * over 20 bytes; `quicklistNodes` splits a list as a quicklist would. (What a key
 * costs on the heap is the engine's estimate: engine/memory.ts.)
 */
import type { StoredValue } from '../engine/value.js';
import { keyToValue, type RedisValue } from '../util/bytes.js';
import { formatDouble, tryParseInt64 } from '../util/numbers.js';
import { RedisHash } from './hash.js';
import { RedisList } from './list.js';
import { RedisSet } from './set.js';
import { ZSet } from './zset.js';

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
