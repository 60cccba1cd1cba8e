/**
 * The async contenders, on the same operations and data as the in-process
 * benches: ioredis and node-redis (`redis` v5) → a private local
 * redis-server, and ioredis-mock (in-process, but async and pure JS).
 * Sequential awaited calls, one round trip each, no pipelining: what an
 * application does when it awaits each cache call. Also redis-server's own
 * memory (INFO memory used_memory) for the 1M-key string data set.
 */
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import RedisMock from 'ioredis-mock';
import { createClient } from 'redis';
import {
  keyName,
  makeKeys,
  QUEUE_CAP,
  randomWalk,
  SCRIPT,
  SESSION_FIELDS,
  sessionValue,
  startRedisServer,
  timeAsync,
  valueFor,
  ZSET_SIZES,
  zsetData,
  zsetSizeLabel,
} from './common.mjs';
import { fieldWalk, HOT_KEYS, mgetGroups } from './micro.mjs';

const VALUE = 'value:0001';
const LOAD_BATCH = 1_000; // members or keys per command while loading
const LOAD_PIPELINE = 50; // commands per pipeline while loading

/** The data every async contender loads, built once (the same as the in-process benches'). */
function dataSet(zsetSizes) {
  const keys = makeKeys(HOT_KEYS);
  const refill = Array.from({ length: QUEUE_CAP }, (_, i) => valueFor(i + 1));
  return {
    keys,
    walk: randomWalk(HOT_KEYS, 4096, 0x5eed),
    ctrKeys: makeKeys(HOT_KEYS, 'ctr:'),
    expKeys: makeKeys(HOT_KEYS, 'exp:'),
    groups: mgetGroups(keys),
    sessKeys: makeKeys(HOT_KEYS, 'sess:'),
    fWalk: fieldWalk(),
    pool: makeKeys(QUEUE_CAP, 'm:'),
    members: makeKeys(HOT_KEYS, 'member:'),
    rlKeys: makeKeys(HOT_KEYS, 'rl:'),
    refill,
    zsets: new Map(zsetSizes.map((n) => [n, zsetData(n)])),
    sha: createHash('sha1').update(SCRIPT).digest('hex'),
  };
}

const zkey = (n) => `z:1e${Math.round(Math.log10(n))}`;

/** Loads the data set through an ioredis-shaped client (ioredis or ioredis-mock), in pipelines. */
async function load(client, d, zsetSizes) {
  const cmds = [];
  const flat = (keys, value) => keys.flatMap((k, i) => [k, value(i)]);
  cmds.push(['mset', flat(d.keys, (i) => valueFor(i + 1))]);
  cmds.push(['mset', flat(d.ctrKeys, () => '0')]);
  cmds.push(['mset', flat(d.expKeys, (i) => valueFor(i + 1))]);
  d.sessKeys.forEach((k, i) => {
    cmds.push(['hset', [k, ...SESSION_FIELDS.flatMap((f) => [f, sessionValue(i, f)])]]);
  });
  cmds.push(['sadd', ['members', ...d.members]]);
  cmds.push(['rpush', ['queue2', ...d.refill]]);
  for (const n of zsetSizes) {
    const z = d.zsets.get(n);
    for (let i = 0; i < n; i += LOAD_BATCH) {
      const args = [zkey(n)];
      for (let j = i; j < Math.min(n, i + LOAD_BATCH); j++) args.push(z.scores[j], z.members[j]);
      cmds.push(['zadd', args]);
    }
  }
  for (let i = 0; i < cmds.length; i += LOAD_PIPELINE) {
    const p = client.pipeline();
    for (const [name, args] of cmds.slice(i, i + LOAD_PIPELINE)) p[name](...args);
    const out = await p.exec();
    for (const [err] of out) if (err) throw err;
  }
}

/**
 * The operations as async functions of the call index, per client API. `kind` is
 * 'ioredis' (ioredis and ioredis-mock share the API) or 'node-redis'.
 */
