/**
 * Differential tests for MULTI / EXEC / DISCARD / WATCH / UNWATCH against a real
 * redis-server, RESP2 and RESP3, with two clients per side: two connections to
 * redis-server, two sessions on one Cachee engine (in-process, or two connections
 * to a Cachee RESP server). Expiry cases wait a few ms on
 * the redis side (its active expiry turned off with DEBUG) and move a
 * ManualClock on the Cachee side.
 */
import net from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/engine/clock.js';
import { Engine } from '../../src/engine/engine.js';
import { CacheeServer } from '../../src/server/server.js';
import type { Arg } from '../../src/util/bytes.js';
import { InProcessTarget, RawConnection, show, type Target, useRedis } from './harness.js';

const redis = useRedis(['--enable-debug-command', 'yes']);

/** Which client sends a step: 1 or 2 (the same on both sides). */
type Who = 1 | 2;
/** A step: a command for client 1, `[2, ...argv]` for client 2, or `{ sleep: ms }`. */
type Step = readonly Arg[] | readonly [2, ...Arg[]] | { sleep: number };

/** Two clients of redis-server and two sessions of one Cachee engine, compared reply by reply. */
class TwoClients {
  private readonly log: string[] = [];

  private constructor(
    private readonly redis: [RawConnection, RawConnection],
    private readonly cachee: [Target, Target],
    private readonly clock: ManualClock,
    private readonly server: CacheeServer | null,
    readonly protocol: 2 | 3,
  ) {}

  static async open(port: number, protocol: 2 | 3, via: Via): Promise<TwoClients> {
    const redisSide: [RawConnection, RawConnection] = [
      await RawConnection.connect(port),
      await RawConnection.connect(port),
    ];
    const clock = new ManualClock(Date.now());
    const engine = new Engine({ clock, activeExpiry: false });
    let server: CacheeServer | null = null;
    let cacheeSide: [Target, Target];
    if (via === 'tcp') {
      server = new CacheeServer(engine, { port: 0 });
      await server.listen();
      const cacheePort = server.address!.port;
      cacheeSide = [await RawConnection.connect(cacheePort), await RawConnection.connect(cacheePort)];
    } else {
      cacheeSide = [new InProcessTarget(engine), new InProcessTarget(engine)];
    }
    const pair = new TwoClients(redisSide, cacheeSide, clock, server, protocol);
    for (const c of [...redisSide, ...cacheeSide]) {
      if (protocol === 3) await c.send(['HELLO', '3']);
    }
    await redisSide[0].send(['DEBUG', 'SET-ACTIVE-EXPIRE', '0']);
    await pair.check(1, ['FLUSHALL']);
    return pair;
  }

  /** Sends argv from client `who` on both sides; throws with the history when replies differ. */
  async check(who: Who, argv: readonly Arg[]): Promise<Buffer> {
    const [r, c] = await Promise.all([this.redis[who - 1].send(argv), this.cachee[who - 1].send(argv)]);
    this.log.push(
      `${who}> ${argv.map((a) => (typeof a === 'string' ? a : `<${a.toString('hex')}>`)).join(' ')}`,
    );
    if (!r.equals(c)) {
      throw new Error(
        `mismatch (RESP${this.protocol}) on: ${this.log.at(-1)}\n  redis:  ${show(r)}\n  cachee: ${show(c)}\n` +
          `sequence:\n  ${this.log.slice(-40).join('\n  ')}`,
      );
    }
    return r;
  }

  /** Lets `ms` pass: really on the redis side, on the ManualClock for Cachee. */
  async sleep(ms: number): Promise<void> {
    await new Promise((r) => setTimeout(r, ms + 5));
    this.clock.advance(ms + 5);
    this.log.push(`(sleep ${ms})`);
  }

  async run(steps: readonly Step[]): Promise<void> {
    for (const step of steps) {
      if ('sleep' in step) await this.sleep(step.sleep);
      else if (step[0] === 2) await this.check(2, step.slice(1) as Arg[]);
      else await this.check(1, step as readonly Arg[]);
    }
  }

