import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Cachee } from '../../src/client/cachee.js';
import { ManualClock } from '../../src/engine/clock.js';
import type { Database } from '../../src/engine/database.js';
import { Engine } from '../../src/engine/engine.js';
import { parseScanCursor, ScanCursors } from '../../src/engine/scan-cursors.js';
import type { RedisObject } from '../../src/engine/value.js';
import { ReplyError } from '../../src/errors.js';
import {
  expireTime,
  getKeyExpire,
  keysMatching,
  randomKey,
  scanKeys,
  setKeyExpire,
} from '../../src/types/keyspace.js';
import { keyToValue, toKey } from '../../src/util/bytes.js';
import { Glob } from '../../src/util/glob.js';

const T0 = 1_700_000_000_000;

function setup(options: { trackAccess?: boolean } = {}) {
  const clock = new ManualClock(T0);
  const cache = new Cachee({ clock, activeExpiry: false, ...options });
  const engine = cache.engine;
  const db = engine.dbs[0];
  const events: string[] = [];
  const modified: string[] = [];
  engine.notifyFlags = 0xffff;
  engine.onNotify((_type, event, key, dbIndex) => events.push(`${dbIndex}:${event}:${key}`));
  engine.onKeyModified((d, key) => modified.push(`${d.index}:${key}`));
  const call = (...args: (string | number | Buffer)[]) => cache.call(String(args[0]), ...args.slice(1));
  const err = (...args: (string | number | Buffer)[]) => {
    try {
      call(...args);
    } catch (e) {
      if (e instanceof ReplyError) return e.message;
      throw e;
    }
    throw new Error(`expected an error from ${args.join(' ')}`);
  };
  return { clock, cache, engine, db, events, modified, call, err };
}

/** A minimal aggregate for COPY/TYPE/OBJECT tests. */
class FakeList implements RedisObject {
  readonly type = 'list' as const;
  accounted = 0;
  refs = 0;
  owner = null;
  constructor(readonly items: string[]) {}
  memoryBytes(): number {
    return 0;
  }
  encoding(): string {
    return 'listpack';
  }
  clone(): RedisObject {
    return new FakeList([...this.items]);
  }
}

describe('DEL, UNLINK, EXISTS, TOUCH, TYPE', () => {
  it('counts existing keys, repeats included', () => {
    const { db, call, events, modified } = setup();
    db.set('a', '1');
    db.set('b', '2');
    modified.length = 0;
    expect(call('exists', 'a', 'a', 'b', 'c')).toBe(3);
    expect(call('touch', 'a', 'c')).toBe(1);
    expect(call('del', 'a', 'a', 'c')).toBe(1);
    expect(call('unlink', 'b', 'x')).toBe(1);
    expect(call('exists', 'a', 'b')).toBe(0);
    expect(events.filter((e) => e.includes(':del:'))).toEqual(['0:del:a', '0:del:b']);
    expect(modified).toEqual(['0:a', '0:b']);
  });

  it('TYPE names every type', () => {
    const { db, call } = setup();
    db.set('s', 'v');
    db.set('l', new FakeList(['x']));
    expect(call('type', 's')).toBe('string');
    expect(call('type', 'l')).toBe('list');
    expect(call('type', 'nope')).toBe('none');
  });

  it('EXISTS and TYPE count hits and misses without recording access', () => {
    const { db, call, engine, clock } = setup({ trackAccess: true });
    db.set('a', '1');
    clock.advance(5000);
    call('exists', 'a', 'b');
    call('type', 'a');
    expect(engine.stats.keyspaceHits).toBe(2);
    expect(engine.stats.keyspaceMisses).toBe(1);
    expect(call('object', 'idletime', 'a')).toBe(5);
    call('touch', 'a');
    expect(call('object', 'idletime', 'a')).toBe(0);
  });

  it('deleting an expired key counts as absent and emits expired, not del', () => {
    const { db, call, clock, events, engine } = setup();
    db.set('a', '1');
    call('pexpire', 'a', 100);
    clock.advance(101);
    events.length = 0;
    expect(call('del', 'a')).toBe(0);
    expect(events).toEqual(['0:expired:a']);
    expect(engine.stats.expiredKeys).toBe(1);
  });
});

