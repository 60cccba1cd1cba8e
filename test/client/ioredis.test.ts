/**
 * cachee/ioredis: the API surface of the ioredis-compatible client (construction,
 * connection states and events, reply shapes and encodings, callbacks, pipelines,
 * transactions, scan streams, Pub/Sub events, blocking commands, scripts). The
 * same behaviours are compared with real ioredis in test/diff/ioredis-compat.test.ts.
 */
import { once } from 'node:events';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { COMMAND_TABLE } from '../../src/commands/registry.js';
import { scriptingCommands } from '../../src/commands/scripting.js';
import { buildTable } from '../../src/commands/table.js';
import { ManualClock } from '../../src/engine/clock.js';
import DefaultRedis, {
  Cachee,
  Command,
  Engine,
  Pipeline,
  Redis,
  type RedisOptions,
  ReplyError,
  Transaction,
} from '../../src/ioredis.js';

const clients: Redis[] = [];

/** A client on `engine` (a fresh one by default), ready. */
async function connect(options: RedisOptions = {}): Promise<Redis> {
  const engine = options.engine ?? (options.cachee ? undefined : new Engine({ activeExpiry: false }));
  const r = new Redis({ engine, ...options });
  clients.push(r);
  if (r.status !== 'ready') await once(r, 'ready');
  return r;
}

function attempt<T>(p: Promise<T>): Promise<T | Error> {
  return p.then(
    (v) => v,
    (e: Error) => e,
  );
}

const tick = () => new Promise((r) => setImmediate(r));

describe('exports and construction', () => {
  it('exports Redis as a named and a default export, with ioredis companions', () => {
    expect(DefaultRedis).toBe(Redis);
    expect(Redis.createClient({ lazyConnect: true })).toBeInstanceOf(Redis);
    expect(new Redis({ lazyConnect: true }).pipeline()).toBeInstanceOf(Pipeline);
    expect(new Redis({ lazyConnect: true }).multi()).toBeInstanceOf(Transaction);
    expect(new Redis({ lazyConnect: true }).isCluster).toBe(false);
  });

  it('shares one engine per address when none is given, as clients of one server share data', async () => {
    const a = new Redis({ lazyConnect: true });
    const b = new Redis(6379, 'localhost', { lazyConnect: true });
    const c = new Redis({ port: 6399, lazyConnect: true });
    const d = new Redis('redis://localhost:6399/3', { lazyConnect: true });
    const e = new Redis({ path: '/tmp/redis.sock', lazyConnect: true });
    expect(a.engine).toBe(b.engine);
    expect(c.engine).not.toBe(a.engine);
    expect(d.engine).toBe(c.engine);
    expect(d.options.db).toBe(3);
    expect(e.engine).not.toBe(a.engine);
    await a.set('shared-key', 'from-a');
    expect(await b.get('shared-key')).toBe('from-a');
    expect(await c.get('shared-key')).toBeNull();
    await a.del('shared-key');
    for (const r of [a, b, c, d, e]) r.disconnect();
  });

  it('runs on an engine or a Cachee handle, with its own selected database', async () => {
    const cache = new Cachee({ activeExpiry: false });
    cache.set('k', 'from-cachee');
    const r = await connect({ cachee: cache });
    expect(r.engine).toBe(cache.engine);
    expect(await r.get('k')).toBe('from-cachee');
    await r.select(1);
    await r.set('k', 'in-db1');
    expect(cache.get('k')).toBe('from-cachee');
    const onEngine = await connect({ engine: cache.engine, db: 1 });
    expect(await onEngine.get('k')).toBe('in-db1');
  });

  it('accepts and keeps ioredis options it has no use for', async () => {
    const r = await connect({ maxRetriesPerRequest: null, enableReadyCheck: false, retryStrategy: () => 1 });
    expect(r.options.maxRetriesPerRequest).toBeNull();
    expect(await r.ping()).toBe('PONG');
  });
});

