import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/engine/clock.js';
import type { Database } from '../../src/engine/database.js';
import { Engine } from '../../src/engine/engine.js';
import { NOTIFY_ALL, Notify } from '../../src/engine/notify.js';
import { Err, ReplyError } from '../../src/errors.js';
import {
  compareMembers,
  isBinaryMember,
  memberByteLength,
  randomLevel,
  type SkipList,
  seedSkiplistLevels,
  type ZNode,
  ZSKIPLIST_MAXLEVEL,
} from '../../src/types/skiplist.js';
import * as z from '../../src/types/zset.js';
import {
  type LexRange,
  memberValue,
  parseLexBound,
  parseLexRange,
  parseScoreBound,
  parseScoreRange,
  type ScoreRange,
  scanZSet,
  setZSetRandom,
  strtodWhole,
  ZADD_CH,
  ZADD_GT,
  ZADD_INCR,
  ZADD_LT,
  ZADD_NX,
  ZADD_OUT_ADDED,
  ZADD_OUT_NAN,
  ZADD_OUT_NOP,
  ZADD_OUT_UPDATED,
  ZADD_XX,
  ZSet,
  zsetLimits,
} from '../../src/types/zset.js';
import type { RedisValue } from '../../src/util/bytes.js';
import { toKey } from '../../src/util/bytes.js';
import { Glob } from '../../src/util/glob.js';

function throwsReply(fn: () => unknown, message: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(ReplyError);
  expect((caught as ReplyError).message).toBe(message);
}

/** The bytes of a canonical member string, computed independently of the code under test. */
function bytesOf(ele: string): Buffer {
  return ele.charCodeAt(0) === 0xd800 && ele.length > 1 && ele.charCodeAt(1) < 0xdc00
    ? Buffer.from(ele.slice(1), 'latin1')
    : Buffer.from(ele, 'utf8');
}

function fwAt(x: ZNode, i: number): ZNode | null {
  return i === 0
    ? x.f0
    : i === 1
      ? x.f1
      : i === 2
        ? x.f2
        : i === 3
          ? x.f3
          : (x.up![(i - 4) * 2] as ZNode | null);
}

function spAt(x: ZNode, i: number): number {
  return i === 0
    ? x.s0
    : i === 1
      ? x.s1
      : i === 2
        ? x.s2
        : i === 3
          ? x.s3
          : (x.up![(i - 4) * 2 + 1] as number);
}

/** Checks every structural invariant of a skiplist and its dict. */
function checkInvariants(zs: ZSet): void {
  const zsl: SkipList = zs.zsl;
  const nodes: ZNode[] = [];
  let prev: ZNode | null = null;
  for (let n = zsl.first; n !== null; n = n.next) {
    expect(n.backward).toBe(prev);
    if (prev !== null) {
      const order =
        prev.score < n.score ||
        (prev.score === n.score && Buffer.compare(bytesOf(prev.ele), bytesOf(n.ele)) < 0);
      expect(order).toBe(true);
    }
    expect(zs.dict.get(n.ele)).toBe(n);
    nodes.push(n);
    prev = n;
  }
  expect(zsl.tail).toBe(prev);
  expect(zsl.length).toBe(nodes.length);
  expect(zs.dict.size).toBe(nodes.length);
  const rankOf = new Map<ZNode, number>(nodes.map((n, i) => [n, i + 1]));
  rankOf.set(zsl.header, 0);
  let maxLevel = 1;
  for (const n of nodes) maxLevel = Math.max(maxLevel, n.level);
  expect(zsl.level).toBe(maxLevel);
  for (let i = 0; i < zsl.level; i++) {
    // Level i links exactly the nodes of level > i, in order, with spans = rank differences.
    let x: ZNode = zsl.header;
    const expected = nodes.filter((n) => n.level > i);
    for (const want of expected) {
      const f = fwAt(x, i);
      expect(f).toBe(want);
      expect(spAt(x, i)).toBe(rankOf.get(want)! - rankOf.get(x)!);
      x = want;
    }
    expect(fwAt(x, i)).toBe(null);
  }
  nodes.forEach((n, i) => {
    expect(zsl.rankOf(n)).toBe(i + 1);
    expect(zsl.byRank(i + 1)).toBe(n);
  });
  expect(zsl.byRank(0)).toBe(null);
  expect(zsl.byRank(nodes.length + 1)).toBe(null);
}

function contents(zs: ZSet): [RedisValue, number][] {
  return [...zs];
}

function build(pairs: [number, RedisValue][], listpack = true): ZSet {
  const zs = new ZSet(listpack);
  for (const [s, m] of pairs) zs.add(s, toKey(m), 0);
  return zs;
}

const all: ScoreRange = { min: -Infinity, max: Infinity, minex: false, maxex: false };
const sr = (min: number, max: number, minex = false, maxex = false): ScoreRange => ({
  min,
  max,
  minex,
  maxex,
});
const lr = (min: string, max: string): LexRange => parseLexRange(min, max);

describe('compareMembers', () => {
  it('orders ASCII like memcmp, shorter first on a common prefix', () => {
    expect(compareMembers('a', 'b')).toBeLessThan(0);
    expect(compareMembers('b', 'a')).toBeGreaterThan(0);
    expect(compareMembers('ab', 'abc')).toBeLessThan(0);
    expect(compareMembers('', 'a')).toBeLessThan(0);
    expect(compareMembers('abc', 'abc')).toBe(0);
    expect(compareMembers('B', 'a')).toBeLessThan(0);
  });

  it('orders by UTF-8 bytes, not UTF-16 units', () => {
    // U+FFFD is EF BF BD; U+1F600 is F0 9F 98 80: bytes put the emoji last, UTF-16 puts it first.
    expect('😀' < '\uFFFD').toBe(true);
    expect(compareMembers('😀', '\uFFFD')).toBeGreaterThan(0);
    expect(compareMembers('\uE000', '😀')).toBeLessThan(0);
    expect(compareMembers('😀', '😁')).toBeLessThan(0);
    expect(compareMembers('é', 'z')).toBeGreaterThan(0);
    expect(compareMembers('x😀', 'x\uFFFF')).toBeGreaterThan(0);
  });

  it('compares binary members by their bytes against text and each other', () => {
    const ff = toKey(Buffer.from([0xff]));
    const c3 = toKey(Buffer.from([0xc3]));
    expect(isBinaryMember(ff)).toBe(true);
    expect(compareMembers(ff, 'a')).toBeGreaterThan(0);
    expect(compareMembers(ff, '😀')).toBeGreaterThan(0); // FF > F0
    expect(compareMembers(c3, 'é')).toBeLessThan(0); // C3 < C3 A9
    expect(compareMembers('é', c3)).toBeGreaterThan(0);
    expect(compareMembers(c3, ff)).toBeLessThan(0);
    expect(compareMembers(toKey(Buffer.from([0x61, 0xff])), 'a')).toBeGreaterThan(0);
    expect(compareMembers(toKey(Buffer.from([0x61, 0xff])), 'b')).toBeLessThan(0);
    // A text member starting with an astral char in U+10000..U+103FF (D800 DC00..) is not binary.
    expect(isBinaryMember('\u{10000}')).toBe(false);
    expect(compareMembers('\u{10000}', ff)).toBeLessThan(0);
  });

  it('agrees with Buffer.compare on random bytes and strings (property)', () => {
    const member = fc.oneof(
      fc.uint8Array({ maxLength: 6 }).map((a) => Buffer.from(a) as RedisValue),
      fc.string({ unit: 'binary', maxLength: 5 }) as fc.Arbitrary<RedisValue>,
      fc.string({
        unit: fc.constantFrom('a', 'é', '\uFFFD', '😀', '\uE000', '\u{10000}', '\u00ff'),
        maxLength: 4,
      }),
    );
    fc.assert(
      fc.property(member, member, (a, b) => {
        const ka = toKey(a);
        const kb = toKey(b);
        // Lone surrogates have no UTF-8 form; they are not Redis strings.
        const text = (k: string) => isBinaryMember(k) || Buffer.from(k, 'utf8').toString('utf8') === k;
        if (!text(ka) || !text(kb)) return;
        const want = Math.sign(Buffer.compare(bytesOf(ka), bytesOf(kb)));
        expect(Math.sign(compareMembers(ka, kb))).toBe(want);
        expect(Math.sign(compareMembers(kb, ka)) + 0).toBe(-want + 0);
      }),
      { numRuns: 2000 },
    );
  });

  it('memberByteLength counts UTF-8 bytes and binary bytes', () => {
    expect(memberByteLength('abc')).toBe(3);
    expect(memberByteLength('é')).toBe(2);
    expect(memberByteLength('😀')).toBe(4);
    expect(memberByteLength(toKey(Buffer.from([0xff, 0xfe])))).toBe(2);
  });
});

