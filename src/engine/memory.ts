/**
 * Memory accounting: what the keyspace costs on the V8 heap, estimated per key
 * and kept as a running total, never by walking the keyspace.
 *
 * Model (Node 20 on x64: 8-byte pointers, no pointer compression, 32-bit Smis),
 * calibrated against measured heap growth (test/engine/memory-calibration.test.ts,
 * bench/memory-types.mjs):
 * - a sequential string is a 16-byte header plus one byte per char (two when any
 *   char is above U+00FF), rounded up to 8;
 * - a Buffer is its JS objects (~96 bytes on the heap) plus its bytes (off-heap);
 * - a `Map` is a 32-byte object plus an OrderedHashMap table: 40 bytes of header
 *   and 28 bytes per slot of capacity (3 pointers per entry, one bucket pointer
 *   per 2 entries). Capacity is a power of two ≥ 4 that doubles when full and
 *   halves when under a quarter full; for the keyspace maps, whose capacity
 *   moves with millions of keys, the estimate uses the average over a doubling
 *   (3/4 full: 37 bytes per key) so that it is linear in the keys;
 * - a number beyond the 32-bit Smi range (an expiry time in ms) is a 16-byte
 *   HeapNumber.
 *
 * How the total is kept: strings are stored bare (no per-key wrapper), so
 * Database.set/replace/remove adjust the total by the estimate of the key and of
 * the values that come and go (SET reads the old value first: one extra Map
 * lookup). Aggregates keep a running `bytes` of their elements in their mutating
 * methods (cheap arithmetic), and compute their container cost from their size
 * in O(1) ({@link RedisObject.memoryBytes}); each remembers how much of it the
 * keyspace total holds (`accounted`) so that Database.set / modified / remove
 * reconcile with `total += memoryBytes() - accounted`. The side maps (expires,
 * access times, LFU data, encoding hints) are costed from their sizes.
 *
 * Known bias: chars above U+00FF are detected by looking at the first char of a
 * string only (more costs measurable time on every write), so text that does not
 * start with a wide char is counted as one byte per char (binary keys and members
 * start with U+D800, so their reserved form is counted right); V8 cons strings (concatenation results the app never
 * flattened) cost more than their flat form until V8 flattens them (looking at
 * their chars does). Buffers sharing one pooled slab are each counted with their
 * own bytes. Transient garbage (replaced values not yet collected) and what
 * clients, scripts and Pub/Sub hold are not counted: see the README's note on
 * the heap beside `maxmemory`.
 */
import type { RedisValue } from '../util/bytes.js';
import type { Database } from './database.js';
import type { Engine } from './engine.js';
import type { RedisObject, StoredValue } from './value.js';

/**
 * A database's byte count. SWAPDB swaps it along with the maps, so the aggregates
 * that point at the count of the map holding them ({@link RedisObject.owner})
 * stay right.
 */
export class Meter {
  bytes = 0;
  constructor(readonly engine: Engine) {}

  /** Adds `delta` to this count and to the engine's total. */
  add(delta: number): void {
    this.bytes += delta;
    this.engine.usedBytes += delta;
  }
}

/** Bytes of a pointer (and of an array slot). */
export const POINTER = 8;
/** A sequential string's header (map, hash, length). */
export const STRING_HEADER = 16;
/** A Buffer's objects on the heap (Uint8Array and its ArrayBuffer bookkeeping), beside its bytes. */
export const BUFFER_OVERHEAD = 96;
/** A boxed double. */
export const HEAP_NUMBER = 16;
/** A plain object's header (map, properties, elements). */
export const OBJECT_HEADER = 24;
/** A JS array object (header and length) without its elements store. */
export const ARRAY_OBJECT = 32;
/** A FixedArray's header (map, length). */
export const FIXED_ARRAY_HEADER = 16;
/** A Map object with an empty table: JSMap (32) plus the table's header (40). */
export const MAP_BASE = 72;
/** One slot of a Map's capacity: key, value, chain, and half a bucket. */
export const MAP_SLOT = 28;
/** A Map's smallest capacity. */
export const MAP_MIN_CAPACITY = 4;
/** One entry of a large, growing Map on average (3/4 full between doublings). */
export const MAP_ENTRY = 37;
/** A keyspace key's entry in `db.data`, beside the key string and the value. */
export const KEY_ENTRY = MAP_ENTRY;
/** A volatile key's entry in `db.expires` (the time is a HeapNumber). */
export const EXPIRE_ENTRY = MAP_ENTRY + HEAP_NUMBER;
/** An entry in a side map holding a Smi (access time, LFU data) or a shared string. */
export const SIDE_ENTRY = MAP_ENTRY;

