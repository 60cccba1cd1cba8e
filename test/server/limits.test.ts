/**
 * The RESP server's limits, with Redis's defaults and texts (DESIGN.md §6).
 * Wherever redis-server's answer is deterministic, the same bytes go to a real
 * redis-server too and what each client receives (and whether it is closed)
 * must be identical.
 */
import { execFileSync } from 'node:child_process';
import diagnostics_channel from 'node:diagnostics_channel';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/engine/clock.js';
import { Engine } from '../../src/engine/engine.js';
import type { Connection } from '../../src/server/connection.js';
import { SERVER_CHANNEL, type ServerEvent } from '../../src/server/server.js';
import { encodeRequest, type RedisProcess, startRedis } from '../diff/harness.js';
import { RawClient, resp, type Started, startServer } from './helpers.js';

interface Outcome {
  received: string;
  closed: boolean;
}

/**
 * Sends the pieces (waiting `gapMs` between them), waits `settleMs` for the answer, and reports
 * what came back and whether the server closed the connection meanwhile.
 */
async function exchange(
  port: number,
  pieces: (string | Buffer)[],
  settleMs = 150,
  gapMs = 30,
): Promise<Outcome> {
  const c = await RawClient.connect(port);
  for (const [i, p] of pieces.entries()) {
    if (c.closed) break;
    if (i > 0) await sleep(gapMs);
    await c.write(p);
  }
  const deadline = Date.now() + settleMs;
  while (!c.closed && Date.now() < deadline) await sleep(10);
  const out = { received: c.received.toString('latin1'), closed: c.closed };
  c.close();
  return out;
}

