/**
 * Blocking commands over RESP: a blocked connection waits without holding up
 * the others, its pipelined commands wait behind it, waiters are served first
 * come first served, time out, leave the queue when they disconnect, and show
 * up in INFO and CLIENT LIST. With raw sockets and with ioredis.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cachee } from '../../src/client/cachee.js';
import { RawClient, resp, type Started, startServer } from './helpers.js';

let s: Started;
beforeAll(async () => {
  s = await startServer();
});
afterAll(async () => {
  await s.stop();
});

/** Waits until `n` requests are blocked on the server's engine. */
async function blockedCount(n: number): Promise<void> {
  const deadline = Date.now() + 5000;
  while (s.engine.blocking.blockedCount !== n) {
    if (Date.now() > deadline)
      throw new Error(`expected ${n} blocked, have ${s.engine.blocking.blockedCount}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Lets the event loop turn a few times (for "nothing arrives" checks). */
const settle = (ms = 30) => new Promise((r) => setTimeout(r, ms));

async function clients(n: number): Promise<RawClient[]> {
  return Promise.all(Array.from({ length: n }, () => RawClient.connect(s.port)));
}

describe('blocking commands over RESP', () => {
  it('wake a blocked connection when another one pushes; others keep working meanwhile', async () => {
    const [a, b] = await clients(2);
    await a.write(resp('BLPOP', 'q1', '0'));
    await blockedCount(1);
    expect(await b.request(resp('PING'))).toEqual(['+PONG\r\n']);
    expect(a.replyCount()).toBe(0);
    expect(await b.request(resp('RPUSH', 'q1', 'job'))).toEqual([':1\r\n']);
    await a.until(() => a.replyCount() === 1);
    expect(a.replies()).toEqual(['*2\r\n$2\r\nq1\r\n$3\r\njob\r\n']);
    expect(await b.request(resp('EXISTS', 'q1'))).toEqual([':0\r\n']);
    a.close();
    b.close();
  });

  it('serve three waiters in the order they blocked', async () => {
    const [a, b, c, p] = await clients(4);
    await a.write(resp('BRPOP', 'q2', '0'));
    await blockedCount(1);
    await b.write(resp('BLMPOP', '0', '1', 'q2', 'LEFT', 'COUNT', '2'));
    await blockedCount(2);
    await c.write(resp('BLMOVE', 'q2', 'out2', 'LEFT', 'LEFT', '0'));
    await blockedCount(3);
    await p.request(resp('RPUSH', 'q2', '1', '2', '3', '4', '5'));
    await Promise.all([a, b, c].map((x) => x.until(() => x.replyCount() === 1)));
    expect(a.replies()).toEqual(['*2\r\n$2\r\nq2\r\n$1\r\n5\r\n']);
    expect(b.replies()).toEqual(['*2\r\n$2\r\nq2\r\n*2\r\n$1\r\n1\r\n$1\r\n2\r\n']);
    expect(c.replies()).toEqual(['$1\r\n3\r\n']);
    expect(await p.request(resp('LRANGE', 'q2', '0', '-1'))).toEqual(['*1\r\n$1\r\n4\r\n']);
    for (const x of [a, b, c, p]) x.close();
  });

  it('time out with the nil array (RESP2 and RESP3)', async () => {
    const [a] = await clients(1);
    expect(await a.request(resp('BLPOP', 'none', '0.05'))).toEqual(['*-1\r\n']);
    expect(await a.request(resp('BLMOVE', 'none', 'd', 'LEFT', 'LEFT', '0.02'))).toEqual(['*-1\r\n']);
    await a.request(resp('HELLO', '3'));
    expect(await a.request(resp('BLMPOP', '0.02', '1', 'none', 'LEFT'))).toEqual(['_\r\n']);
    expect(s.engine.blocking.blockedCount).toBe(0);
    a.close();
  });

  it('hold pipelined commands behind a blocked one, then run them in order', async () => {
    const [a, b] = await clients(2);
    await a.write(
      resp('BLPOP', 'q3', '0') + resp('PING') + resp('ECHO', 'hi') + resp('BLPOP', 'q3b', '0') + resp('PING'),
    );
    await blockedCount(1);
    await settle();
    expect(a.replyCount()).toBe(0);
    await b.request(resp('LPUSH', 'q3', 'x'));
    await a.until(() => a.replyCount() === 3);
    await blockedCount(1);
    await settle();
    expect(a.replies()).toEqual(['*2\r\n$2\r\nq3\r\n$1\r\nx\r\n', '+PONG\r\n', '$2\r\nhi\r\n']);
    await b.request(resp('LPUSH', 'q3b', 'y'));
    await a.until(() => a.replyCount() === 5);
    expect(a.replies().slice(3)).toEqual(['*2\r\n$3\r\nq3b\r\n$1\r\ny\r\n', '+PONG\r\n']);
    a.close();
    b.close();
  });

  it('drop a waiter that disconnects: its slot is not served', async () => {
    const [a, b, p] = await clients(3);
    await a.write(resp('BLPOP', 'q4', '0'));
    await blockedCount(1);
    await b.write(resp('BLPOP', 'q4', '0'));
    await blockedCount(2);
    a.close();
    await blockedCount(1);
    await p.request(resp('RPUSH', 'q4', 'v'));
    await b.until(() => b.replyCount() === 1);
    expect(b.replies()).toEqual(['*2\r\n$2\r\nq4\r\n$1\r\nv\r\n']);
    b.close();
    p.close();
  });

  it('show blocked clients in INFO and CLIENT LIST; CLIENT KILL and CLIENT UNBLOCK end the wait', async () => {
    const [a, b, p] = await clients(3);
    const [idA] = await a.request(resp('CLIENT', 'ID'));
    const [idB] = await b.request(resp('CLIENT', 'ID'));
    await a.write(resp('BLPOP', 'q5', '5'));
    await b.write(resp('BRPOPLPUSH', 'q5', 'd5', '0'));
    await blockedCount(2);
    const [info] = await p.request(resp('INFO', 'clients'));
    expect(info).toContain('blocked_clients:2\r\n');
    expect(info).toContain('clients_in_timeout_table:1\r\n');
    const [list] = await p.request(resp('CLIENT', 'LIST'));
    const line = (id: string) => list.split('\n').find((l) => l.includes(`id=${id.slice(1, -2)} `)) ?? '';
    expect(line(idA)).toMatch(/ flags=b .* cmd=blpop /);
    expect(line(idB)).toMatch(/ flags=b .* cmd=brpoplpush /);
    expect(await p.request(resp('CLIENT', 'UNBLOCK', idA.slice(1, -2), 'ERROR'))).toEqual([':1\r\n']);
    await a.until(() => a.replyCount() === 2);
    expect(a.replies()[1]).toBe('-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n');
    expect(await p.request(resp('CLIENT', 'KILL', 'ID', idB.slice(1, -2)))).toEqual([':1\r\n']);
    await blockedCount(0);
    await p.request(resp('RPUSH', 'q5', 'kept'));
    expect(await p.request(resp('LRANGE', 'q5', '0', '-1'))).toEqual(['*1\r\n$4\r\nkept\r\n']);
    a.close();
    p.close();
  });

  it('apply CLIENT REPLY SKIP to the blocked command when its reply comes', async () => {
    const [a, p] = await clients(2);
    await a.write(resp('CLIENT', 'REPLY', 'SKIP') + resp('BLPOP', 'q6', '0') + resp('PING'));
    await blockedCount(1);
    await p.request(resp('RPUSH', 'q6', 'v'));
    await a.until(() => a.replyCount() === 1);
    await settle();
    expect(a.replies()).toEqual(['+PONG\r\n']);
    a.close();
    p.close();
  });

  it('wake connections from the in-process API on the same engine', async () => {
    const [a] = await clients(1);
    await a.write(resp('BLPOP', 'q7', '0'));
    await blockedCount(1);
    new Cachee({ engine: s.engine }).rpush('q7', 'from-app');
    await a.until(() => a.replyCount() === 1);
    expect(a.replies()).toEqual(['*2\r\n$2\r\nq7\r\n$8\r\nfrom-app\r\n']);
    a.close();
  });
});

describe('blocking commands with ioredis', () => {
  it('blpop/brpoplpush/blmove resolve when another client pushes, null at the timeout', async () => {
    const opts = { port: s.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 };
    const consumer = new Redis(opts);
    const worker = new Redis(opts);
    const producer = new Redis(opts);
    await Promise.all([consumer.connect(), worker.connect(), producer.connect()]);
    try {
      const popped = consumer.blpop('jobs', 0);
      const moved = worker.brpoplpush('jobs2', 'processing', 0);
      await blockedCount(2);
      expect(await producer.rpush('jobs', 'j1')).toBe(1);
      expect(await popped).toEqual(['jobs', 'j1']);
      expect(await producer.lpush('jobs2', 'j2')).toBe(1);
      expect(await moved).toBe('j2');
      expect(await producer.lrange('processing', 0, -1)).toEqual(['j2']);
      expect(await consumer.blmove('nothing', 'x', 'LEFT', 'RIGHT', 0.05)).toBeNull();
      expect(await consumer.brpop('nothing', 0.05)).toBeNull();
      // The connection works normally after a timeout.
      expect(await consumer.ping()).toBe('PONG');
    } finally {
      consumer.disconnect();
      worker.disconnect();
      producer.disconnect();
    }
  });
});
