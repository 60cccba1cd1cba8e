/**
 * The skiplist behind sorted sets: Redis's `zskiplist` (t_zset.c), ordered by
 * (score, member bytes), with spans so that rank lookups cost O(log n).
 *
 * Design: one object per node. A skiplist search is a chain of dependent memory
 * loads, and at 10^5+ members nearly every step misses the cache, so the layout
 * minimises loads per step: levels 0..3 (99.6% of nodes have no more at p = 1/4)
 * are in-object fields (`f0`/`s0` .. `f3`/`s3`: forward pointer and span), and
 * only higher levels live in an `up` array. Measured against one interleaved
 * level array per node, this is ~3× faster per search at 10^5 members for the
 * same memory (~120 bytes a node). Max level 32, p = 1/4, as Redis. Levels come
 * from a seeded xorshift generator ({@link seedSkiplistLevels} makes shapes
 * reproducible in tests). Scratch `update`/`rank` arrays are module-level: ops are
 * synchronous and never re-entrant, so nothing is allocated per call; every op
 * that fills `update` clears it before returning, so the scratch never keeps a
 * deleted sorted set's nodes alive.
 *
 * Members are held as canonical strings: the member's text when its bytes are
 * valid UTF-8, else the reserved binary form of src/util/bytes.ts (U+D800 then
 * one char per byte). {@link compareMembers} orders them by their bytes
 * (memcmp, then shorter first), as Redis does, not by UTF-16 code units.
 *
 * The range specs a search takes (score ranges, lex ranges) live here with their
 * argument parsers (Redis's `zslParseRange` / `zslParseLexRangeItem`); handlers
 * reach them through src/types/zset.ts.
 */
import {
  ARRAY_OBJECT,
  FIXED_ARRAY_HEADER,
  HEAP_NUMBER,
  OBJECT_HEADER,
  POINTER,
  stringBytes,
} from '../engine/memory.js';
import { Err, ReplyError } from '../errors.js';
import { type Arg, isBinaryKey, toKey } from '../util/bytes.js';

export const ZSKIPLIST_MAXLEVEL = 32;

/** A score range (Redis's `zrangespec`): `min`/`max` with exclusive flags. */
export interface ScoreRange {
  min: number;
  max: number;
  minex: boolean;
  maxex: boolean;
}

/** One end of a lex range (Redis's `zlexrangespec` item): `-`, `+`, or a member with `(`/`[`. */
export interface LexBound {
  /** -1 for `-` (below every member), 1 for `+` (above every member), 0 for a member value. */
  inf: -1 | 0 | 1;
  /** The canonical member string (when `inf` is 0). */
  value: string;
  /** Exclusive bound (`(`, and always for `-`/`+`, as Redis). */
  ex: boolean;
}

/** A lex range. */
export interface LexRange {
  min: LexBound;
  max: LexBound;
}

/** Levels held in node fields; higher levels (0.4% of nodes, and the header) go to `up`. */
const FIELD_LEVELS = 4;

/** A skiplist node: one sorted-set element. */
export class ZNode {
  backward: ZNode | null = null;
  // Levels 0..3 as fields (forward pointer fN, span sN): a search step then
  // costs one dependent load (the next node) instead of three through an array.
  f0: ZNode | null = null;
  s0 = 0;
  f1: ZNode | null = null;
  s1 = 0;
  f2: ZNode | null = null;
  s2 = 0;
  f3: ZNode | null = null;
  s3 = 0;
  /** Levels 4.. as [forward, span, forward, span, ...], or null. */
  up: (ZNode | null | number)[] | null = null;

  constructor(
    /** The canonical member string. */
    public ele: string,
    public score: number,
    /** The number of levels of this node (1..32). */
    readonly level: number,
  ) {
    if (level > FIELD_LEVELS) {
      const up: (ZNode | null | number)[] = [null, 0];
      for (let i = FIELD_LEVELS + 1; i < level; i++) up.push(null, 0);
      this.up = up;
    }
  }

  /** The next node in order (level 0), or null at the tail. */
  get next(): ZNode | null {
    return this.f0;
  }
}

