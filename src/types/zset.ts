/**
 * Sorted sets: the data structure and its typed operations (Redis 7.0 t_zset.c).
 *
 * Design: as Redis's `zset`, a member → node `Map` (ZSCORE in O(1), membership
 * for ZADD/ZREM) plus a skiplist with spans (src/types/skiplist.ts) ordered by
 * (score, member bytes): ZADD/ZREM/ZRANK in O(log n), ranges by rank, score or
 * lex in O(log n + m). The map's value is the skiplist node itself, so a score
 * lives once and a score update that keeps the node's position is a field write.
 *
 * There is one physical representation. Redis's `listpack` encoding (small sets)
 * is a flag: it follows Redis's thresholds (zset-max-listpack-entries 128 /
 * -value 64, see {@link zsetLimits}) and conversion points, because a few
 * observable behaviours depend on it: OBJECT ENCODING; a listpack stores integral
 * scores as integers, so `-0` reads back as `0` there (a skiplist keeps `-0`); and
 * lex ranges on members of unequal scores (undefined by the docs) scan linearly
 * in a listpack but descend the skiplist otherwise. As in Redis 7.0, a set turns
 * into a skiplist once and never back, except where Redis converts a freshly built
 * destination (ZUNIONSTORE & co., GEO*STORE: {@link ZSet.convertToListpackIfNeeded}).
 *
 * Members are canonical strings (the member's text when its bytes are valid UTF-8,
 * else the reserved binary form of src/util/bytes.ts); they go back to callers as
 * strings or Buffers by {@link memberValue}.
 *
 * Two layers: `ZSet` methods work on one set (for commands that build sets, such
 * as ZUNIONSTORE, and for iteration); the `z*` functions take a Database and a key,
 * do the lookup, WRONGTYPE check, key creation/deletion, modification signal and
 * keyspace notifications exactly as the Redis command does.
 */
import type { Database } from '../engine/database.js';
import {
  ARRAY_OBJECT,
  FIXED_ARRAY_HEADER,
  HEAP_NUMBER,
  type Meter,
  mapBytes,
  mapCapacity,
  OBJECT_HEADER,
  POINTER,
} from '../engine/memory.js';
import { Notify } from '../engine/notify.js';
import { scanCursors } from '../engine/scan-cursors.js';
import type { RedisObject } from '../engine/value.js';
import { Err, ReplyError, syntaxError, wrongType } from '../errors.js';
import { keyToValue, type RedisValue, toKey } from '../util/bytes.js';
import { formatDouble } from '../util/numbers.js';
import type { ScanOptions } from './keyspace.js';
import { RedisSet } from './set.js';
import {
  type LexRange,
  lexGteMin,
  lexLteMax,
  memberByteLength,
  type ScoreRange,
  SkipList,
  scoreGteMin,
  scoreLteMax,
  type ZNode,
} from './skiplist.js';

export type { LexBound, LexRange, ScoreBound, ScoreRange, ZNode } from './skiplist.js';
export {
  compareMembers,
  parseLexBound,
  parseLexRange,
  parseScoreBound,
  parseScoreRange,
  seedSkiplistLevels,
  strtodWhole,
} from './skiplist.js';

/** Encoding thresholds (`zset-max-listpack-entries`, `zset-max-listpack-value`); CONFIG SET may change them. */
export const zsetLimits = { maxListpackEntries: 128, maxListpackValue: 64 };

/** ZADD input flags (combine with `|`). */
export const ZADD_NX = 1;
export const ZADD_XX = 2;
export const ZADD_GT = 4;
export const ZADD_LT = 8;
export const ZADD_CH = 16;
export const ZADD_INCR = 32;

/** {@link ZSet.add} output flags (Redis's `ZADD_OUT_*`). */
export const ZADD_OUT_NOP = 1;
export const ZADD_OUT_NAN = 2;
export const ZADD_OUT_ADDED = 4;
export const ZADD_OUT_UPDATED = 8;

let random: () => number = Math.random;

/** Replaces the random source of ZRANDMEMBER sampling (tests); `null` restores `Math.random`. */
export function setZSetRandom(fn: (() => number) | null): void {
  random = fn ?? Math.random;
}

/** The canonical member string of a member value (text as is, non-UTF-8 bytes in the reserved form). */
export function memberKey(member: RedisValue): string {
  return toKey(member);
}

/** A canonical member string as it goes back to callers: text, or a Buffer for binary members. */
export const memberValue: (ele: string) => RedisValue = keyToValue;

/** Members with their scores, in reply order. */
export interface ZRange {
  members: RedisValue[];
  scores: number[];
}

function emptyRange(): ZRange {
  return { members: [], scores: [] };
}

function push(out: ZRange, n: ZNode): void {
  out.members.push(memberValue(n.ele));
  out.scores.push(n.score);
}

/**
 * What every sorted set costs before its members: the ZSet object (9 fields and a
 * boxed `newScore`), the SkipList object (6 fields) and its 32-level header node
 * (with its `up` array of 56 slots grown to 82).
 */
const ZSET_FIXED =
  OBJECT_HEADER +
  9 * POINTER +
  HEAP_NUMBER +
  OBJECT_HEADER +
  6 * POINTER +
  OBJECT_HEADER +
  13 * POINTER +
  HEAP_NUMBER +
  ARRAY_OBJECT +
  FIXED_ARRAY_HEADER +
  82 * POINTER;