  async close(): Promise<void> {
    await this.redis[0].send(['DEBUG', 'SET-ACTIVE-EXPIRE', '1']);
    await Promise.all([...this.redis, ...this.cachee].map((c) => c.close()));
    if (this.server !== null) {
      await this.server.close();
      this.server.engine.close();
    }
  }
}

/** How Cachee is reached: dispatch in-process, or its RESP server over TCP. */
type Via = 'in-process' | 'tcp';

async function withClients(protocol: 2 | 3, via: Via, fn: (c: TwoClients) => Promise<void>): Promise<void> {
  const c = await TwoClients.open(redis.port, protocol, via);
  try {
    await fn(c);
  } finally {
    await c.close();
  }
}

/** MULTI PING EXEC: shows whether the WATCH held (the reply to EXEC is compared). */
const TRY_EXEC: Step[] = [['MULTI'], ['PING'], ['EXEC']];

for (const [protocol, via] of [
  [2, 'in-process'],
  [3, 'in-process'],
  [2, 'tcp'],
  [3, 'tcp'],
] as const) {
  describe(`transactions (RESP${protocol}, ${via})`, () => {
    it('queues and runs, with runtime errors in place', async () => {
      await withClients(protocol, via, (c) =>
        c.run([
          ['MULTI'],
          ['SET', 'a', 'x'],
          ['INCR', 'a'],
          ['LPUSH', 'a', '1'],
          ['GET', 'a'],
          ['HSET', 'h', 'f', 'v'],
          ['HGETALL', 'h'],
          ['INCRBYFLOAT', 'n', '1.5'],
          ['SMEMBERS', 'nosuch'],
          ['ECHO', 'hello'],
          [2, 'GET', 'a'],
          ['EXEC'],
          [2, 'GET', 'a'],
          ['MULTI'],
          ['EXEC'],
          ['MULTI'],
          ['SELECT', '1'],
          ['SET', 'a', 'db1'],
          ['EXEC'],
          ['GET', 'a'],
          ['SELECT', '0'],
          ['GET', 'a'],
          ['MULTI'],
          ['SET', 'a', 'gone'],
          ['DISCARD'],
          ['GET', 'a'],
        ]),
      );
    });

    it('replies with every error text Redis does', async () => {
      await withClients(protocol, via, (c) =>
        c.run([
          ['EXEC'],
          ['exec'],
          ['DISCARD'],
          ['EXEC', 'x'],
          ['DISCARD', 'x'],
          ['MULTI', 'x'],
          ['WATCH'],
          ['UNWATCH', 'x'],
          ['MULTI'],
          ['MULTI'],
          ['WATCH', 'k'],
          ['UNWATCH'],
          ['SET', 'a', '1'],
          ['EXEC'],
          ['MULTI'],
          ['SET', 'a', '2'],
          ['NOSUCH', 'arg'],
          ['GET'],
          ['SET', 'b', '2'],
          ['EXEC'],
          ['GET', 'a'],
          ['EXISTS', 'b'],
          ['EXEC'],
          ['MULTI'],
          ['SET', 'a', '3'],
          ['EXEC', 'extra'],
          ['EXEC'],
          ['GET', 'a'],
          ['MULTI'],
          ['OBJECT', 'NOSUCH'],
          ['EXEC'],
          ['MULTI'],
          ['SET', 'a', '4'],
          ['DISCARD', 'x'],
          ['DISCARD'],
          ['MULTI'],
          ['MULTI', 'x'],
          ['EXEC'],
          ['MULTI'],
          ['UNWATCH', 'x'],
          ['DISCARD'],
        ]),
      );
    });

    it('WATCH: writes by the other client, the own client, and no-op commands', async () => {
      await withClients(protocol, via, (c) =>
        c.run([
          ['SET', 'k', '1'],
          ['WATCH', 'k'],
          ...TRY_EXEC,
          ['WATCH', 'k'],
          [2, 'SET', 'k', '2'],
          ...TRY_EXEC,
          ['WATCH', 'k'],
          ['SET', 'k', '3'],
          ...TRY_EXEC,
          ['WATCH', 'k'],
          [2, 'GET', 'k'],
          [2, 'EXISTS', 'k'],
          [2, 'DEL', 'nosuch'],
          [2, 'SET', 'other', '1'],
          ...TRY_EXEC,
          ['WATCH', 'a', 'b', 'k', 'c'],
          [2, 'INCR', 'k'],
          ...TRY_EXEC,
          ['WATCH', 'k', 'k'],
          [2, 'APPEND', 'k', 'x'],
          ['WATCH', 'j'],
          ['MULTI'],
          ['SET', 'j', '1'],
          ['EXEC'],
          ['EXISTS', 'j'],
          // Watching a key the other client then creates.
          ['WATCH', 'new'],
          [2, 'LPUSH', 'new', 'x'],
          ...TRY_EXEC,
          // Both clients watch; one's EXEC touches the other's key.
          ['WATCH', 'shared'],
          [2, 'WATCH', 'shared'],
          [2, 'MULTI'],
          [2, 'SET', 'shared', '2'],
          [2, 'EXEC'],
          ...TRY_EXEC,
        ]),
      );
    });

    it('WATCH: DEL, RENAME, MOVE, EXPIRE, PERSIST, FLUSHDB, FLUSHALL, SWAPDB', async () => {
      await withClients(protocol, via, async (c) => {
        const cases: Step[][] = [
          [[2, 'DEL', 'k']],
          [[2, 'UNLINK', 'k']],
          [[2, 'RENAME', 's', 'k']],
          [[2, 'RENAMENX', 's', 'k']],
          [[2, 'MOVE', 'k', '1']],
          [[2, 'EXPIRE', 'k', '100']],
          [[2, 'PERSIST', 'k']],
          [[2, 'GETDEL', 'k']],
          [[2, 'FLUSHDB']],
          [[2, 'FLUSHALL']],
          [
            [2, 'SELECT', '1'],
            [2, 'FLUSHDB'],
            [2, 'SELECT', '0'],
          ],
          [[2, 'SWAPDB', '0', '1']],
          [[2, 'SWAPDB', '2', '3']],
          [[2, 'COPY', 's', 'k', 'REPLACE']],
        ];
        for (const touch of cases) {
          await c.run([
            ['FLUSHALL'],
            ['SET', 'k', '1', 'EX', '1000'],
            ['SET', 's', '2'],
            ['WATCH', 'k'],
            ...touch,
          ]);
          await c.run(TRY_EXEC);
          // The same with the key absent.
          await c.run([['FLUSHALL'], ['SET', 's', '2'], ['WATCH', 'k'], ...touch]);
          await c.run(TRY_EXEC);
        }
        // RENAME from the watched key; SWAPDB bringing the key in from the other database.
        await c.run([['FLUSHALL'], ['SET', 's', '2'], ['WATCH', 's'], [2, 'RENAME', 's', 'k'], ...TRY_EXEC]);
        await c.run([
          ['FLUSHALL'],
          ['WATCH', 'k'],
          [2, 'SELECT', '1'],
          [2, 'SET', 'k', 'v'],
          [2, 'SWAPDB', '0', '1'],
          [2, 'SELECT', '0'],
          ...TRY_EXEC,
        ]);
        // Watches are per database.
        await c.run([
          ['FLUSHALL'],
          ['SELECT', '1'],
          ['WATCH', 'k'],
          ['SELECT', '0'],
          [2, 'SET', 'k', 'db0'],
          ['SELECT', '1'],
          ...TRY_EXEC,
          ['SELECT', '0'],
        ]);
      });
    });

    it('UNWATCH, DISCARD, EXEC and a refused EXEC forget the watches', async () => {
      await withClients(protocol, via, (c) =>
        c.run([
          ['WATCH', 'k'],
          [2, 'SET', 'k', '1'],
          ['UNWATCH'],
          ...TRY_EXEC,
          ['WATCH', 'k'],
          [2, 'SET', 'k', '2'],
          ['WATCH', 'j'],
          ['UNWATCH'],
          ['WATCH', 'j'],
          [2, 'SET', 'j', '1'],
          ...TRY_EXEC,
          ['WATCH', 'k'],
          ['MULTI'],
          ['DISCARD'],
          [2, 'SET', 'k', '3'],
          ...TRY_EXEC,
          ['WATCH', 'k'],
          ['EXEC', 'x'],
          [2, 'SET', 'k', '4'],
          ...TRY_EXEC,
          ['WATCH', 'k'],
          ['EXEC'],
          [2, 'SET', 'k', '5'],
          ...TRY_EXEC,
          ['WATCH', 'k'],
          ['DISCARD'],
          [2, 'SET', 'k', '6'],
          ...TRY_EXEC,
          // A dirty transaction still reports queueing errors first.
          ['WATCH', 'k'],
          [2, 'SET', 'k', '7'],
          ['MULTI'],
          ['NOSUCH'],
          ['EXEC'],
        ]),
      );
    });

    it('WATCH and expiry (Redis 7.0 rules)', async () => {
      await withClients(protocol, via, (c) =>
        c.run([
          // Expires after WATCH, not reclaimed yet: EXEC fails.
          ['SET', 'k', 'v', 'PX', '100'],
          ['WATCH', 'k'],
          { sleep: 110 },
          ...TRY_EXEC,
          // Expires after WATCH, reclaimed by a read: EXEC fails.
          ['SET', 'k', 'v', 'PX', '100'],
          ['WATCH', 'k'],
          { sleep: 110 },
          [2, 'GET', 'k'],
          ...TRY_EXEC,
          // Already expired when WATCHed: absent.
          ['SET', 'k', 'v', 'PX', '10'],
          { sleep: 20 },
          ['WATCH', 'k'],
          ...TRY_EXEC,
          ['SET', 'k', 'v', 'PX', '10'],
          { sleep: 20 },
          ['WATCH', 'k'],
          [2, 'GET', 'k'],
          ...TRY_EXEC,
          ['SET', 'k', 'v', 'PX', '10'],
          { sleep: 20 },
          ['WATCH', 'k'],
          [2, 'DEL', 'k'],
          ...TRY_EXEC,
          ['SET', 'k', 'v', 'PX', '10'],
          { sleep: 20 },
          ['WATCH', 'k'],
          [2, 'SET', 'k', '2'],
          ...TRY_EXEC,
          ['SET', 'k', 'v', 'PX', '10'],
          { sleep: 20 },
          ['WATCH', 'k'],
          [2, 'GET', 'k'],
          [2, 'SET', 'k', '2'],
          ...TRY_EXEC,
          ['SET', 'k', 'v', 'PX', '10'],
          { sleep: 20 },
          ['WATCH', 'k'],
          [2, 'FLUSHALL'],
          ...TRY_EXEC,
          ['SET', 'k', 'v', 'PX', '10'],
          { sleep: 20 },
          ['WATCH', 'k'],
          [2, 'FLUSHALL'],
          [2, 'SET', 'k', '1'],
          ...TRY_EXEC,
          ['SET', 'k', 'v', 'PX', '10'],
          { sleep: 20 },
          ['WATCH', 'k'],
          [2, 'SWAPDB', '0', '1'],
          ...TRY_EXEC,
          ['FLUSHALL'],
          // Expiry set by the other client while watched: a modification.
          ['SET', 'k', 'v'],
          ['WATCH', 'k'],
          [2, 'PEXPIRE', 'k', '100000'],
          ...TRY_EXEC,
          // Runtime expiry of a key inside EXEC (GET after the TTL passes).
          ['SET', 'k', 'v', 'PX', '10'],
          ['MULTI'],
          ['GET', 'k'],
          { sleep: 20 },
          ['GET', 'k'],
          ['EXEC'],
        ]),
      );
    });

    it('matches on random interleavings of two clients', async () => {
      await withClients(protocol, via, async (c) => {
        const key = fc.constantFrom('a', 'b');
        const step: fc.Arbitrary<Step> = fc
          .tuple(
            fc.constantFrom<Who>(1, 1, 2),
            fc.oneof(
              { weight: 3, arbitrary: fc.constant(['MULTI']) },
              { weight: 3, arbitrary: fc.constant(['EXEC']) },
              fc.constant(['DISCARD']),
              { weight: 2, arbitrary: key.map((k) => ['WATCH', k]) },
              fc.tuple(key, key).map(([k, j]) => ['WATCH', k, j]),
              fc.constant(['UNWATCH']),
              { weight: 3, arbitrary: key.map((k) => ['SET', k, 'v']) },
              { weight: 2, arbitrary: key.map((k) => ['INCR', k]) },
              key.map((k) => ['GET', k]),
              key.map((k) => ['DEL', k]),
              key.map((k) => ['LPUSH', k, 'x']),
              fc.constant(['FLUSHDB']),
              fc.constant(['SWAPDB', '0', '1']),
              fc.constantFrom(['SELECT', '0'], ['SELECT', '1']),
              fc.constantFrom(['NOSUCH'], ['GET'], ['EXEC', 'x'], ['WATCH']),
            ),
          )
          .map(([who, argv]) => (who === 2 ? ([2, ...argv] as Step) : (argv as Step)));
        await fc.assert(
          fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 40 }), async (steps) => {
            await c.run([
              ['DISCARD'],
              [2, 'DISCARD'],
              ['UNWATCH'],
              [2, 'UNWATCH'],
              ['SELECT', '0'],
              [2, 'SELECT', '0'],
            ]);
            await c.run([['FLUSHALL']]);
            await c.run(steps);
          }),
          { numRuns: 60 },
        );
      });
    });
  });
}

