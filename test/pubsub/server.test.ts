/** Pub/Sub over Cachee's RESP server: real clients, raw connections, batching and limits. */

import diagnostics_channel from 'node:diagnostics_channel';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterEach, describe, expect, it } from 'vitest';
import { Cachee } from '../../src/client/cachee.js';
import { ManualClock } from '../../src/engine/clock.js';
import { Engine } from '../../src/engine/engine.js';
import { setNotifyKeyspaceEvents } from '../../src/pubsub/keyspace-events.js';
import { SERVER_CHANNEL, type ServerEvent } from '../../src/server/server.js';
import { encodeRequest } from '../diff/harness.js';
import { RawClient, resp, type Started, startServer } from '../server/helpers.js';

let started: Started | undefined;
afterEach(async () => {
  await started?.stop();
  started = undefined;
});

async function start(engine = new Engine()): Promise<Started> {
  started = await startServer({}, engine);
  return started;
}

function waitFor(pred: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const poll = () => {
      if (pred()) resolve();
      else if (Date.now() > deadline) reject(new Error('timed out'));
      else setTimeout(poll, 5);
    };
    poll();
  });
}

describe('Pub/Sub over RESP', () => {
  it('ioredis subscriber and publisher (RESP2)', async () => {
    const { port } = await start();
    const sub = new Redis({ port, lazyConnect: true });
    const pub = new Redis({ port, lazyConnect: true });
    await sub.connect();
    await pub.connect();
    try {
      const got: string[] = [];
      sub.on('message', (ch, m) => got.push(`message ${ch} ${m}`));
      sub.on('pmessage', (p, ch, m) => got.push(`pmessage ${p} ${ch} ${m}`));
      expect(await sub.subscribe('news', 'sport')).toBe(2);
      expect(await sub.psubscribe('n*')).toBe(3);
      expect(await pub.publish('news', 'hello')).toBe(2);
      expect(await pub.publish('sport', 'goal')).toBe(1);
      expect(await pub.pubsub('NUMSUB', 'news', 'none')).toEqual(['news', 1, 'none', 0]);
      expect(await pub.pubsub('NUMPAT')).toBe(1);
      await waitFor(() => got.length === 3);
      expect(got).toEqual(['message news hello', 'pmessage n* news hello', 'message sport goal']);
      await expect(sub.get('x')).rejects.toThrow(
        /Connection in subscriber mode, only subscriber commands may be used/,
      );
      // ioredis resolves an argument-less (P)UNSUBSCRIBE only once the count reaches 0
      // (with redis-server too), so name what to drop until the last one.
      expect(await sub.punsubscribe('n*')).toBe(2);
      expect(await sub.unsubscribe('news')).toBe(1);
      expect(await sub.unsubscribe()).toBe(0);
      expect(await pub.publish('news', 'gone')).toBe(0);
    } finally {
      sub.disconnect();
      pub.disconnect();
    }
  });

  it('node-redis in RESP3: pushes and commands on one connection', async () => {
    const { port } = await start();
    const client = createClient({ socket: { port }, RESP: 3 });
    const pub = createClient({ socket: { port } });
    await client.connect();
    await pub.connect();
    try {
      const got: string[] = [];
      await client.subscribe('ch', (m, ch) => got.push(`${ch}:${m}`));
      await client.pSubscribe('p.*', (m, ch) => got.push(`p ${ch}:${m}`));
      await client.sSubscribe('sh', (m, ch) => got.push(`s ${ch}:${m}`));
      // RESP3 has no subscribed-mode restrictions.
      await client.set('k', 'v');
      expect(await client.get('k')).toBe('v');
      expect(await pub.publish('ch', 'one')).toBe(1);
      expect(await pub.publish('p.x', 'two')).toBe(1);
      expect(await pub.sPublish('sh', 'three')).toBe(1);
      await waitFor(() => got.length === 3);
      expect(got).toEqual(['ch:one', 'p p.x:two', 's sh:three']);
      await client.unsubscribe('ch');
      expect(await pub.publish('ch', 'x')).toBe(0);
    } finally {
      await client.close();
      await pub.close();
    }
  });

  it('raw RESP2 and RESP3 subscribers get byte-exact frames', async () => {
    const { port } = await start();
    const s2 = await RawClient.connect(port);
    const s3 = await RawClient.connect(port);
    const pub = await RawClient.connect(port);
    try {
      await s3.request(resp('HELLO', '3'));
      s3.received = Buffer.alloc(0);
      expect(await s2.request(resp('SUBSCRIBE', 'c'))).toEqual([
        '*3\r\n$9\r\nsubscribe\r\n$1\r\nc\r\n:1\r\n',
      ]);
      expect(await s3.request(resp('PSUBSCRIBE', 'c*'))).toEqual([
        '>3\r\n$10\r\npsubscribe\r\n$2\r\nc*\r\n:1\r\n',
      ]);
      expect(await pub.request(resp('PUBLISH', 'c', 'hi'))).toEqual([':2\r\n']);
      await s2.until(() => s2.replyCount() === 2);
      await s3.until(() => s3.replyCount() === 2);
      expect(s2.replies()[1]).toBe('*3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$2\r\nhi\r\n');
      expect(s3.replies()[1]).toBe('>4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$1\r\nc\r\n$2\r\nhi\r\n');
    } finally {
      s2.close();
      s3.close();
      pub.close();
    }
  });

  it('batches the pushes of one event-loop turn into few writes', async () => {
    const { port } = await start();
    const sub = await RawClient.connect(port);
    const pub = await RawClient.connect(port);
    try {
      await sub.request(resp('SUBSCRIBE', 'c'));
      let chunks = 0;
      sub.socket.on('data', () => chunks++);
      const n = 500;
      const pipeline = Buffer.concat(
        Array.from({ length: n }, (_, i) => encodeRequest(['PUBLISH', 'c', `m${i}`])),
      );
      await pub.request(pipeline, n);
      await sub.until(() => sub.replyCount() === n + 1);
      expect(sub.replies()[n]).toBe(`*3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$4\r\nm${n - 1}\r\n`);
      // One pipelined read on the publisher: its pushes go out together (TCP may still split them).
      expect(chunks).toBeLessThan(20);
    } finally {
      sub.close();
      pub.close();
    }
  });

  it('a closed connection loses its subscriptions', async () => {
    const { port } = await start();
    const sub = await RawClient.connect(port);
    const pub = await RawClient.connect(port);
    try {
      await sub.request(resp('SUBSCRIBE', 'a', 'b'));
      await sub.until(() => sub.replyCount() === 2);
      await sub.request(resp('PSUBSCRIBE', 'x*'));
      expect(await pub.request(resp('PUBLISH', 'a', 'm'))).toEqual([':1\r\n']);
      sub.close();
      await waitFor(() => started!.server.clients.size === 1);
      expect(await pub.request(resp('PUBLISH', 'a', 'm'))).toEqual([':0\r\n']);
      expect(await pub.request(resp('PUBSUB', 'NUMPAT'))).toEqual([':0\r\n']);
      expect(await pub.request(resp('PUBSUB', 'CHANNELS'))).toEqual(['*0\r\n']);
    } finally {
      pub.close();
    }
  });

  it('keyspace notifications reach RESP subscribers', async () => {
    const engine = new Engine();
    setNotifyKeyspaceEvents(engine, 'KEA');
    const { port } = await start(engine);
    const sub = await RawClient.connect(port);
    const cli = await RawClient.connect(port);
    try {
      await sub.request(resp('SUBSCRIBE', '__keyevent@0__:del'));
      await cli.request(resp('SET', 'k', 'v'));
      await cli.request(resp('DEL', 'k'));
      await sub.until(() => sub.replyCount() === 2);
      expect(sub.replies()[1]).toBe('*3\r\n$7\r\nmessage\r\n$18\r\n__keyevent@0__:del\r\n$1\r\nk\r\n');
    } finally {
      sub.close();
      cli.close();
    }
  });

  it('in-process handlers and RESP clients share one registry (Cachee.listen)', async () => {
    const cache = new Cachee();
    const server = await cache.listen(0);
    const port = server.address!.port;
    const raw = await RawClient.connect(port);
    try {
      const got: unknown[] = [];
      cache.psubscribe('jobs.*', (m, ch, p) => got.push([m, ch, p]));
      await raw.request(resp('SUBSCRIBE', 'jobs.done'));
      expect(await raw.request(resp('PING'))).toEqual(['*2\r\n$4\r\npong\r\n$0\r\n\r\n']);
      const pub = await RawClient.connect(port);
      expect(await pub.request(resp('PUBLISH', 'jobs.done', '42'))).toEqual([':2\r\n']);
      expect(cache.publish('jobs.done', 'local')).toBe(2);
      await raw.until(() => raw.replyCount() === 4);
      expect(raw.replies().slice(2)).toEqual([
        '*3\r\n$7\r\nmessage\r\n$9\r\njobs.done\r\n$2\r\n42\r\n',
        '*3\r\n$7\r\nmessage\r\n$9\r\njobs.done\r\n$5\r\nlocal\r\n',
      ]);
      await waitFor(() => got.length === 2);
      expect(got).toEqual([
        ['42', 'jobs.done', 'jobs.*'],
        ['local', 'jobs.done', 'jobs.*'],
      ]);
      pub.close();
    } finally {
      raw.close();
      await server.close();
      cache.close();
    }
  });

  it('disconnects a subscriber over the hard pubsub output limit (32 MB)', async () => {
    const { port } = await start();
    const events: ServerEvent[] = [];
    const onEvent = (e: unknown) => events.push(e as ServerEvent);
    diagnostics_channel.subscribe(SERVER_CHANNEL, onEvent);
    const sub = await RawClient.connect(port);
    const pub = await RawClient.connect(port);
    try {
      await sub.request(resp('SUBSCRIBE', 'big'));
      sub.socket.pause();
      const payload = 'x'.repeat(1024 * 1024);
      const batch = encodeRequest(['PUBLISH', 'big', payload]);
      for (let i = 0; i < 48 && !events.some((e) => e.event === 'output-buffer-limit'); i++) {
        await pub.request(batch);
      }
      await waitFor(() => events.some((e) => e.event === 'output-buffer-limit'));
      sub.socket.resume();
      await sub.until(() => sub.closed, 10_000);
      expect(sub.closed).toBe(true);
      await waitFor(() => started!.server.clients.size === 1);
      expect(await pub.request(resp('PUBSUB', 'NUMSUB', 'big'))).toEqual(['*2\r\n$3\r\nbig\r\n:0\r\n']);
    } finally {
      diagnostics_channel.unsubscribe(SERVER_CHANNEL, onEvent);
      sub.close();
      pub.close();
    }
  });

  it('disconnects a subscriber over the soft limit (8 MB) for more than 60 s', async () => {
    const clock = new ManualClock(1_000_000);
    const { port } = await start(new Engine({ clock }));
    const sub = await RawClient.connect(port);
    const pub = await RawClient.connect(port);
    try {
      await sub.request(resp('SUBSCRIBE', 'soft'));
      sub.socket.pause();
      const payload = 'y'.repeat(1024 * 1024);
      const batch = encodeRequest(['PUBLISH', 'soft', payload]);
      for (let i = 0; i < 20; i++) await pub.request(batch);
      // Over 8 MB now (kernel buffers hold a few MB at most); the clock has not moved.
      await new Promise((r) => setTimeout(r, 20));
      expect(sub.closed).toBe(false);
      clock.advance(61_000);
      await pub.request(batch);
      sub.socket.resume();
      await sub.until(() => sub.closed, 10_000);
      expect(sub.closed).toBe(true);
    } finally {
      sub.close();
      pub.close();
    }
  });
});
