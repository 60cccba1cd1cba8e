/**
 * Differential tests for the blocking list commands (BLPOP, BRPOP, BLMOVE,
 * BRPOPLPUSH, BLMPOP) against a real redis-server, byte for byte, RESP2 and
 * RESP3: immediate replies, timeouts, errors, MULTI, and — with several
 * connections per side — blocked clients served by another connection's push
 * (order, chains, the ready key, WRONGTYPE destinations, keyspace events).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { CacheeServer } from '../../src/server/server.js';
import type { Arg } from '../../src/util/bytes.js';
import { DiffPair, RawConnection, type RedisProcess, show, startRedis } from './harness.js';

let redis: RedisProcess;
let server: CacheeServer;
let cacheePort: number;
beforeAll(async () => {
  redis = await startRedis();
  server = new CacheeServer(new Engine(), { port: 0 });
  cacheePort = (await server.listen()).port;
});
afterAll(async () => {
  await redis.stop();
  await server.close();
  server.engine.close();
});

const describeArgv = (argv: readonly Arg[]) =>
  argv.map((a) => (typeof a === 'string' ? a : `<${a.toString('hex')}>`)).join(' ');

/** Replies of one command on both sides, still to come. */
interface InFlight {
  argv: readonly Arg[];
  redis: Promise<Buffer>;
  cachee: Promise<Buffer>;
}

/**
 * Several connections to redis-server and to Cachee's RESP server, used in
 * step: connection i on one side mirrors connection i on the other. The last
 * connection is kept for control (INFO polling).
 */
class Clients {
  readonly log: string[] = [];

  private constructor(
    readonly redis: RawConnection[],
    readonly cachee: RawConnection[],
    readonly protocol: 2 | 3,
  ) {}

  static async open(n: number, protocol: 2 | 3): Promise<Clients> {
    const redisConns: RawConnection[] = [];
    const cacheeConns: RawConnection[] = [];
    for (let i = 0; i <= n; i++) {
      redisConns.push(await RawConnection.connect(redis.port));
      cacheeConns.push(await RawConnection.connect(cacheePort));
    }
    const c = new Clients(redisConns, cacheeConns, protocol);
    if (protocol === 3) for (let i = 0; i < n; i++) await c.check(i, ['HELLO', '3'], 'skip');
    await c.check(n, ['FLUSHALL']);
    return c;
  }

  /** Sends argv on connection i of both sides without waiting for the replies. */
  start(i: number, argv: readonly Arg[]): InFlight {
    this.log.push(`[${i}] ${describeArgv(argv)}`);
    return { argv, redis: this.redis[i].send(argv), cachee: this.cachee[i].send(argv) };
  }

  /** Waits for both replies and throws when they differ. */
  async done(f: InFlight, compare: 'exact' | 'skip' = 'exact'): Promise<Buffer> {
    const [r, c] = await Promise.all([f.redis, f.cachee]);
    if (compare === 'exact' && !r.equals(c)) {
      throw new Error(
        `mismatch (RESP${this.protocol}) on: ${describeArgv(f.argv)}\n  redis:  ${show(r)}\n  cachee: ${show(c)}\n` +
          `sequence:\n  ${this.log.slice(-30).join('\n  ')}`,
      );
    }
    return r;
  }

  check(i: number, argv: readonly Arg[], compare: 'exact' | 'skip' = 'exact'): Promise<Buffer> {
    return this.done(this.start(i, argv), compare);
  }

