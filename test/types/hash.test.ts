import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { Cachee } from '../../src/client/cachee.js';
import { ManualClock } from '../../src/engine/clock.js';
import type { Database } from '../../src/engine/database.js';
import { Engine } from '../../src/engine/engine.js';
import { NOTIFY_ALL, Notify } from '../../src/engine/notify.js';
import { Err, ReplyError } from '../../src/errors.js';
import * as hash from '../../src/types/hash.js';
import { hashLimits, RedisHash } from '../../src/types/hash.js';
import { type RedisValue, toKey } from '../../src/util/bytes.js';
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

/** Pairs of a flat field/value array, as a Map. */
function pairsOf(flat: RedisValue[]): Map<RedisValue, RedisValue> {
  const m = new Map<RedisValue, RedisValue>();
  for (let i = 0; i < flat.length; i += 2) m.set(flat[i], flat[i + 1]);
  return m;
}

describe('RedisHash', () => {
  it('reports listpack until an entry count or length threshold is passed, one way', () => {
    const h = new RedisHash();
    expect(h.encoding()).toBe('listpack');
    for (let i = 0; i < hashLimits.maxListpackEntries; i++) h.set(`f${i}`, 'v');
    expect(h.encoding()).toBe('listpack');
    h.set('f0', 'updated');
    expect(h.encoding()).toBe('listpack');
    h.set('extra', 'v');
    expect(h.encoding()).toBe('hashtable');
    h.map.clear();
    h.set('a', 'b');
    expect(h.encoding()).toBe('hashtable');
  });

  it('measures field and value lengths in bytes', () => {
    const h = new RedisHash();
    h.checkLengths('f', 'é'.repeat(32)); // 64 bytes
    expect(h.listpack).toBe(true);
    h.checkLengths('é'.repeat(32), 'v');
    expect(h.listpack).toBe(true);
    h.checkLengths(Buffer.alloc(64), 'v');
    expect(h.listpack).toBe(true);
    h.checkLengths('f', '€'.repeat(22)); // 66 bytes in 22 chars
    expect(h.listpack).toBe(false);
    const g = new RedisHash();
    g.checkLengths(Buffer.alloc(65), '');
    expect(g.listpack).toBe(false);
  });

  it('clones independently', () => {
    const h = new RedisHash();
    h.set('a', '1');
    const c = h.clone();
    c.set('b', '2');
    expect(h.size).toBe(1);
    expect(c.size).toBe(2);
    expect(c.encoding()).toBe('listpack');
  });
});

