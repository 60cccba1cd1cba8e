/**
 * Lists: the Redis list value and its typed operations (Redis 7.0's t_list.c).
 *
 * Structure: {@link RedisList} is a {@link Deque} — a growable ring buffer over
 * a power-of-two array (see deque.ts for the trade-off). Queues (LPUSH + RPOP,
 * LMOVE) are O(1) at both ends without a node per element, LINDEX/LSET are O(1),
 * LRANGE is O(m) for m returned elements, LINSERT/LREM shift the shorter side.
 * Redis 7.0 always reports the `quicklist` encoding for lists (`listpack` for
 * small lists arrives in 7.2), so OBJECT ENCODING says `quicklist` here too.
 *
 * Values: elements are Redis strings (a JS string, or a Buffer for bytes that
 * are not valid UTF-8). Strings are immutable, so storing them never aliases.
 * Buffers given by the app are stored as given, not copied, and reads return
 * the stored Buffer itself: an app that mutates a Buffer after pushing it, or
 * one it got back, changes the list's element. Every op that returns several
 * elements returns a fresh array, never the ring itself.
 *
 * Keyspace rules, as Redis: a push creates the key, an op that empties the list
 * deletes it (and emits `del`); stored lists are never empty. Ops throw
 * ReplyError with Redis's texts. The single-element ops ({@link pushOne},
 * {@link popOne}) allocate nothing unless the ring resizes, for the sync API.
 */
import { isUtf8 } from 'node:buffer';
import type { Database } from '../engine/database.js';
import {
  ARRAY_OBJECT,
  FIXED_ARRAY_HEADER,
  type Meter,
  OBJECT_HEADER,
  POINTER,
  valueBytes,
} from '../engine/memory.js';
import { Notify } from '../engine/notify.js';
import type { RedisObject } from '../engine/value.js';
import { Err, ReplyError, wrongType } from '../errors.js';
import type { Arg, RedisValue } from '../util/bytes.js';
import { parseInteger } from '../util/numbers.js';
import { Deque } from './deque.js';

/** A list value in the keyspace. */
export class RedisList extends Deque<RedisValue> implements RedisObject {
  readonly type = 'list' as const;
  accounted = 0;
  refs = 0;
  owner: Meter | null = null;

  protected override sizeOf(v: RedisValue): number {
    return valueBytes(v);
  }

  /** The object (9 fields), the ring's array and the elements (engine/memory.ts). */
  memoryBytes(): number {
    return (
      OBJECT_HEADER + 9 * POINTER + ARRAY_OBJECT + FIXED_ARRAY_HEADER + this.capacity * POINTER + this.bytes
    );
  }

  /**
   * engine/memory.ts `reconcileObject` for a list changed in place: as a method of
   * this class its property accesses stay monomorphic (the shared function sees
   * every aggregate type), which matters on the push/pop fast path.
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

  /** Redis 7.0 reports `quicklist` for every list, whatever its size. */
  encoding(): string {
    return 'quicklist';
  }

  /** A copy with its own ring; elements are shared (strings are immutable, Buffers are never mutated here). */
  clone(): RedisList {
    return RedisList.from(this.toArray());
  }

  /** A list holding `values`, head first. */
  static from(values: readonly RedisValue[]): RedisList {
    const list = new RedisList(values.length);
    for (let i = 0; i < values.length; i++) list.pushBack(values[i]);
    return list;
  }
}

/**
 * RANK value that reproduces Redis's int64 overflow for `LPOS ... RANK -9223372036854775808`:
 * negating it overflows, so Redis scans from the tail and returns every match, ignoring COUNT.
 */
export const LPOS_RANK_INT64_MIN = -(2 ** 63);

/** The list at `key` for a read (counts hits/misses); undefined when absent; WRONGTYPE otherwise. */
export function readList(db: Database, key: string): RedisList | undefined {
  const v = db.read(key);
  if (v === undefined) return undefined;
  if (v instanceof RedisList) return v;
  return wrongType();
}

