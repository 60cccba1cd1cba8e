import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { Cachee } from '../../src/client/cachee.js';
import { ManualClock } from '../../src/engine/clock.js';
import type { Database } from '../../src/engine/database.js';
import { Engine } from '../../src/engine/engine.js';
import { NOTIFY_ALL, Notify } from '../../src/engine/notify.js';
import { Err, ReplyError } from '../../src/errors.js';
import * as sets from '../../src/types/set.js';
import { isIntegerMember, RedisSet, setLimits } from '../../src/types/set.js';
import type { RedisValue } from '../../src/util/bytes.js';
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

/** Checks that the member index and the dense array agree. */
function checkInvariants(s: RedisSet): void {
  expect(s.index.size).toBe(s.members.length);
  for (let i = 0; i < s.members.length; i++) expect(s.index.get(s.members[i])).toBe(i);
}

const ints = (from: number, n: number): string[] => Array.from({ length: n }, (_, i) => String(from + i));
const encodingOf = (key: string): string => (db.peek(key) as RedisSet).encoding();

describe('isIntegerMember', () => {
  it('accepts exactly what string2ll accepts', () => {
    for (const s of [
      '0',
      '1',
      '-1',
      '10',
      '9223372036854775807',
      '-9223372036854775808',
      '1000000000000000000',
    ]) {
      expect(isIntegerMember(s), s).toBe(true);
    }
    for (const s of [
      '',
      '-',
      '-0',
      '00',
      '01',
      '+1',
      ' 1',
      '1 ',
      '1.0',
      '1e3',
      'a',
      '9223372036854775808',
      '-9223372036854775809',
      '99999999999999999999',
      '\uD800\u00ff',
    ]) {
      expect(isIntegerMember(s), s).toBe(false);
    }
  });

  it('agrees with BigInt on random digit strings', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }), (b) => {
        const s = b.toString();
        expect(isIntegerMember(s)).toBe(b >= -(2n ** 63n) && b < 2n ** 63n);
      }),
    );
  });
});

describe('RedisSet', () => {
  it('keeps index and array in step through adds, removes and pops', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('add', 'remove', 'pop'), fc.integer({ min: 0, max: 30 })), {
          maxLength: 200,
        }),
        (ops) => {
          const s = new RedisSet();
          const model = new Set<string>();
          for (const [op, n] of ops) {
            const m = n % 3 === 0 ? `m${n}` : String(n);
            if (op === 'add') expect(s.add(m)).toBe(!model.has(m));
            else if (op === 'remove') expect(s.remove(m)).toBe(model.has(m));
            else if (s.size > 0) {
              const p = s.popRandom();
              expect(model.has(p)).toBe(true);
              model.delete(p);
              continue;
            }
            if (op === 'add') model.add(m);
            else model.delete(m);
          }
          checkInvariants(s);
          expect(new Set(s.members)).toEqual(model);
        },
      ),
    );
  });

  it('orders intset members numerically, hashtable members by insertion', () => {
    const s = RedisSet.of(['10', '-5', '9223372036854775807', '-9223372036854775808', '0', '2', '-10']);
    expect(s.encoding()).toBe('intset');
    expect(s.inOrder()).toEqual(['-9223372036854775808', '-10', '-5', '0', '2', '10', '9223372036854775807']);
    s.remove('0');
    s.add('1');
    expect(s.inOrder()).toEqual(['-9223372036854775808', '-10', '-5', '1', '2', '10', '9223372036854775807']);
    const t = RedisSet.of(['b', '2', 'a', '1']);
    expect(t.encoding()).toBe('hashtable');
    expect(t.inOrder()).toEqual(['b', '2', 'a', '1']);
  });

  it('sorts like BigInt', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), { maxLength: 50 }),
        (bs) => {
          const s = RedisSet.of(bs.map(String));
          expect(s.inOrder()).toEqual([...bs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map(String));
        },
      ),
    );
  });

  it('converts one way at a non-integer or past the intset limit', () => {
    const s = RedisSet.of(ints(1, setLimits.maxIntsetEntries));
    expect(s.encoding()).toBe('intset');
    s.add('1');
    expect(s.encoding()).toBe('intset');
    s.add(String(setLimits.maxIntsetEntries + 1));
    expect(s.encoding()).toBe('hashtable');
    s.remove('1');
    expect(s.encoding()).toBe('hashtable');
    const t = RedisSet.of(['1', 'x']);
    t.remove('x');
    expect(t.encoding()).toBe('hashtable');
    t.rebuildEncoding();
    expect(t.encoding()).toBe('intset');
  });

  it('clones independently', () => {
    const s = RedisSet.of(['1', '2']);
    const c = s.clone();
    c.add('x');
    expect(s.size).toBe(2);
    expect(s.encoding()).toBe('intset');
    expect(c.encoding()).toBe('hashtable');
    checkInvariants(c);
  });
});