/** A sorted set value: implements {@link RedisObject} (TYPE `zset`). */
export class ZSet implements RedisObject {
  readonly type = 'zset' as const;
  /** Canonical member → its skiplist node. */
  readonly dict: Map<string, ZNode>;
  readonly zsl: SkipList;
  /** Redis would hold this set as a listpack (see the module header). */
  listpack: boolean;
  /** The score after the last {@link ZSet.add} that did not return NOP/NAN. */
  newScore = 0;
  /** The dict Map's modelled capacity (engine/memory.ts `mapCapacity`). */
  private capacity = 0;
  accounted = 0;
  refs = 0;
  owner: Meter | null = null;

  constructor(listpack = true, dict?: Map<string, ZNode>, zsl?: SkipList) {
    this.listpack = listpack;
    this.dict = dict ?? new Map();
    this.zsl = zsl ?? new SkipList();
  }

  /**
   * An empty set for ZADD / ZINCRBY to fill, encoded as Redis 7.0 creates it: a
   * listpack unless the command's first member is over zset-max-listpack-value
   * bytes (or zset-max-listpack-entries is 0). Neither the pair count nor later
   * members matter here; they convert the set as they are added.
   */
  static create(firstMemberLength: number): ZSet {
    return new ZSet(zsetLimits.maxListpackEntries !== 0 && firstMemberLength <= zsetLimits.maxListpackValue);
  }

  /** ZCARD. */
  get size(): number {
    return this.zsl.length;
  }

  encoding(): string {
    return this.listpack ? 'listpack' : 'skiplist';
  }

  memoryBytes(): number {
    const size = this.dict.size;
    let capacity = this.capacity;
    if (size > capacity || size < capacity >>> 2) this.capacity = capacity = mapCapacity(size, capacity);
    return ZSET_FIXED + mapBytes(capacity) + this.zsl.bytes;
  }

  clone(): ZSet {
    const dict = new Map<string, ZNode>();
    return new ZSet(this.listpack, dict, this.zsl.clone(dict));
  }

  /** The score of a member, or undefined. */
  score(ele: string): number | undefined {
    return this.dict.get(ele)?.score;
  }

  /** True when the member is in the set. */
  has(ele: string): boolean {
    return this.dict.has(ele);
  }

  /** The first node (lowest score), or null: iterate with `node.next`. */
  get first(): ZNode | null {
    return this.zsl.first;
  }

  /** The last node (highest score), or null: iterate with `node.backward`. */
  get last(): ZNode | null {
    return this.zsl.tail;
  }

  /**
   * Adds or updates one member, as Redis's `zsetAdd`: `flags` are ZADD_NX/XX/GT/LT/INCR
   * (combinations already validated). Returns ZADD_OUT_* flags: NAN when the score
   * (or the incremented score) is NaN (nothing changed), NOP when a flag prevented
   * the operation, else ADDED, UPDATED, or 0 (same score). Unless NAN/NOP,
   * {@link ZSet.newScore} holds the resulting score.
   */
  add(score: number, ele: string, flags: number): number {
    if (Number.isNaN(score)) return ZADD_OUT_NAN;
    const node = this.dict.get(ele);
    if (node !== undefined) {
      if ((flags & ZADD_NX) !== 0) return ZADD_OUT_NOP;
      const cur = node.score;
      if ((flags & ZADD_INCR) !== 0) {
        score += cur;
        if (Number.isNaN(score)) return ZADD_OUT_NAN;
      }
      if (((flags & ZADD_LT) !== 0 && score >= cur) || ((flags & ZADD_GT) !== 0 && score <= cur)) {
        return ZADD_OUT_NOP;
      }
      this.newScore = score;
      if (score === cur) return 0;
      // A listpack stores integral scores as integers: -0 becomes 0.
      this.zsl.updateScore(node, this.listpack ? score + 0 : score);
      return ZADD_OUT_UPDATED;
    }
    if ((flags & ZADD_XX) !== 0) return ZADD_OUT_NOP;
    if (
      this.listpack &&
      (this.zsl.length + 1 > zsetLimits.maxListpackEntries ||
        memberByteLength(ele) > zsetLimits.maxListpackValue)
    ) {
      this.listpack = false;
    }
    this.dict.set(ele, this.zsl.insert(this.listpack ? score + 0 : score, ele));
    this.newScore = score;
    return ZADD_OUT_ADDED;
  }

  /** Removes a member; true when it was there. */
  remove(ele: string): boolean {
    const node = this.dict.get(ele);
    if (node === undefined) return false;
    this.dict.delete(ele);
    this.zsl.remove(node);
    return true;
  }

  /** The 0-based rank of a member (from the highest score when `rev`), or -1 when absent. */
  rank(ele: string, rev = false): number {
    const node = this.dict.get(ele);
    if (node === undefined) return -1;
    const r = this.zsl.rankOf(node);
    return rev ? this.zsl.length - r : r - 1;
  }

  /** The node at a 0-based rank (from the highest score when `rev`), or null. */
  nodeAt(rank: number, rev = false): ZNode | null {
    return this.zsl.byRank(rev ? this.zsl.length - rank : rank + 1);
  }