describe('connection states and events', () => {
  it('connects asynchronously: connecting, connect, ready', async () => {
    const r = new Redis({ engine: new Engine({ activeExpiry: false }) });
    const events: string[] = [];
    for (const e of ['wait', 'connecting', 'connect', 'ready']) r.on(e, () => events.push(e));
    expect(r.status).toBe('connecting');
    // Commands sent before 'ready' run (ioredis queues them offline until then).
    const early = r.set('k', 'v');
    expect(events).toEqual([]);
    await once(r, 'ready');
    expect(events).toEqual(['connecting', 'connect', 'ready']);
    expect(r.status).toBe('ready');
    expect(await early).toBe('OK');
    await expect(r.connect()).rejects.toThrow('Redis is already connecting/connected');
    r.disconnect();
  });

  it('lazyConnect waits until connect() or the first command', async () => {
    const engine = new Engine({ activeExpiry: false });
    const r = new Redis({ engine, lazyConnect: true });
    expect(r.status).toBe('wait');
    await tick();
    expect(r.status).toBe('wait');
    expect(await r.set('k', '1')).toBe('OK');
    expect(r.status).not.toBe('wait');
    const s = new Redis({ engine, lazyConnect: true });
    await s.connect();
    expect(s.status).toBe('ready');
    expect(await s.get('k')).toBe('1');
    r.disconnect();
    s.disconnect();
  });

  it('quit resolves OK, then the client ends and refuses commands', async () => {
    const r = await connect();
    const events: string[] = [];
    for (const e of ['close', 'end']) r.on(e, () => events.push(e));
    expect(await r.quit()).toBe('OK');
    expect(r.status).toBe('end');
    await expect(r.get('k')).rejects.toThrow('Connection is closed.');
    await tick();
    expect(events).toEqual(['close', 'end']);
    // connect() opens a new connection: a fresh session.
    await r.connect();
    expect(r.status).toBe('ready');
    expect(await r.ping()).toBe('PONG');
  });

  it('disconnect(true) reconnects', async () => {
    const r = await connect({ db: 2 });
    await r.select(3);
    const events: string[] = [];
    for (const e of ['close', 'reconnecting', 'connecting', 'connect', 'ready', 'end']) {
      r.on(e, () => events.push(e));
    }
    r.disconnect(true);
    await once(r, 'ready');
    expect(events).toEqual(['close', 'reconnecting', 'connecting', 'connect', 'ready']);
    await r.set('k', 'v');
    const db2 = await connect({ engine: r.engine, db: 2 });
    expect(await db2.get('k')).toBe('v');
    // quit then connect at once: the old connection's close does not touch the new one.
    await r.quit();
    await r.connect();
    expect(r.status).toBe('ready');
    const closing = new Redis({ engine: r.engine, lazyConnect: true });
    const first = closing.connect();
    const refused = attempt(closing.connect());
    closing.disconnect();
    expect(((await refused) as Error).message).toBe('Redis is already connecting/connected');
    await expect(first).rejects.toThrow('Connection is closed.');
  });

  it('duplicate() opens a client on the same engine with the same options', async () => {
    const r = await connect({ db: 4, stringNumbers: true });
    await r.set('k', 'v');
    const d = r.duplicate();
    await once(d, 'ready');
    expect(d.engine).toBe(r.engine);
    expect(await d.get('k')).toBe('v');
    expect(await d.incr('n')).toBe('1');
    const other = r.duplicate({ db: 0 });
    expect(await other.get('k')).toBeNull();
    d.disconnect();
    other.disconnect();
  });

  it('sets the connection name on connect', async () => {
    const r = await connect({ connectionName: 'worker-1' });
    expect(await r.client('GETNAME')).toBe('worker-1');
  });
});

