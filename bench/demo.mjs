/**
 * `npm run demo`: the five things teams use Redis for, run in-process on
 * Cachee's sync API, each operation timed on its own (p50 / p99 latency), and,
 * when a redis-server is available, the same code through ioredis beside it.
 *
 *   1. rate limiter      fixed window: INCR, EXPIRE on the first hit
 *   2. leaderboard       100k players: ZINCRBY, ZREVRANK, ZRANGE top 50 REV WITHSCORES
 *   3. sessions          HSET + EXPIRE, HGET, HGETALL, EXPIRE (touch)
 *   4. job queue         LPUSH producer, a BRPOP worker awaiting jobs
 *   5. Lua scoring       EVALSHA of a script scoring a player and returning the rank
 *
 *   node bench/demo.mjs                    (needs a build: npm run demo builds first)
 *   node bench/demo.mjs --redis-port 6379  (use that redis-server; keys go under `cachee-demo:`)
 *   node bench/demo.mjs --no-redis         (in-process only)
 *
 * Without --redis-port a private redis-server is started on a free port when the
 * binary is installed, and stopped at the end.
 */
import { createHash } from 'node:crypto';
import { setImmediate as tick } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { COMMAND_TABLE } from '../dist/commands/registry.js';
import { Cachee } from '../dist/index.js';
import { fmtNs, machineInfo, prng, quantile, startRedisServer } from './common.mjs';

const now = () => process.hrtime.bigint();
const P = 'cachee-demo:'; // every key this demo writes starts with it

/** Latency samples per operation name, for one side (Cachee or ioredis). */
class Recorder {
  samples = new Map();
  add(op, ns) {
    let s = this.samples.get(op);
    if (s === undefined) this.samples.set(op, (s = []));
    s.push(ns);
  }
  /** Times `fn()` (sync) as one sample of `op`; returns its result. */
  time(op, fn) {
    const t0 = now();
    const r = fn();
    this.add(op, Number(now() - t0));
    return r;
  }
  /** Times `await fn()` as one sample of `op`. */
  async timeAsync(op, fn) {
    const t0 = now();
    const r = await fn();
    this.add(op, Number(now() - t0));
    return r;
  }
  stats(op) {
    const s = this.samples.get(op);
    if (s === undefined || s.length === 0) return undefined;
    s.sort((a, b) => a - b);
    return { p50: quantile(s, 0.5), p99: quantile(s, 0.99), n: s.length };
  }
}

const out = (s = '') => process.stdout.write(`${s}\n`);

/** A speedup: `434×`, `2.5×`, `0.07×` (slower). */
const times = (r) => `${r >= 10 ? Math.round(r).toLocaleString('en-US') : r.toFixed(r >= 1 ? 1 : 2)}×`;

/** Prints one pattern's table: each op's p50 / p99 here and through ioredis, and the speedup. */
function table(ops, local, remote) {
  const head = remote
    ? `   ${'operation'.padEnd(40)} ${'Cachee p50'.padStart(10)} ${'p99'.padStart(9)}   ${'ioredis p50'.padStart(11)} ${'p99'.padStart(9)}   speedup (p50)`
    : `   ${'operation'.padEnd(40)} ${'Cachee p50'.padStart(10)} ${'p99'.padStart(9)}`;
  out(head);
  for (const [op, label] of ops) {
    const a = local.stats(op);
    let line = `   ${label.padEnd(40)} ${fmtNs(a?.p50).padStart(10)} ${fmtNs(a?.p99).padStart(9)}`;
    if (remote) {
      const b = remote.stats(op);
      const speedup = a && b ? times(b.p50 / a.p50) : '—';
      line += `   ${fmtNs(b?.p50).padStart(11)} ${fmtNs(b?.p99).padStart(9)}   ${speedup.padStart(8)}`;
    }
    out(line);
  }
}

// --- 1. rate limiter -------------------------------------------------------------------------------

