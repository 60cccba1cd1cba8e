/**
 * Differential Pub/Sub tests: the same steps run on connections to redis-server
 * and to Cachee's RESP server, and every byte each connection receives
 * (replies and pushes, in order) is compared.
 *
 * After each step the sending connection, then every other one, sends
 * `PING <token>` and the runner waits for the token: Redis and Cachee both write
 * pushes queued for a connection before the reply to that connection's next
 * command, so the streams line up.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { setNotifyKeyspaceEvents } from '../../src/pubsub/keyspace-events.js';
import { CacheeServer } from '../../src/server/server.js';
import type { Arg } from '../../src/util/bytes.js';
import { RawClient } from '../server/helpers.js';
import { encodeRequest, type RedisProcess, replyLength, show, startRedis } from './harness.js';

let redis: RedisProcess;
let engine: Engine;
let server: CacheeServer;
let cacheePort: number;

beforeAll(async () => {
  // DEBUG SET-ACTIVE-EXPIRE lets the lazy-expiry scenario be deterministic.
  redis = await startRedis(['--enable-debug-command', 'yes']);
  engine = new Engine();
  server = new CacheeServer(engine, { port: 0 });
  cacheePort = (await server.listen()).port;
});
afterAll(async () => {
  await server.close();
  engine.close();
  await redis.stop();
});

let tokens = 0;

/** The connections of one server taking part in a scenario. */
class Side {
  private constructor(
    readonly name: string,
    readonly conns: RawClient[],
  ) {}

  static async open(name: string, port: number, n: number, protocol: 2 | 3): Promise<Side> {
    const conns: RawClient[] = [];
    for (let i = 0; i < n; i++) {
      const c = await RawClient.connect(port);
      if (protocol === 3) await c.request(encodeRequest(['HELLO', '3']));
      c.received = Buffer.alloc(0);
      conns.push(c);
    }
    return new Side(name, conns);
  }

  /** Sends commands (pipelined) on one connection, then a PING barrier on every connection. */
  async step(conn: number, ...commands: (readonly Arg[])[]): Promise<void> {
    await this.conns[conn].write(Buffer.concat(commands.map((argv) => encodeRequest(argv))));
    // The sender's barrier first: once it answers, the commands ran and their pushes to
    // other connections are queued ahead of any later reply to those connections.
    await this.sync(this.conns[conn]);
    await Promise.all(this.conns.filter((_, i) => i !== conn).map((c) => this.sync(c)));
  }

  /** Sends `PING <token>` and waits for the token to come back. */
  private async sync(c: RawClient): Promise<void> {
    const token = Buffer.from(`sync-${String(++tokens).padStart(8, '0')}\r\n`);
    await c.write(encodeRequest(['PING', token.subarray(0, token.length - 2)]));
    await c.until(() => c.received.includes(token) || c.closed);
  }

  /** Each connection's stream, with barrier tokens normalised. */
  streams(): string[] {
    return this.conns.map((c) => c.received.toString('latin1').replace(/sync-\d+/g, 'sync-NNNNN'));
  }

  close(): void {
    for (const c of this.conns) c.close();
  }
}

/**
 * A command on a connection; a pause (`['wait', ms]`) for TTLs to pass on both servers;
 * or a transaction (`['multi', conn, [argv...]...]`: MULTI, the commands, EXEC in one write,
 * since a barrier PING would be queued inside MULTI).
 */
type Step =
  | readonly [conn: number, ...argv: Arg[]]
  | readonly ['wait', number]
  | readonly ['multi', number, ...(readonly Arg[])[]];