describe('randomLevel', () => {
  it('is in 1..32 with P(level > k) ≈ 4^-k, reproducible by seed', () => {
    seedSkiplistLevels(42);
    const a = Array.from({ length: 50 }, randomLevel);
    seedSkiplistLevels(42);
    const b = Array.from({ length: 50 }, randomLevel);
    expect(a).toEqual(b);
    const counts = new Array(ZSKIPLIST_MAXLEVEL + 1).fill(0);
    for (let i = 0; i < 100_000; i++) counts[randomLevel()]++;
    expect(counts[0]).toBe(0);
    expect(counts[1] / 100_000).toBeCloseTo(0.75, 1);
    expect(counts[2] / 100_000).toBeCloseTo(0.1875, 1);
  });
});

describe('ZSet.add', () => {
  it('adds, updates, and reports Redis out flags', () => {
    const zs = new ZSet();
    expect(zs.add(1, 'a', 0)).toBe(ZADD_OUT_ADDED);
    expect(zs.newScore).toBe(1);
    expect(zs.add(1, 'a', 0)).toBe(0);
    expect(zs.add(2, 'a', 0)).toBe(ZADD_OUT_UPDATED);
    expect(zs.score('a')).toBe(2);
    expect(zs.add(Number.NaN, 'a', 0)).toBe(ZADD_OUT_NAN);
    expect(zs.score('a')).toBe(2);
  });

  it('NX / XX', () => {
    const zs = build([[1, 'a']]);
    expect(zs.add(5, 'a', ZADD_NX)).toBe(ZADD_OUT_NOP);
    expect(zs.add(5, 'b', ZADD_NX)).toBe(ZADD_OUT_ADDED);
    expect(zs.add(7, 'c', ZADD_XX)).toBe(ZADD_OUT_NOP);
    expect(zs.add(7, 'a', ZADD_XX)).toBe(ZADD_OUT_UPDATED);
    expect(contents(zs)).toEqual([
      ['b', 5],
      ['a', 7],
    ]);
  });

  it('GT / LT update only in their direction and still add new members', () => {
    const zs = build([[5, 'a']]);
    expect(zs.add(4, 'a', ZADD_GT)).toBe(ZADD_OUT_NOP);
    expect(zs.add(5, 'a', ZADD_GT)).toBe(ZADD_OUT_NOP);
    expect(zs.add(6, 'a', ZADD_GT)).toBe(ZADD_OUT_UPDATED);
    expect(zs.add(7, 'a', ZADD_LT)).toBe(ZADD_OUT_NOP);
    expect(zs.add(6, 'a', ZADD_LT)).toBe(ZADD_OUT_NOP);
    expect(zs.add(1, 'a', ZADD_LT)).toBe(ZADD_OUT_UPDATED);
    expect(zs.add(1, 'b', ZADD_GT)).toBe(ZADD_OUT_ADDED);
    expect(zs.add(9, 'c', ZADD_LT | ZADD_XX)).toBe(ZADD_OUT_NOP);
  });

  it('INCR adds to the score; GT/LT compare the incremented score; NaN results are refused', () => {
    const zs = build([[5, 'a']]);
    expect(zs.add(2, 'a', ZADD_INCR)).toBe(ZADD_OUT_UPDATED);
    expect(zs.newScore).toBe(7);
    expect(zs.add(-1, 'a', ZADD_INCR | ZADD_GT)).toBe(ZADD_OUT_NOP);
    expect(zs.add(1, 'a', ZADD_INCR | ZADD_GT)).toBe(ZADD_OUT_UPDATED);
    expect(zs.newScore).toBe(8);
    expect(zs.add(0, 'a', ZADD_INCR)).toBe(0);
    expect(zs.newScore).toBe(8);
    expect(zs.add(3, 'new', ZADD_INCR)).toBe(ZADD_OUT_ADDED);
    expect(zs.newScore).toBe(3);
    zs.add(Infinity, 'a', ZADD_INCR);
    expect(zs.score('a')).toBe(Infinity);
    expect(zs.add(-Infinity, 'a', ZADD_INCR)).toBe(ZADD_OUT_NAN);
    expect(zs.score('a')).toBe(Infinity);
  });

  it('keeps -0 in a skiplist and stores 0 in a listpack, as Redis', () => {
    const lp = new ZSet(true);
    lp.add(-0, 'm', 0);
    expect(Object.is(lp.score('m'), 0)).toBe(true);
    expect(Object.is(lp.newScore, -0)).toBe(true);
    const sl = new ZSet(false);
    sl.add(-0, 'm', 0);
    expect(Object.is(sl.score('m'), -0)).toBe(true);
    // 0 == -0: not an update, the stored -0 stays.
    expect(sl.add(0, 'm', 0)).toBe(0);
    expect(Object.is(sl.score('m'), -0)).toBe(true);
    expect(sl.add(0, 'm', ZADD_GT)).toBe(ZADD_OUT_NOP);
    expect(sl.add(0, 'm', ZADD_INCR)).toBe(0);
    expect(Object.is(sl.newScore, 0)).toBe(true);
    // -0 sorts with 0, ties by member.
    sl.add(0, 'a', 0);
    sl.add(-0, 'z', 0);
    expect(contents(sl).map(([m]) => m)).toEqual(['a', 'm', 'z']);
    // Converting to a listpack normalizes -0.
    sl.convertToListpackIfNeeded();
    expect(sl.encoding()).toBe('listpack');
    expect(Object.is(sl.score('m'), 0)).toBe(true);
  });
});

describe('encoding', () => {
  it('converts to skiplist past 128 entries or a member over 64 bytes, and never back', () => {
    const zs = new ZSet();
    for (let i = 0; i < 128; i++) zs.add(i, `m${i}`, 0);
    expect(zs.encoding()).toBe('listpack');
    zs.add(0, 'm0', 0); // an update does not count
    expect(zs.encoding()).toBe('listpack');
    zs.add(1000, 'one-more', 0);
    expect(zs.encoding()).toBe('skiplist');
    zs.removeRangeByRank(0, -2);
    expect(zs.size).toBe(1);
    expect(zs.encoding()).toBe('skiplist');

    const long = new ZSet();
    long.add(1, 'x'.repeat(64), 0);
    expect(long.encoding()).toBe('listpack');
    long.add(1, 'y'.repeat(65), 0);
    expect(long.encoding()).toBe('skiplist');
    long.remove('y'.repeat(65));
    expect(long.encoding()).toBe('skiplist');

    // Bytes, not chars: 33 × 'é' is 66 bytes.
    const utf = new ZSet();
    utf.add(1, 'é'.repeat(33), 0);
    expect(utf.encoding()).toBe('skiplist');
  });

  it('create follows the first member of the creating command, as Redis 7.0', () => {
    expect(ZSet.create(64).encoding()).toBe('listpack');
    expect(ZSet.create(65).encoding()).toBe('skiplist');
    const saved = { ...zsetLimits };
    try {
      zsetLimits.maxListpackEntries = 0;
      expect(ZSet.create(1).encoding()).toBe('skiplist');
    } finally {
      Object.assign(zsetLimits, saved);
    }
  });

  it('convertToListpackIfNeeded converts small sets only', () => {
    const zs = new ZSet(false);
    for (let i = 0; i < 129; i++) zs.add(i, `m${i}`, 0);
    zs.convertToListpackIfNeeded();
    expect(zs.encoding()).toBe('skiplist');
    zs.remove('m0');
    zs.convertToListpackIfNeeded(65);
    expect(zs.encoding()).toBe('skiplist');
    zs.convertToListpackIfNeeded();
    expect(zs.encoding()).toBe('listpack');
  });

  it('honours changed limits', () => {
    const saved = { ...zsetLimits };
    try {
      zsetLimits.maxListpackEntries = 2;
      const zs = new ZSet();
      zs.add(1, 'a', 0);
      zs.add(2, 'b', 0);
      expect(zs.encoding()).toBe('listpack');
      zs.add(3, 'c', 0);
      expect(zs.encoding()).toBe('skiplist');
    } finally {
      Object.assign(zsetLimits, saved);
    }
  });
});

