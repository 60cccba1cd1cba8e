import { describe, expect, it } from 'vitest';
import { Cachee } from '../../src/client/cachee.js';
import { parseStringOptions } from '../../src/commands/strings.js';
import { ManualClock } from '../../src/engine/clock.js';
import { Engine } from '../../src/engine/engine.js';
import type { RedisObject } from '../../src/engine/value.js';
import { ReplyError } from '../../src/errors.js';
import { StringFlag } from '../../src/types/string.js';

const T0 = 1_700_000_000_000;

function setup() {
  const clock = new ManualClock(T0);
  const engine = new Engine({ clock, activeExpiry: false });
  const cache = new Cachee({ engine });
  return { clock, engine, db: engine.dbs[0], cache };
}

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ReplyError) return e.message;
    throw e;
  }
  throw new Error('no error');
}

const fakeList: RedisObject = {
  type: 'list',
  encoding: () => 'listpack',
  clone: () => fakeList,
  memoryBytes: () => 0,
  accounted: 0,
  refs: 0,
  owner: null,
};
const SYNTAX = 'ERR syntax error';

describe('SET / GETEX option parser', () => {
  const parse = (forSet: boolean, ...opts: string[]) =>
    parseStringOptions(forSet ? ['SET', 'k', 'v', ...opts] : ['GETEX', 'k', ...opts], forSet);

  it('returns flags and the amount index', () => {
    expect(parse(true)).toBe(0);
    expect(parse(true, 'nx', 'GET')).toBe(StringFlag.NX | StringFlag.GET);
    expect(parse(true, 'EX', '10')).toBe(StringFlag.EX + 4 * 1024);
    expect(parse(true, 'XX', 'pxat', '10')).toBe(StringFlag.XX | StringFlag.PXAT | (5 * 1024));
    expect(parse(true, 'EX', '1', 'EX', '2')).toBe(StringFlag.EX + 6 * 1024);
    expect(parse(false, 'PERSIST')).toBe(StringFlag.PERSIST);
    expect(parse(false, 'exat', '5')).toBe(StringFlag.EXAT + 3 * 1024);
  });

  it('rejects what Redis rejects', () => {
    const bad: [boolean, string[]][] = [
      [true, ['NX', 'XX']],
      [true, ['EX', '1', 'PX', '1']],
      [true, ['KEEPTTL', 'EXAT', '1']],
      [true, ['EX']],
      [true, ['PERSIST']],
      [true, ['FOO']],
      [false, ['NX']],
      [false, ['GET']],
      [false, ['KEEPTTL']],
      [false, ['PERSIST', 'EX', '1']],
      [false, ['EX', '1', 'PERSIST']],
      [false, ['PXAT']],
    ];
    for (const [forSet, opts] of bad)
      expect(
        errorOf(() => parse(forSet, ...opts)),
        opts.join(' '),
      ).toBe(SYNTAX);
  });
});