/** Forward pointer of `x` at level `i`. */
function fw(x: ZNode, i: number): ZNode | null {
  switch (i) {
    case 0:
      return x.f0;
    case 1:
      return x.f1;
    case 2:
      return x.f2;
    case 3:
      return x.f3;
    default:
      return x.up![(i - FIELD_LEVELS) << 1] as ZNode | null;
  }
}

/** Span of `x` at level `i`. */
function sp(x: ZNode, i: number): number {
  switch (i) {
    case 0:
      return x.s0;
    case 1:
      return x.s1;
    case 2:
      return x.s2;
    case 3:
      return x.s3;
    default:
      return x.up![((i - FIELD_LEVELS) << 1) + 1] as number;
  }
}

function setFw(x: ZNode, i: number, f: ZNode | null): void {
  switch (i) {
    case 0:
      x.f0 = f;
      return;
    case 1:
      x.f1 = f;
      return;
    case 2:
      x.f2 = f;
      return;
    case 3:
      x.f3 = f;
      return;
    default:
      x.up![(i - FIELD_LEVELS) << 1] = f;
  }
}

function setSp(x: ZNode, i: number, span: number): void {
  switch (i) {
    case 0:
      x.s0 = span;
      return;
    case 1:
      x.s1 = span;
      return;
    case 2:
      x.s2 = span;
      return;
    case 3:
      x.s3 = span;
      return;
    default:
      x.up![((i - FIELD_LEVELS) << 1) + 1] = span;
  }
}

// xorshift32 for node levels; seeded from Math.random so shapes are not predictable by clients.
let levelSeed = (Math.random() * 0xffffffff) >>> 0 || 0x9e3779b9;

/** Seeds the node-level generator (tests, for reproducible skiplist shapes). */
export function seedSkiplistLevels(seed: number): void {
  levelSeed = seed >>> 0 || 0x9e3779b9;
}

/** A random level in 1..32, P(level > k) = 4^-k, as Redis's `zslRandomLevel`. */
export function randomLevel(): number {
  let level = 1;
  for (;;) {
    let x = levelSeed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    levelSeed = x >>> 0;
    // 16 independent pairs of bits: each pair is 00 with probability 1/4.
    let r = levelSeed;
    for (let k = 0; k < 16; k++) {
      if ((r & 3) !== 0) return level;
      if (++level === ZSKIPLIST_MAXLEVEL) return level;
      r >>>= 2;
    }
  }
}

/** True when a canonical member string is the reserved form of non-UTF-8 bytes. */
export const isBinaryMember = isBinaryKey;

function memberBytes(s: string): Buffer {
  return isBinaryMember(s) ? Buffer.from(s.slice(1), 'latin1') : Buffer.from(s, 'utf8');
}

/**
 * Compares two canonical member strings by their bytes (memcmp, then the shorter
 * first): Redis's `sdscmp`. UTF-16 code-unit order differs from UTF-8 byte order
 * only where a surrogate (astral char) meets U+E000..U+FFFF, which is fixed up at
 * the first differing unit; binary-form members compare as bytes.
 */
export function compareMembers(a: string, b: string): number {
  const al = a.length;
  const bl = b.length;
  const n = Math.min(al, bl);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca !== cb) {
      if (ca < 0xd800 && cb < 0xd800) return ca - cb;
      return compareSlow(a, b, ca, cb);
    }
  }
  return al - bl;
}

function compareSlow(a: string, b: string, ca: number, cb: number): number {
  if (isBinaryMember(a) || isBinaryMember(b)) return Buffer.compare(memberBytes(a), memberBytes(b));
  // Code-point order: surrogates (astral chars) sort after U+E000..U+FFFF.
  const fa = ca >= 0xe000 ? ca - 0x800 : ca >= 0xd800 ? ca + 0x2000 : ca;
  const fb = cb >= 0xe000 ? cb - 0x800 : cb >= 0xd800 ? cb + 0x2000 : cb;
  return fa - fb;
}

/** The byte length of a canonical member string. */
export function memberByteLength(s: string): number {
  const len = s.length;
  if (isBinaryMember(s)) return len - 1;
  for (let i = 0; i < len; i++) if (s.charCodeAt(i) > 0x7f) return Buffer.byteLength(s, 'utf8');
  return len;
}

