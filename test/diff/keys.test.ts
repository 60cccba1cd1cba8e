import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import type { Arg } from '../../src/util/bytes.js';
import { DiffPair, InProcessTarget, RawConnection, type Target, useRedis } from './harness.js';

const redis = useRedis();

/** A pair whose Cachee engine tracks access times (Redis always does), so OBJECT IDLETIME compares. */
async function openPair(protocol: 2 | 3, engine = new Engine({ trackAccess: true })): Promise<DiffPair> {
  const conn = await RawConnection.connect(redis.port);
  const pair = new DiffPair(conn, new InProcessTarget(engine), protocol);
  if (protocol === 3) await pair.both(['HELLO', '3']);
  await pair.both(['FLUSHALL']);
  return pair;
}

type Value = string | null | Value[];

/** Decodes a reply (RESP2 or RESP3) into strings (latin1), nulls and arrays. */
function decode(b: Buffer): Value {
  let p = 0;
  const line = (): string => {
    const eol = b.indexOf('\r\n', p);
    const s = b.toString('latin1', p, eol);
    p = eol + 2;
    return s;
  };
  const next = (): Value => {
    const l = line();
    const t = l[0];
    const rest = l.slice(1);
    if (t === '$' || t === '=') {
      const n = Number(rest);
      if (n < 0) return null;
      const s = b.toString('latin1', p, p + n);
      p += n + 2;
      return s;
    }
    if (t === '*' || t === '~' || t === '%' || t === '>') {
      let n = Number(rest);
      if (n < 0) return null;
      if (t === '%') n *= 2;
      const out: Value[] = [];
      for (let i = 0; i < n; i++) out.push(next());
      return out;
    }
    if (t === '_') return null;
    return rest;
  };
  return next();
}

/** Runs a whole SCAN (cursor until 0) on one side; returns the sorted keys and the number of calls. */
async function scanAll(target: Target, options: Arg[]): Promise<{ keys: string[]; calls: number }> {
  const keys: string[] = [];
  let cursor = '0';
  let calls = 0;
  do {
    const reply = decode(await target.send(['SCAN', cursor, ...options])) as [string, string[]];
    if (!Array.isArray(reply)) throw new Error(`SCAN replied ${reply}`);
    cursor = reply[0];
    keys.push(...reply[1]);
    calls++;
  } while (cursor !== '0' && calls < 100_000);
  return { keys: [...new Set(keys)].sort(), calls };
}

const NOW_S = () => Math.floor(Date.now() / 1000);