const USERS = 1_000;
const LIMIT = 100; // requests per user per window

async function rateLimiter(cache, redis, n) {
  const window = () => Math.floor(Date.now() / 60_000);
  const rnd = prng(1);
  const users = Array.from({ length: n }, () => Math.floor(rnd() * USERS));
  const local = new Recorder();
  let allowed = 0;
  for (let i = 0; i < n; i++) {
    const ok = local.time('allow', () => {
      const key = `${P}rl:${users[i]}:${window()}`;
      const count = cache.incr(key);
      if (count === 1) cache.expire(key, 60);
      return count <= LIMIT;
    });
    if (ok) allowed++;
  }
  let remote;
  let rAllowed = 0;
  const rn = Math.min(n, 5_000);
  if (redis) {
    remote = new Recorder();
    for (let i = 0; i < rn; i++) {
      const ok = await remote.timeAsync('allow', async () => {
        const key = `${P}rl:${users[i]}:${window()}`;
        const count = await redis.incr(key);
        if (count === 1) await redis.expire(key, 60);
        return count <= LIMIT;
      });
      if (ok) rAllowed++;
    }
  }
  out(
    `1. Rate limiter: fixed 60 s window, ${LIMIT} requests per user, ${USERS.toLocaleString('en-US')} users (INCR, EXPIRE on the first hit)`,
  );
  table([['allow', 'allow(user): INCR [+ EXPIRE]']], local, remote);
  out(
    `   → ${n.toLocaleString('en-US')} requests in-process: ${allowed.toLocaleString('en-US')} allowed, ${(n - allowed).toLocaleString('en-US')} denied` +
      (redis
        ? `; first ${rn.toLocaleString('en-US')} through ioredis: ${rAllowed.toLocaleString('en-US')} allowed`
        : ''),
  );
}

// --- 2. leaderboard --------------------------------------------------------------------------------

const PLAYERS = 100_000;

function players() {
  const rnd = prng(2);
  const names = Array.from({ length: PLAYERS }, (_, i) => `player:${String(i).padStart(6, '0')}`);
  const scores = Array.from({ length: PLAYERS }, () => Math.floor(rnd() * 1_000_000));
  return { names, scores, rnd };
}

async function leaderboard(cache, redis, n) {
  const { names, scores, rnd } = players();
  const lb = `${P}leaderboard`;
  const t0 = now();
  for (let i = 0; i < PLAYERS; i++) cache.zadd(lb, scores[i], names[i]);
  const loadLocal = Number(now() - t0);
  const picks = Array.from({ length: n }, () => names[Math.floor(rnd() * PLAYERS)]);
  const local = new Recorder();
  for (let i = 0; i < n; i++) local.time('zincrby', () => cache.zincrby(lb, 10, picks[i]));
  for (let i = 0; i < n; i++) local.time('zrevrank', () => cache.zrevrank(lb, picks[i]));
  let top = [];
  for (let i = 0; i < n / 4; i++) top = local.time('top', () => cache.zrange(lb, 0, 49, 'REV', 'WITHSCORES'));

  let remote;
  let loadRemote;
  let rTop = [];
  if (redis) {
    remote = new Recorder();
    const r0 = now();
    for (let i = 0; i < PLAYERS; i += 5_000) {
      const p = redis.pipeline();
      for (let j = i; j < i + 5_000; j += 500) {
        const args = [];
        for (let k = j; k < j + 500; k++) args.push(scores[k], names[k]);
        p.zadd(lb, ...args);
      }
      await p.exec();
    }
    loadRemote = Number(now() - r0);
    const rn = Math.min(n, 3_000);
    for (let i = 0; i < rn; i++) await remote.timeAsync('zincrby', () => redis.zincrby(lb, 10, picks[i]));
    for (let i = 0; i < rn; i++) await remote.timeAsync('zrevrank', () => redis.zrevrank(lb, picks[i]));
    for (let i = 0; i < rn / 2; i++)
      rTop = await remote.timeAsync('top', () => redis.zrange(lb, 0, 49, 'REV', 'WITHSCORES'));
  }
  out(`2. Leaderboard: ${PLAYERS.toLocaleString('en-US')} players in one sorted set`);
  table(
    [
      ['zincrby', 'score a point: ZINCRBY'],
      ['zrevrank', "a player's rank: ZREVRANK"],
      ['top', 'top 50: ZRANGE 0 49 REV WITHSCORES'],
    ],
    local,
    remote,
  );
  out(
    `   → loading ${PLAYERS.toLocaleString('en-US')} players: ${fmtNs(loadLocal / PLAYERS)} per ZADD in-process` +
      (redis ? `, ${fmtNs(loadRemote / PLAYERS)} per member through ioredis (pipelined, 500 per ZADD)` : ''),
  );
  out(
    `   → #1 in-process: ${top[0]} with ${top[1]}` +
      (redis ? `; #1 in redis: ${rTop[0]} with ${rTop[1]}` : ''),
  );
}