describe('EXPIRE family, TTL family, PERSIST', () => {
  it('sets and reports TTLs with Redis rounding', () => {
    const { db, call, clock, events, modified } = setup();
    db.set('k', 'v');
    modified.length = 0;
    expect(call('expire', 'k', 10)).toBe(1);
    expect(events.at(-1)).toBe('0:expire:k');
    expect(modified).toEqual(['0:k']);
    call('persist', 'k');
    expect(call('ttl', 'k')).toBe(-1);
    expect(call('pttl', 'k')).toBe(-1);
    expect(call('expiretime', 'k')).toBe(-1);
    expect(call('ttl', 'nope')).toBe(-2);
    expect(call('pexpiretime', 'nope')).toBe(-2);
    expect(call('expire', 'k', 10)).toBe(1);
    expect(call('ttl', 'k')).toBe(10);
    expect(call('pttl', 'k')).toBe(10000);
    expect(call('expiretime', 'k')).toBe(Math.floor((T0 + 10000 + 500) / 1000));
    expect(call('pexpiretime', 'k')).toBe(T0 + 10000);
    clock.advance(8501);
    expect(call('pttl', 'k')).toBe(1499);
    expect(call('ttl', 'k')).toBe(1); // (1499 + 500) / 1000
    clock.advance(-1);
    expect(call('ttl', 'k')).toBe(2); // (1500 + 500) / 1000
    expect(call('pexpire', 'k', 1500)).toBe(1);
    expect(call('pttl', 'k')).toBe(1500);
    expect(call('expireat', 'k', Math.floor(T0 / 1000) + 100)).toBe(1);
    expect(call('pexpiretime', 'k')).toBe((Math.floor(T0 / 1000) + 100) * 1000);
    expect(call('pexpireat', 'k', T0 + 12345)).toBe(1);
    expect(call('pexpiretime', 'k')).toBe(T0 + 12345);
    expect(call('expire', 'nope', 10)).toBe(0);
  });

  it('a time not in the future deletes the key with a del event', () => {
    const { db, call, events, engine } = setup();
    for (const [cmd, when] of [
      ['expire', 0],
      ['expire', -5],
      ['pexpire', 0],
      ['expireat', 1],
      ['pexpireat', T0],
    ] as const) {
      db.set('k', 'v');
      events.length = 0;
      expect(call(cmd, 'k', when)).toBe(1);
      expect(call('exists', 'k')).toBe(0);
      expect(events).toEqual(['0:del:k', '0:keymiss:k']);
    }
    expect(engine.stats.expiredKeys).toBe(0);
  });

  it('applies NX, XX, GT and LT', () => {
    const { db, call } = setup();
    db.set('k', 'v');
    expect(call('expire', 'k', 100, 'xx')).toBe(0);
    expect(call('expire', 'k', 100, 'gt')).toBe(0); // no TTL counts as infinite
    expect(call('expire', 'k', 100, 'lt')).toBe(1);
    expect(call('expire', 'k', 50, 'nx')).toBe(0);
    expect(call('expire', 'k', 200, 'gt')).toBe(1);
    expect(call('expire', 'k', 150, 'GT')).toBe(0);
    expect(call('expire', 'k', 200, 'gt')).toBe(0); // equal is not greater
    expect(call('expire', 'k', 200, 'lt')).toBe(0);
    expect(call('expire', 'k', 150, 'xx', 'lt')).toBe(1);
    expect(call('ttl', 'k')).toBe(150);
    expect(call('persist', 'k')).toBe(1);
    expect(call('expire', 'k', 50, 'nx')).toBe(1);
    expect(call('expire', 'k', -1, 'gt')).toBe(0);
    expect(call('expire', 'k', -1, 'lt')).toBe(1);
    expect(call('exists', 'k')).toBe(0);
  });

  it('rejects bad options before the number, and overflow', () => {
    const { db, err } = setup();
    db.set('k', 'v');
    expect(err('expire', 'k', 'abc', 'foo')).toBe('ERR Unsupported option foo');
    expect(err('expire', 'k', 'abc')).toBe('ERR value is not an integer or out of range');
    expect(err('expire', 'k', 10, 'nx', 'xx')).toBe(
      'ERR NX and XX, GT or LT options at the same time are not compatible',
    );
    expect(err('expire', 'k', 10, 'nx', 'lt')).toBe(
      'ERR NX and XX, GT or LT options at the same time are not compatible',
    );
    expect(err('expire', 'k', 10, 'gt', 'lt')).toBe(
      'ERR GT and LT options at the same time are not compatible',
    );
    expect(err('expire', 'k', '9223372036854776')).toBe("ERR invalid expire time in 'expire' command");
    expect(err('expire', 'k', '9223372036854775')).toBe("ERR invalid expire time in 'expire' command");
    expect(err('expire', 'k', '-9223372036854776')).toBe("ERR invalid expire time in 'expire' command");
    expect(err('pexpire', 'k', '9223372036854775807')).toBe("ERR invalid expire time in 'pexpire' command");
    expect(err('expireat', 'k', '9223372036854776')).toBe("ERR invalid expire time in 'expireat' command");
    expect(err('expire', 'nope', '9223372036854776')).toBe("ERR invalid expire time in 'expire' command");
  });

  it('keeps expiry times beyond 2^53 exact', () => {
    const { db, call, engine } = setup();
    db.set('k', 'v');
    expect(call('pexpireat', 'k', '9223372036854775807')).toBe(1);
    expect(call('pexpiretime', 'k')).toBe('9223372036854775807');
    expect(call('expiretime', 'k')).toBe('9223372036854776');
    expect(call('pttl', 'k')).toBe((9223372036854775807n - BigInt(T0)).toString());
    expect(call('expireat', 'k', '9223372036854774')).toBe(1);
    expect(call('pexpiretime', 'k')).toBe('9223372036854774000');
    expect(call('expire', 'k', '9223372036854', 'gt')).toBe(0);
    expect(call('pexpireat', 'k', '9223372036854774001', 'gt')).toBe(1);
    expect(getKeyExpire(db, 'k')).toBe(9223372036854774001n);
    // A stale big time is not used once a safe one replaces it.
    setKeyExpire(db, 'k', T0 + 5);
    expect(getKeyExpire(db, 'k')).toBe(T0 + 5);
    expect(engine.dbs[0].expires.get('k')).toBe(T0 + 5);
  });

  it('computes expire times with Redis overflow rules', () => {
    expect(expireTime(10, true, 1000)).toBe(11000);
    expect(expireTime(-9223372036854775n, true, 0)).toBe(-9223372036854775000n);
    expect(expireTime(-9223372036854776n, true, 0)).toBeUndefined();
    expect(expireTime(9223372036854775807n, false, 0)).toBe(9223372036854775807n);
    expect(expireTime(9223372036854775807n, false, 1)).toBeUndefined();
    expect(expireTime(-9223372036854775808n, false, T0)).toBe(-9223372036854775808n + BigInt(T0));
  });

  it('PERSIST removes a TTL once and emits persist', () => {
    const { db, call, events } = setup();
    db.set('k', 'v');
    expect(call('persist', 'k')).toBe(0);
    call('expire', 'k', 10);
    events.length = 0;
    expect(call('persist', 'k')).toBe(1);
    expect(call('persist', 'k')).toBe(0);
    expect(call('persist', 'nope')).toBe(0);
    expect(call('ttl', 'k')).toBe(-1);
    expect(events).toEqual(['0:persist:k']);
  });

  it('keys expire lazily on access', () => {
    const { db, call, clock, engine, events } = setup();
    db.set('k', 'v');
    call('pexpire', 'k', 1000);
    clock.advance(999);
    expect(call('exists', 'k')).toBe(1);
    clock.advance(1);
    expect(call('exists', 'k')).toBe(1); // due exactly now: still there (Redis: now > when)
    expect(call('pttl', 'k')).toBe(0);
    clock.advance(1);
    events.length = 0;
    expect(call('ttl', 'k')).toBe(-2);
    expect(events).toEqual(['0:expired:k', '0:keymiss:k']);
    expect(engine.stats.expiredKeys).toBe(1);
    expect(db.size).toBe(0);
  });
});