/** `value >= min` (or `>` when exclusive). */
export function scoreGteMin(value: number, r: ScoreRange): boolean {
  return r.minex ? value > r.min : value >= r.min;
}

/** `value <= max` (or `<` when exclusive). */
export function scoreLteMax(value: number, r: ScoreRange): boolean {
  return r.maxex ? value < r.max : value <= r.max;
}

function cmpLex(ele: string, b: LexBound): number {
  return b.inf === 0 ? compareMembers(ele, b.value) : -b.inf;
}

/** Member at or above the lex minimum (Redis's `zslLexValueGteMin`). */
export function lexGteMin(ele: string, r: LexRange): boolean {
  const c = cmpLex(ele, r.min);
  return r.min.ex ? c > 0 : c >= 0;
}

/** Member at or below the lex maximum (Redis's `zslLexValueLteMax`). */
export function lexLteMax(ele: string, r: LexRange): boolean {
  const c = cmpLex(ele, r.max);
  return r.max.ex ? c < 0 : c <= 0;
}

/** Redis's `sdscmplex` on two bounds. */
function cmpBounds(a: LexBound, b: LexBound): number {
  if (a.inf !== 0 || b.inf !== 0) return a.inf === b.inf ? 0 : a.inf === -1 || b.inf === 1 ? -1 : 1;
  return compareMembers(a.value, b.value);
}

/** True when no member can fall in the lex range (min above max, or equal with an exclusive end). */
export function lexRangeEmpty(r: LexRange): boolean {
  const c = cmpBounds(r.min, r.max);
  return c > 0 || (c === 0 && (r.min.ex || r.max.ex));
}

/** True when no score can fall in the range. */
export function scoreRangeEmpty(r: ScoreRange): boolean {
  return r.min > r.max || (r.min === r.max && (r.minex || r.maxex));
}

const update: (ZNode | null)[] = new Array(ZSKIPLIST_MAXLEVEL).fill(null);
const rankAt: number[] = new Array(ZSKIPLIST_MAXLEVEL).fill(0);

/** Drops the node references `update[0..levels)` holds (a few stores per op). */
function releaseUpdate(levels: number): void {
  for (let i = 0; i < levels; i++) update[i] = null;
}

/** A sorted list of {@link ZNode}s with spans: Redis's `zskiplist`. */
/**
 * Heap bytes of a node and its member string (engine/memory.ts): the object (13
 * fields), its score boxed as a HeapNumber (a field that has held a non-Smi
 * score is a double field), and the `up` array of nodes above level 4.
 */
export function nodeBytes(node: ZNode): number {
  const level = node.level;
  let n = OBJECT_HEADER + 13 * POINTER + HEAP_NUMBER + stringBytes(node.ele);
  if (level > FIELD_LEVELS) {
    // [forward, span] pairs in an array grown by push (capacity 2, then 1.5× + 16).
    const slots = level === FIELD_LEVELS + 1 ? 2 : Math.max(22, Math.ceil(2 * (level - FIELD_LEVELS) * 1.25));
    n += ARRAY_OBJECT + FIXED_ARRAY_HEADER + slots * POINTER;
  }
  return n;
}

export class SkipList {
  readonly header = new ZNode('', 0, ZSKIPLIST_MAXLEVEL);
  tail: ZNode | null = null;
  length = 0;
  level = 1;
  /** Bytes of the nodes and their members ({@link nodeBytes}), kept by link and unlink. */
  bytes = 0;
  /**
   * The 1-based rank of the node returned by the last `firstIn*` / `lastIn*`
   * call that found one (a side output, to avoid allocating a pair).
   */
  foundRank = 0;

  /** The first node, or null when empty. */
  get first(): ZNode | null {
    return this.header.f0;
  }

  /** Inserts a new element (the caller checked it is absent); returns its node. */
  insert(score: number, ele: string): ZNode {
    const node = new ZNode(ele, score, randomLevel());
    this.link(node);
    return node;
  }

