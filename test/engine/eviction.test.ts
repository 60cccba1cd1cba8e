import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cachee } from '../../src/client/cachee.js';
import { ManualClock } from '../../src/engine/clock.js';
import { Engine } from '../../src/engine/engine.js';
import { policyBits } from '../../src/engine/eviction.js';
import { estimateKeyMemory } from '../../src/engine/memory.js';
import { ReplyError } from '../../src/errors.js';
import { DiffPair, InProcessTarget, RawConnection, type RedisProcess, startRedis } from '../diff/harness.js';

const T0 = 1_700_000_000_000;
const OOM = "OOM command not allowed when used memory > 'maxmemory'.";
const ALL_POLICIES = [
  'allkeys-lru',
  'allkeys-lfu',
  'allkeys-random',
  'volatile-lru',
  'volatile-lfu',
  'volatile-random',
  'volatile-ttl',
];

/** A seeded PRNG (mulberry32). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function setup(policy: string, options: { samples?: number } = {}) {
  const clock = new ManualClock(T0);
  const cache = new Cachee({ clock, activeExpiry: false, random: seeded(7), maxmemoryPolicy: policy });
  const engine = cache.engine;
  if (options.samples !== undefined) engine.maxmemorySamples = options.samples;
  const err = (fn: () => unknown): string => {
    try {
      fn();
    } catch (e) {
      if (e instanceof ReplyError) return e.message;
      throw e;
    }
    throw new Error('expected an error');
  };
  return { clock, cache, engine, db: engine.dbs[0], err };
}

/** Sum of the estimates of the keys that exist (what eviction may still free). */
function keyCount(engine: Engine): number {
  return engine.dbs.reduce((n, db) => n + db.size, 0);
}

describe('maxmemory-policy names', () => {
  it('maps every Redis policy and refuses others', () => {
    expect(policyBits('noeviction')).toBe(0);
    for (const p of ALL_POLICIES) expect(policyBits(p)).toBeGreaterThan(0);
    expect(policyBits('allkeys-lfu2')).toBeUndefined();
    expect(() => new Engine({ maxmemoryPolicy: 'nope' })).toThrow(RangeError);
  });

  it('CONFIG SET maxmemory takes units and sets the engine; an LRU/LFU policy turns tracking on', () => {
    const { cache, engine } = setup('noeviction');
    expect(cache.call('config', 'set', 'maxmemory', '8mb')).toBe('OK');
    expect(engine.maxmemory).toBe(8 * 1024 * 1024);
    expect(cache.call('config', 'get', 'maxmemory')).toEqual(['maxmemory', '8388608']);
    cache.call('config', 'set', 'maxmemory-policy', 'allkeys-lfu');
    expect(engine.maxmemoryPolicy).toBe('allkeys-lfu');
    expect(engine.trackAccess && engine.lfu).toBe(true);
    cache.call('config', 'set', 'maxmemory-samples', '10');
    expect(engine.maxmemorySamples).toBe(10);
    cache.call('config', 'set', 'maxmemory', '0');
  });
});

describe('noeviction', () => {
  it('refuses denyoom commands over the limit, keeps reads and deletes working', () => {
    const { cache, engine, err } = setup('noeviction');
    for (let i = 0; i < 100; i++) cache.set(`k${i}`, 'value');
    engine.maxmemory = engine.usedBytes - 1;
    expect(err(() => cache.set('new', 'v'))).toBe(OOM);
    expect(err(() => cache.call('set', 'new', 'v', 'EX', 10))).toBe(OOM);
    expect(err(() => cache.incr('k1'))).toBe(OOM);
    expect(err(() => cache.hset('h', 'f', 'v'))).toBe(OOM);
    expect(err(() => cache.lpush('l', 'v'))).toBe(OOM);
    expect(err(() => cache.rpush('l', 'v'))).toBe(OOM);
    expect(err(() => cache.sadd('s', 'v'))).toBe(OOM);
    expect(err(() => cache.zadd('z', 1, 'v'))).toBe(OOM);
    expect(err(() => cache.zincrby('z', 1, 'v'))).toBe(OOM);
    expect(err(() => cache.call('append', 'k1', 'x'))).toBe(OOM);
    expect(cache.get('k1')).toBe('value');
    expect(cache.call('exists', 'k1')).toBe(1);
    expect(cache.call('expire', 'k1', 100)).toBe(1); // not denyoom
    expect(cache.call('del', 'k1', 'k2')).toBe(2);
    expect(engine.usedBytes).toBeLessThanOrEqual(engine.maxmemory);
    expect(cache.set('new', 'v')).toBe('OK');
    expect(engine.stats.evictedKeys).toBe(0);
    expect(keyCount(engine)).toBe(99);
  });
});