describe('RENAME, RENAMENX, MOVE, COPY', () => {
  it('RENAME moves value, TTL and raw encoding, replacing the destination', () => {
    const { db, call, events, modified } = setup();
    db.set('a', 'hello');
    db.markEncoding('a', 'raw');
    call('expire', 'a', 100);
    db.set('b', 'old');
    events.length = 0;
    modified.length = 0;
    expect(call('rename', 'a', 'b')).toBe('OK');
    expect(call('exists', 'a')).toBe(0);
    expect(db.peek('b')).toBe('hello');
    expect(call('ttl', 'b')).toBe(100);
    expect(call('object', 'encoding', 'b')).toBe('raw');
    expect(events.slice(0, 3)).toEqual(['0:new:b', '0:rename_from:a', '0:rename_to:b']);
    expect(modified).toEqual(['0:b', '0:a']);
    // A TTL on the old destination does not survive.
    db.set('c', 'x');
    call('expire', 'b', 5);
    call('persist', 'b');
    call('expire', 'c', 50);
    call('rename', 'b', 'c');
    expect(call('ttl', 'c')).toBe(-1);
  });

  it('RENAME errors and same-key cases', () => {
    const { db, call, err } = setup();
    expect(err('rename', 'nope', 'x')).toBe('ERR no such key');
    expect(err('rename', 'nope', 'nope')).toBe('ERR no such key');
    expect(err('renamenx', 'nope', 'nope')).toBe('ERR no such key');
    db.set('a', '1');
    expect(call('rename', 'a', 'a')).toBe('OK');
    expect(call('renamenx', 'a', 'a')).toBe(0);
    db.set('b', '2');
    expect(call('renamenx', 'a', 'b')).toBe(0);
    expect(call('renamenx', 'a', 'c')).toBe(1);
    expect(db.peek('c')).toBe('1');
  });

  it('MOVE moves a key with its TTL to another database', () => {
    const { db, engine, call, err, events, modified } = setup();
    db.set('a', '1');
    call('expire', 'a', 100);
    events.length = 0;
    modified.length = 0;
    expect(call('move', 'a', 3)).toBe(1);
    expect(events).toEqual(['3:new:a', '0:move_from:a', '3:move_to:a']);
    expect(modified).toEqual(['3:a', '0:a']);
    expect(db.peek('a')).toBeUndefined();
    expect(engine.dbs[3].peek('a')).toBe('1');
    expect(getKeyExpire(engine.dbs[3], 'a')).toBe(T0 + 100000);
    expect(call('move', 'a', 3)).toBe(0);
    db.set('b', '1');
    engine.dbs[3].set('b', '2');
    expect(call('move', 'b', 3)).toBe(0);
    expect(err('move', 'b', 0)).toBe('ERR source and destination objects are the same');
    expect(err('move', 'nope', 0)).toBe('ERR source and destination objects are the same');
    expect(err('move', 'b', 16)).toBe('ERR DB index is out of range');
    expect(err('move', 'b', -1)).toBe('ERR DB index is out of range');
    expect(err('move', 'b', '2147483648')).toBe(
      'ERR value is out of range, value must between -2147483648 and 2147483647',
    );
    expect(err('move', 'b', 'x')).toBe('ERR value is not an integer or out of range');
  });

  it('COPY copies value and TTL, with DB and REPLACE', () => {
    const { db, engine, call, err, events, modified } = setup();
    db.set('a', 'v');
    call('expire', 'a', 100);
    events.length = 0;
    modified.length = 0;
    expect(call('copy', 'a', 'b')).toBe(1);
    expect(events).toEqual(['0:new:b', '0:copy_to:b']);
    expect(modified).toEqual(['0:b']);
    expect(call('ttl', 'b')).toBe(100);
    expect(call('copy', 'a', 'b')).toBe(0);
    db.set('c', 'other');
    expect(call('copy', 'a', 'c', 'replace')).toBe(1);
    expect(db.peek('c')).toBe('v');
    expect(call('copy', 'a', 'a', 'db', 2)).toBe(1);
    expect(engine.dbs[2].peek('a')).toBe('v');
    expect(call('copy', 'nope', 'x')).toBe(0);
    expect(err('copy', 'a', 'a')).toBe('ERR source and destination objects are the same');
    expect(err('copy', 'a', 'a', 'db', 0)).toBe('ERR source and destination objects are the same');
    expect(err('copy', 'a', 'b', 'db', 16)).toBe('ERR DB index is out of range');
    expect(err('copy', 'a', 'b', 'db')).toBe('ERR syntax error');
    expect(err('copy', 'a', 'b', 'foo')).toBe('ERR syntax error');
    expect(err('copy', 'a', 'b', 'db', 'x')).toBe('ERR value is not an integer or out of range');
  });

  it('COPY duplicates Buffers and aggregates, and keeps the raw encoding', () => {
    const { db, call } = setup();
    const buf = Buffer.from([0xff, 0x00]);
    db.set('b', buf);
    call('copy', 'b', 'b2');
    const copy = db.peek('b2') as Buffer;
    expect(copy).toEqual(buf);
    expect(copy).not.toBe(buf);
    const list = new FakeList(['x']);
    db.set('l', list);
    call('copy', 'l', 'l2');
    const l2 = db.peek('l2') as FakeList;
    expect(l2).not.toBe(list);
    expect(l2.items).toEqual(['x']);
    expect(call('type', 'l2')).toBe('list');
    db.set('r', 'short');
    db.markEncoding('r', 'raw');
    call('copy', 'r', 'r2');
    expect(call('object', 'encoding', 'r2')).toBe('raw');
  });
});

