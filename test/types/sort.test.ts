import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { Cachee } from '../../src/client/cachee.js';
import { ManualClock } from '../../src/engine/clock.js';
import type { Database } from '../../src/engine/database.js';
import { Engine } from '../../src/engine/engine.js';
import { NOTIFY_ALL, Notify } from '../../src/engine/notify.js';
import { Err, ReplyError } from '../../src/errors.js';
import * as hashes from '../../src/types/hash.js';
import * as lists from '../../src/types/list.js';
import { RedisList } from '../../src/types/list.js';
import * as sets from '../../src/types/set.js';
import { sort, sortScore, sortStore } from '../../src/types/sort.js';
import * as zsets from '../../src/types/zset.js';
import type { RedisValue } from '../../src/util/bytes.js';

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

let engine: Engine;
let clock: ManualClock;
let db: Database;
let events: string[];
let modifiedKeys: string[];

beforeEach(() => {
  clock = new ManualClock(1_000_000);
  engine = new Engine({ clock, activeExpiry: false });
  db = engine.dbs[0];
  events = [];
  modifiedKeys = [];
  engine.notifyFlags = NOTIFY_ALL | Notify.newKey;
  engine.onNotify((_type, event, key) => events.push(`${event}:${key}`));
  engine.onKeyModified((_db, key) => modifiedKeys.push(key));
});

function rpush(key: string, ...values: RedisValue[]): void {
  lists.push(db, key, values, false);
}

describe('sortScore (strtod as SORT reads weights)', () => {
  it('accepts what strtod accepts', () => {
    expect(sortScore('3')).toBe(3);
    expect(sortScore('-1.5e2')).toBe(-150);
    expect(sortScore(' \t\n7')).toBe(7);
    expect(sortScore('+.5')).toBe(0.5);
    expect(sortScore('5.')).toBe(5);
    expect(sortScore('0x10')).toBe(16);
    expect(sortScore('0x1.8p1')).toBe(3);
    expect(sortScore('-0x.8')).toBe(-0.5);
    expect(sortScore('inf')).toBe(Number.POSITIVE_INFINITY);
    expect(sortScore('-Infinity')).toBe(Number.NEGATIVE_INFINITY);
    expect(sortScore('')).toBe(0);
    expect(sortScore('\0')).toBe(0);
    expect(sortScore('12\0junk')).toBe(12);
    expect(sortScore(Buffer.from('42'))).toBe(42);
    expect(Object.is(sortScore('-0'), -0)).toBe(true);
    expect(sortScore('0e-999')).toBe(0);
    expect(sortScore('0x0p-5000')).toBe(0);
    expect(sortScore('1.7976931348623157e308')).toBe(Number.MAX_VALUE);
  });

  it('rejects junk, NaN, overflow and inexact underflow', () => {
    for (const bad of [
      'abc',
      '1 ',
      ' ',
      '1e',
      '1e+',
      '0x',
      '0x1p',
      'infin',
      'nan',
      '-nan',
      'nan(1)',
      '1,5',
      'é',
    ]) {
      expect(sortScore(bad), bad).toBeUndefined();
    }
    expect(sortScore(Buffer.from([0xff]))).toBeUndefined();
    expect(sortScore('1e400')).toBeUndefined();
    expect(sortScore('-1e400')).toBeUndefined();
    expect(sortScore('1.7976931348623159e308')).toBeUndefined();
    expect(sortScore('1.797693134862315807e308')).toBe(Number.MAX_VALUE);
    expect(sortScore('0x1p1024')).toBeUndefined();
    expect(sortScore('1e-400')).toBeUndefined();
    expect(sortScore('1e-310')).toBeUndefined();
    expect(sortScore('4.9e-324')).toBeUndefined();
    expect(sortScore('1e-99999999999')).toBeUndefined();
    expect(sortScore('0x1p-99999999')).toBeUndefined();
  });

  it('follows glibc at the subnormal boundary', () => {
    // Tininess is detected after rounding: just below DBL_MIN rounds up without ERANGE.
    expect(sortScore('2.2250738585072013e-308')).toBe(2 ** -1022);
    expect(sortScore('2.2250738585072012e-308')).toBeUndefined();
    expect(sortScore('2.2250738585072011e-308')).toBeUndefined();
    expect(sortScore('0x1.fffffffffffff8p-1023')).toBe(2 ** -1022);
    expect(sortScore('0x1.fffffffffffffp-1023')).toBeUndefined();
    // Exact subnormals are fine.
    expect(sortScore('0x1p-1074')).toBe(2 ** -1074);
    expect(sortScore('0x1.8p-1073')).toBe(3 * 2 ** -1074);
    // glibc's hex path ignores the 54th significant bit when judging inexactness.
    expect(sortScore('0x1.00000000000008p-1024')).toBe(2 ** -1024);
    expect(sortScore('0x1.000000000000008p-1024')).toBeUndefined();
    expect(sortScore('0x1.ffffffffffffe8p-1023')).toBe(2 ** -1022 - 2 ** -1074);
  });
});