describe('allkeys policies', () => {
  for (const policy of ['allkeys-lru', 'allkeys-lfu', 'allkeys-random']) {
    it(`${policy}: evicts to stay within maxmemory after every command, any type`, () => {
      const { cache, engine, clock } = setup(policy);
      engine.maxmemory = 64 * 1024;
      for (let i = 0; i < 4000; i++) {
        clock.advance(1);
        switch (i % 5) {
          case 0:
            cache.set(`s${i}`, `value-${i}`);
            break;
          case 1:
            cache.hset(`h${i % 50}`, `f${i}`, `v${i}`);
            break;
          case 2:
            cache.rpush(`l${i % 40}`, `element-${i}`);
            break;
          case 3:
            cache.call('sadd', `set${i % 30}`, `m${i}`, `n${i}`);
            break;
          default:
            cache.call('zadd', `z${i % 20}`, i + 0.5, `m${i}`);
        }
        if (i % 3 === 0) cache.get(`s${i - 300}`);
        expect(engine.usedBytes).toBeLessThanOrEqual(engine.maxmemory);
      }
      expect(engine.stats.evictedKeys).toBeGreaterThan(0);
      expect(keyCount(engine)).toBeGreaterThan(0);
      expect(cache.call('info', 'stats') as string).toContain(`evicted_keys:${engine.stats.evictedKeys}\r\n`);
    });
  }

  it('allkeys-lru evicts the least recently used keys (exact when the sample is the whole keyspace)', () => {
    const { cache, engine, clock } = setup('allkeys-lru', { samples: 64 });
    for (let i = 0; i < 20; i++) {
      clock.advance(10);
      cache.set(`k${i}`, 'v');
    }
    // The first ten are read again, so the last ten are now the least recently used.
    for (let i = 0; i < 10; i++) {
      clock.advance(10);
      cache.get(`k${i}`);
    }
    const per = estimateKeyMemory(engine.dbs[0], 'k10');
    engine.maxmemory = engine.usedBytes - 10 * per + 1;
    clock.advance(10);
    cache.call('ping');
    const left = (cache.call('keys', '*') as string[]).sort();
    expect(left).toEqual(['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'k8', 'k9'].sort());
  });

  it('allkeys-lfu evicts the least frequently used keys', () => {
    const { cache, engine, clock } = setup('allkeys-lfu', { samples: 64 });
    engine.lfuLogFactor = 0; // every access counts: deterministic counters
    for (let i = 0; i < 20; i++) cache.set(`k${i}`, 'v');
    for (let n = 0; n < 5; n++) for (let i = 0; i < 20; i += 2) cache.get(`k${i}`);
    expect(cache.call('object', 'freq', 'k0')).toBe(10);
    expect(cache.call('object', 'freq', 'k1')).toBe(5);
    const per = estimateKeyMemory(engine.dbs[0], 'k10');
    engine.maxmemory = engine.usedBytes - 10 * per + 1;
    clock.advance(10);
    cache.call('ping');
    const left = (cache.call('keys', '*') as string[]).sort();
    expect(left).toEqual(['k0', 'k2', 'k4', 'k6', 'k8', 'k10', 'k12', 'k14', 'k16', 'k18'].sort());
  });

  it('evicts from every database', () => {
    const { cache, engine } = setup('allkeys-random');
    for (let d = 0; d < 4; d++) {
      cache.call('select', d);
      for (let i = 0; i < 100; i++) cache.set(`k${i}`, 'v'.repeat(50));
    }
    engine.maxmemory = Math.floor(engine.usedBytes / 2);
    cache.call('ping');
    for (let d = 0; d < 4; d++) expect(engine.dbs[d].size).toBeLessThan(100);
    expect(engine.usedBytes).toBeLessThanOrEqual(engine.maxmemory);
  });
});

describe('volatile policies', () => {
  for (const policy of ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl']) {
    it(`${policy}: evicts only keys with a TTL; none left, denyoom commands get OOM`, () => {
      const { cache, engine, err, clock } = setup(policy);
      for (let i = 0; i < 200; i++) cache.set(`keep${i}`, 'value');
      for (let i = 0; i < 200; i++) cache.call('set', `vol${i}`, 'value', 'EX', 1000 + i);
      engine.maxmemory = engine.usedBytes;
      for (let i = 0; i < 150; i++) {
        clock.advance(1);
        cache.set(`keep-new${i}`, 'value');
        expect(engine.usedBytes).toBeLessThanOrEqual(engine.maxmemory);
      }
      for (let i = 0; i < 200; i++) expect(cache.call('exists', `keep${i}`)).toBe(1);
      expect(engine.dbs[0].expires.size).toBeLessThan(200);
      // Write until the volatile keys are gone and the limit is passed: then nothing can be evicted.
      let i = 0;
      while (engine.dbs[0].expires.size > 0 || engine.usedBytes <= engine.maxmemory) {
        cache.set(`more${i++}`, 'value');
        expect(i).toBeLessThan(1000);
      }
      expect(err(() => cache.set('one-more', 'value'))).toBe(OOM);
      expect(err(() => cache.call('set', 'one-more', 'value'))).toBe(OOM);
      expect(err(() => cache.hset('h', 'f', 'value'))).toBe(OOM);
      for (let k = 0; k < 200; k++) expect(cache.call('exists', `keep${k}`)).toBe(1);
      expect(cache.get('keep1')).toBe('value');
    });
  }

  it('volatile-ttl evicts the keys closest to expiring first', () => {
    const { cache, engine } = setup('volatile-ttl', { samples: 64 });
    for (let i = 0; i < 20; i++) cache.call('set', `k${i}`, 'v', 'EX', 1000 - i * 10);
    const per = estimateKeyMemory(engine.dbs[0], 'k10');
    engine.maxmemory = engine.usedBytes - 5 * per + 1;
    cache.call('ping');
    const left = (cache.call('keys', '*') as string[]).sort();
    expect(left).toEqual(Array.from({ length: 15 }, (_, i) => `k${i}`).sort());
  });
});

describe('what an eviction signals', () => {
  it('counts, notifies `evicted`, invalidates WATCH, tells listeners and the diagnostics channel', () => {
    const { cache, engine } = setup('allkeys-lru', { samples: 64 });
    cache.call('config', 'set', 'notify-keyspace-events', 'Ee');
    const events: string[] = [];
    engine.onNotify((_t, event, key, db) => events.push(`${db}:${event}:${key}`));
    const engineSeen: string[] = [];
    engine.onEvicted((key, value, db) => engineSeen.push(`${db}:${key}:${value}`));
    const apiSeen: (string | Buffer)[] = [];
    const off = cache.onEvicted((key) => apiSeen.push(key));
    const channelSeen: unknown[] = [];
    const onMessage = (m: unknown) => channelSeen.push(m);
    subscribe('cachee:evicted', onMessage);
    try {
      cache.set('victim', 'v1');
      cache.call('watch', 'victim');
      cache.set(Buffer.from([0xff, 0x01]), 'binary');
      for (let i = 0; i < 5; i++) cache.set(`other${i}`, 'value');
      engine.maxmemory = engine.usedBytes - 1;
      cache.call('ping'); // the least recently used key goes: victim
      expect(cache.get('victim')).toBeNull();
      expect(engine.stats.evictedKeys).toBe(1);
      expect(events).toEqual(['0:evicted:victim']);
      expect(engineSeen).toEqual(['0:victim:v1']);
      expect(apiSeen).toEqual(['victim']);
      expect(channelSeen).toEqual([{ key: 'victim', db: 0 }]);
      cache.call('multi');
      cache.call('set', 'x', 'y');
      expect(cache.call('exec')).toBeNull(); // WATCHed key evicted: the transaction aborts
      // Binary keys reach the API listener as Buffers.
      engine.maxmemory = 1;
      cache.call('ping');
      expect(apiSeen.some((k) => Buffer.isBuffer(k) && k.equals(Buffer.from([0xff, 0x01])))).toBe(true);
      off();
      engine.maxmemory = 0;
      cache.set('a', 'b');
      engine.maxmemory = 1;
      cache.call('ping');
      expect(apiSeen.includes('a')).toBe(false);
    } finally {
      unsubscribe('cachee:evicted', onMessage);
    }
  });

  it('INFO reports the estimate, the limit, the policy and the counters', () => {
    const { cache, engine } = setup('allkeys-lru');
    cache.set('a', 'b');
    cache.get('a');
    cache.get('nope');
    engine.maxmemory = 8 * 1024 * 1024;
    const info = cache.call('info') as string;
    expect(info).toContain(`used_memory:${engine.usedBytes}\r\n`);
    expect(info).toMatch(/used_memory_human:\d+\.\d\dK|used_memory_human:\d+B/);
    expect(info).toContain('maxmemory:8388608\r\n');
    expect(info).toContain('maxmemory_human:8.00M\r\n');
    expect(info).toContain('maxmemory_policy:allkeys-lru\r\n');
    expect(info).toContain('evicted_keys:0\r\n');
    expect(info).toContain('expired_keys:0\r\n');
    expect(info).toContain('keyspace_hits:1\r\n');
    expect(info).toContain('keyspace_misses:1\r\n');
  });

  it('OBJECT IDLETIME and FREQ report real values', () => {
    const { cache, engine, clock } = setup('allkeys-lru');
    cache.set('k', 'v');
    clock.advance(7_500);
    expect(cache.call('object', 'idletime', 'k')).toBe(7);
    cache.get('k');
    expect(cache.call('object', 'idletime', 'k')).toBe(0);
    engine.maxmemoryPolicy = 'allkeys-lfu';
    engine.lfuLogFactor = 0;
    cache.set('f', 'v');
    expect(cache.call('object', 'freq', 'f')).toBe(5);
    for (let i = 0; i < 3; i++) cache.get('f');
    expect(cache.call('object', 'freq', 'f')).toBe(8);
    clock.advance(2 * 60_000); // lfu-decay-time 1: one less per minute
    expect(cache.call('object', 'freq', 'f')).toBe(6);
  });

  it('access times: an injected clock is read on every access; the system clock once per turn and 256 accesses', async () => {
    const { engine, clock } = setup('allkeys-lru');
    const a = engine.accessClock();
    clock.advance(5);
    expect(engine.accessClock()).toBe(a + 5);
    const real = new Engine({ activeExpiry: false });
    const first = real.accessClock();
    for (let i = 0; i < 255; i++) expect(real.accessClock()).toBe(first);
    await Promise.resolve(); // the turn's reading is dropped at its end (a microtask)
    expect(real.accessClock()).toBeGreaterThanOrEqual(first);
    real.close();
  });

  it('an eviction listener that writes does not evict from inside the eviction', () => {
    const { cache, engine } = setup('allkeys-random');
    for (let i = 0; i < 50; i++) cache.set(`k${i}`, 'value');
    let writes = 0;
    cache.onEvicted(() => {
      writes++;
      cache.set(`w${writes}`, 'x'); // as big as an evicted key: the eviction must still end
    });
    engine.maxmemory = Math.floor(engine.usedBytes / 2);
    cache.call('ping');
    expect(writes).toBeGreaterThan(0);
    expect(writes).toBeLessThan(200); // bounded by the key count per eviction run
  });
});

describe('OOM in dispatch, against redis-server', () => {
  let redis: RedisProcess;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis.stop();
  });

  for (const protocol of [2, 3] as const) {
    it(`RESP${protocol}: denyoom refused, reads allowed, MULTI queueing refused, EXEC with a denyoom command aborted`, async () => {
      const engine = new Engine({ activeExpiry: false });
      const conn = await RawConnection.connect(redis.port);
      const admin = await RawConnection.connect(redis.port);
      const pair = new DiffPair(conn, new InProcessTarget(engine), protocol);
      const limit = async (on: boolean) => {
        await admin.send(['CONFIG', 'SET', 'maxmemory', on ? '1' : '0']);
        engine.maxmemory = on ? 1 : 0;
      };
      try {
        if (protocol === 3) await pair.both(['HELLO', '3']);
        await pair.both(['FLUSHALL']);
        // Redis's used_memory is never 0; Cachee's estimate counts keys: keep one.
        await pair.checkAll([
          ['SET', 'filler', 'x'],
          ['SET', 'a', '1'],
          ['RPUSH', 'l', 'x'],
        ]);
        await limit(true);
        await pair.checkAll([
          ['SET', 'b', '2'],
          ['GET', 'a'],
          ['INCR', 'a'],
          ['RPUSH', 'l', 'y'],
          ['LPOP', 'l'],
          ['EXPIRE', 'a', '100'],
          ['MULTI'],
          ['GET', 'a'],
          ['EXEC'],
          ['MULTI'],
          ['SET', 'a', 'x'],
          ['DISCARD'],
          ['MULTI'],
          ['DISCARD'],
          ['EXEC'],
          ['DEL', 'a'],
          ['PING'],
        ]);
        await limit(false);
        await pair.checkAll([['MULTI'], ['SET', 'a', '3'], ['GET', 'a']]);
        await limit(true);
        await pair.check(['EXEC']);
        await limit(false);
        await pair.checkAll([['MULTI'], ['GET', 'a']]);
        await limit(true);
        await pair.checkAll([['EXEC'], ['GET', 'a']]);
      } finally {
        await admin.send(['CONFIG', 'SET', 'maxmemory', '0']);
        await admin.close();
        await pair.close();
      }
    });
  }
});
