import { describe, expect, it } from 'vitest';
import { Cachee } from '../../src/index.js';

type Blocking = { blockingCall(command: string, args: unknown[]): Promise<unknown> };

describe('sync API fast paths', () => {
  it('queue inside a transaction opened with call("multi")', () => {
    const cache = new Cachee({ activeExpiry: false });
    cache.set('n', '1');
    expect(cache.call('multi')).toBe('OK');
    expect(cache.get('n')).toBe('QUEUED');
    expect(cache.set('s', 'v')).toBe('QUEUED');
    expect(cache.incr('n')).toBe('QUEUED');
    expect(cache.decr('n')).toBe('QUEUED');
    expect(cache.incrby('n', 5)).toBe('QUEUED');
    expect(cache.mget('n', 's')).toBe('QUEUED');
    expect(cache.lpush('l', 'a')).toBe('QUEUED');
    expect(cache.rpush('l', 'b', 'c')).toBe('QUEUED');
    expect(cache.rpush('l', ['d'])).toBe('QUEUED');
    expect(cache.lpop('l')).toBe('QUEUED');
    expect(cache.rpop('l')).toBe('QUEUED');
    expect(cache.hset('h', 'f', 'v')).toBe('QUEUED');
    expect(cache.hget('h', 'f')).toBe('QUEUED');
    expect(cache.hgetall('h')).toBe('QUEUED');
    expect(cache.sadd('s1', 'm')).toBe('QUEUED');
    expect(cache.sismember('s1', 'm')).toBe('QUEUED');
    expect(cache.zadd('z', 1, 'm')).toBe('QUEUED');
    expect(cache.zincrby('z', 2, 'm')).toBe('QUEUED');
    expect(cache.zscore('z', 'm')).toBe('QUEUED');
    expect(cache.zrank('z', 'm')).toBe('QUEUED');
    // Nothing ran yet.
    expect(cache.call('exists', 'l', 'h', 's1', 'z', 's')).toBe('QUEUED');
    expect(cache.exec()).toEqual([
      [null, '1'],
      [null, 'OK'],
      [null, 2],
      [null, 1],
      [null, 6],
      [null, ['6', 'v']],
      [null, 1],
      [null, 3],
      [null, 4],
      [null, 'a'],
      [null, 'd'],
      [null, 1],
      [null, 'v'],
      [null, ['f', 'v']],
      [null, 1],
      [null, 1],
      [null, 1],
      [null, '3'],
      [null, '3'],
      [null, 0],
      [null, 5],
    ]);
    expect(cache.get('n')).toBe('6');
    expect(cache.lrange('l', 0, -1)).toEqual(['b', 'c']);
  });

  it('push several elements and arrays as ioredis flattens them', () => {
    const cache = new Cachee({ activeExpiry: false });
    expect(cache.rpush('l', ['a', 'b'], 'c', [Buffer.from([0xff])])).toBe(4);
    expect(cache.lpush('l', 'x', 'y')).toBe(6);
    expect(cache.rpush('l', [1, 2], null)).toBe(9);
    expect(cache.lrange('l', 0, -1)).toEqual(['y', 'x', 'a', 'b', 'c', Buffer.from([0xff]), '1', '2', '']);
    expect(() => cache.rpush('l', [])).toThrow(/wrong number of arguments/);
    expect(cache.llen('l')).toBe(9);
  });

  it('serve BZPOPMIN / BLPOP waiters after ZADD, ZINCRBY and pushes', async () => {
    const cache = new Cachee({ activeExpiry: false });
    const other = new Cachee({ engine: cache.engine }) as unknown as Blocking;
    const z1 = other.blockingCall('bzpopmin', ['z', 0]);
    expect(cache.zadd('z', 1, 'a')).toBe(1);
    expect(await z1).toEqual(['z', 'a', '1']);
    const z2 = other.blockingCall('bzpopmax', ['z2', 0]);
    expect(cache.zincrby('z2', 2.5, 'b')).toBe('2.5');
    expect(await z2).toEqual(['z2', 'b', '2.5']);
    const l1 = other.blockingCall('blpop', ['q', 0]);
    expect(cache.rpush('q', ['x', 'y'])).toBe(2);
    expect(await l1).toEqual(['q', 'x']);
    expect(cache.lrange('q', 0, -1)).toEqual(['y']);
  });

  it('keeps the memory estimate through INCR, pushes and pops', () => {
    const cache = new Cachee({ activeExpiry: false });
    const base = cache.engine.usedBytes;
    cache.set('n', '9');
    for (let i = 0; i < 200; i++) cache.incr('n');
    cache.rpush('l', 'a', 'b', 'c');
    for (let i = 0; i < 3; i++) cache.rpop('l');
    cache.del('n');
    expect(cache.engine.usedBytes).toBe(base);
  });
});