describe('ranks and ranges', () => {
  const zs = build([
    [1, 'a'],
    [2, 'b'],
    [2, 'c'],
    [3, 'd'],
    [-Infinity, 'ninf'],
    [Infinity, 'pinf'],
  ]);

  it('rank / revRank / nodeAt', () => {
    expect(zs.rank('ninf')).toBe(0);
    expect(zs.rank('c')).toBe(3);
    expect(zs.rank('pinf')).toBe(5);
    expect(zs.rank('c', true)).toBe(2);
    expect(zs.rank('zz')).toBe(-1);
    expect(zs.nodeAt(0)!.ele).toBe('ninf');
    expect(zs.nodeAt(0, true)!.ele).toBe('pinf');
    expect(zs.nodeAt(6)).toBe(null);
  });

  it('rangeByRank sanitizes indexes like ZRANGE', () => {
    expect(zs.rangeByRank(0, -1).members).toEqual(['ninf', 'a', 'b', 'c', 'd', 'pinf']);
    expect(zs.rangeByRank(1, 2).scores).toEqual([1, 2]);
    expect(zs.rangeByRank(-2, -1).members).toEqual(['d', 'pinf']);
    expect(zs.rangeByRank(-100, 1).members).toEqual(['ninf', 'a']);
    expect(zs.rangeByRank(4, 100).members).toEqual(['d', 'pinf']);
    expect(zs.rangeByRank(3, 2).members).toEqual([]);
    expect(zs.rangeByRank(6, 10).members).toEqual([]);
    expect(zs.rangeByRank(0, -7).members).toEqual([]);
    expect(zs.rangeByRank(0, 1, true).members).toEqual(['pinf', 'd']);
    expect(zs.rangeByRank(-1, -1, true).members).toEqual(['ninf']);
  });

  it('rangeByScore with exclusive bounds, infinities, LIMIT and REV', () => {
    expect(zs.rangeByScore(sr(2, 3)).members).toEqual(['b', 'c', 'd']);
    expect(zs.rangeByScore(sr(2, 3, true)).members).toEqual(['d']);
    expect(zs.rangeByScore(sr(2, 3, false, true)).members).toEqual(['b', 'c']);
    expect(zs.rangeByScore(sr(2, 2, true, false)).members).toEqual([]);
    expect(zs.rangeByScore(sr(3, 2)).members).toEqual([]);
    expect(zs.rangeByScore(all).members.length).toBe(6);
    expect(zs.rangeByScore(sr(-Infinity, -Infinity)).members).toEqual(['ninf']);
    expect(zs.rangeByScore(sr(-Infinity, 1, true)).members).toEqual(['a']);
    expect(zs.rangeByScore(sr(Infinity, Infinity)).members).toEqual(['pinf']);
    expect(zs.rangeByScore(all, false, 1, 2).members).toEqual(['a', 'b']);
    expect(zs.rangeByScore(all, false, 5, 10).members).toEqual(['pinf']);
    expect(zs.rangeByScore(all, false, 6, 10).members).toEqual([]);
    expect(zs.rangeByScore(all, false, -1, 10).members).toEqual([]);
    expect(zs.rangeByScore(all, false, 0, 0).members).toEqual([]);
    expect(zs.rangeByScore(all, false, 2, -5).members).toEqual(['b', 'c', 'd', 'pinf']);
    expect(zs.rangeByScore(sr(1, 3), true).members).toEqual(['d', 'c', 'b', 'a']);
    expect(zs.rangeByScore(sr(1, 3), true, 1, 2).members).toEqual(['c', 'b']);
    expect(zs.rangeByScore(sr(1, 3), true, 3, 2).members).toEqual(['a']);
    expect(zs.rangeByScore(sr(1, 3), true, 4, 2).members).toEqual([]);
  });

  it('count', () => {
    expect(zs.count(all)).toBe(6);
    expect(zs.count(sr(2, 2))).toBe(2);
    expect(zs.count(sr(2, 2, true))).toBe(0);
    expect(zs.count(sr(1.5, 100))).toBe(3);
    expect(zs.count(sr(5, 1))).toBe(0);
    expect(new ZSet().count(all)).toBe(0);
  });
});

describe('lex ranges', () => {
  const members = ['', 'a', 'aa', 'ab', 'b', 'é', '😀', '\uFFFD'];
  const bin = toKey(Buffer.from([0xff, 0x00]));
  const mk = (listpack: boolean) => {
    const zs = new ZSet(listpack);
    for (const m of members) zs.add(0, m, 0);
    zs.add(0, bin, 0);
    return zs;
  };

  for (const listpack of [true, false]) {
    it(`ranges, counts and REV/LIMIT (${listpack ? 'listpack' : 'skiplist'})`, () => {
      const zs = mk(listpack);
      const order = ['', 'a', 'aa', 'ab', 'b', 'é', '\uFFFD', '😀', bin];
      expect(zs.rangeByLex(lr('-', '+')).members.map((m) => toKey(m))).toEqual(order);
      expect(zs.rangeByLex(lr('[a', '[b')).members).toEqual(['a', 'aa', 'ab', 'b']);
      expect(zs.rangeByLex(lr('(a', '(b')).members).toEqual(['aa', 'ab']);
      expect(zs.rangeByLex(lr('[', '(a')).members).toEqual(['']);
      expect(zs.rangeByLex(lr('(', '(a')).members).toEqual([]);
      expect(zs.rangeByLex(lr('[b', '[a')).members).toEqual([]);
      expect(zs.rangeByLex(lr('+', '-')).members).toEqual([]);
      expect(zs.rangeByLex(lr('-', '-')).members).toEqual([]);
      expect(zs.rangeByLex(lr('+', '+')).members).toEqual([]);
      expect(zs.rangeByLex(lr('[a', '[a')).members).toEqual(['a']);
      expect(zs.rangeByLex(lr('(a', '[a')).members).toEqual([]);
      expect(zs.rangeByLex(lr('(é', '+')).members.map((m) => toKey(m))).toEqual(['\uFFFD', '😀', bin]);
      expect(zs.rangeByLex(lr('-', '+'), false, 2, 3).members).toEqual(['aa', 'ab', 'b']);
      expect(zs.rangeByLex(lr('-', '+'), false, -1, 3).members).toEqual([]);
      expect(zs.rangeByLex(lr('-', '+'), false, 9, 3).members).toEqual([]);
      expect(zs.rangeByLex(lr('[a', '[b'), true).members).toEqual(['b', 'ab', 'aa', 'a']);
      expect(zs.rangeByLex(lr('[a', '[b'), true, 1, 2).members).toEqual(['ab', 'aa']);
      expect(zs.lexCount(lr('-', '+'))).toBe(9);
      expect(zs.lexCount(lr('[a', '(b'))).toBe(3);
      expect(zs.lexCount(lr('(b', '[a'))).toBe(0);
      expect(zs.lexCount(lr('[zzz', '+'))).toBe(4);
      const binary = zs.rangeByLex(lr('[\uFFFD', '+')).members;
      expect(binary[2]).toEqual(Buffer.from([0xff, 0x00]));
    });

    it(`removeRangeByLex (${listpack ? 'listpack' : 'skiplist'})`, () => {
      const zs = mk(listpack);
      expect(zs.removeRangeByLex(lr('[a', '(b'))).toBe(3);
      expect(zs.rangeByLex(lr('-', '(c')).members).toEqual(['', 'b']);
      expect(zs.removeRangeByLex(lr('(b', '[a'))).toBe(0);
      expect(zs.removeRangeByLex(lr('-', '+'))).toBe(6);
      expect(zs.size).toBe(0);
      checkInvariants(zs);
    });
  }

  it('mixed scores: a listpack scans linearly, as Redis (ZRANGEBYLEX on unequal scores)', () => {
    // Redis 7.0 (listpack): ZADD k 1 b 2 a 3 c 4 d; ZRANGEBYLEX k [a [c → b a c: the scan starts at
    // the first member >= [a ('b') and stops at the first one > [c ('d').
    const zs = build([
      [1, 'b'],
      [2, 'a'],
      [3, 'c'],
      [4, 'd'],
    ]);
    expect(zs.rangeByLex(lr('[a', '[c')).members).toEqual(['b', 'a', 'c']);
    expect(zs.rangeByLex(lr('[b', '[c')).members).toEqual(['b', 'a', 'c']);
    expect(zs.rangeByLex(lr('[c', '[d'), true).members).toEqual(['d', 'c']);
    expect(zs.lexCount(lr('[a', '[c'))).toBe(3);
  });
});