for (const protocol of [2, 3] as const) {
  describe(`generic key commands (RESP${protocol})`, () => {
    let pair: DiffPair;
    beforeEach(async () => {
      pair = await openPair(protocol);
    });
    afterEach(async () => {
      await pair.close();
    });

    it('DEL, UNLINK, EXISTS, TOUCH, TYPE, DBSIZE', async () => {
      await pair.checkAll([
        ['SET', 'a', '1'],
        ['SET', 'b', '2'],
        ['SET', 'c', '3'],
        ['DBSIZE'],
        ['EXISTS', 'a'],
        ['EXISTS', 'a', 'a', 'b', 'nope', 'nope'],
        ['TOUCH', 'a', 'nope', 'b'],
        ['TYPE', 'a'],
        ['TYPE', 'nope'],
        ['DEL', 'a', 'a', 'nope'],
        ['UNLINK', 'b', 'c', 'nope'],
        ['DEL', 'nope'],
        ['EXISTS', 'a', 'b', 'c'],
        ['DBSIZE'],
        ['DEL'],
        ['UNLINK'],
        ['EXISTS'],
        ['TOUCH'],
        ['TYPE'],
        ['TYPE', 'a', 'b'],
        ['DBSIZE', 'x'],
        ['SET', Buffer.from([0xff, 0x00]), 'bin'],
        ['EXISTS', Buffer.from([0xff, 0x00])],
        ['TYPE', Buffer.from([0xff, 0x00])],
        ['DEL', Buffer.from([0xff, 0x00])],
      ]);
    });

    it('TYPE of aggregates', async () => {
      await pair.checkAll([
        ['RPUSH', 'l', 'x'],
        ['HSET', 'h', 'f', 'v'],
        ['SADD', 's', 'm'],
        ['TYPE', 'l'],
        ['TYPE', 'h'],
        ['TYPE', 's'],
      ]);
    });

    it('EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT with every option and error', async () => {
      const at = NOW_S() + 1000;
      await pair.checkAll([
        ['SET', 'k', 'v'],
        ['EXPIRE', 'nope', '10'],
        ['EXPIRE', 'k', '100'],
        ['TTL', 'k'],
        ['PEXPIRE', 'k', '100000'],
        ['TTL', 'k'],
        ['EXPIREAT', 'k', String(at)],
        ['EXPIRETIME', 'k'],
        ['PEXPIRETIME', 'k'],
        ['PEXPIREAT', 'k', String(at * 1000 + 123)],
        ['PEXPIRETIME', 'k'],
        ['EXPIRETIME', 'k'],
        ['PERSIST', 'k'],
        ['EXPIRE', 'k', '100', 'XX'],
        ['EXPIRE', 'k', '100', 'GT'],
        ['EXPIRE', 'k', '100', 'LT'],
        ['EXPIRE', 'k', '50', 'NX'],
        ['EXPIRE', 'k', '200', 'gt'],
        ['TTL', 'k'],
        ['EXPIRE', 'k', '150', 'gt'],
        ['EXPIRE', 'k', '200', 'lt'],
        ['EXPIRE', 'k', '150', 'xx', 'lt'],
        ['TTL', 'k'],
        ['PEXPIREAT', 'k', String(at * 1000), 'GT'],
        ['EXPIREAT', 'k', String(at), 'LT'],
        ['EXPIREAT', 'k', String(at - 10), 'LT'],
        ['EXPIRETIME', 'k'],
        ['EXPIRE', 'k', '10', 'foo'],
        ['EXPIRE', 'k', 'abc', 'foo'],
        ['EXPIRE', 'k', 'abc'],
        ['EXPIRE', 'k', '1.5'],
        ['EXPIRE', 'k', '10', 'nx', 'xx'],
        ['EXPIRE', 'k', '10', 'nx', 'gt'],
        ['EXPIRE', 'k', '10', 'nx', 'lt'],
        ['EXPIRE', 'k', '10', 'gt', 'lt'],
        ['EXPIRE', 'k', '10', 'xx', 'gt', 'lt'],
        ['EXPIRE', 'k', '10', 'nx', 'nx'],
        ['EXPIRE', 'k', '9223372036854776'],
        ['EXPIRE', 'k', '9223372036854775'],
        ['EXPIRE', 'k', '-9223372036854776'],
        ['PEXPIRE', 'k', '9223372036854775807'],
        ['EXPIREAT', 'k', '9223372036854776'],
        ['EXPIRE', 'nope', '9223372036854776'],
        ['PEXPIREAT', 'k', '9223372036854775807'],
        ['PEXPIRETIME', 'k'],
        ['EXPIRETIME', 'k'],
        ['EXPIREAT', 'k', '9223372036854775'],
        ['PEXPIRETIME', 'k'],
        ['EXPIREAT', 'k', '9223372036854774'],
        ['EXPIRETIME', 'k'],
        ['PEXPIRE', 'k', '9223372036854775807', 'gt'],
        ['EXPIRE', 'k', '-9223372036854775'],
        ['EXISTS', 'k'],
        ['EXPIRE'],
        ['EXPIRE', 'k'],
        ['PEXPIREAT', 'k'],
      ]);
    });

    it('a time in the past deletes the key', async () => {
      for (const [cmd, when] of [
        ['EXPIRE', '0'],
        ['EXPIRE', '-1'],
        ['PEXPIRE', '-100'],
        ['EXPIREAT', '1'],
        ['EXPIREAT', '0'],
        ['PEXPIREAT', '1000'],
        ['PEXPIREAT', '-5'],
      ]) {
        await pair.checkAll([
          ['SET', 'k', 'v'],
          [cmd, 'k', when],
          ['EXISTS', 'k'],
          ['TTL', 'k'],
        ]);
      }
      await pair.checkAll([
        ['SET', 'k', 'v'],
        ['EXPIRE', 'k', '100'],
        ['EXPIRE', 'k', '-1', 'GT'],
        ['EXPIRE', 'k', '-1', 'LT'],
        ['EXISTS', 'k'],
        ['SET', 'k', 'v'],
        ['EXPIRE', 'k', '-1', 'NX'],
        ['EXISTS', 'k'],
      ]);
    });

    it('TTL, PTTL, EXPIRETIME, PEXPIRETIME, PERSIST', async () => {
      await pair.checkAll([
        ['TTL', 'nope'],
        ['PTTL', 'nope'],
        ['EXPIRETIME', 'nope'],
        ['PEXPIRETIME', 'nope'],
        ['SET', 'k', 'v'],
        ['TTL', 'k'],
        ['PTTL', 'k'],
        ['EXPIRETIME', 'k'],
        ['PEXPIRETIME', 'k'],
        ['PERSIST', 'k'],
        ['PERSIST', 'nope'],
        ['EXPIRE', 'k', '100'],
        ['TTL', 'k'],
        ['PERSIST', 'k'],
        ['PERSIST', 'k'],
        ['TTL', 'k'],
        ['SET', 'k', 'v', 'EX', '100'],
        ['TTL', 'k'],
        ['SET', 'k', 'w'],
        ['TTL', 'k'],
        ['TTL'],
        ['PTTL', 'a', 'b'],
        ['PERSIST'],
      ]);
      await pair.check(['PEXPIRE', 'k', '5000']);
      await pair.check(['PTTL', 'k'], 'type');
    });

    it('RENAME and RENAMENX', async () => {
      await pair.checkAll([
        ['RENAME', 'nope', 'x'],
        ['RENAME', 'nope', 'nope'],
        ['RENAMENX', 'nope', 'x'],
        ['RENAMENX', 'nope', 'nope'],
        ['SET', 'a', '1'],
        ['RENAME', 'a', 'a'],
        ['RENAMENX', 'a', 'a'],
        ['RENAME', 'a', 'b'],
        ['EXISTS', 'a', 'b'],
        ['GET', 'b'],
        ['EXPIRE', 'b', '100'],
        ['RENAME', 'b', 'c'],
        ['TTL', 'c'],
        ['SET', 'd', 'old'],
        ['EXPIRE', 'd', '500'],
        ['RENAMENX', 'c', 'd'],
        ['RENAME', 'c', 'd'],
        ['GET', 'd'],
        ['TTL', 'd'],
        ['SET', 'e', 'x'],
        ['RENAME', 'd', 'e'],
        ['TTL', 'e'],
        ['RENAMENX', 'e', 'f'],
        ['KEYS', '*'],
        ['RPUSH', 'list', 'a', 'b'],
        ['RENAME', 'list', 'list2'],
        ['TYPE', 'list2'],
        ['RENAME', 'x'],
        ['RENAMENX', 'x', 'y', 'z'],
      ]);
    });

    it('MOVE, COPY, SWAPDB across databases', async () => {
      await pair.checkAll([
        ['SET', 'a', '1'],
        ['EXPIRE', 'a', '100'],
        ['MOVE', 'a', '16'],
        ['MOVE', 'a', '-1'],
        ['MOVE', 'a', '2147483648'],
        ['MOVE', 'a', 'x'],
        ['MOVE', 'a', '0'],
        ['MOVE', 'nope', '0'],
        ['MOVE', 'nope', '1'],
        ['MOVE', 'a', '1'],
        ['EXISTS', 'a'],
        ['MOVE', 'a', '1'],
        ['SELECT', '1'],
        ['GET', 'a'],
        ['TTL', 'a'],
        ['SET', 'b', 'in1'],
        ['SELECT', '0'],
        ['SET', 'b', 'in0'],
        ['MOVE', 'b', '1'],
        ['COPY', 'b', 'b', 'DB', '1'],
        ['COPY', 'b', 'b', 'DB', '1', 'REPLACE'],
        ['COPY', 'b', 'c'],
        ['COPY', 'b', 'c'],
        ['COPY', 'b', 'c', 'replace'],
        ['COPY', 'b', 'b'],
        ['COPY', 'b', 'b', 'db', '0'],
        ['COPY', 'nope', 'x'],
        ['COPY', 'nope', 'nope'],
        ['COPY', 'b', 'x', 'DB', '16'],
        ['COPY', 'b', 'x', 'DB', '2147483648'],
        ['COPY', 'b', 'x', 'DB', 'x'],
        ['COPY', 'b', 'x', 'DB'],
        ['COPY', 'b', 'x', 'foo'],
        ['COPY', 'b', 'x', 'DB', '99', 'foo'],
        ['COPY', 'b', 'x', 'foo', 'DB', '99'],
        ['SET', 'v', 'val'],
        ['PEXPIREAT', 'v', String((NOW_S() + 1000) * 1000)],
        ['COPY', 'v', 'v2'],
        ['PEXPIRETIME', 'v2'],
        ['COPY', 'v', 'v3', 'DB', '2'],
        ['SWAPDB', '0', '2'],
        ['PEXPIRETIME', 'v3'],
        ['GET', 'b'],
        ['SWAPDB', '0', '2'],
        ['GET', 'b'],
        ['SELECT', '1'],
        ['GET', 'b'],
        ['DBSIZE'],
        ['SWAPDB', '1', '0'],
        ['DBSIZE'],
        ['SWAPDB', '0', '0'],
        ['SWAPDB', '0', '16'],
        ['SWAPDB', '-1', '0'],
        ['SWAPDB', 'x', '1'],
        ['SWAPDB', '1', 'x'],
        ['SWAPDB', '0', '2147483648'],
        ['SWAPDB', '2147483648', 'x'],
        ['SWAPDB', '0'],
        ['MOVE', 'a'],
        ['COPY', 'a'],
      ]);
      await pair.check(['KEYS', '*'], 'sorted');
      await pair.check(['SELECT', '0']);
      await pair.check(['KEYS', '*'], 'sorted');
    });

    it('COPY of aggregates is a deep copy', async () => {
      await pair.checkAll([
        ['RPUSH', 'l', 'a', 'b'],
        ['COPY', 'l', 'l2'],
        ['RPUSH', 'l2', 'c'],
        ['LRANGE', 'l', '0', '-1'],
        ['LRANGE', 'l2', '0', '-1'],
        ['HSET', 'h', 'f', 'v'],
        ['COPY', 'h', 'h2'],
        ['HSET', 'h2', 'g', 'w'],
        ['HLEN', 'h'],
        ['HLEN', 'h2'],
      ]);
    });

    it('KEYS with glob patterns', async () => {
      const keys = [
        'hello',
        'hallo',
        'hxllo',
        'hllo',
        'heeeello',
        'a*b',
        'a?b',
        'a[b',
        'a]b',
        '\\',
        'a\\b',
        '-',
        '^',
        ']',
        'AbC',
        'abc',
        'user:1:name',
        'user:22:name',
        'café',
        'x',
        '',
      ];
      for (const k of keys) await pair.check(['SET', k, 'v']);
      await pair.check(['SET', Buffer.from([0x61, 0xff, 0x62]), 'v']);
      await pair.check(['SET', Buffer.from([0x80]), 'v']);
      const patterns: Arg[] = [
        '*',
        '**',
        '',
        'h?llo',
        'h*llo',
        'h[ae]llo',
        'h[^e]llo',
        'h[a-b]llo',
        'h[b-a]llo',
        'a\\*b',
        'a\\?b',
        'a[\\[]b',
        'a[\\]]b',
        'a]b',
        '\\\\',
        '\\',
        'a\\',
        '[',
        '[^',
        '[\\',
        '[abc',
        '[a-',
        '[a-]',
        '[-]',
        '[^a-z]',
        '[^]',
        '[]]',
        '?',
        '??',
        '*\\',
        'user:*:name',
        'user:?:name',
        'caf?',
        'caf??',
        'caf*',
        '[A-Z]*',
        '*[c-a]',
        Buffer.from([0x61, 0x3f, 0x62]),
        Buffer.from([0x5b, 0x80, 0x2d, 0x61, 0x5d]),
        Buffer.from([0x5b, 0x80, 0x2d, 0x61, 0x5d, 0x2a]),
        Buffer.from([0x2a, 0xff, 0x2a]),
      ];
      for (const p of patterns) await pair.check(['KEYS', p], 'sorted');
      await pair.checkAll([['KEYS'], ['KEYS', 'a', 'b']]);
    });

    it('KEYS matches like redis-server on random patterns', async () => {
      const keys = [
        'a',
        'b',
        'ab',
        'ba',
        'abc',
        'aab',
        'a*',
        'a?',
        '[a]',
        '\\',
        'a\\',
        '-',
        '^',
        ']',
        'A',
        'aB',
        'bbb',
      ];
      for (const k of keys) await pair.check(['SET', k, 'v']);
      const alphabet = ['a', 'b', 'A', '*', '?', '[', ']', '^', '-', '\\'];
      await fc.assert(
        fc.asyncProperty(fc.array(fc.constantFrom(...alphabet), { maxLength: 8 }), async (chars) => {
          await pair.check(['KEYS', chars.join('')], 'sorted');
        }),
        { numRuns: 400 },
      );
    });

    it('KEYS matches bytes like redis-server on random binary keys and patterns', async () => {
      const patternBytes = [
        0x61, 0x62, 0x41, 0x2a, 0x3f, 0x5b, 0x5d, 0x5e, 0x2d, 0x5c, 0x80, 0xff, 0x00, 0xc3, 0xa9,
      ];
      const keyBytes = [0x61, 0x62, 0x41, 0x2d, 0x5d, 0x5c, 0x5e, 0x2a, 0x80, 0xff, 0x00, 0xc3, 0xa9];
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.constantFrom(...keyBytes), { maxLength: 6 }),
          fc.array(fc.constantFrom(...patternBytes), { maxLength: 8 }),
          async (key, pattern) => {
            await pair.check(['SET', Buffer.from(key), 'v']);
            await pair.check(['KEYS', Buffer.from(pattern)], 'sorted');
            await pair.check(['DEL', Buffer.from(key)]);
          },
        ),
        { numRuns: 500 },
      );
    });

    it('KEYS stops at the nesting limit like redis-server', async () => {
      await pair.check(['SET', 'a'.repeat(1100), 'v']);
      for (const n of [999, 1000, 1001, 1050]) await pair.check(['KEYS', '*a'.repeat(n)], 'sorted');
      await pair.check(['KEYS', '*?'.repeat(5000)], 'sorted');
    });

    it('SCAN errors and single pages', async () => {
      await pair.checkAll([
        ['SCAN', '0'],
        ['SCAN', 'abc'],
        ['SCAN', '-1'],
        ['SCAN', ''],
        ['SCAN', ' 1'],
        ['SCAN', '1 '],
        ['SCAN', '+'],
        ['SCAN', '18446744073709551616'],
        ['SCAN', '0', 'COUNT', '0'],
        ['SCAN', '0', 'COUNT', '-1'],
        ['SCAN', '0', 'COUNT', 'x'],
        ['SCAN', '0', 'COUNT'],
        ['SCAN', '0', 'MATCH'],
        ['SCAN', '0', 'TYPE'],
        ['SCAN', '0', 'foo', 'bar'],
        ['SCAN', '0', 'TYPE', 'string', 'COUNT', '0'],
        ['SCAN', 'x', 'COUNT', '0'],
        ['SCAN', '0', 'COUNT', '9223372036854775808'],
        ['SCAN'],
        ['SET', 'k1', 'v'],
        ['SCAN', '0'],
        ['SCAN', '0', 'MATCH', 'k*', 'COUNT', '100'],
        ['SCAN', '0', 'MATCH', 'z*'],
        ['SCAN', '0', 'TYPE', 'STRING'],
        ['SCAN', '0', 'TYPE', 'list'],
        ['SCAN', '0', 'count', '5', 'match', '*', 'type', 'string'],
      ]);
      await pair.check(['SCAN', '18446744073709551615'], 'type');
    });

    it('SCAN returns every key, with COUNT, MATCH and TYPE', async () => {
      for (let i = 0; i < 300; i++) await pair.check(['SET', `key:${i}`, 'v']);
      for (let i = 0; i < 20; i++) await pair.check(['RPUSH', `list:${i}`, 'x']);
      await pair.check(['SET', Buffer.from([0x6b, 0xff]), 'v']);
      await pair.check(['SET', '', 'empty']);
      for (const options of [
        [],
        ['COUNT', '1'],
        ['COUNT', '7'],
        ['COUNT', '1000'],
        ['MATCH', 'key:1*'],
        ['MATCH', '*'],
        ['MATCH', '**'],
        ['MATCH', 'list:*', 'COUNT', '3'],
        ['TYPE', 'list'],
        ['TYPE', 'String'],
        ['TYPE', 'hash'],
        ['TYPE', 'none'],
        ['MATCH', 'key:2?', 'TYPE', 'string', 'COUNT', '50'],
      ]) {
        const [a, b] = await Promise.all([scanAll(pair.redis, options), scanAll(pair.cachee, options)]);
        expect(b.keys, `SCAN ${options.join(' ')}`).toEqual(a.keys);
      }
    });

    it('RANDOMKEY', async () => {
      await pair.checkAll([['RANDOMKEY'], ['RANDOMKEY', 'x'], ['SET', 'only', 'v'], ['RANDOMKEY']]);
      await pair.check(['SET', Buffer.from([0xfe]), 'v']);
      await pair.check(['DEL', 'only']);
      await pair.check(['RANDOMKEY']);
      for (let i = 0; i < 10; i++) await pair.check(['SET', `k${i}`, 'v']);
      await pair.check(['RANDOMKEY'], 'type');
      await pair.check(['FLUSHDB']);
      await pair.check(['RANDOMKEY']);
    });

    it('OBJECT ENCODING, REFCOUNT, IDLETIME, FREQ, HELP', async () => {
      await pair.checkAll([
        ['OBJECT', 'HELP'],
        ['OBJECT', 'help'],
        ['OBJECT', 'HELP', 'x'],
        ['OBJECT', 'foo'],
        ['OBJECT', 'foo', 'bar'],
        ['OBJECT'],
        ['OBJECT', 'ENCODING'],
        ['OBJECT', 'ENCODING', 'a', 'b'],
        ['OBJECT', 'ENCODING', 'nope'],
        ['OBJECT', 'REFCOUNT', 'nope'],
        ['OBJECT', 'IDLETIME', 'nope'],
        ['OBJECT', 'FREQ', 'nope'],
      ]);
      const values: [string, string][] = [
        ['n', '123'],
        ['z', '0'],
        ['t', '9999'],
        ['big', '10000'],
        ['neg', '-5'],
        ['max', '9223372036854775807'],
        ['over', '9223372036854775808'],
        ['lz', '0123'],
        ['plus', '+1'],
        ['sp', ' 1'],
        ['s', 'hello'],
        ['e44', 'x'.repeat(44)],
        ['e45', 'x'.repeat(45)],
        ['num44', '1'.repeat(44)],
        ['utf', 'é'.repeat(22)],
        ['utf45', `${'é'.repeat(22)}x`],
        ['empty', ''],
      ];
      for (const [k, v] of values) {
        await pair.checkAll([
          ['SET', k, v],
          ['OBJECT', 'ENCODING', k],
          ['OBJECT', 'REFCOUNT', k],
          ['OBJECT', 'FREQ', k],
        ]);
        // Redis's shared integers (0..9999) carry one access time for every key holding them.
        const shared = /^\d{1,4}$/.test(v) && !/^0./.test(v);
        await pair.check(['OBJECT', 'IDLETIME', k], shared ? 'type' : 'exact');
      }
      await pair.checkAll([
        ['SET', Buffer.from([0xff, 0x31]), 'x'],
        ['SET', 'bin', Buffer.from([0xff, 0x31])],
        ['OBJECT', 'ENCODING', 'bin'],
        ['APPEND', 's', 'x'],
        ['OBJECT', 'ENCODING', 's'],
        ['APPEND', 'n', '4'],
        ['OBJECT', 'ENCODING', 'n'],
        ['OBJECT', 'REFCOUNT', 'n'],
        ['SETRANGE', 'e44', '0', 'y'],
        ['OBJECT', 'ENCODING', 'e44'],
        ['COPY', 'e44', 'e44c'],
        ['OBJECT', 'ENCODING', 'e44c'],
        ['RENAME', 'e44', 'e44r'],
        ['OBJECT', 'ENCODING', 'e44r'],
        ['SET', 'e44r', 'short'],
        ['OBJECT', 'ENCODING', 'e44r'],
        ['INCR', 'z'],
        ['OBJECT', 'ENCODING', 'z'],
        ['OBJECT', 'REFCOUNT', 'z'],
      ]);
    });

    it('OBJECT FREQ and IDLETIME under an LFU policy', async () => {
      const engine = new Engine({ trackAccess: true });
      const lfu = await openPair(protocol, engine);
      try {
        await lfu.redis.send(['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu']);
        engine.maxmemoryPolicy = 'allkeys-lfu';
        await lfu.checkAll([
          ['SET', 'k', 'v'],
          ['OBJECT', 'FREQ', 'k'],
          ['GET', 'k'],
          ['OBJECT', 'FREQ', 'k'],
          ['OBJECT', 'IDLETIME', 'k'],
          ['OBJECT', 'FREQ', 'nope'],
          ['OBJECT', 'IDLETIME', 'nope'],
          ['SET', 'n', '5'],
          ['OBJECT', 'REFCOUNT', 'n'],
        ]);
      } finally {
        await lfu.redis.send(['CONFIG', 'SET', 'maxmemory-policy', 'noeviction']);
        await lfu.close();
      }
    });

    it('counts keyspace hits and misses as redis-server does', async () => {
      await pair.redis.send(['CONFIG', 'RESETSTAT']);
      const stats = async (t: Target) => {
        const info = decode(await t.send(['INFO', 'stats'])) as string;
        return info
          .split('\r\n')
          .filter((l) => /^(keyspace_hits|keyspace_misses|expired_keys):/.test(l))
          .join(' ');
      };
      const commands: string[][] = [
        ['SET', 'a', '1'],
        ['SET', 'b', '2'],
        ['EXISTS', 'a', 'nope'],
        ['TYPE', 'a'],
        ['TYPE', 'nope'],
        ['TTL', 'a'],
        ['PTTL', 'nope'],
        ['EXPIRETIME', 'a'],
        ['TOUCH', 'a', 'nope'],
        ['OBJECT', 'ENCODING', 'a'],
        ['OBJECT', 'REFCOUNT', 'nope'],
        ['COPY', 'a', 'c'],
        ['COPY', 'nope', 'c'],
        ['RENAME', 'c', 'd'],
        ['MOVE', 'd', '1'],
        ['EXPIRE', 'b', '100'],
        ['PERSIST', 'b'],
        ['DEL', 'b', 'nope'],
        ['KEYS', '*'],
        ['SCAN', '0', 'TYPE', 'string'],
        ['RANDOMKEY'],
        ['DBSIZE'],
      ];
      for (const c of commands) await pair.both(c);
      expect(await stats(pair.cachee)).toBe(await stats(pair.redis));
    });

    it('FLUSHDB and FLUSHALL', async () => {
      await pair.checkAll([
        ['SET', 'a', '1'],
        ['SELECT', '1'],
        ['SET', 'b', '1'],
        ['FLUSHDB'],
        ['DBSIZE'],
        ['SELECT', '0'],
        ['DBSIZE'],
        ['SET', 'c', '1'],
        ['FLUSHDB', 'ASYNC'],
        ['DBSIZE'],
        ['SET', 'c', '1'],
        ['FLUSHDB', 'sync'],
        ['FLUSHDB', 'foo'],
        ['FLUSHDB', 'sync', 'async'],
        ['SET', 'a', '1'],
        ['SELECT', '2'],
        ['SET', 'b', '1'],
        ['FLUSHALL', 'foo'],
        ['FLUSHALL', 'async', 'x'],
        ['FLUSHALL'],
        ['DBSIZE'],
        ['SELECT', '0'],
        ['DBSIZE'],
        ['FLUSHALL', 'SYNC'],
        ['FLUSHALL', 'ASYNC'],
      ]);
    });

    it('random sequences of key commands match redis-server', async () => {
      const key = fc.constantFrom('a', 'b', 'c', 'd');
      const db = fc.constantFrom('0', '1', '2');
      const base = NOW_S();
      const command: fc.Arbitrary<string[]> = fc.oneof(
        fc.tuple(fc.constant('SET'), key, fc.constantFrom('1', 'v', '12345', 'x'.repeat(50))),
        fc.tuple(fc.constant('DEL'), key, key),
        fc.tuple(fc.constant('UNLINK'), key),
        fc.tuple(fc.constant('EXISTS'), key, key, key),
        fc.tuple(fc.constant('TYPE'), key),
        fc.tuple(fc.constant('RENAME'), key, key),
        fc.tuple(fc.constant('RENAMENX'), key, key),
        fc.tuple(fc.constant('COPY'), key, key),
        fc.tuple(fc.constant('COPY'), key, key, fc.constant('DB'), db, fc.constant('REPLACE')),
        fc.tuple(fc.constant('MOVE'), key, db),
        fc.tuple(fc.constant('SWAPDB'), db, db),
        fc.tuple(fc.constant('SELECT'), db),
        // Absolute times only (and relative ones that delete), so that both sides agree to the ms.
        fc.tuple(fc.constantFrom('EXPIRE', 'PEXPIRE'), key, fc.constantFrom('-1', '0')),
        fc.tuple(fc.constant('EXPIREAT'), key, fc.constantFrom(String(base + 100), String(base + 300), '1')),
        fc.tuple(
          fc.constant('PEXPIREAT'),
          key,
          fc.constantFrom(String((base + 100) * 1000), String((base + 300) * 1000 + 1)),
          fc.constantFrom('NX', 'XX', 'GT', 'LT'),
        ),
        fc.tuple(fc.constantFrom('EXPIRETIME', 'PEXPIRETIME', 'PERSIST'), key),
        fc.tuple(fc.constant('OBJECT'), fc.constantFrom('ENCODING', 'REFCOUNT'), key),
        fc.tuple(fc.constant('APPEND'), key, fc.constant('z')),
        fc.tuple(fc.constant('RPUSH'), key, fc.constant('x')),
        fc.tuple(fc.constantFrom('DBSIZE', 'FLUSHDB')),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 40 }), async (commands) => {
          await pair.both(['SELECT', '0']);
          await pair.both(['FLUSHALL']);
          for (const c of commands) await pair.check(c);
          for (const d of ['0', '1', '2']) {
            await pair.check(['SELECT', d]);
            await pair.check(['KEYS', '*'], 'sorted');
          }
        }),
        { numRuns: 60 },
      );
    });
  });
}