describe('string commands through Cachee.call', () => {
  it('SET with every option', () => {
    const { cache, db, clock } = setup();
    expect(cache.call('set', 'k', 'v')).toBe('OK');
    expect(cache.call('set', 'k', 'w', 'NX')).toBeNull();
    expect(cache.call('set', 'k', 'w', 'XX', 'GET')).toBe('v');
    expect(cache.call('set', 'k', 'x', 'EX', 10)).toBe('OK');
    expect(db.getExpire('k')).toBe(T0 + 10_000);
    expect(cache.call('set', 'k', 'y', 'KEEPTTL')).toBe('OK');
    expect(db.getExpire('k')).toBe(T0 + 10_000);
    expect(cache.call('set', 'k', 'z', 'PX', 1500)).toBe('OK');
    expect(db.getExpire('k')).toBe(T0 + 1500);
    expect(cache.call('set', 'k', 'z', 'EXAT', 1_800_000_000)).toBe('OK');
    expect(db.getExpire('k')).toBe(1_800_000_000_000);
    expect(cache.call('set', 'k', 'z', 'PXAT', T0 + 7)).toBe('OK');
    expect(db.getExpire('k')).toBe(T0 + 7);
    clock.advance(7);
    expect(cache.call('get', 'k')).toBe('z'); // due exactly now: still there (Redis: now > when)
    clock.advance(1);
    expect(cache.call('get', 'k')).toBeNull();
    expect(cache.call('set', 'k', 'v', 'NX', 'GET', 'EX', 100)).toBeNull();
    expect(cache.call('get', 'k')).toBe('v');
    expect(errorOf(() => cache.call('set', 'k', 'v', 'EX', 0))).toBe(
      "ERR invalid expire time in 'set' command",
    );
    expect(errorOf(() => cache.call('set', 'k', 'v', 'EX', 'x'))).toBe(
      'ERR value is not an integer or out of range',
    );
    expect(errorOf(() => cache.call('set', 'k', 'v', 'NX', 'XX'))).toBe(SYNTAX);
  });

  it('SET GET on another type is WRONGTYPE; a plain SET replaces it', () => {
    const { cache, db } = setup();
    db.set('l', fakeList);
    expect(errorOf(() => cache.call('set', 'l', 'v', 'GET'))).toMatch(/^WRONGTYPE/);
    expect(errorOf(() => cache.call('getset', 'l', 'v'))).toMatch(/^WRONGTYPE/);
    expect(cache.call('set', 'l', 'v')).toBe('OK');
    expect(cache.call('get', 'l')).toBe('v');
  });

  it('SETNX, SETEX, PSETEX, GETSET, GETDEL', () => {
    const { cache, db } = setup();
    expect(cache.call('setnx', 'a', '1')).toBe(1);
    expect(cache.call('setnx', 'a', '2')).toBe(0);
    expect(cache.call('setex', 'b', 5, 'v')).toBe('OK');
    expect(db.getExpire('b')).toBe(T0 + 5000);
    expect(cache.call('psetex', 'c', 5, 'v')).toBe('OK');
    expect(db.getExpire('c')).toBe(T0 + 5);
    expect(errorOf(() => cache.call('setex', 'b', -1, 'v'))).toBe(
      "ERR invalid expire time in 'setex' command",
    );
    expect(errorOf(() => cache.call('psetex', 'b', 0, 'v'))).toBe(
      "ERR invalid expire time in 'psetex' command",
    );
    expect(cache.call('getset', 'b', 'w')).toBe('v');
    expect(db.getExpire('b')).toBeUndefined();
    expect(cache.call('getdel', 'b')).toBe('w');
    expect(cache.call('getdel', 'b')).toBeNull();
  });

  it('GETEX', () => {
    const { cache, db, clock } = setup();
    cache.call('set', 'k', 'v');
    expect(cache.call('getex', 'k', 'EX', 100)).toBe('v');
    expect(db.getExpire('k')).toBe(T0 + 100_000);
    expect(cache.call('getex', 'k', 'PERSIST')).toBe('v');
    expect(db.getExpire('k')).toBeUndefined();
    expect(cache.call('getex', 'k', 'PXAT', clock.now() - 1)).toBe('v');
    expect(cache.call('get', 'k')).toBeNull();
    expect(cache.call('getex', 'k', 'EX', -1)).toBeNull();
    expect(errorOf(() => cache.call('getex', 'k', 'KEEPTTL'))).toBe(SYNTAX);
  });

  it('MGET, MSET, MSETNX', () => {
    const { cache } = setup();
    expect(cache.call('mset', 'a', '1', 'b', '2')).toBe('OK');
    expect(cache.call('mget', 'a', 'b', 'c')).toEqual(['1', '2', null]);
    expect(cache.call('msetnx', 'c', '3', 'a', '9')).toBe(0);
    expect(cache.call('msetnx', 'c', '3', 'd', '4')).toBe(1);
    expect(cache.call('mget', 'c', 'd')).toEqual(['3', '4']);
    expect(errorOf(() => cache.call('mset', 'a', '1', 'b'))).toBe(
      "ERR wrong number of arguments for 'mset' command",
    );
    expect(errorOf(() => cache.call('msetnx', 'a'))).toBe(
      "ERR wrong number of arguments for 'msetnx' command",
    );
  });

  it('APPEND, STRLEN, GETRANGE, SUBSTR, SETRANGE', () => {
    const { cache } = setup();
    expect(cache.call('append', 'k', 'Hello')).toBe(5);
    expect(cache.call('append', 'k', ' World')).toBe(11);
    expect(cache.call('strlen', 'k')).toBe(11);
    expect(cache.call('getrange', 'k', 0, 4)).toBe('Hello');
    expect(cache.call('substr', 'k', -5, -1)).toBe('World');
    expect(cache.call('setrange', 'k', 6, 'Redis')).toBe(11);
    expect(cache.call('get', 'k')).toBe('Hello Redis');
    expect(cache.call('setrange', 'n', 2, 'x')).toBe(3);
    expect(cache.call('get', 'n')).toBe('\0\0x');
    expect(errorOf(() => cache.call('setrange', 'k', -1, 'x'))).toBe('ERR offset is out of range');
    expect(errorOf(() => cache.call('getrange', 'k', 'a', 1))).toBe(
      'ERR value is not an integer or out of range',
    );
    expect(errorOf(() => cache.call('setrange', 'k', 536870912, 'x'))).toBe(
      'ERR string exceeds maximum allowed size (proto-max-bulk-len)',
    );
  });

  it('INCR family and INCRBYFLOAT', () => {
    const { cache } = setup();
    expect(cache.call('incr', 'n')).toBe(1);
    expect(cache.call('incrby', 'n', 41)).toBe(42);
    expect(cache.call('decr', 'n')).toBe(41);
    expect(cache.call('decrby', 'n', 40)).toBe(1);
    expect(cache.call('incrby', 'n', '9223372036854775806')).toBe('9223372036854775807');
    expect(errorOf(() => cache.call('incr', 'n'))).toBe('ERR increment or decrement would overflow');
    expect(errorOf(() => cache.call('decrby', 'n', '-9223372036854775808'))).toBe(
      'ERR decrement would overflow',
    );
    expect(errorOf(() => cache.call('incrby', 'n', 'x'))).toBe('ERR value is not an integer or out of range');
    expect(cache.call('incrbyfloat', 'f', '0.1')).toBe('0.1');
    expect(cache.call('incrbyfloat', 'f', '0.2')).toBe('0.3');
    expect(cache.call('incrbyfloat', 'f', 10)).toBe('10.3');
    expect(errorOf(() => cache.call('incrbyfloat', 'f', 'nan'))).toBe('ERR value is not a valid float');
    expect(errorOf(() => cache.call('incrbyfloat', 'f', '1e5000'))).toBe('ERR value is not a valid float');
    expect(errorOf(() => cache.call('incrbyfloat', 'f', 'inf'))).toBe(
      'ERR increment would produce NaN or Infinity',
    );
  });

  it('LCS', () => {
    const { cache } = setup();
    cache.call('mset', 'a', 'ohmytext', 'b', 'mynewtext');
    expect(cache.call('lcs', 'a', 'b')).toBe('mytext');
    expect(cache.call('lcs', 'a', 'b', 'LEN')).toBe(6);
    expect(cache.call('lcs', 'a', 'b', 'IDX', 'MINMATCHLEN', 4, 'WITHMATCHLEN')).toEqual([
      'matches',
      [[[4, 7], [5, 8], 4]],
      'len',
      6,
    ]);
    expect(errorOf(() => cache.call('lcs', 'a', 'b', 'IDX', 'LEN'))).toBe(
      'ERR If you want both the length and indexes, please just use IDX.',
    );
    expect(errorOf(() => cache.call('lcs', 'a', 'b', 'MINMATCHLEN'))).toBe(SYNTAX);
  });

  it('binary values and keys round-trip', () => {
    const { cache } = setup();
    const key = Buffer.from([0xff, 0x01]);
    const val = Buffer.from([0x00, 0xc3]);
    expect(cache.call('set', key, val)).toBe('OK');
    expect(cache.call('get', key)).toEqual(val);
    expect(cache.call('append', key, Buffer.from([0xbc]))).toBe(3);
    expect(cache.call('get', key)).toBe('\0ü');
  });

  it('OBJECT ENCODING sees APPEND and SETRANGE results as raw', () => {
    const { cache } = setup();
    cache.call('set', 'a', '12');
    expect(cache.call('object', 'encoding', 'a')).toBe('int');
    cache.call('append', 'a', '3');
    expect(cache.call('object', 'encoding', 'a')).toBe('raw');
    cache.call('incr', 'a');
    expect(cache.call('object', 'encoding', 'a')).toBe('int');
    cache.call('setrange', 'b', 0, 'x');
    expect(cache.call('object', 'encoding', 'b')).toBe('raw');
    cache.call('append', 'c', 'short');
    expect(cache.call('object', 'encoding', 'c')).toBe('embstr');
  });
});