describe('removals, pops, random members', () => {
  it('removeRangeByRank / ByScore', () => {
    const zs = build(Array.from({ length: 20 }, (_, i) => [i, `m${i}`] as [number, string]));
    expect(zs.removeRangeByRank(0, 1)).toBe(2);
    expect(zs.removeRangeByRank(-2, -1)).toBe(2);
    expect(zs.removeRangeByRank(5, 2)).toBe(0);
    expect(zs.removeRangeByRank(100, 200)).toBe(0);
    expect(zs.rangeByRank(0, 0).members).toEqual(['m2']);
    expect(zs.removeRangeByScore(sr(5, 7, true))).toBe(2);
    expect(zs.removeRangeByScore(sr(10, 9))).toBe(0);
    expect(zs.removeRangeByScore(sr(-Infinity, 3))).toBe(2);
    expect(zs.rangeByRank(0, -1).members).toEqual([
      'm4',
      'm5',
      'm8',
      'm9',
      'm10',
      'm11',
      'm12',
      'm13',
      'm14',
      'm15',
      'm16',
      'm17',
    ]);
    checkInvariants(zs);
  });

  it('pop min / max', () => {
    const zs = build([
      [3, 'c'],
      [1, 'a'],
      [2, 'b'],
    ]);
    expect(zs.pop(false, 1)).toEqual({ members: ['a'], scores: [1] });
    expect(zs.pop(true, 5)).toEqual({ members: ['c', 'b'], scores: [3, 2] });
    expect(zs.pop(true, 1)).toEqual({ members: [], scores: [] });
    expect(zs.size).toBe(0);
  });

  it('random members: repetition, distinctness and whole-set cases', () => {
    let seed = 1;
    setZSetRandom(() => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    });
    try {
      for (const listpack of [true, false]) {
        const zs = new ZSet(listpack);
        for (let i = 0; i < 100; i++) zs.add(i, `m${i}`, 0);
        expect(zs.randomMembers(0).members).toEqual([]);
        const rep = zs.randomMembers(-300);
        expect(rep.members.length).toBe(300);
        for (let i = 0; i < 300; i++) expect(zs.score(rep.members[i] as string)).toBe(rep.scores[i]);
        expect(new Set(rep.members).size).toBeLessThan(300);
        for (const count of [1, 2, 10, 33, 34, 60, 99]) {
          const r = zs.randomMembers(count);
          expect(r.members.length).toBe(count);
          expect(new Set(r.members).size).toBe(count);
          for (let i = 0; i < count; i++) expect(zs.score(r.members[i] as string)).toBe(r.scores[i]);
        }
        expect(zs.randomMembers(100).members).toEqual(zs.rangeByRank(0, -1, true).members);
        expect(zs.randomMembers(1000).members.length).toBe(100);
        expect(zs.score(memberValue(zs.randomNode()!.ele) as string)).toBeDefined();
      }
      expect(new ZSet().randomNode()).toBe(null);
      expect(new ZSet().randomMembers(-5).members).toEqual([]);
      // Every member is reachable by the sparse (Floyd) sampler.
      const big = new ZSet(false);
      for (let i = 0; i < 1000; i++) big.add(i, `m${i}`, 0);
      const seen = new Set<RedisValue>();
      for (let k = 0; k < 400; k++) for (const m of big.randomMembers(20).members) seen.add(m);
      expect(seen.size).toBeGreaterThan(990);
    } finally {
      setZSetRandom(null);
    }
  });

  it('clone is a deep, independent structural copy', () => {
    seedSkiplistLevels(7);
    const zs = new ZSet(false);
    for (let i = 0; i < 500; i++) zs.add(i % 7, `m${i}`, 0);
    const c = zs.clone() as ZSet;
    checkInvariants(c);
    expect(contents(c)).toEqual(contents(zs));
    expect(c.encoding()).toBe('skiplist');
    c.add(100, 'm1', 0);
    c.remove('m2');
    expect(zs.score('m1')).toBe(1);
    expect(zs.has('m2')).toBe(true);
    checkInvariants(zs);
    checkInvariants(c);
    expect((new ZSet().clone() as ZSet).size).toBe(0);
  });

  it('iterates in order with member values', () => {
    const bin = Buffer.from([0xfe]);
    const zs = build([
      [2, bin],
      [1, 'x'],
    ]);
    expect(contents(zs)).toEqual([
      ['x', 1],
      [bin, 2],
    ]);
    const seen: [string, number][] = [];
    zs.forEach((e, s) => {
      seen.push([e, s]);
    });
    expect(seen).toEqual([
      ['x', 1],
      [toKey(bin), 2],
    ]);
  });
});

describe('scanZSet', () => {
  it('returns a listpack whole, scores as the listpack holds them', () => {
    const zs = build([
      [2 ** 62, 'a'],
      [2 ** 62 + 1024, 'b'],
      [-(2 ** 62), 'c'],
      [1.5, 'd'],
      [2 ** 53 + 2, 'e'],
      [-0, 'f'],
      [Infinity, 'g'],
    ]);
    expect(scanZSet(zs, 7, { count: 1 })).toEqual([
      0,
      [
        'c',
        '-4611686018427387904',
        'f',
        '0',
        'd',
        '1.5',
        'e',
        '9007199254740994',
        'a',
        '4611686018427387904',
        'b',
        '4.6116860184273889e+18',
        'g',
        'inf',
      ],
    ]);
    expect(scanZSet(zs, 0, { count: 10, match: new Glob('[ab]') })[1]).toEqual([
      'a',
      '4611686018427387904',
      'b',
      '4.6116860184273889e+18',
    ]);
  });

  it('pages a skiplist through the shared cursors and sees every member once', () => {
    const zs = new ZSet(false);
    for (let i = 0; i < 300; i++) zs.add(i === 7 ? -0 : i + 0.5, `m${i}`, 0);
    const seen = new Map<RedisValue, RedisValue>();
    let cursor: number | bigint = 0;
    let calls = 0;
    do {
      const [next, items] = scanZSet(zs, cursor, { count: 10 });
      for (let i = 0; i < items.length; i += 2) {
        expect(seen.has(items[i])).toBe(false);
        seen.set(items[i], items[i + 1]);
      }
      cursor = next;
      calls++;
    } while (cursor !== 0 && calls < 1000);
    expect(seen.size).toBe(300);
    expect(seen.get('m7')).toBe('-0');
    expect(seen.get('m1')).toBe('1.5');
    const [, matched] = scanZSet(zs, 0, { count: 1000, match: new Glob('m1?') });
    expect(matched.filter((_, i) => i % 2 === 0).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `m1${i}`).sort(),
    );
  });
});

