import { describe, expect, it } from 'vitest';
import { COMMAND_TABLE } from '../../src/commands/registry.js';
import { Cachee, ManualClock, ReplyError } from '../../src/index.js';

describe('Cachee sync API', () => {
  it('has a method for every command in the table', () => {
    const cache = new Cachee({ activeExpiry: false });
    for (const name of COMMAND_TABLE.keys()) {
      expect(typeof (cache as unknown as Record<string, unknown>)[name], name).toBe('function');
    }
  });

  it('takes ioredis arguments and returns ioredis shapes, synchronously', () => {
    const cache = new Cachee({ activeExpiry: false });
    expect(cache.set('k', 'v')).toBe('OK');
    expect(cache.set('k', 'w', 'NX')).toBeNull();
    expect(cache.set('k', 'w', 'XX', 'GET')).toBe('v');
    expect(cache.get('k')).toBe('w');
    expect(cache.get('missing')).toBeNull();
    expect(cache.set('n', 41)).toBe('OK');
    expect(cache.incr('n')).toBe(42);
    expect(cache.incrby('n', -2)).toBe(40);
    expect(cache.decr('n')).toBe(39);
    expect(cache.mget('k', 'n', 'missing')).toEqual(['w', '39', null]);
    expect(cache.mget(['k', 'n'])).toEqual(['w', '39']);
    expect(cache.mset({ a: 1, b: 'x' })).toBe('OK');
    expect(cache.mget('a', 'b')).toEqual(['1', 'x']);
    expect(cache.del('a', 'b', 'zz')).toBe(2);
    expect(cache.exists(['k', 'n'])).toBe(2);
    expect(cache.call('SET', 'big', '9223372036854775806')).toBe('OK');
    expect(cache.incr('big')).toBe('9223372036854775807');
  });

  it('throws ReplyError with Redis text', () => {
    const cache = new Cachee({ activeExpiry: false });
    cache.set('s', 'abc');
    expect(() => cache.incr('s')).toThrow(new ReplyError('ERR value is not an integer or out of range'));
    cache.lpush('l', 'x');
    expect(() => cache.get('l')).toThrow('WRONGTYPE Operation against a key holding the wrong kind of value');
    expect(() => cache.call('nosuch')).toThrow("ERR unknown command 'nosuch', with args beginning with: ");
    try {
      cache.call('get');
    } catch (e) {
      expect(e).toBeInstanceOf(ReplyError);
      expect((e as Error).message).toBe("ERR wrong number of arguments for 'get' command");
    }
  });

  it('returns what the app stored: strings as strings, bytes as Buffers', () => {
    const cache = new Cachee({ activeExpiry: false });
    const bin = Buffer.from([0xff, 0x00, 0xfe]);
    cache.set('bin', bin);
    expect(cache.get('bin')).toEqual(bin);
    cache.set(Buffer.from([0xc3, 0x28]), 'binary key');
    expect(cache.get(Buffer.from([0xc3, 0x28]))).toBe('binary key');
    expect(cache.keys('*').some((k) => Buffer.isBuffer(k) && k.equals(Buffer.from([0xc3, 0x28])))).toBe(true);
    cache.set('text', 'ünï');
    expect(cache.get('text')).toBe('ünï');
    expect(cache.strlen('text')).toBe(5);
  });

  it('expires with the injected clock, no sleeping', () => {
    const clock = new ManualClock();
    const cache = new Cachee({ clock, activeExpiry: false });
    cache.set('k', 'v', 'PX', 100);
    expect(cache.pttl('k')).toBe(100);
    clock.advance(100);
    expect(cache.get('k')).toBe('v'); // Redis expires a key once now > its time
    clock.advance(1);
    expect(cache.get('k')).toBeNull();
    cache.set('e', 'v');
    expect(cache.expire('e', 10)).toBe(1);
    expect(cache.ttl('e')).toBe(10);
  });

  it('covers the other types through fast paths and dispatch alike', () => {
    const cache = new Cachee({ activeExpiry: false });
    expect(cache.hset('h', 'f', 'v')).toBe(1);
    expect(cache.hset('h', { g: 1, f: 2 })).toBe(1);
    expect(cache.hget('h', 'f')).toBe('2');
    expect(cache.hgetall('h')).toEqual({ f: '2', g: '1' });
    expect(cache.hgetall('nohash')).toEqual({});
    expect(cache.sadd('s', 'a')).toBe(1);
    expect(cache.sadd('s', ['a', 'b', 'c'])).toBe(2);
    expect(cache.sismember('s', 'b')).toBe(1);
    expect(cache.rpush('q', 'a', 'b')).toBe(2);
    expect(cache.lpush('q', 'z')).toBe(3);
    expect(cache.rpop('q')).toBe('b');
    expect(cache.lpop('q', 5)).toEqual(['z', 'a']);
    expect(cache.lpop('q')).toBeNull();
  });

  it('shares one engine between handles, each with its own selected db', () => {
    const a = new Cachee({ activeExpiry: false });
    const b = new Cachee({ engine: a.engine, db: 1 });
    a.set('k', '0');
    b.set('k', '1');
    expect(a.get('k')).toBe('0');
    expect(b.get('k')).toBe('1');
    expect(b.select(0)).toBe('OK');
    expect(b.get('k')).toBe('0');
  });
});