describe('replies', () => {
  it('rejects with ReplyError, Redis text and the command sent', async () => {
    const r = await connect();
    await r.set('s', 'x');
    const err = await attempt(r.incr('s'));
    expect(err).toBeInstanceOf(ReplyError);
    expect((err as ReplyError).name).toBe('ReplyError');
    expect((err as ReplyError).message).toBe('ERR value is not an integer or out of range');
    expect((err as unknown as { command: unknown }).command).toEqual({ name: 'incr', args: ['s'] });
    await expect(r.call('nosuch', 1)).rejects.toThrow(
      "ERR unknown command 'nosuch', with args beginning with: '1' ",
    );
  });

  it('decodes replies as UTF-8, and keeps Buffers in ...Buffer methods', async () => {
    const r = await connect();
    const bin = Buffer.from([0xff, 0xfe, 0x41]);
    expect(await r.set('b', bin)).toBe('OK');
    expect(await r.get('b')).toBe(bin.toString());
    expect(await r.getBuffer('b')).toEqual(bin);
    expect(await r.setBuffer('t', 'text')).toEqual(Buffer.from('OK'));
    expect(await r.getBuffer('t')).toEqual(Buffer.from('text'));
    expect(await r.incrBuffer('n')).toBe(1);
    expect(await r.mgetBuffer('t', 'none')).toEqual([Buffer.from('text'), null]);
    expect(await r.callBuffer('get', 't')).toEqual(Buffer.from('text'));
  });

  it('turns HGETALL into an object, own properties for special names', async () => {
    const r = await connect();
    await r.hset('h', { a: '1', __proto__: 'p' } as Record<string, string>);
    await r.hset('h', '__proto__', 'p', 'constructor', 'c');
    const h = await r.hgetall('h');
    expect(Object.keys(h).sort()).toEqual(['__proto__', 'a', 'constructor']);
    expect(Object.getPrototypeOf(h)).toBe(Object.prototype);
    expect(h.constructor).toBe('c');
    expect(await r.hgetall('none')).toEqual({});
    expect(await r.hgetallBuffer('h')).toMatchObject({ a: Buffer.from('1') });
    // ioredis keys its transformer by the exact name: call('HGETALL') stays an array.
    expect(await r.call('HGETALL', 'h')).toHaveLength(6);
    expect(await r.call('hgetall', 'h')).not.toBeInstanceOf(Array);
  });

  it('takes a node-style callback last', async () => {
    const r = await connect();
    const seen: unknown[] = [];
    await new Promise<void>((resolve) => {
      r.set('k', 'v', (err, res) => {
        seen.push([err, res]);
        r.incr('k', (err2) => {
          seen.push(err2?.message);
          r.get('none', (err3, res3) => {
            seen.push([err3, res3]);
            resolve();
          });
        });
      });
    });
    expect(seen).toEqual([[null, 'OK'], 'ERR value is not an integer or out of range', [null, null]]);
    // The promise is returned too.
    expect(await r.get('k', () => {})).toBe('v');
  });

  it('call, callBuffer, send_command and sendCommand(Command)', async () => {
    const r = await connect();
    expect(await r.call('set', 'k', 'v', 'EX', 100)).toBe('OK');
    expect(await r.call(['get', 'k'])).toBe('v');
    expect(await r.send_command('ttl', 'k')).toBe(100);
    expect(await r.sendCommand(new Command('get', ['k']))).toEqual(Buffer.from('v'));
    const seen: unknown[] = [];
    const cmd = new Command('get', ['k'], { replyEncoding: 'utf8' }, (err, v) => seen.push([err, v]));
    expect(await r.sendCommand(cmd)).toBe('v');
    await tick();
    expect(seen).toEqual([[null, 'v']]);
  });

  it('stringNumbers: integers as strings; otherwise big integers as ioredis parses them', async () => {
    const s = await connect({ stringNumbers: true });
    await s.set('big', '9223372036854775806');
    expect(await s.incr('big')).toBe('9223372036854775807');
    expect(await s.llen('none')).toBe('0');
    const r = await connect({ engine: s.engine });
    // redis-parser accumulates the digits in a double: not the nearest double (9223372036854775808).
    expect(await r.decr('big')).toBe(9223372036854778000);
    expect(typeof (await r.decr('big'))).toBe('number');
  });

  it('keyPrefix: prepended to every key, found by the key specs', async () => {
    const r = await connect({ keyPrefix: 'app:' });
    const plain = await connect({ engine: r.engine });
    await r.set('a', '1');
    await r.mset({ b: '2', c: '3' });
    await r.set(Buffer.from('bin'), 'x');
    await r.zunionstore('dest', 2, 'z1', 'z2');
    await r.object('ENCODING', 'a');
    expect(await r.get('a')).toBe('1');
    expect((await plain.keys('*')).sort()).toEqual(['app:a', 'app:b', 'app:bin', 'app:c']);
    expect(await r.multi().get('b').exec()).toEqual([[null, '2']]);
    expect(await r.pipeline().get('c').exec()).toEqual([[null, '3']]);
  });

  it('SELECT is per client and emits select', async () => {
    const r = await connect();
    const other = await connect({ engine: r.engine });
    const selected: number[] = [];
    r.on('select', (db: number) => selected.push(db));
    await r.select(5);
    await r.set('k', 'db5');
    expect(await other.get('k')).toBeNull();
    await r.select('5');
    await r.select(0);
    expect(selected).toEqual([5, 0]);
    await expect(r.select(99)).rejects.toThrow('ERR DB index is out of range');
  });

  it('lists its commands, and adds methods for more', async () => {
    const r = await connect();
    expect(r.getBuiltinCommands()).toContain('get');
    expect(r.getBuiltinCommands()).toContain('hgetall');
    r.addBuiltinCommand('modcmd');
    const methods = r as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    await expect(methods.modcmd('x')).rejects.toThrow("ERR unknown command 'modcmd'");
    const echo = r.createBuiltinCommand('echo');
    expect(await echo.string.call(r, 'hi')).toBe('hi');
    expect(await echo.buffer.call(r, 'hi')).toEqual(Buffer.from('hi'));
    expect(
      await (r.pipeline() as unknown as Record<string, (...a: unknown[]) => Pipeline>).modcmd().exec(),
    ).toEqual([[expect.any(ReplyError)]]);
  });

  it('types replies as ioredis does', async () => {
    const r = await connect();
    expectTypeOf(await r.get('s')).toEqualTypeOf<string | null>();
    expectTypeOf(await r.getBuffer('s')).toEqualTypeOf<Buffer | null>();
    expectTypeOf(await r.incr('n')).toEqualTypeOf<number>();
    expectTypeOf(await r.hgetall('h')).toEqualTypeOf<Record<string, string>>();
    expectTypeOf(await r.lrange('l', 0, -1)).toEqualTypeOf<string[]>();
    expectTypeOf(r.pipeline().get('s').set('s', 'v')).toEqualTypeOf<Pipeline>();
    expect(await r.lrange('l', 0, -1)).toEqual([]);
  });
});

