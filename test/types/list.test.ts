import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/engine/clock.js';
import type { Database } from '../../src/engine/database.js';
import { Engine } from '../../src/engine/engine.js';
import { NOTIFY_ALL } from '../../src/engine/notify.js';
import { Err, ReplyError } from '../../src/errors.js';
import { Deque, MIN_CAPACITY } from '../../src/types/deque.js';
import * as list from '../../src/types/list.js';
import { LPOS_RANK_INT64_MIN, RedisList } from '../../src/types/list.js';

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

/** Checks the ring's structural invariants. */
function checkInvariants<T>(d: Deque<T>): void {
  const cap = d.capacity;
  expect(cap & (cap - 1)).toBe(0);
  expect(cap).toBeGreaterThanOrEqual(MIN_CAPACITY);
  expect(d.length).toBeLessThanOrEqual(cap);
  // Shrinking keeps more than a quarter of the ring in use, down to the minimum size.
  if (cap > MIN_CAPACITY) expect(d.length * 4).toBeGreaterThan(cap);
}

describe('Deque', () => {
  it('pushes and pops at both ends', () => {
    const d = new Deque<number>();
    d.pushBack(1);
    d.pushBack(2);
    d.pushFront(0);
    d.pushFront(-1);
    expect(d.toArray()).toEqual([-1, 0, 1, 2]);
    expect(d.popFront()).toBe(-1);
    expect(d.popBack()).toBe(2);
    expect(d.toArray()).toEqual([0, 1]);
    expect(d.popBack()).toBe(1);
    expect(d.popBack()).toBe(0);
    expect(d.popBack()).toBeUndefined();
    expect(d.popFront()).toBeUndefined();
    expect(d.length).toBe(0);
  });

  it('wraps around the ring without growing', () => {
    const d = new Deque<number>(4);
    for (let round = 0; round < 20; round++) {
      d.pushBack(round);
      d.pushBack(round + 100);
      expect(d.popFront()).toBe(round);
      expect(d.popFront()).toBe(round + 100);
    }
    d.pushFront(1);
    d.pushFront(2);
    d.pushBack(3);
    expect(d.toArray()).toEqual([2, 1, 3]);
    expect(d.capacity).toBe(4);
  });

  it('grows by doubling and shrinks once a quarter full', () => {
    const d = new Deque<number>();
    for (let i = 0; i < 1000; i++) d.pushFront(i);
    expect(d.capacity).toBe(1024);
    expect(d.at(0)).toBe(999);
    expect(d.at(999)).toBe(0);
    for (let i = 0; i < 990; i++) d.popBack();
    expect(d.length).toBe(10);
    expect(d.capacity).toBeLessThanOrEqual(64);
    expect(d.toArray()).toEqual([999, 998, 997, 996, 995, 994, 993, 992, 991, 990]);
    d.dropFront(9);
    expect(d.capacity).toBe(MIN_CAPACITY);
    expect(d.toArray()).toEqual([990]);
  });

  it('indexes and sets in O(1), rejecting out-of-range positions', () => {
    const d = new Deque<string>();
    for (const c of 'abcdef') d.pushBack(c);
    d.popFront();
    d.pushBack('g');
    expect(d.at(0)).toBe('b');
    expect(d.at(5)).toBe('g');
    expect(d.at(6)).toBeUndefined();
    expect(d.at(-1)).toBeUndefined();
    expect(d.set(5, 'G')).toBe(true);
    expect(d.set(6, 'x')).toBe(false);
    expect(d.set(-1, 'x')).toBe(false);
    expect(d.toArray()).toEqual(['b', 'c', 'd', 'e', 'f', 'G']);
  });

  it('inserts and removes in the middle shifting either side', () => {
    const d = new Deque<number>();
    for (let i = 0; i < 8; i++) d.pushBack(i);
    d.insert(1, 10); // near the head
    d.insert(8, 20); // near the tail
    d.insert(0, 30);
    d.insert(d.length, 40);
    expect(d.toArray()).toEqual([30, 0, 10, 1, 2, 3, 4, 5, 6, 20, 7, 40]);
    expect(d.removeAt(2)).toBe(10);
    expect(d.removeAt(9)).toBe(7);
    expect(d.removeAt(0)).toBe(30);
    expect(d.removeAt(d.length - 1)).toBe(40);
    expect(d.removeAt(99)).toBeUndefined();
    expect(d.toArray()).toEqual([0, 1, 2, 3, 4, 5, 6, 20]);
    expect(() => d.insert(99, 1)).toThrow(RangeError);
  });

  it('removes matching elements from either end with a limit', () => {
    const make = () => {
      const d = new Deque<number>();
      for (const v of [1, 2, 1, 3, 1, 4, 1]) d.pushBack(v);
      return d;
    };
    let d = make();
    expect(d.removeWhere((v) => v === 1, 2, false)).toBe(2);
    expect(d.toArray()).toEqual([2, 3, 1, 4, 1]);
    d = make();
    expect(d.removeWhere((v) => v === 1, 2, true)).toBe(2);
    expect(d.toArray()).toEqual([1, 2, 1, 3, 4]);
    d = make();
    expect(d.removeWhere((v) => v === 1, 0, true)).toBe(4);
    expect(d.toArray()).toEqual([2, 3, 4]);
    d = make();
    expect(d.removeWhere((v) => v === 9, 0, false)).toBe(0);
    expect(d.toArray()).toEqual([1, 2, 1, 3, 1, 4, 1]);
    expect(new Deque<number>().removeWhere(() => true, 0, false)).toBe(0);
    for (const tail of [false, true]) {
      d = new Deque<number>();
      for (let i = 0; i < 100; i++) d.pushBack(i);
      expect(d.removeWhere((v) => v >= 10, 0, tail)).toBe(90);
      expect(d.capacity).toBe(32);
      expect(d.toArray()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }
  });

  it('pops many from either end in pop order', () => {
    const d = new Deque<number>();
    for (let i = 0; i < 6; i++) d.pushBack(i);
    expect(d.popFrontMany(2)).toEqual([0, 1]);
    expect(d.popBackMany(2)).toEqual([5, 4]);
    expect(d.popBackMany(10)).toEqual([3, 2]);
    expect(d.length).toBe(0);
    expect(d.popFrontMany(3)).toEqual([]);
  });

  it('slices with clamped bounds and clears', () => {
    const d = new Deque<number>();
    for (let i = 0; i < 5; i++) d.pushFront(i);
    expect(d.slice(-3, 2)).toEqual([4, 3]);
    expect(d.slice(3, 99)).toEqual([1, 0]);
    expect(d.slice(4, 2)).toEqual([]);
    d.clear();
    expect(d.length).toBe(0);
    expect(d.capacity).toBe(MIN_CAPACITY);
    d.pushAllBack([7, 8, 9]);
    expect(d.toArray()).toEqual([7, 8, 9]);
  });

  it('matches a plain array under random operation sequences (wraparound, growth, shrink)', () => {
    const op = fc.oneof(
      fc.record({ k: fc.constant('pushBack' as const), v: fc.integer() }),
      fc.record({ k: fc.constant('pushFront' as const), v: fc.integer() }),
      fc.record({ k: fc.constant('pushMany' as const), n: fc.integer({ min: 1, max: 70 }) }),
      fc.record({ k: fc.constant('popFront' as const) }),
      fc.record({ k: fc.constant('popBack' as const) }),
      fc.record({ k: fc.constant('popFrontMany' as const), n: fc.nat(80) }),
      fc.record({ k: fc.constant('popBackMany' as const), n: fc.nat(80) }),
      fc.record({ k: fc.constant('insert' as const), i: fc.nat(), v: fc.integer() }),
      fc.record({ k: fc.constant('removeAt' as const), i: fc.nat() }),
      fc.record({ k: fc.constant('set' as const), i: fc.integer({ min: -3, max: 200 }), v: fc.integer() }),
      fc.record({ k: fc.constant('at' as const), i: fc.integer({ min: -3, max: 200 }) }),
      fc.record({
        k: fc.constant('removeWhere' as const),
        m: fc.nat(5), // 5 matches everything
        limit: fc.nat(5),
        tail: fc.boolean(),
      }),
      fc.record({ k: fc.constant('drop' as const), front: fc.nat(40), back: fc.nat(40) }),
      fc.record({ k: fc.constant('slice' as const), s: fc.integer({ min: -5, max: 150 }), e: fc.nat(150) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
        const d = new Deque<number>();
        const model: number[] = [];
        let next = 0;
        for (const o of ops) {
          switch (o.k) {
            case 'pushBack':
              d.pushBack(o.v);
              model.push(o.v);
              break;
            case 'pushFront':
              d.pushFront(o.v);
              model.unshift(o.v);
              break;
            case 'pushMany':
              for (let j = 0; j < o.n; j++) {
                d.pushBack(next);
                model.push(next++);
              }
              break;
            case 'popFront':
              expect(d.popFront()).toBe(model.shift());
              break;
            case 'popBack':
              expect(d.popBack()).toBe(model.pop());
              break;
            case 'popFrontMany':
              expect(d.popFrontMany(o.n)).toEqual(model.splice(0, o.n));
              break;
            case 'popBackMany': {
              const n = Math.min(o.n, model.length);
              expect(d.popBackMany(o.n)).toEqual(model.splice(model.length - n, n).reverse());
              break;
            }
            case 'insert': {
              const i = o.i % (model.length + 1);
              d.insert(i, o.v);
              model.splice(i, 0, o.v);
              break;
            }
            case 'removeAt': {
              if (model.length === 0) {
                expect(d.removeAt(0)).toBeUndefined();
                break;
              }
              const i = o.i % model.length;
              expect(d.removeAt(i)).toBe(model.splice(i, 1)[0]);
              break;
            }
            case 'set':
              expect(d.set(o.i, o.v)).toBe(o.i >= 0 && o.i < model.length);
              if (o.i >= 0 && o.i < model.length) model[o.i] = o.v;
              break;
            case 'at':
              expect(d.at(o.i)).toBe(o.i >= 0 ? model[o.i] : undefined);
              break;
            case 'removeWhere': {
              const match = (v: number) => o.m === 5 || ((v % 5) + 5) % 5 === o.m;
              let removed = 0;
              if (o.tail) {
                for (let j = model.length - 1; j >= 0; j--) {
                  if ((o.limit === 0 || removed < o.limit) && match(model[j])) {
                    model.splice(j, 1);
                    removed++;
                  }
                }
              } else {
                for (let j = 0; j < model.length; ) {
                  if ((o.limit === 0 || removed < o.limit) && match(model[j])) {
                    model.splice(j, 1);
                    removed++;
                  } else j++;
                }
              }
              expect(d.removeWhere(match, o.limit, o.tail)).toBe(removed);
              break;
            }
            case 'drop': {
              d.dropFront(o.front);
              model.splice(0, o.front);
              d.dropBack(o.back);
              model.splice(Math.max(0, model.length - o.back), o.back);
              break;
            }
            case 'slice':
              expect(d.slice(o.s, o.e)).toEqual(model.slice(Math.max(0, o.s), o.e));
              break;
          }
          expect(d.length).toBe(model.length);
          checkInvariants(d);
        }
        expect(d.toArray()).toEqual(model);
      }),
      { numRuns: 300 },
    );
  });
});

describe('list ops', () => {
  let engine: Engine;
  let db: Database;
  let events: string[];
  let modifiedKeys: string[];
  const clock = new ManualClock();

  beforeEach(() => {
    engine = new Engine({ clock, activeExpiry: false });
    db = engine.dbs[0];
    events = [];
    modifiedKeys = [];
    engine.notifyFlags = NOTIFY_ALL;
    engine.onNotify((_type, event, key) => events.push(`${event}:${key}`));
    engine.onKeyModified((_db, key) => modifiedKeys.push(key));
  });
  afterEach(() => engine.close());

  const contents = (key: string) => list.range(db, key, 0, -1);

  describe('RedisList', () => {
    it('reports type list and Redis 7.0 encoding quicklist at any size', () => {
      const l = RedisList.from(['a']);
      expect(l.type).toBe('list');
      expect(l.encoding()).toBe('quicklist');
      const big = RedisList.from(Array.from({ length: 500 }, (_, i) => 'x'.repeat(i)));
      expect(big.encoding()).toBe('quicklist');
    });

    it('clones into an independent ring', () => {
      const l = RedisList.from(['a', 'b']);
      const c = l.clone();
      c.pushBack('c');
      l.popFront();
      expect(l.toArray()).toEqual(['b']);
      expect(c.toArray()).toEqual(['a', 'b', 'c']);
      expect(c).toBeInstanceOf(RedisList);
    });
  });

  describe('push', () => {
    it('creates the key, returns the new length, LPUSH reverses its arguments', () => {
      expect(list.push(db, 'l', ['a', 'b', 'c'], true)).toBe(3);
      expect(contents('l')).toEqual(['c', 'b', 'a']);
      expect(list.push(db, 'l', ['d', 'e'], false)).toBe(5);
      expect(contents('l')).toEqual(['c', 'b', 'a', 'd', 'e']);
      expect(events).toEqual(['lpush:l', 'rpush:l']);
      expect(modifiedKeys).toEqual(['l', 'l']);
    });

    it('skips the first `start` values (argv offset)', () => {
      expect(list.push(db, 'l', ['LPUSH', 'l', 'x', 'y'], false, 2)).toBe(2);
      expect(contents('l')).toEqual(['x', 'y']);
    });

    it('with no values does nothing', () => {
      expect(list.push(db, 'l', [], true)).toBe(0);
      expect(db.has('l')).toBe(false);
      list.push(db, 'l', ['a'], true);
      expect(list.push(db, 'l', ['a'], true, 1)).toBe(1);
      expect(events).toEqual(['lpush:l']);
    });

    it('pushOne pushes a single value at either end', () => {
      expect(list.pushOne(db, 'l', 'b', true)).toBe(1);
      expect(list.pushOne(db, 'l', 'a', true)).toBe(2);
      expect(list.pushOne(db, 'l', 'c', false)).toBe(3);
      expect(contents('l')).toEqual(['a', 'b', 'c']);
      expect(events).toEqual(['lpush:l', 'lpush:l', 'rpush:l']);
    });

    it('keeps the TTL of an existing list; a new list has none', () => {
      list.push(db, 'l', ['a'], true);
      db.setExpire('l', clock.now() + 10_000);
      list.pushOne(db, 'l', 'b', false);
      list.push(db, 'l', ['c'], true);
      expect(db.getExpire('l')).toBe(clock.now() + 10_000);
      clock.advance(10_001);
      expect(list.pushOne(db, 'l', 'z', false)).toBe(1);
      expect(db.getExpire('l')).toBeUndefined();
    });

    it('throws WRONGTYPE on a string key', () => {
      db.set('s', 'v');
      throwsReply(() => list.push(db, 's', ['a'], true), Err.wrongType);
      throwsReply(() => list.pushOne(db, 's', 'a', true), Err.wrongType);
      throwsReply(() => list.pushX(db, 's', ['a'], true), Err.wrongType);
      expect(events).toEqual([]);
    });

    it('PUSHX pushes only onto an existing list', () => {
      expect(list.pushX(db, 'l', ['a'], true)).toBe(0);
      expect(db.has('l')).toBe(false);
      list.push(db, 'l', ['a'], true);
      expect(list.pushX(db, 'l', ['b', 'c'], true)).toBe(3);
      expect(list.pushX(db, 'l', ['d'], false)).toBe(4);
      expect(contents('l')).toEqual(['c', 'b', 'a', 'd']);
      expect(events).toEqual(['lpush:l', 'lpush:l', 'rpush:l']);
    });

    it('stores Buffers as given and returns the same object', () => {
      const b = Buffer.from([0xff, 0x00]);
      list.pushOne(db, 'l', b, false);
      expect(list.index(db, 'l', 0)).toBe(b);
      expect(list.popOne(db, 'l', true)).toBe(b);
    });
  });

  describe('pop', () => {
    it('pops from either end, null when absent, deleting the emptied key', () => {
      expect(list.popOne(db, 'l', true)).toBeNull();
      list.push(db, 'l', ['a', 'b', 'c'], false);
      events = [];
      modifiedKeys = [];
      expect(list.popOne(db, 'l', true)).toBe('a');
      expect(list.popOne(db, 'l', false)).toBe('c');
      expect(list.popOne(db, 'l', false)).toBe('b');
      expect(db.has('l')).toBe(false);
      expect(list.popOne(db, 'l', false)).toBeNull();
      expect(events).toEqual(['lpop:l', 'rpop:l', 'rpop:l', 'del:l']);
      expect(modifiedKeys).toEqual(['l', 'l', 'l']);
    });

    it('with a count returns arrays in pop order', () => {
      list.push(db, 'l', ['a', 'b', 'c', 'd', 'e'], false);
      events = [];
      expect(list.popCount(db, 'l', 2, true)).toEqual(['a', 'b']);
      expect(list.popCount(db, 'l', 2, false)).toEqual(['e', 'd']);
      expect(list.popCount(db, 'l', 0, false)).toEqual([]);
      expect(list.popCount(db, 'l', 100, false)).toEqual(['c']);
      expect(db.has('l')).toBe(false);
      expect(list.popCount(db, 'l', 1, false)).toBeNull();
      expect(list.popCount(db, 'l', 0, false)).toBeNull();
      expect(events).toEqual(['lpop:l', 'rpop:l', 'rpop:l', 'del:l']);
    });

    it('rejects a negative count and other types', () => {
      throwsReply(() => list.popCount(db, 'l', -1, true), Err.mustBePositive);
      db.set('s', 'v');
      throwsReply(() => list.popOne(db, 's', true), Err.wrongType);
      throwsReply(() => list.popCount(db, 's', 0, true), Err.wrongType);
    });
  });

  describe('mpop', () => {
    it('pops from the first non-empty key', () => {
      list.push(db, 'b', ['1', '2', '3'], false);
      list.push(db, 'c', ['x'], false);
      events = [];
      expect(list.mpop(db, ['a', 'b', 'c'], true, 2)).toEqual(['b', ['1', '2']]);
      expect(list.mpop(db, ['a', 'b', 'c'], false, 5)).toEqual(['b', ['3']]);
      expect(list.mpop(db, ['a', 'b', 'c'], false)).toEqual(['c', ['x']]);
      expect(list.mpop(db, ['a', 'b', 'c'], false)).toBeNull();
      expect(events).toEqual(['lpop:b', 'rpop:b', 'del:b', 'rpop:c', 'del:c']);
    });

    it('throws WRONGTYPE when it reaches a key of another type, and rejects count < 1', () => {
      db.set('s', 'v');
      list.push(db, 'l', ['a'], false);
      throwsReply(() => list.mpop(db, ['missing', 's', 'l'], true), Err.wrongType);
      expect(list.mpop(db, ['l', 's'], true)).toEqual(['l', ['a']]);
      throwsReply(() => list.mpop(db, ['l'], true, 0), Err.countPositive);
    });
  });

  describe('move', () => {
    it('moves between lists in all four directions', () => {
      list.push(db, 's', ['a', 'b', 'c'], false);
      list.push(db, 'd', ['x'], false);
      expect(list.move(db, 's', 'd', true, true)).toBe('a');
      expect(list.move(db, 's', 'd', false, false)).toBe('c');
      expect(list.move(db, 'd', 's', true, false)).toBe('a');
      expect(list.move(db, 'd', 's', false, true)).toBe('c');
      expect(contents('s')).toEqual(['c', 'b', 'a']);
      expect(contents('d')).toEqual(['x']);
    });

    it('creates the destination, deletes the emptied source, emits push then pop then del', () => {
      list.push(db, 's', ['a'], false);
      db.setExpire('s', clock.now() + 5000);
      events = [];
      modifiedKeys = [];
      expect(list.move(db, 's', 'd', false, true)).toBe('a');
      expect(db.has('s')).toBe(false);
      expect(contents('d')).toEqual(['a']);
      expect(db.getExpire('d')).toBeUndefined();
      expect(events).toEqual(['lpush:d', 'rpop:s', 'del:s']);
      expect(modifiedKeys).toEqual(['d', 's']);
    });

    it('rotates when source and destination are the same key', () => {
      list.push(db, 'l', ['a', 'b', 'c'], false);
      events = [];
      expect(list.move(db, 'l', 'l', false, true)).toBe('c');
      expect(contents('l')).toEqual(['c', 'a', 'b']);
      expect(list.move(db, 'l', 'l', true, false)).toBe('c');
      expect(contents('l')).toEqual(['a', 'b', 'c']);
      expect(events).toEqual(['lpush:l', 'rpop:l', 'rpush:l', 'lpop:l']);
      list.trim(db, 'l', 0, 0);
      expect(list.move(db, 'l', 'l', true, true)).toBe('a');
      expect(contents('l')).toEqual(['a']);
    });

    it('returns null for a missing source and leaves the source alone on WRONGTYPE', () => {
      expect(list.move(db, 'nope', 'd', true, true)).toBeNull();
      expect(db.has('d')).toBe(false);
      db.set('str', 'v');
      list.push(db, 's', ['a'], false);
      throwsReply(() => list.move(db, 's', 'str', true, true), Err.wrongType);
      expect(contents('s')).toEqual(['a']);
      throwsReply(() => list.move(db, 'str', 's', true, true), Err.wrongType);
      expect(list.move(db, 'nope', 'str', true, true)).toBeNull();
    });
  });

  describe('reads', () => {
    it('LLEN', () => {
      expect(list.len(db, 'l')).toBe(0);
      list.push(db, 'l', ['a', 'b'], true);
      expect(list.len(db, 'l')).toBe(2);
      db.set('s', 'v');
      throwsReply(() => list.len(db, 's'), Err.wrongType);
    });

    it('LRANGE normalises indexes as Redis does', () => {
      list.push(db, 'l', ['a', 'b', 'c', 'd', 'e'], false);
      const cases: [number, number, string[]][] = [
        [0, -1, ['a', 'b', 'c', 'd', 'e']],
        [0, 0, ['a']],
        [1, 3, ['b', 'c', 'd']],
        [-2, -1, ['d', 'e']],
        [-100, 1, ['a', 'b']],
        [-100, -100, []],
        [3, 100, ['d', 'e']],
        [5, 10, []],
        [4, 4, ['e']],
        [3, 2, []],
        [-1, -2, []],
        [2, -3, ['c']],
        [0, -6, []],
        [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, ['a', 'b', 'c', 'd', 'e']],
      ];
      for (const [start, stop, want] of cases) expect(list.range(db, 'l', start, stop)).toEqual(want);
      expect(list.range(db, 'missing', 0, -1)).toEqual([]);
    });

    it('LRANGE returns a fresh array', () => {
      list.push(db, 'l', ['a', 'b'], false);
      const r = list.range(db, 'l', 0, -1);
      r.push('zzz');
      expect(contents('l')).toEqual(['a', 'b']);
    });

    it('LINDEX with negative and out-of-range indexes, parsing after the lookup', () => {
      list.push(db, 'l', ['a', 'b', 'c'], false);
      expect(list.index(db, 'l', 0)).toBe('a');
      expect(list.index(db, 'l', -1)).toBe('c');
      expect(list.index(db, 'l', -3)).toBe('a');
      expect(list.index(db, 'l', -4)).toBeNull();
      expect(list.index(db, 'l', 3)).toBeNull();
      expect(list.index(db, 'l', '1')).toBe('b');
      expect(list.index(db, 'l', '9223372036854775807')).toBeNull();
      throwsReply(() => list.index(db, 'l', 'abc'), Err.notInteger);
      expect(list.index(db, 'missing', 'abc')).toBeNull();
      db.set('s', 'v');
      throwsReply(() => list.index(db, 's', 'abc'), Err.wrongType);
    });

    it('LPOS finds matches by rank, count and maxlen', () => {
      list.push(db, 'l', ['a', 'b', 'c', '1', '2', '3', 'c', 'c'], false);
      expect(list.pos(db, 'l', 'c')).toBe(2);
      expect(list.pos(db, 'l', 'c', 2)).toBe(6);
      expect(list.pos(db, 'l', 'c', -1)).toBe(7);
      expect(list.pos(db, 'l', 'c', -3)).toBe(2);
      expect(list.pos(db, 'l', 'c', 4)).toBeNull();
      expect(list.pos(db, 'l', 'z')).toBeNull();
      expect(list.pos(db, 'l', 'c', 1, 2)).toBeNull();
      expect(list.pos(db, 'l', 'c', 1, 3)).toBe(2);
      expect(list.pos(db, 'l', 'c', -1, 1)).toBe(7);
      expect(list.pos(db, 'l', 'c', -3, 2)).toBeNull();
      expect(list.posAll(db, 'l', 'c', 0)).toEqual([2, 6, 7]);
      expect(list.posAll(db, 'l', 'c', 2)).toEqual([2, 6]);
      expect(list.posAll(db, 'l', 'c', 2, 2)).toEqual([6, 7]);
      expect(list.posAll(db, 'l', 'c', 0, -1)).toEqual([7, 6, 2]);
      expect(list.posAll(db, 'l', 'c', 0, -2, 2)).toEqual([6]);
      expect(list.posAll(db, 'l', 'c', 0, 1, 7)).toEqual([2, 6]);
      expect(list.posAll(db, 'l', 'c', 0, 5)).toEqual([]);
      expect(list.posAll(db, 'l', 'c', 1, Number.MAX_SAFE_INTEGER)).toEqual([]);
      expect(list.pos(db, 'missing', 'c')).toBeNull();
      expect(list.posAll(db, 'missing', 'c', 0)).toEqual([]);
    });

    it('LPOS reproduces Redis for RANK -2^63 (every match from the tail, COUNT ignored)', () => {
      list.push(db, 'l', ['a', 'b', 'a', 'c', 'a'], false);
      expect(list.pos(db, 'l', 'a', LPOS_RANK_INT64_MIN)).toBe(4);
      expect(list.posAll(db, 'l', 'a', 1, LPOS_RANK_INT64_MIN)).toEqual([4, 2, 0]);
      expect(list.posAll(db, 'l', 'a', 2, LPOS_RANK_INT64_MIN, 3)).toEqual([4, 2]);
    });

    it('LPOS errors', () => {
      list.push(db, 'l', ['a'], false);
      throwsReply(() => list.pos(db, 'l', 'a', 0), Err.lposRankZero);
      throwsReply(() => list.pos(db, 'missing', 'a', 0), Err.lposRankZero);
      throwsReply(() => list.posAll(db, 'l', 'a', -1), Err.lposCountNegative);
      throwsReply(() => list.pos(db, 'l', 'a', 1, -1), Err.lposMaxlenNegative);
      db.set('s', 'v');
      throwsReply(() => list.pos(db, 's', 'a'), Err.wrongType);
    });

    it('compares elements by bytes whatever their JS form', () => {
      const bin = Buffer.from([0xc3, 0x28]);
      list.push(db, 'l', [Buffer.from('héllo'), 'héllo', bin, 'x'], false);
      expect(list.posAll(db, 'l', 'héllo', 0)).toEqual([0, 1]);
      expect(list.posAll(db, 'l', Buffer.from('héllo'), 0)).toEqual([0, 1]);
      expect(list.pos(db, 'l', Buffer.from([0xc3, 0x28]))).toBe(2);
      expect(list.pos(db, 'l', Buffer.from('x'))).toBe(3);
      expect(list.rem(db, 'l', 0, 'héllo')).toBe(2);
      expect(list.insert(db, 'l', true, Buffer.from([0xc3, 0x28]), 'before')).toBe(3);
      expect(contents('l')).toEqual(['before', bin, 'x']);
    });
  });

  describe('LSET', () => {
    it('replaces by index, negative from the tail', () => {
      list.push(db, 'l', ['a', 'b', 'c'], false);
      events = [];
      list.set(db, 'l', 0, 'A');
      list.set(db, 'l', -1, 'C');
      list.set(db, 'l', '1', 'B');
      expect(contents('l')).toEqual(['A', 'B', 'C']);
      expect(events).toEqual(['lset:l', 'lset:l', 'lset:l']);
    });

    it('errors in Redis order: no such key, WRONGTYPE, index parse, out of range', () => {
      throwsReply(() => list.set(db, 'l', 'abc', 'x'), Err.noSuchKey);
      db.set('s', 'v');
      throwsReply(() => list.set(db, 's', 'abc', 'x'), Err.wrongType);
      list.push(db, 'l', ['a'], false);
      events = [];
      throwsReply(() => list.set(db, 'l', 'abc', 'x'), Err.notInteger);
      throwsReply(() => list.set(db, 'l', 1, 'x'), Err.outOfRangeIndex);
      throwsReply(() => list.set(db, 'l', -2, 'x'), Err.outOfRangeIndex);
      expect(events).toEqual([]);
    });
  });

  describe('LINSERT', () => {
    it('inserts before or after the first pivot', () => {
      list.push(db, 'l', ['a', 'b', 'a'], false);
      events = [];
      expect(list.insert(db, 'l', true, 'a', 'x')).toBe(4);
      expect(list.insert(db, 'l', false, 'a', 'y')).toBe(5);
      expect(list.insert(db, 'l', false, 'b', 'z')).toBe(6);
      expect(contents('l')).toEqual(['x', 'a', 'y', 'b', 'z', 'a']);
      expect(list.insert(db, 'l', false, 'a', 'end')).toBe(7);
      expect(contents('l')).toEqual(['x', 'a', 'end', 'y', 'b', 'z', 'a']);
      expect(events).toEqual(['linsert:l', 'linsert:l', 'linsert:l', 'linsert:l']);
    });

    it('returns -1 without a pivot and 0 without a key', () => {
      list.push(db, 'l', ['a'], false);
      events = [];
      expect(list.insert(db, 'l', true, 'nope', 'x')).toBe(-1);
      expect(list.insert(db, 'missing', true, 'a', 'x')).toBe(0);
      expect(db.has('missing')).toBe(false);
      expect(events).toEqual([]);
      db.set('s', 'v');
      throwsReply(() => list.insert(db, 's', true, 'a', 'x'), Err.wrongType);
    });

    it('inserts after the tail element', () => {
      list.push(db, 'l', ['a', 'b'], false);
      list.insert(db, 'l', false, 'b', 'c');
      expect(contents('l')).toEqual(['a', 'b', 'c']);
    });
  });

  describe('LREM', () => {
    const seed = () => list.push(db, 'l', ['a', 'b', 'a', 'c', 'a', 'b'], false);

    it('removes from the head, from the tail, or all', () => {
      seed();
      expect(list.rem(db, 'l', 2, 'a')).toBe(2);
      expect(contents('l')).toEqual(['b', 'c', 'a', 'b']);
      db.delete('l');
      seed();
      expect(list.rem(db, 'l', -2, 'a')).toBe(2);
      expect(contents('l')).toEqual(['a', 'b', 'c', 'b']);
      db.delete('l');
      seed();
      expect(list.rem(db, 'l', 0, 'a')).toBe(3);
      expect(contents('l')).toEqual(['b', 'c', 'b']);
      expect(list.rem(db, 'l', 1, 'b')).toBe(1);
      expect(list.rem(db, 'l', -1, 'b')).toBe(1);
      expect(contents('l')).toEqual(['c']);
      expect(list.rem(db, 'l', Number.MIN_SAFE_INTEGER, 'zz')).toBe(0);
    });

    it('emits lrem only when something went, and deletes the emptied key', () => {
      list.push(db, 'l', ['a', 'a'], false);
      events = [];
      expect(list.rem(db, 'l', 0, 'x')).toBe(0);
      expect(events).toEqual([]);
      expect(list.rem(db, 'l', 0, 'a')).toBe(2);
      expect(db.has('l')).toBe(false);
      expect(events).toEqual(['lrem:l', 'del:l']);
      expect(list.rem(db, 'l', 0, 'a')).toBe(0);
      db.set('s', 'v');
      throwsReply(() => list.rem(db, 's', 0, 'a'), Err.wrongType);
    });
  });

  describe('LTRIM', () => {
    it('keeps the range with LRANGE’s index rules', () => {
      const cases: [number, number, string[]][] = [
        [1, -2, ['b', 'c', 'd']],
        [0, 0, ['a']],
        [-2, 100, ['d', 'e']],
        [-100, 1, ['a', 'b']],
        [0, -1, ['a', 'b', 'c', 'd', 'e']],
      ];
      for (const [start, stop, want] of cases) {
        db.delete('l');
        list.push(db, 'l', ['a', 'b', 'c', 'd', 'e'], false);
        list.trim(db, 'l', start, stop);
        expect(contents('l')).toEqual(want);
      }
    });

    it('emits ltrim always, deletes the key for an empty range', () => {
      list.push(db, 'l', ['a', 'b'], false);
      events = [];
      list.trim(db, 'l', 0, -1);
      expect(events).toEqual(['ltrim:l']);
      list.trim(db, 'l', 2, 1);
      expect(db.has('l')).toBe(false);
      expect(events).toEqual(['ltrim:l', 'ltrim:l', 'del:l']);
      list.trim(db, 'l', 0, 1);
      expect(events.length).toBe(3);
      list.push(db, 'l', ['a'], false);
      list.trim(db, 'l', 5, 10);
      expect(db.has('l')).toBe(false);
      db.set('s', 'v');
      throwsReply(() => list.trim(db, 's', 0, 1), Err.wrongType);
    });
  });

  it('emits nothing when notifications are off', () => {
    engine.notifyFlags = 0;
    list.push(db, 'l', ['a'], false);
    list.popOne(db, 'l', true);
    expect(events).toEqual([]);
    expect(modifiedKeys).toEqual(['l', 'l']);
  });

  it('keeps the key and its contents in step with an array model (random op sequences)', () => {
    const v = fc.constantFrom('a', 'b', 'c', 'd');
    const idx = fc.integer({ min: -12, max: 12 });
    const op = fc.oneof(
      fc.record({
        k: fc.constant('push' as const),
        vs: fc.array(v, { minLength: 1, maxLength: 20 }),
        left: fc.boolean(),
      }),
      fc.record({ k: fc.constant('pushOne' as const), v, left: fc.boolean() }),
      fc.record({ k: fc.constant('pushX' as const), v, left: fc.boolean() }),
      fc.record({ k: fc.constant('popOne' as const), left: fc.boolean() }),
      fc.record({ k: fc.constant('popCount' as const), n: fc.nat(8), left: fc.boolean() }),
      fc.record({ k: fc.constant('insert' as const), before: fc.boolean(), pivot: v, v }),
      fc.record({ k: fc.constant('rem' as const), n: fc.integer({ min: -3, max: 3 }), v }),
      fc.record({ k: fc.constant('trim' as const), s: idx, e: idx }),
      fc.record({ k: fc.constant('set' as const), i: idx, v }),
      fc.record({ k: fc.constant('index' as const), i: idx }),
      fc.record({ k: fc.constant('range' as const), s: idx, e: idx }),
      fc.record({
        k: fc.constant('pos' as const),
        v,
        rank: fc.integer({ min: -3, max: 3 }),
        count: fc.nat(3),
      }),
      fc.record({ k: fc.constant('rotate' as const), from: fc.boolean(), to: fc.boolean() }),
    );
    const norm = (n: number, s: number, e: number): [number, number] | null => {
      if (s < 0) s += n;
      if (e < 0) e += n;
      if (s < 0) s = 0;
      if (s > e || s >= n) return null;
      return [s, Math.min(e, n - 1)];
    };
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        const eng = new Engine({ activeExpiry: false });
        const d = eng.dbs[0];
        let m: string[] = [];
        for (const o of ops) {
          switch (o.k) {
            case 'push':
              for (const x of o.vs) o.left ? m.unshift(x) : m.push(x);
              expect(list.push(d, 'k', o.vs, o.left)).toBe(m.length);
              break;
            case 'pushOne':
              o.left ? m.unshift(o.v) : m.push(o.v);
              expect(list.pushOne(d, 'k', o.v, o.left)).toBe(m.length);
              break;
            case 'pushX':
              if (m.length > 0) o.left ? m.unshift(o.v) : m.push(o.v);
              expect(list.pushX(d, 'k', [o.v], o.left)).toBe(m.length);
              break;
            case 'popOne':
              expect(list.popOne(d, 'k', o.left)).toBe((o.left ? m.shift() : m.pop()) ?? null);
              break;
            case 'popCount': {
              const had = m.length > 0;
              const want = o.left ? m.splice(0, o.n) : m.splice(Math.max(0, m.length - o.n)).reverse();
              expect(list.popCount(d, 'k', o.n, o.left)).toEqual(had ? want : null);
              break;
            }
            case 'insert': {
              const i = m.indexOf(o.pivot);
              const want = m.length === 0 ? 0 : i < 0 ? -1 : m.length + 1;
              if (i >= 0) m.splice(o.before ? i : i + 1, 0, o.v);
              expect(list.insert(d, 'k', o.before, o.pivot, o.v)).toBe(want);
              break;
            }
            case 'rem': {
              let removed = 0;
              const limit = Math.abs(o.n);
              const keep: (string | null)[] = [...m];
              const order = o.n < 0 ? [...m.keys()].reverse() : [...m.keys()];
              for (const i of order) {
                if ((limit === 0 || removed < limit) && m[i] === o.v) {
                  keep[i] = null;
                  removed++;
                }
              }
              m = keep.filter((x): x is string => x !== null);
              expect(list.rem(d, 'k', o.n, o.v)).toBe(removed);
              break;
            }
            case 'trim': {
              const r = norm(m.length, o.s, o.e);
              m = r === null ? [] : m.slice(r[0], r[1] + 1);
              list.trim(d, 'k', o.s, o.e);
              break;
            }
            case 'set': {
              if (m.length === 0) {
                expect(() => list.set(d, 'k', o.i, o.v)).toThrow(Err.noSuchKey);
                break;
              }
              const i = o.i < 0 ? o.i + m.length : o.i;
              if (i < 0 || i >= m.length)
                expect(() => list.set(d, 'k', o.i, o.v)).toThrow(Err.outOfRangeIndex);
              else {
                m[i] = o.v;
                list.set(d, 'k', o.i, o.v);
              }
              break;
            }
            case 'index':
              expect(list.index(d, 'k', o.i)).toBe(m.at(o.i) ?? null);
              break;
            case 'range': {
              const r = norm(m.length, o.s, o.e);
              expect(list.range(d, 'k', o.s, o.e)).toEqual(r === null ? [] : m.slice(r[0], r[1] + 1));
              break;
            }
            case 'pos': {
              if (o.rank === 0) {
                expect(() => list.pos(d, 'k', o.v, o.rank)).toThrow(Err.lposRankZero);
                break;
              }
              const hits: number[] = [];
              const order = o.rank < 0 ? [...m.keys()].reverse() : [...m.keys()];
              for (const i of order) if (m[i] === o.v) hits.push(i);
              const from = hits.slice(Math.abs(o.rank) - 1);
              expect(list.pos(d, 'k', o.v, o.rank)).toBe(from[0] ?? null);
              expect(list.posAll(d, 'k', o.v, o.count, o.rank)).toEqual(
                o.count === 0 ? from : from.slice(0, o.count),
              );
              break;
            }
            case 'rotate': {
              const x = (o.from ? m.shift() : m.pop()) ?? null;
              if (x !== null) o.to ? m.unshift(x) : m.push(x);
              expect(list.move(d, 'k', 'k', o.from, o.to)).toBe(x);
              break;
            }
          }
          // The key exists exactly while the model is non-empty.
          expect(d.has('k')).toBe(m.length > 0);
          expect(list.range(d, 'k', 0, -1)).toEqual(m);
          expect(list.len(d, 'k')).toBe(m.length);
        }
        eng.close();
      }),
      { numRuns: 300 },
    );
  });
});