describe('hash ops', () => {
  it('sets, gets and creates the key', () => {
    expect(hash.hashSetOne(db, 'h', 'a', '1')).toBe(1);
    expect(hash.hashSetOne(db, 'h', 'a', '2')).toBe(0);
    expect(hash.hashSet(db, 'h', ['b', '3', 'c', '4', 'b', '5'])).toBe(2);
    expect(hash.hashSet(db, 'h', ['x', 'y', 'a', '9'], 2)).toBe(0);
    expect(hash.hashGet(db, 'h', 'a')).toBe('9');
    expect(hash.hashGet(db, 'h', 'b')).toBe('5');
    expect(hash.hashGet(db, 'h', 'zz')).toBeNull();
    expect(hash.hashGet(db, 'missing', 'a')).toBeNull();
    expect(hash.hashMGet(db, 'h', ['a', 'zz', 'c'])).toEqual(['9', null, '4']);
    expect(hash.hashMGet(db, 'missing', ['a', 'b'])).toEqual([null, null]);
    expect(hash.hashGetAll(db, 'h')).toEqual(['a', '9', 'b', '5', 'c', '4']);
    expect(hash.hashKeys(db, 'h')).toEqual(['a', 'b', 'c']);
    expect(hash.hashVals(db, 'h')).toEqual(['9', '5', '4']);
    expect(hash.hashLen(db, 'h')).toBe(3);
    expect(hash.hashExists(db, 'h', 'c')).toBe(true);
    expect(hash.hashExists(db, 'h', 'd')).toBe(false);
    expect(hash.hashGetAll(db, 'missing')).toEqual([]);
    expect(events).toEqual(['new:h', 'hset:h', 'hset:h', 'hset:h', 'hset:h']);
    expect(modifiedKeys).toEqual(['h', 'h', 'h', 'h']);
  });

  it('keeps fields and values binary-safe', () => {
    const bin = Buffer.from([0xff, 0x00, 0xfe]);
    hash.hashSetOne(db, 'h', bin, bin);
    hash.hashSetOne(db, 'h', Buffer.from('text'), 'v');
    expect(hash.hashGet(db, 'h', bin)).toEqual(bin);
    expect(hash.hashGet(db, 'h', 'text')).toBe('v');
    const all = hash.hashGetAll(db, 'h');
    expect(all[0]).toEqual(bin);
    expect(all[2]).toBe('text');
    expect(hash.hashStrLen(db, 'h', bin)).toBe(3);
  });

  it('measures HSTRLEN in bytes', () => {
    hash.hashSet(db, 'h', ['a', 'é€𝄞', 'b', '']);
    expect(hash.hashStrLen(db, 'h', 'a')).toBe(9);
    expect(hash.hashStrLen(db, 'h', 'b')).toBe(0);
    expect(hash.hashStrLen(db, 'h', 'c')).toBe(0);
    expect(hash.hashStrLen(db, 'missing', 'c')).toBe(0);
  });

  it('HSETNX sets only absent fields, checking lengths only when it sets', () => {
    expect(hash.hashSetNx(db, 'h', 'a', '1')).toBe(1);
    expect(hash.hashSetNx(db, 'h', 'a', 'x'.repeat(100))).toBe(0);
    expect(hash.hashGet(db, 'h', 'a')).toBe('1');
    expect((db.peek('h') as RedisHash).encoding()).toBe('listpack');
    expect(hash.hashSetNx(db, 'h', 'b', 'x'.repeat(100))).toBe(1);
    expect((db.peek('h') as RedisHash).encoding()).toBe('hashtable');
    expect(events).toEqual(['new:h', 'hset:h', 'hset:h']);
  });

  it('HDEL removes fields, then the key when emptied', () => {
    hash.hashSet(db, 'h', ['a', '1', 'b', '2', 'c', '3']);
    events.length = 0;
    modifiedKeys.length = 0;
    expect(hash.hashDel(db, 'h', ['zz'])).toBe(0);
    expect(events).toEqual([]);
    expect(modifiedKeys).toEqual([]);
    expect(hash.hashDel(db, 'h', ['a', 'a', 'zz'])).toBe(1);
    expect(hash.hashGetAll(db, 'h')).toEqual(['b', '2', 'c', '3']);
    expect(hash.hashDel(db, 'h', ['x', 'b', 'c', 'd'], 1)).toBe(2);
    expect(db.has('h')).toBe(false);
    expect(hash.hashDel(db, 'h', ['a'])).toBe(0);
    expect(events).toEqual(['hdel:h', 'hdel:h', 'del:h']);
    expect(modifiedKeys).toEqual(['h', 'h']);
  });

  it('keeps the TTL on writes and treats expired hashes as absent', () => {
    hash.hashSetOne(db, 'h', 'a', '1');
    db.setExpire('h', clock.now() + 1000);
    hash.hashSetOne(db, 'h', 'b', '2');
    hash.hashIncrBy(db, 'h', 'n', 1);
    expect(db.getExpire('h')).toBe(clock.now() + 1000);
    clock.advance(1000);
    expect(hash.hashGet(db, 'h', 'a')).toBe('1'); // due exactly now: still there (Redis: now > when)
    clock.advance(1);
    expect(hash.hashGet(db, 'h', 'a')).toBeNull();
    expect(hash.hashSetOne(db, 'h', 'a', '1')).toBe(1);
    expect(db.getExpire('h')).toBeUndefined();
    expect(hash.hashLen(db, 'h')).toBe(1);
  });

  it('throws WRONGTYPE for other types', () => {
    db.set('s', 'v');
    for (const fn of [
      () => hash.hashGet(db, 's', 'a'),
      () => hash.hashSetOne(db, 's', 'a', '1'),
      () => hash.hashSet(db, 's', ['a', '1']),
      () => hash.hashSetNx(db, 's', 'a', '1'),
      () => hash.hashDel(db, 's', ['a']),
      () => hash.hashMGet(db, 's', ['a']),
      () => hash.hashGetAll(db, 's'),
      () => hash.hashLen(db, 's'),
      () => hash.hashIncrBy(db, 's', 'a', 1),
      () => hash.hashIncrByFloat(db, 's', 'a', '1'),
      () => hash.hashRandField(db, 's'),
      () => hash.hashRandFields(db, 's', 0, false),
    ]) {
      throwsReply(fn, Err.wrongType);
    }
  });

  it('HINCRBY adds exactly in int64', () => {
    expect(hash.hashIncrBy(db, 'h', 'n', 5)).toBe(5);
    expect(hash.hashIncrBy(db, 'h', 'n', -7)).toBe(-2);
    expect(hash.hashIncrBy(db, 'h', 'big', 9223372036854775807n)).toBe(9223372036854775807n);
    expect(hash.hashGet(db, 'h', 'big')).toBe('9223372036854775807');
    throwsReply(() => hash.hashIncrBy(db, 'h', 'big', 1), Err.overflow);
    expect(hash.hashIncrBy(db, 'h', 'big', -9223372036854775807n)).toBe(0);
    hash.hashSet(db, 'h', ['s', 'abc', 'z', '01', 'sp', ' 1']);
    throwsReply(() => hash.hashIncrBy(db, 'h', 's', 1), Err.hashNotInteger);
    throwsReply(() => hash.hashIncrBy(db, 'h', 'z', 1), Err.hashNotInteger);
    throwsReply(() => hash.hashIncrBy(db, 'h', 'sp', 1), Err.hashNotInteger);
    expect(events.filter((e) => e.startsWith('hincrby'))).toEqual([
      'hincrby:h',
      'hincrby:h',
      'hincrby:h',
      'hincrby:h',
    ]);
  });

  it('HINCRBYFLOAT adds in long double and checks in Redis order', () => {
    expect(hash.hashIncrByFloat(db, 'h', 'f', '0.1')).toBe('0.1');
    expect(hash.hashIncrByFloat(db, 'h', 'f', '0.2')).toBe('0.3');
    expect(hash.hashIncrByFloat(db, 'h', 'f', 1.5)).toBe('1.8');
    expect(hash.hashIncrByFloat(db, 'h', 'g', '5.0e3')).toBe('5000');
    expect(hash.hashGet(db, 'h', 'g')).toBe('5000');
    throwsReply(() => hash.hashIncrByFloat(db, 'h', 'f', 'abc'), Err.notFloat);
    throwsReply(() => hash.hashIncrByFloat(db, 'h', 'f', 'inf'), Err.nanOrInfinity);
    hash.hashSetOne(db, 'h', 's', 'abc');
    throwsReply(() => hash.hashIncrByFloat(db, 'h', 's', '1'), Err.hashNotFloat);
    hash.hashSetOne(db, 'h', 'max', '1.18e4932');
    throwsReply(() => hash.hashIncrByFloat(db, 'h', 'max', '1.18e4932'), Err.incrFloatNaN);
    db.set('str', 'v');
    // The increment is parsed before the key's type is checked.
    throwsReply(() => hash.hashIncrByFloat(db, 'str', 'f', 'abc'), Err.notFloat);
    throwsReply(() => hash.hashIncrByFloat(db, 'str', 'f', '1'), Err.wrongType);
    throwsReply(() => hash.hashIncrByFloat(db, 'missing', 'f', 'nan'), Err.notFloat);
    expect(db.has('missing')).toBe(false);
  });

  it('converts to hashtable when HINCRBY* writes a long field or value', () => {
    hash.hashIncrBy(db, 'a', 'x'.repeat(65), 1);
    expect((db.peek('a') as RedisHash).encoding()).toBe('hashtable');
    hash.hashIncrByFloat(db, 'b', 'f', '1e70');
    expect((db.peek('b') as RedisHash).encoding()).toBe('hashtable');
    hash.hashIncrByFloat(db, 'c', 'f', '1e60');
    expect((db.peek('c') as RedisHash).encoding()).toBe('listpack');
  });

  it('emits nothing and signals only when notifications are off', () => {
    engine.notifyFlags = 0;
    hash.hashSetOne(db, 'h', 'a', '1');
    hash.hashDel(db, 'h', ['a']);
    expect(events).toEqual([]);
    expect(modifiedKeys).toEqual(['h', 'h']);
  });
});

