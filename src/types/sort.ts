/**
 * SORT and SORT_RO: the sorting op over lists, sets and sorted sets (Redis 7.0 sort.c).
 *
 * Design: one pass that follows `sortCommandGeneric` step by step, because its
 * order is observable. The vector of elements is loaded in the source's own
 * order (list order, the set's reply order, zset rank order when not sorting,
 * else its dict order), BY weights are looked up for every element before
 * sorting (keyspace hits and misses count as Redis counts them), GET patterns
 * are looked up while the output is produced, and the comparator is Redis's
 * `sortCompare`:
 * - numeric: the weights as C's `strtod` reads them (leading white space, hex,
 *   `inf`; the text ends at a NUL byte; trailing junk, NaN and ERANGE fail the
 *   whole command), equal weights ordered by the elements' bytes;
 * - ALPHA: byte order (Redis uses `strcoll`, which in the C and C.UTF-8 locales
 *   is `strcmp`: the comparison stops at a NUL byte), except that with STORE
 *   Redis compares the full byte strings; with BY, elements whose weight key
 *   is missing come first, and equal weights keep their load order.
 * The full sort is glibc's `qsort`, a stable merge sort, so a stable sort gives
 * the same order; a partial range (BY with LIMIT) is Redis's `pqsort`, an
 * unstable partial quicksort, ported exactly so that ties land where Redis puts them.
 *
 * Sorting a sorted set converts it to the skiplist encoding, as Redis does.
 * Nothing is cached between calls: SORT is O(n log n) by nature.
 */
import type { Database } from '../engine/database.js';
import { Notify } from '../engine/notify.js';
import { isStringValue } from '../engine/value.js';
import { Err, ReplyError, wrongType } from '../errors.js';
import { type Arg, keyToValue, type RedisValue, toKey, valueToBytes } from '../util/bytes.js';
import { RedisHash } from './hash.js';
import { RedisList } from './list.js';
import { RedisSet } from './set.js';
import { compareMembers, ZSet } from './zset.js';

/** SORT's options (Redis's syntax in the command module). */
export interface SortOptions {
  /** BY pattern. A pattern without `*` (such as `nosort`) skips sorting. */
  by?: Arg;
  /** GET patterns in order: `#` is the element itself, `key_*` a string key, `hash_*->field` a hash field. */
  get?: readonly Arg[];
  /** LIMIT offset (any int64; clamped as Redis clamps it). Default 0. */
  offset?: number;
  /** LIMIT count; negative means all. Default -1. */
  count?: number;
  /** DESC. */
  desc?: boolean;
  /** ALPHA: compare as strings instead of numbers. */
  alpha?: boolean;
  /**
   * The caller is a script: an unsorted set (BY without `*`) is then sorted ALPHA,
   * as Redis does so that scripts and replication see one order.
   */
  script?: boolean;
}

/** One element of the sorting vector (Redis's redisSortObject). */
interface SortItem {
  /** The element as replied. */
  obj: RedisValue;
  /** The element in canonical (key) form, for byte comparisons and pattern substitution. */
  ele: string;
  /** Numeric weight. */
  score: number;
  /** ALPHA comparison key (canonical form), or null when the BY key is missing. */
  cmp: string | null;
}

/** A GET/BY pattern split once around its `*` (Redis's lookupKeyByPattern). */
interface Pattern {
  /** 0: the pattern is `#`; 1: no `*`, so every lookup is nil; 2: a key pattern. */
  kind: 0 | 1 | 2;
  prefix: RedisValue;
  postfix: RedisValue;
  /** Canonical hash field after `->`, or null for a string key. */
  field: string | null;
}

const HASH_PATTERN: Pattern = { kind: 0, prefix: '', postfix: '', field: null };
const NO_KEY_PATTERN: Pattern = { kind: 1, prefix: '', postfix: '', field: null };

/** The pattern as text, one char per byte for Buffers, so that indexes are byte offsets. */
function patternText(p: Arg): string {
  return typeof p === 'string' ? p : p.toString('latin1');
}

/** Index of the first `*` as `strchr` finds it (C strings end at NUL), or -1. */
function starIndex(s: string): number {
  const star = s.indexOf('*');
  if (star < 0) return -1;
  const nul = s.indexOf('\0');
  return nul >= 0 && nul < star ? -1 : star;
}

/** True when the BY pattern has no `*`: Redis then does not sort at all. */
function isNoSort(by: Arg): boolean {
  return starIndex(patternText(by)) < 0;
}