describe('sort', () => {
  it('sorts lists numerically, ties by bytes', () => {
    rpush('l', '3', '1', '10', '-2', '1.0', '01', '2');
    expect(sort(db, 'l')).toEqual(['-2', '01', '1', '1.0', '2', '3', '10']);
    expect(sort(db, 'l', { desc: true })).toEqual(['10', '3', '2', '1.0', '1', '01', '-2']);
    expect(sort(db, 'l', { offset: 1, count: 2 })).toEqual(['01', '1']);
    expect(sort(db, 'l', { offset: 5, count: -1 })).toEqual(['3', '10']);
    expect(sort(db, 'l', { offset: -4, count: 1 })).toEqual(['-2']);
    expect(sort(db, 'l', { offset: 7, count: 3 })).toEqual([]);
    expect(sort(db, 'l', { offset: 0, count: 0 })).toEqual([]);
    // The list itself is untouched.
    expect(lists.range(db, 'l', 0, -1)).toEqual(['3', '1', '10', '-2', '1.0', '01', '2']);
  });

  it('sorts ALPHA by bytes, stopping at NUL as strcoll does (but not with STORE)', () => {
    rpush('l', 'b', 'B', 'é', 'a', '', Buffer.from([0xff]), 'z\0b', 'z\0a');
    expect(sort(db, 'l', { alpha: true })).toEqual([
      '',
      'B',
      'a',
      'b',
      'z\0b',
      'z\0a',
      'é',
      Buffer.from([0xff]),
    ]);
    expect(sortStore(db, 'l', 'dst', { alpha: true })).toBe(8);
    expect(lists.range(db, 'dst', 0, -1)).toEqual([
      '',
      'B',
      'a',
      'b',
      'z\0a',
      'z\0b',
      'é',
      Buffer.from([0xff]),
    ]);
  });

  it('fails the whole sort on a weight that is not a number', () => {
    rpush('l', '1', 'x', '2');
    throwsReply(() => sort(db, 'l'), Err.sortScoresNotDouble);
    throwsReply(() => sortStore(db, 'l', 'dst'), Err.sortScoresNotDouble);
    expect(db.has('dst')).toBe(false);
    expect(sort(db, 'l', { alpha: true })).toEqual(['1', '2', 'x']);
  });

  it('answers [] for a missing key and WRONGTYPE for other types', () => {
    expect(sort(db, 'nope')).toEqual([]);
    expect(sort(db, 'nope', { by: 'w_*', get: ['#'], desc: true, offset: 2, count: 5 })).toEqual([]);
    db.set('s', 'v');
    hashes.hashSetOne(db, 'h', 'f', 'v');
    throwsReply(() => sort(db, 's'), Err.wrongType);
    throwsReply(() => sort(db, 'h'), Err.wrongType);
    throwsReply(() => sortStore(db, 's', 'dst'), Err.wrongType);
  });

  it('sorts by weights in string keys and hash fields', () => {
    rpush('l', 'a', 'b', 'c', 'd');
    db.set('w_a', '3');
    db.set('w_b', '1');
    db.set('w_c', '2');
    expect(sort(db, 'l', { by: 'w_*' })).toEqual(['d', 'b', 'c', 'a']);
    expect(sort(db, 'l', { by: 'w_*', desc: true })).toEqual(['a', 'c', 'b', 'd']);
    hashes.hashSet(db, 'h_a', ['w', 'x']);
    hashes.hashSet(db, 'h_b', ['w', 'y']);
    hashes.hashSet(db, 'h_d', ['w', 'a']);
    // A missing weight sorts first in ALPHA mode; ties keep list order.
    expect(sort(db, 'l', { by: 'h_*->w', alpha: true })).toEqual(['c', 'd', 'a', 'b']);
    expect(sort(db, 'l', { by: 'h_*->w', alpha: true, desc: true })).toEqual(['b', 'a', 'd', 'c']);
    // A weight key of the wrong type counts as missing.
    lists.pushOne(db, 'w_d', 'x', true);
    expect(sort(db, 'l', { by: 'w_*' })).toEqual(['d', 'b', 'c', 'a']);
    expect(sort(db, 'l', { by: 'h_*->w', alpha: true, get: ['#', 'h_*->w', 'w_*', 'h_*->nope'] })).toEqual([
      ...['c', null, '2', null],
      ...['d', 'a', null, null],
      ...['a', 'x', '3', null],
      ...['b', 'y', '1', null],
    ]);
    // Numeric weights that are not numbers fail.
    throwsReply(() => sort(db, 'l', { by: 'h_*->w' }), Err.sortScoresNotDouble);
  });

  it('GETs through patterns', () => {
    rpush('l', '2', '1');
    db.set('v_1', 'one');
    hashes.hashSet(db, 'h_2', ['name', 'two']);
    expect(sort(db, 'l', { get: ['#', 'v_*', 'h_*->name', 'plain', '#x'] })).toEqual([
      '1',
      'one',
      null,
      null,
      null,
      '2',
      null,
      'two',
      null,
      null,
    ]);
    expect(sort(db, 'l', { get: [Buffer.from('v_*')] })).toEqual(['one', null]);
    // Only the first '*' is replaced; "->" with nothing after it is part of the key.
    db.set('x1*', 'star');
    db.set('v_1->', 'arrow');
    expect(sort(db, 'l', { get: ['x**', 'v_*->'] })).toEqual(['star', 'arrow', null, null]);
  });

  it('BY without * does not sort: lists and sorted sets keep their order, DESC reverses, LIMIT slices', () => {
    rpush('l', 'c', 'a', 'b', 'd');
    expect(sort(db, 'l', { by: 'nosort' })).toEqual(['c', 'a', 'b', 'd']);
    expect(sort(db, 'l', { by: 'nosort', desc: true })).toEqual(['d', 'b', 'a', 'c']);
    expect(sort(db, 'l', { by: 'nosort', offset: 1, count: 2 })).toEqual(['a', 'b']);
    expect(sort(db, 'l', { by: 'nosort', offset: 1, count: 2, desc: true })).toEqual(['b', 'a']);
    expect(sort(db, 'l', { by: 'nosort', offset: 4, count: 2 })).toEqual([]);
    zsets.zadd(db, 'z', [2, 1, 3], ['b', 'a', 'c']);
    expect(sort(db, 'z', { by: 'nosort' })).toEqual(['a', 'b', 'c']);
    expect(sort(db, 'z', { by: 'nosort', desc: true, offset: 1, count: 5 })).toEqual(['b', 'a']);
    expect(sort(db, 'z', { by: 'nosort', offset: 2, count: 1 })).toEqual(['c']);
  });

  it('sorts unsorted sets ALPHA when storing or called from a script', () => {
    sets.setAdd(db, 's', ['pear', 'apple', 'fig']);
    expect(sort(db, 's', { by: 'nosort' }).length).toBe(3);
    expect(sort(db, 's', { by: 'nosort', script: true })).toEqual(['apple', 'fig', 'pear']);
    expect(sortStore(db, 's', 'dst', { by: 'nosort', desc: true })).toBe(3);
    expect(lists.range(db, 'dst', 0, -1)).toEqual(['pear', 'fig', 'apple']);
    sets.setAdd(db, 'i', ['3', '-1', '2']);
    expect(sort(db, 'i', { by: 'nosort' })).toEqual(['-1', '2', '3']);
  });

  it('sorts sorted sets by member value and converts them to skiplists', () => {
    zsets.zadd(db, 'z', [1, 2, 3], ['10', '9', '-1']);
    expect(db.peek('z')?.constructor.name).toBe('ZSet');
    expect((db.peek('z') as zsets.ZSet).encoding()).toBe('listpack');
    expect(sort(db, 'z')).toEqual(['-1', '9', '10']);
    expect((db.peek('z') as zsets.ZSet).encoding()).toBe('skiplist');
    expect(sort(db, 'z', { alpha: true })).toEqual(['-1', '10', '9']);
  });

  it('reproduces pqsort for ties in a partial ALPHA sort by weights', () => {
    // Eight elements, all weights missing: pqsort's partitioning (not list order) decides.
    rpush('l', 'x', 'y', 'z', 'w', 'v', 'u', 't', 's');
    expect(sort(db, 'l', { by: 'none_*', alpha: true })).toEqual(['x', 'y', 'z', 'w', 'v', 'u', 't', 's']);
    // Values from redis-server 7.0.15 (test/diff/sort.test.ts covers many more).
    expect(sort(db, 'l', { by: 'none_*', alpha: true, offset: 1, count: 3 })).toEqual(['y', 'z', 'w']);
    expect(sort(db, 'l', { by: 'none_*', alpha: true, offset: 1, count: 3, desc: true })).toEqual([
      'y',
      'z',
      'w',
    ]);
    expect(sort(db, 'l', { by: 'none_*', alpha: true, offset: 0, count: 1 })).toEqual(['s']);
  });

  it('counts keyspace hits and misses for the key and every pattern lookup', () => {
    rpush('l', 'a', 'b');
    db.set('w_a', '1');
    const { keyspaceHits: h0, keyspaceMisses: m0 } = engine.stats;
    sort(db, 'l', { by: 'w_*', get: ['w_*', '#'] });
    // key (hit) + BY a (hit), b (miss) + GET a (hit), b (miss)
    expect(engine.stats.keyspaceHits - h0).toBe(3);
    expect(engine.stats.keyspaceMisses - m0).toBe(2);
  });
});