function operations(kind, c, d, zsetSizes, scripting) {
  const ops = new Map();
  const W = 4095;
  const { keys, walk, ctrKeys, expKeys, groups, sessKeys, fWalk, pool, members, rlKeys, refill } = d;
  const field = (i) => SESSION_FIELDS[fWalk[i & W]];
  const io = kind === 'ioredis';
  ops.set('get-1k', (i) => c.get(keys[walk[i & W]]));
  ops.set('set-1k', (i) => c.set(keys[walk[i & W]], VALUE));
  ops.set('incr-1k', (i) => c.incr(ctrKeys[walk[i & W]]));
  ops.set('mget-1k', io ? (i) => c.mget(groups[i & 1023]) : (i) => c.mGet(groups[i & 1023]));
  ops.set('expire-1k', (i) => c.expire(expKeys[walk[i & W]], 100));
  ops.set(
    'hset',
    io
      ? (i) => c.hset(sessKeys[walk[i & W]], field(i), VALUE)
      : (i) => c.hSet(sessKeys[walk[i & W]], field(i), VALUE),
  );
  ops.set(
    'hget',
    io ? (i) => c.hget(sessKeys[walk[i & W]], field(i)) : (i) => c.hGet(sessKeys[walk[i & W]], field(i)),
  );
  ops.set('hgetall', io ? (i) => c.hgetall(sessKeys[walk[i & W]]) : (i) => c.hGetAll(sessKeys[walk[i & W]]));
  ops.set(
    'lpush',
    io
      ? async () => {
          if ((await c.lpush('queue', VALUE)) === QUEUE_CAP) await c.del('queue');
        }
      : async () => {
          if ((await c.lPush('queue', VALUE)) === QUEUE_CAP) await c.del('queue');
        },
  );
  ops.set(
    'rpop',
    io
      ? async () => {
          if ((await c.rpop('queue2')) === null) await c.rpush('queue2', refill);
        }
      : async () => {
          if ((await c.rPop('queue2')) === null) await c.rPush('queue2', refill);
        },
  );
  ops.set(
    'sadd',
    io
      ? async (i) => {
          await c.sadd('set', pool[i & (QUEUE_CAP - 1)]);
          if ((i & (QUEUE_CAP - 1)) === QUEUE_CAP - 1) await c.del('set');
        }
      : async (i) => {
          await c.sAdd('set', pool[i & (QUEUE_CAP - 1)]);
          if ((i & (QUEUE_CAP - 1)) === QUEUE_CAP - 1) await c.del('set');
        },
  );
  ops.set(
    'sismember',
    io
      ? (i) => c.sismember('members', members[walk[i & W]])
      : (i) => c.sIsMember('members', members[walk[i & W]]),
  );
  for (const n of zsetSizes) {
    const id = `1e${Math.round(Math.log10(n))}`;
    const key = zkey(n);
    const z = d.zsets.get(n);
    const m = (i) => z.members[z.walk[i & z.mask]];
    if (io) {
      ops.set(`zscore-${id}`, (i) => c.zscore(key, m(i)));
      ops.set(`zrank-${id}`, (i) => c.zrank(key, m(i)));
      ops.set(`zrange-${id}`, () => c.zrange(key, 0, 49, 'REV'));
      ops.set(`zadd-${id}`, (i) => c.zadd(key, z.newScores[i & z.mask], m(i)));
      ops.set(`zincrby-${id}`, (i) => c.zincrby(key, 1, m(i)));
    } else {
      ops.set(`zscore-${id}`, (i) => c.zScore(key, m(i)));
      ops.set(`zrank-${id}`, (i) => c.zRank(key, m(i)));
      ops.set(`zrange-${id}`, () => c.zRange(key, 0, 49, { REV: true }));
      ops.set(`zadd-${id}`, (i) => c.zAdd(key, { score: z.newScores[i & z.mask], value: m(i) }));
      ops.set(`zincrby-${id}`, (i) => c.zIncrBy(key, 1, m(i)));
    }
  }
  if (scripting) {
    ops.set(
      'evalsha',
      io
        ? (i) => c.evalsha(d.sha, 1, rlKeys[walk[i & W]], '60')
        : (i) => c.evalSha(d.sha, { keys: [rlKeys[walk[i & W]]], arguments: ['60'] }),
    );
  }
  return ops;
}

/** Throws when a read op's first reply is not what the loaded data says it must be. */
function checkReply(id, r) {
  const bad = (what) => {
    throw new Error(`${id}: ${what}, got ${JSON.stringify(r)}`);
  };
  const op = id.split('-')[0];
  if (['get', 'hget', 'zscore', 'zrank'].includes(op) && (r === null || r === undefined)) bad('a hit');
  if (op === 'sismember' && Number(r) !== 1) bad('1');
  if (op === 'mget' && (!Array.isArray(r) || r.length !== 10 || r.includes(null))) bad('10 hits');
  if (op === 'hgetall' && Object.keys(r ?? {}).length !== SESSION_FIELDS.length) bad('10 fields');
  if (op === 'zrange' && (!Array.isArray(r) || r.length !== 50)) bad('50 members');
  if (op === 'evalsha' && typeof r !== 'number') bad('a count');
}

/** Times every op of `ops` as `${op}/${contender}`; a failing op is skipped with its error. */
async function timeAll(contender, ops, out, print, budget) {
  for (const [id, fn] of ops) {
    const name = `${id}/${contender}`;
    try {
      checkReply(id, await fn(0)); // fails fast (unsupported command, wrong reply) before timing
      const { ns, calls } = await timeAsync(fn, budget);
      out.results.set(name, { p50: ns, calls });
      print(`  ${name.padEnd(26)} ${(ns / 1e3).toFixed(2).padStart(9)} µs/op  (${calls} calls)`);
    } catch (e) {
      out.skipped.set(name, e instanceof Error ? e.message : String(e));
      print(`  ${name.padEnd(26)} skipped: ${out.skipped.get(name)}`);
    }
  }
}