/** Runs the steps on both servers and compares every connection's stream. */
async function scenario(
  protocol: 2 | 3,
  conns: number,
  steps: readonly Step[],
  setup?: (side: 'redis' | 'cachee') => Promise<void>,
): Promise<string[]> {
  await flushBoth();
  await setup?.('redis');
  await setup?.('cachee');
  const r = await Side.open('redis', redis.port, conns, protocol);
  const c = await Side.open('cachee', cacheePort, conns, protocol);
  try {
    for (const step of steps) {
      if (step[0] === 'wait') {
        await new Promise((resolve) => setTimeout(resolve, step[1]));
        continue;
      }
      if (step[0] === 'multi') {
        const [, conn, ...commands] = step;
        const all = [['MULTI'], ...commands, ['EXEC']];
        await r.step(conn, ...all);
        await c.step(conn, ...all);
        continue;
      }
      const [conn, ...argv] = step as readonly [number, ...Arg[]];
      await r.step(conn, argv);
      await c.step(conn, argv);
    }
    const rs = r.streams();
    const cs = c.streams();
    for (let i = 0; i < conns; i++) {
      if (rs[i] !== cs[i]) {
        throw new Error(
          `connection ${i} (RESP${protocol}) differs\n  redis:  ${JSON.stringify(rs[i])}\n  cachee: ${JSON.stringify(cs[i])}`,
        );
      }
    }
    return rs;
  } finally {
    r.close();
    c.close();
  }
}

async function flushBoth(): Promise<void> {
  const r = await RawClient.connect(redis.port);
  const c = await RawClient.connect(cacheePort);
  await r.request(encodeRequest(['FLUSHALL']));
  await r.request(encodeRequest(['CONFIG', 'SET', 'notify-keyspace-events', '']));
  await c.request(encodeRequest(['FLUSHALL']));
  setNotifyKeyspaceEvents(engine, '');
  r.close();
  c.close();
}

/** Runs one command on redis-server. */
async function redisCommand(argv: readonly Arg[]): Promise<string> {
  const r = await RawClient.connect(redis.port);
  const [reply] = await r.request(encodeRequest(argv));
  r.close();
  return reply;
}

/** Runs one command on Cachee. */
async function cacheeCommand(argv: readonly Arg[]): Promise<string> {
  const c = await RawClient.connect(cacheePort);
  const [reply] = await c.request(encodeRequest(argv));
  c.close();
  return reply;
}

/** Sets notify-keyspace-events on both with CONFIG SET. */
function notifyEvents(classes: string) {
  return async (side: 'redis' | 'cachee') => {
    const argv = ['CONFIG', 'SET', 'notify-keyspace-events', classes];
    expect(await (side === 'redis' ? redisCommand(argv) : cacheeCommand(argv))).toBe('+OK\r\n');
  };
}

const bin = Buffer.from([0xff, 0x00, 0xfe, 0x41]);

