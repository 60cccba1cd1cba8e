/**
 * Sets: the Redis set value and its typed operations (Redis 7.0 t_set.c).
 *
 * Structure: {@link RedisSet} keeps a `Map` from member to slot plus a dense
 * array of the members. Membership (SISMEMBER, SADD, SREM) is one Map lookup;
 * the array gives O(1) uniform random picks, so SPOP and SRANDMEMBER cost
 * O(count) whatever the set's size, never a copy of the set: SPOP swaps the
 * picked slot with the last and pops it; k distinct members are drawn by a
 * partial Fisher–Yates shuffle over a virtual permutation (only the displaced
 * slots are remembered, in a small Map), k members with repetition by k
 * independent picks. SREM also swap-removes, so the array is unordered; the
 * Map keeps insertion order, which is the order replies use for `hashtable`
 * sets and the order SSCAN's live iterators follow (engine/scan-cursors.ts).
 * The price is one Map entry of 3 words instead of a Set's 2, plus an 8-byte
 * array slot per member.
 *
 * Members are canonical strings (the member's text when its bytes are valid
 * UTF-8, else the reserved binary form of util/bytes.ts); they go back to
 * callers as strings or Buffers through `keyToValue`.
 *
 * Encoding: Redis 7.0 holds a set of integers (string2ll-valid members, at
 * most `set-max-intset-entries` = 512) as a sorted `intset`, anything else as a
 * `hashtable`. `intset` here is a flag following Redis's conversion points, one
 * way, except where Redis builds a new set (SPOP's large-count path, the
 * *STORE commands, whose results start as intsets). Because an intset is
 * ordered, Redis replies its members in ascending numeric order: SMEMBERS,
 * SSCAN, SUNION & co. do the same here (from a sorted array cached until the
 * next change), byte for byte.
 *
 * Keyspace rules, as Redis: writes create the key, an op that empties the set
 * deletes it (`del` event); stored sets are never empty. {@link setAddOne} and
 * {@link setIsMember} allocate nothing.
 */
import type { Database } from '../engine/database.js';
import {
  arrayBytes,
  type Meter,
  mapBytes,
  mapCapacity,
  OBJECT_HEADER,
  POINTER,
  stringBytes,
} from '../engine/memory.js';
import { Notify } from '../engine/notify.js';
import { scanCursors } from '../engine/scan-cursors.js';
import type { RedisObject } from '../engine/value.js';
import { Err, ReplyError, wrongType } from '../errors.js';
import { type Arg, keyToValue, type RedisValue, toKey } from '../util/bytes.js';
import type { ScanOptions } from './keyspace.js';

/** Encoding threshold (`set-max-intset-entries`); CONFIG SET may change it. */
export const setLimits = { maxIntsetEntries: 512 };

/** The effective intset limit: Redis caps it at 2^30 because of intset internals. */
function maxIntsetEntries(): number {
  return Math.min(setLimits.maxIntsetEntries, 2 ** 30);
}

const INT64_MAX_DIGITS = '9223372036854775807';
const INT64_MIN_DIGITS = '9223372036854775808';

