/**
 * ioredis 5 (RESP2) against Cachee's RESP server: the connect handshake
 * (INFO ready check, CLIENT SETINFO, SELECT, CLIENT SETNAME), pipelines,
 * MULTI/EXEC, pub/sub across two clients, Lua via defineCommand (when the
 * scripting commands are in the table), scanStream and binary values.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_TABLE } from '../../src/commands/registry.js';
import { type Started, startServer } from '../server/helpers.js';

let s: Started;
const clients: Redis[] = [];

beforeAll(async () => {
  s = await startServer();
});
afterAll(async () => {
  for (const c of clients) c.disconnect();
  await s.stop();
});

/** A connected client; the handshake must finish quickly (a missing reply would stall it). */
async function connect(options: RedisOptions = {}): Promise<Redis> {
  const client = new Redis({
    port: s.port,
    host: '127.0.0.1',
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    ...options,
  });
  clients.push(client);
  await withTimeout(client.connect(), 3000, 'ioredis handshake');
  expect(client.status).toBe('ready');
  return client;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} stalled for ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

describe('ioredis 5 (RESP2)', () => {
  it('connects with a ready check, CLIENT SETINFO, SELECT and a connection name', async () => {
    const before = s.server.stats.commandsProcessed;
    const c = await connect({ db: 3, connectionName: 'io-worker', enableReadyCheck: true });
    // INFO, CLIENT SETINFO x2, SELECT, CLIENT SETNAME at least.
    expect(s.server.stats.commandsProcessed - before).toBeGreaterThanOrEqual(4);
    expect(await c.client('GETNAME')).toBe('io-worker');
    const info = (await c.client('INFO')) as string;
    expect(info).toMatch(/ db=3 /);
    expect(info).toMatch(/ name=io-worker /);
    await c.set('in-db3', 'x');
    const other = await connect();
    expect(await other.exists('in-db3')).toBe(0);
    expect(await other.select(3)).toBe('OK');
    expect(await other.get('in-db3')).toBe('x');
  });

  it('reconnects after the server closes the connection', async () => {
    const c = new Redis({ port: s.port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => 20 });
    clients.push(c);
    await c.connect();
    const id = (await c.client('ID')) as number;
    await (await connect()).client('KILL', 'ID', String(id));
    await withTimeout(new Promise((r) => c.once('ready', r)), 3000, 'reconnect');
    expect(await c.ping()).toBe('PONG');
  });

  it('runs pipelines, with per-command errors in place', async () => {
    const c = await connect();
    const res = await c
      .pipeline()
      .set('p:a', '1')
      .incr('p:a')
      .incrby('p:a', 10)
      .lpush('p:l', 'x', 'y')
      .lrange('p:l', 0, -1)
      .hset('p:h', 'f', 'v', 'g', 'w')
      .hgetall('p:h')
      .zadd('p:z', 1, 'one', 2, 'two')
      .zrange('p:z', 0, -1, 'WITHSCORES')
      .call('nosuchcommand')
      .get('p:l')
      .exec();
    expect(res).not.toBeNull();
    const values = res!.map(([err, v]) => (err ? err.message : v));
    expect(values).toEqual([
      'OK',
      2,
      12,
      2,
      ['y', 'x'],
      2,
      { f: 'v', g: 'w' },
      2,
      ['one', '1', 'two', '2'],
      "ERR unknown command 'nosuchcommand', with args beginning with: ",
      'WRONGTYPE Operation against a key holding the wrong kind of value',
    ]);
    // A large pipeline: every command answered, in order.
    const big = c.pipeline();
    for (let i = 0; i < 5000; i++) big.set(`p:k${i}`, `v${i}`);
    for (let i = 0; i < 5000; i++) big.get(`p:k${i}`);
    const out = await big.exec();
    expect(out!.slice(5000).map(([, v]) => v)).toEqual(Array.from({ length: 5000 }, (_, i) => `v${i}`));
  });

  it('runs MULTI/EXEC transactions, WATCH aborts and EXECABORT', async () => {
    const c = await connect();
    const res = await c.multi().set('t:a', '5').incr('t:a').get('t:a').exec();
    expect(res).toEqual([
      [null, 'OK'],
      [null, 6],
      [null, '6'],
    ]);
    // WATCH: a write by another client aborts EXEC (null).
    const other = await connect();
    await c.watch('t:a');
    await other.set('t:a', '100');
    expect(await c.multi().incr('t:a').exec()).toBeNull();
    expect(await c.get('t:a')).toBe('100');
    // A queued command with the wrong arity dooms the transaction.
    await expect(c.multi().set('t:b', '1').call('get').exec()).rejects.toThrow(/EXECABORT/);
    expect(await c.exists('t:b')).toBe(0);
    // A runtime error inside EXEC is returned in place; the rest still runs.
    const mixed = await c.multi().set('t:s', 'str').lpush('t:s', 'x').get('t:s').exec();
    expect(mixed![0]).toEqual([null, 'OK']);
    expect(mixed![1][0]?.message).toMatch(/^WRONGTYPE/);
    expect(mixed![2]).toEqual([null, 'str']);
  });

  it('delivers pub/sub messages between two clients (channels, patterns, buffers)', async () => {
    const sub = await connect();
    const pub = await connect();
    const got: string[] = [];
    sub.on('message', (ch: string, msg: string) => got.push(`m ${ch} ${msg}`));
    sub.on('pmessage', (pat: string, ch: string, msg: string) => got.push(`p ${pat} ${ch} ${msg}`));
    const binary: Buffer[] = [];
    sub.on('messageBuffer', (_ch: Buffer, msg: Buffer) => binary.push(msg));
    expect(await sub.subscribe('news', 'bin')).toBe(2);
    expect(await sub.psubscribe('ne*')).toBe(3);
    // ioredis itself refuses other commands in subscriber mode.
    await expect(sub.get('x')).rejects.toThrow(/subscriber mode/);
    expect(await pub.publish('news', 'hello')).toBe(2);
    expect(await pub.publish('nothing', 'x')).toBe(0);
    const raw = Buffer.from([0xff, 0x00, 0x80, 0x0d, 0x0a]);
    expect(await pub.publish('bin', raw)).toBe(1);
    expect(await pub.pubsub('NUMSUB', 'news', 'bin')).toEqual(['news', 1, 'bin', 1]);
    await withTimeout(
      (async () => {
        while (got.length < 3) await new Promise((r) => setTimeout(r, 5));
      })(),
      3000,
      'pub/sub delivery',
    );
    expect(got.sort()).toEqual(['m bin \ufffd\u0000\ufffd\r\n', 'm news hello', 'p ne* news hello']);
    expect(binary.at(-1)).toEqual(raw);
    // (ioredis resolves an argument-less UNSUBSCRIBE only once the count reaches 0, so name them.)
    expect(await sub.unsubscribe('news', 'bin')).toBe(1);
    expect(await sub.punsubscribe('ne*')).toBe(0);
    expect(await sub.get('x')).toBeNull();
  });

  it('runs Lua scripts through defineCommand (EVALSHA, falling back to EVAL)', async (ctx) => {
    if (!COMMAND_TABLE.has('eval') || !COMMAND_TABLE.has('evalsha')) {
      ctx.skip('EVAL/EVALSHA are not in the command table yet (scripting not registered)');
      return;
    }
    const c = await connect();
    c.defineCommand('incrCapped', {
      numberOfKeys: 1,
      lua: `local v = redis.call('INCR', KEYS[1])
if v > tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) return tonumber(ARGV[1]) end
return v`,
    });
    const incrCapped = (
      c as unknown as { incrCapped(k: string, cap: number): Promise<number> }
    ).incrCapped.bind(c);
    expect(await incrCapped('lua:n', 2)).toBe(1);
    expect(await incrCapped('lua:n', 2)).toBe(2);
    expect(await incrCapped('lua:n', 2)).toBe(2);
    expect(await c.get('lua:n')).toBe('2');
    // In a pipeline too (ioredis sends EVALSHA, then EVAL on NOSCRIPT).
    const res = await (
      c.pipeline() as unknown as { incrCapped(k: string, cap: number): { exec(): Promise<unknown> } }
    )
      .incrCapped('lua:m', 5)
      .exec();
    expect(res).toEqual([[null, 1]]);
    await expect(c.eval('return redis.call("NOSUCH")', 0)).rejects.toThrow(/Unknown Redis command/i);
  });

  it('iterates with scanStream (MATCH, COUNT) and hscanStream', async () => {
    const c = await connect({ db: 5 });
    await c.flushdb();
    const p = c.pipeline();
    for (let i = 0; i < 1200; i++) p.set(`scan:${i}`, '1');
    for (let i = 0; i < 300; i++) p.set(`other:${i}`, '1');
    for (let i = 0; i < 400; i++) p.hset('scan-hash', `f${i}`, `v${i}`);
    await p.exec();
    const keys = new Set<string>();
    await new Promise<void>((resolve, reject) => {
      const stream = c.scanStream({ match: 'scan:*', count: 100 });
      stream.on('data', (batch: string[]) => {
        for (const k of batch) keys.add(k);
      });
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    expect(keys.size).toBe(1200);
    expect([...keys].every((k) => k.startsWith('scan:'))).toBe(true);
    const fields = new Map<string, string>();
    await new Promise<void>((resolve, reject) => {
      const stream = c.hscanStream('scan-hash', { count: 50 });
      stream.on('data', (batch: string[]) => {
        for (let i = 0; i < batch.length; i += 2) fields.set(batch[i], batch[i + 1]);
      });
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    expect(fields.size).toBe(400);
    expect(fields.get('f7')).toBe('v7');
  });

  it('round-trips Buffer keys and values byte for byte', async () => {
    const c = await connect();
    const key = Buffer.from([0x6b, 0xff, 0xfe, 0x00]);
    const value = Buffer.alloc(70_000);
    for (let i = 0; i < value.length; i++) value[i] = (i * 131) & 0xff;
    expect(await c.set(key, value)).toBe('OK');
    expect(await c.getBuffer(key)).toEqual(value);
    expect(await c.strlen(key)).toBe(value.length);
    const text = 'héllo ✓ \u{1f600}';
    await c.set('utf8', text);
    expect(await c.get('utf8')).toBe(text);
    expect(await c.strlen('utf8')).toBe(Buffer.byteLength(text));
    await c.hset('bin-hash', Buffer.from([0xc3]), Buffer.from([0x28, 0xa1]));
    const all = await c.hgetallBuffer('bin-hash');
    expect(all).toEqual({ [Buffer.from([0xc3]).toString()]: Buffer.from([0x28, 0xa1]) });
    await c.rpush('bin-list', Buffer.from([0]), Buffer.from([0xff]), Buffer.from('\r\n'));
    expect(await c.lrangeBuffer('bin-list', 0, -1)).toEqual([
      Buffer.from([0]),
      Buffer.from([0xff]),
      Buffer.from('\r\n'),
    ]);
    await c.del(key, 'utf8', 'bin-hash', 'bin-list');
  });

  it('handles many concurrent clients at once', async () => {
    const many = await Promise.all(Array.from({ length: 20 }, () => connect()));
    const results = await Promise.all(
      many.map(async (c, i) => {
        for (let j = 0; j < 50; j++) await c.incr(`conc:${i % 5}`);
        return c.get(`conc:${i % 5}`);
      }),
    );
    expect(results.every((r) => Number(r) <= 200)).toBe(true);
    const totals = await many[0].mget('conc:0', 'conc:1', 'conc:2', 'conc:3', 'conc:4');
    expect(totals).toEqual(['200', '200', '200', '200', '200']);
    for (const c of many) c.disconnect();
  });
});