describe('sortStore', () => {
  it('stores a list, replacing any value and its TTL, with sortstore (and new) events', () => {
    rpush('l', '2', '1');
    events = [];
    modifiedKeys = [];
    expect(sortStore(db, 'l', 'dst')).toBe(2);
    expect(db.peek('dst')).toBeInstanceOf(RedisList);
    expect(lists.range(db, 'dst', 0, -1)).toEqual(['1', '2']);
    expect(events).toEqual(['new:dst', 'sortstore:dst']);
    expect(modifiedKeys).toEqual(['dst']);
    db.set('str', 'x');
    db.setExpire('str', clock.now() + 10_000);
    events = [];
    expect(sortStore(db, 'l', 'str', { desc: true })).toBe(2);
    expect(events).toEqual(['sortstore:str']);
    expect(db.getExpire('str')).toBeUndefined();
    expect(lists.range(db, 'str', 0, -1)).toEqual(['2', '1']);
  });

  it('stores GET results with "" for missing values', () => {
    rpush('l', '2', '1');
    db.set('v_2', 'two');
    expect(sortStore(db, 'l', 'dst', { get: ['v_*', '#'] })).toBe(4);
    expect(lists.range(db, 'dst', 0, -1)).toEqual(['', '1', 'two', '2']);
  });

  it('deletes the destination for an empty result, with del', () => {
    db.set('dst', 'x');
    events = [];
    modifiedKeys = [];
    expect(sortStore(db, 'nope', 'dst')).toBe(0);
    expect(db.has('dst')).toBe(false);
    expect(events).toEqual(['del:dst']);
    expect(modifiedKeys).toEqual(['dst']);
    events = [];
    modifiedKeys = [];
    expect(sortStore(db, 'nope', 'dst')).toBe(0);
    expect(events).toEqual([]);
    expect(modifiedKeys).toEqual([]);
    rpush('l', 'a');
    db.set('dst', 'x');
    expect(sortStore(db, 'l', 'dst', { alpha: true, offset: 0, count: 0 })).toBe(0);
    expect(db.has('dst')).toBe(false);
  });

  it('deletes an expired destination as Redis dbDelete does (del, not expired)', () => {
    db.set('dst', 'x');
    db.setExpire('dst', clock.now() + 10);
    clock.advance(100);
    events = [];
    expect(sortStore(db, 'nope', 'dst')).toBe(0);
    expect(events).toEqual(['del:dst']);
    expect(db.data.has('dst')).toBe(false);
  });

  it('can store over its own source', () => {
    rpush('l', '3', '1', '2');
    expect(sortStore(db, 'l', 'l')).toBe(3);
    expect(lists.range(db, 'l', 0, -1)).toEqual(['1', '2', '3']);
  });
});