/** Heap bytes of a JS string (see the module header for the wide-char test). */
export function stringBytes(s: string): number {
  const n = s.length;
  if (n !== 0 && s.charCodeAt(0) > 0xff) {
    return (STRING_HEADER + 7 + 2 * n) & ~7;
  }
  return (STRING_HEADER + 7 + n) & ~7;
}

/** Bytes of a Redis string value: a JS string, or a Buffer's objects and bytes. */
export function valueBytes(v: RedisValue): number {
  return typeof v === 'string' ? stringBytes(v) : BUFFER_OVERHEAD + ((v.length + 7) & ~7);
}

/** Bytes of a stored value: {@link valueBytes} for strings, {@link RedisObject.memoryBytes} for aggregates. */
export function storedBytes(v: StoredValue): number {
  if (typeof v === 'string') return stringBytes(v);
  if (v instanceof Uint8Array) return BUFFER_OVERHEAD + ((v.length + 7) & ~7);
  return (v as RedisObject).memoryBytes();
}

/** What a key costs in the keyspace map beside its value: the entry and the key string. */
export function keyBytes(key: string): number {
  return KEY_ENTRY + stringBytes(key);
}

/** Bytes of a Map with the given capacity (entries themselves excluded). */
export function mapBytes(capacity: number): number {
  return MAP_BASE + capacity * MAP_SLOT;
}

/**
 * A Map's capacity after it went from `capacity` to `size` entries, as V8 sizes
 * its tables: doubled until it holds `size`, halved while under a quarter full.
 */
export function mapCapacity(size: number, capacity: number): number {
  if (size > capacity) {
    let c = Math.max(capacity, MAP_MIN_CAPACITY);
    while (c < size) c *= 2;
    return c;
  }
  while (capacity > MAP_MIN_CAPACITY && size < capacity >>> 2) capacity >>>= 1;
  return Math.max(capacity, MAP_MIN_CAPACITY);
}

/**
 * Bytes of a JS array of `length` elements grown by pushes: V8 grows the store to
 * 1.5× + 16, so on average a quarter of the slots are spare.
 */
export function arrayBytes(length: number): number {
  return ARRAY_OBJECT + FIXED_ARRAY_HEADER + Math.ceil(length * 1.25) * POINTER;
}

/**
 * A keyspace slot counted by `meter` starts holding the aggregate `o` (engine
 * bookkeeping for Database): its size moves to that count, from the one that counted it
 * when it is still stored there for an instant (RENAME, MOVE store the value
 * under its new key before removing the old).
 */
export function holdObject(meter: Meter, o: RedisObject): void {
  o.refs++;
  const owner = o.owner;
  if (owner !== null) owner.add(-o.accounted);
  const bytes = o.memoryBytes();
  o.accounted = bytes;
  o.owner = meter;
  meter.add(bytes);
}

/** A keyspace slot stops holding `o`: its size leaves the total once no slot holds it. */
export function releaseObject(o: RedisObject): void {
  if (--o.refs > 0) return;
  o.refs = 0;
  const owner = o.owner;
  if (owner !== null) owner.add(-o.accounted);
  o.accounted = 0;
  o.owner = null;
}

/** The stored aggregate `o` changed in place: the total follows its new size. */
export function reconcileObject(o: RedisObject): void {
  const owner = o.owner;
  if (owner === null) return;
  const bytes = o.memoryBytes();
  const delta = bytes - o.accounted;
  if (delta === 0) return;
  o.accounted = bytes;
  owner.add(delta);
}

/**
 * Estimated heap bytes of one key: its keyspace entry and key string, its value
 * (containers and elements), and its entries in the side maps (TTL, access time,
 * LFU data, encoding hint). 0 when the key does not exist. O(1) for every type
 * (what MEMORY USAGE reports).
 */
export function estimateKeyMemory(db: Database, key: string): number {
  const v = db.data.get(key);
  if (v === undefined) return 0;
  let n = keyBytes(key) + storedBytes(v);
  if (db.expires.size !== 0 && db.expires.has(key)) n += EXPIRE_ENTRY;
  if (db.access.size !== 0 && db.access.has(key)) n += SIDE_ENTRY;
  if (db.freq.size !== 0 && db.freq.has(key)) n += SIDE_ENTRY;
  if (db.stringEncodings.size !== 0 && db.stringEncodings.has(key)) n += SIDE_ENTRY;
  return n;
}

/** Bytes of a database's side maps, from their sizes. */
export function sideMapBytes(db: Database): number {
  return (
    db.expires.size * EXPIRE_ENTRY + (db.access.size + db.freq.size + db.stringEncodings.size) * SIDE_ENTRY
  );
}