  /** Links an unlinked node at the position of its (score, ele) (Redis's `zslInsert`). */
  private link(node: ZNode): void {
    const score = node.score;
    const ele = node.ele;
    let x = this.header;
    let r = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = fw(x, i);
      while (f !== null && (f.score < score || (f.score === score && compareMembers(f.ele, ele) < 0))) {
        r += sp(x, i);
        x = f;
        f = fw(x, i);
      }
      rankAt[i] = r;
      update[i] = x;
    }
    const level = node.level;
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rankAt[i] = 0;
        update[i] = this.header;
        setSp(this.header, i, this.length);
      }
      this.level = level;
    }
    for (let i = 0; i < level; i++) {
      const u = update[i] as ZNode;
      setFw(node, i, fw(u, i));
      setFw(u, i, node);
      setSp(node, i, sp(u, i) - (r - rankAt[i]));
      setSp(u, i, r - rankAt[i] + 1);
    }
    for (let i = level; i < this.level; i++) {
      const u = update[i] as ZNode;
      setSp(u, i, sp(u, i) + 1);
    }
    const prev = update[0];
    node.backward = prev === this.header ? null : prev;
    releaseUpdate(this.level);
    const next = node.f0;
    if (next !== null) next.backward = node;
    else this.tail = node;
    this.length++;
    this.bytes += nodeBytes(node);
  }

  /** Fills `update` with the predecessors of `node` at every level. */
  private findUpdate(node: ZNode): void {
    const score = node.score;
    const ele = node.ele;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = fw(x, i);
      while (
        f !== null &&
        f !== node &&
        (f.score < score || (f.score === score && compareMembers(f.ele, ele) < 0))
      ) {
        x = f;
        f = fw(x, i);
      }
      update[i] = x;
    }
  }

  /** Unlinks `x` given its predecessors in `update` (Redis's `zslDeleteNode`). */
  private unlinkWithUpdate(x: ZNode): void {
    for (let i = 0; i < this.level; i++) {
      const u = update[i] as ZNode;
      if (fw(u, i) === x) {
        setSp(u, i, sp(u, i) + sp(x, i) - 1);
        setFw(u, i, fw(x, i));
      } else {
        setSp(u, i, sp(u, i) - 1);
      }
    }
    const next = x.f0;
    if (next !== null) next.backward = x.backward;
    else this.tail = x.backward;
    while (this.level > 1 && fw(this.header, this.level - 1) === null) this.level--;
    this.length--;
    this.bytes -= nodeBytes(x);
  }

  /** Removes a node that is in the list. */
  remove(node: ZNode): void {
    const levels = this.level;
    this.findUpdate(node);
    this.unlinkWithUpdate(node);
    releaseUpdate(levels);
  }

  /**
   * Changes a node's score (Redis's `zslUpdateScore`): in place when the node
   * keeps its position, else unlinked and relinked (the node object is reused).
   */
  updateScore(node: ZNode, score: number): void {
    const prev = node.backward;
    const next = node.f0;
    if ((prev === null || prev.score < score) && (next === null || next.score > score)) {
      node.score = score;
      return;
    }
    // link() overwrites and then clears the predecessors findUpdate() left.
    this.findUpdate(node);
    this.unlinkWithUpdate(node);
    node.score = score;
    this.link(node);
  }

  /** The 1-based rank of a node in the list (Redis's `zslGetRank`). */
  rankOf(node: ZNode): number {
    const score = node.score;
    const ele = node.ele;
    let x = this.header;
    let r = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = fw(x, i);
      while (
        f !== null &&
        (f === node || f.score < score || (f.score === score && compareMembers(f.ele, ele) < 0))
      ) {
        r += sp(x, i);
        if (f === node) return r;
        x = f;
        f = fw(x, i);
      }
    }
    return 0;
  }

  /** The node at a 1-based rank, or null (Redis's `zslGetElementByRank`). */
  byRank(rank: number): ZNode | null {
    if (rank < 1 || rank > this.length) return null;
    if (rank === this.length) return this.tail;
    let x = this.header;
    let traversed = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = fw(x, i);
      while (f !== null && traversed + sp(x, i) <= rank) {
        traversed += sp(x, i);
        x = f;
        f = fw(x, i);
      }
      if (traversed === rank) return x;
    }
    return null;
  }

  /** Some part of the list is in the score range (Redis's `zslIsInRange`). */
  isInRange(r: ScoreRange): boolean {
    if (scoreRangeEmpty(r)) return false;
    const t = this.tail;
    if (t === null || !scoreGteMin(t.score, r)) return false;
    return scoreLteMax((this.header.f0 as ZNode).score, r);
  }

  /** The first node in the score range, or null; sets {@link SkipList.foundRank}. */
  firstInRange(r: ScoreRange): ZNode | null {
    if (!this.isInRange(r)) return null;
    let x = this.header;
    let rank = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = fw(x, i);
      while (f !== null && !scoreGteMin(f.score, r)) {
        rank += sp(x, i);
        x = f;
        f = fw(x, i);
      }
    }
    const n = x.f0 as ZNode;
    if (!scoreLteMax(n.score, r)) return null;
    this.foundRank = rank + 1;
    return n;
  }

  /** The last node in the score range, or null; sets {@link SkipList.foundRank}. */
  lastInRange(r: ScoreRange): ZNode | null {
    if (!this.isInRange(r)) return null;
    let x = this.header;
    let rank = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = fw(x, i);
      while (f !== null && scoreLteMax(f.score, r)) {
        rank += sp(x, i);
        x = f;
        f = fw(x, i);
      }
    }
    if (!scoreGteMin(x.score, r)) return null;
    this.foundRank = rank;
    return x;
  }

  /** Some part of the list is in the lex range (Redis's `zslIsInLexRange`). */
  isInLexRange(r: LexRange): boolean {
    if (lexRangeEmpty(r)) return false;
    const t = this.tail;
    if (t === null || !lexGteMin(t.ele, r)) return false;
    return lexLteMax((this.header.f0 as ZNode).ele, r);
  }

  /** The first node in the lex range by skiplist descent (`zslFirstInLexRange`); sets {@link SkipList.foundRank}. */
  firstInLexRange(r: LexRange): ZNode | null {
    if (!this.isInLexRange(r)) return null;
    let x = this.header;
    let rank = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = fw(x, i);
      while (f !== null && !lexGteMin(f.ele, r)) {
        rank += sp(x, i);
        x = f;
        f = fw(x, i);
      }
    }
    const n = x.f0;
    if (n === null || !lexLteMax(n.ele, r)) return null;
    this.foundRank = rank + 1;
    return n;
  }

  /** The last node in the lex range by skiplist descent (`zslLastInLexRange`); sets {@link SkipList.foundRank}. */
  lastInLexRange(r: LexRange): ZNode | null {
    if (!this.isInLexRange(r)) return null;
    let x = this.header;
    let rank = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = fw(x, i);
      while (f !== null && lexLteMax(f.ele, r)) {
        rank += sp(x, i);
        x = f;
        f = fw(x, i);
      }
    }
    if (x === this.header || !lexGteMin(x.ele, r)) return null;
    this.foundRank = rank;
    return x;
  }

  /**
   * The first node in the lex range by a linear scan from the head, as Redis's
   * listpack encoding finds it (`zzlFirstInLexRange`). Differs from the descent
   * only when equal-score ordering is violated (mixed scores), where Redis's
   * result depends on the encoding.
   */
  firstInLexRangeLinear(r: LexRange): ZNode | null {
    if (!this.isInLexRange(r)) return null;
    let rank = 1;
    for (let n = this.header.f0; n !== null; n = n.f0, rank++) {
      if (lexGteMin(n.ele, r)) {
        if (!lexLteMax(n.ele, r)) return null;
        this.foundRank = rank;
        return n;
      }
    }
    return null;
  }

  /** The last node in the lex range by a linear scan from the tail (`zzlLastInLexRange`). */
  lastInLexRangeLinear(r: LexRange): ZNode | null {
    if (!this.isInLexRange(r)) return null;
    let rank = this.length;
    for (let n = this.tail; n !== null; n = n.backward, rank--) {
      if (lexLteMax(n.ele, r)) {
        if (!lexGteMin(n.ele, r)) return null;
        this.foundRank = rank;
        return n;
      }
    }
    return null;
  }

  /** Deletes every node in the score range (`zslDeleteRangeByScore`); returns the count. */
  deleteRangeByScore(r: ScoreRange, dict: Map<string, ZNode>): number {
    const levels = this.level;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = fw(x, i);
      while (f !== null && (r.minex ? f.score <= r.min : f.score < r.min)) {
        x = f;
        f = fw(x, i);
      }
      update[i] = x;
    }
    let n = x.f0;
    let removed = 0;
    while (n !== null && scoreLteMax(n.score, r)) {
      const next: ZNode | null = n.f0;
      this.unlinkWithUpdate(n);
      dict.delete(n.ele);
      removed++;
      n = next;
    }
    releaseUpdate(levels);
    return removed;
  }

  /** Deletes the nodes of a lex range found by descent (`zslDeleteRangeByLex`); returns the count. */
  deleteRangeByLex(r: LexRange, dict: Map<string, ZNode>): number {
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = fw(x, i);
      while (f !== null && !lexGteMin(f.ele, r)) {
        x = f;
        f = fw(x, i);
      }
      update[i] = x;
    }
    return this.deleteWhileLexLteMax(x.f0, r, dict);
  }

  /** Deletes from the first node a linear scan finds in the lex range (`zzlDeleteRangeByLex`). */
  deleteRangeByLexLinear(r: LexRange, dict: Map<string, ZNode>): number {
    const first = this.firstInLexRangeLinear(r);
    if (first === null) return 0;
    this.findUpdate(first);
    return this.deleteWhileLexLteMax(first, r, dict);
  }

  private deleteWhileLexLteMax(n: ZNode | null, r: LexRange, dict: Map<string, ZNode>): number {
    const levels = this.level;
    let removed = 0;
    while (n !== null && lexLteMax(n.ele, r)) {
      const next: ZNode | null = n.f0;
      this.unlinkWithUpdate(n);
      dict.delete(n.ele);
      removed++;
      n = next;
    }
    releaseUpdate(levels);
    return removed;
  }

  /** Deletes the nodes of 1-based ranks start..end inclusive (`zslDeleteRangeByRank`); returns the count. */
  deleteRangeByRank(start: number, end: number, dict: Map<string, ZNode>): number {
    const levels = this.level;
    let x = this.header;
    let traversed = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = fw(x, i);
      while (f !== null && traversed + sp(x, i) < start) {
        traversed += sp(x, i);
        x = f;
        f = fw(x, i);
      }
      update[i] = x;
    }
    let n = x.f0;
    let removed = 0;
    for (let left = end - start + 1; n !== null && left > 0; left--) {
      const next: ZNode | null = n.f0;
      this.unlinkWithUpdate(n);
      dict.delete(n.ele);
      removed++;
      n = next;
    }
    releaseUpdate(levels);
    return removed;
  }

  /** A structural copy (same node levels) in O(n); fills `dict` with the new nodes. */
  clone(dict: Map<string, ZNode>): SkipList {
    const c = new SkipList();
    const last: ZNode[] = new Array(ZSKIPLIST_MAXLEVEL).fill(c.header);
    const lastRank: number[] = new Array(ZSKIPLIST_MAXLEVEL).fill(0);
    let prev: ZNode | null = null;
    let rank = 0;
    for (let n = this.header.f0; n !== null; n = n.f0) {
      rank++;
      const level = n.level;
      const m = new ZNode(n.ele, n.score, level);
      for (let i = 0; i < level; i++) {
        setFw(last[i], i, m);
        setSp(last[i], i, rank - lastRank[i]);
        last[i] = m;
        lastRank[i] = rank;
      }
      m.backward = prev;
      prev = m;
      dict.set(m.ele, m);
    }
    for (let i = 0; i < this.level; i++) setSp(last[i], i, rank - lastRank[i]);
    c.tail = prev;
    c.length = rank;
    c.level = this.level;
    c.bytes = this.bytes;
    return c;
  }
}

