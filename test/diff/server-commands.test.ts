/**
 * Differential tests of the operator commands against a real redis-server, in
 * RESP2 and RESP3: CONFIG GET / SET of every parameter Cachee honours (errors
 * included), SLOWLOG, LATENCY, MEMORY, DEBUG, TIME, LASTSAVE, WAIT, RESET, the
 * CLIENT subcommands and the INFO sections dispatch feeds. Where a reply holds
 * per-server values (ids, times, addresses, byte counts) it is compared by shape.
 * Then the RESP server's side: CLIENT PAUSE, WAIT blocking, CLIENT UNBLOCK and
 * SHUTDOWN over TCP.
 */
import '../../src/commands/registry.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_NAMES, CONFIG_PARAMS } from '../../src/commands/config-registry.js';
import { Engine } from '../../src/engine/engine.js';
import { hashLimits } from '../../src/types/hash.js';
import { setLimits } from '../../src/types/set.js';
import { zsetLimits } from '../../src/types/zset.js';
import { RawClient, resp, startServer } from '../server/helpers.js';
import { DiffPair, InProcessTarget, RawConnection, type RedisProcess, show, startRedis } from './harness.js';

let redis: RedisProcess;
let debugRedis: RedisProcess;
beforeAll(async () => {
  [redis, debugRedis] = await Promise.all([startRedis(), startRedis(['--enable-debug-command', 'yes'])]);
});
afterAll(async () => {
  await Promise.all([redis.stop(), debugRedis.stop()]);
});
afterEach(() => {
  hashLimits.maxListpackEntries = 512;
  hashLimits.maxListpackValue = 64;
  setLimits.maxIntsetEntries = 512;
  zsetLimits.maxListpackEntries = 128;
  zsetLimits.maxListpackValue = 64;
});

/** A decoded reply: bulk/simple/verbatim strings, integers, doubles, arrays; maps as [k, v] pairs; errors as {err}. */
type V = null | number | boolean | string | { err: string } | V[];

function decode(buf: Buffer, pos = 0): [V, number] {
  const t = String.fromCharCode(buf[pos]);
  const eol = buf.indexOf('\r\n', pos);
  const line = buf.toString('latin1', pos + 1, eol);
  let p = eol + 2;
  switch (t) {
    case '$':
    case '=': {
      const n = Number(line);
      if (n < 0) return [null, p];
      const s = buf.toString('latin1', p, p + n);
      return [t === '=' ? s.slice(4) : s, p + n + 2];
    }
    case '+':
      return [line, p];
    case '-':
      return [{ err: line }, p];
    case ':':
      return [Number(line), p];
    case ',':
      return [Number(line), p];
    case '#':
      return [line === 't', p];
    case '_':
      return [null, p];
    case '*':
    case '~':
    case '>':
    case '%': {
      const n = Number(line);
      if (n < 0) return [null, p];
      const items: V[] = [];
      for (let i = 0; i < n * (t === '%' ? 2 : 1); i++) {
        const [v, np] = decode(buf, p);
        items.push(v);
        p = np;
      }
      if (t !== '%') return [items, p];
      const pairs: V[] = [];
      for (let i = 0; i < items.length; i += 2) pairs.push([items[i], items[i + 1]]);
      return [pairs, p];
    }
    default:
      throw new Error(`bad reply ${show(buf)}`);
  }
}

const value = (b: Buffer): V => decode(b)[0];

/** A CONFIG GET / map reply as sorted [name, value] pairs, in either protocol. */
function pairs(b: Buffer, protocol: 2 | 3): [string, string][] {
  const v = value(b) as V[];
  const out: [string, string][] = [];
  if (protocol === 3) for (const p of v as [string, string][]) out.push(p);
  else for (let i = 0; i < v.length; i += 2) out.push([v[i] as string, v[i + 1] as string]);
  return out.sort(([a], [b2]) => (a < b2 ? -1 : a > b2 ? 1 : 0));
}

/** The defaults every test leaves behind (both servers' config is process state). */
const RESTORE: string[][] = CONFIG_PARAMS.filter(
  (p) => !p.immutable && !['port', 'bind', 'track-access-time', 'save', 'appendonly'].includes(p.name),
).map((p) => ['CONFIG', 'SET', p.name, p.defaultValue]);