/** Sends the lines (inline commands) then `ECHO end`; returns every byte received up to that reply. */
async function rawStream(port: number, lines: readonly string[]): Promise<string> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise((r) => socket.once('connect', r));
  let out = '';
  const done = new Promise<void>((resolve) => {
    socket.on('data', (d: Buffer) => {
      out += d.toString('latin1');
      if (out.endsWith('$3\r\nend\r\n')) resolve();
    });
  });
  socket.write([...lines, 'ECHO end', ''].join('\r\n'));
  await Promise.race([done, new Promise((r) => setTimeout(r, 2000))]);
  socket.destroy();
  return out;
}

describe('CLIENT REPLY inside a transaction (TCP, byte streams)', () => {
  it('drops the same replies as Redis, even inside the EXEC array', async () => {
    const server = new CacheeServer(new Engine({ activeExpiry: false }), { port: 0 });
    await server.listen();
    try {
      for (const lines of [
        ['MULTI', 'CLIENT REPLY SKIP', 'PING', 'EXEC', 'ECHO a', 'ECHO b'],
        ['MULTI', 'PING', 'CLIENT REPLY OFF', 'PING', 'CLIENT REPLY ON', 'ECHO x', 'EXEC', 'ECHO b'],
      ]) {
        const expected = await rawStream(redis.port, lines);
        expect(await rawStream(server.address!.port, lines), lines.join(' | ')).toBe(expected);
      }
    } finally {
      await server.close();
      server.engine.close();
    }
  });
});

describe('harness sanity', () => {
  it('the two Cachee sessions share one engine', async () => {
    await withClients(2, 'in-process', async (c) => {
      await c.run([['SET', 'x', '1']]);
      expect((await c.check(2, ['GET', 'x'])).toString()).toBe('$1\r\n1\r\n');
    });
  });
});