async function usedMemory(redis) {
  const info = await redis.info('memory');
  const m = /^used_memory:(\d+)/m.exec(info);
  if (!m) throw new Error('INFO memory has no used_memory');
  return Number(m[1]);
}

/** redis-server's used_memory growth per key for `n` string keys, loaded with pipelined MSETs. */
async function redisBytesPerKey(redis, n) {
  await redis.flushall();
  const before = await usedMemory(redis);
  for (let i = 0; i < n; ) {
    const p = redis.pipeline();
    for (let m = 0; m < LOAD_PIPELINE && i < n; m++) {
      const args = [];
      for (let j = 0; j < LOAD_BATCH && i < n; j++, i++) args.push(keyName(i + 1), valueFor(i + 1));
      p.mset(args);
    }
    await p.exec();
  }
  const dbsize = await redis.dbsize();
  if (dbsize !== n) throw new Error(`redis holds ${dbsize} keys, want ${n}`);
  const after = await usedMemory(redis);
  await redis.flushall();
  return (after - before) / n;
}

/**
 * Runs the async contenders. Options: `quick` (fewer calls), `memoryKeys` (the
 * string keys loaded for redis-server's memory figure), `scripting` (whether to
 * time EVALSHA), `zsetSizes` (sorted-set sizes; all of ZSET_SIZES by default), `print`. Resolves to `{ results, skipped, notes, version,
 * bytesPerKey }`: results maps `${op}/${contender}` to `{ p50 }` ns per call.
 */
export async function runAsyncClients({
  quick = false,
  memoryKeys,
  scripting = true,
  zsetSizes = ZSET_SIZES,
  print,
}) {
  const out = { results: new Map(), skipped: new Map(), notes: [] };
  const budget = quick
    ? { calls: 1_000, maxMs: 400, warmup: 200 }
    : { calls: 5_000, maxMs: 1_500, warmup: 500 };
  print('building the data set…');
  const d = dataSet(zsetSizes);

  // --- ioredis and node-redis → redis-server -------------------------------------------------
  const server = await startRedisServer();
  if (server === null) {
    out.notes.push('ioredis / node-redis → redis-server: skipped, redis-server is not installed');
  } else {
    const ioredis = new Redis({ port: server.port, host: '127.0.0.1', lazyConnect: true });
    const nodeRedis = createClient({ socket: { port: server.port, host: '127.0.0.1' } });
    nodeRedis.on('error', () => {});
    try {
      await ioredis.connect();
      await nodeRedis.connect();
      out.version = /^redis_version:(\S+)/m.exec(await ioredis.info('server'))?.[1] ?? '?';
      print(`loading redis-server ${out.version} (port ${server.port})…`);
      await load(ioredis, d, zsetSizes);
      if (scripting) await ioredis.script('LOAD', SCRIPT);
      print('ioredis → redis-server');
      await timeAll('ioredis', operations('ioredis', ioredis, d, zsetSizes, scripting), out, print, budget);
      print('node-redis → redis-server');
      await timeAll(
        'node-redis',
        operations('node-redis', nodeRedis, d, zsetSizes, scripting),
        out,
        print,
        budget,
      );
      print(`redis-server memory, ${memoryKeys.toLocaleString('en-US')} string keys…`);
      out.bytesPerKey = await redisBytesPerKey(ioredis, memoryKeys);
    } catch (e) {
      out.notes.push(`redis-server run failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      ioredis.disconnect();
      await nodeRedis.destroy?.();
      server.stop();
    }
  }

  // --- ioredis-mock: in-process, but every call is a Promise and sorted sets are arrays -----
  // Its sorted-set commands cost O(n) per call and more (about 10 ms per ZRANK at 10^4
  // members, hundreds of ms at 10^5), so 10^6 members is out of reach: seconds per call.
  const mockSizes = zsetSizes.filter((n) => n <= 100_000);
  for (const n of zsetSizes.filter((k) => k > 100_000)) {
    for (const op of ['zadd', 'zincrby', 'zrank', 'zscore', 'zrange']) {
      out.skipped.set(
        `${op}-1e${Math.log10(n)}/ioredis-mock`,
        `not run at ${zsetSizeLabel(n)} members: ioredis-mock's sorted-set commands scan or re-sort the whole set (hundreds of ms per call at 10⁵ already)`,
      );
    }
  }
  const mock = new RedisMock();
  try {
    print('loading ioredis-mock…');
    await load(mock, d, mockSizes);
    if (scripting) await mock.eval(SCRIPT, 1, 'probe', '60'); // ioredis-mock has no SCRIPT LOAD; EVAL caches the SHA
    print('ioredis-mock');
    const mockBudget = { ...budget, maxMs: quick ? 250 : 1_000 };
    await timeAll(
      'ioredis-mock',
      operations('ioredis', mock, d, mockSizes, scripting),
      out,
      print,
      mockBudget,
    );
  } catch (e) {
    out.notes.push(`ioredis-mock run failed: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    mock.disconnect();
  }
  return out;
}