describe('KEYS, SCAN, RANDOMKEY', () => {
  it('KEYS matches patterns and skips expired keys without deleting them', () => {
    const { db, call, clock } = setup();
    for (const k of ['one', 'two', 'three', '']) db.set(k, 'v');
    expect((call('keys', '*') as string[]).sort()).toEqual(['', 'one', 'three', 'two']);
    expect((call('keys', 't*') as string[]).sort()).toEqual(['three', 'two']);
    expect(call('keys', '*') as string[]).toHaveLength(4);
    expect(call('keys', '**') as string[]).toHaveLength(3); // '**' does not match the empty key
    call('pexpire', 'two', 10);
    clock.advance(10);
    expect((call('keys', 't*') as string[]).sort()).toEqual(['three', 'two']); // due exactly now
    clock.advance(1);
    expect((call('keys', 't*') as string[]).sort()).toEqual(['three']);
    expect(call('dbsize')).toBe(4);
  });

  it('returns binary keys as their bytes', () => {
    const { db, call } = setup();
    const raw = Buffer.from([0x6b, 0xff]);
    db.set(toKey(raw), 'v');
    expect(call('keys', '*')).toEqual([raw]);
    expect(call('keys', Buffer.from([0x6b, 0x3f]))).toEqual([raw]);
    expect(call('scan', 0)).toEqual(['0', [raw]]);
    expect(call('randomkey')).toEqual(raw);
  });

  it('SCAN walks the keyspace with COUNT, MATCH and TYPE', () => {
    const { db, call } = setup();
    for (let i = 0; i < 100; i++) db.set(`k${i}`, 'v');
    for (let i = 0; i < 10; i++) db.set(`l${i}`, new FakeList([]));
    const all = new Set<string>();
    let cursor = '0';
    let steps = 0;
    do {
      const [next, keys] = call('scan', cursor, 'count', 7) as [string, string[]];
      expect(keys.length).toBeLessThanOrEqual(7);
      for (const k of keys) all.add(k);
      cursor = next;
      steps++;
    } while (cursor !== '0');
    expect(all.size).toBe(110);
    expect(steps).toBe(Math.ceil(110 / 7));
    const lists: string[] = [];
    cursor = '0';
    do {
      const [next, keys] = call('scan', cursor, 'type', 'LIST', 'match', 'l*') as [string, string[]];
      lists.push(...keys);
      cursor = next;
    } while (cursor !== '0');
    expect(lists.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `l${i}`).sort());
    expect(call('scan', 0, 'type', 'hash', 'count', 1000)).toEqual(['0', []]);
  });

  it('SCAN deletes expired keys it meets and never returns them', () => {
    const { db, call, clock, engine } = setup();
    for (let i = 0; i < 20; i++) db.set(`k${i}`, 'v');
    for (let i = 0; i < 10; i++) call('pexpire', `k${i}`, 5);
    clock.advance(6);
    const [cursor, keys] = call('scan', 0, 'count', 100) as [string, string[]];
    expect(cursor).toBe('0');
    expect(keys).toHaveLength(10);
    expect(db.size).toBe(10);
    expect(engine.stats.expiredKeys).toBe(10);
  });

  it('SCAN errors', () => {
    const { err, call } = setup();
    expect(err('scan', 'abc')).toBe('ERR invalid cursor');
    expect(err('scan', ' 1')).toBe('ERR invalid cursor');
    expect(err('scan', '18446744073709551616')).toBe('ERR invalid cursor');
    expect(err('scan', 0, 'count', 0)).toBe('ERR syntax error');
    expect(err('scan', 0, 'count', 'x')).toBe('ERR value is not an integer or out of range');
    expect(err('scan', 0, 'count')).toBe('ERR syntax error');
    expect(err('scan', 0, 'match')).toBe('ERR syntax error');
    expect(err('scan', 0, 'foo', 'bar')).toBe('ERR syntax error');
    expect(err('scan', 'x', 'count', 0)).toBe('ERR invalid cursor');
    expect(call('scan', '')).toEqual(['0', []]);
    expect(call('scan', '-1')).toEqual(['0', []]);
    expect(call('scan', '18446744073709551615')).toEqual(['0', []]);
  });

  it('parses cursors as strtoul does', () => {
    expect(parseScanCursor('0')).toBe(0);
    expect(parseScanCursor('+7')).toBe(7);
    expect(parseScanCursor('-1')).toBe(18446744073709551615n);
    expect(parseScanCursor('-0')).toBe(0);
    expect(parseScanCursor('')).toBe(0);
    expect(parseScanCursor('007')).toBe(7);
    expect(() => parseScanCursor('+')).toThrow('ERR invalid cursor');
    expect(() => parseScanCursor('1 ')).toThrow('ERR invalid cursor');
    expect(() => parseScanCursor('0x1')).toThrow('ERR invalid cursor');
  });

  it('an unknown cursor resumes by position', () => {
    const { db } = setup();
    for (let i = 0; i < 30; i++) db.set(`k${i}`, 'v');
    const [c1, first] = scanKeys(db, 0, { count: 10 });
    expect(first).toEqual(Array.from({ length: 10 }, (_, i) => `k${i}`));
    // The same cursor twice: the second use no longer finds its live scan.
    const [c2, again] = scanKeys(db, c1, { count: 10 });
    const [c3, fallback] = scanKeys(db, c1, { count: 10 });
    expect(again).toEqual(fallback);
    expect(c3).not.toBe(0);
    expect(c2).not.toBe(c3);
    // Beyond the end: done.
    expect(scanKeys(db, 1000 * 2 ** 20 + 5, { count: 10 })).toEqual([0, []]);
  });

  it('RANDOMKEY returns nil when empty, every key eventually, and skips expired keys', () => {
    const { db, call, clock } = setup();
    expect(call('randomkey')).toBeNull();
    for (let i = 0; i < 50; i++) db.set(`k${i}`, 'v');
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) seen.add(call('randomkey') as string);
    expect(seen.size).toBe(50);
    for (let i = 0; i < 49; i++) call('pexpire', `k${i}`, 1);
    clock.advance(2);
    for (let i = 0; i < 20; i++) expect(call('randomkey')).toBe('k49');
    expect(db.size).toBe(1);
    call('pexpire', 'k49', 1);
    clock.advance(1);
    expect(call('randomkey')).toBe('k49'); // due exactly now: still there (Redis: now > when)
    clock.advance(1);
    expect(call('randomkey')).toBeNull();
  });

  it('RANDOMKEY follows the keyspace through SWAPDB and FLUSHDB', () => {
    const { engine, call } = setup();
    engine.dbs[0].set('a', '1');
    engine.dbs[1].set('b', '1');
    expect(call('randomkey')).toBe('a');
    call('swapdb', 0, 1);
    expect(call('randomkey')).toBe('b');
    call('flushdb');
    expect(call('randomkey')).toBeNull();
    engine.dbs[0].set('c', '1');
    expect(call('randomkey')).toBe('c');
    expect(randomKey(engine.dbs[0])).toBe('c');
  });
});

