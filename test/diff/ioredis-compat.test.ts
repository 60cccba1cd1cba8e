/**
 * cachee/ioredis against real ioredis: each scenario is one function taking a way
 * to open clients; it runs once with ioredis 5 → a redis-server started here, once
 * with cachee/ioredis on a fresh in-process engine, and the values it collects
 * (command results, errors as name + message, events) must be deep-equal.
 */
import { once } from 'node:events';
import { Redis as IORedis, type RedisOptions } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_TABLE } from '../../src/commands/registry.js';
import { Engine } from '../../src/engine/engine.js';
import { Redis as CacheeRedis } from '../../src/ioredis.js';
import { type RedisProcess, startRedis } from './harness.js';

let redis: RedisProcess;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

/** What a scenario gets: a way to open clients (all on one server, or one engine). */
interface Env {
  /** A client, once 'ready'. */
  client(options?: RedisOptions): Promise<IORedis>;
  /** A client as constructed (not yet ready). */
  raw(options?: RedisOptions): IORedis;
}

type Scenario = (env: Env) => Promise<unknown>;

/** Errors as comparable values; objects and arrays walked; Buffers kept. */
function norm(v: unknown): unknown {
  if (v instanceof Error) {
    const out: Record<string, unknown> = { error: `${v.name}: ${v.message}` };
    const previous = (v as { previousErrors?: Error[] }).previousErrors;
    if (previous !== undefined) out.previousErrors = previous.map(norm);
    return out;
  }
  if (Array.isArray(v)) return v.map(norm);
  if (v !== null && typeof v === 'object' && !Buffer.isBuffer(v)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(v)) {
      Object.defineProperty(out, key, {
        value: norm((v as Record<string, unknown>)[key]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return v;
}

/** The value of a promise, or the error it rejected with. */
function attempt<T>(p: Promise<T>): Promise<T | Error> {
  return p.then(
    (v) => v,
    (e: Error) => e,
  );
}

/** A client's methods untyped: for calls ioredis's types refuse (wrong arity on purpose, missing `...Buffer` types). */
const loose = (c: unknown) => c as Record<string, (...args: unknown[]) => Promise<unknown>>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `done()` (events arrive over the network from redis-server). */
async function until(done: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!done() && Date.now() < end) await sleep(5);
}

async function runOn(kind: 'redis' | 'cachee', scenario: Scenario): Promise<unknown> {
  const clients: IORedis[] = [];
  const engine = new Engine({ activeExpiry: false });
  const env: Env = {
    raw(options = {}) {
      const c =
        kind === 'redis'
          ? new IORedis({ port: redis.port, host: '127.0.0.1', ...options })
          : (new CacheeRedis({ engine, ...options }) as unknown as IORedis);
      clients.push(c);
      return c;
    },
    async client(options = {}) {
      const c = env.raw(options);
      if (c.status !== 'ready') await once(c, 'ready');
      return c;
    },
  };
  const admin = await env.client();
  await admin.flushall();
  try {
    return norm(await scenario(env));
  } finally {
    for (const c of clients) c.disconnect();
    engine.close();
  }
}

/** Runs a scenario on both and compares. */
async function compare(scenario: Scenario): Promise<void> {
  const expected = await runOn('redis', scenario);
  const actual = await runOn('cachee', scenario);
  expect(actual).toEqual(expected);
}

const hasScripting = COMMAND_TABLE.has('evalsha');

describe('cachee/ioredis versus ioredis → redis-server', () => {
  it('strings', () =>
    compare(async ({ client }) => {
      const r = await client();
      return [
        await r.set('s', 'hello'),
        await r.get('s'),
        await r.get('missing'),
        await r.append('s', ' world'),
        await r.getrange('s', 0, 4),
        await r.strlen('s'),
        await r.set('n', 10),
        await r.incr('n'),
        await r.incrby('n', -3),
        await r.decr('n'),
        await r.incrbyfloat('n', 1.5),
        await r.mset({ a: 1, b: 'two', c: Buffer.from([0xff, 0x00]) }),
        await r.mset(new Map([['d', 4]])),
        await r.mget('a', 'b', 'missing', 'd'),
        await r.mget(['a', 'b']),
        await r.setnx('a', 'x'),
        await r.getset('a', 'new'),
        await r.getdel('a'),
        await r.set('k', 'v', 'EX', 100),
        await r.ttl('k'),
        await r.set('k', 'w', 'NX'),
        await r.set('k', 'w', 'XX', 'GET'),
        await r.exists('k', 'b', 'nope'),
        await r.type('k'),
        await r.del('k', 'b'),
        await attempt(r.incr('s')),
        await attempt(loose(r).set('k')),
        await attempt(r.call('nosuchcommand', 'x')),
        await r.set('big', '9223372036854775000'),
        await r.incrby('big', 807),
        await attempt(r.incr('big')),
        await r.set('neg', '-9223372036854775000'),
        await r.decrby('neg', 8),
        await r.call('SET', 'x', 1),
        await r.call('get', 'x'),
        await r.get('c'),
        await r.getBuffer('c'),
      ];
    }));

  it('hashes, HGETALL as an object', () =>
    compare(async ({ client }) => {
      const r = await client();
      return [
        await r.hset('h', { f1: 'v1', f2: 2 }),
        await r.hset('h', new Map([['f3', 'v3']])),
        await r.hset('h', 'f4', 'v4', 'f5', 'v5'),
        await r.hmset('h', { f6: 6 }),
        await r.hget('h', 'f1'),
        await r.hgetall('h'),
        await r.hgetall('nohash'),
        await r.hmget('h', 'f1', 'nope', 'f2'),
        await r.hincrby('h', 'f2', 5),
        await r.hincrbyfloat('h', 'f2', 0.5),
        (await r.hkeys('h')).sort(),
        (await r.hvals('h')).sort(),
        await r.hexists('h', 'f1'),
        await r.hdel('h', 'f1', 'f3'),
        await r.hlen('h'),
        await r.hsetnx('h', 'f4', 'x'),
        await r.hstrlen('h', 'f4'),
        await r.hset('p', '__proto__', 'x', 'constructor', 'y'),
        await r.hgetall('p'),
        await attempt(r.hincrby('h', 'f4', 1)),
        await attempt(loose(r).hget('h')),
      ];
    }));

  it('lists', () =>
    compare(async ({ client }) => {
      const r = await client();
      return [
        await r.rpush('l', 'a', 'b', 'c'),
        await loose(r).lpush('l', ['z', 'y']),
        await r.lrange('l', 0, -1),
        await r.lindex('l', 1),
        await r.linsert('l', 'BEFORE', 'b', 'ab'),
        await r.lset('l', 0, 'Y'),
        await r.lrem('l', 1, 'z'),
        await r.lpos('l', 'b'),
        await r.lpop('l'),
        await r.rpop('l', 2),
        await r.llen('l'),
        await r.ltrim('l', 0, 0),
        await r.lmove('l', 'l2', 'LEFT', 'RIGHT'),
        await r.lrange('l2', 0, -1),
        await r.lpop('empty'),
        await r.lpop('empty', 2),
        await attempt(r.lset('nolist', 0, 'x')),
      ];
    }));

  it('sets', () =>
    compare(async ({ client }) => {
      const r = await client();
      return [
        await r.sadd('s1', 'a', 'b', 'c'),
        await r.sadd('s2', ['b', 'c', 'd']),
        (await r.smembers('s1')).sort(),
        await r.sismember('s1', 'a'),
        await r.smismember('s1', 'a', 'x'),
        await r.scard('s1'),
        (await r.sinter('s1', 's2')).sort(),
        (await r.sunion('s1', 's2')).sort(),
        (await r.sdiff('s1', 's2')).sort(),
        await r.smove('s1', 's2', 'a'),
        await r.srem('s2', 'a', 'zz'),
        await r.sinterstore('s3', 's1', 's2'),
        await r.spop('nosuch'),
        (await r.smembersBuffer('s3')).sort(Buffer.compare),
      ];
    }));

  it('sorted sets', () =>
    compare(async ({ client }) => {
      const r = await client();
      return [
        await r.zadd('z', 1, 'a', 2, 'b', 3.5, 'c'),
        await r.zadd('z', 'INCR', 2, 'a'),
        await r.zadd('z', 'NX', 10, 'a'),
        await r.zrange('z', 0, -1),
        await r.zrange('z', 0, -1, 'WITHSCORES'),
        await r.zrange('z', '+inf', '-inf', 'BYSCORE', 'REV', 'LIMIT', 0, 2),
        await r.zrangebyscore('z', '(1', 10, 'WITHSCORES'),
        await r.zrevrange('z', 0, 0),
        await r.zscore('z', 'c'),
        await r.zscore('z', 'missing'),
        await r.zincrby('z', 0.25, 'b'),
        await r.zrank('z', 'a'),
        await r.zrevrank('z', 'a'),
        await r.zcount('z', '-inf', '+inf'),
        await r.zmscore('z', 'a', 'nope'),
        await r.zpopmin('z'),
        await r.zpopmax('z', 5),
        await r.zcard('z'),
        await r.zscoreBuffer('z', 'c'),
        await attempt(r.zadd('z', 'x', 'a')),
      ];
    }));

  it('Buffer variants: Buffers for every bulk and status reply', () =>
    compare(async ({ client }) => {
      const r = await client();
      const bin = Buffer.from([0xc3, 0x28, 0x00, 0xff]);
      return [
        await loose(r).setBuffer('b', bin),
        await r.getBuffer('b'),
        await r.get('b'),
        await r.getBuffer('missing'),
        await r.set('t', 'text'),
        await r.getBuffer('t'),
        await r.hset('h', 'f', bin, 'g', 'x'),
        await r.hgetallBuffer('h'),
        await r.hgetBuffer('h', 'f'),
        await r.rpush('l', bin, 'x'),
        await r.lrangeBuffer('l', 0, -1),
        await r.lrange('l', 0, -1),
        await r.callBuffer('get', 't'),
        await loose(r).incrBuffer('counter'),
        await loose(r).pingBuffer(),
        await r.mgetBuffer('b', 't', 'missing'),
        await r.zadd('z', 1, bin),
        await r.zrangeBuffer('z', 0, -1, 'WITHSCORES'),
        await r.keysBuffer('b'),
      ];
    }));

  it('pipeline: results, errors and per-command callbacks', () =>
    compare(async ({ client }) => {
      const r = await client();
      const seen: unknown[] = [];
      const p = r
        .pipeline()
        .set('a', 1)
        .incr('a')
        .get('a', (err, v) => seen.push([err, v]))
        .incr('missing-arg' as never)
        .hset('h', { f: 'v' })
        .hgetall('h')
        .hgetallBuffer('h')
        .lpush('a', 'x')
        .getBuffer('a');
      const length = p.length;
      const results = await p.exec();
      const empty = await r.pipeline().exec();
      const batch = await r
        .pipeline([
          ['set', 'b', '2'],
          ['getBuffer', 'b'],
        ])
        .exec();
      return [length, results, seen, empty, batch];
    }));

  it('multi/exec: results, an error inside, EXECABORT, HGETALL and Buffer shapes', () =>
    compare(async ({ client }) => {
      const r = await client();
      const ok = await r
        .multi()
        .set('a', '1')
        .incr('a')
        .lpush('a', 'x')
        .getBuffer('a')
        .hset('h', 'f', 'v')
        .hgetall('h')
        .hgetallBuffer('h')
        .exec();
      const m = r.multi().set('b', 1).call('nosuch').incr('b');
      const length = m.length;
      const aborted = await attempt(m.exec());
      const arity = await attempt(
        (
          r.multi() as unknown as {
            get(...a: unknown[]): { set(...a: unknown[]): { exec(): Promise<unknown> } };
          }
        )
          .get('a', 'b')
          .set('c', 1)
          .exec(),
      );
      const unchanged = [await r.get('b'), await r.get('c')];
      const batch = await r
        .multi([
          ['set', 'x', '1'],
          ['incr', 'x'],
        ])
        .exec();
      return [ok, length, aborted, arity, unchanged, batch];
    }));

  it('WATCH: exec resolves null when a watched key changed', () =>
    compare(async ({ client }) => {
      const r = await client();
      const other = await client();
      await r.set('k', '1');
      const watched = await r.watch('k');
      await other.set('k', '2');
      const aborted = await r.multi().set('k', '3').exec();
      await r.watch('k');
      const committed = await r.multi().incr('k').exec();
      return [watched, aborted, committed, await r.get('k')];
    }));

  it('multi({ pipeline: false }) and exec()', () =>
    compare(async ({ client }) => {
      const r = await client();
      const opened = await r.multi({ pipeline: false });
      const queued = [await r.set('a', 1), await r.incr('a'), await r.lpush('a', 'x'), await r.hgetall('a')];
      const result = await r.exec();
      const noMulti = await attempt(r.exec());
      return [opened, queued, result, noMulti];
    }));

  it('a pipeline holding MULTI ... EXEC', () =>
    compare(async ({ client }) => {
      const r = await client();
      // ioredis's types have no multi() on a pipeline (whose exec() then queues EXEC); its code has.
      type Chain = { [method: string]: (...args: unknown[]) => Chain } & Promise<unknown>;
      return (r.pipeline() as unknown as Chain)
        .set('a', 1)
        .multi()
        .incr('a')
        .getBuffer('a')
        .hset('h', 'f', 'v')
        .hgetall('h')
        .exec()
        .get('a')
        .exec();
    }));

  it('scan streams, collected and sorted', () =>
    compare(async ({ client }) => {
      const r = await client();
      for (let i = 0; i < 40; i++) await r.set(`key:${i}`, i);
      await r.hset('hash', Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}`, `v${i}`])));
      await r.sadd('set', ...Array.from({ length: 30 }, (_, i) => `m${i}`));
      await r.zadd('zset', ...Array.from({ length: 30 }, (_, i) => [i, `z${i}`]).flat());
      const collect = async (stream: NodeJS.ReadableStream): Promise<unknown[]> => {
        const out: unknown[] = [];
        for await (const batch of stream) out.push(...(batch as unknown as unknown[]));
        return out;
      };
      const pairs = (flat: unknown[]) => {
        const out: string[] = [];
        for (let i = 0; i < flat.length; i += 2) out.push(`${flat[i]}=${flat[i + 1]}`);
        return out.sort();
      };
      return [
        (await collect(r.scanStream({ match: 'key:*', count: 7 }))).sort(),
        (await collect(r.scanStream({ match: 'key:1*', type: 'string' }))).sort(),
        pairs(await collect(r.hscanStream('hash', { count: 5 }))),
        (await collect(r.sscanStream('set', { match: 'm1*' }))).sort(),
        pairs(await collect(r.zscanStream('zset'))),
        (await collect(r.scanBufferStream({ match: 'key:2*' }))).map(String).sort(),
      ];
    }));

  it('pub/sub: subscriber mode, counts and message events', () =>
    compare(async ({ client }) => {
      const sub = await client();
      const pub = await client();
      const events: unknown[] = [];
      sub.on('message', (channel, message) => events.push(['message', channel, message]));
      sub.on('messageBuffer', (channel, message) => events.push(['messageBuffer', channel, message]));
      sub.on('pmessage', (pattern, channel, message) => events.push(['pmessage', pattern, channel, message]));
      sub.on('pmessageBuffer', (pattern, channel, message) =>
        events.push(['pmessageBuffer', pattern, channel, message]),
      );
      const counts = [
        await sub.subscribe('news', 'sport'),
        await sub.subscribe('news'),
        await sub.psubscribe('n*'),
      ];
      const mode = sub.mode;
      const refused = await attempt(sub.get('x'));
      const ping = await sub.ping();
      const pingMessage = await sub.ping('hi');
      const receivers = [await pub.publish('news', 'hello'), await pub.publish('sport', Buffer.from([0xff]))];
      await until(() => events.length >= 6);
      const after = [
        await sub.unsubscribe('news'),
        // ioredis never resolves a bare (P)UNSUBSCRIBE while other subscriptions remain: name the pattern.
        await sub.punsubscribe('n*'),
        await sub.unsubscribe(),
        sub.mode,
        await sub.set('x', 1),
      ];
      const late = await pub.publish('news', 'unheard');
      await sleep(20);
      return [counts, mode, refused, ping, pingMessage, receivers, events, after, late];
    }));

  it('pub/sub: shard channels and keyspace notifications', () =>
    compare(async ({ client }) => {
      const sub = await client();
      const pub = await client();
      const events: unknown[] = [];
      sub.on('smessage', (channel, message) => events.push(['smessage', channel, message]));
      sub.on('smessageBuffer', (channel, message) => events.push(['smessageBuffer', channel, message]));
      sub.on('pmessage', (pattern, channel, message) => events.push(['pmessage', pattern, channel, message]));
      const setup = [
        await pub.config('SET', 'notify-keyspace-events', 'KEA'),
        await sub.ssubscribe('shard'),
        await sub.psubscribe('__keyspace@0__:*'),
      ];
      const sent = [
        await pub.spublish('shard', 'm1'),
        await pub.set('watched', 'v'),
        await pub.del('watched'),
      ];
      await until(() => events.length >= 4);
      await sleep(20);
      // ioredis leaves subscriber mode on SUNSUBSCRIBE's zero count; the server still refuses GET.
      const after = [
        await sub.sunsubscribe('shard'),
        sub.mode,
        await attempt(sub.get('x')),
        await sub.ping(),
        await sub.punsubscribe('__keyspace@0__:*'),
        sub.mode,
        await sub.ping(),
      ];
      await pub.config('SET', 'notify-keyspace-events', '');
      return [setup, sent, events, after];
    }));

  it('connection lifecycle: events, status, quit, commands after quit, duplicate, lazyConnect', () =>
    compare(async ({ client, raw }) => {
      const events: string[] = [];
      const r = raw();
      const initial = r.status;
      for (const e of ['connecting', 'connect', 'ready', 'close', 'end']) r.on(e, () => events.push(e));
      await once(r, 'ready');
      const ready = r.status;
      await r.set('k', 'v');
      const dup = r.duplicate();
      await once(dup, 'ready');
      const shared = await dup.get('k');
      const quit = await r.quit();
      await sleep(30);
      const ended = [r.status, await attempt(r.get('k'))];
      const lazy = raw({ lazyConnect: true });
      const lazyStatus = lazy.status;
      const lazyGet = await lazy.get('k');
      const other = await client();
      const again = await attempt(other.connect());
      dup.disconnect();
      await sleep(30);
      return [
        initial,
        ready,
        shared,
        quit,
        ended,
        events,
        lazyStatus,
        lazyGet,
        lazy.status,
        again,
        dup.status,
      ];
    }));

  it('disconnect while blocked: the pop rejects, and takes nothing', () =>
    compare(async ({ client }) => {
      const waiter = await client();
      const pusher = await client();
      const popped = attempt(waiter.blpop('jobs', 0));
      const behind = attempt(waiter.get('x'));
      await sleep(50);
      waiter.disconnect();
      const errors = [await popped, await behind];
      await sleep(50);
      return [errors, await pusher.rpush('jobs', 'j1'), await pusher.lrange('jobs', 0, -1)];
    }));

  it('blocking commands inside MULTI answer at once; sorted-set pops block too', () =>
    compare(async ({ client }) => {
      const r = await client();
      const other = await client();
      const inMulti = await r.multi().blpop('none', 0).brpop('none', 1).exec();
      const zpop = r.bzpopmin('zq', 'zq2', 0);
      await sleep(50);
      await other.zadd('zq2', 5, 'five', 1, 'one');
      const mpop = r.blmpop(0, 2, 'ql', 'qr', 'RIGHT', 'COUNT', 2);
      await sleep(50);
      await other.rpush('qr', 'a', 'b', 'c');
      return [inMulti, await zpop, await mpop, await other.lrange('qr', 0, -1)];
    }));

  it('blocking pops: woken by another client, timing out, holding back later commands', () =>
    compare(async ({ client }) => {
      const waiter = await client();
      const pusher = await client();
      const order: string[] = [];
      const popped = waiter.blpop('queue', 0).then((v) => {
        order.push('blpop');
        return v;
      });
      const behind = waiter.get('flag').then((v) => {
        order.push('get');
        return v;
      });
      await sleep(50);
      await pusher.set('flag', 'set-before-push');
      const pushed = await pusher.rpush('queue', 'job1', 'job2');
      const results = [await popped, await behind, pushed, await pusher.lrange('queue', 0, -1)];
      const timedOut = await waiter.brpop('nothing', 0.05);
      const moved = waiter.blmove('src', 'dst', 'LEFT', 'RIGHT', 0);
      await sleep(50);
      await pusher.lpush('src', 'm');
      return [results, order, timedOut, await moved, await pusher.lrange('dst', 0, -1)];
    }));

  it('SELECT is per client', () =>
    compare(async ({ client }) => {
      const a = await client();
      const b = await client();
      const selected: number[] = [];
      a.on('select', (db: number) => selected.push(db));
      const r = [
        await a.select(2),
        await a.set('k', 'in2'),
        await b.get('k'),
        await b.select(2),
        await b.get('k'),
      ];
      const c = await client({ db: 2 });
      return [r, selected, await c.get('k'), await attempt(a.select(99))];
    }));

  it('callbacks, stringNumbers and keyPrefix', () =>
    compare(async ({ client }) => {
      const r = await client();
      const calls: unknown[] = [];
      await new Promise<void>((resolve) => {
        r.set('a', '1', (err, v) => {
          calls.push([err, v]);
          r.incr('a', (err2, n) => {
            calls.push([err2, n]);
            r.hget('a', 'f', (err3, v3) => {
              calls.push([err3?.message, v3]);
              resolve();
            });
          });
        });
      });
      const s = await client({ stringNumbers: true });
      const numbers = [await s.incr('n'), await s.llen('a-list'), await s.pipeline().incr('n').exec()];
      const p = await client({ keyPrefix: 'app:' });
      const prefixed = [
        await p.set('k', 'v'),
        await p.mset('a', 1, 'b', 2),
        await p.mget('a', 'b', 'k'),
        await p.rpoplpush('list', 'other'),
        await p.multi().set('m', 1).get('m').exec(),
        (await r.keys('*')).sort(),
      ];
      return [calls, numbers, prefixed];
    }));

  it.skipIf(!hasScripting)(
    'defineCommand: EVAL then EVALSHA, in pipelines and transactions, after SCRIPT FLUSH',
    () =>
      compare(async ({ client }) => {
        const r = await client();
        r.defineCommand('getset2', {
          numberOfKeys: 1,
          lua: "local old = redis.call('get', KEYS[1]); redis.call('set', KEYS[1], ARGV[1]); return old",
        });
        r.defineCommand('echoKeys', { lua: 'return {KEYS[1], ARGV[1], 42}' });
        type Chain = Record<string, (...args: unknown[]) => Chain> & { exec(): Promise<unknown> };
        const c = r as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
        const pipeline = () => r.pipeline() as unknown as Chain;
        const multi = () => r.multi() as unknown as Chain;
        return [
          await c.getset2('k', 'a'),
          await c.getset2('k', 'b'),
          await c.echoKeys(1, 'key', 'arg'),
          await c.echoKeysBuffer(1, 'key', 'arg'),
          await pipeline().getset2('k', 'c').exec(),
          await multi().getset2('k', 'd').exec(),
          await r.call('script', 'FLUSH'),
          await c.getset2('k', 'e'),
          await pipeline().getset2('k', 'f').echoKeys(1, 'x', 'y').exec(),
          await r.call('script', 'FLUSH'),
          // In a transaction the NOSCRIPT stays in its slot: ioredis resends only outside.
          await multi().getset2('k', 'g').exec(),
          await attempt(r.call('evalsha', '0000000000000000000000000000000000000000', 0)),
          await r.get('k'),
        ];
      }),
  );
});