describe('pipeline()', () => {
  it('runs queued commands in order: [[err, result], ...], callbacks per command', async () => {
    const r = await connect();
    const seen: unknown[] = [];
    const p = r
      .pipeline()
      .set('a', '1')
      .incr('a', (err, v) => seen.push([err, v]))
      .lpush('a', 'x')
      .getBuffer('a')
      .hset('h', 'f', 'v')
      .hgetall('h');
    expect(p.length).toBe(6);
    const result = await p.exec();
    expect(result).toEqual([
      [null, 'OK'],
      [null, 2],
      [expect.any(ReplyError)],
      [null, Buffer.from('2')],
      [null, 1],
      [null, { f: 'v' }],
    ]);
    expect(seen).toEqual([[null, 2]]);
    // exec() again gives the same outcome without running anything twice.
    expect(await p.exec()).toBe(result);
    expect(await r.get('a')).toBe('2');
    expect(await r.pipeline().exec()).toEqual([]);
  });

  it('takes commands as a batch, and exec takes a callback', async () => {
    const r = await connect();
    const result = await new Promise((resolve) =>
      r
        .pipeline([
          ['set', 'k', 'v'],
          ['getBuffer', 'k'],
        ])
        .call('strlen', 'k')
        .exec((err, res) => resolve([err, res])),
    );
    expect(result).toEqual([
      null,
      [
        [null, 'OK'],
        [null, Buffer.from('v')],
        [null, 1],
      ],
    ]);
  });

  it('holds MULTI ... EXEC: EXEC replies take the shapes of the queued commands', async () => {
    const r = await connect();
    type Chain = { [method: string]: (...args: unknown[]) => Chain } & Promise<unknown>;
    const result = await (r.pipeline() as unknown as Chain)
      .set('a', '1')
      .multi()
      .incr('a')
      .getBuffer('a')
      .hgetall('none')
      .exec()
      .exec();
    expect(result).toEqual([
      [null, 'OK'],
      [null, 'OK'],
      [null, 'QUEUED'],
      [null, Buffer.from('QUEUED')],
      [null, 'QUEUED'],
      [null, [2, Buffer.from('2'), {}]],
    ]);
  });
});