describe('parsers', () => {
  it('strtodWhole follows strtod on the whole string', () => {
    expect(strtodWhole('')).toBe(0);
    expect(strtodWhole(' 1')).toBe(1);
    expect(strtodWhole('\t2')).toBe(2);
    expect(strtodWhole('1 ')).toBe(undefined);
    expect(strtodWhole(' ')).toBe(undefined);
    expect(strtodWhole('1e400')).toBe(Infinity);
    expect(strtodWhole('-1e400')).toBe(-Infinity);
    expect(strtodWhole('1e-400')).toBe(0);
    expect(strtodWhole('0x2')).toBe(2);
    expect(strtodWhole('0x1p3')).toBe(8);
    expect(strtodWhole('-0x.8')).toBe(-0.5);
    expect(strtodWhole('0x')).toBe(undefined);
    expect(strtodWhole('inf')).toBe(Infinity);
    expect(strtodWhole('+inf')).toBe(Infinity);
    expect(strtodWhole('-INF')).toBe(-Infinity);
    expect(strtodWhole('Infinity')).toBe(Infinity);
    expect(strtodWhole('infin')).toBe(undefined);
    expect(strtodWhole('nan')).toBe(undefined);
    expect(strtodWhole('1,5')).toBe(undefined);
    expect(strtodWhole('++1')).toBe(undefined);
    expect(strtodWhole('1e')).toBe(undefined);
    expect(strtodWhole('.5')).toBe(0.5);
    expect(strtodWhole('5.')).toBe(5);
    expect(strtodWhole('.')).toBe(undefined);
    expect(strtodWhole('-')).toBe(undefined);
    expect(Object.is(strtodWhole('-0'), -0)).toBe(true);
    expect(strtodWhole('2\0x')).toBe(2);
  });

  it('parseScoreBound / parseScoreRange', () => {
    expect(parseScoreBound('(1.5')).toEqual({ value: 1.5, ex: true });
    expect(parseScoreBound('1.5')).toEqual({ value: 1.5, ex: false });
    expect(parseScoreBound('(')).toEqual({ value: 0, ex: true });
    expect(parseScoreBound('( 2')).toEqual({ value: 2, ex: true });
    expect(parseScoreBound('-inf')).toEqual({ value: -Infinity, ex: false });
    expect(parseScoreBound(Buffer.from('(3'))).toEqual({ value: 3, ex: true });
    expect(parseScoreBound(Buffer.from([0x32, 0x00, 0xff]))).toEqual({ value: 2, ex: false });
    throwsReply(() => parseScoreBound('nan'), Err.zsetMinMaxNotFloat);
    throwsReply(() => parseScoreBound('(nan'), Err.zsetMinMaxNotFloat);
    throwsReply(() => parseScoreBound(' (1'), Err.zsetMinMaxNotFloat);
    throwsReply(() => parseScoreBound('abc'), Err.zsetMinMaxNotFloat);
    throwsReply(() => parseScoreRange('1', 'x'), 'ERR min or max is not a float');
    expect(parseScoreRange('(1', '+inf')).toEqual({ min: 1, max: Infinity, minex: true, maxex: false });
  });

  it('parseLexBound / parseLexRange', () => {
    expect(parseLexBound('-')).toMatchObject({ inf: -1, ex: true });
    expect(parseLexBound('+')).toMatchObject({ inf: 1, ex: true });
    expect(parseLexBound('+\0x')).toMatchObject({ inf: 1 });
    expect(parseLexBound(Buffer.from([0x2d, 0x00, 0x41]))).toMatchObject({ inf: -1 });
    expect(parseLexBound('(a')).toEqual({ inf: 0, value: 'a', ex: true });
    expect(parseLexBound('[')).toEqual({ inf: 0, value: '', ex: false });
    expect(parseLexBound('[é')).toEqual({ inf: 0, value: 'é', ex: false });
    expect(parseLexBound(Buffer.from([0x5b, 0xff]))).toEqual({
      inf: 0,
      value: toKey(Buffer.from([0xff])),
      ex: false,
    });
    expect(parseLexBound(Buffer.from('(é'))).toEqual({ inf: 0, value: 'é', ex: true });
    for (const bad of ['', 'a', '+x', '-x', '++', ' [a']) {
      throwsReply(() => parseLexBound(bad), 'ERR min or max not valid string range item');
    }
    throwsReply(() => parseLexRange('[a', 'b'), Err.zsetMinMaxNotLex);
  });

  it('checkZaddFlags in Redis order', () => {
    throwsReply(() => z.checkZaddFlags(ZADD_NX | ZADD_XX | ZADD_GT | ZADD_INCR, 2), Err.zaddNxXx);
    throwsReply(() => z.checkZaddFlags(ZADD_GT | ZADD_LT | ZADD_INCR, 2), Err.zaddGtLtNx);
    throwsReply(() => z.checkZaddFlags(ZADD_GT | ZADD_NX, 1), Err.zaddGtLtNx);
    throwsReply(() => z.checkZaddFlags(ZADD_LT | ZADD_NX, 1), Err.zaddGtLtNx);
    throwsReply(() => z.checkZaddFlags(ZADD_INCR, 2), Err.zaddIncrPair);
    z.checkZaddFlags(ZADD_XX | ZADD_GT | ZADD_CH | ZADD_INCR, 1);
  });
});

