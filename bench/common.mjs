/**
 * Shared pieces of the benchmark suite: the fixed-seed PRNG, the key and value
 * shapes every contender sees, a private redis-server on a free port, the
 * catalog of operations (ids, chart groups, DESIGN.md §4 budgets) and the
 * contenders, number formatting, and the timer for async clients.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';

/** mulberry32: a tiny fixed-seed PRNG, so every run (and every contender) walks the same keys. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `key:0000001` … : 11-byte keys, as DESIGN.md §4 sizes them. */
export function keyName(i, prefix = 'key:') {
  return prefix + String(i).padStart(7, '0');
}

/** A distinct 10-byte value per key (`v000000001`). */
export function valueFor(i) {
  return `v${String(i).padStart(9, '0')}`;
}

/** n key strings; the same string objects are handed to every contender. */
export function makeKeys(n, prefix = 'key:') {
  const keys = new Array(n);
  for (let i = 0; i < n; i++) keys[i] = keyName(i + 1, prefix);
  return keys;
}

/**
 * A random walk over [0, n): `size` indices (a power of two, so the hot loop
 * masks instead of taking a modulo) drawn from a fixed-seed PRNG.
 */
export function randomWalk(n, size, seed = 0x5eed) {
  const next = prng(seed);
  const walk = new Uint32Array(size);
  for (let i = 0; i < size; i++) walk[i] = Math.floor(next() * n);
  return walk;
}

/** A TCP port nobody is listening on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/**
 * Starts `redis-server` on a free port with persistence off. Resolves to
 * `{ port, stop }`, or to null when redis-server is not installed.
 */
export async function startRedisServer() {
  const port = await freePort();
  const proc = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const failed = new Promise((resolve) => {
    proc.once('error', (err) => resolve(err));
    proc.once('exit', (code) => resolve(new Error(`redis-server exited with code ${code}`)));
  });
  const stop = () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
  };
  process.once('exit', stop);
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const err = await Promise.race([failed, new Promise((r) => setTimeout(r, 50, null))]);
    if (err) {
      if (err.code === 'ENOENT') return null;
      throw err;
    }
    if (await canConnect(port)) return { port, stop };
  }
  stop();
  throw new Error(`redis-server did not start on port ${port}`);
}

// --- reporting -------------------------------------------------------------------------

/** ns/op as a short human string: `18.0 ns`, `1.55 µs`, `42.3 ms`. */
export function fmtNs(v) {
  if (v === undefined || v === null || !Number.isFinite(v)) return '—';
  if (v >= 1e9) return `${(v / 1e9).toFixed(2)} s`;
  if (v >= 1e6) return `${(v / 1e6).toFixed(v >= 1e8 ? 0 : v >= 1e7 ? 1 : 2)} ms`;
  if (v >= 1e3) return `${(v / 1e3).toFixed(v >= 1e5 ? 0 : v >= 1e4 ? 1 : 2)} µs`;
  return `${v.toFixed(v >= 100 ? 0 : 1)} ns`;
}

/** A ratio as `1.48×`, `2347×`. */
export function fmtRatio(r) {
  if (r === undefined || r === null || !Number.isFinite(r)) return '—';
  return `${r >= 100 ? r.toFixed(0) : r.toFixed(2)}×`;
}

/** The element at quantile q (0..1) of an ascending-sorted array. */
export function quantile(sorted, q) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** The machine, runtime and date every table is stamped with. */
export function machineInfo() {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    day: new Date().toISOString().slice(0, 10),
    cpu: (cpus[0]?.model ?? '?').trim(),
    cores: cpus.length,
    mem: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
  };
}

/** A version from node_modules, or '?'. */
export function pkgVersion(name) {
  try {
    const url = new URL(`../node_modules/${name}/package.json`, import.meta.url);
    return JSON.parse(readFileSync(url, 'utf8')).version;
  } catch {
    return '?';
  }
}

// --- the operations and who runs them ------------------------------------------------------

/**
 * Every contender, in the order tables and charts show them. `raw` is the plain JS
 * structure doing the same job (Map, Set, array); the last three are async.
 */
export const CONTENDERS = [
  { id: 'raw', label: 'raw Map / Set / array', short: 'raw JS', color: '#9aa0a6' },
  { id: 'lru-cache', label: 'lru-cache', short: 'lru-cache', color: '#a78bfa' },
  { id: 'cachee', label: 'Cachee (sync API)', short: 'Cachee', color: '#e8590c' },
  { id: 'ioredis-mock', label: 'ioredis-mock', short: 'ioredis-mock', color: '#f2c94c' },
  { id: 'ioredis', label: 'ioredis → redis-server', short: 'ioredis→redis', color: '#2f80ed' },
  { id: 'node-redis', label: 'node-redis → redis-server', short: 'node-redis→redis', color: '#27ae60' },
];

