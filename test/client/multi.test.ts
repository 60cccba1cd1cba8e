/**
 * Transactions in the sync API: `cache.multi()...exec()` shaped as ioredis's
 * (checked against ioredis 5 → redis-server: `[[null, v], [err], ...]`, null
 * when a WATCHed key changed, EXECABORT thrown with `previousErrors`).
 */
import { describe, expect, it } from 'vitest';
import type { ExecAbortError } from '../../src/client/multi.js';
import { Cachee, ManualClock, ReplyError } from '../../src/index.js';

describe('cache.multi()', () => {
  it('runs the queued commands and returns ioredis-shaped results', () => {
    const cache = new Cachee({ activeExpiry: false });
    expect(cache.multi().set('a', '1').incr('a').get('a').exec()).toEqual([
      [null, 'OK'],
      [null, 2],
      [null, '2'],
    ]);
    expect(cache.get('a')).toBe('2');
    expect(cache.multi().exec()).toEqual([]);
  });

  it('puts a runtime error in its slot as [error], as ioredis does', () => {
    const cache = new Cachee({ activeExpiry: false });
    const result = cache.multi().set('s', 'x').incr('s').lpush('s', 'v').get('s').exec()!;
    expect(result[0]).toEqual([null, 'OK']);
    expect(result[1]).toHaveLength(1);
    expect(result[1][0]).toBeInstanceOf(ReplyError);
    expect(result[1][0]!.message).toBe('ERR value is not an integer or out of range');
    expect(result[2][0]!.message).toBe('WRONGTYPE Operation against a key holding the wrong kind of value');
    expect(result[3]).toEqual([null, 'x']);
  });

  it('applies ioredis argument and reply transformers (HSET object, MSET object, HGETALL object)', () => {
    const cache = new Cachee({ activeExpiry: false });
    const result = cache
      .multi()
      .hset('h', { f: 'v', g: 1 })
      .mset({ a: 1, b: 2 })
      .hgetall('h')
      .hgetall('none')
      .mget('a', 'b')
      .exec();
    expect(result).toEqual([
      [null, 2],
      [null, 'OK'],
      [null, { f: 'v', g: '1' }],
      [null, {}],
      [null, ['1', '2']],
    ]);
  });

  it('takes commands as an array, and through call()', () => {
    const cache = new Cachee({ activeExpiry: false });
    const m = cache.multi([
      ['set', 'x', '1'],
      ['incrby', 'x', 5],
    ]);
    expect(m.length).toBe(3);
    m.call('GET', 'x').call('zadd', 'z', 1, 'm');
    expect(m.exec()).toEqual([
      [null, 'OK'],
      [null, 6],
      [null, '6'],
      [null, 1],
    ]);
    expect(() => m.exec()).toThrow(
      'Pipeline cannot be used to send any commands when the `exec()` has been called',
    );
  });

  it('throws EXECABORT with the queueing errors as previousErrors; nothing runs', () => {
    const cache = new Cachee({ activeExpiry: false });
    let thrown: unknown;
    try {
      cache.multi().set('a', '1').call('nosuch').get().exec();
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ReplyError);
    const err = thrown as ExecAbortError;
    expect(err.message).toBe('EXECABORT Transaction discarded because of previous errors.');
    expect(err.previousErrors.map((e) => e.message)).toEqual([
      "ERR unknown command 'nosuch', with args beginning with: ",
      "ERR wrong number of arguments for 'get' command",
    ]);
    expect(cache.exists('a')).toBe(0);
    // The handle is usable afterwards.
    expect(cache.multi().set('a', '1').exec()).toEqual([[null, 'OK']]);
  });

  it('returns null when a WATCHed key was modified, by another handle or this one', () => {
    const cache = new Cachee({ activeExpiry: false });
    const other = new Cachee({ engine: cache.engine });
    expect(cache.watch('w')).toBe('OK');
    other.set('w', '1');
    expect(cache.multi().set('a', '1').exec()).toBeNull();
    expect(cache.exists('a')).toBe(0);
    // The watch is gone after EXEC.
    other.set('w', '2');
    expect(cache.multi().set('a', '1').exec()).toEqual([[null, 'OK']]);
    // Fast-path writes count too.
    cache.watch('n');
    other.incr('n');
    expect(cache.multi().get('n').exec()).toBeNull();
    cache.watch('l');
    other.lpush('l', 'x');
    expect(cache.multi().get('n').exec()).toBeNull();
    // UNWATCH forgets.
    cache.watch('w');
    other.set('w', '3');
    expect(cache.unwatch()).toBe('OK');
    expect(cache.multi().get('w').exec()).toEqual([[null, '3']]);
  });

  it('sees expiry of a watched key through the engine clock', () => {
    const clock = new ManualClock(1_000);
    const cache = new Cachee({ clock, activeExpiry: false });
    cache.set('k', 'v', 'PX', 100);
    cache.watch('k');
    clock.advance(101);
    expect(cache.multi().set('x', '1').exec()).toBeNull();
    // Already expired when watched: absent, and reclaiming it is no change.
    cache.set('k', 'v', 'PX', 100);
    clock.advance(101);
    cache.watch('k');
    expect(cache.get('k')).toBeNull();
    expect(cache.multi().set('x', '2').exec()).toEqual([[null, 'OK']]);
  });

  it('multi({ pipeline: false }) opens MULTI on the handle: call() queues, exec() runs', () => {
    const cache = new Cachee({ activeExpiry: false });
    expect(cache.multi({ pipeline: false })).toBe('OK');
    expect(cache.call('set', 'q', '1')).toBe('QUEUED');
    expect(cache.call('incr', 'q')).toBe('QUEUED');
    expect(cache.call('hget', 'q', 'f')).toBe('QUEUED');
    const result = cache.exec()!;
    expect(result.slice(0, 2)).toEqual([
      [null, 'OK'],
      [null, 2],
    ]);
    expect(result[2]).toEqual([
      new ReplyError('WRONGTYPE Operation against a key holding the wrong kind of value'),
    ]);
    expect(() => cache.exec()).toThrow('ERR EXEC without MULTI');
    expect(() => cache.discard()).toThrow('ERR DISCARD without MULTI');
    expect(cache.call('multi')).toBe('OK');
    expect(cache.call('get', 'q')).toBe('QUEUED');
    expect(cache.discard()).toBe('OK');
  });

  it('exec() with a doomed session transaction throws EXECABORT', () => {
    const cache = new Cachee({ activeExpiry: false });
    cache.call('multi');
    expect(() => cache.call('nosuch')).toThrow("ERR unknown command 'nosuch'");
    expect(() => cache.exec()).toThrow('EXECABORT Transaction discarded because of previous errors.');
    expect(() => cache.call('exec', 'x')).toThrow(
      "EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command",
    );
  });

  it('exposes call("exec") in the raw shape: errors as values in the array', () => {
    const cache = new Cachee({ activeExpiry: false });
    cache.call('multi');
    cache.call('set', 's', 'x');
    cache.call('incr', 's');
    const raw = cache.call('exec') as unknown[];
    expect(raw[0]).toBe('OK');
    expect(raw[1]).toBeInstanceOf(ReplyError);
  });
});