// --- 3. sessions -----------------------------------------------------------------------------------

async function sessions(cache, redis, n) {
  const ids = Array.from(
    { length: n },
    (_, i) => `${P}sess:${createHash('sha1').update(String(i)).digest('hex').slice(0, 16)}`,
  );
  const session = (i) => ({
    user: `user:${i}`,
    name: `User ${i}`,
    role: i % 10 === 0 ? 'admin' : 'member',
    csrf: `csrf-${i}`,
    created: '1764134400000',
  });
  const data = Array.from({ length: n }, (_, i) => session(i));
  const local = new Recorder();
  for (let i = 0; i < n; i++) {
    local.time('create', () => {
      cache.hset(ids[i], data[i]);
      cache.expire(ids[i], 1800);
    });
  }
  for (let i = 0; i < n; i++) local.time('hget', () => cache.hget(ids[(i * 7) % n], 'role'));
  let sample;
  for (let i = 0; i < n; i++) sample = local.time('hgetall', () => cache.hgetall(ids[(i * 13) % n]));
  for (let i = 0; i < n; i++) local.time('touch', () => cache.expire(ids[(i * 17) % n], 1800));
  let remote;
  if (redis) {
    remote = new Recorder();
    const rn = Math.min(n, 3_000);
    for (let i = 0; i < rn; i++) {
      await remote.timeAsync('create', async () => {
        await redis.hset(ids[i], data[i]);
        await redis.expire(ids[i], 1800);
      });
    }
    for (let i = 0; i < rn; i++) await remote.timeAsync('hget', () => redis.hget(ids[(i * 7) % rn], 'role'));
    for (let i = 0; i < rn; i++) await remote.timeAsync('hgetall', () => redis.hgetall(ids[(i * 13) % rn]));
    for (let i = 0; i < rn; i++)
      await remote.timeAsync('touch', () => redis.expire(ids[(i * 17) % rn], 1800));
  }
  out(`3. Sessions: ${n.toLocaleString('en-US')} session hashes of 5 fields, 30 min sliding expiry`);
  table(
    [
      ['create', 'log in: HSET 5 fields + EXPIRE 1800'],
      ['hget', 'check a field: HGET'],
      ['hgetall', 'load the session: HGETALL'],
      ['touch', 'slide the expiry: EXPIRE 1800'],
    ],
    local,
    remote,
  );
  out(`   → a session: ${JSON.stringify(sample)}`);
}

// --- 4. job queue ----------------------------------------------------------------------------------

/**
 * A worker awaiting jobs with BRPOP on `pop` (Cachee, or its own ioredis connection):
 * `next()` resolves with the time each job was received; a 'stop' job ends it.
 */