/** The list at `key` for a write; undefined when absent; WRONGTYPE otherwise. */
export function writeList(db: Database, key: string): RedisList | undefined {
  const v = db.write(key);
  if (v === undefined) return undefined;
  if (v instanceof RedisList) return v;
  return wrongType();
}

/**
 * Signals an in-place modification of the list already stored at `key`
 * (Redis's signalModifiedKey). The list object stays in the Map, so re-storing
 * it with `db.replace` would only add a Map write to every push and pop.
 */
function modified(db: Database, key: string, list?: RedisList): void {
  if (list === undefined) db.modified(key);
  else {
    // db.modified(key, list), with the list's own (monomorphic) reconcile.
    list.reconcile();
    db.engine.keyModified(db, key);
  }
}

/** Emits a keyspace event of the list class. */
function notifyList(db: Database, event: string, key: string): void {
  const engine = db.engine;
  if (engine.notifyFlags !== 0) engine.notify(Notify.list, event, key, db.index);
}

/**
 * After elements were removed from the stored list at `key` (Redis's
 * listElementsRemoved): emits `event`, deletes the key with `del` when the
 * list became empty, otherwise signals the modification.
 */
function removed(db: Database, key: string, list: RedisList, event: string): void {
  notifyList(db, event, key);
  if (list.length === 0) {
    db.delete(key);
    const engine = db.engine;
    if (engine.notifyFlags !== 0) engine.notify(Notify.generic, 'del', key, db.index);
  } else {
    modified(db, key, list);
  }
}

/** A predicate comparing elements with `needle` by their bytes (Redis's listTypeEqual). */
function matcher(needle: RedisValue): (v: RedisValue) => boolean {
  if (typeof needle === 'string') {
    let bytes: Buffer | undefined;
    return (v) => (typeof v === 'string' ? v === needle : v.equals((bytes ??= Buffer.from(needle, 'utf8'))));
  }
  // A string element's bytes are always valid UTF-8, so a non-UTF-8 needle only matches Buffers.
  const text = isUtf8(needle) ? needle.toString('utf8') : undefined;
  return (v) => (typeof v === 'string' ? v === text : v.equals(needle));
}

/** An index given as a number (sync API) or an argument parsed as Redis's `long`. */
function toIndex(index: number | Arg): number {
  return typeof index === 'number' ? index : parseInteger(index);
}

// --- push -----------------------------------------------------------------

/**
 * LPUSH / RPUSH with one value: pushes at the head (`left`) or tail, creating
 * the key when absent. Returns the new length. Allocates nothing unless the
 * ring grows. Emits `lpush` / `rpush`.
 */
export function pushOne(db: Database, key: string, value: RedisValue, left: boolean): number {
  let list = writeList(db, key);
  if (list === undefined) {
    list = new RedisList();
    list.pushBack(value);
    db.set(key, list);
  } else {
    if (left) list.pushFront(value);
    else list.pushBack(value);
    modified(db, key, list);
  }
  notifyList(db, left ? 'lpush' : 'rpush', key);
  return list.length;
}

/**
 * LPUSH / RPUSH: pushes `values[start..]` one by one at the head (`left`; so
 * the last value ends up first) or tail, creating the key when absent. Returns
 * the new length (0 for no values on a missing key). Emits `lpush` / `rpush`.
 */
export function push(
  db: Database,
  key: string,
  values: readonly RedisValue[],
  left: boolean,
  start = 0,
): number {
  return pushInto(db, key, writeList(db, key), values, left, start);
}

/**
 * LPUSHX / RPUSHX: as {@link push}, but only when the key already holds a list;
 * returns 0 (and does nothing) when it is absent.
 */
export function pushX(
  db: Database,
  key: string,
  values: readonly RedisValue[],
  left: boolean,
  start = 0,
): number {
  const list = writeList(db, key);
  return list === undefined ? 0 : pushInto(db, key, list, values, left, start);
}