describe('HRANDFIELD sampling', () => {
  function fill(key: string, n: number): void {
    for (let i = 0; i < n; i++) hash.hashSetOne(db, key, `f${i}`, `v${i}`);
  }

  it('returns null / [] for absent keys and count 0', () => {
    expect(hash.hashRandField(db, 'missing')).toBeNull();
    expect(hash.hashRandFields(db, 'missing', 5, true)).toEqual([]);
    fill('h', 3);
    expect(hash.hashRandFields(db, 'h', 0, true)).toEqual([]);
  });

  it('returns the whole hash in order when the count covers it', () => {
    fill('h', 5);
    expect(hash.hashRandFields(db, 'h', 5, false)).toEqual(['f0', 'f1', 'f2', 'f3', 'f4']);
    expect(hash.hashRandFields(db, 'h', 100, true)).toEqual(hash.hashGetAll(db, 'h'));
  });

  it('samples by property (distinct for positive counts, pairs consistent)', () => {
    fill('small', 10);
    fill('large', 700);
    fc.assert(
      fc.property(
        fc.constantFrom('small', 'large'),
        fc.integer({ min: -1500, max: 1500 }),
        fc.boolean(),
        (key, count, withValues) => {
          const n = hash.hashLen(db, key);
          const out = hash.hashRandFields(db, key, count, withValues);
          const width = withValues ? 2 : 1;
          const k = count >= 0 ? Math.min(count, n) : -count;
          expect(out.length).toBe(k * width);
          const fields = out.filter((_, i) => i % width === 0);
          expect(fields.every((f) => hash.hashExists(db, key, f))).toBe(true);
          if (withValues)
            expect(fields.every((f, i) => out[i * 2 + 1] === hash.hashGet(db, key, f))).toBe(true);
          if (count >= 0) expect(new Set(fields).size).toBe(fields.length);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('picks every field with roughly equal frequency', () => {
    fill('h', 10);
    fill('big', 1000);
    const counts = new Map<RedisValue, number>();
    for (let i = 0; i < 10_000; i++) {
      const f = hash.hashRandField(db, 'h') as string;
      counts.set(f, (counts.get(f) ?? 0) + 1);
    }
    expect(counts.size).toBe(10);
    for (const c of counts.values()) expect(c).toBeGreaterThan(700);
    // Distinct samples from a large hash cover positions uniformly: means near the middle.
    let sum = 0;
    let draws = 0;
    for (let i = 0; i < 200; i++) {
      for (const f of hash.hashRandFields(db, 'big', 10, false)) {
        sum += Number((f as string).slice(1));
        draws++;
      }
      for (const f of hash.hashRandFields(db, 'big', -10, false)) {
        sum += Number((f as string).slice(1));
        draws++;
      }
    }
    expect(sum / draws).toBeGreaterThan(450);
    expect(sum / draws).toBeLessThan(550);
  });
});

describe('HSCAN', () => {
  it('returns a listpack hash whole, filtered by MATCH', () => {
    hash.hashSet(db, 'h', ['a1', '1', 'b1', '2', 'a2', '3']);
    const h = hash.readHash(db, 'h') as RedisHash;
    expect(hash.scanHash(h, 0, { count: 1 })).toEqual([0, ['a1', '1', 'b1', '2', 'a2', '3']]);
    expect(hash.scanHash(h, 12345, { count: 10, match: new Glob('a*') })).toEqual([
      0,
      ['a1', '1', 'a2', '3'],
    ]);
  });

  it('pages through a hashtable hash, returning every field present throughout', () => {
    const n = 2000;
    for (let i = 0; i < n; i++) hash.hashSetOne(db, 'h', `f${i}`, `v${i}`);
    const h = hash.readHash(db, 'h') as RedisHash;
    expect(h.encoding()).toBe('hashtable');
    const seen = new Map<RedisValue, RedisValue>();
    let cursor: number = 0;
    let step = 0;
    do {
      const [next, items] = hash.scanHash(h, cursor, { count: 37 });
      for (let i = 0; i < items.length; i += 2) seen.set(items[i], items[i + 1]);
      // Churn while scanning: delete some fields not yet seen-or-not, add new ones.
      hash.hashDel(db, 'h', [`f${(step * 7) % 100}`]);
      hash.hashSetOne(db, 'h', `new${step}`, 'x');
      cursor = next;
      step++;
    } while (cursor !== 0 && step < 10_000);
    for (let i = 100; i < n; i++) expect(seen.get(`f${i}`)).toBe(`v${i}`);
  });
});

describe('model-based', () => {
  type Op =
    | { op: 'set'; pairs: [string, string][] }
    | { op: 'setnx'; f: string; v: string }
    | { op: 'del'; fs: string[] }
    | { op: 'incr'; f: string; by: number };
  const field = fc.constantFrom('a', 'b', 'c', 'd', 'e', '1', '', 'long'.repeat(20));
  const value = fc.constantFrom('x', '1', '-5', '', 'v'.repeat(70));
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc
      .array(fc.tuple(field, value), { minLength: 1, maxLength: 4 })
      .map((pairs) => ({ op: 'set' as const, pairs })),
    fc.tuple(field, value).map(([f, v]) => ({ op: 'setnx' as const, f, v })),
    fc.array(field, { minLength: 1, maxLength: 3 }).map((fs) => ({ op: 'del' as const, fs })),
    fc.tuple(field, fc.integer({ min: -10, max: 10 })).map(([f, by]) => ({ op: 'incr' as const, f, by })),
  );

  it('matches a Map model: contents, order, length and encoding', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const e = new Engine({ activeExpiry: false });
        const d = e.dbs[0];
        const model = new Map<string, string>();
        let listpack = true;
        const long = (s: string) => Buffer.byteLength(s) > hashLimits.maxListpackValue;
        for (const o of ops) {
          if (o.op === 'set') {
            expect(hash.hashSet(d, 'k', o.pairs.flat())).toBe(
              new Set(o.pairs.map((p) => p[0]).filter((f) => !model.has(f))).size,
            );
            if (o.pairs.some(([f, v]) => long(f) || long(v))) listpack = false;
            for (const [f, v] of o.pairs) model.set(f, v);
          } else if (o.op === 'setnx') {
            const added = !model.has(o.f);
            expect(hash.hashSetNx(d, 'k', o.f, o.v)).toBe(added ? 1 : 0);
            if (added) {
              if (long(o.f) || long(o.v)) listpack = false;
              model.set(o.f, o.v);
            }
          } else if (o.op === 'del') {
            let n = 0;
            for (const f of o.fs) if (model.delete(f)) n++;
            expect(hash.hashDel(d, 'k', o.fs)).toBe(n);
            if (model.size === 0) listpack = true; // the key is gone; a new hash starts over
          } else {
            const cur = model.get(o.f);
            const ok = cur === undefined || /^(0|-?[1-9]\d*)$/.test(cur);
            if (!ok) {
              throwsReply(() => hash.hashIncrBy(d, 'k', o.f, o.by), Err.hashNotInteger);
            } else {
              const r = Number(cur ?? 0) + o.by;
              expect(hash.hashIncrBy(d, 'k', o.f, o.by)).toBe(r);
              if (long(o.f)) listpack = false;
              model.set(o.f, String(r));
            }
          }
          if (model.size > hashLimits.maxListpackEntries) listpack = false;
        }
        expect(hash.hashGetAll(d, 'k')).toEqual([...model].flat());
        expect(hash.hashLen(d, 'k')).toBe(model.size);
        expect(d.has('k')).toBe(model.size > 0);
        if (model.size > 0)
          expect((d.peek('k') as RedisHash).encoding()).toBe(listpack ? 'listpack' : 'hashtable');
      }),
      { numRuns: 300 },
    );
  });
});