describe('ScanCursors', () => {
  it('works over Sets, and forgets the oldest live scans beyond capacity', () => {
    const cursors = new ScanCursors(2);
    const set = new Set(Array.from({ length: 10 }, (_, i) => i));
    const out: number[] = [];
    const c1 = cursors.step(set, 0, 3, out);
    const c2 = cursors.step(set, 0, 3, []);
    const c3 = cursors.step(set, 0, 3, []);
    expect(cursors.size).toBe(2);
    expect(out).toEqual([0, 1, 2]);
    // c1 was evicted: it degrades to skipping 3 entries.
    const rest: number[] = [];
    let c = c1;
    while (c !== 0) c = cursors.step(set, c, 3, rest);
    expect(rest).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect(c2).not.toBe(c3);
  });

  it('returns 0 on the last page', () => {
    const cursors = new ScanCursors();
    const set = new Set([1, 2, 3]);
    const out: number[] = [];
    expect(cursors.step(set, 0, 3, out)).toBe(0);
    expect(cursors.size).toBe(0);
    expect(cursors.step(new Set<number>(), 0, 3, out)).toBe(0);
  });

  it('returns every key present for the whole scan, while keys come and go', () => {
    type Op = { kind: 'add'; key: number } | { kind: 'del'; key: number } | { kind: 'scan'; count: number };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), key: fc.integer({ min: 0, max: 300 }) }),
      fc.record({ kind: fc.constant('del' as const), key: fc.integer({ min: 0, max: 300 }) }),
      fc.record({ kind: fc.constant('scan' as const), count: fc.integer({ min: 1, max: 20 }) }),
    );
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 300 }), { maxLength: 150 }),
        fc.array(op, { maxLength: 300 }),
        fc.boolean(),
        (initial, ops, tinyRegistry) => {
          const cursors = new ScanCursors(tinyRegistry ? 1 : 4096);
          const map = new Map<number, string>(initial.map((k) => [k, 'v']));
          const start = new Set(map.keys());
          const removed = new Set<number>();
          const returned = new Set<number>();
          const first: number[] = [];
          let cursor = cursors.step(map, 0, 5, first);
          for (const k of first) returned.add(k);
          let done = cursor === 0;
          for (const o of ops) {
            if (o.kind === 'add') map.set(o.key, 'v');
            else if (o.kind === 'del') {
              if (map.delete(o.key)) removed.add(o.key);
            } else if (!done) {
              const page: number[] = [];
              cursor = cursors.step(map, cursor, o.count, page);
              for (const k of page) returned.add(k);
              done = cursor === 0;
              // Another client's scan, competing for the registry.
              cursors.step(new Set([1, 2, 3, 4]), 0, 1, [] as number[]);
            }
          }
          while (!done) {
            const page: number[] = [];
            cursor = cursors.step(map, cursor, 7, page);
            for (const k of page) returned.add(k);
            done = cursor === 0;
          }
          // Every returned key existed at some point.
          for (const k of returned) expect(map.has(k) || removed.has(k)).toBe(true);
          // Present for the whole scan: returned. Guaranteed while the scan stays live;
          // with a one-entry registry the scan degrades to positions, which deletions shift.
          if (tinyRegistry) return;
          for (const k of start) if (!removed.has(k)) expect(returned.has(k)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps the guarantee through evictions when nothing is deleted', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200 }),
        fc.array(fc.integer({ min: 1, max: 15 }), { minLength: 1, maxLength: 100 }),
        (n, counts) => {
          const cursors = new ScanCursors(1);
          const map = new Map<number, number>(Array.from({ length: n }, (_, i) => [i, i]));
          const returned = new Set<number>();
          let cursor: number = 0;
          let i = 0;
          do {
            const page: number[] = [];
            cursor = cursors.step(map, cursor, counts[i++ % counts.length], page);
            for (const k of page) returned.add(k);
            cursors.step(new Set([1, 2]), 0, 1, []); // evicts our live scan
            if (i < 50) map.set(1000 + i, i); // additions are fine (bounded, or the scan never ends)
          } while (cursor !== 0);
          for (let k = 0; k < n; k++) expect(returned.has(k)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('OBJECT', () => {
  it('ENCODING follows Redis string encodings and aggregate encodings', () => {
    const { db, call } = setup();
    const cases: [string, string | Buffer, string][] = [
      ['n', '123', 'int'],
      ['neg', '-5', 'int'],
      ['max', '9223372036854775807', 'int'],
      ['over', '9223372036854775808', 'embstr'],
      ['lz', '0123', 'embstr'],
      ['plus', '+1', 'embstr'],
      ['s', 'hello', 'embstr'],
      ['e44', 'x'.repeat(44), 'embstr'],
      ['e45', 'x'.repeat(45), 'raw'],
      ['utf', 'é'.repeat(22), 'embstr'],
      ['utf45', `${'é'.repeat(22)}x`, 'raw'],
      ['buf', Buffer.from([0xff]), 'embstr'],
    ];
    for (const [k, v] of cases) db.set(k, v);
    for (const [k, , enc] of cases) expect([k, call('object', 'encoding', k)]).toEqual([k, enc]);
    db.markEncoding('n', 'raw');
    expect(call('object', 'encoding', 'n')).toBe('raw');
    db.set('l', new FakeList([]));
    expect(call('object', 'encoding', 'l')).toBe('listpack');
    expect(call('object', 'encoding', 'nope')).toBeNull();
  });

  it('REFCOUNT reports shared integers', () => {
    const { db, call, engine } = setup();
    db.set('z', '0');
    db.set('n', '9999');
    db.set('big', '10000');
    db.set('neg', '-1');
    db.set('s', 'abc');
    expect(call('object', 'refcount', 'z')).toBe(2147483647);
    expect(call('object', 'refcount', 'n')).toBe(2147483647);
    expect(call('object', 'refcount', 'big')).toBe(1);
    expect(call('object', 'refcount', 'neg')).toBe(1);
    expect(call('object', 'refcount', 's')).toBe(1);
    expect(call('object', 'refcount', 'nope')).toBeNull();
    engine.maxmemoryPolicy = 'allkeys-lru';
    expect(call('object', 'refcount', 'z')).toBe(2147483647); // maxmemory 0: still shared
    engine.maxmemory = 1 << 20;
    expect(call('object', 'refcount', 'z')).toBe(1);
  });

  it('IDLETIME needs access tracking and is refused under LFU', () => {
    const { db, call, err, clock, engine } = setup();
    db.set('k', 'v');
    expect(err('object', 'idletime', 'k')).toBe(
      'ERR idle time is not tracked (set track-access-time yes, or an LRU maxmemory-policy)',
    );
    expect(call('object', 'idletime', 'nope')).toBeNull();
    engine.maxmemoryPolicy = 'allkeys-lru';
    expect(engine.trackAccess).toBe(true);
    db.set('k', 'v');
    clock.advance(7000);
    expect(call('object', 'idletime', 'k')).toBe(7);
    expect(call('object', 'idletime', 'k')).toBe(7); // OBJECT does not touch
    engine.maxmemoryPolicy = 'volatile-lfu';
    expect(err('object', 'idletime', 'k')).toMatch(/^ERR An LFU maxmemory policy is selected/);
  });

  it('FREQ reports the LFU counter under an LFU policy only', () => {
    const { db, call, err, clock, engine } = setup();
    db.set('old', 'v');
    expect(err('object', 'freq', 'old')).toMatch(/^ERR An LFU maxmemory policy is not selected/);
    expect(call('object', 'freq', 'nope')).toBeNull();
    engine.maxmemoryPolicy = 'allkeys-lfu';
    expect(engine.lfu).toBe(true);
    expect(call('object', 'freq', 'old')).toBe(0);
    db.set('new', 'v');
    expect(call('object', 'freq', 'new')).toBe(5);
    db.read('new');
    expect(call('object', 'freq', 'new')).toBe(6); // below LFU_INIT_VAL + 1 the increment is certain
    db.read('old');
    expect(call('object', 'freq', 'old')).toBe(1);
    for (let i = 0; i < 1000; i++) db.read('new');
    const hot = call('object', 'freq', 'new') as number;
    expect(hot).toBeGreaterThan(6);
    expect(hot).toBeLessThan(40); // logarithmic
    clock.advance(3 * 60_000);
    expect(call('object', 'freq', 'new')).toBe(hot - 3); // decays a step per minute
    db.set('new', 'w'); // an overwrite keeps the counter
    expect(call('object', 'freq', 'new')).toBe(hot - 3);
    call('rename', 'new', 'moved');
    expect(call('object', 'freq', 'moved')).toBe(hot - 3);
  });

  it('HELP and unknown subcommands', () => {
    const { call, err } = setup();
    const help = call('object', 'help') as string[];
    expect(help[0]).toBe('OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    expect(help.at(-1)).toBe('    Prints this help.');
    expect(help).toHaveLength(15);
    expect(err('object', 'foo')).toBe("ERR unknown subcommand 'foo'. Try OBJECT HELP.");
    expect(err('object', 'encoding')).toBe("ERR wrong number of arguments for 'object|encoding' command");
  });
});

describe('DBSIZE, FLUSHDB, FLUSHALL, SWAPDB', () => {
  it('flushes and counts', () => {
    const { engine, call, err, modified } = setup();
    engine.dbs[0].set('a', '1');
    engine.dbs[0].set('b', '1');
    engine.dbs[1].set('c', '1');
    expect(call('dbsize')).toBe(2);
    modified.length = 0;
    expect(call('flushdb', 'ASYNC')).toBe('OK');
    expect(modified.sort()).toEqual(['0:a', '0:b']);
    expect(call('dbsize')).toBe(0);
    expect(engine.dbs[1].size).toBe(1);
    expect(err('flushdb', 'foo')).toBe('ERR syntax error');
    expect(err('flushall', 'sync', 'async')).toBe('ERR syntax error');
    expect(call('flushall', 'sync')).toBe('OK');
    expect(engine.totalKeys()).toBe(0);
  });

  it('swaps databases and signals every affected key in both', () => {
    const { engine, call, err, modified } = setup();
    const [db0, db1] = engine.dbs as [Database, Database];
    db0.set('a', '0');
    db0.set('both', '0');
    db1.set('b', '1');
    db1.set('both', '1');
    call('expire', 'a', 100);
    modified.length = 0;
    expect(call('swapdb', 0, 1)).toBe('OK');
    expect(modified.sort()).toEqual(['0:a', '0:b', '0:both', '1:a', '1:b', '1:both']);
    expect(db0.peek('b')).toBe('1');
    expect(db1.peek('a')).toBe('0');
    expect(getKeyExpire(db1, 'a')).toBe(T0 + 100000);
    expect(call('swapdb', 0, 0)).toBe('OK');
    expect(err('swapdb', 0, 16)).toBe('ERR DB index is out of range');
    expect(err('swapdb', -1, 0)).toBe('ERR DB index is out of range');
    expect(err('swapdb', 'x', 1)).toBe('ERR invalid first DB index');
    expect(err('swapdb', 1, 'x')).toBe('ERR invalid second DB index');
    expect(err('swapdb', 0, '2147483648')).toBe('ERR invalid second DB index');
  });

  it('KEYS sees the swapped contents', () => {
    const { engine } = setup();
    engine.dbs[1].set('x', '1');
    const call = (db: number) => keysMatching(engine.dbs[db], new Glob('*'));
    new Cachee({ engine }).call('swapdb', 0, 1);
    expect(call(0)).toEqual(['x']);
    expect(call(1)).toEqual([]);
    expect(keyToValue('x')).toBe('x');
  });
});

describe('an engine without a ManualClock', () => {
  it('EXPIRE and TTL use the wall clock', () => {
    const engine = new Engine({ activeExpiry: false });
    const cache = new Cachee({ engine });
    engine.dbs[0].set('k', 'v');
    expect(cache.call('expire', 'k', 100)).toBe(1);
    expect(cache.call('ttl', 'k')).toBe(100);
  });
});