describe('multi()', () => {
  it('runs a transaction: results, runtime errors in their slot, lengths counting MULTI', async () => {
    const r = await connect();
    const m = r.multi().set('a', '1').incr('a').lpush('a', 'x').getBuffer('a').hgetall('none');
    expect(m.length).toBe(6);
    expect(await m.exec()).toEqual([
      [null, 'OK'],
      [null, 2],
      [expect.any(ReplyError)],
      [null, Buffer.from('2')],
      [null, {}],
    ]);
    await expect(m.exec()).rejects.toThrow(
      'Pipeline cannot be used to send any commands when the `exec()` has been called on it.',
    );
    expect(
      await r
        .multi([
          ['incr', 'a'],
          ['incrBuffer', 'a'],
        ])
        .exec(),
    ).toEqual([
      [null, 3],
      [null, 4],
    ]);
  });

  it('rejects with EXECABORT carrying previousErrors; queued callbacks see it', async () => {
    const r = await connect();
    const seen: unknown[] = [];
    const err = (await attempt(
      r
        .multi()
        .set('k', 'v', (e) => seen.push(e?.message))
        .call('nosuch')
        .exec(),
    )) as ReplyError & { previousErrors: ReplyError[] };
    expect(err.message).toBe('EXECABORT Transaction discarded because of previous errors.');
    expect(err.previousErrors.map((e) => e.message)).toEqual([
      "ERR unknown command 'nosuch', with args beginning with: ",
    ]);
    expect(await r.exists('k')).toBe(0);
    await tick();
    expect(seen).toEqual(['EXECABORT Transaction discarded because of previous errors.']);
  });

  it('resolves null when a WATCHed key changed; queued callbacks get QUEUED', async () => {
    const r = await connect();
    const other = await connect({ engine: r.engine });
    await r.watch('k');
    await other.set('k', 'changed');
    const seen: unknown[] = [];
    expect(
      await r
        .multi()
        .set('k', 'mine', (e, v) => seen.push([e, v]))
        .exec(),
    ).toBeNull();
    expect(await r.get('k')).toBe('changed');
    await tick();
    expect(seen).toEqual([[null, 'QUEUED']]);
  });

  it('multi({ pipeline: false }) sends MULTI; commands resolve QUEUED; exec() wraps the results', async () => {
    const r = await connect({ stringNumbers: true });
    expect(await r.multi({ pipeline: false })).toBe('OK');
    expect(await r.incr('n')).toBe('QUEUED');
    expect(await r.hgetall('none')).toBe('QUEUED');
    expect(await r.exec()).toEqual([
      [null, '1'],
      [null, []],
    ]);
    await expect(r.exec()).rejects.toThrow('ERR EXEC without MULTI');
  });
});

describe('scan streams', () => {
  it('pushes batches until the cursor returns to 0', async () => {
    const r = await connect();
    for (let i = 0; i < 25; i++) await r.set(`k${i}`, i);
    await r.hset('h', { a: '1', b: '2' });
    const keys: string[] = [];
    const stream = r.scanStream({ match: 'k*', count: 4 });
    let batches = 0;
    for await (const batch of stream) {
      batches++;
      keys.push(...(batch as string[]));
    }
    expect(batches).toBeGreaterThan(1);
    expect(keys.sort()).toEqual(Array.from({ length: 25 }, (_, i) => `k${i}`).sort());
    const fields: unknown[] = [];
    for await (const batch of r.hscanBufferStream('h')) fields.push(...(batch as unknown[]));
    expect(fields).toContainEqual(Buffer.from('a'));
  });

  it('close() ends the stream after the current batch', async () => {
    const r = await connect();
    for (let i = 0; i < 50; i++) await r.sadd('s', i);
    const stream = r.sscanStream('s', { count: 2 });
    let batches = 0;
    for await (const _ of stream) {
      batches++;
      stream.close();
    }
    expect(batches).toBeLessThanOrEqual(2);
  });

  it('emits a reply error as an error event', async () => {
    const r = await connect();
    await r.set('str', 'x');
    const stream = r.zscanStream('str');
    stream.resume();
    const [err] = await once(stream, 'error');
    expect(err.message).toMatch(/^WRONGTYPE/);
  });
});