  /** ZCOUNT: members whose score is in the range. */
  count(range: ScoreRange): number {
    const zsl = this.zsl;
    if (zsl.firstInRange(range) === null) return 0;
    const firstRank = zsl.foundRank;
    if (zsl.lastInRange(range) === null) return zsl.length - firstRank + 1;
    return zsl.foundRank - firstRank + 1;
  }

  /** ZLEXCOUNT: members in the lex range (meaningful when all scores are equal). */
  lexCount(range: LexRange): number {
    const zsl = this.zsl;
    if (this.listpack) {
      let n = zsl.firstInLexRangeLinear(range);
      let count = 0;
      for (; n !== null && lexLteMax(n.ele, range); n = n.next) count++;
      return count;
    }
    if (zsl.firstInLexRange(range) === null) return 0;
    const firstRank = zsl.foundRank;
    if (zsl.lastInLexRange(range) === null) return zsl.length - firstRank + 1;
    return zsl.foundRank - firstRank + 1;
  }

  /**
   * ZRANGE by index: `start`/`end` inclusive, negative from the end, as Redis
   * sanitizes them; `rev` counts from the highest score (ZREVRANGE).
   */
  rangeByRank(start: number, end: number, rev = false): ZRange {
    const out = emptyRange();
    const len = this.zsl.length;
    if (start < 0) start += len;
    if (end < 0) end += len;
    if (start < 0) start = 0;
    if (start > end || start >= len) return out;
    if (end >= len) end = len - 1;
    let n = this.nodeAt(start, rev);
    for (let left = end - start + 1; n !== null && left > 0; left--) {
      push(out, n);
      n = rev ? n.backward : n.next;
    }
    return out;
  }

  /**
   * ZRANGEBYSCORE (`rev`: ZREVRANGEBYSCORE) with LIMIT `offset` `count`: a
   * negative offset selects nothing and a negative count means all, as Redis.
   */
  rangeByScore(range: ScoreRange, rev = false, offset = 0, count = -1): ZRange {
    const out = emptyRange();
    const zsl = this.zsl;
    if (offset < 0 || count === 0 || (offset > 0 && offset >= zsl.length)) return out;
    let n = rev ? zsl.lastInRange(range) : zsl.firstInRange(range);
    if (n !== null && offset > 0) n = zsl.byRank(rev ? zsl.foundRank - offset : zsl.foundRank + offset);
    for (; n !== null && count !== 0; count--) {
      if (rev ? !scoreGteMin(n.score, range) : !scoreLteMax(n.score, range)) break;
      push(out, n);
      n = rev ? n.backward : n.next;
    }
    return out;
  }

  /** ZRANGEBYLEX (`rev`: ZREVRANGEBYLEX) with LIMIT, as {@link ZSet.rangeByScore}. */
  rangeByLex(range: LexRange, rev = false, offset = 0, count = -1): ZRange {
    const out = emptyRange();
    const zsl = this.zsl;
    if (offset < 0 || count === 0 || (offset > 0 && offset >= zsl.length)) return out;
    let n = this.listpack
      ? rev
        ? zsl.lastInLexRangeLinear(range)
        : zsl.firstInLexRangeLinear(range)
      : rev
        ? zsl.lastInLexRange(range)
        : zsl.firstInLexRange(range);
    if (n !== null && offset > 0) n = zsl.byRank(rev ? zsl.foundRank - offset : zsl.foundRank + offset);
    for (; n !== null && count !== 0; count--) {
      if (rev ? !lexGteMin(n.ele, range) : !lexLteMax(n.ele, range)) break;
      push(out, n);
      n = rev ? n.backward : n.next;
    }
    return out;
  }

  /** ZREMRANGEBYRANK: removes ranks `start`..`end` (sanitized as ZRANGE); returns the count. */
  removeRangeByRank(start: number, end: number): number {
    const len = this.zsl.length;
    if (start < 0) start += len;
    if (end < 0) end += len;
    if (start < 0) start = 0;
    if (start > end || start >= len) return 0;
    if (end >= len) end = len - 1;
    return this.zsl.deleteRangeByRank(start + 1, end + 1, this.dict);
  }

  /** ZREMRANGEBYSCORE: returns the number removed. */
  removeRangeByScore(range: ScoreRange): number {
    return this.zsl.deleteRangeByScore(range, this.dict);
  }

  /** ZREMRANGEBYLEX: returns the number removed. */
  removeRangeByLex(range: LexRange): number {
    return this.listpack
      ? this.zsl.deleteRangeByLexLinear(range, this.dict)
      : this.zsl.deleteRangeByLex(range, this.dict);
  }

  /** ZPOPMIN / ZPOPMAX: removes and returns up to `count` members from one end. */
  pop(max: boolean, count: number): ZRange {
    const out = emptyRange();
    const zsl = this.zsl;
    for (; count > 0; count--) {
      const n = max ? zsl.tail : zsl.first;
      if (n === null) break;
      push(out, n);
      this.dict.delete(n.ele);
      zsl.remove(n);
    }
    return out;
  }

  /** One random member (ZRANDMEMBER without count), or null when empty. */
  randomNode(): ZNode | null {
    const len = this.zsl.length;
    return len === 0 ? null : this.zsl.byRank(1 + Math.floor(random() * len));
  }