function pushInto(
  db: Database,
  key: string,
  list: RedisList | undefined,
  values: readonly RedisValue[],
  left: boolean,
  start: number,
): number {
  const n = values.length - start;
  if (n <= 0) return list === undefined ? 0 : list.length;
  const created = list === undefined;
  if (list === undefined) list = new RedisList(n);
  else list.reserve(list.length + n);
  if (left) for (let i = start; i < values.length; i++) list.pushFront(values[i]);
  else for (let i = start; i < values.length; i++) list.pushBack(values[i]);
  if (created) db.set(key, list);
  else modified(db, key, list);
  notifyList(db, left ? 'lpush' : 'rpush', key);
  return list.length;
}

// --- pop ------------------------------------------------------------------

/**
 * LPOP / RPOP without a count: removes and returns the head (`left`) or tail
 * element, or null when the key is absent. Allocates nothing unless the ring
 * shrinks. Emits `lpop` / `rpop`, and `del` when the list empties.
 */
export function popOne(db: Database, key: string, left: boolean): RedisValue | null {
  const list = writeList(db, key);
  if (list === undefined) return null;
  const v = (left ? list.popFront() : list.popBack()) as RedisValue;
  removed(db, key, list, left ? 'lpop' : 'rpop');
  return v;
}

/**
 * LPOP / RPOP with a count: removes up to `count` elements from the head
 * (`left`, returned head first) or tail (returned tail first). Returns null
 * when the key is absent (the nil array), `[]` for count 0 on an existing
 * list (nothing changes, no event). Negative counts throw
 * `ERR value is out of range, must be positive`.
 */
export function popCount(db: Database, key: string, count: number, left: boolean): RedisValue[] | null {
  if (count < 0) throw new ReplyError(Err.mustBePositive);
  const list = writeList(db, key);
  if (list === undefined) return null;
  if (count === 0) return [];
  const out = left ? list.popFrontMany(count) : list.popBackMany(count);
  removed(db, key, list, left ? 'lpop' : 'rpop');
  return out;
}

/**
 * LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]: pops up to `count`
 * elements from the first of `keys` holding a non-empty list. Returns the key
 * and the elements (in {@link popCount}'s order), or null when every key is
 * absent. A key of another type throws WRONGTYPE when reached. `count` < 1
 * throws `ERR count should be greater than 0`.
 */
export function mpop(
  db: Database,
  keys: readonly string[],
  left: boolean,
  count = 1,
): [key: string, values: RedisValue[]] | null {
  if (!(count >= 1)) throw new ReplyError(Err.countPositive);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const list = writeList(db, key);
    if (list === undefined || list.length === 0) continue;
    const out = left ? list.popFrontMany(count) : list.popBackMany(count);
    removed(db, key, list, left ? 'lpop' : 'rpop');
    return [key, out];
  }
  return null;
}

/**
 * LMOVE source destination LEFT|RIGHT LEFT|RIGHT (and RPOPLPUSH): pops from
 * the head (`fromLeft`) or tail of `src` and pushes at the head (`toLeft`) or
 * tail of `dst`, creating it when absent. Returns the moved element, or null
 * when `src` is absent. WRONGTYPE for `dst` is raised before anything moves.
 * With `src` = `dst` this rotates the list. Emits `lpush`/`rpush` on `dst`,
 * then `lpop`/`rpop` on `src`, then `del` when `src` empties.
 */
export function move(
  db: Database,
  src: string,
  dst: string,
  fromLeft: boolean,
  toLeft: boolean,
): RedisValue | null {
  const from = writeList(db, src);
  if (from === undefined) return null;
  let to = writeList(db, dst);
  const v = (fromLeft ? from.popFront() : from.popBack()) as RedisValue;
  if (to === undefined) {
    to = new RedisList();
    to.pushBack(v);
    db.set(dst, to);
  } else {
    if (toLeft) to.pushFront(v);
    else to.pushBack(v);
    modified(db, dst);
  }
  notifyList(db, toLeft ? 'lpush' : 'rpush', dst);
  removed(db, src, from, fromLeft ? 'lpop' : 'rpop');
  return v;
}