// ---------------------------------------------------------------------------
// Range-item parsers shared by the ZSET handlers (Redis's zslParseRange / zslParseLexRange).

/** A parsed score bound: the value and whether it is exclusive (`(`). */
export interface ScoreBound {
  value: number;
  ex: boolean;
}

const DECIMAL_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INF_RE = /^[+-]?inf(?:inity)?$/i;
const HEX_RE = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;

function isCSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/**
 * C's `strtod` requiring the whole string to be consumed, as Redis's
 * `zslParseRange` uses it: leading white space is skipped, hex floats and
 * `inf`/`infinity` are accepted, overflow gives ±inf, and the empty string is 0
 * (no conversion, nothing left over). The text ends at a NUL byte, as C strings do.
 * Returns undefined when invalid or NaN.
 */
export function strtodWhole(s: string): number | undefined {
  const nul = s.indexOf('\0');
  if (nul >= 0) s = s.slice(0, nul);
  if (s.length === 0) return 0;
  let i = 0;
  while (i < s.length && isCSpace(s.charCodeAt(i))) i++;
  if (i > 0) s = s.slice(i);
  if (DECIMAL_RE.test(s)) return Number(s);
  if (INF_RE.test(s)) return s.charCodeAt(0) === 45 ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  const m = HEX_RE.exec(s);
  if (m === null) return undefined;
  const int = m[2];
  const frac = m[3] ?? '';
  if (int.length === 0 && frac.length === 0) return undefined;
  let v = Number(BigInt(`0x${int}${frac}`));
  let e = (m[4] === undefined ? 0 : Number(m[4])) - 4 * frac.length;
  if (v !== 0) {
    while (e > 1000) {
      v *= 2 ** 1000;
      e -= 1000;
    }
    while (e < -1000) {
      v *= 2 ** -1000;
      e += 1000;
    }
    v *= 2 ** e;
  }
  return m[1] === '-' ? -v : v;
}