describe('properties', () => {
  it('numeric sort of integers agrees with a reference sort', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1000, max: 1000 }), { maxLength: 80 }),
        fc.boolean(),
        (ns, desc) => {
          db.flush();
          const values = ns.map(String);
          if (values.length > 0) rpush('l', ...values);
          const ref = values.slice().sort((a, b) => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0));
          if (desc) ref.reverse();
          expect(sort(db, 'l', { desc })).toEqual(ref);
        },
      ),
    );
  });

  it('a LIMIT window equals the slice of the full sort (total orders)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ maxLength: 3 }), { maxLength: 50 }),
        fc.integer({ min: -2, max: 55 }),
        fc.integer({ min: -2, max: 55 }),
        fc.boolean(),
        (words, offset, count, desc) => {
          db.flush();
          if (words.length > 0) rpush('l', ...words);
          for (const w of words) db.set(`w_${w}`, String(w.length * 1000 + (w.charCodeAt(0) || 0)));
          const full = sort(db, 'l', { by: 'w_*', desc });
          const start = Math.min(Math.max(offset, 0), words.length);
          const window = count < 0 ? full.slice(start) : full.slice(start, start + count);
          expect(sort(db, 'l', { by: 'w_*', desc, offset, count })).toEqual(window);
        },
      ),
    );
  });
});