function parsePattern(p: Arg): Pattern {
  const s = patternText(p);
  if (s.charCodeAt(0) === 35 && (s.length === 1 || s.charCodeAt(1) === 0)) return HASH_PATTERN;
  const star = starIndex(s);
  if (star < 0) return NO_KEY_PATTERN;
  // strstr(p+1, "->") on a C string, and only when something (not NUL) follows the arrow.
  const nul = s.indexOf('\0');
  const arrow = s.indexOf('->', star + 1);
  const isField =
    arrow >= 0 && (nul < 0 || arrow + 2 <= nul) && arrow + 2 < s.length && s.charCodeAt(arrow + 2) !== 0;
  const postEnd = isField ? arrow : s.length;
  if (typeof p === 'string') {
    return {
      kind: 2,
      prefix: p.slice(0, star),
      postfix: p.slice(star + 1, postEnd),
      field: isField ? p.slice(arrow + 2) : null,
    };
  }
  return {
    kind: 2,
    prefix: p.subarray(0, star),
    postfix: p.subarray(star + 1, postEnd),
    field: isField ? toKey(p.subarray(arrow + 2)) : null,
  };
}

/** The value a pattern yields for an element, or null (Redis's lookupKeyByPattern). */
function lookupByPattern(db: Database, pattern: Pattern, item: SortItem): RedisValue | null {
  if (pattern.kind === 0) return item.obj;
  if (pattern.kind === 1) return null;
  const { prefix, postfix } = pattern;
  const obj = item.obj;
  const key =
    typeof prefix === 'string' && typeof postfix === 'string' && typeof obj === 'string'
      ? prefix + obj + postfix
      : toKey(Buffer.concat([valueToBytes(prefix), valueToBytes(obj), valueToBytes(postfix)]));
  const v = db.read(key);
  if (v === undefined) return null;
  if (pattern.field !== null) return v instanceof RedisHash ? (v.map.get(pattern.field) ?? null) : null;
  return isStringValue(v) ? v : null;
}

// --- strtod -------------------------------------------------------------------

const DECIMAL_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INF_RE = /^[+-]?inf(?:inity)?$/i;
const HEX_RE = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;

/** DBL_MIN, the smallest normal double. */
const DBL_MIN = 2 ** -1022;

function isCSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/**
 * glibc's underflow rule for a nonzero value `m · 2^e2 / 10^k` (all exact) whose
 * nearest double is at most DBL_MIN: ERANGE when the value is tiny after rounding
 * to 53 bits (below DBL_MIN − 2^-1076; x86 detects tininess after rounding) and
 * not exactly representable on the subnormal grid (a multiple of 2^-1074).
 * `hex`: glibc's hexadecimal path forgets the 54th significant bit when it decides
 * inexactness, so a value whose only bit below the grid is that one parses
 * without ERANGE (`0x1.00000000000008p-1024`).
 */
function underflows(m: bigint, e2: number, k: number, hex: boolean): boolean {
  // value < (2^54 − 1) · 2^-1076  ⇔  m · 2^(e2+1076) < (2^54 − 1) · 10^k
  const limit = ((1n << 54n) - 1n) * 10n ** BigInt(k);
  const shift = e2 + 1076;
  const tiny = shift >= 0 ? m << BigInt(shift) < limit : m < limit << BigInt(-shift);
  if (!tiny) return false;
  if (hex) {
    // k = 0: the bits of m below 2^-1074 are those under position -1074 − e2.
    const below = -1074 - e2;
    if (below <= 0) return false;
    let rest = m & ((1n << BigInt(below)) - 1n);
    const roundBit = m.toString(2).length - 54;
    if (roundBit >= 0) rest &= ~(1n << BigInt(roundBit));
    return rest !== 0n;
  }
  // exact ⇔ m · 2^(e2+1074) / 10^k is an integer
  const s = e2 + 1074;
  const num = s >= 0 ? m << BigInt(s) : m;
  const den = (s >= 0 ? 1n : 1n << BigInt(-s)) * 10n ** BigInt(k);
  return num % den !== 0n;
}

function decimalUnderflows(body: string): boolean {
  const e = body.search(/[eE]/);
  const mant = e < 0 ? body : body.slice(0, e);
  let exp = e < 0 ? 0 : Number(body.slice(e + 1));
  const dot = mant.indexOf('.');
  let digits = mant.replace(/^[+-]/, '');
  if (dot >= 0) {
    exp -= digits.length - digits.indexOf('.') - 1;
    digits = digits.replace('.', '');
  }
  digits = digits.replace(/^0+/, '');
  if (digits.length === 0) return false; // zero is exact
  // Far below the subnormal range: certainly tiny and inexact (avoids huge powers of ten).
  if (digits.length + exp < -400) return true;
  if (exp >= 0) return false;
  return underflows(BigInt(digits), 0, -exp, false);
}