for (const protocol of [2, 3] as const) {
  describe(`Pub/Sub against redis-server (RESP${protocol})`, () => {
    it('subscribe / unsubscribe sequences and counts', async () => {
      await scenario(protocol, 1, [
        [0, 'UNSUBSCRIBE'],
        [0, 'PUNSUBSCRIBE'],
        [0, 'SUNSUBSCRIBE'],
        [0, 'UNSUBSCRIBE', 'never', 'was'],
        [0, 'SUBSCRIBE', 'a'],
        [0, 'SUBSCRIBE', 'a', 'b', 'a'],
        [0, 'PSUBSCRIBE', 'n*'],
        [0, 'PSUBSCRIBE', 'n*', 'x?'],
        [0, 'SSUBSCRIBE', 's1', 's1', 's2'],
        [0, 'UNSUBSCRIBE', 'a', 'zz'],
        [0, 'PUNSUBSCRIBE', 'x?'],
        [0, 'SUNSUBSCRIBE', 's2'],
        [0, 'UNSUBSCRIBE'],
        [0, 'PUNSUBSCRIBE'],
        [0, 'SUNSUBSCRIBE'],
        [0, 'SUNSUBSCRIBE'],
        [0, 'subscribe', 'MixedCase'],
        [0, 'unsubscribe', 'mixedcase'],
        [0, 'UNSUBSCRIBE', 'MixedCase'],
      ]);
    });

    it('messages, pattern messages and shard messages', async () => {
      await scenario(protocol, 3, [
        [0, 'SUBSCRIBE', 'news', 'sport'],
        [1, 'PSUBSCRIBE', 'n*'],
        [2, 'PUBLISH', 'news', 'hello'],
        [2, 'PUBLISH', 'sport', 'goal'],
        [2, 'PUBLISH', 'nobody', 'x'],
        [2, 'PUBLISH', 'weather', 'rain'],
        [1, 'SUBSCRIBE', 'news'],
        [2, 'PUBLISH', 'news', 'twice'],
        [0, 'SSUBSCRIBE', 'shard'],
        [1, 'PSUBSCRIBE', 's*'],
        [2, 'SPUBLISH', 'shard', 'only-shard'],
        [2, 'PUBLISH', 'shard', 'only-pattern'],
        [2, 'SPUBLISH', 'nosuch', 'x'],
        [2, 'PUBLISH', 'news', ''],
        [2, 'PUBLISH', 'news', 'multi\r\nline'],
        [0, 'UNSUBSCRIBE', 'news'],
        [2, 'PUBLISH', 'news', 'after'],
        [1, 'PUNSUBSCRIBE', 'n*'],
        [2, 'PUBLISH', 'news', 'late'],
      ]);
    });

    it('a subscriber counts once per subscription, patterns once per match', async () => {
      await scenario(protocol, 3, [
        [0, 'SUBSCRIBE', 'c'],
        [1, 'SUBSCRIBE', 'c'],
        [1, 'PSUBSCRIBE', 'c'],
        [0, 'PSUBSCRIBE', '?'],
        [2, 'PUBLISH', 'c', 'm'],
        [2, 'PUBSUB', 'NUMSUB', 'c', 'd'],
        [2, 'PUBSUB', 'NUMPAT'],
      ]);
    });

    it('glob patterns match as stringmatchlen does', async () => {
      await scenario(protocol, 2, [
        [0, 'PSUBSCRIBE', 'h[ae]llo', 'a\\*b', '[^x]y'],
        [1, 'PUBLISH', 'hello', '1'],
        [1, 'PUBLISH', 'hallo', '2'],
        [1, 'PUBLISH', 'hillo', '3'],
        [1, 'PUBLISH', 'a*b', '4'],
        [1, 'PUBLISH', 'axb', '5'],
        [1, 'PUBLISH', 'zy', '6'],
        [1, 'PUBLISH', 'xy', '7'],
        [0, 'PUNSUBSCRIBE', 'h[ae]llo', 'a\\*b', '[^x]y'],
        [0, 'PSUBSCRIBE', '*'],
        [1, 'PUBLISH', '', 'empty channel: * does not match it'],
        [1, 'PUBLISH', 'any', 'matched'],
      ]);
    });

    it('binary channels, patterns and messages', async () => {
      await scenario(protocol, 2, [
        [0, 'SUBSCRIBE', bin, ''],
        [0, 'PSUBSCRIBE', Buffer.from([0xff, 0x2a])],
        [1, 'PUBLISH', bin, bin],
        [1, 'PUBLISH', '', Buffer.from([0x80])],
        [1, 'PUBLISH', Buffer.from([0xff, 0x01]), 'x'],
        [1, 'PUBLISH', 'héllo', 'ünïcode'],
        [1, 'PUBSUB', 'NUMSUB', bin, ''],
        [0, 'UNSUBSCRIBE', bin],
        [0, 'UNSUBSCRIBE'],
        [0, 'PUNSUBSCRIBE'],
      ]);
    });

    it('introspection: PUBSUB CHANNELS / NUMSUB / NUMPAT / SHARD* / HELP and errors', async () => {
      await scenario(protocol, 3, [
        [0, 'SUBSCRIBE', 'alpha'],
        [1, 'SUBSCRIBE', 'alpha'],
        [0, 'PSUBSCRIBE', 'al*', 'be*'],
        [1, 'PSUBSCRIBE', 'al*'],
        [0, 'SSUBSCRIBE', 'sh1'],
        [1, 'SSUBSCRIBE', 'sh1'],
        [2, 'PUBSUB', 'CHANNELS'],
        [2, 'PUBSUB', 'CHANNELS', 'a*'],
        [2, 'PUBSUB', 'CHANNELS', 'z*'],
        [2, 'PUBSUB', 'channels', 'a*', 'extra'],
        [2, 'PUBSUB', 'NUMSUB'],
        [2, 'PUBSUB', 'NUMSUB', 'alpha', 'beta', 'alpha'],
        [2, 'PUBSUB', 'NUMPAT'],
        [2, 'PUBSUB', 'NUMPAT', 'x'],
        [2, 'PUBSUB', 'SHARDCHANNELS'],
        [2, 'PUBSUB', 'SHARDCHANNELS', 'sh?'],
        [2, 'PUBSUB', 'SHARDCHANNELS', 'x*'],
        [2, 'PUBSUB', 'ShardChannels', 'a', 'b'],
        [2, 'PUBSUB', 'SHARDNUMSUB', 'sh1', 'alpha'],
        [2, 'PUBSUB', 'SHARDNUMSUB'],
        [2, 'PUBSUB', 'HELP'],
        [2, 'PUBSUB', 'help', 'x'],
        [2, 'PUBSUB', 'NOPE'],
        [2, 'PUBSUB'],
        [2, 'PUBLISH', 'a'],
        [2, 'PUBLISH', 'a', 'b', 'c'],
        [2, 'SPUBLISH', 'a'],
        [2, 'SUBSCRIBE'],
        [2, 'PSUBSCRIBE'],
        [2, 'SSUBSCRIBE'],
        [0, 'UNSUBSCRIBE', 'alpha'],
        [1, 'UNSUBSCRIBE', 'alpha'],
        [2, 'PUBSUB', 'CHANNELS'],
        [2, 'PUBSUB', 'NUMSUB', 'alpha'],
        [0, 'PUNSUBSCRIBE', 'be*'],
        [2, 'PUBSUB', 'NUMPAT'],
      ]);
    });

    it('subscribed mode: allowed commands, rejections, PING shape', async () => {
      await scenario(protocol, 2, [
        [0, 'SUBSCRIBE', 'ch'],
        [0, 'PING'],
        [0, 'PING', 'msg'],
        [0, 'PING', 'a', 'b'],
        [0, 'GET', 'k'],
        [0, 'SET', 'k', 'v'],
        [0, 'PUBLISH', 'ch', 'self'],
        [0, 'CLIENT', 'GETNAME'],
        [0, 'PUBSUB', 'NUMSUB', 'ch'],
        [0, 'SELECT', '1'],
        [0, 'NOSUCHCOMMAND', 'x'],
        [0, 'GET'],
        [0, 'PSUBSCRIBE', 'p*'],
        [0, 'UNSUBSCRIBE', 'ch'],
        [0, 'GET', 'k'],
        [0, 'PUNSUBSCRIBE'],
        [0, 'GET', 'k'],
        [0, 'SSUBSCRIBE', 'sc'],
        [0, 'ECHO', 'x'],
        [0, 'SUNSUBSCRIBE'],
        [0, 'ECHO', 'back in normal mode'],
        [1, 'PING'],
      ]);
    });

    it('(P|S)SUBSCRIBE and UNSUBSCRIBE inside MULTI / EXEC', async () => {
      await scenario(protocol, 2, [
        ['multi', 0, ['SUBSCRIBE', 'tx'], ['SSUBSCRIBE', 'stx'], ['PSUBSCRIBE', 't*']],
        [1, 'PUBLISH', 'tx', 'm'],
        [0, 'UNSUBSCRIBE', 'tx'],
        [0, 'PUNSUBSCRIBE', 't*'],
        ['multi', 0, ['UNSUBSCRIBE', 'never'], ['PUNSUBSCRIBE'], ['SUNSUBSCRIBE'], ['PUBLISH', 'x', 'y']],
      ]);
    });

    it('keyspace notifications for a sequence of commands across types', async () => {
      await scenario(
        protocol,
        2,
        [
          [0, 'PSUBSCRIBE', '__key*__:*'],
          [1, 'SET', 'str', 'v'],
          [1, 'SET', 'str', 'v2', 'EX', '100'],
          [1, 'APPEND', 'str', 'x'],
          [1, 'INCR', 'n'],
          [1, 'INCRBY', 'n', '5'],
          [1, 'INCRBYFLOAT', 'n', '1.5'],
          [1, 'EXPIRE', 'n', '100'],
          [1, 'PERSIST', 'n'],
          [1, 'DEL', 'n', 'missing'],
          [1, 'LPUSH', 'list', 'a', 'b'],
          [1, 'RPUSH', 'list', 'c'],
          [1, 'LPOP', 'list'],
          [1, 'RPOP', 'list', '5'],
          [1, 'HSET', 'hash', 'f', '1', 'g', '2'],
          [1, 'HINCRBY', 'hash', 'f', '2'],
          [1, 'HDEL', 'hash', 'f', 'g'],
          [1, 'SADD', 'set', 'a', 'b'],
          [1, 'SREM', 'set', 'a', 'b'],
          [1, 'ZADD', 'z', '1', 'a'],
          [1, 'ZINCRBY', 'z', '2', 'a'],
          [1, 'ZREM', 'z', 'a'],
          [1, 'SET', 'src', '1'],
          [1, 'RENAME', 'src', 'dst'],
          [1, 'EXPIRE', 'dst', '-1'],
          [1, 'SET', 'gone', '1'],
          [1, 'FLUSHDB'],
          [1, 'SELECT', '3'],
          [1, 'SET', 'in-db-3', 'x'],
          [1, 'SET', bin, 'binary key'],
          [1, 'DEL', bin],
        ],
        notifyEvents('KEA'),
      );
    });

    it('keyspace notifications: expiry and class filters', async () => {
      await scenario(
        protocol,
        2,
        [
          [0, 'SUBSCRIBE', '__keyevent@0__:expired', '__keyevent@0__:set', '__keyspace@0__:k'],
          [1, 'SET', 'k', 'v', 'PX', '1'],
          [1, 'SET', 'other', 'v'],
          [1, 'LPUSH', 'k2', 'x'],
        ],
        notifyEvents('Ex$'),
      );
    });

    it('keyspace notifications: lazy expiry on lookup', async () => {
      // Active expiry off on both, so the key expires when a command looks it up.
      try {
        await scenario(
          protocol,
          2,
          [
            [0, 'PSUBSCRIBE', '*'],
            [1, 'SET', 'e', '1', 'PX', '1'],
            [1, 'SET', 'f', '1', 'PX', '1'],
            [1, 'SET', 'g', '1', 'PX', '100000'],
            [1, 'PEXPIRE', 'g', '1'],
            ['wait', 10],
            [1, 'GET', 'e'],
            [1, 'EXISTS', 'f'],
            [1, 'TTL', 'g'],
            [1, 'GET', 'e'],
          ],
          async (side) => {
            await notifyEvents('KEA')(side);
            if (side === 'cachee') engine.setActiveExpiry(false);
            else await redisCommand(['DEBUG', 'SET-ACTIVE-EXPIRE', '0']);
          },
        );
      } finally {
        engine.setActiveExpiry(true);
        await redisCommand(['DEBUG', 'SET-ACTIVE-EXPIRE', '1']);
      }
    });

    it('keyspace notifications: active expiry', async () => {
      // Long enough for both servers' active expiry cycles (10 per second) to remove the keys.
      await scenario(
        protocol,
        2,
        [
          [0, 'PSUBSCRIBE', '__keyevent@*__:expired'],
          [1, 'SET', 'a', '1', 'PX', '1'],
          [1, 'SELECT', '2'],
          [1, 'SET', 'b', '1', 'PX', '1'],
          ['wait', 400],
          [1, 'DBSIZE'],
        ],
        notifyEvents('Ex'),
      );
    });
  });
}