async function restore(pair: DiffPair): Promise<void> {
  for (const c of RESTORE) await pair.check(c);
}

/** A pair whose Cachee side allows DEBUG, against the redis-server started with enable-debug-command yes. */
async function debugPair(protocol: 2 | 3): Promise<DiffPair> {
  const r = await RawConnection.connect(debugRedis.port);
  const pair = new DiffPair(r, new InProcessTarget(new Engine({ enableDebugCommand: 'yes' })), protocol);
  if (protocol === 3) await pair.both(['HELLO', '3']);
  await pair.both(['FLUSHALL']);
  return pair;
}

for (const protocol of [2, 3] as const) {
  describe(`server commands (RESP${protocol})`, () => {
    let pair: DiffPair;
    beforeAll(async () => {
      pair = await DiffPair.open(redis.port, protocol);
    });
    afterAll(async () => {
      await restore(pair);
      await pair.close();
    });
    afterEach(async () => {
      await restore(pair);
    });

    it('CONFIG GET every honoured parameter, by name and alias, in any case', async () => {
      for (const name of CONFIG_NAMES) {
        if (name === 'track-access-time') continue; // Cachee's own
        await pair.check(['CONFIG', 'GET', name], name === 'port' ? 'type' : 'exact');
        if (name !== 'port') await pair.check(['CONFIG', 'GET', name.toUpperCase()]);
      }
      await pair.check(['CONFIG', 'GET', 'nosuch']);
      await pair.check(['CONFIG', 'GET', 'maxmemory', 'MAXMEMORY', 'maxmemory']);
      await pair.check(['CONFIG', 'GET']);
      await pair.check(['CONFIG', 'GET', 'track-access-time'], 'type');
    });

    it('CONFIG GET glob patterns and several names', async () => {
      for (const args of [
        ['hash-max-*'],
        ['zset-max-*', 'set-max-*'],
        ['*-ziplist-*'],
        ['slowlog-*'],
        ['lfu-*'],
        ['latency-*'],
        ['list-max-*', 'list-max-ziplist-size'],
        ['client-*'],
        ['LUA-*', 'busy-*'],
        ['proto-*', 'notify-keyspace-events', 'hz'],
        ['h?', 'HZ'],
        ['[hz]*-max-listpack-*'],
        ['maxmemory-policy', 'maxmemory-samples', 'maxmemory'],
      ]) {
        const { redis: r, cachee: c } = await pair.both(['CONFIG', 'GET', ...args]);
        expect(c[0], args.join(' ')).toBe(r[0]);
        expect(pairs(c, protocol), args.join(' ')).toEqual(pairs(r, protocol));
      }
    });

    it('CONFIG SET then GET, values and refusals', async () => {
      const cases: [string, string][] = [
        ['maxmemory', '100mb'],
        ['maxmemory', '1GB'],
        ['maxmemory', '100k'],
        ['maxmemory', '7b'],
        ['maxmemory', ''],
        ['maxmemory', 'mb'],
        ['maxmemory', '18446744073709551615'],
        ['maxmemory', '99999999999999999999'],
        ['maxmemory', '1x'],
        ['maxmemory', ' 1'],
        ['maxmemory', '+1'],
        ['maxmemory', '-1'],
        ['maxmemory', '0'],
        ['maxmemory-policy', 'ALLKEYS-LRU'],
        ['maxmemory-policy', 'volatile-ttl'],
        ['maxmemory-policy', 'nosuch'],
        ['maxmemory-samples', '10'],
        ['maxmemory-samples', '0'],
        ['maxclients', '5000'],
        ['maxclients', '0'],
        ['maxclients', '-1'],
        ['maxclients', '4294967296'],
        ['maxclients', 'abc'],
        ['maxclients', '10000'],
        ['timeout', '30'],
        ['timeout', '-1'],
        ['timeout', '2147483648'],
        ['tcp-keepalive', '60'],
        ['hz', '600'],
        ['hz', '0'],
        ['hz', '20'],
        ['protected-mode', 'NO'],
        ['protected-mode', 'maybe'],
        ['lfu-log-factor', '5'],
        ['lfu-decay-time', '0'],
        ['notify-keyspace-events', 'KEA'],
        ['notify-keyspace-events', 'Kgx$'],
        ['notify-keyspace-events', 'Q'],
        ['notify-keyspace-events', ''],
        ['busy-reply-threshold', '100'],
        ['lua-time-limit', '200'],
        ['lua-time-limit', 'x'],
        ['slowlog-log-slower-than', '-1'],
        ['slowlog-log-slower-than', '-2'],
        ['slowlog-log-slower-than', '9223372036854775807'],
        ['slowlog-max-len', '5'],
        ['latency-monitor-threshold', '7'],
        ['latency-tracking', 'no'],
        ['latency-tracking-info-percentiles', '50 99.9'],
        ['latency-tracking-info-percentiles', ''],
        ['latency-tracking-info-percentiles', '0.5 1e1'],
        ['latency-tracking-info-percentiles', '101'],
        ['latency-tracking-info-percentiles', 'x'],
        ['proto-max-bulk-len', '2mb'],
        ['proto-max-bulk-len', '1'],
        ['proto-max-bulk-len', '10000000000000000000'],
        ['client-query-buffer-limit', '2gb'],
        ['client-query-buffer-limit', '1k'],
        ['client-output-buffer-limit', 'pubsub 64mb 16mb 30'],
        ['client-output-buffer-limit', 'slave 1 2 3 NORMAL 4kb 5k 6'],
        ['client-output-buffer-limit', 'normal 1 2'],
        ['client-output-buffer-limit', 'master 1 2 3'],
        ['client-output-buffer-limit', 'normal 1x 2 3'],
        ['client-output-buffer-limit', 'normal 1 2 -3'],
        ['hash-max-listpack-entries', '10'],
        ['hash-max-ziplist-entries', '11'],
        ['hash-max-listpack-entries', '-1'],
        ['hash-max-listpack-value', '1k'],
        ['hash-max-ziplist-value', '2kb'],
        ['set-max-intset-entries', '20'],
        ['set-max-intset-entries', '1k'],
        ['zset-max-listpack-entries', '30'],
        ['zset-max-ziplist-entries', '31'],
        ['zset-max-listpack-value', '100'],
        ['zset-max-ziplist-value', '101'],
        ['list-max-listpack-size', '-3'],
        ['list-max-ziplist-size', '128'],
        ['list-max-listpack-size', '2147483648'],
        ['requirepass', ''],
        ['save', ''],
        ['appendonly', 'no'],
        ['appendonly', 'maybe'],
        ['databases', '4'],
        ['enable-debug-command', 'yes'],
        ['daemonize', 'no'],
        ['nosuch', 'x'],
      ];
      for (const [name, v] of cases) {
        await pair.check(['CONFIG', 'SET', name, v]);
        await pair.check(['CONFIG', 'GET', name]);
      }
    });

    it('CONFIG SET several pairs at once, all or nothing', async () => {
      await pair.checkAll([
        ['CONFIG', 'SET', 'maxmemory', '10mb', 'hz', '50', 'maxmemory-policy', 'x'],
        ['CONFIG', 'GET', 'maxmemory'],
        ['CONFIG', 'GET', 'hz'],
        ['CONFIG', 'SET', 'maxmemory', '10mb', 'hz', '50', 'maxmemory-policy', 'allkeys-lru'],
        ['CONFIG', 'GET', 'maxmemory'],
        ['CONFIG', 'GET', 'maxmemory-policy'],
        ['CONFIG', 'SET', 'maxmemory', '1', 'MAXMEMORY', '2'],
        ['CONFIG', 'SET', 'lua-time-limit', '100', 'busy-reply-threshold', '200'],
        ['CONFIG', 'GET', 'lua-time-limit'],
        ['CONFIG', 'SET', 'databases', '1', 'nosuch', 'x'],
        ['CONFIG', 'SET', 'nosuch', 'x', 'databases', '1'],
        ['CONFIG', 'SET', 'hz', 'x', 'nosuch', 'y'],
        ['CONFIG', 'SET', 'hz', '5', 'hz', 'x'],
        ['CONFIG', 'GET', 'hz'],
        ['CONFIG', 'SET', 'a', 'b', 'c'],
        ['CONFIG', 'SET', 'a'],
        ['CONFIG', 'SET'],
        ['CONFIG'],
        ['CONFIG', 'FOO'],
        ['CONFIG', 'HELP'],
        ['CONFIG', 'HELP', 'x'],
        ['CONFIG', 'RESETSTAT', 'x'],
        ['CONFIG', 'REWRITE'],
        ['CONFIG', 'RESETSTAT'],
      ]);
    });

    it('SLOWLOG entries, lengths, truncation and redaction', async () => {
      await pair.checkAll([
        ['CONFIG', 'SET', 'slowlog-log-slower-than', '0'],
        ['SLOWLOG', 'RESET'],
        ['CLIENT', 'SETNAME', 'slowpoke'],
        ['SET', 'k', 'x'.repeat(300)],
        ['RPUSH', 'l', ...Array.from({ length: 40 }, (_, i) => `e${i}`)],
        ['AUTH', 'nopass'],
        ['CONFIG', 'SET', 'requirepass', '', 'maxmemory', '0'],
      ]);
      // HELLO's reply holds the client id: compared by shape.
      await pair.check(['HELLO', String(protocol), 'AUTH', 'default', 'x', 'SETNAME', 'slowpoke'], 'type');
      await pair.checkAll([
        ['SET', Buffer.from([0xff, 0xfe]), Buffer.from('é'.repeat(100))],
        ['SLOWLOG', 'LEN'],
      ]);
      const { redis: r, cachee: c } = await pair.both(['SLOWLOG', 'GET', '-1']);
      // Ids, times and durations are per server; addresses differ (Cachee runs in-process here).
      const shape = (b: Buffer) =>
        (value(b) as V[][]).map(([id, time, duration, argv, , name]) => [
          typeof id,
          typeof time,
          typeof duration,
          argv,
          name,
        ]);
      expect(shape(c)).toEqual(shape(r));
      for (const n of ['0', '1', '3', '-1']) {
        const { redis: rr, cachee: cc } = await pair.both(['SLOWLOG', 'GET', n]);
        expect((value(cc) as V[]).length, n).toBe((value(rr) as V[]).length);
      }
      await pair.checkAll([
        ['SLOWLOG', 'GET', '-2'],
        ['SLOWLOG', 'GET', 'x'],
        ['SLOWLOG', 'GET', '1', '2'],
        ['SLOWLOG', 'LEN', 'x'],
        ['SLOWLOG', 'FOO'],
        ['SLOWLOG'],
        ['SLOWLOG', 'HELP'],
        ['CONFIG', 'SET', 'slowlog-max-len', '2'],
        ['PING'],
        ['SLOWLOG', 'LEN'],
        ['CONFIG', 'SET', 'slowlog-log-slower-than', '-1'],
        ['SLOWLOG', 'RESET'],
        ['PING'],
        ['SLOWLOG', 'LEN'],
        ['SLOWLOG', 'GET'],
        ['CLIENT', 'SETNAME', ''],
      ]);
    });

    it('MEMORY USAGE by type, STATS fields, the other subcommands', async () => {
      await pair.checkAll([
        ['SET', 's', 'v'],
        ['SET', 'n', '12345'],
        ['HSET', 'h', 'f', 'v'],
        ['RPUSH', 'l', 'a', 'b'],
        ['SADD', 'st', '1', '2'],
        ['ZADD', 'z', '1', 'a'],
      ]);
      for (const k of ['s', 'n', 'h', 'l', 'st', 'z']) {
        await pair.check(['MEMORY', 'USAGE', k], 'type');
        await pair.check(['MEMORY', 'USAGE', k, 'SAMPLES', '0'], 'type');
        await pair.check(['MEMORY', 'usage', k, 'samples', '2'], 'type');
      }
      await pair.checkAll([
        ['MEMORY', 'USAGE', 'nokey'],
        ['MEMORY', 'USAGE', 's', 'SAMPLES', '-1'],
        ['MEMORY', 'USAGE', 's', 'SAMPLES', 'x'],
        ['MEMORY', 'USAGE', 's', 'SAMPLES'],
        ['MEMORY', 'USAGE', 's', 'FOO', '1'],
        ['MEMORY', 'USAGE'],
        ['MEMORY', 'STATS', 'x'],
        ['MEMORY', 'DOCTOR', 'x'],
        ['MEMORY', 'FOO'],
        ['MEMORY'],
        ['MEMORY', 'HELP'],
        ['MEMORY', 'PURGE'],
      ]);
      const { redis: r, cachee: c } = await pair.both(['MEMORY', 'STATS']);
      expect(c[0]).toBe(r[0]);
      const names = (b: Buffer) => {
        const v = value(b) as V[];
        return protocol === 3 ? (v as V[][]).map((p) => p[0]) : v.filter((_, i) => i % 2 === 0);
      };
      expect(names(c)).toEqual(names(r));
      await pair.check(['MEMORY', 'DOCTOR'], 'type');
      // A jemalloc build answers with its report; Cachee as a build without jemalloc does (a bulk string).
      if (protocol === 2) await pair.check(['MEMORY', 'MALLOC-STATS'], 'type');
    });

    it('TIME, LASTSAVE, WAIT, RESET and the CLIENT subcommands', async () => {
      const { redis: r, cachee: c } = await pair.both(['TIME']);
      const [sec, usec] = value(c) as string[];
      expect(r.toString('latin1')).toMatch(/^\*2\r\n\$10\r\n\d{10}\r\n\$\d\r\n\d+\r\n$/);
      expect(c.toString('latin1')).toMatch(/^\*2\r\n\$10\r\n\d{10}\r\n\$\d\r\n\d+\r\n$/);
      expect(Math.abs(Number(sec) - Number((value(r) as string[])[0]))).toBeLessThanOrEqual(2);
      expect(Number(usec)).toBeLessThan(1e6);
      await pair.check(['LASTSAVE'], 'type');
      await pair.checkAll([
        ['TIME', 'x'],
        ['WAIT', '0', '0'],
        ['WAIT', '-1', '0'],
        ['WAIT', '0', '-1'],
        ['WAIT', 'a', '0'],
        ['WAIT', '0', 'a'],
        ['WAIT', '0', '99999999999999999999'],
        ['WAIT', '0'],
        ['CLIENT', 'NO-TOUCH', 'on'],
        ['CLIENT', 'PAUSE', '10', 'foo'],
        ['CLIENT', 'PAUSE', '-1'],
        ['CLIENT', 'PAUSE', 'abc'],
        ['CLIENT', 'PAUSE', '99999999999999999999'],
        ['CLIENT', 'PAUSE', '1', '2', '3'],
        ['CLIENT', 'PAUSE', '0'],
        ['CLIENT', 'UNPAUSE'],
        ['CLIENT', 'UNPAUSE', 'x'],
        ['CLIENT', 'UNBLOCK', 'abc'],
        ['CLIENT', 'UNBLOCK', 'abc', 'foo'],
        ['CLIENT', 'UNBLOCK', '1', 'foo'],
        ['CLIENT', 'UNBLOCK', '999999', 'TIMEOUT'],
        ['CLIENT', 'UNBLOCK', '999999', 'error'],
        ['CLIENT', 'UNBLOCK', '0'],
        ['CLIENT', 'KILL', 'ID', 'abc'],
        ['CLIENT', 'KILL', 'ID', '0'],
        ['CLIENT', 'KILL', 'ID', '999999'],
        ['CLIENT', 'KILL', 'TYPE', 'foo'],
        ['CLIENT', 'KILL', 'TYPE', 'pubsub'],
        ['CLIENT', 'KILL', 'USER', 'nosuch'],
        ['CLIENT', 'KILL', 'ADDR'],
        ['CLIENT', 'KILL', 'ADDR', '1.2.3.4:5', 'SKIPME', 'maybe'],
        ['CLIENT', 'KILL', 'LADDR', '1.2.3.4:5'],
        ['CLIENT', 'KILL', '1.2.3.4:5'],
        ['CLIENT', 'KILL', 'FOO', 'bar'],
        ['SHUTDOWN', 'ABORT'],
        ['SHUTDOWN', 'foo'],
        ['SHUTDOWN', 'NOSAVE', 'SAVE'],
        ['SHUTDOWN', 'NOW', 'ABORT'],
        ['SELECT', '2'],
        ['CLIENT', 'SETNAME', 'x'],
        ['RESET', 'x'],
        ['RESET'],
        ['CLIENT', 'GETNAME'],
        ['CONFIG', 'GET', 'hz'],
        ['DBSIZE'],
      ]);
      if (protocol === 3) await pair.both(['HELLO', '3']);
    });

    it('DEBUG is refused without enable-debug-command', async () => {
      await pair.checkAll([['DEBUG', 'HELP'], ['DEBUG', 'SLEEP', '0'], ['DEBUG'], ['debug', 'object', 'k']]);
    });

    it('INFO commandstats, errorstats and latencystats after CONFIG RESETSTAT', async () => {
      await pair.checkAll([
        ['CONFIG', 'RESETSTAT'],
        ['SET', 'a', '1'],
        ['GET', 'a'],
        ['GET'],
        ['INCRBY', 'a', 'x'],
        ['LPUSH', 'a', 'x'],
        ['NOSUCH'],
        ['CONFIG', 'GET', 'hz'],
        ['CONFIG', 'FOO'],
        ['MEMORY'],
      ]);
      const stats = (b: Buffer, re: RegExp) =>
        String(value(b))
          .split('\r\n')
          .filter((l) => re.test(l))
          .map((l) => l.replace(/usec=\d+,usec_per_call=[\d.]+,/, ''))
          .sort();
      const { redis: r, cachee: c } = await pair.both(['INFO', 'commandstats']);
      expect(stats(c, /^cmdstat_/)).toEqual(stats(r, /^cmdstat_/));
      await pair.check(['INFO', 'errorstats']);
      const { redis: r2, cachee: c2 } = await pair.both(['INFO', 'latencystats']);
      const names = (b: Buffer) => stats(b, /^latency_percentiles_usec_/).map((l) => l.split(':')[0]);
      expect(names(c2)).toEqual(names(r2));
      expect(String(value(c2))).toMatch(
        /latency_percentiles_usec_set:p50=\d+\.\d{3},p99=\d+\.\d{3},p99\.9=\d+\.\d{3}/,
      );
      const { redis: r3, cachee: c3 } = await pair.both(['INFO', 'stats']);
      const total = (b: Buffer) => /total_error_replies:(\d+)/.exec(String(value(b)))?.[1];
      expect(total(c3)).toBe(total(r3));
    });
  });

  describe(`DEBUG and LATENCY with enable-debug-command (RESP${protocol})`, () => {
    let pair: DiffPair;
    beforeAll(async () => {
      pair = await debugPair(protocol);
    });
    afterAll(async () => {
      await pair.checkAll([
        ['CONFIG', 'SET', 'latency-monitor-threshold', '0'],
        ['LATENCY', 'RESET'],
        ['DEBUG', 'SET-ACTIVE-EXPIRE', '1'],
      ]);
      await pair.close();
    });

    it('DEBUG subcommands', async () => {
      await pair.checkAll([
        ['DEBUG', 'HELP', 'x'],
        ['DEBUG', 'SLEEP', '0'],
        ['DEBUG', 'SLEEP', '0.01'],
        ['DEBUG', 'SLEEP', 'abc'],
        ['DEBUG', 'SLEEP'],
        ['DEBUG', 'SLEEP', '1', '2'],
        ['DEBUG', 'SET-ACTIVE-EXPIRE', '0'],
        ['DEBUG', 'SET-ACTIVE-EXPIRE', '1'],
        ['DEBUG', 'SET-ACTIVE-EXPIRE', 'x'],
        ['DEBUG', 'SET-ACTIVE-EXPIRE', '2'],
        ['DEBUG', 'SET-ACTIVE-EXPIRE'],
        ['DEBUG', 'CHANGE-REPL-ID'],
        ['DEBUG', 'CHANGE-REPL-ID', 'x'],
        ['DEBUG', 'ERROR', 'boom'],
        ['DEBUG', 'ERROR', 'MYERR boom'],
        ['DEBUG', 'ERROR'],
        ['DEBUG', 'FOO'],
        ['DEBUG'],
        ['DEBUG', 'OBJECT', 'nokey'],
        ['DEBUG', 'OBJECT'],
        ['DEBUG', 'POPULATE', '5'],
        ['DBSIZE'],
        ['GET', 'key:4'],
        ['DEBUG', 'POPULATE', '3', 'p', '10'],
        ['GET', 'p:2'],
        ['DEBUG', 'POPULATE', '2', 'q', '3'],
        ['GET', 'q:1'],
        ['SET', 'key:0', 'mine'],
        ['DEBUG', 'POPULATE', '1'],
        ['GET', 'key:0'],
        ['DEBUG', 'POPULATE', '-1'],
        ['DEBUG', 'POPULATE', 'x'],
        ['DEBUG', 'POPULATE', '1', 'p', 'x'],
        ['DEBUG', 'POPULATE', '1', 'p', '1', 'x'],
        ['DEBUG', 'POPULATE', '0'],
        ['SET', 'k', 'v'],
        ['SET', 'n', '123'],
        ['SET', 'big', '9999999999'],
        ['RPUSH', 'l', 'a', 'b', '1', '-200'],
        ['HSET', 'h', 'a', 'b', 'c', '12'],
        ['SADD', 's', '1', '2', '70000'],
        ['ZADD', 'z', '1', 'a', '2.5', 'b'],
      ]);
      // DEBUG OBJECT: the address differs; encoding, refcount, serialized length and the quicklist facts match.
      const facts = (b: Buffer) =>
        String(value(b))
          .replace(/^Value at:0x[0-9a-f]+ /, '')
          .replace(/ lru:\d+ lru_seconds_idle:\d+/, '');
      for (const k of ['k', 'n', 'big', 'l', 'h', 's', 'z']) {
        const { redis: r, cachee: c } = await pair.both(['DEBUG', 'OBJECT', k]);
        expect(c[0], k).toBe(r[0]);
        expect(facts(c), k).toBe(facts(r));
      }
    });

    it('LATENCY events, history, reset, doctor, graph and histograms', async () => {
      await pair.checkAll([
        ['LATENCY', 'RESET'],
        ['LATENCY', 'LATEST'],
        ['LATENCY', 'HISTORY', 'command'],
        ['LATENCY', 'GRAPH', 'command'],
        ['LATENCY', 'DOCTOR'],
        ['CONFIG', 'SET', 'latency-monitor-threshold', '5'],
        ['LATENCY', 'DOCTOR'],
        ['DEBUG', 'SLEEP', '0.02'],
      ]);
      const { redis: r, cachee: c } = await pair.both(['LATENCY', 'LATEST']);
      const latest = (b: Buffer) =>
        (value(b) as V[][]).map(([event, time, ms, max]) => [
          event,
          typeof time,
          (ms as number) >= 5,
          (max as number) >= 5,
        ]);
      expect(latest(c)).toEqual(latest(r));
      const { redis: rh, cachee: ch } = await pair.both(['LATENCY', 'HISTORY', 'command']);
      const history = (b: Buffer) => (value(b) as V[][]).map((s) => s.map((x) => typeof x));
      expect(history(ch)).toEqual(history(rh));
      const { redis: rd, cachee: cd } = await pair.both(['LATENCY', 'DOCTOR']);
      expect(cd[0]).toBe(rd[0]);
      const firstLines = (b: Buffer) =>
        String(value(b))
          .split('\n')
          .slice(0, 3)
          .map((l) => l.replace(/\d+/g, 'N'));
      expect(firstLines(cd)).toEqual(firstLines(rd));
      const { redis: rg, cachee: cg } = await pair.both(['LATENCY', 'GRAPH', 'command']);
      expect(cg[0]).toBe(rg[0]);
      expect(String(value(cg)).split('\n')[1]).toBe('-'.repeat(80));
      const { redis: rhg, cachee: chg } = await pair.both(['LATENCY', 'HISTOGRAM', 'debug', 'set']);
      const histogram = (b: Buffer) => {
        const v = value(b) as V[];
        return protocol === 3 ? (v as V[][]).map((p) => p[0]) : v.filter((_, i) => i % 2 === 0);
      };
      expect(chg[0]).toBe(rhg[0]);
      expect(histogram(chg)).toEqual(histogram(rhg));
      await pair.checkAll([
        ['LATENCY', 'HISTOGRAM', 'nosuch'],
        ['LATENCY', 'RESET', 'nosuch'],
        ['LATENCY', 'RESET', 'COMMAND', 'command'],
        ['LATENCY', 'RESET'],
        ['LATENCY', 'HISTORY'],
        ['LATENCY', 'FOO'],
        ['LATENCY', 'HELP'],
        ['LATENCY', 'LATEST'],
      ]);
    });
  });
}