describe('Pub/Sub', () => {
  it('subscribe enters subscriber mode; messages arrive as message and messageBuffer events', async () => {
    const sub = await connect();
    const pub = await connect({ engine: sub.engine });
    const events: unknown[] = [];
    sub.on('message', (channel, message) => events.push(['message', channel, message]));
    sub.on('messageBuffer', (channel, message) => events.push(['messageBuffer', channel, message]));
    expect(await sub.subscribe('a', 'b')).toBe(2);
    expect(await sub.subscribe(['b', 'c'])).toBe(3);
    expect(sub.mode).toBe('subscriber');
    await expect(sub.get('k')).rejects.toThrow(
      'Connection in subscriber mode, only subscriber commands may be used',
    );
    expect(await attempt(sub.get('k'))).not.toBeInstanceOf(ReplyError);
    expect(await sub.ping()).toEqual(['pong', '']);
    expect(await pub.publish('a', 'hi')).toBe(1);
    expect(await pub.pubsub('NUMSUB', 'a', 'c')).toEqual(['a', 1, 'c', 1]);
    await tick();
    expect(events).toEqual([
      ['message', 'a', 'hi'],
      ['messageBuffer', Buffer.from('a'), Buffer.from('hi')],
    ]);
    expect(await sub.unsubscribe('a')).toBe(2);
    expect(await pub.publish('a', 'unheard')).toBe(0);
    expect(await sub.unsubscribe()).toBe(0);
    expect(sub.mode).toBe('normal');
    expect(await sub.set('k', 'v')).toBe('OK');
  });

  it('psubscribe gives pmessage events; keyspace notifications reach them', async () => {
    const sub = await connect();
    const pub = await connect({ engine: sub.engine });
    const events: unknown[] = [];
    sub.on('pmessage', (pattern, channel, message) => events.push([pattern, channel, message]));
    sub.on('pmessageBuffer', (pattern, channel, message) => events.push([pattern, channel, message]));
    await pub.config('SET', 'notify-keyspace-events', 'KEA');
    expect(await sub.psubscribe('__keyevent@0__:*', 'news.*')).toBe(2);
    await pub.set('k', 'v');
    await pub.publish('news.tech', 'chip');
    await tick();
    expect(events).toEqual([
      ['__keyevent@0__:*', '__keyevent@0__:set', 'k'],
      ['__keyevent@0__:*', Buffer.from('__keyevent@0__:set'), Buffer.from('k')],
      ['news.*', 'news.tech', 'chip'],
      ['news.*', Buffer.from('news.tech'), Buffer.from('chip')],
    ]);
    expect(await sub.punsubscribe()).toBe(0);
    expect(sub.mode).toBe('normal');
  });

  it('ssubscribe gives smessage events', async () => {
    const sub = await connect();
    const pub = await connect({ engine: sub.engine });
    const events: unknown[] = [];
    sub.on('smessage', (channel, message) => events.push([channel, message]));
    expect(await sub.ssubscribe('shard')).toBe(1);
    expect(await pub.spublish('shard', 'm')).toBe(1);
    await tick();
    expect(events).toEqual([['shard', 'm']]);
    expect(await sub.sunsubscribe()).toBe(0);
  });

  it('a closed client drops its subscriptions', async () => {
    const sub = await connect();
    const pub = await connect({ engine: sub.engine });
    await sub.subscribe('ch');
    await sub.psubscribe('c*');
    expect(await pub.publish('ch', 'x')).toBe(2);
    sub.disconnect();
    expect(await pub.publish('ch', 'x')).toBe(0);
  });

  it('rejects SUBSCRIBE without channels as Redis does', async () => {
    const r = await connect();
    await expect(r.subscribe()).rejects.toThrow("ERR wrong number of arguments for 'subscribe' command");
  });
});