describe('Pub/Sub against redis-server: random sequences', () => {
  // Three subscribers (0-2) and a publisher (3). Each subscriber has one pattern of its
  // own, so the order in which a connection gets its frames is deterministic in Redis
  // too (it visits patterns in hash order); argument-less unsubscribes are left to the
  // hand-written tests for the same reason.
  const channel = fc.constantFrom('a', 'b', 'ab', 'bc', 'ac', 'c', '');
  const patterns = ['a*', '?b', '[ab]c'];
  const message = fc.constantFrom('m', '', 'x y', 'ü');
  const sub = fc.integer({ min: 0, max: 2 });
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.tuple(sub, fc.constantFrom('SUBSCRIBE', 'UNSUBSCRIBE', 'SSUBSCRIBE', 'SUNSUBSCRIBE'), channel),
    fc.tuple(sub, fc.constantFrom('SUBSCRIBE', 'UNSUBSCRIBE'), channel, channel),
    sub.chain((c) =>
      fc.tuple(fc.constant(c), fc.constantFrom('PSUBSCRIBE', 'PUNSUBSCRIBE'), fc.constant(patterns[c])),
    ),
    fc.tuple(sub, fc.constantFrom('PING', 'GET')),
    fc.tuple(fc.constant(3), fc.constantFrom('PUBLISH', 'SPUBLISH'), channel, message),
    fc.tuple(
      fc.constant(3),
      fc.constant('PUBSUB'),
      fc.constantFrom('NUMSUB', 'SHARDNUMSUB'),
      channel,
      channel,
    ),
    fc.constant([3, 'PUBSUB', 'NUMPAT'] as const),
  );

  it('match redis-server byte for byte', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(2 as const, 3 as const),
        fc.array(step, { minLength: 5, maxLength: 30 }),
        (protocol, steps) => scenario(protocol, 4, steps).then(() => true),
      ),
      { numRuns: 15 },
    );
  });
});

