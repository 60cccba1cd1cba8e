import net from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { CacheeServer } from '../../src/server/server.js';
import { RawClient, resp, run, type Started, startServer } from './helpers.js';

describe('CacheeServer lifecycle', () => {
  it('listens on an ephemeral port, reports its address, and closes its clients', async () => {
    const engine = new Engine();
    const server = new CacheeServer(engine, { port: 0 });
    expect(server.address).toBeNull();
    const addr = await server.listen();
    expect(addr.port).toBeGreaterThan(0);
    expect(addr.host).toBe('127.0.0.1');
    expect(server.address).toEqual(addr);
    const c = await RawClient.connect(addr.port);
    expect(await c.request(resp('PING'))).toEqual(['+PONG\r\n']);
    expect(server.clients.size).toBe(1);
    await server.close();
    await c.until(() => c.closed);
    expect(server.address).toBeNull();
    engine.close();
  });

  it('rejects listen() when the port is taken', async () => {
    const a = await startServer();
    const b = new CacheeServer(new Engine({ activeExpiry: false }), { port: a.port });
    await expect(b.listen()).rejects.toThrow(/EADDRINUSE/);
    await a.stop();
  });
});

describe('RESP server', () => {
  let s: Started;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(async () => {
    await s.stop();
  });

  it('serves ioredis, with pipelining and RESP2 values', async () => {
    const client = new Redis({ port: s.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
    await client.connect();
    try {
      expect(await client.ping()).toBe('PONG');
      expect(await client.set('io:k', 'v1')).toBe('OK');
      expect(await client.get('io:k')).toBe('v1');
      const results = await client.pipeline().set('io:a', '1').incr('io:a').get('io:a').echo('x').exec();
      expect(results).toEqual([
        [null, 'OK'],
        [null, 2],
        [null, '2'],
        [null, 'x'],
      ]);
      // Many commands in flight at once: every one gets its own reply, in order.
      const many = await Promise.all(Array.from({ length: 500 }, (_, i) => client.echo(`m${i}`)));
      expect(many).toEqual(Array.from({ length: 500 }, (_, i) => `m${i}`));
      await expect(client.call('nosuchcommand')).rejects.toThrow(/unknown command/);
      expect(await client.client('SETNAME', 'worker-1')).toBe('OK');
      const list = (await client.client('LIST')) as string;
      expect(list).toMatch(/ name=worker-1 /);
      const info = await client.info('server');
      expect(info).toContain('redis_version:7.0.15');
    } finally {
      client.disconnect();
    }
  });

  it('answers redis-cli: PING, SET/GET, INFO, --pipe', async () => {
    const p = String(s.port);
    expect((await run('redis-cli', ['-p', p, 'PING'])).trim()).toBe('PONG');
    expect((await run('redis-cli', ['-p', p, 'SET', 'cli:k', 'hello world'])).trim()).toBe('OK');
    expect((await run('redis-cli', ['-p', p, 'GET', 'cli:k'])).trim()).toBe('hello world');
    const info = await run('redis-cli', ['-p', p, 'INFO']);
    expect(info).toMatch(/# Server/);
    expect(info).toMatch(/redis_version:7\.0\.15/);
    expect(info).toMatch(/connected_clients:\d+/);
    const input = `${resp('SET', 'pipe:1', 'a')}${resp('SET', 'pipe:2', 'b')}${resp('GET', 'pipe:1')}${resp('DEL', 'pipe:1', 'pipe:2')}`;
    const out = await run('redis-cli', ['-p', p, '--pipe'], input);
    expect(out).toMatch(/errors: 0, replies: 4/);
    expect((await run('redis-cli', ['-p', p, 'EXISTS', 'pipe:2'])).trim()).toBe('0');
  });

  it('completes redis-benchmark', async () => {
    const out = await run('redis-benchmark', [
      '-p',
      String(s.port),
      '-t',
      'ping,get,set',
      '-n',
      '2000',
      '-q',
    ]);
    expect(out).toMatch(/PING_INLINE: .*requests per second/);
    expect(out).toMatch(/GET: .*requests per second/);
    expect(out).toMatch(/SET: .*requests per second/);
    const piped = await run('redis-benchmark', [
      '-p',
      String(s.port),
      '-t',
      'get,set',
      '-n',
      '2000',
      '-P',
      '16',
      '-q',
    ]);
    expect(piped).toMatch(/SET: .*requests per second/);
  });

  it('returns the same replies however a pipeline is split into reads', async () => {
    const pipeline = Buffer.from(
      resp('SET', 'split:k', 'v') +
        resp('GET', 'split:k') +
        'PING\r\n' +
        resp('ECHO', 'a\r\nb') +
        'ECHO "quoted arg"\r\n' +
        resp('GET', 'split:missing') +
        resp('INCR', 'split:n') +
        resp('NOSUCH') +
        '\r\n' +
        resp('DEL', 'split:k', 'split:n'),
    );
    const expected = 9;
    const ref = await RawClient.connect(s.port);
    const reference = await ref.request(pipeline, expected);
    ref.close();
    expect(reference).toHaveLength(expected);
    for (let cut = 1; cut < pipeline.length; cut++) {
      const c = await RawClient.connect(s.port);
      await c.write(pipeline.subarray(0, cut));
      await new Promise((r) => setTimeout(r, 1));
      await c.write(pipeline.subarray(cut));
      await c.until(() => c.replyCount() >= expected);
      expect(c.replies(), `cut at ${cut}`).toEqual(reference);
      c.close();
    }
  });

  it('handles a pipeline arriving one byte per read', async () => {
    const pipeline = Buffer.from(`${resp('SET', 'byte:k', 'xyz') + resp('GET', 'byte:k')}PING\r\n`);
    const c = await RawClient.connect(s.port);
    for (const b of pipeline) {
      await c.write(Buffer.from([b]));
      await new Promise((r) => setImmediate(r));
    }
    await c.until(() => c.replyCount() >= 3);
    expect(c.replies()).toEqual(['+OK\r\n', '$3\r\nxyz\r\n', '+PONG\r\n']);
    c.close();
  });

  it('writes all replies of one read in a single socket write', async () => {
    const c = await RawClient.connect(s.port);
    const writesBefore = s.server.stats.writesProcessed;
    const n = 200;
    let batch = '';
    for (let i = 0; i < n; i++) batch += resp('ECHO', `v${i}`);
    const replies = await c.request(batch, n);
    expect(replies).toHaveLength(n);
    // The batch may arrive in a few reads, never one write per command.
    expect(s.server.stats.writesProcessed - writesBefore).toBeLessThan(5);
    c.close();
  });

  it('replies to a protocol error, then closes the connection', async () => {
    const c = await RawClient.connect(s.port);
    await c.write(`${resp('PING')}*1\r\n$x\r\n${resp('PING')}`);
    await c.until(() => c.closed);
    expect(c.received.toString()).toBe('+PONG\r\n-ERR Protocol error: invalid bulk length\r\n');
    const d = await RawClient.connect(s.port);
    await d.write('*abc\r\n');
    await d.until(() => d.closed);
    expect(d.received.toString()).toBe('-ERR Protocol error: invalid multibulk length\r\n');
  });

  it('applies the unauthenticated limits only before AUTH', async () => {
    const locked = await startServer({ requirepass: 'pw' });
    const c = await RawClient.connect(locked.port);
    await c.write(resp('PING', ...Array.from({ length: 11 }, (_, i) => `a${i}`)));
    await c.until(() => c.closed);
    expect(c.received.toString()).toBe('-ERR Protocol error: unauthenticated multibulk length\r\n');
    const d = await RawClient.connect(locked.port);
    expect(await d.request(resp('AUTH', 'pw'))).toEqual(['+OK\r\n']);
    const r = await d.request(resp('ECHO', 'x'.repeat(20000)));
    expect(r[0].length).toBe(20000 + 10);
    d.close();
    await locked.stop();
  });

  it('QUIT replies OK and closes, ignoring what follows', async () => {
    const c = await RawClient.connect(s.port);
    await c.write(`${resp('PING')}${resp('QUIT')}${resp('PING')}`);
    await c.until(() => c.closed);
    expect(c.received.toString()).toBe('+PONG\r\n+OK\r\n');
  });

  it('tracks clients: CLIENT ID, LIST, KILL', async () => {
    const a = await RawClient.connect(s.port);
    const b = await RawClient.connect(s.port);
    const idA = Number((await a.request(resp('CLIENT', 'ID')))[0].slice(1, -2));
    const idB = Number((await b.request(resp('CLIENT', 'ID')))[0].slice(1, -2));
    expect(idB).toBeGreaterThan(idA);
    await b.request(resp('CLIENT', 'SETNAME', 'bee'));
    const [list] = await a.request(resp('CLIENT', 'LIST'));
    const lines = list.split('\r\n')[1].trim().split('\n');
    const lineB = lines.find((l) => l.startsWith(`id=${idB} `));
    expect(lineB).toMatch(
      /^id=\d+ addr=127\.0\.0\.1:\d+ laddr=127\.0\.0\.1:\d+ fd=-?\d+ name=bee age=\d+ idle=\d+ flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=\d+ qbuf-free=\d+ argv-mem=0 multi-mem=0 rbs=\d+ rbp=\d+ obl=0 oll=\d+ omem=\d+ tot-mem=\d+ events=r cmd=client\|setname user=default redir=-1 resp=2$/,
    );
    const [only] = await a.request(resp('CLIENT', 'LIST', 'ID', String(idB), '999999'));
    expect(only).toMatch(new RegExp(`^\\$\\d+\\r\\nid=${idB} [^\\n]*\\n\\r\\n$`));
    const addrB = /addr=(\S+)/.exec(lineB!)![1];
    expect(await a.request(resp('CLIENT', 'KILL', 'ID', String(idB)))).toEqual([':1\r\n']);
    await b.until(() => b.closed);
    expect(await a.request(resp('CLIENT', 'KILL', addrB))).toEqual(['-ERR No such client\r\n']);
    // SKIPME defaults to yes; the old form may kill the caller itself (after its reply).
    const [own] = await a.request(resp('CLIENT', 'INFO'));
    const addrA = /addr=(\S+)/.exec(own)![1];
    expect(await a.request(resp('CLIENT', 'KILL', 'ADDR', addrA))).toEqual([':0\r\n']);
    expect(await a.request(resp('CLIENT', 'KILL', addrA))).toEqual(['+OK\r\n']);
    await a.until(() => a.closed);
  });

  it('honours CLIENT REPLY OFF / ON / SKIP', async () => {
    const c = await RawClient.connect(s.port);
    await c.write(
      resp('CLIENT', 'REPLY', 'OFF') +
        resp('ECHO', 'hidden') +
        resp('NOSUCH') +
        resp('CLIENT', 'REPLY', 'ON') +
        resp('ECHO', 'shown') +
        resp('CLIENT', 'REPLY', 'SKIP') +
        resp('ECHO', 'skipped') +
        resp('ECHO', 'last'),
    );
    await c.until(() => c.replyCount() >= 3);
    await new Promise((r) => setTimeout(r, 50));
    expect(c.replies()).toEqual(['+OK\r\n', '$5\r\nshown\r\n', '$4\r\nlast\r\n']);
    c.close();
  });

  it('keeps INFO counters', async () => {
    const c = await RawClient.connect(s.port);
    const before = { ...s.server.stats };
    await c.request(resp('PING') + resp('NOSUCH') + resp('GET'), 3);
    const [info] = await c.request(resp('INFO', 'stats', 'clients', 'errorstats'));
    expect(s.server.stats.commandsProcessed - before.commandsProcessed).toBe(4);
    const text = info.slice(info.indexOf('\r\n') + 2);
    expect(text).toMatch(/^# Clients\r\nconnected_clients:\d+\r\n/);
    expect(text).toMatch(/\r\n\r\n# Stats\r\ntotal_connections_received:\d+\r\n/);
    expect(text).toMatch(/total_commands_processed:\d+\r\n/);
    expect(text).toMatch(/\r\n# Errorstats\r\nerrorstat_ERR:count=\d+\r\n/);
    expect(text).toMatch(/total_error_replies:\d+/);
    c.close();
  });

  it('never crashes on socket errors or abrupt disconnects', async () => {
    for (let i = 0; i < 20; i++) {
      const c = await RawClient.connect(s.port);
      c.socket.write(`${resp('SET', 'abrupt', 'x'.repeat(10000))}${resp('GET', 'abrupt')}`);
      c.socket.resetAndDestroy();
    }
    const c = await RawClient.connect(s.port);
    expect(await c.request(resp('PING'))).toEqual(['+PONG\r\n']);
    c.close();
  });
});

describe('limits', () => {
  it('answers clients beyond maxclients with an error and closes them', async () => {
    const s = await startServer({ maxclients: 2 });
    const a = await RawClient.connect(s.port);
    const b = await RawClient.connect(s.port);
    expect(await a.request(resp('PING'))).toEqual(['+PONG\r\n']);
    expect(await b.request(resp('PING'))).toEqual(['+PONG\r\n']);
    const c = await RawClient.connect(s.port);
    await c.until(() => c.closed);
    expect(c.received.toString()).toBe('-ERR max number of clients reached\r\n');
    expect(s.server.stats.rejectedConnections).toBe(1);
    a.close();
    while (s.server.clients.size >= 2) await new Promise((r) => setTimeout(r, 10));
    const d = await RawClient.connect(s.port);
    expect(await d.request(resp('PING'))).toEqual(['+PONG\r\n']);
    b.close();
    d.close();
    await s.stop();
  });

  it('requires AUTH when requirepass is set (NOAUTH, WRONGPASS, then OK)', async () => {
    const s = await startServer({ requirepass: 's3cret' });
    const c = await RawClient.connect(s.port);
    expect(await c.request(resp('GET', 'k'))).toEqual(['-NOAUTH Authentication required.\r\n']);
    expect(await c.request(resp('HELLO', '3'))).toEqual([
      '-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time\r\n',
    ]);
    expect(await c.request(resp('AUTH', 'wrong'))).toEqual([
      '-WRONGPASS invalid username-password pair or user is disabled.\r\n',
    ]);
    expect(await c.request(resp('AUTH', 'other', 's3cret'))).toEqual([
      '-WRONGPASS invalid username-password pair or user is disabled.\r\n',
    ]);
    expect(await c.request(resp('AUTH', 's3cret'))).toEqual(['+OK\r\n']);
    expect(await c.request(resp('GET', 'k'))).toEqual(['$-1\r\n']);
    const d = await RawClient.connect(s.port);
    const [hello] = await d.request(resp('HELLO', '3', 'AUTH', 'default', 's3cret', 'SETNAME', 'n1'));
    expect(hello).toMatch(/^%7\r\n\$6\r\nserver\r\n/);
    expect(await d.request(resp('CLIENT', 'GETNAME'))).toEqual(['$2\r\nn1\r\n']);
    // ioredis authenticates with the password option.
    const io = new Redis({ port: s.port, host: '127.0.0.1', password: 's3cret', lazyConnect: true });
    await io.connect();
    expect(await io.ping()).toBe('PONG');
    io.disconnect();
    c.close();
    d.close();
    await s.stop();
  });

  it('closes a client whose unparsed input exceeds the query buffer limit', async () => {
    const s = await startServer({ clientQueryBufferLimit: 64 * 1024 });
    const c = await RawClient.connect(s.port);
    // A bulk header announcing 1 MB, then bytes that never complete it.
    c.socket.write('*2\r\n$4\r\nECHO\r\n$1048576\r\n');
    c.socket.write(Buffer.alloc(128 * 1024, 120));
    await c.until(() => c.closed);
    expect(c.received.length).toBe(0);
    await s.stop();
  });

  it('refuses bulk arguments beyond proto-max-bulk-len', async () => {
    const s = await startServer({ protoMaxBulkLen: 1024 * 1024 });
    const c = await RawClient.connect(s.port);
    await c.write('*2\r\n$4\r\nECHO\r\n$2000000\r\n');
    await c.until(() => c.closed);
    expect(c.received.toString()).toBe('-ERR Protocol error: invalid bulk length\r\n');
    await s.stop();
  });

  it('bounds the memory of a client that never reads its replies', async () => {
    const s = await startServer();
    const value = 'x'.repeat(64 * 1024);
    const setter = await RawClient.connect(s.port);
    await setter.request(resp('SET', 'big', value));
    setter.close();
    const socket = net.connect(s.port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    socket.pause(); // never read
    const request = Buffer.from(resp('GET', 'big'));
    const chunk = Buffer.concat(Array.from({ length: 256 }, () => request)); // 16 MB of replies per chunk
    let sent = 0;
    // 256 MB of replies would pile up in the server if it kept reading requests.
    for (let i = 0; i < 16; i++) {
      if (!socket.write(chunk)) {
        await Promise.race([
          new Promise((r) => socket.once('drain', r)),
          new Promise((r) => setTimeout(r, 100)),
        ]);
      }
      sent += 256;
    }
    await new Promise((r) => setTimeout(r, 300));
    const conn = [...s.server.clients.values()][0];
    const info = conn.connectionInfo();
    // Pending output is bounded (a flush threshold plus the socket's buffer), far below what was asked for.
    expect(info.omem).toBeLessThan(16 * 1024 * 1024);
    expect(info.qbuf).toBeLessThan(64 * 1024 * 1024);
    // Once the client reads, every reply arrives.
    const replyBytes = 8 + value.length + 2;
    let received = 0;
    await new Promise<void>((resolve) => {
      socket.on('data', (d: Buffer) => {
        received += d.length;
        if (received >= sent * replyBytes) resolve();
      });
      socket.resume();
    });
    expect(received).toBe(sent * replyBytes);
    socket.destroy();
    await s.stop();
  });
});

describe('protected mode', () => {
  it('refuses non-loopback clients when no password is set', async () => {
    const os = await import('node:os');
    const external = Object.values(os.networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal);
    if (!external) return; // no non-loopback interface here
    const s = await startServer({ host: '0.0.0.0' });
    const c = await RawClient.connect(s.port, external.address);
    c.socket.write('PING\r\n');
    await c.until(() => c.closed);
    expect(c.received.toString()).toMatch(
      /^-DENIED Redis is running in protected mode because protected mode is enabled/,
    );
    const local = await RawClient.connect(s.port, '127.0.0.1');
    expect(await local.request(resp('PING'))).toEqual(['+PONG\r\n']);
    local.close();
    await s.stop();
    const open = await startServer({ host: '0.0.0.0', protectedMode: false });
    const d = await RawClient.connect(open.port, external.address);
    expect(await d.request(resp('PING'))).toEqual(['+PONG\r\n']);
    d.close();
    await open.stop();
  });
});