describe('keyspace ops', () => {
  let engine: Engine;
  let db: Database;
  let events: string[];
  let modified: string[];

  beforeEach(() => {
    engine = new Engine({ clock: new ManualClock(), activeExpiry: false });
    db = engine.dbs[0];
    events = [];
    modified = [];
    engine.notifyFlags = NOTIFY_ALL | Notify.newKey | Notify.keyspace | Notify.keyevent;
    engine.onNotify((_type, event, key) => events.push(`${event}:${key}`));
    engine.onKeyModified((_db, key) => modified.push(key));
  });
  afterEach(() => engine.close());

  it('zadd creates the key with the hinted encoding and counts added / changed', () => {
    expect(z.zadd(db, 'k', [1, 2], ['a', 'b'])).toBe(2);
    expect(events).toEqual(['new:k', 'zadd:k']);
    expect(modified).toEqual(['k']);
    expect(z.zadd(db, 'k', [1, 3, 4], ['a', 'b', 'c'])).toBe(1);
    expect(z.zadd(db, 'k', [5, 6, 7], ['a', 'b', 'd'], ZADD_CH)).toBe(3);
    expect(z.zadd(db, 'k', [5], ['a'], ZADD_CH)).toBe(0);
    expect(events).toEqual(['new:k', 'zadd:k', 'zadd:k', 'zadd:k']);
    expect(z.zrangeByRank(db, 'k', 0, -1)).toEqual({ members: ['c', 'a', 'b', 'd'], scores: [4, 5, 6, 7] });
    // Redis 7.0 creates a listpack unless the first member is long; 130 pairs of one member stay one.
    const scores = new Array(130).fill(1);
    const members = new Array(130).fill('m');
    z.zadd(db, 'dup', scores, members);
    expect((db.peek('dup') as ZSet).encoding()).toBe('listpack');
    z.zadd(db, 'small', [1, 2], ['a', 'b']);
    expect((db.peek('small') as ZSet).encoding()).toBe('listpack');
    // -0 before a long member went through the listpack (stored 0); after it, the skiplist keeps -0.
    const long = 'x'.repeat(65);
    z.zadd(db, 'long', [-0, 1, -0], ['a', long, 'b']);
    expect((db.peek('long') as ZSet).encoding()).toBe('skiplist');
    expect(Object.is(z.zscore(db, 'long', 'a'), 0)).toBe(true);
    expect(Object.is(z.zscore(db, 'long', 'b'), -0)).toBe(true);
    z.zadd(db, 'long2', [1, -0], [Buffer.from(long), 'a']);
    expect(Object.is(z.zscore(db, 'long2', 'a'), -0)).toBe(true);
    const many = Array.from({ length: 129 }, (_, i) => `m${i}`);
    z.zadd(db, 'many', new Array(129).fill(-0), many);
    expect((db.peek('many') as ZSet).encoding()).toBe('skiplist');
    expect(Object.is(z.zscore(db, 'many', 'm0'), 0)).toBe(true);
    expect(Object.is(z.zscore(db, 'many', 'm128'), -0)).toBe(true);
  });

  it('zadd XX on a missing key creates nothing; no change means no event', () => {
    expect(z.zadd(db, 'k', [1], ['a'], ZADD_XX)).toBe(0);
    expect(z.zaddIncr(db, 'k', 1, 'a', ZADD_XX)).toBe(null);
    expect(z.zaddOne(db, 'k', 1, 'a', ZADD_XX)).toBe(0);
    expect(db.has('k')).toBe(false);
    expect(events).toEqual([]);
    expect(z.zaddOne(db, 'k', 1, 'a')).toBe(1);
    expect(z.zaddOne(db, 'k', 1, 'a')).toBe(0);
    expect(z.zaddOne(db, 'k', 2, 'a')).toBe(0);
    expect(z.zaddOne(db, 'k', 3, 'a', ZADD_CH)).toBe(1);
    expect(z.zaddOne(db, 'k', 3, 'a', ZADD_CH)).toBe(0);
    expect(z.zaddOne(db, 'k', 1, 'a', ZADD_GT | ZADD_CH)).toBe(0);
    expect(events).toEqual(['new:k', 'zadd:k', 'zadd:k', 'zadd:k']);
  });

  it('zadd validates input', () => {
    throwsReply(() => z.zadd(db, 'k', [], []), Err.syntax);
    throwsReply(() => z.zadd(db, 'k', [1], ['a'], ZADD_NX | ZADD_XX), Err.zaddNxXx);
    throwsReply(() => z.zadd(db, 'k', [Number.NaN], ['a']), Err.notFloat);
    throwsReply(() => z.zaddOne(db, 'k', 1, 'a', ZADD_GT | ZADD_LT), Err.zaddGtLtNx);
    expect(db.has('k')).toBe(false);
  });

  it('zaddIncr / zincrby: new score, null when prevented, NaN error', () => {
    expect(z.zincrby(db, 'k', 2.5, 'a')).toBe(2.5);
    expect(events).toEqual(['new:k', 'zincr:k']);
    expect(z.zincrby(db, 'k', 2.5, 'a')).toBe(5);
    expect(z.zaddIncr(db, 'k', 1, 'a', ZADD_NX)).toBe(null);
    expect(z.zaddIncr(db, 'k', -1, 'a', ZADD_GT)).toBe(null);
    expect(z.zaddIncr(db, 'k', 1, 'a', ZADD_GT)).toBe(6);
    expect(z.zaddIncr(db, 'k', 1, 'b', ZADD_XX)).toBe(null);
    expect(z.zincrby(db, 'k', 0, 'a')).toBe(6);
    expect(events).toEqual(['new:k', 'zincr:k', 'zincr:k', 'zincr:k']);
    z.zincrby(db, 'k', Infinity, 'a');
    throwsReply(() => z.zincrby(db, 'k', -Infinity, 'a'), Err.zsetScoreNaN);
    expect(z.zscore(db, 'k', 'a')).toBe(Infinity);
    // -0: the reply is the computed score, a listpack stores 0.
    expect(Object.is(z.zincrby(db, 'n', -0, 'm'), -0)).toBe(true);
    expect(Object.is(z.zscore(db, 'n', 'm'), 0)).toBe(true);
  });

  it('WRONGTYPE on a string key', () => {
    db.set('s', 'text');
    throwsReply(() => z.zadd(db, 's', [1], ['a']), Err.wrongType);
    throwsReply(() => z.zscore(db, 's', 'a'), Err.wrongType);
    throwsReply(() => z.zrangeByRank(db, 's', 0, -1), Err.wrongType);
    throwsReply(() => z.zpop(db, 's', false, 0), Err.wrongType);
    throwsReply(() => z.zrem(db, 's', ['a']), Err.wrongType);
    throwsReply(() => z.zcard(db, 's'), Err.wrongType);
  });

  it('zrem deletes the emptied key with zrem then del events', () => {
    z.zadd(db, 'k', [1, 2], ['a', 'b']);
    events.length = 0;
    expect(z.zrem(db, 'k', ['x'])).toBe(0);
    expect(z.zrem(db, 'k', ['a', 'x'])).toBe(1);
    expect(events).toEqual(['zrem:k']);
    expect(z.zrem(db, 'k', ['b', 'a'])).toBe(1);
    expect(events).toEqual(['zrem:k', 'zrem:k', 'del:k']);
    expect(db.has('k')).toBe(false);
    expect(z.zrem(db, 'k', ['b'])).toBe(0);
  });

  it('zremrange* events and key deletion', () => {
    z.zadd(db, 'k', [1, 2, 3, 4], ['a', 'b', 'c', 'd']);
    events.length = 0;
    expect(z.zremRangeByRank(db, 'k', 0, 0)).toBe(1);
    expect(z.zremRangeByScore(db, 'k', sr(2, 2))).toBe(1);
    expect(z.zremRangeByScore(db, 'k', sr(20, 30))).toBe(0);
    expect(z.zremRangeByLex(db, 'k', lr('-', '+'))).toBe(2);
    expect(events).toEqual(['zremrangebyrank:k', 'zremrangebyscore:k', 'zremrangebylex:k', 'del:k']);
    expect(z.zremRangeByRank(db, 'k', 0, -1)).toBe(0);
  });

  it('zpop events; count 0 pops nothing', () => {
    z.zadd(db, 'k', [1, 2, 3], ['a', 'b', 'c']);
    events.length = 0;
    expect(z.zpop(db, 'k', false, 0)).toEqual({ members: [], scores: [] });
    expect(z.zpop(db, 'k', true, 1)).toEqual({ members: ['c'], scores: [3] });
    expect(z.zpop(db, 'k', false, 10)).toEqual({ members: ['a', 'b'], scores: [1, 2] });
    expect(events).toEqual(['zpopmax:k', 'zpopmin:k', 'del:k']);
    expect(z.zpop(db, 'missing', false, 1)).toEqual({ members: [], scores: [] });
  });

  it('read ops on present and missing keys', () => {
    z.zadd(db, 'k', [1, 2, 2], ['a', 'b', Buffer.from([0xff])]);
    expect(z.zcard(db, 'k')).toBe(3);
    expect(z.zcard(db, 'nope')).toBe(0);
    expect(z.zscore(db, 'k', Buffer.from('a'))).toBe(1);
    expect(z.zscore(db, 'k', Buffer.from([0xff]))).toBe(2);
    expect(z.zscore(db, 'nope', 'a')).toBe(null);
    expect(z.zmscore(db, 'k', ['a', 'zz', 'b'])).toEqual([1, null, 2]);
    expect(z.zmscore(db, 'nope', ['a'])).toEqual([null]);
    expect(z.zrank(db, 'k', 'b')).toBe(1);
    expect(z.zrank(db, 'k', Buffer.from([0xff]), true)).toBe(0);
    expect(z.zrank(db, 'k', 'x')).toBe(null);
    expect(z.zrank(db, 'nope', 'x')).toBe(null);
    expect(z.zcount(db, 'k', sr(2, 2))).toBe(2);
    expect(z.zcount(db, 'nope', all)).toBe(0);
    expect(z.zlexcount(db, 'k', lr('-', '+'))).toBe(3);
    expect(z.zlexcount(db, 'nope', lr('-', '+'))).toBe(0);
    expect(z.zrangeByScore(db, 'k', sr(2, 2), true).members).toEqual([Buffer.from([0xff]), 'b']);
    expect(z.zrangeByScore(db, 'nope', all).members).toEqual([]);
    expect(z.zrangeByLex(db, 'k', lr('[b', '+'), false, 0, 1).members).toEqual(['b']);
    expect(z.zrangeByLex(db, 'nope', lr('-', '+')).members).toEqual([]);
    expect(z.zrangeByRank(db, 'nope', 0, -1).members).toEqual([]);
    const r = z.zrandmember(db, 'k');
    expect(r === 'a' || r === 'b' || Buffer.isBuffer(r)).toBe(true);
    expect(z.zrandmember(db, 'nope')).toBe(null);
    expect(z.zrandmemberCount(db, 'k', 5).members.length).toBe(3);
    expect(z.zrandmemberCount(db, 'nope', 5).members).toEqual([]);
    expect(engine.stats.keyspaceHits).toBeGreaterThan(0);
    expect(engine.stats.keyspaceMisses).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------
// Model-based property tests: a naive sorted array against the skiplist.

interface Item {
  ele: string;
  score: number;
}

class Model {
  items: Item[] = [];
  listpack = true;

  static cmp(a: Item, b: Item): number {
    if (a.score < b.score) return -1;
    if (a.score > b.score) return 1;
    return Buffer.compare(bytesOf(a.ele), bytesOf(b.ele));
  }

  find(ele: string): number {
    return this.items.findIndex((i) => i.ele === ele);
  }

  add(score: number, ele: string, flags: number): { out: number; newScore?: number } {
    const at = this.find(ele);
    const norm = (s: number) => (this.listpack ? s + 0 : s);
    if (at >= 0) {
      if (flags & ZADD_NX) return { out: ZADD_OUT_NOP };
      const cur = this.items[at].score;
      let s = score;
      if (flags & ZADD_INCR) {
        s += cur;
        if (Number.isNaN(s)) return { out: ZADD_OUT_NAN };
      }
      if ((flags & ZADD_LT && s >= cur) || (flags & ZADD_GT && s <= cur)) return { out: ZADD_OUT_NOP };
      if (s === cur) return { out: 0, newScore: s };
      this.items[at].score = norm(s);
      this.items.sort(Model.cmp);
      return { out: ZADD_OUT_UPDATED, newScore: s };
    }
    if (flags & ZADD_XX) return { out: ZADD_OUT_NOP };
    if (
      this.listpack &&
      (this.items.length + 1 > zsetLimits.maxListpackEntries ||
        bytesOf(ele).length > zsetLimits.maxListpackValue)
    ) {
      this.listpack = false;
    }
    this.items.push({ ele, score: norm(score) });
    this.items.sort(Model.cmp);
    return { out: ZADD_OUT_ADDED, newScore: score };
  }

  view(items: Item[]): { members: RedisValue[]; scores: number[] } {
    return { members: items.map((i) => memberValue(i.ele)), scores: items.map((i) => i.score) };
  }

  inScore(s: number, r: ScoreRange): boolean {
    return (r.minex ? s > r.min : s >= r.min) && (r.maxex ? s < r.max : s <= r.max);
  }

  inLex(ele: string, r: LexRange): boolean {
    const c = (b: LexRange['min']) => (b.inf !== 0 ? -b.inf : Buffer.compare(bytesOf(ele), bytesOf(b.value)));
    const lo = c(r.min);
    const hi = c(r.max);
    return (r.min.ex ? lo > 0 : lo >= 0) && (r.max.ex ? hi < 0 : hi <= 0);
  }

  limit(items: Item[], offset: number, count: number): Item[] {
    if (offset < 0) return [];
    return items.slice(offset, count < 0 ? undefined : offset + count);
  }

  rankRange(start: number, end: number): [number, number] | null {
    const len = this.items.length;
    if (start < 0) start += len;
    if (end < 0) end += len;
    if (start < 0) start = 0;
    if (start > end || start >= len) return null;
    if (end >= len) end = len - 1;
    return [start, end];
  }
}

const memberPool: RedisValue[] = [
  '',
  'a',
  'b',
  'ab',
  'abc',
  'é',
  '\uFFFD',
  '😀',
  '\uE000',
  '\u{10000}',
  'x'.repeat(65),
  Buffer.from([0xff]),
  Buffer.from([0xc3]),
  Buffer.from([0x61, 0xff]),
  Buffer.from([0xf0, 0x9f]),
];
const memberArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...memberPool) },
  { weight: 1, arbitrary: fc.string({ maxLength: 3 }) },
);
const scoreArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(-Infinity, -2, -0, 0, 1, 1.5, 2, 3, Infinity) },
  { weight: 1, arbitrary: fc.double({ noNaN: true }) },
);
const flagsArb = fc.constantFrom(
  0,
  ZADD_NX,
  ZADD_XX,
  ZADD_GT,
  ZADD_LT,
  ZADD_XX | ZADD_GT,
  ZADD_XX | ZADD_LT,
  ZADD_INCR,
  ZADD_INCR | ZADD_GT,
  ZADD_INCR | ZADD_XX,
);
const boundArb = fc.tuple(scoreArb, fc.boolean());
const scoreRangeArb = fc
  .tuple(boundArb, boundArb)
  .map(([[min, minex], [max, maxex]]): ScoreRange => ({ min, max, minex, maxex }));