/** Sorted-set sizes the ZSET benches run at. */
export const ZSET_SIZES = [1_000, 100_000, 1_000_000];
const SUPERSCRIPT = '⁰¹²³⁴⁵⁶⁷⁸⁹';
/** 10³, 10⁵, 10⁶. */
export const zsetSizeLabel = (n) => `10${SUPERSCRIPT[Math.round(Math.log10(n))]}`;
const zid = (n) => `1e${Math.round(Math.log10(n))}`;

/**
 * The operation catalog: id (bench names are `${id}/${contender}`), the chart group it
 * belongs to, what the raw contender does, and the DESIGN.md §4 budget when there is one
 * (`ratio`: ≤ that many times the raw op; `maxNs`: an absolute ceiling).
 */
export const OPS = [
  {
    id: 'get-1k',
    group: 'strings',
    short: 'GET, 1k keys',
    label: 'GET hit, 1k keys',
    raw: '`map.get(k)`',
    ratio: 2.5,
    maxNs: 100,
  },
  {
    id: 'get-1m',
    group: 'strings',
    short: 'GET, 1M keys',
    label: 'GET hit, 1M keys, random',
    raw: '`map.get(k)`',
    ratio: 1.5,
  },
  {
    id: 'set-1k',
    group: 'strings',
    short: 'SET',
    label: 'SET overwrite, 1k keys',
    raw: '`map.set(k, v)`',
    ratio: 3,
  },
  {
    id: 'incr-1k',
    group: 'strings',
    short: 'INCR',
    label: 'INCR, 1k counters',
    raw: '`map.set(k, map.get(k) + 1)`',
    ratio: 3,
  },
  {
    id: 'mget-1k',
    group: 'strings',
    short: 'MGET 10 keys',
    label: 'MGET 10 keys',
    raw: '10 × `map.get` into an array',
  },
  {
    id: 'expire-1k',
    group: 'strings',
    short: 'EXPIRE',
    label: 'EXPIRE k 100',
    raw: '`map.has` + `ttl.set(k, deadline)`',
  },
  {
    id: 'hset',
    group: 'hashes',
    short: 'HSET',
    label: 'HSET, session hash of 10 fields',
    raw: '`sessions.get(k).set(f, v)` (Map of Maps)',
    ratio: 3,
  },
  {
    id: 'hget',
    group: 'hashes',
    short: 'HGET',
    label: 'HGET, session hash of 10 fields',
    raw: '`sessions.get(k)?.get(f)`',
    ratio: 3,
  },
  {
    id: 'hgetall',
    group: 'hashes',
    short: 'HGETALL',
    label: 'HGETALL, session hash of 10 fields',
    raw: '`Object.fromEntries(sessions.get(k))`',
  },
  {
    id: 'lpush',
    group: 'lists',
    short: 'LPUSH',
    label: 'LPUSH (queue)',
    raw: '`lists.get(k).push(v)` (Map of arrays)',
    ratio: 3,
  },
  {
    id: 'rpop',
    group: 'lists',
    short: 'RPOP',
    label: 'RPOP (queue)',
    raw: '`lists.get(k).shift()` (FIFO)',
    ratio: 3,
  },
  {
    id: 'sadd',
    group: 'sets',
    short: 'SADD',
    label: 'SADD new member',
    raw: '`sets.get(k).add(m)` (Map of Sets)',
  },
  {
    id: 'sismember',
    group: 'sets',
    short: 'SISMEMBER',
    label: 'SISMEMBER, 1k members',
    raw: '`sets.get(k)?.has(m)`',
    ratio: 3,
  },
  ...ZSET_SIZES.flatMap((n) => {
    const size = zsetSizeLabel(n);
    const group = `zsets-${zid(n)}`;
    const big = n === 1_000_000;
    return [
      {
        id: `zadd-${zid(n)}`,
        group,
        label: `ZADD (new score), ${size} members`,
        raw: '`map.set(m, score)` (no order kept)',
        maxNs: big ? 1000 : undefined,
        zop: 'ZADD',
        short: 'ZADD',
        size: n,
      },
      {
        id: `zincrby-${zid(n)}`,
        group,
        label: `ZINCRBY 1, ${size} members`,
        raw: '`map.set(m, map.get(m) + 1)` (no order kept)',
        zop: 'ZINCRBY',
        short: 'ZINCRBY',
        size: n,
      },
      {
        id: `zrank-${zid(n)}`,
        group,
        label: `ZRANK, ${size} members`,
        raw: 'static sorted array: `map.get(m)` + binary search',
        maxNs: big ? 1000 : undefined,
        zop: 'ZRANK',
        short: 'ZRANK',
        size: n,
      },
      {
        id: `zscore-${zid(n)}`,
        group,
        label: `ZSCORE, ${size} members`,
        raw: '`map.get(m)`',
        maxNs: big ? 1000 : undefined,
        zop: 'ZSCORE',
        short: 'ZSCORE',
        size: n,
      },
      {
        id: `zrange-${zid(n)}`,
        group,
        label: `ZRANGE 0 49 REV (top 50), ${size} members`,
        raw: 'static sorted array: `arr.slice(0, 50)`',
        maxNs: n === 100_000 ? 2000 : undefined,
        zop: 'ZRANGE',
        short: 'ZRANGE top 50 REV',
        size: n,
      },
    ];
  }),
  {
    id: 'evalsha',
    group: 'scripting',
    short: 'EVALSHA (INCR + EXPIRE)',
    label: 'EVALSHA, script with 2 redis.call (INCR + EXPIRE)',
    raw: 'a JS function: Map counter + deadline Map',
    maxNs: 3000,
  },
];