/**
 * A weight as SORT reads it: C's `strtod` on the value as a C string (it ends at
 * the first NUL byte), requiring everything to be consumed and rejecting NaN and
 * ERANGE (overflow, or an inexact result in the subnormal range), as Redis 7.0
 * does. The empty string is 0. Returns undefined when SORT would fail with
 * `ERR One or more scores can't be converted into double`.
 */
export function sortScore(v: RedisValue): number | undefined {
  let s = typeof v === 'string' ? v : v.toString('latin1');
  const nul = s.indexOf('\0');
  if (nul >= 0) s = s.slice(0, nul);
  if (s.length === 0) return 0;
  let i = 0;
  while (i < s.length && isCSpace(s.charCodeAt(i))) i++;
  if (i > 0) s = s.slice(i);
  if (DECIMAL_RE.test(s)) {
    const d = Number(s);
    if (!Number.isFinite(d)) return undefined;
    if (Math.abs(d) <= DBL_MIN && decimalUnderflows(s)) return undefined;
    return d;
  }
  if (INF_RE.test(s)) return s.charCodeAt(0) === 45 ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  const m = HEX_RE.exec(s);
  if (m === null) return undefined;
  const int = m[2];
  const frac = m[3] ?? '';
  if (int.length === 0 && frac.length === 0) return undefined;
  const mant = BigInt(`0x${int}${frac}`);
  const e2 = (m[4] === undefined ? 0 : Number(m[4])) - 4 * frac.length;
  let d = 0;
  if (mant !== 0n) {
    d = Number(mant);
    let e = e2;
    while (e > 1000 && Number.isFinite(d)) {
      d *= 2 ** 1000;
      e -= 1000;
    }
    while (e < -1000) {
      d *= 2 ** -1000;
      e += 1000;
    }
    d *= 2 ** e;
    if (!Number.isFinite(d)) return undefined;
    if (d <= DBL_MIN) {
      const bits = mant.toString(2).length;
      if (bits + e2 < -1100 || underflows(mant, e2, 0, true)) return undefined;
    }
  }
  return m[1] === '-' ? -d : d;
}

// --- the vector -----------------------------------------------------------------

function item(obj: RedisValue, ele: string): SortItem {
  return { obj, ele, score: 0, cmp: null };
}

/** The text strcoll sees: up to the first NUL. */
function collated(ele: string): string {
  const nul = ele.indexOf('\0');
  return nul < 0 ? ele : ele.slice(0, nul);
}

/**
 * Redis's pqsort (NetBSD qsort with range pruning), on vector indexes; `lo`..`hi` is the wanted range.
 * Unlike BSD qsort it has no `swap_cnt` switch to insertion sort after a partition
 * that swapped nothing (Redis 7.0 dropped it), so such a partition still moves the pivot.
 */
function pqsort(v: SortItem[], cmp: (a: SortItem, b: SortItem) => number, lo: number, hi: number): void {
  pqsortRange(v, 0, v.length, cmp, lo, hi);
}

function swap(v: SortItem[], i: number, j: number): void {
  const t = v[i];
  v[i] = v[j];
  v[j] = t;
}

function med3(
  v: SortItem[],
  a: number,
  b: number,
  c: number,
  cmp: (a: SortItem, b: SortItem) => number,
): number {
  return cmp(v[a], v[b]) < 0
    ? cmp(v[b], v[c]) < 0
      ? b
      : cmp(v[a], v[c]) < 0
        ? c
        : a
    : cmp(v[b], v[c]) > 0
      ? b
      : cmp(v[a], v[c]) < 0
        ? a
        : c;
}

function insertionSort(
  v: SortItem[],
  base: number,
  n: number,
  cmp: (a: SortItem, b: SortItem) => number,
): void {
  for (let pm = base + 1; pm < base + n; pm++) {
    for (let pl = pm; pl > base && cmp(v[pl - 1], v[pl]) > 0; pl--) swap(v, pl, pl - 1);
  }
}