function worker(pop) {
  const received = [];
  let wake = null;
  const done = (async () => {
    for (;;) {
      const r = await pop();
      const at = now();
      if (r === null) continue;
      if (r[1] === 'stop') return;
      received.push({ job: r[1], at });
      if (wake) {
        const w = wake;
        wake = null;
        w();
      }
    }
  })();
  const next = () =>
    received.length > 0
      ? Promise.resolve(received.shift())
      : new Promise((resolve) => (wake = () => resolve(received.shift())));
  return { next, done, received };
}

async function jobQueue(cache, redis, redisPort, n, burst) {
  const q = `${P}jobs`;
  // a) one job at a time: LPUSH, then the blocked worker wakes (enqueue → worker has the job).
  const local = new Recorder();
  {
    const w = worker(() => cache.brpop(q, 0));
    for (let i = 0; i < n; i++) {
      const t0 = now();
      local.time('lpush', () => cache.lpush(q, `job:${i}`));
      const { at } = await w.next();
      local.add('latency', Number(at - t0));
    }
    cache.lpush(q, 'stop');
    await w.done;
  }
  // b) a burst: the producer pushes as fast as it can (yielding every 1000 jobs), the worker drains.
  let localRate;
  {
    const w = worker(() => cache.brpop(q, 0));
    const t0 = now();
    for (let i = 0; i < burst; i++) {
      cache.lpush(q, `job:${i}`);
      if (i % 1000 === 999) await tick();
    }
    cache.lpush(q, 'stop');
    await w.done;
    localRate = burst / (Number(now() - t0) / 1e9);
    if (w.received.length !== burst) throw new Error(`worker got ${w.received.length} of ${burst} jobs`);
  }
  let remote;
  let remoteRate;
  const rn = Math.min(n, 2_000);
  const rBurst = Math.min(burst, 5_000);
  if (redis) {
    remote = new Recorder();
    const conn = new Redis({ port: redisPort, host: '127.0.0.1' }); // BRPOP blocks its connection
    try {
      {
        const w = worker(() => conn.brpop(q, 0));
        await tick();
        for (let i = 0; i < rn; i++) {
          const t0 = now();
          await remote.timeAsync('lpush', () => redis.lpush(q, `job:${i}`));
          const { at } = await w.next();
          remote.add('latency', Number(at - t0));
        }
        await redis.lpush(q, 'stop');
        await w.done;
      }
      {
        const w = worker(() => conn.brpop(q, 0));
        const t0 = now();
        for (let i = 0; i < rBurst; i++) await redis.lpush(q, `job:${i}`);
        await redis.lpush(q, 'stop');
        await w.done;
        remoteRate = rBurst / (Number(now() - t0) / 1e9);
      }
    } finally {
      conn.disconnect();
    }
  }
  out('4. Job queue: a producer LPUSHes, a worker awaits BRPOP q 0');
  table(
    [
      ['lpush', 'enqueue: LPUSH'],
      ['latency', 'enqueue → worker has the job'],
    ],
    local,
    remote,
  );
  const rate = (r) => `${Math.round(r).toLocaleString('en-US')} jobs/s`;
  out(
    `   → burst of ${burst.toLocaleString('en-US')} jobs in-process: ${rate(localRate)}` +
      (redis ? `; ${rBurst.toLocaleString('en-US')} jobs through ioredis: ${rate(remoteRate)}` : ''),
  );
}

// --- 5. Lua scoring script -------------------------------------------------------------------------

const SCORE_SCRIPT = `local score = redis.call('ZINCRBY', KEYS[1], ARGV[1], ARGV[2])
local rank = redis.call('ZREVRANK', KEYS[1], ARGV[2])
return {score, rank}`;