const lexBoundArb = fc.oneof(
  fc.constantFrom('-', '+'),
  fc
    .tuple(fc.constantFrom('(', '['), memberArb)
    .map(([p, m]) => (typeof m === 'string' ? p + m : Buffer.concat([Buffer.from(p), m]))),
);
const lexRangeArb = fc.tuple(lexBoundArb, lexBoundArb).map(([a, b]) => parseLexRange(a, b));
const indexArb = fc.integer({ min: -12, max: 12 });
const offsetArb = fc.integer({ min: -2, max: 12 });
const countArb = fc.integer({ min: -2, max: 12 });

type Op =
  | { t: 'add'; score: number; m: RedisValue; flags: number }
  | { t: 'rem'; m: RedisValue }
  | { t: 'rank'; m: RedisValue; rev: boolean }
  | { t: 'byRank'; start: number; end: number; rev: boolean }
  | { t: 'byScore'; r: ScoreRange; rev: boolean; offset: number; count: number }
  | { t: 'count'; r: ScoreRange }
  | { t: 'byLex'; r: LexRange; rev: boolean; offset: number; count: number }
  | { t: 'lexCount'; r: LexRange }
  | { t: 'remRank'; start: number; end: number }
  | { t: 'remScore'; r: ScoreRange }
  | { t: 'remLex'; r: LexRange }
  | { t: 'pop'; max: boolean; count: number };