  /**
   * ZRANDMEMBER with a count, as Redis 7.0: a negative count returns that many
   * members with possible repetitions (in random order); a positive count returns
   * distinct members, all of them (highest score first) when count ≥ the size. Distinct samples
   * never copy the set: a selection scan (in order) when the sample is over a third
   * of the set, else distinct random ranks (Floyd), each found in O(log n).
   */
  randomMembers(count: number): ZRange {
    const out = emptyRange();
    const zsl = this.zsl;
    const size = zsl.length;
    if (count === 0 || size === 0) return out;
    if (count < 0 || count === 1) {
      for (let k = count < 0 ? -count : 1; k > 0; k--)
        push(out, zsl.byRank(1 + Math.floor(random() * size))!);
      return out;
    }
    if (count >= size) {
      // The whole set, highest score first: Redis 7.0 iterates sorted sets backwards here.
      for (let n = zsl.tail; n !== null; n = n.backward) push(out, n);
      return out;
    }
    if (this.listpack || count * 3 > size) {
      // Knuth's selection sampling: each node kept with probability need/left.
      let need = count;
      for (let n = zsl.first, left = size; n !== null && need > 0; n = n.next, left--) {
        if (random() * left < need) {
          push(out, n);
          need--;
        }
      }
      return out;
    }
    // Floyd's algorithm: `count` distinct ranks in 0..size-1.
    const picked = new Set<number>();
    for (let j = size - count; j < size; j++) {
      const t = Math.floor(random() * (j + 1));
      const r = picked.has(t) ? j : t;
      picked.add(r);
      push(out, zsl.byRank(r + 1)!);
    }
    return out;
  }

  /** Every member with its score, in order (ZUNION, ZSCAN, COPY, ...). */
  *[Symbol.iterator](): IterableIterator<[RedisValue, number]> {
    for (let n = this.zsl.first; n !== null; n = n.next) yield [memberValue(n.ele), n.score];
  }

  /** Calls `fn` for every member in order, with its canonical string and score. */
  forEach(fn: (ele: string, score: number) => void): void {
    for (let n = this.zsl.first; n !== null; n = n.next) fn(n.ele, n.score);
  }

  /**
   * Redis's `zsetConvertToListpackIfNeeded`, for a freshly built destination set
   * (ZUNIONSTORE, ZINTERSTORE, ZDIFFSTORE, GEO*STORE): back to listpack when small
   * enough. `maxElementLength` (bytes of the longest member) is computed when omitted.
   */
  convertToListpackIfNeeded(maxElementLength?: number): void {
    if (this.listpack || this.zsl.length > zsetLimits.maxListpackEntries) return;
    let maxLen = maxElementLength ?? 0;
    if (maxElementLength === undefined) {
      for (let n = this.zsl.first; n !== null; n = n.next) {
        const l = memberByteLength(n.ele);
        if (l > maxLen) maxLen = l;
      }
    }
    if (maxLen > zsetLimits.maxListpackValue) return;
    this.listpack = true;
    for (let n = this.zsl.first; n !== null; n = n.next) if (n.score === 0) n.score = 0;
  }
}

// ---------------------------------------------------------------------------
// ZADD flags.

/**
 * Validates a ZADD flag combination as Redis does (after the pairs-count syntax check):
 * NX with XX, GT/LT with NX or each other, INCR with more than one pair.
 */
export function checkZaddFlags(flags: number, pairs: number): void {
  if ((flags & ZADD_NX) !== 0 && (flags & ZADD_XX) !== 0) throw new ReplyError(Err.zaddNxXx);
  const gt = (flags & ZADD_GT) !== 0;
  const lt = (flags & ZADD_LT) !== 0;
  const nx = (flags & ZADD_NX) !== 0;
  if ((gt && nx) || (lt && nx) || (gt && lt)) throw new ReplyError(Err.zaddGtLtNx);
  if ((flags & ZADD_INCR) !== 0 && pairs > 1) throw new ReplyError(Err.zaddIncrPair);
}

// ---------------------------------------------------------------------------
// Keyspace operations: one per command behaviour, as the Redis command does it.

/** The sorted set at `key` for a read (counts hits/misses), undefined when absent; WRONGTYPE otherwise. */
export function readZSet(db: Database, key: string): ZSet | undefined {
  const v = db.read(key);
  if (v === undefined) return undefined;
  if (v instanceof ZSet) return v;
  return wrongType();
}

/** The sorted set at `key` for a write, undefined when absent; WRONGTYPE otherwise. */
export function writeZSet(db: Database, key: string): ZSet | undefined {
  const v = db.write(key);
  if (v === undefined) return undefined;
  if (v instanceof ZSet) return v;
  return wrongType();
}

function notifyZset(db: Database, event: string, key: string): void {
  const engine = db.engine;
  if (engine.notifyFlags !== 0) engine.notify(Notify.zset, event, key, db.index);
}

/** Stores a new set (Redis's `dbAdd`: `new` event), then the command's event. */
function storeNew(db: Database, key: string, zs: ZSet, event: string): void {
  db.set(key, zs);
  const engine = db.engine;
  if (engine.notifyFlags !== 0) {
    engine.notify(Notify.newKey, 'new', key, db.index);
    engine.notify(Notify.zset, event, key, db.index);
  }
}