describe('set ops', () => {
  it('adds, removes and answers membership', () => {
    expect(sets.setAddOne(db, 's', '1')).toBe(1);
    expect(sets.setAddOne(db, 's', '1')).toBe(0);
    expect(sets.setAdd(db, 's', ['x', '3', '2', '3'], 1)).toBe(2);
    expect(sets.setMembers(db, 's')).toEqual(['1', '2', '3']);
    expect(sets.setIsMember(db, 's', '2')).toBe(true);
    expect(sets.setIsMember(db, 's', '9')).toBe(false);
    expect(sets.setIsMember(db, 'missing', '9')).toBe(false);
    expect(sets.setMIsMember(db, 's', ['1', '9', '3'])).toEqual([1, 0, 1]);
    expect(sets.setMIsMember(db, 'missing', ['1'])).toEqual([0]);
    expect(sets.setCard(db, 's')).toBe(3);
    expect(sets.setCard(db, 'missing')).toBe(0);
    expect(sets.setRem(db, 's', ['9'])).toBe(0);
    expect(sets.setRem(db, 's', ['1', '1', '2'])).toBe(2);
    expect(sets.setRem(db, 's', ['3', '4'])).toBe(1);
    expect(db.has('s')).toBe(false);
    expect(sets.setRem(db, 's', ['3'])).toBe(0);
    expect(events).toEqual(['new:s', 'sadd:s', 'sadd:s', 'srem:s', 'srem:s', 'del:s']);
    expect(modifiedKeys).toEqual(['s', 's', 's', 's']);
  });

  it('keeps members binary-safe', () => {
    const bin = Buffer.from([0xff, 0x00]);
    sets.setAdd(db, 's', [bin, 'a', Buffer.from('a')]);
    expect(sets.setCard(db, 's')).toBe(2);
    expect(sets.setIsMember(db, 's', bin)).toBe(true);
    expect(sets.setMembers(db, 's')).toEqual([bin, 'a']);
  });

  it('throws WRONGTYPE for other types', () => {
    db.set('str', 'v');
    sets.setAdd(db, 's', ['a']);
    for (const fn of [
      () => sets.setAddOne(db, 'str', 'a'),
      () => sets.setAdd(db, 'str', ['a']),
      () => sets.setRem(db, 'str', ['a']),
      () => sets.setIsMember(db, 'str', 'a'),
      () => sets.setMembers(db, 'str'),
      () => sets.setPop(db, 'str'),
      () => sets.setPopCount(db, 'str', 0),
      () => sets.setRandMembers(db, 'str', 0),
      () => sets.setInter(db, ['missing', 'str']),
      () => sets.setUnionStore(db, 'd', ['s', 'str']),
      () => sets.setMove(db, 'str', 's', 'a'),
      () => sets.setMove(db, 's', 'str', 'a'),
    ]) {
      throwsReply(fn, Err.wrongType);
    }
    expect(sets.setMove(db, 'missing', 'str', 'a')).toBe(0);
  });

  it('keeps the TTL on writes and treats expired sets as absent', () => {
    sets.setAdd(db, 's', ['a']);
    db.setExpire('s', clock.now() + 500);
    sets.setAdd(db, 's', ['b']);
    sets.setRem(db, 's', ['a']);
    expect(db.getExpire('s')).toBe(clock.now() + 500);
    clock.advance(500);
    expect(sets.setCard(db, 's')).toBe(1); // due exactly now: still there (Redis: now > when)
    clock.advance(1);
    expect(sets.setCard(db, 's')).toBe(0);
    expect(sets.setIsMember(db, 's', 'b')).toBe(false);
  });

  it('SPOP removes random members, deleting the key when emptied', () => {
    sets.setAdd(db, 's', ['a', 'b', 'c']);
    events.length = 0;
    const p = sets.setPop(db, 's') as string;
    expect(['a', 'b', 'c']).toContain(p);
    expect(sets.setIsMember(db, 's', p)).toBe(false);
    expect(sets.setPopCount(db, 's', 0)).toEqual([]);
    expect(sets.setPopCount(db, 's', 5)).toHaveLength(2);
    expect(db.has('s')).toBe(false);
    expect(sets.setPop(db, 's')).toBeNull();
    expect(sets.setPopCount(db, 's', 3)).toEqual([]);
    throwsReply(() => sets.setPopCount(db, 's', -1), Err.mustBePositive);
    expect(events).toEqual(['spop:s', 'spop:s', 'del:s']);
  });

  it('SPOP with a count pops distinct members and may rebuild the encoding', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 800 }), fc.integer({ min: 1, max: 900 }), (n, count) => {
        const e = new Engine({ activeExpiry: false });
        const d = e.dbs[0];
        sets.setAdd(d, 's', ints(1, n));
        const popped = sets.setPopCount(d, 's', count);
        expect(popped.length).toBe(Math.min(n, count));
        expect(new Set(popped).size).toBe(popped.length);
        expect(popped.some((m) => sets.setIsMember(d, 's', m))).toBe(false);
        expect(sets.setCard(d, 's')).toBe(Math.max(0, n - count));
        const s = d.peek('s') as RedisSet | undefined;
        if (s !== undefined) {
          checkInvariants(s);
          const remaining = n - count;
          const rebuilt = remaining * 5 <= count;
          const expected = n <= 512 || (rebuilt && remaining <= 512) ? 'intset' : 'hashtable';
          expect(s.encoding()).toBe(expected);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('SPOP of the whole set replies in SUNION order', () => {
    sets.setAdd(db, 's', ints(1, 600));
    sets.setRem(db, 's', ints(1, 590));
    expect(encodingOf('s')).toBe('hashtable');
    expect(sets.setPopCount(db, 's', 10)).toEqual(ints(591, 10));
  });

  it('SRANDMEMBER samples by property', () => {
    sets.setAdd(db, 'small', ['a', 'b', 'c', '1']);
    sets.setAdd(db, 'large', ints(1, 2000));
    fc.assert(
      fc.property(fc.constantFrom('small', 'large'), fc.integer({ min: -3000, max: 3000 }), (key, count) => {
        const n = sets.setCard(db, key);
        const out = sets.setRandMembers(db, key, count);
        expect(out.length).toBe(count >= 0 ? Math.min(count, n) : -count);
        expect(out.every((m) => sets.setIsMember(db, key, m))).toBe(true);
        if (count >= 0) expect(new Set(out).size).toBe(out.length);
      }),
      { numRuns: 200 },
    );
    expect(sets.setRandMembers(db, 'large', 2000)).toEqual(ints(1, 2000));
    expect(sets.setRandMembers(db, 'missing', 5)).toEqual([]);
    expect(sets.setRandMember(db, 'missing')).toBeNull();
    expect(sets.setRandMembers(db, 'small', 0)).toEqual([]);
  });

  it('samples uniformly', () => {
    sets.setAdd(db, 's', ints(0, 10));
    const counts = new Map<RedisValue, number>();
    for (let i = 0; i < 10_000; i++) {
      const m = sets.setRandMember(db, 's') as string;
      counts.set(m, (counts.get(m) ?? 0) + 1);
    }
    expect(counts.size).toBe(10);
    for (const c of counts.values()) expect(c).toBeGreaterThan(700);
    const distinct = new Map<RedisValue, number>();
    for (let i = 0; i < 5_000; i++) {
      for (const m of sets.setRandMembers(db, 's', 3)) distinct.set(m, (distinct.get(m) ?? 0) + 1);
    }
    for (const c of distinct.values()) expect(c).toBeGreaterThan(1200); // expected 1500
  });

  it('SMOVE moves between sets as Redis does', () => {
    sets.setAdd(db, 'a', ['x', '1']);
    events.length = 0;
    expect(sets.setMove(db, 'missing', 'b', 'x')).toBe(0);
    expect(sets.setMove(db, 'a', 'b', 'nope')).toBe(0);
    expect(sets.setMove(db, 'a', 'a', 'x')).toBe(1);
    expect(sets.setMove(db, 'a', 'a', 'nope')).toBe(0);
    expect(events).toEqual([]);
    expect(sets.setMove(db, 'a', 'b', '1')).toBe(1);
    expect(encodingOf('b')).toBe('intset');
    sets.setAdd(db, 'b', ['x']);
    events.length = 0;
    expect(sets.setMove(db, 'a', 'b', 'x')).toBe(1);
    expect(db.has('a')).toBe(false);
    expect(sets.setMembers(db, 'b')).toEqual(['1', 'x']);
    expect(events).toEqual(['srem:a', 'del:a']);
    sets.setAdd(db, 'c', ['y']);
    events.length = 0;
    expect(sets.setMove(db, 'c', 'd', 'y')).toBe(1);
    expect(encodingOf('d')).toBe('hashtable');
    expect(events).toEqual(['srem:c', 'del:c', 'new:d', 'sadd:d']);
  });

  it('stores results replacing any value and clearing the TTL, or deletes the destination', () => {
    sets.setAdd(db, 'a', ['1', '2', '3']);
    sets.setAdd(db, 'b', ['2', '3', '4']);
    db.set('d', 'string');
    db.setExpire('d', clock.now() + 1000);
    events.length = 0;
    expect(sets.setInterStore(db, 'd', ['a', 'b'])).toBe(2);
    expect(db.getExpire('d')).toBeUndefined();
    expect(sets.setMembers(db, 'd')).toEqual(['2', '3']);
    expect(sets.setUnionStore(db, 'u', ['a', 'b', 'missing'])).toBe(4);
    expect(sets.setDiffStore(db, 'd', ['a', 'b'])).toBe(1);
    expect(sets.setDiffStore(db, 'd', ['a', 'a'])).toBe(0);
    expect(db.has('d')).toBe(false);
    expect(sets.setInterStore(db, 'd', ['a', 'missing'])).toBe(0);
    expect(events).toEqual(['sinterstore:d', 'new:u', 'sunionstore:u', 'sdiffstore:d', 'del:d']);
  });

  it('SINTERCARD counts up to the limit', () => {
    sets.setAdd(db, 'a', ints(1, 100));
    sets.setAdd(db, 'b', ints(50, 100));
    expect(sets.setInterCard(db, ['a', 'b'])).toBe(51);
    expect(sets.setInterCard(db, ['a', 'b'], 10)).toBe(10);
    expect(sets.setInterCard(db, ['a', 'b'], 1000)).toBe(51);
    expect(sets.setInterCard(db, ['a', 'missing'], 1)).toBe(0);
  });

  it('builds SDIFF results with the encoding of the algorithm Redis picks', () => {
    sets.setAdd(db, 'big', ['1', '2', '3', '4', '5', 'z']);
    sets.setAdd(db, 'z', ['z']);
    sets.setAdd(db, 'y', ['y']);
    sets.setDiffStore(db, 'r2', ['big', 'z', 'y']);
    expect(encodingOf('r2')).toBe('hashtable');
    sets.setDiffStore(db, 'r1', ['big', 'z']);
    expect(encodingOf('r1')).toBe('intset');
    expect(sets.setMembers(db, 'r1')).toEqual(['1', '2', '3', '4', '5']);
  });
});

describe('set algebra against a model', () => {
  const member = fc.constantFrom('1', '2', '3', '-1', '10', 'a', 'b', '');
  const content = fc.option(fc.uniqueArray(member, { minLength: 1, maxLength: 8 }), { nil: undefined });

  it('matches naive intersection, union and difference', () => {
    fc.assert(
      fc.property(fc.array(content, { minLength: 1, maxLength: 4 }), fc.nat(5), (contents, limit) => {
        const e = new Engine({ activeExpiry: false });
        const d = e.dbs[0];
        const keys = contents.map((_, i) => `k${i}`);
        for (let i = 0; i < contents.length; i++) {
          const c = contents[i];
          if (c !== undefined) sets.setAdd(d, keys[i], c);
        }
        const models = contents.map((c) => new Set(c ?? []));
        const inter = [...models[0]].filter((m) => models.every((s) => s.has(m)));
        const union = new Set(models.flatMap((s) => [...s]));
        const diff = [...models[0]].filter((m) => models.slice(1).every((s) => !s.has(m)));
        const sort = (a: RedisValue[]) => [...a].map(String).sort();
        expect(sort(sets.setInter(d, keys))).toEqual(sort(inter));
        expect(sort(sets.setUnion(d, keys))).toEqual(sort([...union]));
        expect(sort(sets.setDiff(d, keys))).toEqual(sort(diff));
        expect(sets.setInterCard(d, keys, limit)).toBe(
          limit === 0 ? inter.length : Math.min(limit, inter.length),
        );
        expect(sets.setUnionStore(d, 'u', keys)).toBe(union.size);
        if (union.size > 0) {
          const allInts = [...union].every(isIntegerMember);
          expect((d.peek('u') as RedisSet).encoding()).toBe(allInts ? 'intset' : 'hashtable');
          if (allInts) {
            expect(sets.setUnion(d, keys)).toEqual([...union].sort((a, b) => Number(a) - Number(b)));
          }
        }
        expect(sets.setInterStore(d, 'i', keys)).toBe(inter.length);
        expect(sets.setDiffStore(d, 'f', keys)).toBe(diff.length);
      }),
      { numRuns: 300 },
    );
  });
});

describe('SSCAN', () => {
  it('returns an intset whole in order, filtered by MATCH', () => {
    sets.setAdd(db, 's', ['10', '2', '-3', '11']);
    const s = sets.readSet(db, 's') as RedisSet;
    expect(sets.scanSet(s, 99, { count: 1 })).toEqual([0, ['-3', '2', '10', '11']]);
    expect(sets.scanSet(s, 0, { count: 10, match: new Glob('1*') })).toEqual([0, ['10', '11']]);
  });

  it('pages through a hashtable set, returning every member present throughout', () => {
    const n = 3000;
    sets.setAdd(
      db,
      's',
      Array.from({ length: n }, (_, i) => `m${i}`),
    );
    const s = sets.readSet(db, 's') as RedisSet;
    const seen = new Set<RedisValue>();
    let cursor = 0;
    let step = 0;
    do {
      const [next, items] = sets.scanSet(s, cursor, { count: 50 });
      for (const m of items) seen.add(m);
      // Churn: SREM swaps array slots, SPOP removes random members, SADD appends.
      sets.setRem(db, 's', [`m${step % 100}`]);
      sets.setAdd(db, 's', [`new${step}`]);
      cursor = next;
      step++;
    } while (cursor !== 0 && step < 10_000);
    for (let i = 100; i < n; i++) expect(seen.has(`m${i}`)).toBe(true);
  });
});

describe('set commands through Cachee.call', () => {
  it('answers with ioredis shapes and Redis errors', () => {
    const c = new Cachee({ activeExpiry: false });
    expect(c.call('sadd', 's', 3, 1, 2)).toBe(3);
    expect(c.call('smembers', 's')).toEqual(['1', '2', '3']);
    expect(c.call('sismember', 's', 1)).toBe(1);
    expect(c.call('smismember', 's', 1, 5)).toEqual([1, 0]);
    expect(c.call('scard', 's')).toBe(3);
    expect(c.call('sinter', 's', 's')).toEqual(['1', '2', '3']);
    expect(c.call('sintercard', 1, 's', 'limit', 2)).toBe(2);
    expect(c.call('sunion', 's', 'missing')).toEqual(['1', '2', '3']);
    expect(c.call('sdiff', 's', 'missing')).toEqual(['1', '2', '3']);
    expect(c.call('sscan', 's', 0)).toEqual(['0', ['1', '2', '3']]);
    expect(c.call('srandmember', 's', 10)).toEqual(['1', '2', '3']);
    expect(c.call('smove', 's', 't', 2)).toBe(1);
    expect(c.call('spop', 's', 10)).toEqual(['1', '3']);
    expect(c.call('spop', 's')).toBeNull();
    expect(c.call('object', 'encoding', 't')).toBe('intset');
    expect(() => c.call('spop', 't', -1)).toThrow(Err.mustBePositive);
    expect(() => c.call('spop', 't', 1, 2)).toThrow(Err.syntax);
    expect(() => c.call('srandmember', 't', '-9223372036854775808')).toThrow(
      'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
    );
    expect(() => c.call('sintercard', 0, 't')).toThrow(Err.numkeysPositive);
    expect(() => c.call('sintercard', 2, 't')).toThrow(Err.numkeysExceedArgs);
    expect(() => c.call('sintercard', 1, 't', 'limit', -1)).toThrow(Err.limitNegative);
    expect(() => c.call('sintercard', 1, 't', 'limit')).toThrow(Err.syntax);
    expect(() => c.call('sscan', 't', 0, 'count', 0)).toThrow(Err.syntax);
    expect(c.call('sscan', 'missing', 0, 'count', 0)).toEqual(['0', []]);
    c.call('set', 'str', 'v');
    expect(() => c.call('sadd', 'str', 'a')).toThrow(Err.wrongType);
    c.close();
  });

  it('copies, renames and deletes like any value', () => {
    const c = new Cachee({ activeExpiry: false });
    c.call('sadd', 's', 'a', 'b');
    expect(c.call('copy', 's', 't')).toBe(1);
    c.call('sadd', 't', 'c');
    expect(c.call('scard', 's')).toBe(2);
    expect(c.call('scard', 't')).toBe(3);
    expect(c.call('type', 't')).toBe('set');
    expect(c.call('rename', 't', 'u')).toBe('OK');
    expect(c.call('sismember', 'u', 'c')).toBe(1);
    expect(c.call('del', 's', 'u')).toBe(2);
    c.close();
  });

  it('replies sets as RESP3 sets', () => {
    const c = new Cachee({ activeExpiry: false });
    c.call('hello', '3');
    c.call('sadd', 's', 'a');
    expect(c.call('smembers', 's')).toEqual(['a']);
    expect(c.call('spop', 's', 1)).toEqual(['a']);
    c.close();
  });
});