function opsArb(equalScores: boolean): fc.Arbitrary<Op[]> {
  const score = equalScores ? fc.constant(0) : scoreArb;
  const flags = equalScores ? fc.constantFrom(0, ZADD_NX, ZADD_XX) : flagsArb;
  const common: fc.Arbitrary<Op>[] = [
    fc.record({ t: fc.constant('add' as const), score, m: memberArb, flags }),
    fc.record({ t: fc.constant('add' as const), score, m: memberArb, flags }),
    fc.record({ t: fc.constant('add' as const), score, m: memberArb, flags }),
    fc.record({ t: fc.constant('rem' as const), m: memberArb }),
    fc.record({ t: fc.constant('rank' as const), m: memberArb, rev: fc.boolean() }),
    fc.record({ t: fc.constant('byRank' as const), start: indexArb, end: indexArb, rev: fc.boolean() }),
    fc.record({ t: fc.constant('remRank' as const), start: indexArb, end: indexArb }),
    fc.record({ t: fc.constant('pop' as const), max: fc.boolean(), count: fc.integer({ min: 0, max: 3 }) }),
  ];
  const scoreOps: fc.Arbitrary<Op>[] = [
    fc.record({
      t: fc.constant('byScore' as const),
      r: scoreRangeArb,
      rev: fc.boolean(),
      offset: offsetArb,
      count: countArb,
    }),
    fc.record({ t: fc.constant('count' as const), r: scoreRangeArb }),
    fc.record({ t: fc.constant('remScore' as const), r: scoreRangeArb }),
  ];
  const lexOps: fc.Arbitrary<Op>[] = [
    fc.record({
      t: fc.constant('byLex' as const),
      r: lexRangeArb,
      rev: fc.boolean(),
      offset: offsetArb,
      count: countArb,
    }),
    fc.record({ t: fc.constant('lexCount' as const), r: lexRangeArb }),
    fc.record({ t: fc.constant('remLex' as const), r: lexRangeArb }),
  ];
  return fc.array(fc.oneof(...common, ...(equalScores ? lexOps : scoreOps)), { maxLength: 60 });
}

function sameScores(got: number[], want: number[]): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < got.length; i++) expect(Object.is(got[i], want[i])).toBe(true);
}

function runOps(ops: Op[], listpack: boolean): void {
  const zs = new ZSet(listpack);
  const model = new Model();
  model.listpack = listpack;
  for (const op of ops) {
    switch (op.t) {
      case 'add': {
        const ele = toKey(op.m);
        const want = model.add(op.score, ele, op.flags);
        const out = zs.add(op.score, ele, op.flags);
        expect(out).toBe(want.out);
        if (want.newScore !== undefined) expect(Object.is(zs.newScore, want.newScore)).toBe(true);
        break;
      }
      case 'rem': {
        const ele = toKey(op.m);
        const at = model.find(ele);
        if (at >= 0) model.items.splice(at, 1);
        expect(zs.remove(ele)).toBe(at >= 0);
        break;
      }
      case 'rank': {
        const at = model.find(toKey(op.m));
        const want = at < 0 ? -1 : op.rev ? model.items.length - 1 - at : at;
        expect(zs.rank(toKey(op.m), op.rev)).toBe(want);
        break;
      }
      case 'byRank': {
        const rr = model.rankRange(op.start, op.end);
        const src = op.rev ? [...model.items].reverse() : model.items;
        const want = model.view(rr === null ? [] : src.slice(rr[0], rr[1] + 1));
        const got = zs.rangeByRank(op.start, op.end, op.rev);
        expect(got.members).toEqual(want.members);
        sameScores(got.scores, want.scores);
        break;
      }
      case 'byScore': {
        let items = model.items.filter((i) => model.inScore(i.score, op.r));
        if (op.rev) items = items.reverse();
        const want = model.view(model.limit(items, op.offset, op.count));
        const got = zs.rangeByScore(op.r, op.rev, op.offset, op.count);
        expect(got.members).toEqual(want.members);
        sameScores(got.scores, want.scores);
        break;
      }
      case 'count':
        expect(zs.count(op.r)).toBe(model.items.filter((i) => model.inScore(i.score, op.r)).length);
        break;
      case 'byLex': {
        let items = model.items.filter((i) => model.inLex(i.ele, op.r));
        if (op.rev) items = items.reverse();
        const want = model.view(model.limit(items, op.offset, op.count));
        expect(zs.rangeByLex(op.r, op.rev, op.offset, op.count).members).toEqual(want.members);
        break;
      }
      case 'lexCount':
        expect(zs.lexCount(op.r)).toBe(model.items.filter((i) => model.inLex(i.ele, op.r)).length);
        break;
      case 'remRank': {
        const rr = model.rankRange(op.start, op.end);
        const n = rr === null ? 0 : rr[1] - rr[0] + 1;
        if (rr !== null) model.items.splice(rr[0], n);
        expect(zs.removeRangeByRank(op.start, op.end)).toBe(n);
        break;
      }
      case 'remScore': {
        const before = model.items.length;
        model.items = model.items.filter((i) => !model.inScore(i.score, op.r));
        expect(zs.removeRangeByScore(op.r)).toBe(before - model.items.length);
        break;
      }
      case 'remLex': {
        const before = model.items.length;
        model.items = model.items.filter((i) => !model.inLex(i.ele, op.r));
        expect(zs.removeRangeByLex(op.r)).toBe(before - model.items.length);
        break;
      }
      case 'pop': {
        const n = Math.min(op.count, model.items.length);
        const want = op.max
          ? model.items.splice(model.items.length - n, n).reverse()
          : model.items.splice(0, n);
        const got = zs.pop(op.max, op.count);
        expect(got.members).toEqual(model.view(want).members);
        sameScores(got.scores, model.view(want).scores);
        break;
      }
    }
    expect(zs.encoding()).toBe(model.listpack ? 'listpack' : 'skiplist');
  }
  checkInvariants(zs);
  const all = contents(zs);
  expect(all.map(([m]) => m)).toEqual(model.view(model.items).members);
  sameScores(
    all.map(([, s]) => s),
    model.items.map((i) => i.score),
  );
}

describe('model-based properties', () => {
  afterEach(() => {
    zsetLimits.maxListpackEntries = 128;
    zsetLimits.maxListpackValue = 64;
  });

  it('random ops with mixed scores match a sorted-array model', () => {
    seedSkiplistLevels(1234);
    fc.assert(
      fc.property(opsArb(false), fc.boolean(), fc.boolean(), (ops, listpack, smallLimits) => {
        zsetLimits.maxListpackEntries = smallLimits ? 4 : 128;
        runOps(ops, listpack);
      }),
      { numRuns: 400 },
    );
  });

  it('random ops with equal scores (lex ranges) match the model', () => {
    fc.assert(
      fc.property(opsArb(true), fc.boolean(), (ops, listpack) => runOps(ops, listpack)),
      { numRuns: 400 },
    );
  });

  it('large sets keep their invariants through heavy churn', () => {
    seedSkiplistLevels(99);
    const zs = new ZSet(false);
    const model = new Map<string, number>();
    let seed = 5;
    const rnd = (n: number) => {
      seed = (seed * 48271) % 2147483647;
      return seed % n;
    };
    for (let i = 0; i < 20_000; i++) {
      const ele = `m${rnd(3000)}`;
      const k = rnd(10);
      if (k < 6) {
        const s = rnd(50) - 25;
        zs.add(s, ele, 0);
        model.set(ele, s);
      } else if (k < 8) {
        const inc = rnd(3) - 1;
        zs.add(inc, ele, ZADD_INCR);
        model.set(ele, (model.get(ele) ?? 0) + inc);
      } else {
        zs.remove(ele);
        model.delete(ele);
      }
    }
    checkInvariants(zs);
    const want = [...model.entries()]
      .map(([ele, score]) => ({ ele, score }))
      .sort(Model.cmp)
      .map((i) => i.ele);
    expect(zs.rangeByRank(0, -1).members).toEqual(want);
  });
});