/** The same exchange with Cachee and with redis-server; they must match. Returns Cachee's outcome. */
async function same(
  cachee: number,
  redis: number,
  pieces: (string | Buffer)[],
  settleMs = 150,
): Promise<Outcome> {
  const [ours, theirs] = await Promise.all([
    exchange(cachee, pieces, settleMs),
    exchange(redis, pieces, settleMs),
  ]);
  // HELLO's reply holds the connection id, which differs between servers.
  const norm = (o: Outcome) => ({
    ...o,
    received: o.received.replace(/(\$2\r\nid\r\n):\d+\r\n/g, '$1:0\r\n'),
  });
  expect(norm(ours)).toEqual(norm(theirs));
  return ours;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function waitFor(pred: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** Collects the server's diagnostics events while `fn` runs. */
async function events(fn: () => Promise<void>): Promise<ServerEvent[]> {
  const seen: ServerEvent[] = [];
  const listener = (e: unknown) => seen.push(e as ServerEvent);
  diagnostics_channel.subscribe(SERVER_CHANNEL, listener);
  try {
    await fn();
  } finally {
    diagnostics_channel.unsubscribe(SERVER_CHANNEL, listener);
  }
  return seen;
}

/** The server-side connection of the client connected last. */
function lastConnection(s: Started): Connection {
  return [...s.server.clients.values()].at(-1)!;
}

describe('request size limits, as redis-server', () => {
  let s: Started;
  let redis: RedisProcess;
  beforeAll(async () => {
    [s, redis] = await Promise.all([startServer(), startRedis()]);
  });
  afterAll(async () => {
    await Promise.all([s.stop(), redis.stop()]);
  });

  it('proto-max-bulk-len (512 MB): a longer bulk is a protocol error, the limit itself is accepted', async () => {
    const over = await same(s.port, redis.port, ['*2\r\n$4\r\nECHO\r\n$536870913\r\n']);
    expect(over).toEqual({ received: '-ERR Protocol error: invalid bulk length\r\n', closed: true });
    // Exactly 512 MB is fine: the server waits for the bytes (and allocates nothing ahead of them).
    const at = await same(s.port, redis.port, [`${resp('PING')}*2\r\n$4\r\nECHO\r\n$536870912\r\n`]);
    expect(at).toEqual({ received: '+PONG\r\n', closed: false });
    expect(s.server.clients.size).toBeLessThan(3);
  });

  it('proto-max-bulk-len set lower (server option and CONFIG SET)', async () => {
    const small = await startServer({ protoMaxBulkLen: 1024 * 1024 });
    const r = await startRedis(['--proto-max-bulk-len', '1mb']);
    try {
      await same(small.port, r.port, ['*2\r\n$4\r\nECHO\r\n$1048577\r\n']);
      const ok = await same(
        small.port,
        r.port,
        [encodeRequest(['ECHO', Buffer.alloc(1024 * 1024, 97)])],
        300,
      );
      expect(ok.received.length).toBe(1024 * 1024 + 12);
      // CONFIG SET applies to clients that connect afterwards.
      await same(small.port, r.port, [resp('CONFIG', 'SET', 'proto-max-bulk-len', '2mb')]);
      const after = await same(small.port, r.port, ['*2\r\n$4\r\nECHO\r\n$2000000\r\n', 'x'.repeat(1000)]);
      expect(after).toEqual({ received: '', closed: false });
      await same(small.port, r.port, ['*2\r\n$4\r\nECHO\r\n$2097153\r\n']);
    } finally {
      await Promise.all([small.stop(), r.stop()]);
    }
  });

  it('length lines and inline requests are limited to 64 KB (PROTO_INLINE_MAX_SIZE)', async () => {
    const big = '1'.repeat(64 * 1024 + 1);
    expect(await same(s.port, redis.port, [`*${big}`])).toEqual({
      received: '-ERR Protocol error: too big mbulk count string\r\n',
      closed: true,
    });
    expect(await same(s.port, redis.port, [`*1\r\n$${big}`])).toEqual({
      received: '-ERR Protocol error: too big bulk count string\r\n',
      closed: true,
    });
    expect(await same(s.port, redis.port, [`PING ${'a'.repeat(64 * 1024)}`])).toEqual({
      received: '-ERR Protocol error: too big inline request\r\n',
      closed: true,
    });
    // Exactly 64 KB pending is still fine; the line may then end.
    const at = await same(s.port, redis.port, ['x'.repeat(64 * 1024), '\r\nPING\r\n']);
    expect(at.received).toMatch(/^-ERR unknown command 'x{128}', with args beginning with: \r\n\+PONG\r\n$/);
  });

  it('client-query-buffer-limit: a partial request larger than the limit closes the client', async () => {
    const small = await startServer({ clientQueryBufferLimit: 1024 * 1024 });
    const r = await startRedis(['--client-query-buffer-limit', '1mb']);
    try {
      const logged = await events(async () => {
        // A 4 MB bulk announced, 2 MB of it sent: the pending request passes 1 MB.
        const out = await same(small.port, r.port, [
          `${resp('PING')}*2\r\n$4\r\nECHO\r\n$${4 * 1024 * 1024}\r\n`,
          Buffer.alloc(2 * 1024 * 1024, 120),
        ]);
        expect(out.closed).toBe(true);
      });
      expect(logged.some((e) => e.event === 'query-buffer-limit')).toBe(true);
      // Complete requests do not pile up: 3 MB of pipelined commands in one write are all served.
      const batch = Buffer.from(resp('SET', 'qb', 'v'.repeat(100)).repeat(20_000));
      expect(batch.length).toBeGreaterThan(2 * 1024 * 1024);
      const c = await RawClient.connect(small.port);
      await c.write(batch);
      await c.until(() => c.replyCount() >= 20_000 || c.closed, 10_000);
      expect(c.closed).toBe(false);
      expect(c.replyCount()).toBe(20_000);
      c.close();
    } finally {
      await Promise.all([small.stop(), r.stop()]);
    }
  });

  it('the default query buffer limit is 1 GB', async () => {
    expect(s.server.clientQueryBufferLimit).toBe(1024 * 1024 * 1024);
    const c = await RawClient.connect(s.port);
    // 8 MB of a 64 MB bulk: far from the limit, the client stays.
    await c.write(`*2\r\n$4\r\nECHO\r\n$${64 * 1024 * 1024}\r\n`);
    await c.write(Buffer.alloc(8 * 1024 * 1024, 120));
    await waitFor(() => lastConnection(s).connectionInfo().qbuf >= 8 * 1024 * 1024, 5000, 'qbuf');
    expect(c.closed).toBe(false);
    c.close();
  });
});

describe('unauthenticated clients (requirepass), as redis-server', () => {
  let s: Started;
  let redis: RedisProcess;
  beforeAll(async () => {
    [s, redis] = await Promise.all([startServer({ requirepass: 'pw' }), startRedis(['--requirepass', 'pw'])]);
  });
  afterAll(async () => {
    await Promise.all([s.stop(), redis.stop()]);
  });

  const args = (n: number) => Array.from({ length: n }, (_, i) => `a${i}`);

  it('at most 10 arguments and 16384-byte bulks before AUTH', async () => {
    // Ten elements counting the command name: refused by NOAUTH; eleven: a protocol error.
    expect(await same(s.port, redis.port, [resp('PING', ...args(9))])).toEqual({
      received: '-NOAUTH Authentication required.\r\n',
      closed: false,
    });
    expect(await same(s.port, redis.port, [resp('PING', ...args(10))])).toEqual({
      received: '-ERR Protocol error: unauthenticated multibulk length\r\n',
      closed: true,
    });
    expect(await same(s.port, redis.port, [resp('ECHO', 'x'.repeat(16384))])).toEqual({
      received: '-NOAUTH Authentication required.\r\n',
      closed: false,
    });
    expect(await same(s.port, redis.port, ['*2\r\n$4\r\nECHO\r\n$16385\r\n'])).toEqual({
      received: '-ERR Protocol error: unauthenticated bulk length\r\n',
      closed: true,
    });
    // Inline requests have no such limit: they are refused by NOAUTH.
    await same(s.port, redis.port, [`PING ${args(20).join(' ')}\r\n`]);
    await same(s.port, redis.port, [`ECHO ${'x'.repeat(20000)}\r\n`]);
  });

  it('lifts the limits once AUTH succeeds, within the same pipeline', async () => {
    const out = await same(s.port, redis.port, [
      resp('AUTH', 'wrong') +
        resp('AUTH', 'pw') +
        resp('PING', ...args(11)) +
        resp('ECHO', 'y'.repeat(20000)),
    ]);
    expect(out.closed).toBe(false);
    expect(out.received).toMatch(
      /^-WRONGPASS [^\r]*\r\n\+OK\r\n-ERR wrong number of arguments for 'ping' command\r\n\$20000\r\n/,
    );
    // HELLO AUTH authenticates too.
    await same(s.port, redis.port, [resp('HELLO', '2', 'AUTH', 'default', 'pw') + resp('PING', ...args(11))]);
  });
});

describe('maxclients', () => {
  it('answers the client over the limit as redis-server does, then closes it', async () => {
    const s = await startServer({ maxclients: 2 });
    const redis = await startRedis(['--maxclients', '2']);
    try {
      const held: RawClient[] = [];
      for (const port of [s.port, redis.port]) {
        for (let i = 0; i < 2; i++) {
          const c = await RawClient.connect(port);
          expect(await c.request(resp('PING'))).toEqual(['+PONG\r\n']);
          held.push(c);
        }
      }
      expect(await same(s.port, redis.port, [resp('PING')])).toEqual({
        received: '-ERR max number of clients reached\r\n',
        closed: true,
      });
      expect(s.server.stats.rejectedConnections).toBe(1);
      // INFO's rejected_connections, as Redis counts it.
      const info = await held[0].request(resp('INFO', 'stats'));
      expect(info[0]).toMatch(/rejected_connections:1\r\n/);
      // A slot frees up when a client leaves; CONFIG SET maxclients applies at once.
      held[0].close();
      await waitFor(() => s.server.clients.size < 2);
      const c = await RawClient.connect(s.port);
      expect(await c.request(resp('CONFIG', 'SET', 'maxclients', '3'))).toEqual(['+OK\r\n']);
      const d = await RawClient.connect(s.port);
      expect(await d.request(resp('PING'))).toEqual(['+PONG\r\n']);
      for (const x of [...held, c, d]) x.close();
    } finally {
      await Promise.all([s.stop(), redis.stop()]);
    }
  });
});

/** A raw subscriber that never reads: output piles up in the server. */
async function stalledSubscriber(port: number, channel: string): Promise<net.Socket> {
  const sub = net.connect(port, '127.0.0.1');
  sub.on('error', () => {});
  await new Promise((r) => sub.once('connect', r));
  const confirmed = new Promise((r) => sub.once('data', r));
  sub.write(resp('SUBSCRIBE', channel));
  await confirmed;
  sub.pause();
  return sub;
}

describe('client-output-buffer-limit', () => {
  it('pubsub: the default hard limit (32 MB) cuts off a subscriber that does not read', async () => {
    const s = await startServer();
    try {
      const sub = await stalledSubscriber(s.port, 'flood');
      const conn = lastConnection(s);
      const pub = await RawClient.connect(s.port);
      const message = resp('PUBLISH', 'flood', 'm'.repeat(64 * 1024));
      let published = 0;
      const logged = await events(async () => {
        // Published in batches of 1 MB; stop once the subscriber is gone.
        while (s.server.clients.has(conn.id) && published < 128 * 1024 * 1024) {
          await pub.request(message.repeat(16), 16);
          published += 16 * 64 * 1024;
          await sleep(1); // let the per-turn push flush (and its limit check) run
        }
      });
      expect(s.server.clients.has(conn.id)).toBe(false);
      // Cut off past 32 MB pending (plus what the kernel's socket buffers absorbed), not before.
      expect(published).toBeGreaterThanOrEqual(32 * 1024 * 1024);
      expect(published).toBeLessThan(96 * 1024 * 1024);
      const cut = logged.find((e) => e.event === 'output-buffer-limit');
      expect(cut?.omem).toBeGreaterThanOrEqual(32 * 1024 * 1024);
      // The publisher is unaffected.
      expect(await pub.request(resp('PING'))).toEqual(['+PONG\r\n']);
      sub.destroy();
      pub.close();
    } finally {
      await s.stop();
    }
  });

  it('pubsub: small hard and soft limits set by CONFIG SET; the soft one only after its seconds', async () => {
    const clock = new ManualClock();
    const s = await startServer({}, new Engine({ clock, activeExpiry: false }));
    try {
      const admin = await RawClient.connect(s.port);
      expect(
        await admin.request(resp('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 0 256kb 5')),
      ).toEqual(['+OK\r\n']);
      const sub = await stalledSubscriber(s.port, 'soft');
      const conn = lastConnection(s);
      const message = resp('PUBLISH', 'soft', 's'.repeat(32 * 1024));
      // Fill until the server holds more than the soft limit.
      while (conn.connectionInfo().omem < 300 * 1024) {
        await admin.request(message.repeat(8), 8);
        await sleep(1);
        expect(s.server.clients.has(conn.id)).toBe(true);
      }
      // Over the soft limit, but not for 5 seconds yet: still connected after more messages.
      clock.advance(4000);
      await admin.request(message, 1);
      await sleep(20);
      expect(s.server.clients.has(conn.id)).toBe(true);
      clock.advance(2000);
      await admin.request(message, 1);
      await waitFor(() => !s.server.clients.has(conn.id), 2000, 'soft limit disconnect');
      sub.destroy();

      // A hard limit of 1 MB.
      await admin.request(resp('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 1mb 0 0'));
      const sub2 = await stalledSubscriber(s.port, 'hard');
      const conn2 = lastConnection(s);
      const hard = resp('PUBLISH', 'hard', 'h'.repeat(64 * 1024));
      for (let i = 0; i < 400 && s.server.clients.has(conn2.id); i++) {
        await admin.request(hard.repeat(4), 4);
        await sleep(1);
      }
      expect(s.server.clients.has(conn2.id)).toBe(false);
      sub2.destroy();
      admin.close();
    } finally {
      await s.stop();
    }
  });

  it('pubsub: a subscriber that reads is never cut off', async () => {
    const s = await startServer();
    try {
      const admin = await RawClient.connect(s.port);
      await admin.request(resp('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 1mb 0 0'));
      const sub = await RawClient.connect(s.port);
      await sub.request(resp('SUBSCRIBE', 'reader'));
      const message = resp('PUBLISH', 'reader', 'r'.repeat(16 * 1024));
      for (let i = 0; i < 20; i++) await admin.request(message.repeat(16), 16);
      await sub.until(() => sub.replyCount() >= 1 + 320, 10_000);
      expect(sub.closed).toBe(false);
      sub.close();
      admin.close();
    } finally {
      await s.stop();
    }
  });

  it('normal: unlimited by default (0 0 0), and bounded by backpressure instead', async () => {
    const s = await startServer();
    try {
      const setter = await RawClient.connect(s.port);
      await setter.request(resp('SET', 'big', 'b'.repeat(1024 * 1024)));
      const reader = net.connect(s.port, '127.0.0.1');
      await new Promise((r) => reader.once('connect', r));
      reader.pause();
      const conn = lastConnection(s);
      // 64 MB of replies requested; the server stops reading requests instead of buffering them all.
      reader.write(resp('GET', 'big').repeat(64));
      await sleep(300);
      expect(s.server.clients.has(conn.id)).toBe(true);
      expect(conn.connectionInfo().omem).toBeLessThan(16 * 1024 * 1024);
      let received = 0;
      await new Promise<void>((resolve) => {
        reader.on('data', (d: Buffer) => {
          received += d.length;
          if (received >= 64 * (1024 * 1024 + 12)) resolve();
        });
        reader.resume();
      });
      expect(received).toBe(64 * (1024 * 1024 + 12));
      reader.destroy();
      setter.close();
    } finally {
      await s.stop();
    }
  });

  it('normal: a hard limit closes the client before any of the reply goes out, as redis-server', async () => {
    const s = await startServer();
    const redis = await startRedis();
    try {
      const setup =
        resp('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 1mb 0 0') +
        resp('SET', 'big', 'x'.repeat(2 * 1024 * 1024));
      await same(s.port, redis.port, [setup], 300);
      const out = await same(s.port, redis.port, [`PING\r\n${resp('GET', 'big')}PING\r\n`], 300);
      expect(out).toEqual({ received: '', closed: true });
      // Small replies are unaffected.
      await same(s.port, redis.port, [resp('STRLEN', 'big') + resp('GETRANGE', 'big', '0', '9')]);
    } finally {
      await Promise.all([s.stop(), redis.stop()]);
    }
  });
});

describe('timeout', () => {
  it('closes idle clients after `timeout` seconds, but not subscribed or blocked ones', async () => {
    const clock = new ManualClock();
    const s = await startServer({ timeout: 10 }, new Engine({ clock, activeExpiry: false }));
    try {
      const idle = await RawClient.connect(s.port);
      const active = await RawClient.connect(s.port);
      const sub = await RawClient.connect(s.port);
      const blocked = await RawClient.connect(s.port);
      expect(await idle.request(resp('PING'))).toEqual(['+PONG\r\n']);
      await sub.request(resp('SUBSCRIBE', 'ch'));
      await blocked.write(resp('BLPOP', 'never', '0'));
      await waitFor(() => s.engine.blocking.isBlocked([...s.server.clients.values()].at(-1)!));
      clock.advance(9_000);
      await sleep(1200); // the check runs once a second
      expect(idle.closed).toBe(false);
      clock.advance(2_000);
      expect(await active.request(resp('PING'))).toEqual(['+PONG\r\n']);
      await idle.until(() => idle.closed, 3000);
      await sleep(1200);
      expect(active.closed).toBe(false);
      expect(sub.closed).toBe(false);
      expect(blocked.closed).toBe(false);
      expect(idle.received.toString()).toBe('+PONG\r\n');
      // CONFIG SET timeout 0 turns it off.
      expect(await active.request(resp('CONFIG', 'SET', 'timeout', '0'))).toEqual(['+OK\r\n']);
      clock.advance(3_600_000);
      await sleep(1200);
      expect(active.closed).toBe(false);
      for (const c of [active, sub, blocked]) c.close();
    } finally {
      await s.stop();
    }
  });

  it('is off by default', async () => {
    const s = await startServer();
    expect(s.server.settings.timeout).toBe(0);
    await s.stop();
  });
});

/** The kernel's view of the server side of connections on `port` (ss -o shows keepalive timers). */
function serverSockets(port: number): string | null {
  try {
    return execFileSync('ss', ['-tnoH', 'state', 'established', `( sport = :${port} )`], {
      encoding: 'utf8',
    });
  } catch {
    return null;
  }
}

describe('tcp-keepalive', () => {
  it('turns TCP keepalive on with a 300 s idle time by default, off with 0', async (ctx) => {
    if (serverSockets(1) === null) {
      ctx.skip('`ss` (iproute2) is not installed');
      return;
    }
    const on = await startServer();
    const off = await startServer({ tcpKeepalive: 0 });
    try {
      const a = await RawClient.connect(on.port);
      const b = await RawClient.connect(off.port);
      await a.request(resp('PING'));
      await b.request(resp('PING'));
      const withKeepalive = serverSockets(on.port)!;
      expect(withKeepalive).toMatch(/timer:\(keepalive,(4min5\dsec|5min),0\)/);
      const without = serverSockets(off.port)!;
      expect(without.trim()).not.toBe('');
      expect(without).not.toMatch(/keepalive/);
      const [cfg] = await a.request(resp('CONFIG', 'GET', 'tcp-keepalive'));
      expect(cfg).toBe('*2\r\n$13\r\ntcp-keepalive\r\n$3\r\n300\r\n');
      a.close();
      b.close();
    } finally {
      await Promise.all([on.stop(), off.stop()]);
    }
  });
});

describe('protected mode', () => {
  /** Connects from another loopback address (127.0.0.2): not "local" to Redis 7.0, which only trusts 127.0.0.1 and ::1. */
  async function fromOtherAddress(port: number, input: string): Promise<Outcome> {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress: '127.0.0.2' });
    socket.on('error', () => {});
    let received = '';
    let closed = false;
    socket.on('data', (d: Buffer) => {
      received += d.toString('latin1');
    });
    socket.on('close', () => {
      closed = true;
    });
    await new Promise((r) => socket.once('connect', r));
    socket.write(input);
    const deadline = Date.now() + 300;
    while (!closed && Date.now() < deadline) await sleep(10);
    socket.destroy();
    return { received, closed };
  }

  it('refuses clients from other addresses when no password is set, byte for byte as redis-server', async () => {
    const s = await startServer();
    const redis = await startRedis();
    try {
      const [ours, theirs] = await Promise.all([
        fromOtherAddress(s.port, 'PING\r\n'),
        fromOtherAddress(redis.port, 'PING\r\n'),
      ]);
      expect(ours).toEqual(theirs);
      expect(ours.closed).toBe(true);
      expect(ours.received).toMatch(
        /^-DENIED Redis is running in protected mode because protected mode is enabled/,
      );
      expect(s.server.stats.rejectedConnections).toBe(1);
      // 127.0.0.1 itself is served.
      expect((await exchange(s.port, ['PING\r\n'])).received).toBe('+PONG\r\n');
    } finally {
      await Promise.all([s.stop(), redis.stop()]);
    }
  });

  it('lets them in with a password (then AUTH applies) or with protected-mode off', async () => {
    const locked = await startServer({ requirepass: 'pw' });
    const lockedRedis = await startRedis(['--requirepass', 'pw']);
    const open = await startServer({ protectedMode: false });
    try {
      const [ours, theirs] = await Promise.all([
        fromOtherAddress(locked.port, 'PING\r\n'),
        fromOtherAddress(lockedRedis.port, 'PING\r\n'),
      ]);
      expect(ours).toEqual(theirs);
      expect(ours).toEqual({ received: '-NOAUTH Authentication required.\r\n', closed: false });
      expect(await fromOtherAddress(open.port, 'PING\r\n')).toEqual({ received: '+PONG\r\n', closed: false });
      // CONFIG SET protected-mode yes applies to the next connection.
      const admin = await RawClient.connect(open.port);
      expect(await admin.request(resp('CONFIG', 'SET', 'protected-mode', 'yes'))).toEqual(['+OK\r\n']);
      expect((await fromOtherAddress(open.port, 'PING\r\n')).received).toMatch(/^-DENIED/);
      admin.close();
    } finally {
      await Promise.all([locked.stop(), lockedRedis.stop(), open.stop()]);
    }
  });
});