function pqsortRange(
  v: SortItem[],
  base: number,
  n: number,
  cmp: (a: SortItem, b: SortItem) => number,
  lrange: number,
  rrange: number,
): void {
  for (;;) {
    if (n < 7) {
      insertionSort(v, base, n, cmp);
      return;
    }
    let pm = base + Math.floor(n / 2);
    if (n > 7) {
      let pl = base;
      let pn = base + n - 1;
      if (n > 40) {
        const d = Math.floor(n / 8);
        pl = med3(v, pl, pl + d, pl + 2 * d, cmp);
        pm = med3(v, pm - d, pm, pm + d, cmp);
        pn = med3(v, pn - 2 * d, pn - d, pn, cmp);
      }
      pm = med3(v, pl, pm, pn, cmp);
    }
    swap(v, base, pm);
    let pa = base + 1;
    let pb = pa;
    let pc = base + n - 1;
    let pd = pc;
    for (;;) {
      let r = 0;
      while (pb <= pc && (r = cmp(v[pb], v[base])) <= 0) {
        if (r === 0) {
          swap(v, pa, pb);
          pa++;
        }
        pb++;
      }
      while (pb <= pc && (r = cmp(v[pc], v[base])) >= 0) {
        if (r === 0) {
          swap(v, pc, pd);
          pd--;
        }
        pc--;
      }
      if (pb > pc) break;
      swap(v, pb, pc);
      pb++;
      pc--;
    }
    const pn = base + n;
    let r = Math.min(pa - base, pb - pa);
    for (let k = 0; k < r; k++) swap(v, base + k, pb - r + k);
    r = Math.min(pd - pc, pn - pd - 1);
    for (let k = 0; k < r; k++) swap(v, pb + k, pn - r + k);
    r = pb - pa;
    if (r > 1) {
      const hi = base + r - 1;
      if (!((lrange < base && rrange < base) || (lrange > hi && rrange > hi))) {
        pqsortRange(v, base, r, cmp, lrange, rrange);
      }
    }
    r = pd - pc;
    if (r <= 1) return;
    base = pn - r;
    n = r;
    const hi = base + r - 1;
    if ((lrange < base && rrange < base) || (lrange > hi && rrange > hi)) return;
  }
}

/** The sorted (or selected) vector and the output range start..end (inclusive). */
interface Sorted {
  vector: SortItem[];
  start: number;
  end: number;
  gets: Pattern[];
}

/** Loads, weighs and sorts, as sortCommandGeneric up to its output. */
function sortVector(db: Database, key: string, options: SortOptions, storing: boolean): Sorted {
  const desc = options.desc === true;
  let alpha = options.alpha === true;
  let by = options.by;
  let dontsort = by !== undefined && isNoSort(by);
  const gets = (options.get ?? []).map(parsePattern);

  const v = db.read(key);
  let src: RedisList | RedisSet | ZSet;
  if (v === undefined) src = new RedisList();
  else if (v instanceof RedisList || v instanceof RedisSet || v instanceof ZSet) src = v;
  else return wrongType();

  // An unsorted set has no order worth keeping: STORE and scripts sort it ALPHA.
  if (dontsort && src instanceof RedisSet && (storing || options.script === true)) {
    dontsort = false;
    alpha = true;
    by = undefined;
  }
  // Redis converts a listpack sorted set to a skiplist for SORT.
  if (src instanceof ZSet) src.listpack = false;

  let vectorlen = src instanceof RedisList ? src.length : src.size;

  // LIMIT sanity, as Redis: clamp to the object's size.
  let start = Math.min(Math.max(options.offset ?? 0, 0), vectorlen);
  const count = Math.min(Math.max(options.count ?? -1, -1), vectorlen);
  let end = count < 0 ? vectorlen - 1 : start + count - 1;
  if (start >= vectorlen) {
    start = vectorlen - 1;
    end = vectorlen - 2;
  }
  if (end >= vectorlen) end = vectorlen - 1;

  // Lists and sorted sets that are not sorted load just the range, in their order (reversed by DESC).
  const ranged = !(src instanceof RedisSet) && dontsort;
  if (ranged && (start !== 0 || end !== vectorlen - 1)) vectorlen = end - start + 1;

  const vector: SortItem[] = [];
  if (src instanceof RedisList) {
    if (dontsort) {
      if (end >= start) {
        const len = src.length;
        for (let j = 0; j < vectorlen; j++) {
          const idx = desc ? len - start - 1 - j : start + j;
          if (idx < 0 || idx >= len) break;
          const obj = src.at(idx) as RedisValue;
          vector.push(item(obj, toKey(obj)));
        }
        end -= start;
        start = 0;
      }
    } else {
      for (const obj of src.toArray()) vector.push(item(obj, toKey(obj)));
    }
  } else if (src instanceof RedisSet) {
    for (const ele of src.inOrder()) vector.push(item(keyToValue(ele), ele));
  } else if (dontsort) {
    const zsl = src.zsl;
    let node = desc
      ? start > 0
        ? zsl.byRank(src.size - start)
        : zsl.tail
      : start > 0
        ? zsl.byRank(start + 1)
        : zsl.first;
    for (let j = 0; j < vectorlen && node !== null; j++) {
      vector.push(item(keyToValue(node.ele), node.ele));
      node = desc ? node.backward : node.next;
    }
    end -= start;
    start = 0;
  } else {
    for (const ele of src.dict.keys()) vector.push(item(keyToValue(ele), ele));
  }

  if (!dontsort) {
    const byPattern = by === undefined ? undefined : parsePattern(by);
    let conversionError = false;
    for (let j = 0; j < vector.length; j++) {
      const it = vector[j];
      let byval: RedisValue;
      if (byPattern !== undefined) {
        const found = lookupByPattern(db, byPattern, it);
        if (found === null) continue;
        byval = found;
      } else {
        byval = it.obj;
      }
      if (alpha) {
        if (byPattern !== undefined) {
          const k = toKey(byval);
          it.cmp = storing ? k : collated(k);
        }
      } else {
        const score = sortScore(byval);
        if (score === undefined) conversionError = true;
        else it.score = score;
      }
    }
    const sign = desc ? -1 : 1;
    let cmp: (a: SortItem, b: SortItem) => number;
    if (!alpha) {
      cmp = (a, b) => sign * (a.score > b.score ? 1 : a.score < b.score ? -1 : compareMembers(a.ele, b.ele));
    } else if (byPattern !== undefined) {
      cmp = (a, b) => {
        const x = a.cmp;
        const y = b.cmp;
        if (x === null || y === null) return sign * (x === y ? 0 : x === null ? -1 : 1);
        return sign * compareMembers(x, y);
      };
    } else if (storing) {
      cmp = (a, b) => sign * compareMembers(a.ele, b.ele);
    } else {
      for (const it of vector) it.cmp = collated(it.ele);
      cmp = (a, b) => sign * compareMembers(a.cmp as string, b.cmp as string);
    }
    // Redis still sorts before replying the error; nothing sees that order, so skip it.
    if (conversionError) throw new ReplyError(Err.sortScoresNotDouble);
    if (byPattern !== undefined && (start !== 0 || end !== vector.length - 1))
      pqsort(vector, cmp, start, end);
    else vector.sort(cmp);
  }
  return { vector, start, end, gets };
}