function argLatin1(arg: Arg): string {
  return typeof arg === 'string' ? arg : arg.toString('latin1');
}

/**
 * Parses one score bound of ZRANGEBYSCORE/ZCOUNT/ZREMRANGEBYSCORE/...: `1.5`,
 * `(1.5` (exclusive), `inf`, `-inf`, `+inf`; throws `ERR min or max is not a float`.
 */
export function parseScoreBound(arg: Arg): ScoreBound {
  const s = argLatin1(arg);
  const ex = s.charCodeAt(0) === 40;
  const v = strtodWhole(ex ? s.slice(1) : s);
  if (v === undefined) throw new ReplyError(Err.zsetMinMaxNotFloat);
  return { value: v, ex };
}

/** Parses a min/max pair of score bounds (Redis's `zslParseRange`). */
export function parseScoreRange(min: Arg, max: Arg): ScoreRange {
  const lo = parseScoreBound(min);
  const hi = parseScoreBound(max);
  return { min: lo.value, max: hi.value, minex: lo.ex, maxex: hi.ex };
}

const LEX_MINUS: LexBound = Object.freeze({ inf: -1, value: '', ex: true });
const LEX_PLUS: LexBound = Object.freeze({ inf: 1, value: '', ex: true });

/**
 * Parses one lex bound of ZRANGEBYLEX/ZLEXCOUNT/ZREMRANGEBYLEX (Redis's
 * `zslParseLexRangeItem`): `-`, `+`, `(member` (exclusive), `[member`
 * (inclusive); throws `ERR min or max not valid string range item`.
 */
export function parseLexBound(arg: Arg): LexBound {
  const c0 = arg.length === 0 ? -1 : typeof arg === 'string' ? arg.charCodeAt(0) : arg[0];
  const c1 = arg.length < 2 ? 0 : typeof arg === 'string' ? arg.charCodeAt(1) : arg[1];
  switch (c0) {
    case 43: // '+'
      if (c1 !== 0) break;
      return LEX_PLUS;
    case 45: // '-'
      if (c1 !== 0) break;
      return LEX_MINUS;
    case 40: // '('
    case 91: // '['
      return {
        inf: 0,
        value: typeof arg === 'string' ? arg.slice(1) : toKey(arg.subarray(1)),
        ex: c0 === 40,
      };
  }
  throw new ReplyError(Err.zsetMinMaxNotLex);
}

/** Parses a min/max pair of lex bounds (Redis's `zslParseLexRange`). */
export function parseLexRange(min: Arg, max: Arg): LexRange {
  return { min: parseLexBound(min), max: parseLexBound(max) };
}