describe('hash commands through Cachee.call', () => {
  it('answers with ioredis shapes and Redis errors', () => {
    const c = new Cachee({ activeExpiry: false });
    expect(c.call('hset', 'h', { a: '1', b: 2 })).toBe(2);
    expect(c.call('hmset', 'h', 'c', '3')).toBe('OK');
    expect(c.call('hget', 'h', 'b')).toBe('2');
    expect(c.call('hgetall', 'h')).toEqual(['a', '1', 'b', '2', 'c', '3']);
    expect(c.call('hmget', 'h', 'a', 'zz')).toEqual(['1', null]);
    expect(c.call('hexists', 'h', 'a')).toBe(1);
    expect(c.call('hstrlen', 'h', 'a')).toBe(1);
    expect(c.call('hincrby', 'h', 'a', 10)).toBe(11);
    expect(c.call('hincrby', 'h', 'i', '9223372036854775807')).toBe('9223372036854775807');
    expect(c.call('hincrbyfloat', 'h', 'a', '0.5')).toBe('11.5');
    expect(c.call('hrandfield', 'h', 100, 'withvalues')).toEqual(c.call('hgetall', 'h'));
    expect(c.call('hscan', 'h', 0, 'match', 'a')).toEqual(['0', ['a', '11.5']]);
    expect(c.call('hsetnx', 'h', 'a', 'x')).toBe(0);
    expect(c.call('hdel', 'h', 'a', 'b', 'c', 'i')).toBe(4);
    expect(c.call('exists', 'h')).toBe(0);
    expect(c.call('object', 'encoding', 'h')).toBeNull();
    expect(() => c.call('hset', 'h', 'a')).toThrow("ERR wrong number of arguments for 'hset' command");
    expect(() => c.call('hset', 'h', 'a', '1', 'b')).toThrow(
      "ERR wrong number of arguments for 'hset' command",
    );
    expect(() => c.call('hmset', 'h', 'a', '1', 'b')).toThrow(
      "ERR wrong number of arguments for 'hmset' command",
    );
    expect(() => c.call('hrandfield', 'h', '1', 'withvalues', 'x')).toThrow(Err.syntax);
    expect(() => c.call('hrandfield', 'h', '-4611686018427387904', 'withvalues')).toThrow(
      Err.valueOutOfRange,
    );
    expect(() => c.call('hscan', 'h', 'x')).toThrow(Err.invalidCursor);
    c.call('set', 's', 'v');
    expect(() => c.call('hget', 's', 'a')).toThrow(Err.wrongType);
    c.close();
  });

  it('copies, renames and deletes like any value', () => {
    const c = new Cachee({ activeExpiry: false });
    c.call('hset', 'h', 'a', '1');
    expect(c.call('copy', 'h', 'g')).toBe(1);
    c.call('hset', 'g', 'b', '2');
    expect(c.call('hlen', 'h')).toBe(1);
    expect(c.call('hgetall', 'g')).toEqual(['a', '1', 'b', '2']);
    expect(c.call('type', 'g')).toBe('hash');
    expect(c.call('object', 'encoding', 'g')).toBe('listpack');
    expect(c.call('rename', 'g', 'k')).toBe('OK');
    expect(c.call('hget', 'k', 'b')).toBe('2');
    expect(c.call('del', 'h', 'k')).toBe(2);
    c.close();
  });

  it('returns HRANDFIELD WITHVALUES flat in the sync API, as ioredis does (RESP3 nesting: see test/diff)', () => {
    const c = new Cachee({ activeExpiry: false });
    c.call('hset', 'h', 'a', '1');
    expect(c.call('hrandfield', 'h', '-2', 'withvalues')).toEqual(['a', '1', 'a', '1']);
    c.call('hello', '3');
    expect(c.call('hrandfield', 'h', '-2', 'withvalues')).toEqual(['a', '1', 'a', '1']);
    c.close();
  });

  it('keeps binary fields through toKey', () => {
    const c = new Cachee({ activeExpiry: false });
    const bin = Buffer.from([0x80, 0x81]);
    c.call('hset', 'h', bin, 'v');
    expect(c.call('hkeys', 'h')).toEqual([bin]);
    expect(toKey(bin)).not.toBe(bin.toString('utf8'));
    expect(pairsOf(c.call('hgetall', 'h') as RedisValue[]).size).toBe(1);
    c.close();
  });
});