/**
 * SORT / SORT_RO key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA]:
 * the elements (or, with GET patterns, the looked-up values, null where missing)
 * of the list, set or sorted set at `key`; `[]` when the key is absent. Throws
 * WRONGTYPE for other types and `ERR One or more scores can't be converted into
 * double` for a numeric weight that is not a number.
 */
export function sort(db: Database, key: string, options: SortOptions = {}): (RedisValue | null)[] {
  const { vector, start, end, gets } = sortVector(db, key, options, false);
  const out: (RedisValue | null)[] = [];
  for (let j = start; j <= end; j++) {
    const it = vector[j];
    if (gets.length === 0) out.push(it.obj);
    for (const g of gets) out.push(lookupByPattern(db, g, it));
  }
  return out;
}

/**
 * SORT key ... STORE destination: stores the result as a list at `dst` (missing
 * GET values become empty strings) and returns its length. An empty result
 * deletes `dst` instead. Emits `sortstore` (after `new` for a new key), or
 * `del` when a destination was deleted.
 */
export function sortStore(db: Database, key: string, dst: string, options: SortOptions = {}): number {
  const { vector, start, end, gets } = sortVector(db, key, options, true);
  const values: RedisValue[] = [];
  for (let j = start; j <= end; j++) {
    const it = vector[j];
    if (gets.length === 0) values.push(it.obj);
    else for (const g of gets) values.push(lookupByPattern(db, g, it) ?? '');
  }
  const engine = db.engine;
  if (values.length > 0) {
    const existed = db.write(dst) !== undefined;
    db.set(dst, RedisList.from(values));
    if (engine.notifyFlags !== 0) {
      if (!existed) engine.notify(Notify.newKey, 'new', dst, db.index);
      engine.notify(Notify.list, 'sortstore', dst, db.index);
    }
  } else if (db.data.has(dst)) {
    // Redis's dbDelete: the key goes even when its TTL has passed unnoticed (no `expired` event).
    db.remove(dst);
    db.modified(dst);
    if (engine.notifyFlags !== 0) engine.notify(Notify.generic, 'del', dst, db.index);
  }
  return values.length;
}