async function luaScoring(cache, redis, n) {
  out(
    '5. Lua scoring: EVALSHA of a script that scores a player (ZINCRBY) and returns the new rank (ZREVRANK)',
  );
  if (!COMMAND_TABLE.has('evalsha')) {
    out('   skipped: scripting (EVAL / EVALSHA) is not registered in the command table of this build yet.');
    return;
  }
  const { names, rnd } = players();
  const lb = `${P}leaderboard`; // loaded by the leaderboard pattern
  const picks = Array.from({ length: n }, () => names[Math.floor(rnd() * PLAYERS)]);
  const local = new Recorder();
  local.time('eval', () => cache.eval(SCORE_SCRIPT, 1, lb, 5, picks[0])); // first EVAL: Lua state + compile
  const sha = cache.scriptLoad(SCORE_SCRIPT);
  let last;
  for (let i = 0; i < n; i++) last = local.time('evalsha', () => cache.evalsha(sha, 1, lb, 5, picks[i]));
  let remote;
  if (redis) {
    remote = new Recorder();
    await remote.timeAsync('eval', () => redis.eval(SCORE_SCRIPT, 1, lb, 5, picks[0]));
    await redis.script('LOAD', SCORE_SCRIPT);
    const rn = Math.min(n, 3_000);
    for (let i = 0; i < rn; i++)
      await remote.timeAsync('evalsha', () => redis.evalsha(sha, 1, lb, 5, picks[i]));
  }
  table(
    [
      ['eval', 'first EVAL (loads and compiles)'],
      ['evalsha', 'EVALSHA score + rank'],
    ],
    local,
    remote,
  );
  out(`   → last reply in-process: ${JSON.stringify(last)}`);
}

// --- main ------------------------------------------------------------------------------------------

async function main() {
  const { values } = parseArgs({
    options: {
      'redis-port': { type: 'string' },
      'no-redis': { type: 'boolean', default: false },
    },
  });
  const started = Date.now();
  const env = machineInfo();
  let server = null;
  let port;
  if (values['redis-port']) port = Number(values['redis-port']);
  else if (!values['no-redis']) {
    server = await startRedisServer().catch(() => null);
    port = server?.port;
  }
  let redis = null;
  let version = '';
  if (port !== undefined) {
    redis = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      version = /^redis_version:(\S+)/m.exec(await redis.info('server'))?.[1] ?? '?';
    } catch (e) {
      out(`(no redis-server on port ${port}: ${e instanceof Error ? e.message : e}; in-process only)`);
      redis.disconnect();
      redis = null;
    }
  }
  // Timer overhead: what timing an empty call costs (included in every in-process figure).
  const empty = new Recorder();
  for (let i = 0; i < 20_000; i++) empty.time('empty', () => undefined);
  const overhead = empty.stats('empty').p50;

  out(
    'Cachee demo: five things teams use Redis for, in-process' +
      (redis ? ` and through ioredis → redis-server ${version} (port ${port})` : ''),
  );
  out(`${env.cpu}, ${env.cores} cores · Node ${env.node} · ${env.day}`);
  out(
    `Each call timed on its own (process.hrtime.bigint); p50 / p99 per operation. Timer overhead ≈ ${fmtNs(overhead)}, included in the in-process figures.`,
  );
  if (!redis) {
    out(
      port === undefined && !values['no-redis']
        ? 'redis-server is not installed: in-process only (install it, or pass --redis-port, for the side-by-side).'
        : 'In-process only.',
    );
  }
  out();

  const cache = new Cachee();
  const cleanup = async () => {
    if (!redis) return;
    // Only this demo's keys: the server may be someone else's.
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${P}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  };
  try {
    await cleanup();
    await rateLimiter(cache, redis, 100_000);
    out();
    await leaderboard(cache, redis, 20_000);
    out();
    await sessions(cache, redis, 10_000);
    out();
    await jobQueue(cache, redis, port, 10_000, 100_000);
    out();
    await luaScoring(cache, redis, 20_000);
    out();
    out(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } finally {
    await cleanup().catch(() => {});
    redis?.disconnect();
    server?.stop();
    cache.close();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