/** After removals from an existing set: signal, event, and `del` when it became empty. */
function afterRemove(db: Database, key: string, zs: ZSet, event: string): void {
  const emptied = zs.size === 0;
  if (emptied) db.delete(key);
  else db.replace(key, zs);
  const engine = db.engine;
  if (engine.notifyFlags !== 0) {
    engine.notify(Notify.zset, event, key, db.index);
    if (emptied) engine.notify(Notify.generic, 'del', key, db.index);
  }
}

/**
 * ZADD key [NX|XX] [GT|LT] [CH] score member [score member ...] (without INCR:
 * see {@link zaddIncr}). `flags` combines ZADD_NX/XX/GT/LT/CH. Returns the number
 * of members added, or added + updated with CH. Throws for invalid flag
 * combinations, no pairs (`ERR syntax error`) or a NaN score.
 */
export function zadd(
  db: Database,
  key: string,
  scores: readonly number[],
  members: readonly RedisValue[],
  flags = 0,
): number {
  const n = scores.length;
  if (n === 0 || members.length !== n) syntaxError();
  checkZaddFlags(flags & ~ZADD_INCR, n);
  for (let i = 0; i < n; i++) if (Number.isNaN(scores[i])) throw new ReplyError(Err.notFloat);
  flags &= ~ZADD_INCR;
  let zs = writeZSet(db, key);
  const created = zs === undefined;
  if (zs === undefined) {
    if ((flags & ZADD_XX) !== 0) return 0;
    const first = members[0];
    zs = ZSet.create(typeof first === 'string' ? memberByteLength(first) : first.length);
  }
  let added = 0;
  let updated = 0;
  for (let i = 0; i < n; i++) {
    const out = zs.add(scores[i], toKey(members[i]), flags);
    if ((out & ZADD_OUT_ADDED) !== 0) added++;
    else if ((out & ZADD_OUT_UPDATED) !== 0) updated++;
  }
  if (created) storeNew(db, key, zs, 'zadd');
  else if (added + updated !== 0) {
    db.replace(key, zs);
    notifyZset(db, 'zadd', key);
  }
  return (flags & ZADD_CH) !== 0 ? added + updated : added;
}

/**
 * ZADD with one pair and no arrays (the sync API's fast path); same semantics
 * and result as {@link zadd}.
 */
export function zaddOne(db: Database, key: string, score: number, member: RedisValue, flags = 0): number {
  flags &= ~ZADD_INCR;
  checkZaddFlags(flags, 1);
  if (Number.isNaN(score)) throw new ReplyError(Err.notFloat);
  const ele = toKey(member);
  let zs = writeZSet(db, key);
  if (zs === undefined) {
    if ((flags & ZADD_XX) !== 0) return 0;
    zs = ZSet.create(memberByteLength(ele));
    zs.add(score, ele, flags);
    storeNew(db, key, zs, 'zadd');
    return 1;
  }
  const out = zs.add(score, ele, flags);
  if ((out & (ZADD_OUT_ADDED | ZADD_OUT_UPDATED)) === 0) return 0;
  db.replace(key, zs);
  notifyZset(db, 'zadd', key);
  return (out & ZADD_OUT_ADDED) !== 0 || (flags & ZADD_CH) !== 0 ? 1 : 0;
}

/**
 * ZADD key [NX|XX] [GT|LT] INCR increment member, and ZINCRBY (flags 0): the new
 * score, or null when NX/XX/GT/LT prevented the update. Throws
 * `ERR resulting score is not a number (NaN)` (e.g. inf + -inf).
 */
export function zaddIncr(
  db: Database,
  key: string,
  incr: number,
  member: RedisValue,
  flags = 0,
): number | null {
  flags |= ZADD_INCR;
  checkZaddFlags(flags, 1);
  if (Number.isNaN(incr)) throw new ReplyError(Err.notFloat);
  const ele = toKey(member);
  let zs = writeZSet(db, key);
  if (zs === undefined) {
    if ((flags & ZADD_XX) !== 0) return null;
    zs = ZSet.create(memberByteLength(ele));
    zs.add(incr, ele, flags);
    storeNew(db, key, zs, 'zincr');
    return zs.newScore;
  }
  const out = zs.add(incr, ele, flags);
  if ((out & ZADD_OUT_NAN) !== 0) throw new ReplyError(Err.zsetScoreNaN);
  if ((out & ZADD_OUT_NOP) !== 0) return null;
  if ((out & (ZADD_OUT_ADDED | ZADD_OUT_UPDATED)) !== 0) {
    db.replace(key, zs);
    notifyZset(db, 'zincr', key);
  }
  return zs.newScore;
}

/** ZINCRBY key increment member: the new score. */
export function zincrby(db: Database, key: string, incr: number, member: RedisValue): number {
  return zaddIncr(db, key, incr, member, 0) as number;
}

/** ZREM key member [member ...]: the number removed; deletes the key when emptied. */
export function zrem(db: Database, key: string, members: readonly RedisValue[]): number {
  const zs = writeZSet(db, key);
  if (zs === undefined) return 0;
  let removed = 0;
  for (let i = 0; i < members.length; i++) {
    if (zs.remove(toKey(members[i]))) {
      removed++;
      if (zs.size === 0) break;
    }
  }
  if (removed !== 0) afterRemove(db, key, zs, 'zrem');
  return removed;
}