/** True when the member is an int64 in Redis's `string2ll` form (what an intset can hold). */
export function isIntegerMember(s: string): boolean {
  const len = s.length;
  if (len === 0 || len > 20) return false;
  const neg = s.charCodeAt(0) === 45;
  const from = neg ? 1 : 0;
  if (neg && len === 1) return false;
  const first = s.charCodeAt(from);
  if (first === 48) return len === 1; // "0" only: no leading zeros, no "-0"
  if (first < 49 || first > 57) return false;
  for (let i = from + 1; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  const digits = len - from;
  if (digits !== 19) return digits < 19;
  const limit = neg ? INT64_MIN_DIGITS : INT64_MAX_DIGITS;
  for (let i = 0; i < 19; i++) {
    const d = s.charCodeAt(from + i) - limit.charCodeAt(i);
    if (d !== 0) return d < 0;
  }
  return true;
}

/** Numeric order of two members that are both int64 texts. */
function compareIntegers(a: string, b: string): number {
  const an = a.charCodeAt(0) === 45;
  const bn = b.charCodeAt(0) === 45;
  if (an !== bn) return an ? -1 : 1;
  const c = a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
  return an ? -c : c;
}

/** A uniform integer in [0, n). */
function randomBelow(n: number): number {
  return Math.floor(Math.random() * n);
}

/** A RedisSet object: its header and 10 fields. */
const SET_OBJECT = OBJECT_HEADER + 10 * POINTER;

/** A set value in the keyspace. */
export class RedisSet implements RedisObject {
  readonly type = 'set' as const;
  /** Member → its slot in {@link RedisSet.members}; iterates in insertion order. */
  readonly index: Map<string, number>;
  /** The members, densely, in no particular order (for random picks). */
  readonly members: string[];
  /** Redis would hold this set as an intset (see the module header). */
  intset: boolean;
  /** Ascending members while an intset, until the next change. */
  private sorted: string[] | undefined;
  /** Bytes of the member strings (engine/memory.ts), kept by {@link RedisSet.add} and removals. */
  bytes = 0;
  /** The index Map's modelled capacity (engine/memory.ts `mapCapacity`). */
  private capacity = 0;
  accounted = 0;
  refs = 0;
  owner: Meter | null = null;

  constructor(intset = true, index: Map<string, number> = new Map(), members: string[] = [], bytes = -1) {
    this.intset = intset;
    this.index = index;
    this.members = members;
    if (bytes >= 0) this.bytes = bytes;
    else for (let i = 0; i < members.length; i++) this.bytes += stringBytes(members[i]);
  }

  /** A set built by adding `members` in order to an empty intset, as Redis builds *STORE results. */
  static of(members: Iterable<string>): RedisSet {
    const set = new RedisSet();
    for (const m of members) set.add(m);
    return set;
  }

  /** SCARD. */
  get size(): number {
    return this.members.length;
  }

  encoding(): string {
    return this.intset ? 'intset' : 'hashtable';
  }

  clone(): RedisSet {
    return new RedisSet(this.intset, new Map(this.index), this.members.slice(), this.bytes);
  }

  memoryBytes(): number {
    const n = this.members.length;
    let capacity = this.capacity;
    if (n > capacity || n < capacity >>> 2) this.capacity = capacity = mapCapacity(n, capacity);
    return SET_OBJECT + mapBytes(capacity) + arrayBytes(n) + this.bytes;
  }

  /** True when the member (canonical form) is in the set. */
  has(member: string): boolean {
    return this.index.has(member);
  }

  /**
   * Adds a member (canonical form); true when it is new. Converts to `hashtable`
   * on a non-integer member or past the intset limit, as Redis's setTypeAdd.
   */
  add(member: string): boolean {
    const index = this.index;
    if (index.has(member)) return false;
    const members = this.members;
    index.set(member, members.length);
    members.push(member);
    this.bytes += stringBytes(member);
    if (this.intset) {
      this.sorted = undefined;
      if (!isIntegerMember(member) || members.length > maxIntsetEntries()) this.intset = false;
    }
    return true;
  }

  /** Removes a member (canonical form); true when it was there. */
  remove(member: string): boolean {
    const slot = this.index.get(member);
    if (slot === undefined) return false;
    this.removeSlot(slot);
    return true;
  }

  /** Removes and returns a uniformly random member (the set must not be empty). */
  popRandom(): string {
    return this.removeSlot(randomBelow(this.members.length));
  }

  /** A uniformly random member (the set must not be empty). */
  random(): string {
    return this.members[randomBelow(this.members.length)];
  }

  /**
   * The members in the order Redis replies them: ascending numbers for an
   * intset (a cached array: do not mutate it), else insertion order.
   */
  inOrder(): readonly string[] {
    if (!this.intset) return Array.from(this.index.keys());
    let sorted = this.sorted;
    if (sorted === undefined) this.sorted = sorted = this.members.slice().sort(compareIntegers);
    return sorted;
  }

  /**
   * Re-derives the encoding as if the set had just been built from its members
   * (Redis's SPOP replaces a set by a new one when it pops most of it).
   */
  rebuildEncoding(): void {
    const members = this.members;
    let intset = members.length <= maxIntsetEntries();
    for (let i = 0; intset && i < members.length; i++) intset = isIntegerMember(members[i]);
    this.intset = intset;
    this.sorted = undefined;
  }

  private removeSlot(slot: number): string {
    const members = this.members;
    const member = members[slot];
    const last = members.pop() as string;
    this.index.delete(member);
    this.bytes -= stringBytes(member);
    if (slot < members.length) {
      members[slot] = last;
      this.index.set(last, slot);
    }
    this.sorted = undefined;
    return member;
  }
}

/** The set at `key` for a read (counts hits/misses); undefined when absent; WRONGTYPE otherwise. */
export function readSet(db: Database, key: string): RedisSet | undefined {
  const v = db.read(key);
  if (v === undefined) return undefined;
  if (v instanceof RedisSet) return v;
  return wrongType();
}

/** The set at `key` for a write; undefined when absent; WRONGTYPE otherwise. */
export function writeSet(db: Database, key: string): RedisSet | undefined {
  const v = db.write(key);
  if (v === undefined) return undefined;
  if (v instanceof RedisSet) return v;
  return wrongType();
}

/** Emits a keyspace event of the set class. */
function notifySet(db: Database, event: string, key: string): void {
  const engine = db.engine;
  if (engine.notifyFlags !== 0) engine.notify(Notify.set, event, key, db.index);
}

/** Stores a set at a key that did not exist (Redis's dbAdd: `new` event). */
function storeNew(db: Database, key: string, set: RedisSet): void {
  db.set(key, set);
  const engine = db.engine;
  if (engine.notifyFlags !== 0) engine.notify(Notify.newKey, 'new', key, db.index);
}

/** Deletes a set that became empty, with the `del` event. */
function deleteEmptied(db: Database, key: string): void {
  db.delete(key);
  const engine = db.engine;
  if (engine.notifyFlags !== 0) engine.notify(Notify.generic, 'del', key, db.index);
}

/** Canonical members as reply values. */
function toValues(members: readonly string[]): RedisValue[] {
  const out = new Array<RedisValue>(members.length);
  for (let i = 0; i < members.length; i++) out[i] = keyToValue(members[i]);
  return out;
}

// --- writes -----------------------------------------------------------------

/** SADD key member: adds one member, creating the key when absent. Returns 1 when added. Emits `sadd`. */
export function setAddOne(db: Database, key: string, member: Arg): number {
  const m = toKey(member);
  const set = writeSet(db, key);
  if (set === undefined) {
    const created = new RedisSet();
    created.add(m);
    storeNew(db, key, created);
  } else {
    if (!set.add(m)) return 0;
    db.modified(key, set);
  }
  notifySet(db, 'sadd', key);
  return 1;
}

/**
 * SADD key member [member ...]: adds `members[start..]`, creating the key when
 * absent. Returns how many were new. Emits `sadd` when any were.
 */
export function setAdd(db: Database, key: string, members: readonly Arg[], start = 0): number {
  let set = writeSet(db, key);
  const created = set === undefined;
  if (set === undefined) set = new RedisSet();
  let added = 0;
  for (let i = start; i < members.length; i++) if (set.add(toKey(members[i]))) added++;
  if (created) {
    if (added === 0) return 0;
    storeNew(db, key, set);
  } else if (added !== 0) {
    db.modified(key);
  }
  if (added !== 0) notifySet(db, 'sadd', key);
  return added;
}

/**
 * SREM key member [member ...]: removes `members[start..]`. Returns how many
 * were there. Emits `srem` when any were, then `del` when the set emptied.
 */
export function setRem(db: Database, key: string, members: readonly Arg[], start = 0): number {
  const set = writeSet(db, key);
  if (set === undefined) return 0;
  let removed = 0;
  for (let i = start; i < members.length; i++) {
    if (set.remove(toKey(members[i]))) {
      removed++;
      if (set.size === 0) break;
    }
  }
  if (removed === 0) return 0;
  if (set.size === 0) {
    notifySet(db, 'srem', key);
    deleteEmptied(db, key);
  } else {
    db.modified(key);
    notifySet(db, 'srem', key);
  }
  return removed;
}

/**
 * SPOP key: removes and returns a random member, or null when the key is
 * absent. Emits `spop`, then `del` when the set emptied.
 */
export function setPop(db: Database, key: string): RedisValue | null {
  const set = writeSet(db, key);
  if (set === undefined) return null;
  const member = set.popRandom();
  notifySet(db, 'spop', key);
  if (set.size === 0) deleteEmptied(db, key);
  else db.modified(key);
  return keyToValue(member);
}

/** Redis's SPOP_MOVE_STRATEGY_MUL: past this ratio SPOP rebuilds the set from what remains. */
const SPOP_MOVE_STRATEGY_MUL = 5;

/**
 * SPOP key count: removes and returns up to `count` random distinct members
 * (all of them, in the order SUNION would reply, when count ≥ the size, and
 * then the key is deleted). `[]` when the key is absent or count is 0 (no
 * event). Throws `ERR value is out of range, must be positive` for count < 0.
 * Emits `spop` (before popping, as Redis), and `del` when the set emptied.
 */
export function setPopCount(db: Database, key: string, count: number): RedisValue[] {
  if (count < 0) throw new ReplyError(Err.mustBePositive);
  const set = writeSet(db, key);
  if (set === undefined || count === 0) return [];
  notifySet(db, 'spop', key);
  const size = set.size;
  if (count >= size) {
    const out = toValues(unionOrder(set));
    deleteEmptied(db, key);
    return out;
  }
  const out = new Array<RedisValue>(count);
  for (let i = 0; i < count; i++) out[i] = keyToValue(set.popRandom());
  // Redis builds a new set from the few remaining members (case 3 of spopWithCountCommand).
  if ((size - count) * SPOP_MOVE_STRATEGY_MUL <= count) set.rebuildEncoding();
  db.modified(key);
  return out;
}

/**
 * The members in the order SUNION of this one set replies them: its result is
 * a new set, an intset (ascending) when every member is an integer and there
 * are few enough, even if this set was converted to a hashtable earlier.
 */
function unionOrder(set: RedisSet): readonly string[] {
  if (set.intset) return set.inOrder();
  const members = set.members;
  if (members.length > maxIntsetEntries()) return set.inOrder();
  for (let i = 0; i < members.length; i++) if (!isIntegerMember(members[i])) return set.inOrder();
  return members.slice().sort(compareIntegers);
}

/**
 * SMOVE source destination member: moves the member from `src` to `dst`
 * (creating `dst` when absent). Returns 1 when moved (or when `src` = `dst`
 * holds it), 0 when `src` is absent or lacks it. WRONGTYPE for either key
 * (checked after `src`'s existence). Emits `srem` on `src` (then `del` when
 * it emptied) and `sadd` on `dst` when the member was new there.
 */
export function setMove(db: Database, src: string, dst: string, member: Arg): number {
  const from = db.write(src);
  const to = db.write(dst);
  if (from === undefined) return 0;
  if (!(from instanceof RedisSet) || (to !== undefined && !(to instanceof RedisSet))) return wrongType();
  const m = toKey(member);
  if (from === to) return from.has(m) ? 1 : 0;
  if (!from.remove(m)) return 0;
  notifySet(db, 'srem', src);
  if (from.size === 0) deleteEmptied(db, src);
  else db.modified(src);
  if (to === undefined) {
    const created = new RedisSet();
    created.add(m);
    storeNew(db, dst, created);
    notifySet(db, 'sadd', dst);
  } else if (to.add(m)) {
    db.modified(dst);
    notifySet(db, 'sadd', dst);
  }
  return 1;
}

// --- reads ------------------------------------------------------------------

/** SISMEMBER key member. Allocates nothing. */
export function setIsMember(db: Database, key: string, member: Arg): boolean {
  const set = readSet(db, key);
  return set?.index.has(toKey(member)) === true;
}

/** SMISMEMBER key member [member ...]: 1 or 0 for each of `members[start..]`. */
export function setMIsMember(db: Database, key: string, members: readonly Arg[], start = 0): number[] {
  const set = readSet(db, key);
  const out = new Array<number>(members.length - start);
  for (let i = start; i < members.length; i++) {
    out[i - start] = set?.index.has(toKey(members[i])) ? 1 : 0;
  }
  return out;
}

/** SCARD key: the number of members, 0 when absent. */
export function setCard(db: Database, key: string): number {
  return readSet(db, key)?.size ?? 0;
}

/** SMEMBERS key: the members (ascending for an intset); `[]` when absent. */
export function setMembers(db: Database, key: string): RedisValue[] {
  const set = readSet(db, key);
  return set === undefined ? [] : toValues(set.inOrder());
}

/** SRANDMEMBER key: a random member, or null when the key is absent. */
export function setRandMember(db: Database, key: string): RedisValue | null {
  const set = readSet(db, key);
  return set === undefined ? null : keyToValue(set.random());
}

/**
 * SRANDMEMBER key count: with `count` ≥ 0, up to `count` distinct random
 * members (the whole set, in reply order, when count ≥ its size); with a
 * negative count, |count| members drawn independently (repetitions possible).
 * `[]` when the key is absent or count is 0. See the module header for the
 * sampling method.
 */
export function setRandMembers(db: Database, key: string, count: number): RedisValue[] {
  const set = readSet(db, key);
  if (set === undefined || count === 0) return [];
  const members = set.members;
  const n = members.length;
  if (count < 0) {
    const k = -count;
    const out = new Array<RedisValue>(k);
    for (let i = 0; i < k; i++) out[i] = keyToValue(members[randomBelow(n)]);
    return out;
  }
  if (count >= n) return toValues(set.inOrder());
  // Partial Fisher–Yates over a virtual copy: `moved` holds the slots displaced so far.
  const out = new Array<RedisValue>(count);
  const moved = new Map<number, number>();
  for (let i = 0; i < count; i++) {
    const j = i + randomBelow(n - i);
    const atJ = moved.get(j) ?? j;
    moved.set(j, moved.get(i) ?? i);
    out[i] = keyToValue(members[atJ]);
  }
  return out;
}

// --- algebra ------------------------------------------------------------------

/** Looks up every key as a set (absent → undefined); WRONGTYPE on the first key of another type. */
function lookupSets(db: Database, keys: readonly string[]): (RedisSet | undefined)[] {
  const out = new Array<RedisSet | undefined>(keys.length);
  for (let i = 0; i < keys.length; i++) out[i] = readSet(db, keys[i]);
  return out;
}

/**
 * The intersection as Redis's sinterGenericCommand walks it: the members of
 * the smallest set (in its reply order) present in every other set; stops
 * after `limit` members when limit > 0. Empty when any key is absent.
 */
function intersect(db: Database, keys: readonly string[], limit: number): string[] {
  const sets = lookupSets(db, keys);
  const out: string[] = [];
  for (let i = 0; i < sets.length; i++) if (sets[i] === undefined) return out;
  const sorted = (sets as RedisSet[]).slice().sort((a, b) => a.size - b.size);
  const first = sorted[0];
  for (const m of first.inOrder()) {
    let all = true;
    for (let j = 1; j < sorted.length; j++) {
      const other = sorted[j];
      if (other !== first && !other.index.has(m)) {
        all = false;
        break;
      }
    }
    if (!all) continue;
    out.push(m);
    if (limit > 0 && out.length >= limit) break;
  }
  return out;
}

/** SINTER key [key ...]: the members common to every set; `[]` when any key is absent. */
export function setInter(db: Database, keys: readonly string[]): RedisValue[] {
  return toValues(intersect(db, keys, 0));
}

/** SINTERCARD numkeys key [key ...] [LIMIT limit]: the intersection's size, counting at most `limit` (0 = all). */
export function setInterCard(db: Database, keys: readonly string[], limit = 0): number {
  return intersect(db, keys, limit).length;
}

/**
 * Stores a computed set at `dst` as Redis's *STORE commands do: when non-empty
 * it replaces any value (clearing the TTL; `new` event for a new key) and
 * emits `event`; when empty it deletes `dst` (`del` event when it existed).
 * Returns the stored size.
 */
function storeResult(db: Database, dst: string, result: RedisSet, event: string): number {
  if (result.size === 0) {
    if (db.delete(dst)) {
      const engine = db.engine;
      if (engine.notifyFlags !== 0) engine.notify(Notify.generic, 'del', dst, db.index);
    }
    return 0;
  }
  const existed = db.write(dst) !== undefined;
  db.set(dst, result);
  const engine = db.engine;
  if (engine.notifyFlags !== 0) {
    if (!existed) engine.notify(Notify.newKey, 'new', dst, db.index);
    engine.notify(Notify.set, event, dst, db.index);
  }
  return result.size;
}

/** SINTERSTORE destination key [key ...]: stores the intersection; returns its size. Emits `sinterstore`. */
export function setInterStore(db: Database, dst: string, keys: readonly string[]): number {
  return storeResult(db, dst, RedisSet.of(intersect(db, keys, 0)), 'sinterstore');
}

/** SUNION / SDIFF as Redis's sunionDiffGenericCommand: the result built as a new set. */
function unionDiff(db: Database, keys: readonly string[], diff: boolean): RedisSet {
  const sets = lookupSets(db, keys);
  const result = new RedisSet();
  if (!diff) {
    for (const set of sets) if (set !== undefined) for (const m of set.inOrder()) result.add(m);
    return result;
  }
  const first = sets[0];
  if (first === undefined) return result;
  let oneWork = 0;
  let twoWork = 0;
  for (let j = 0; j < sets.length; j++) {
    const set = sets[j];
    if (set === undefined) continue;
    if (j > 0 && set === first) return result; // the first set minus itself
    oneWork += first.size;
    twoWork += set.size;
  }
  // Redis picks the cheaper algorithm; the choice shows in the result's
  // encoding (the second one fills the result with the first set, then removes).
  if (Math.floor(oneWork / 2) <= twoWork) {
    outer: for (const m of first.inOrder()) {
      for (let j = 1; j < sets.length; j++) if (sets[j]?.has(m)) continue outer;
      result.add(m);
    }
  } else {
    for (const m of first.inOrder()) result.add(m);
    for (let j = 1; j < sets.length && result.size !== 0; j++) {
      const set = sets[j];
      if (set !== undefined) for (const m of set.inOrder()) result.remove(m);
    }
  }
  return result;
}

/** SUNION key [key ...]: the members of any set (absent keys are empty sets). */
export function setUnion(db: Database, keys: readonly string[]): RedisValue[] {
  return toValues(unionDiff(db, keys, false).inOrder());
}

/** SUNIONSTORE destination key [key ...]: stores the union; returns its size. Emits `sunionstore`. */
export function setUnionStore(db: Database, dst: string, keys: readonly string[]): number {
  return storeResult(db, dst, unionDiff(db, keys, false), 'sunionstore');
}

/** SDIFF key [key ...]: the members of the first set in none of the others. */
export function setDiff(db: Database, keys: readonly string[]): RedisValue[] {
  return toValues(unionDiff(db, keys, true).inOrder());
}

/** SDIFFSTORE destination key [key ...]: stores the difference; returns its size. Emits `sdiffstore`. */
export function setDiffStore(db: Database, dst: string, keys: readonly string[]): number {
  return storeResult(db, dst, unionDiff(db, keys, true), 'sdiffstore');
}

// --- scan -------------------------------------------------------------------

/**
 * SSCAN's step over a set already looked up. An intset is returned whole
 * (ascending) with cursor 0, whatever the cursor (as Redis does); a hashtable
 * set pages through the shared scan cursors, COUNT members at a time. MATCH
 * filters the members.
 */
export function scanSet(
  set: RedisSet,
  cursor: number | bigint,
  options: ScanOptions,
): [number, RedisValue[]] {
  const match = options.match !== undefined && !options.match.matchesAll ? options.match : undefined;
  let found: readonly string[];
  let next = 0;
  if (set.intset) {
    found = set.inOrder();
  } else {
    const page: string[] = [];
    next = scanCursors.step(set.index, cursor, options.count, page);
    found = page;
  }
  const out: RedisValue[] = [];
  for (const m of found) if (match === undefined || match.matchKey(m)) out.push(keyToValue(m));
  return [next, out];
}