// --- reads ----------------------------------------------------------------

/** LLEN key: the length, 0 when absent. */
export function len(db: Database, key: string): number {
  const list = readList(db, key);
  return list === undefined ? 0 : list.length;
}

/**
 * LRANGE key start stop: the elements from `start` to `stop` inclusive, with
 * Redis's index rules: negative indexes count from the tail (-1 = last), a
 * start before the head is clamped to 0, a stop past the tail to the last
 * element, and an empty range (start > stop, or start ≥ length) gives `[]`.
 * `[]` when the key is absent.
 */
export function range(db: Database, key: string, start: number, stop: number): RedisValue[] {
  const list = readList(db, key);
  if (list === undefined) return [];
  const n = list.length;
  if (start < 0) start += n;
  if (stop < 0) stop += n;
  if (start < 0) start = 0;
  if (start > stop || start >= n) return [];
  if (stop >= n) stop = n - 1;
  return list.slice(start, stop + 1);
}

/**
 * LINDEX key index: the element at `index` (negative counts from the tail), or
 * null when out of range or the key is absent. As Redis, the key is looked up
 * before the index is parsed, so a missing key answers null even for a bad
 * index, and WRONGTYPE precedes `ERR value is not an integer or out of range`.
 */
export function index(db: Database, key: string, at: number | Arg): RedisValue | null {
  const list = readList(db, key);
  if (list === undefined) return null;
  let i = toIndex(at);
  if (i < 0) i += list.length;
  return list.at(i) ?? null;
}

/**
 * LPOS key element [RANK rank] [MAXLEN len] without COUNT: the index of the
 * `rank`-th match (negative rank: counting matches from the tail), looking at
 * no more than `maxlen` elements (0 = all); null when none or the key is
 * absent. RANK 0 and a negative MAXLEN throw Redis's errors.
 */
export function pos(db: Database, key: string, element: RedisValue, rank = 1, maxlen = 0): number | null {
  const found = scanPos(db, key, element, rank, -1, maxlen);
  return found === undefined ? null : (found as number);
}

/**
 * LPOS key element [RANK rank] COUNT num [MAXLEN len]: the indexes of up to
 * `count` matches (0 = all), starting with the `rank`-th, in scan order (from
 * the tail for a negative rank); `[]` when none or the key is absent.
 */
export function posAll(
  db: Database,
  key: string,
  element: RedisValue,
  count: number,
  rank = 1,
  maxlen = 0,
): number[] {
  if (count < 0) throw new ReplyError(Err.lposCountNegative);
  return (scanPos(db, key, element, rank, count, maxlen) as number[] | undefined) ?? [];
}

/** LPOS's scan: count −1 means the single-reply form (returns an index or undefined). */
function scanPos(
  db: Database,
  key: string,
  element: RedisValue,
  rank: number,
  count: number,
  maxlen: number,
): number | number[] | undefined {
  if (rank === 0) throw new ReplyError(Err.lposRankZero);
  if (maxlen < 0) throw new ReplyError(Err.lposMaxlenNegative);
  const list = readList(db, key);
  if (list === undefined) return undefined;
  // RANK -2^63 cannot be negated in C: Redis then scans from the tail and its
  // COUNT check overflows too, so every match is returned.
  const overflow = rank <= LPOS_RANK_INT64_MIN;
  const fromTail = rank < 0;
  if (fromTail) rank = overflow ? 1 : -rank;
  if (overflow && count > 0) count = 0;
  const match = matcher(element);
  const n = list.length;
  const limit = maxlen === 0 || maxlen > n ? n : maxlen;
  const out: number[] | undefined = count >= 0 ? [] : undefined;
  let matches = 0;
  for (let k = 0; k < limit; k++) {
    const i = fromTail ? n - 1 - k : k;
    if (!match(list.at(i) as RedisValue)) continue;
    matches++;
    if (matches < rank) continue;
    if (out === undefined) return i;
    out.push(i);
    if (count !== 0 && out.length >= count) break;
  }
  return out;
}