describe('Pub/Sub against redis-server: order-independent replies', () => {
  for (const protocol of [2, 3] as const) {
    it(`unsubscribe-all lists every channel (RESP${protocol})`, async () => {
      const r = await Side.open('redis', redis.port, 1, protocol);
      const c = await Side.open('cachee', cacheePort, 1, protocol);
      try {
        for (const side of [r, c]) {
          await side.step(0, ['SUBSCRIBE', 'a', 'b', 'c']);
          await side.step(0, ['PSUBSCRIBE', 'x', 'y']);
          await side.step(0, ['UNSUBSCRIBE']);
          await side.step(0, ['PUNSUBSCRIBE']);
        }
        // Redis lists the channels in hash order: compare the channels as a set, and the
        // counts, which fall by one per frame whatever the order.
        const frames = (b: Buffer) => {
          const names: string[] = [];
          const counts: string[] = [];
          for (let p = 0; p < b.length; ) {
            const n = replyLength(b, p);
            const f = b.toString('latin1', p, p + n);
            const m = /^[*>]3\r\n\$\d+\r\n(\w+)\r\n(\$\d+\r\n.*?\r\n|\$-1\r\n|_\r\n)(:\d+)\r\n$/s.exec(f);
            if (m) {
              names.push(`${m[1]} ${m[2]}`);
              counts.push(`${m[1]} ${m[3]}`);
            } else {
              counts.push(f.replace(/sync-\d+/, 'sync'));
            }
            p += n;
          }
          return { names: names.sort(), counts };
        };
        expect(frames(c.conns[0].received)).toEqual(frames(r.conns[0].received));
        expect(frames(r.conns[0].received).names).toHaveLength(10);
      } finally {
        r.close();
        c.close();
      }
    });
  }

  it('PUBSUB CHANNELS lists every channel', async () => {
    const r = await Side.open('redis', redis.port, 2, 2);
    const c = await Side.open('cachee', cacheePort, 2, 2);
    try {
      for (const side of [r, c]) {
        await side.step(0, ['SUBSCRIBE', 'one', 'two', 'three', '']);
        await side.step(1, ['PUBSUB', 'CHANNELS']);
        await side.step(1, ['PUBSUB', 'CHANNELS', '*']);
        await side.step(1, ['PUBSUB', 'CHANNELS', 't*']);
      }
      const lists = (b: Buffer) => {
        const out: string[][] = [];
        for (let p = 0; p < b.length; ) {
          const n = replyLength(b, p);
          const frame = b.subarray(p, p + n);
          if (frame[0] === 0x2a) {
            const items: string[] = [];
            let q = frame.indexOf('\r\n') + 2;
            while (q < frame.length) {
              const m = replyLength(frame, q);
              items.push(frame.toString('latin1', q, q + m));
              q += m;
            }
            out.push(items.sort());
          }
          p += n;
        }
        return out;
      };
      expect(lists(c.conns[1].received)).toEqual(lists(r.conns[1].received));
      expect(lists(r.conns[1].received)).toHaveLength(3);
    } finally {
      r.close();
      c.close();
    }
  });

  it('INFO reports the registry sizes', async () => {
    const r = await Side.open('redis', redis.port, 2, 2);
    const c = await Side.open('cachee', cacheePort, 2, 2);
    try {
      for (const side of [r, c]) {
        await side.step(0, ['SUBSCRIBE', 'i1', 'i2']);
        await side.step(0, ['PSUBSCRIBE', 'p*']);
        await side.step(0, ['SSUBSCRIBE', 's']);
      }
      const [ri, ci] = await Promise.all([
        r.conns[1].request(encodeRequest(['INFO', 'stats'])),
        c.conns[1].request(encodeRequest(['INFO', 'stats'])),
      ]);
      const fields = (t: string) => t.split('\r\n').filter((l) => l.startsWith('pubsub'));
      expect(fields(ci[0])).toEqual(fields(ri[0]));
      expect(fields(ci[0])).toEqual(['pubsub_channels:2', 'pubsub_patterns:1', 'pubsubshard_channels:1']);
    } finally {
      r.close();
      c.close();
    }
  });

  it('CLIENT LIST shows sub/psub/ssub and the P flag', async () => {
    const r = await Side.open('redis', redis.port, 2, 3);
    const c = await Side.open('cachee', cacheePort, 2, 3);
    try {
      const lines: string[][] = [];
      for (const side of [r, c]) {
        await side.step(0, ['SUBSCRIBE', 'a', 'b']);
        await side.step(0, ['PSUBSCRIBE', 'p*']);
        await side.step(0, ['SSUBSCRIBE', 's']);
        const [list] = await side.conns[0].request(encodeRequest(['CLIENT', 'INFO']));
        const [typed] = await side.conns[1].request(encodeRequest(['CLIENT', 'LIST', 'TYPE', 'pubsub']));
        const pick = (t: string) => / flags=\S+ db=\d+ sub=\d+ psub=\d+ ssub=\d+/.exec(t)?.[0] ?? t;
        lines.push([pick(list), pick(typed)]);
      }
      expect(lines[1]).toEqual(lines[0]);
      expect(lines[0][0]).toBe(' flags=P db=0 sub=2 psub=1 ssub=1');
    } finally {
      r.close();
      c.close();
    }
  });

  it('pushes ignore CLIENT REPLY OFF', async () => {
    const streams: string[] = [];
    for (const port of [redis.port, cacheePort]) {
      const sub = await RawClient.connect(port);
      const pub = await RawClient.connect(port);
      await sub.write(encodeRequest(['CLIENT', 'REPLY', 'OFF']));
      await sub.write(encodeRequest(['SUBSCRIBE', 'quiet']));
      await sub.until(() => sub.replyCount() >= 1);
      await pub.request(encodeRequest(['PUBLISH', 'quiet', 'still delivered']));
      await sub.until(() => sub.replyCount() >= 2);
      await sub.write(encodeRequest(['PING']));
      await sub.write(encodeRequest(['CLIENT', 'REPLY', 'ON']));
      await sub.write(encodeRequest(['UNSUBSCRIBE']));
      // CLIENT REPLY ON is refused in subscribed mode, and the refusal is not sent either.
      await sub.until(() => sub.replyCount() >= 3);
      streams.push(sub.received.toString('latin1'));
      sub.close();
      pub.close();
    }
    expect(show(Buffer.from(streams[1], 'latin1'))).toBe(show(Buffer.from(streams[0], 'latin1')));
  });

  it('a RESP3 subscriber publishing to itself gets the push before the reply', async () => {
    // scenario() has already checked that Cachee's stream is the same.
    const [stream] = await scenario(3, 1, [
      [0, 'SUBSCRIBE', 'me'],
      [0, 'PUBLISH', 'me', 'loop'],
      [0, 'SET', 'k', 'v'],
    ]);
    expect(stream).toContain('>3\r\n$7\r\nmessage\r\n$2\r\nme\r\n$4\r\nloop\r\n:1\r\n');
  });

  it('a RESP3 subscriber sees keyspace events of its own commands before their replies', async () => {
    const [stream] = await scenario(
      3,
      1,
      [
        [0, 'SUBSCRIBE', '__keyspace@0__:mine'],
        [0, 'SET', 'mine', 'v'],
        [0, 'DEL', 'mine'],
      ],
      notifyEvents('K$g'),
    );
    expect(stream).toContain('>3\r\n$7\r\nmessage\r\n$19\r\n__keyspace@0__:mine\r\n$3\r\nset\r\n+OK\r\n');
  });

  it('CONFIG SET / GET notify-keyspace-events', async () => {
    for (const classes of ['', 'K', 'KEA', 'AKEn', 'Kmn', 'g$lshzxetdn', 'Ex', 'Kq', 'K E', 'AAA']) {
      for (const argv of [
        ['CONFIG', 'SET', 'notify-keyspace-events', classes],
        ['CONFIG', 'GET', 'notify-keyspace-events'],
      ]) {
        expect(await cacheeCommand(argv)).toBe(await redisCommand(argv));
      }
    }
    await flushBoth();
  });

  it('setNotifyKeyspaceEvents / getNotifyKeyspaceEvents render as CONFIG GET', async () => {
    // Compare Redis's CONFIG GET rendering with getNotifyKeyspaceEvents for many inputs.
    const { getNotifyKeyspaceEvents } = await import('../../src/pubsub/keyspace-events.js');
    const e = new Engine({ activeExpiry: false });
    for (const classes of [
      '',
      'K',
      'E',
      'KEA',
      'AKEn',
      'Kmn',
      'g$lshzxetd',
      'g$lshzxetdn',
      'Ex',
      'KEm',
      'Aln',
      'nK',
    ]) {
      const r = await RawClient.connect(redis.port);
      const [set, got] = await r.request(
        Buffer.concat([
          encodeRequest(['CONFIG', 'SET', 'notify-keyspace-events', classes]),
          encodeRequest(['CONFIG', 'GET', 'notify-keyspace-events']),
        ]),
        2,
      );
      r.close();
      expect(set).toBe('+OK\r\n');
      setNotifyKeyspaceEvents(e, classes);
      const text = getNotifyKeyspaceEvents(e);
      expect(got).toBe(`*2\r\n$22\r\nnotify-keyspace-events\r\n$${text.length}\r\n${text}\r\n`);
    }
    const r = await RawClient.connect(redis.port);
    const [bad] = await r.request(encodeRequest(['CONFIG', 'SET', 'notify-keyspace-events', 'Kq']));
    r.close();
    expect(() => setNotifyKeyspaceEvents(e, 'Kq')).toThrow(/Invalid event class character/);
    expect(bad).toContain(
      (() => {
        try {
          setNotifyKeyspaceEvents(e, 'Kq');
        } catch (err) {
          return (err as Error).message;
        }
        return '';
      })(),
    );
    await flushBoth();
  });
});