describe('the RESP server side of the operator commands', () => {
  it('CLIENT PAUSE holds other clients (ALL, or WRITE for writes only) until it ends or UNPAUSE', async () => {
    const s = await startServer();
    try {
      const admin = await RawClient.connect(s.port);
      const other = await RawClient.connect(s.port);
      expect(await admin.request(resp('CLIENT', 'PAUSE', '10000', 'WRITE'))).toEqual(['+OK\r\n']);
      expect(await other.request(resp('GET', 'k'))).toEqual(['$-1\r\n']);
      await other.write(resp('SET', 'k', 'v'));
      await other.write(resp('GET', 'k'));
      await new Promise((r) => setTimeout(r, 100));
      expect(other.replyCount()).toBe(1);
      expect(await admin.request(resp('CLIENT', 'UNPAUSE'))).toEqual(['+OK\r\n']);
      await other.until(() => other.replyCount() === 3);
      expect(other.replies().slice(1)).toEqual(['+OK\r\n', '$1\r\nv\r\n']);
      // ALL holds reads too, then ends by itself.
      expect(await admin.request(resp('CLIENT', 'PAUSE', '150'))).toEqual(['+OK\r\n']);
      const t = Date.now();
      expect(await other.request(resp('GET', 'k'))).toEqual(['$1\r\nv\r\n']);
      expect(Date.now() - t).toBeGreaterThanOrEqual(100);
      admin.close();
      other.close();
    } finally {
      await s.stop();
    }
  });

  it('WAIT blocks until its timeout, CLIENT UNBLOCK ends it', async () => {
    const s = await startServer();
    try {
      const a = await RawClient.connect(s.port);
      const b = await RawClient.connect(s.port);
      const t = Date.now();
      expect(await a.request(resp('WAIT', '1', '100'))).toEqual([':0\r\n']);
      expect(Date.now() - t).toBeGreaterThanOrEqual(90);
      const id = /:(\d+)/.exec((await a.request(resp('CLIENT', 'ID')))[0])![1];
      await a.write(resp('WAIT', '2', '0'));
      await new Promise((r) => setTimeout(r, 50));
      expect(await b.request(resp('CLIENT', 'UNBLOCK', id))).toEqual([':1\r\n']);
      await a.until(() => a.replyCount() === 3);
      expect(a.replies()[2]).toBe(':0\r\n');
      await a.write(resp('WAIT', '2', '0'));
      await new Promise((r) => setTimeout(r, 50));
      expect(await b.request(resp('CLIENT', 'UNBLOCK', id, 'ERROR'))).toEqual([':1\r\n']);
      await a.until(() => a.replyCount() === 4);
      expect(a.replies()[3]).toBe('-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n');
      expect(await b.request(resp('CLIENT', 'UNBLOCK', id))).toEqual([':0\r\n']);
      a.close();
      b.close();
    } finally {
      await s.stop();
    }
  });

  it('SHUTDOWN closes every connection and the listener', async () => {
    const s = await startServer();
    let shut = false;
    s.server.onShutdown(() => {
      shut = true;
    });
    const a = await RawClient.connect(s.port);
    const b = await RawClient.connect(s.port);
    expect(await a.request(resp('SHUTDOWN', 'SAVE'))).toEqual([
      '-ERR Errors trying to SHUTDOWN. Check logs.\r\n',
    ]);
    await a.write(resp('SHUTDOWN', 'NOSAVE'));
    await a.until(() => a.closed);
    await b.until(() => b.closed);
    expect(a.replyCount()).toBe(1);
    expect(shut).toBe(true);
    await expect(RawClient.connect(s.port)).rejects.toThrow();
    await s.stop();
  });

  it('counts protocol errors in errorstats, and every error once', async () => {
    const s = await startServer();
    try {
      const a = await RawClient.connect(s.port);
      await a.request(resp('GET'));
      await a.request(resp('INCR', 'x', 'y'));
      await a.request(resp('NOSUCH'));
      const [info] = await a.request(resp('INFO', 'errorstats'));
      expect(info).toContain('errorstat_ERR:count=3');
      const bad = await RawClient.connect(s.port);
      await bad.request('*1\r\n$x\r\n');
      const [after] = await a.request(resp('INFO', 'errorstats'));
      expect(after).toContain('errorstat_ERR:count=4');
      a.close();
      bad.close();
    } finally {
      await s.stop();
    }
  });
});