/** Chart groups: file name → title. */
export const GROUPS = {
  strings: 'Strings',
  hashes: 'Hashes (session of 10 fields)',
  lists: 'Lists (a queue)',
  sets: 'Sets',
  'zsets-1e3': 'Sorted sets, 10³ members',
  'zsets-1e5': 'Sorted sets, 10⁵ members',
  'zsets-1e6': 'Sorted sets, 10⁶ members',
  scripting: 'Scripting (EVALSHA)',
};

// --- async timing --------------------------------------------------------------------------

const nowNs = () => Number(process.hrtime.bigint());

/**
 * Times an async op called sequentially (`await fn(i)`, i = 0, 1, ...): a warm-up, then
 * batches of about 2 ms; resolves to the median batch's ns per call (as mitata reports
 * in-process benches) and the number of calls timed. Stops after `calls` calls or
 * `maxMs`, whichever comes first, but takes at least 3 batches.
 */
export async function timeAsync(fn, { calls = 10_000, maxMs = 2_000, warmup = 500 } = {}) {
  let i = 0;
  const w0 = nowNs();
  const wEnd = w0 + (maxMs * 1e6) / 4;
  while (i < warmup && (i < 2 || nowNs() < wEnd)) await fn(i++);
  const per = Math.max(1, (nowNs() - w0) / i);
  const batch = Math.max(1, Math.min(256, Math.floor(2e6 / per)));
  const samples = [];
  let timed = 0;
  const t0 = nowNs();
  const end = t0 + maxMs * 1e6;
  while ((timed < calls && nowNs() < end) || samples.length < 3) {
    const b0 = nowNs();
    for (let j = 0; j < batch; j++) await fn(i++);
    samples.push((nowNs() - b0) / batch);
    timed += batch;
  }
  samples.sort((a, b) => a - b);
  return { ns: quantile(samples, 0.5), calls: timed };
}

// --- shared data sets ----------------------------------------------------------------------

/** The ten fields of a session hash, and what HSET writes. */
export const SESSION_FIELDS = [
  'user',
  'name',
  'email',
  'role',
  'locale',
  'theme',
  'csrf',
  'ip',
  'agent',
  'seen',
];

/** A session field's initial value (short strings, as sessions hold). */
export const sessionValue = (i, f) => `${f}:${i}`;

/** Queue length at which the LPUSH benches reset their list, and the RPOP refill size. */
export const QUEUE_CAP = 1024;

/** The EVALSHA script: two redis.call, a fixed-window counter. */
export const SCRIPT = "local c = redis.call('INCR', KEYS[1]) redis.call('EXPIRE', KEYS[1], ARGV[1]) return c";

/**
 * A sorted set of n members (`member:0000001` ...) with fixed-seed integer scores in
 * [0, 1e9), a random walk over its members and a table of new scores, so every
 * contender loads and touches the same data.
 */
export function zsetData(n) {
  const next = prng(n);
  const members = makeKeys(n, 'member:');
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) scores[i] = Math.floor(next() * 1e9);
  const WALK = 1 << 16;
  const walk = randomWalk(n, WALK, n ^ 0x2a5);
  const newScores = new Float64Array(WALK);
  for (let i = 0; i < WALK; i++) newScores[i] = Math.floor(next() * 1e9);
  return { n, members, scores, walk, newScores, mask: WALK - 1 };
}