// --- in-place writes --------------------------------------------------------

/**
 * LSET key index element: replaces the element at `index` (negative counts
 * from the tail). Throws `ERR no such key` when absent, then WRONGTYPE, then
 * the index parse error (for an Arg index), then `ERR index out of range`.
 * Emits `lset`.
 */
export function set(db: Database, key: string, at: number | Arg, value: RedisValue): void {
  const list = writeList(db, key);
  if (list === undefined) throw new ReplyError(Err.noSuchKey);
  let i = toIndex(at);
  if (i < 0) i += list.length;
  if (!list.set(i, value)) throw new ReplyError(Err.outOfRangeIndex);
  modified(db, key);
  notifyList(db, 'lset', key);
}

/**
 * LINSERT key BEFORE|AFTER pivot element: inserts `value` before or after the
 * first element equal to `pivot` (scanning from the head). Returns the new
 * length, -1 when the pivot is not found, 0 when the key is absent. Emits
 * `linsert`.
 */
export function insert(
  db: Database,
  key: string,
  before: boolean,
  pivot: RedisValue,
  value: RedisValue,
): number {
  const list = writeList(db, key);
  if (list === undefined) return 0;
  const match = matcher(pivot);
  const n = list.length;
  for (let i = 0; i < n; i++) {
    if (match(list.at(i) as RedisValue)) {
      list.insert(before ? i : i + 1, value);
      modified(db, key);
      notifyList(db, 'linsert', key);
      return list.length;
    }
  }
  return -1;
}

/**
 * LREM key count element: removes elements equal to `value` — the first
 * `count` from the head when count > 0, the last |count| from the tail when
 * count < 0, all when 0. Returns how many were removed (0 when absent).
 * Emits `lrem` when any were, and `del` when the list empties.
 */
export function rem(db: Database, key: string, count: number, value: RedisValue): number {
  const list = writeList(db, key);
  if (list === undefined) return 0;
  const match = matcher(value);
  let n: number;
  if (count === 1 || count === -1) {
    // One removal: find it and shift the shorter side rather than compact the whole ring.
    n = 0;
    const size = list.length;
    for (let k = 0; k < size; k++) {
      const i = count === 1 ? k : size - 1 - k;
      if (match(list.at(i) as RedisValue)) {
        list.removeAt(i);
        n = 1;
        break;
      }
    }
  } else {
    n = list.removeWhere(match, count < 0 ? -count : count, count < 0);
  }
  if (n !== 0) removed(db, key, list, 'lrem');
  return n;
}

/**
 * LTRIM key start stop: keeps only the elements from `start` to `stop`
 * inclusive ({@link range}'s index rules; an empty range empties the list and
 * deletes the key). Nothing happens when the key is absent. Emits `ltrim`
 * (even when nothing was removed), and `del` when the list empties.
 */
export function trim(db: Database, key: string, start: number, stop: number): void {
  const list = writeList(db, key);
  if (list === undefined) return;
  const n = list.length;
  if (start < 0) start += n;
  if (stop < 0) stop += n;
  if (start < 0) start = 0;
  let dropFront: number;
  let dropBack: number;
  if (start > stop || start >= n) {
    dropFront = n;
    dropBack = 0;
  } else {
    if (stop >= n) stop = n - 1;
    dropFront = start;
    dropBack = n - stop - 1;
  }
  list.dropFront(dropFront);
  list.dropBack(dropBack);
  removed(db, key, list, 'ltrim');
}