  /** Waits until both servers report `n` blocked clients. */
  async blocked(n: number): Promise<void> {
    const control = this.redis.length - 1;
    const deadline = Date.now() + 5000;
    for (const conn of [this.redis[control], this.cachee[control]]) {
      for (;;) {
        const info = (await conn.send(['INFO', 'clients'])).toString();
        if (info.includes(`blocked_clients:${n}\r\n`)) break;
        if (Date.now() > deadline) throw new Error(`never reached ${n} blocked clients: ${info}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    }
  }

  /** Starts a blocking command on connection i and waits until both sides hold it blocked. */
  async block(i: number, argv: readonly Arg[], blockedAfter: number): Promise<InFlight> {
    const f = this.start(i, argv);
    await this.blocked(blockedAfter);
    return f;
  }

  async close(): Promise<void> {
    await Promise.all([...this.redis, ...this.cachee].map((c) => c.close()));
  }
}

async function withClients(n: number, protocol: 2 | 3, body: (c: Clients) => Promise<void>): Promise<void> {
  const c = await Clients.open(n, protocol);
  try {
    await body(c);
  } finally {
    await c.close();
  }
}

/** One-connection sequences (immediate replies, timeouts, errors, MULTI), each from an empty keyspace. */
const SEQUENCES: Record<string, Arg[][]> = {
  'immediate replies': [
    ['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e', 'f', 'g'],
    ['BLPOP', 'l', '0'],
    ['BLPOP', 'missing', 'l', '1'],
    ['BRPOP', 'missing', 'l', 'other', '0.5'],
    ['BLMOVE', 'l', 'dst', 'LEFT', 'RIGHT', '0'],
    ['BLMOVE', 'l', 'dst', 'right', 'left', '0'],
    ['BRPOPLPUSH', 'l', 'dst', '0'],
    ['LRANGE', 'dst', '0', '-1'],
    ['BLMPOP', '0', '2', 'missing', 'l', 'LEFT'],
    ['BLMPOP', '0', '1', 'dst', 'RIGHT', 'COUNT', '2'],
    ['BLMPOP', '0', '1', 'dst', 'left', 'count', '100'],
    ['EXISTS', 'dst'],
    ['RPUSH', 'l', 'x', 'y'],
    ['BLMOVE', 'l', 'l', 'LEFT', 'RIGHT', '0'],
    ['BLPOP', 'l', 'l', '0'],
    ['EXISTS', 'l'],
    ['RPUSH', Buffer.from([0xff, 0x00]), Buffer.from([0xc3, 0x28])],
    ['BLPOP', Buffer.from([0xff, 0x00]), '0'],
  ],
  timeouts: [
    ['BLPOP', 'none', '0.01'],
    ['BRPOP', 'none', 'other', '0.02'],
    ['BLMOVE', 'none', 'dst', 'LEFT', 'LEFT', '0.01'],
    ['BRPOPLPUSH', 'none', 'dst', '0.01'],
    ['BLMPOP', '0.01', '2', 'none', 'other', 'RIGHT', 'COUNT', '3'],
    ['BLPOP', 'none', '1e-2'],
    ['BLPOP', 'none', '0x0.04p0'],
    ['EXISTS', 'dst'],
  ],
  errors: [
    ['SET', 'str', 'x'],
    ['RPUSH', 'l', 'v'],
    ['BLPOP'],
    ['BLPOP', 'k'],
    ['BLPOP', 'k', 'x'],
    ['BLPOP', 'k', '-1'],
    ['BLPOP', 'k', '-0.5'],
    ['BLPOP', 'k', 'inf'],
    ['BLPOP', 'k', '1e16'],
    ['BLPOP', 'k', 'nan'],
    ['BLPOP', 'k', ' 1'],
    ['BLPOP', 'k', ''],
    ['BLPOP', 'str', '0'],
    ['BLPOP', 'none', 'str', 'l', '0'],
    ['BRPOP', 'str', 'x'],
    ['BLMOVE', 's', 'd', 'LEFT', 'LEFT'],
    ['BLMOVE', 's', 'd', 'UP', 'LEFT', 'x'],
    ['BLMOVE', 's', 'd', 'LEFT', 'DOWN', 'x'],
    ['BLMOVE', 's', 'd', 'LEFT', 'LEFT', 'x'],
    ['BLMOVE', 's', 'd', 'LEFT', 'LEFT', '-2'],
    ['BLMOVE', 'str', 'd', 'LEFT', 'LEFT', '0'],
    ['BLMOVE', 'l', 'str', 'LEFT', 'LEFT', '0'],
    ['LRANGE', 'l', '0', '-1'],
    ['BRPOPLPUSH', 's', 'd'],
    ['BRPOPLPUSH', 's', 'd', 'x'],
    ['BRPOPLPUSH', 'str', 'd', '0'],
    ['BRPOPLPUSH', 'l', 'str', '0'],
    ['BLMPOP', '0', '1', 'k'],
    ['BLMPOP', 'x', '0', 'k', 'LEFT'],
    ['BLMPOP', 'x', '-1', 'k', 'LEFT'],
    ['BLMPOP', 'x', 'abc', 'k', 'LEFT'],
    ['BLMPOP', 'x', '5', 'k', 'LEFT'],
    ['BLMPOP', 'x', '1', 'k', 'UP'],
    ['BLMPOP', 'x', '1', 'k', 'LEFT', 'COUNT'],
    ['BLMPOP', 'x', '1', 'k', 'LEFT', 'COUNT', '0'],
    ['BLMPOP', 'x', '1', 'k', 'LEFT', 'COUNT', '-3'],
    ['BLMPOP', 'x', '1', 'k', 'LEFT', 'COUNT', '1', 'COUNT', '2'],
    ['BLMPOP', 'x', '1', 'k', 'LEFT', 'EXTRA'],
    ['BLMPOP', 'x', '1', 'k', 'LEFT'],
    ['BLMPOP', '-1', '1', 'k', 'LEFT'],
    ['BLMPOP', '0', '1', 'str', 'LEFT'],
    ['BLMPOP', '0', '2', 'none', 'str', 'LEFT'],
    ['BLPOP', 'l', 'str', '0'],
  ],
  'inside MULTI they answer at once': [
    ['MULTI'],
    ['BLPOP', 'none', '0'],
    ['BRPOP', 'none', '0'],
    ['BLMOVE', 'none', 'd', 'LEFT', 'LEFT', '0'],
    ['BRPOPLPUSH', 'none', 'd', '0'],
    ['BLMPOP', '0', '1', 'none', 'LEFT'],
    ['RPUSH', 'l', 'a', 'b'],
    ['BLPOP', 'l', '0'],
    ['BLMOVE', 'l', 'd', 'LEFT', 'LEFT', '0'],
    ['BLPOP', 'l', '0'],
    ['BLPOP', 'k', 'x'],
    ['EXEC'],
    ['MULTI'],
    ['BLPOP', 'k'],
    ['EXEC'],
  ],
};

for (const protocol of [2, 3] as const) {
  describe(`blocking list commands, one connection (RESP${protocol})`, () => {
    for (const [name, commands] of Object.entries(SEQUENCES)) {
      it(name, async () => {
        const pair = await DiffPair.open(redis.port, protocol, cacheePort);
        try {
          await pair.checkAll(commands);
        } finally {
          await pair.close();
        }
      });
    }
  });

  describe(`blocked clients served by another connection (RESP${protocol})`, () => {
    it('BLPOP / BRPOP / BLMPOP / BLMOVE woken by a push', async () => {
      await withClients(2, protocol, async (c) => {
        for (const argv of [
          ['BLPOP', 'a', 'q', '0'],
          ['BRPOP', 'q', '5'],
          ['BLMPOP', '0', '2', 'a', 'q', 'RIGHT', 'COUNT', '2'],
          ['BLMPOP', '0', '1', 'q', 'LEFT'],
          ['BLMOVE', 'q', 'dst', 'RIGHT', 'LEFT', '0'],
          ['BRPOPLPUSH', 'q', 'dst', '0'],
          ['BLMOVE', 'q', 'q', 'RIGHT', 'LEFT', '0'],
          ['BLPOP', 'q', 'q', '0'],
        ]) {
          const f = await c.block(0, argv, 1);
          await c.check(1, ['RPUSH', 'q', 'x', 'y', 'z']);
          await c.done(f);
          await c.check(1, ['LRANGE', 'q', '0', '-1']);
          await c.check(1, ['LRANGE', 'dst', '0', '-1']);
          await c.check(1, ['DEL', 'q']);
        }
      });
    });

    it('binary keys and values round-trip through a served pop', async () => {
      const key = Buffer.from([0xff, 0x00, 0x41]);
      const value = Buffer.from([0xc3, 0x28, 0x00]);
      await withClients(2, protocol, async (c) => {
        let f = await c.block(0, ['BLPOP', 'plain', key, '0'], 1);
        await c.check(1, ['RPUSH', key, value, 'text']);
        await c.done(f);
        await c.check(1, ['DEL', key]);
        f = await c.block(0, ['BLMPOP', '0', '1', key, 'LEFT', 'COUNT', '3'], 1);
        await c.check(1, ['RPUSH', key, value, 'text']);
        await c.done(f);
      });
    });

    it('first come, first served across three clients; one push can serve several', async () => {
      await withClients(4, protocol, async (c) => {
        const a = await c.block(0, ['BLPOP', 'q', '0'], 1);
        const b = await c.block(1, ['BLMPOP', '0', '1', 'q', 'RIGHT', 'COUNT', '2'], 2);
        const d = await c.block(2, ['BRPOP', 'q', '0'], 3);
        await c.check(3, ['RPUSH', 'q', '1', '2', '3']);
        await c.done(a);
        await c.done(b);
        await c.check(3, ['INFO', 'clients'], 'skip');
        await c.blocked(1);
        await c.check(3, ['LPUSH', 'q', '4']);
        await c.done(d);
        await c.check(3, ['EXISTS', 'q']);
      });
    });

    it('served from the key that became ready, after the whole transaction', async () => {
      await withClients(2, protocol, async (c) => {
        const f = await c.block(0, ['BLPOP', 'k1', 'k2', '0'], 1);
        await c.check(1, ['MULTI']);
        await c.check(1, ['RPUSH', 'k2', 'x']);
        await c.check(1, ['RPUSH', 'k1', 'y']);
        await c.check(1, ['LPOP', 'k2']);
        await c.check(1, ['RPUSH', 'k2', 'z']);
        await c.check(1, ['EXEC']);
        await c.done(f);
        await c.check(1, ['LRANGE', 'k1', '0', '-1']);
        await c.check(1, ['LRANGE', 'k2', '0', '-1']);
      });
    });

    it('chains: a served BLMOVE wakes a client blocked on its destination', async () => {
      await withClients(3, protocol, async (c) => {
        const mover = await c.block(0, ['BLMOVE', 's', 'd', 'LEFT', 'RIGHT', '0'], 1);
        const popper = await c.block(1, ['BLPOP', 'd', '0'], 2);
        await c.check(2, ['RPUSH', 's', 'v1', 'v2']);
        await c.done(mover);
        await c.done(popper);
        await c.check(2, ['LRANGE', 's', '0', '-1']);
        await c.check(2, ['EXISTS', 'd']);
      });
    });

    it('a destination of another type gives the mover WRONGTYPE and serves the next', async () => {
      await withClients(3, protocol, async (c) => {
        const mover = await c.block(0, ['BRPOPLPUSH', 'src', 'dst', '0'], 1);
        const popper = await c.block(1, ['BLPOP', 'src', '0'], 2);
        await c.check(2, ['SET', 'dst', 'string']);
        await c.check(2, ['RPUSH', 'src', 'v']);
        await c.done(mover);
        await c.done(popper);
        await c.check(2, ['EXISTS', 'src']);
        await c.check(2, ['GET', 'dst']);
      });
    });

    it('a key of another type does not serve; the client stays blocked until a list comes', async () => {
      await withClients(2, protocol, async (c) => {
        const f = await c.block(0, ['BLPOP', 'k', '0'], 1);
        await c.check(1, ['SET', 'k', 'x']);
        await c.check(1, ['DEL', 'k']);
        await c.check(1, ['SADD', 'k', 'm']);
        await c.blocked(1);
        await c.check(1, ['DEL', 'k']);
        await c.check(1, ['RPUSH', 'k', 'finally']);
        await c.done(f);
      });
    });

    it('pipelined commands wait behind the blocked one', async () => {
      await withClients(2, protocol, async (c) => {
        const f = await c.block(0, ['BLPOP', 'q', '0'], 1);
        const ping = c.start(0, ['PING']);
        const llen = c.start(0, ['LLEN', 'q']);
        await c.check(1, ['RPUSH', 'q', 'a', 'b']);
        await c.done(f);
        await c.done(ping);
        await c.done(llen);
      });
    });

    it('CLIENT UNBLOCK ends the wait as a timeout or with an error', async () => {
      await withClients(2, protocol, async (c) => {
        const rid = (await c.redis[0].send(['CLIENT', 'ID'])).toString().slice(1, -2);
        const cid = (await c.cachee[0].send(['CLIENT', 'ID'])).toString().slice(1, -2);
        const unblock = async (...reason: string[]) => {
          const r = await c.redis[1].send(['CLIENT', 'UNBLOCK', rid, ...reason]);
          const k = await c.cachee[1].send(['CLIENT', 'UNBLOCK', cid, ...reason]);
          expect(show(k)).toBe(show(r));
        };
        let f = await c.block(0, ['BLMOVE', 'q', 'd', 'LEFT', 'LEFT', '0'], 1);
        await unblock();
        await c.done(f);
        f = await c.block(0, ['BLPOP', 'q', '0'], 1);
        await unblock('ERROR');
        await c.done(f);
        await unblock('TIMEOUT');
        await c.check(1, ['CLIENT', 'UNBLOCK', '999999']);
        await c.check(1, ['CLIENT', 'UNBLOCK', 'x', 'FOO']);
        await c.check(1, ['CLIENT', 'UNBLOCK', 'x']);
      });
    });

    it('keyspace events of served pops match', async () => {
      await withClients(3, protocol, async (c) => {
        await c.check(2, ['CONFIG', 'SET', 'notify-keyspace-events', 'KEA']);
        try {
          const sub = 1;
          await c.check(sub, ['PSUBSCRIBE', '__keyevent@0__:*']);
          const mover = await c.block(0, ['BLMOVE', 's', 'd', 'LEFT', 'RIGHT', '0'], 1);
          await c.check(2, ['RPUSH', 's', 'v1']);
          await c.done(mover);
          // rpush s, rpush d, lpop s, del s
          const events = {
            argv: ['(events)'],
            redis: c.redis[sub].sendRaw(Buffer.alloc(0), 4).then((b) => Buffer.concat(b)),
            cachee: c.cachee[sub].sendRaw(Buffer.alloc(0), 4).then((b) => Buffer.concat(b)),
          };
          await c.done(events);
        } finally {
          await c.check(2, ['CONFIG', 'SET', 'notify-keyspace-events', '']);
        }
      });
    });
  });
}