/** ZREMRANGEBYRANK key start stop: the number removed. */
export function zremRangeByRank(db: Database, key: string, start: number, stop: number): number {
  const zs = writeZSet(db, key);
  if (zs === undefined) return 0;
  const removed = zs.removeRangeByRank(start, stop);
  if (removed !== 0) afterRemove(db, key, zs, 'zremrangebyrank');
  return removed;
}

/** ZREMRANGEBYSCORE key min max: the number removed. */
export function zremRangeByScore(db: Database, key: string, range: ScoreRange): number {
  const zs = writeZSet(db, key);
  if (zs === undefined) return 0;
  const removed = zs.removeRangeByScore(range);
  if (removed !== 0) afterRemove(db, key, zs, 'zremrangebyscore');
  return removed;
}

/** ZREMRANGEBYLEX key min max: the number removed. */
export function zremRangeByLex(db: Database, key: string, range: LexRange): number {
  const zs = writeZSet(db, key);
  if (zs === undefined) return 0;
  const removed = zs.removeRangeByLex(range);
  if (removed !== 0) afterRemove(db, key, zs, 'zremrangebylex');
  return removed;
}

/**
 * ZPOPMIN / ZPOPMAX key [count] (also the core of ZMPOP and BZPOP*): removes up
 * to `count` members from the low (or, with `max`, the high) end, in pop order.
 */
export function zpop(db: Database, key: string, max: boolean, count: number): ZRange {
  const zs = writeZSet(db, key);
  if (zs === undefined || count <= 0) return emptyRange();
  const out = zs.pop(max, count);
  if (out.members.length !== 0) afterRemove(db, key, zs, max ? 'zpopmax' : 'zpopmin');
  return out;
}

/** ZSCORE key member: the score, or null. */
export function zscore(db: Database, key: string, member: RedisValue): number | null {
  const zs = readZSet(db, key);
  if (zs === undefined) return null;
  const node = zs.dict.get(toKey(member));
  return node === undefined ? null : node.score;
}

/** ZMSCORE key member [member ...]: a score or null per member. */
export function zmscore(db: Database, key: string, members: readonly RedisValue[]): (number | null)[] {
  const zs = readZSet(db, key);
  const out: (number | null)[] = new Array(members.length);
  for (let i = 0; i < members.length; i++) {
    const node = zs === undefined ? undefined : zs.dict.get(toKey(members[i]));
    out[i] = node === undefined ? null : node.score;
  }
  return out;
}

/** ZCARD key. */
export function zcard(db: Database, key: string): number {
  const zs = readZSet(db, key);
  return zs === undefined ? 0 : zs.size;
}

/** ZRANK / ZREVRANK (`rev`) key member: the 0-based rank, or null. */
export function zrank(db: Database, key: string, member: RedisValue, rev = false): number | null {
  const zs = readZSet(db, key);
  if (zs === undefined) return null;
  const r = zs.rank(toKey(member), rev);
  return r < 0 ? null : r;
}

/** ZCOUNT key min max. */
export function zcount(db: Database, key: string, range: ScoreRange): number {
  const zs = readZSet(db, key);
  return zs === undefined ? 0 : zs.count(range);
}

/** ZLEXCOUNT key min max. */
export function zlexcount(db: Database, key: string, range: LexRange): number {
  const zs = readZSet(db, key);
  return zs === undefined ? 0 : zs.lexCount(range);
}

/** ZRANGE key start stop [REV] (by index; ZREVRANGE with `rev`). */
export function zrangeByRank(db: Database, key: string, start: number, stop: number, rev = false): ZRange {
  const zs = readZSet(db, key);
  return zs === undefined ? emptyRange() : zs.rangeByRank(start, stop, rev);
}

/** ZRANGE ... BYSCORE / ZRANGEBYSCORE / ZREVRANGEBYSCORE (`rev`) with LIMIT `offset` `count`. */
export function zrangeByScore(
  db: Database,
  key: string,
  range: ScoreRange,
  rev = false,
  offset = 0,
  count = -1,
): ZRange {
  const zs = readZSet(db, key);
  return zs === undefined ? emptyRange() : zs.rangeByScore(range, rev, offset, count);
}

/** ZRANGE ... BYLEX / ZRANGEBYLEX / ZREVRANGEBYLEX (`rev`) with LIMIT `offset` `count`. */
export function zrangeByLex(
  db: Database,
  key: string,
  range: LexRange,
  rev = false,
  offset = 0,
  count = -1,
): ZRange {
  const zs = readZSet(db, key);
  return zs === undefined ? emptyRange() : zs.rangeByLex(range, rev, offset, count);
}

/** ZRANDMEMBER key: one random member, or null when the key is absent. */
export function zrandmember(db: Database, key: string): RedisValue | null {
  const zs = readZSet(db, key);
  const n = zs === undefined ? null : zs.randomNode();
  return n === null ? null : memberValue(n.ele);
}

/** ZRANDMEMBER key count [WITHSCORES]: see {@link ZSet.randomMembers} for the count rules. */
export function zrandmemberCount(db: Database, key: string, count: number): ZRange {
  const zs = readZSet(db, key);
  return zs === undefined ? emptyRange() : zs.randomMembers(count);
}