describe('blocking commands', () => {
  it('a blocked pop is served by another client; later commands of the client wait behind it', async () => {
    const r = await connect();
    const other = await connect({ engine: r.engine });
    const order: string[] = [];
    const popped = r.blpop('q', 0).then((v) => {
      order.push('blpop');
      return v;
    });
    const behind = r.get('flag').then((v) => {
      order.push('get');
      return v;
    });
    await other.set('flag', 'set-while-blocked');
    await tick();
    expect(order).toEqual([]);
    expect(await other.rpush('q', 'job')).toBe(1);
    expect(await popped).toEqual(['q', 'job']);
    expect(await behind).toBe('set-while-blocked');
    expect(order).toEqual(['blpop', 'get']);
    expect(await other.llen('q')).toBe(0);
  });

  it('answers at once when data is there, and times out with null', async () => {
    const clock = new ManualClock();
    const engine = new Engine({ clock, activeExpiry: false });
    const r = await connect({ engine });
    await r.rpush('q', 'a');
    expect(await r.brpop('q', 5)).toEqual(['q', 'a']);
    const waiting = r.blmove('none', 'dst', 'LEFT', 'RIGHT', 2);
    clock.advance(2001);
    engine.blocking.expireTimeouts();
    expect(await waiting).toBeNull();
    const zpop = r.bzpopmax('z', 0);
    await (await connect({ engine })).zadd('z', 1, 'one', 2, 'two');
    expect(await zpop).toEqual(['z', 'two', '2']);
  });

  it('disconnect rejects the blocked pop and what waits behind it, and takes nothing', async () => {
    const r = await connect();
    const other = await connect({ engine: r.engine });
    const popped = attempt(r.blpop('q', 0));
    const behind = attempt(r.get('k'));
    r.disconnect();
    expect(((await popped) as Error).message).toBe('Connection is closed.');
    expect(((await behind) as Error).message).toBe('Connection is closed.');
    expect(await other.rpush('q', 'job')).toBe(1);
    expect(await other.lrange('q', 0, -1)).toEqual(['job']);
  });
});

describe('defineCommand', () => {
  // The scripting commands, for this file's process, when the table does not have them yet.
  if (!COMMAND_TABLE.has('evalsha'))
    for (const [name, cmd] of buildTable(scriptingCommands)) COMMAND_TABLE.set(name, cmd);

  it('runs EVAL first, EVALSHA after, EVAL again after NOSCRIPT; in pipelines and transactions', async () => {
    const r = await connect({
      scripts: { bump: { numberOfKeys: 1, lua: "return redis.call('incrby', KEYS[1], ARGV[1])" } },
    });
    r.defineCommand('pair', { lua: 'return {KEYS[1], ARGV[1]}' });
    const c = r as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    expect(await c.bump('n', 5)).toBe(5);
    expect(await c.bump('n', 1)).toBe(6);
    expect(await c.pair(1, 'key', 'arg')).toEqual(['key', 'arg']);
    expect(await c.pairBuffer(1, 'key', 'arg')).toEqual([Buffer.from('key'), Buffer.from('arg')]);
    await r.call('script', 'flush');
    expect(await c.bump('n', 1)).toBe(7);
    type Chain = Record<string, (...args: unknown[]) => Chain> & { exec(): Promise<unknown> };
    expect(await (r.pipeline() as unknown as Chain).bump('n', 1).pair(1, 'x', 'y').exec()).toEqual([
      [null, 8],
      [null, ['x', 'y']],
    ]);
    expect(await (r.multi() as unknown as Chain).bump('n', 1).exec()).toEqual([[null, 9]]);
    const dup = r.duplicate();
    expect(await (dup as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>).bump('n', 1)).toBe(
      10,
    );
    dup.disconnect();
  });
});

process.on('beforeExit', () => {
  for (const c of clients) c.disconnect();
});
