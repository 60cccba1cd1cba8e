/**
 * node-redis v5 against Cachee's RESP server, in RESP2 and RESP3: the connect
 * handshake (HELLO, CLIENT SETINFO, SELECT, CLIENT SETNAME), MULTI, pub/sub on
 * a duplicated connection, hGetAll, zRange WITHSCORES, scanIterator and
 * binary values via RESP_TYPES type mapping.
 */
import { createClient, RESP_TYPES } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Started, startServer } from '../server/helpers.js';

let s: Started;

beforeAll(async () => {
  s = await startServer();
});
afterAll(async () => {
  await s.stop();
});

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} stalled for ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

for (const RESP of [2, 3] as const) {
  describe(`node-redis v5, RESP${RESP}`, () => {
    const open = async (database = 0) => {
      const client = createClient({
        socket: { port: s.port, host: '127.0.0.1', reconnectStrategy: false },
        RESP,
        database,
        name: `nr-${RESP}`,
      });
      client.on('error', () => {});
      await withTimeout(client.connect(), 3000, `node-redis RESP${RESP} handshake`);
      return client;
    };

    it('connects (HELLO, CLIENT SETINFO, SELECT, SETNAME) and runs plain commands', async () => {
      const c = await open(4);
      try {
        expect(c.isReady).toBe(true);
        const info = await c.clientInfo();
        expect(info.db).toBe(4);
        expect(info.name).toBe(`nr-${RESP}`);
        expect(info.resp).toBe(RESP);
        const p = `nr${RESP}:`;
        expect(await c.set(`${p}k`, 'v', { expiration: { type: 'EX', value: 100 } })).toBe('OK');
        expect(await c.get(`${p}k`)).toBe('v');
        expect(await c.ttl(`${p}k`)).toBe(100);
        expect(await c.incrBy(`${p}n`, 5)).toBe(5);
        expect(await c.incrByFloat(`${p}f`, 1.5)).toBe(RESP === 2 ? '1.5' : '1.5');
        expect(await c.get(`${p}missing`)).toBeNull();
        expect(await c.mGet([`${p}k`, `${p}missing`])).toEqual(['v', null]);
        await expect(c.sendCommand(['NOSUCHCMD', 'a'])).rejects.toThrow(/unknown command 'NOSUCHCMD'/);
        // An error reply does not stall what follows.
        expect(await c.ping()).toBe('PONG');
        expect(await c.exists(`${p}k`)).toBe(1);
        expect(await c.dbSize()).toBeGreaterThan(0);
      } finally {
        c.destroy();
      }
    });

    it('hGetAll and zRange WITHSCORES', async () => {
      const c = await open();
      try {
        const h = `nr${RESP}:h`;
        await c.hSet(h, { a: '1', b: 'two', c: '' });
        expect(await c.hGetAll(h)).toEqual({ a: '1', b: 'two', c: '' });
        expect(await c.hGetAll(`nr${RESP}:nohash`)).toEqual({});
        const z = `nr${RESP}:z`;
        await c.zAdd(z, [
          { score: 1.5, value: 'x' },
          { score: -2, value: 'y' },
          { score: Number.POSITIVE_INFINITY, value: 'z' },
        ]);
        expect(await c.zRangeWithScores(z, 0, -1)).toEqual([
          { value: 'y', score: -2 },
          { value: 'x', score: 1.5 },
          { value: 'z', score: Number.POSITIVE_INFINITY },
        ]);
        // The raw reply: flat in RESP2, [member, score] pairs with doubles in RESP3.
        const raw = await c.sendCommand(['ZRANGE', z, '0', '1', 'WITHSCORES']);
        expect(raw).toEqual(
          RESP === 2
            ? ['y', '-2', 'x', '1.5']
            : [
                ['y', -2],
                ['x', 1.5],
              ],
        );
        expect(await c.zScore(z, 'x')).toBe(1.5);
        expect(await c.zRank(z, 'z')).toBe(2);
      } finally {
        c.destroy();
      }
    });

    it('runs MULTI/EXEC and WATCH', async () => {
      const c = await open();
      const other = await open();
      try {
        const k = `nr${RESP}:t`;
        const res = await c.multi().set(k, '1').incr(k).get(k).lPush(`${k}:l`, ['a', 'b']).exec();
        expect(res).toEqual(['OK', 2, '2', 2]);
        // A client in WATCH state needs its own connection (isolated).
        await c.watch(k);
        await other.set(k, '9');
        await expect(c.multi().incr(k).exec()).rejects.toThrow(/watched keys has been changed/);
        expect(await c.get(k)).toBe('9');
        // Errors inside EXEC come back per command.
        await c.set(`${k}:s`, 'str');
        const failed = await c
          .multi()
          .incr(`${k}:s`)
          .get(`${k}:s`)
          .exec()
          .catch((e: { replies: unknown[] }) => e.replies);
        expect(String(failed[0])).toMatch(/ERR value is not an integer or out of range/);
        expect(failed[1]).toBe('str');
        // A pipeline without MULTI.
        const piped = await c.multi().ping().echo('e').execAsPipeline();
        expect(piped).toEqual(['PONG', 'e']);
      } finally {
        c.destroy();
        other.destroy();
      }
    });

    it('delivers pub/sub messages (subscribe on one client, publish on another)', async () => {
      const pub = await open();
      const sub = pub.duplicate();
      sub.on('error', () => {});
      await withTimeout(sub.connect(), 3000, 'duplicate connect');
      try {
        const got: string[] = [];
        await sub.subscribe(`nr${RESP}:ch`, (message, channel) => got.push(`${channel}=${message}`));
        await sub.pSubscribe(`nr${RESP}:p*`, (message, channel) => got.push(`p:${channel}=${message}`));
        const bufs: Buffer[] = [];
        await sub.subscribe(`nr${RESP}:bin`, (message) => bufs.push(message), true);
        expect(await pub.publish(`nr${RESP}:ch`, 'hello')).toBe(1);
        expect(await pub.publish(`nr${RESP}:pat`, 'world')).toBe(1);
        expect(await pub.publish(`nr${RESP}:bin`, Buffer.from([0xff, 0, 0xfe]))).toBe(1);
        expect(await pub.pubSubNumSub([`nr${RESP}:ch`])).toEqual({ [`nr${RESP}:ch`]: 1 });
        await withTimeout(
          (async () => {
            while (got.length < 2 || bufs.length < 1) await new Promise((r) => setTimeout(r, 5));
          })(),
          3000,
          'pub/sub delivery',
        );
        expect(got.sort()).toEqual([`nr${RESP}:ch=hello`, `p:nr${RESP}:pat=world`]);
        expect(bufs[0]).toEqual(Buffer.from([0xff, 0, 0xfe]));
        if (RESP === 3) {
          // RESP3: the subscribed connection still runs ordinary commands.
          expect(await sub.ping()).toBe('PONG');
        }
        // (node-redis's argument-less UNSUBSCRIBE never resolves here, against redis-server too.)
        await sub.unsubscribe([`nr${RESP}:ch`, `nr${RESP}:bin`]);
        await sub.pUnsubscribe(`nr${RESP}:p*`);
        expect(await pub.publish(`nr${RESP}:ch`, 'gone')).toBe(0);
      } finally {
        sub.destroy();
        pub.destroy();
      }
    });

    it('scanIterator and binary values', async () => {
      const c = await open(6 + RESP);
      try {
        await c.flushDb();
        for (let i = 0; i < 300; i++) await c.set(`it:${i}`, String(i));
        const keys: string[] = [];
        for await (const batch of c.scanIterator({ MATCH: 'it:*', COUNT: 50 })) keys.push(...batch);
        expect(new Set(keys).size).toBe(300);
        const bin = c.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
        const value = Buffer.from([0, 1, 0xff, 0x80, 13, 10]);
        await bin.set('bin', value);
        expect(await bin.get('bin')).toEqual(value);
      } finally {
        c.destroy();
      }
    });
  });
}