/**
 * ZMPOP numkeys key [key ...] MIN|MAX [COUNT count] (and BZMPOP once a key is
 * ready): pops up to `count` members from the first key that exists, which must
 * be a sorted set (WRONGTYPE otherwise, even if a later key is one). Returns
 * that key with the popped members, or null when no key exists.
 */
export function zmpop(
  db: Database,
  keys: readonly string[],
  max: boolean,
  count: number,
): { key: string; popped: ZRange } | null {
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (writeZSet(db, key) !== undefined) return { key, popped: zpop(db, key, max, count) };
  }
  return null;
}

/**
 * ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]: stores
 * the members and scores a range op returned at `dst` (replacing any value, TTL
 * cleared), or deletes `dst` when the range is empty; returns the count. The set
 * is built as Redis 7.0 builds it: a listpack filled member by member (and so
 * converted past the thresholds), except that a rank range longer than
 * zset-max-listpack-entries starts as a skiplist (pass `rankLength`).
 */
export function zrangeStore(db: Database, dst: string, range: ZRange, rankLength = -1): number {
  const zs = new ZSet(rankLength <= zsetLimits.maxListpackEntries);
  const { members, scores } = range;
  for (let i = 0; i < members.length; i++) zs.add(scores[i], memberKey(members[i]), 0);
  return storeResult(db, dst, zs, 'zrangestore');
}

// ---------------------------------------------------------------------------
// ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD (Redis's
// zunionInterDiffGenericCommand). Inputs may be sets: every member scores 1.

/** An input of ZUNION & co.: a sorted set, a set, or absent (an empty set). */
export type ZSetOpSource = ZSet | RedisSet | undefined;

/** How ZUNION / ZINTER combine the scores of a member found in several inputs. */
export type ZAggregate = 'sum' | 'min' | 'max';

/**
 * Looks up the inputs of ZUNION & co. in order (reads: hits and misses count);
 * throws WRONGTYPE at the first key holding neither a sorted set nor a set.
 */
export function zsetOpSources(db: Database, keys: readonly string[]): ZSetOpSource[] {
  const out = new Array<ZSetOpSource>(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const v = db.read(keys[i]);
    if (v !== undefined && !(v instanceof ZSet) && !(v instanceof RedisSet)) wrongType();
    out[i] = v;
  }
  return out;
}

function sourceSize(src: ZSetOpSource): number {
  return src === undefined ? 0 : src.size;
}

/** The score of a member in an input (1 in a set), or undefined. */
function sourceScore(src: ZSet | RedisSet, ele: string): number | undefined {
  if (src instanceof ZSet) return src.dict.get(ele)?.score;
  return src.index.has(ele) ? 1 : undefined;
}

/** Calls `fn` for each member of an input with its score. */
function eachMember(src: ZSet | RedisSet, fn: (ele: string, score: number) => void): void {
  if (src instanceof ZSet) src.forEach(fn);
  else for (const ele of src.index.keys()) fn(ele, 1);
}

/** Redis's zunionInterAggregate: a SUM that gives NaN (inf + -inf) is 0. */
function aggregate(target: number, value: number, how: ZAggregate): number {
  if (how === 'sum') {
    const r = target + value;
    return Number.isNaN(r) ? 0 : r;
  }
  // Not Math.min/max: a NaN value keeps the target, and -0 vs 0 keeps the first seen, as C's ternaries.
  // biome-ignore lint/complexity/useMathMinMax: NaN and -0 must behave as in Redis
  if (how === 'min') return value < target ? value : target;
  // biome-ignore lint/complexity/useMathMinMax: NaN and -0 must behave as in Redis
  return value > target ? value : target;
}

/** Input indexes from the smallest input to the largest (a stable sort, as glibc's qsort). */
function bySize(sources: readonly ZSetOpSource[]): number[] {
  const order = sources.map((_, i) => i);
  return order.sort((a, b) => sourceSize(sources[a]) - sourceSize(sources[b]));
}

/** A weighted input score; NaN (0 × inf) counts as 0. */
function weighted(score: number, weight: number): number {
  const v = weight * score;
  return Number.isNaN(v) ? 0 : v;
}

/**
 * ZUNION: every member of any input, its score the aggregate of its weighted
 * scores (`weights[i]` for `sources[i]`, default 1). Inputs are combined from the
 * smallest to the largest, as Redis does (it decides the rounding of sums).
 * The result is a new skiplist-encoded set.
 */
export function zsetUnion(
  sources: readonly ZSetOpSource[],
  weights?: readonly number[],
  how: ZAggregate = 'sum',
): ZSet {
  const acc = new Map<string, number>();
  for (const i of bySize(sources)) {
    const src = sources[i];
    if (src === undefined || src.size === 0) continue;
    const weight = weights === undefined ? 1 : weights[i];
    eachMember(src, (ele, score) => {
      const value = weighted(score, weight);
      const cur = acc.get(ele);
      acc.set(ele, cur === undefined ? value : aggregate(cur, value, how));
    });
  }
  const out = new ZSet(false);
  for (const [ele, score] of acc) out.add(score, ele, 0);
  return out;
}

/**
 * ZINTER: the members found in every input, scored as {@link zsetUnion}
 * (aggregated from the smallest input on). A new skiplist-encoded set.
 */