describe('SORT and SORT_RO commands', () => {
  it('parse options left to right and reply as Redis', () => {
    const c = new Cachee();
    c.call('rpush', 'l', '3', '1', '2');
    c.call('mset', 'w_1', 'c', 'w_2', 'a', 'w_3', 'b');
    expect(c.call('sort', 'l')).toEqual(['1', '2', '3']);
    expect(c.call('sort', 'l', 'desc', 'limit', '0', '2')).toEqual(['3', '2']);
    expect(c.call('SORT', 'l', 'BY', 'w_*', 'ALPHA', 'GET', '#', 'GET', 'w_*', 'GET', 'none_*')).toEqual([
      ...['2', 'a', null],
      ...['3', 'b', null],
      ...['1', 'c', null],
    ]);
    expect(c.call('sort_ro', 'l', 'BY', 'nosort', 'DESC')).toEqual(['2', '1', '3']);
    expect(c.call('sort', 'l', 'STORE', 'dst')).toBe(3);
    expect(c.call('lrange', 'dst', '0', '-1')).toEqual(['1', '2', '3']);
    expect(c.call('sort', 'missing', 'STORE', 'dst')).toBe(0);
    expect(c.call('exists', 'dst')).toBe(0);
    const err = (...args: string[]): string => {
      try {
        c.call(args[0], ...args.slice(1));
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(err('sort_ro', 'l', 'STORE', 'dst')).toBe(Err.syntax);
    expect(err('sort', 'l', 'LIMIT', '1')).toBe(Err.syntax);
    expect(err('sort', 'l', 'BY')).toBe(Err.syntax);
    expect(err('sort', 'l', 'LIMIT', 'x', '1', 'bogus')).toBe(Err.notInteger);
    expect(err('sort', 'l', 'bogus', 'LIMIT', 'x', '1')).toBe(Err.syntax);
    c.call('set', 's', 'v');
    expect(err('sort', 's')).toBe(Err.wrongType);
    expect(err('sort', 's', 'LIMIT', '0', 'y')).toBe(Err.notInteger);
    c.call('rpush', 'bad', 'x');
    expect(err('sort', 'bad')).toBe(Err.sortScoresNotDouble);
    c.close();
  });
});