export function zsetInter(
  sources: readonly ZSetOpSource[],
  weights?: readonly number[],
  how: ZAggregate = 'sum',
): ZSet {
  const out = new ZSet(false);
  const order = bySize(sources);
  const first = sources[order[0]];
  if (first === undefined || first.size === 0) return out;
  const w0 = weights === undefined ? 1 : weights[order[0]];
  eachMember(first, (ele, s0) => {
    let score = weighted(s0, w0);
    for (let j = 1; j < order.length; j++) {
      const value = sourceScore(sources[order[j]] as ZSet | RedisSet, ele);
      if (value === undefined) return;
      score = aggregate(score, value * (weights === undefined ? 1 : weights[order[j]]), how);
    }
    out.add(score, ele, 0);
  });
  return out;
}

/** ZINTERCARD: the size of the intersection, counting no further than `limit` (0: no limit). */
export function zsetInterCard(sources: readonly ZSetOpSource[], limit = 0): number {
  const order = bySize(sources);
  const first = sources[order[0]];
  if (first === undefined || first.size === 0) return 0;
  let count = 0;
  const inAll = (ele: string): boolean => {
    for (let j = 1; j < order.length; j++) {
      if (sourceScore(sources[order[j]] as ZSet | RedisSet, ele) === undefined) return false;
    }
    return true;
  };
  if (first instanceof ZSet) {
    for (let n = first.first; n !== null; n = n.next) if (inAll(n.ele) && ++count === limit) break;
  } else {
    for (const ele of first.index.keys()) if (inAll(ele) && ++count === limit) break;
  }
  return count;
}

/**
 * ZDIFF: the members of the first input found in no other, with their scores
 * there (no weights). A new skiplist-encoded set.
 */
export function zsetDiff(sources: readonly ZSetOpSource[]): ZSet {
  const out = new ZSet(false);
  const first = sources[0];
  if (first === undefined || first.size === 0) return out;
  for (let j = 1; j < sources.length; j++) if (sources[j] === first) return out;
  eachMember(first, (ele, score) => {
    for (let j = 1; j < sources.length; j++) {
      const src = sources[j];
      if (src !== undefined && sourceScore(src, ele) !== undefined) return;
    }
    out.add(score, ele, 0);
  });
  return out;
}

/**
 * ZUNIONSTORE / ZINTERSTORE / ZDIFFSTORE: stores a result of {@link zsetUnion} &
 * co. at `dst` (back to a listpack when small enough, as Redis converts it), or
 * deletes `dst` when the result is empty; returns the result's size. `event` is
 * the command's keyspace event (`zunionstore`, ...).
 */
export function zsetStore(db: Database, dst: string, result: ZSet, event: string): number {
  if (result.size !== 0) result.convertToListpackIfNeeded();
  return storeResult(db, dst, result, event);
}

/** Stores a built set at `dst` as Redis's setKey (`new` when absent, then `event`), or deletes `dst` when empty. */
function storeResult(db: Database, dst: string, zs: ZSet, event: string): number {
  const engine = db.engine;
  if (zs.size === 0) {
    if (db.delete(dst) && engine.notifyFlags !== 0) engine.notify(Notify.generic, 'del', dst, db.index);
    return 0;
  }
  const existed = db.write(dst) !== undefined;
  db.set(dst, zs);
  if (engine.notifyFlags !== 0) {
    if (!existed) engine.notify(Notify.newKey, 'new', dst, db.index);
    engine.notify(Notify.zset, event, dst, db.index);
  }
  return zs.size;
}

/** A score as a listpack stores it (Redis's `double2ll`: integral within ±2^62 as an integer). */
function listpackScoreText(s: number): string {
  if (!Number.isInteger(s) || Math.abs(s) > 2 ** 62) return formatDouble(s);
  return Number.isSafeInteger(s) ? String(s) : BigInt(s).toString();
}

/**
 * ZSCAN's step over a set already looked up: members and scores (as text)
 * interleaved. A listpack set is returned whole, in order, with cursor 0,
 * whatever the cursor (as Redis does); a skiplist set pages through the shared
 * scan cursors (engine/scan-cursors.ts), COUNT members at a time. MATCH filters
 * the members. Scores print as Redis 7.0 prints them here: from a listpack as
 * stored there (integral scores within ±2^62 as integers, others `%.17g`), from
 * a skiplist as `%.17g`.
 */
export function scanZSet(zs: ZSet, cursor: number | bigint, options: ScanOptions): [number, RedisValue[]] {
  const match = options.match !== undefined && !options.match.matchesAll ? options.match : undefined;
  const out: RedisValue[] = [];
  if (zs.listpack) {
    for (let n = zs.first; n !== null; n = n.next) {
      if (match !== undefined && !match.matchKey(n.ele)) continue;
      out.push(memberValue(n.ele), listpackScoreText(n.score));
    }
    return [0, out];
  }
  const page: string[] = [];
  const next = scanCursors.step(zs.dict, cursor, options.count, page);
  for (const ele of page) {
    if (match !== undefined && !match.matchKey(ele)) continue;
    const node = zs.dict.get(ele);
    if (node !== undefined) out.push(memberValue(ele), formatDouble(node.score));
  }
  return [next, out];
}
