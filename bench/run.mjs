/**
 * Cachee's benchmark suite: the sync API beside a raw Map, lru-cache and
 * ioredis → a local redis-server, checked against the budgets of DESIGN.md §4
 * as ratios measured in one run. Prints mitata's report, then the budget
 * tables, which are also written to bench/results.md.
 *
 *   npm run bench                  (build, then this file)
 *   node bench/run.mjs [--rounds N] (needs an up-to-date dist/; N micro rounds, default 2, best kept)
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runMemory } from './memory.mjs';
import { BIG_KEYS, HOT_KEYS, runMicro } from './micro.mjs';
import { runRedis } from './redis.mjs';

const self = fileURLToPath(import.meta.url);
const resultsFile = fileURLToPath(new URL('results.md', import.meta.url));

function pkgVersion(name) {
  try {
    const url = new URL(`../node_modules/${name}/package.json`, import.meta.url);
    return JSON.parse(readFileSync(url, 'utf8')).version;
  } catch {
    return '?';
  }
}

function ns(v) {
  if (v === undefined) return '—';
  if (v >= 1e6) return `${(v / 1e6).toFixed(2)} ms`;
  if (v >= 1e3) return `${(v / 1e3).toFixed(2)} µs`;
  return `${v.toFixed(1)} ns`;
}

const times = (r) => (r === undefined ? '—' : `${r >= 100 ? r.toFixed(0) : r.toFixed(2)}×`);
const verdict = (ok) => (ok ? 'met' : '**NOT met**');

/** One row per operation: Cachee against the raw-Map baseline named in the row. */
const OPS = [
  {
    id: 'get-1k',
    label: `GET hit, 1k keys`,
    raw: '`map.get(k)`',
    budget: '≤ 2.5× and ≤ 100 ns',
    ok: (ratio, cachee) => ratio <= 2.5 && cachee <= 100,
  },
  {
    id: 'get-1m',
    label: 'GET hit, 1M keys, random walk',
    raw: '`map.get(k)`',
    budget: '≤ 1.5×',
    ok: (ratio) => ratio <= 1.5,
  },
  {
    id: 'set-1k',
    label: `SET overwrite, 1k keys`,
    raw: '`map.set(k, v)`',
    budget: '≤ 3×',
    ok: (ratio) => ratio <= 3,
  },
  {
    id: 'incr-1k',
    label: `INCR, 1k counters`,
    raw: '`map.set(k, map.get(k) + 1)` on numbers',
    budget: '≤ 3×',
    ok: (ratio) => ratio <= 3,
  },
  {
    id: 'mget-1k',
    label: `MGET 10 keys, 1k keys`,
    raw: '10 × `map.get` into a new array',
    budget: '(none)',
  },
  {
    id: 'expire-1k',
    label: `EXPIRE k 100, 1k keys`,
    raw: '`map.has(k)` + `ttl.set(k, Date.now() + 1e5)`',
    budget: '(none)',
  },
];

function report(micro, redis, memory, env) {
  const r = (name) => micro.results.get(name)?.p50;
  const lines = [];
  const push = (s = '') => lines.push(s);

  push('# Cachee benchmark results');
  push();
  push(`- date: ${env.date}`);
  push(`- machine: ${env.cpu}, ${env.cores} cores, ${env.mem} GB RAM, ${env.os}`);
  push(
    `- Node ${process.version}; mitata ${env.mitata}, lru-cache ${env.lru}, ioredis ${env.ioredis}, redis-server ${redis.version ?? '—'}`,
  );
  push(
    `- ns/op is the median of mitata's batch samples (each sample averages thousands of calls), best of ${env.rounds} rounds. All contenders get the same key string objects and walk them in the same fixed-seed random order; the walk costs the same for everyone.`,
  );
  push(
    '- Budgets from DESIGN.md §4, as ratios within this one run. Shared, noisy machine: read ratios, not absolutes.',
  );
  push();
  push('## Sync API versus a raw Map (and lru-cache)');
  push();
  push('| operation | raw baseline | Map | lru-cache | Cachee | Cachee ÷ raw | budget | result |');
  push('|---|---|--:|--:|--:|--:|---|---|');
  for (const op of OPS) {
    const map = r(`${op.id}/map`);
    const lru = r(`${op.id}/lru-cache`);
    const cachee = r(`${op.id}/cachee`);
    const ratio = cachee !== undefined && map !== undefined ? cachee / map : undefined;
    let result = '—';
    if (op.ok && ratio !== undefined) result = verdict(op.ok(ratio, cachee));
    else if (cachee === undefined) result = 'skipped';
    const lruCell = op.id === 'expire-1k' ? 'n/a' : ns(lru);
    push(
      `| ${op.label} | ${op.raw} | ${ns(map)} | ${lruCell} | ${ns(cachee)} | ${times(ratio)} | ${op.budget} | ${result} |`,
    );
  }
  push();
  push('## Versus ioredis → local redis-server');
  push();
  if (redis.skipped) {
    push(`Skipped: ${redis.skipped}.`);
  } else {
    const cachee = r('get-1k/cachee');
    const speedup = cachee !== undefined ? redis.getNs / cachee : undefined;
    push('| sequential GET, 1k keys | ns/op | Cachee speedup | budget | result |');
    push('|---|--:|--:|---|---|');
    push(
      `| ioredis → redis-server (\`await redis.get(k)\`, ${redis.iterations} calls) | ${ns(redis.getNs)} | ${times(speedup)} | ≥ 300× faster | ${speedup === undefined ? 'skipped' : verdict(speedup >= 300)} |`,
    );
    push(`| Cachee \`cache.get(k)\` (from the table above) | ${ns(cachee)} | | | |`);
  }
  push();
  push(`## Memory, ${BIG_KEYS.toLocaleString('en-US')} string keys (11-byte key → 10-byte value)`);
  push();
  push('| store | bytes per key | ÷ raw Map | budget | result |');
  push('|---|--:|--:|---|---|');
  const mapB = memory.map?.bytesPerKey;
  for (const [store, label] of [
    ['map', 'raw `Map<string, string>`'],
    ['lru-cache', 'lru-cache'],
    ['cachee', 'Cachee'],
  ]) {
    const m = memory[store];
    if (m?.error) {
      push(`| ${label} | skipped: ${m.error} | | | |`);
      continue;
    }
    const ratio = mapB ? m.bytesPerKey / mapB : undefined;
    const budget = store === 'cachee' ? '≤ 1.2×' : '';
    const result = store === 'cachee' && ratio !== undefined ? verdict(ratio <= 1.2) : '';
    push(`| ${label} | ${m.bytesPerKey.toFixed(1)} | ${times(ratio)} | ${budget} | ${result} |`);
  }
  if (redis.skipped) push(`| redis-server | skipped: ${redis.skipped} | | | |`);
  else {
    const ratio = mapB ? redis.bytesPerKey / mapB : undefined;
    push(`| redis-server (INFO used_memory) | ${redis.bytesPerKey.toFixed(1)} | ${times(ratio)} | | |`);
  }
  push();
  push(
    'Node stores: heapUsed + external growth after full GCs, each store loaded in its own `node --expose-gc` process. redis-server: used_memory growth after pipelined MSETs of the same keys.',
  );
  if (micro.skipped.size > 0) {
    push();
    push('## Skipped');
    push();
    for (const [name, reason] of micro.skipped) push(`- ${name}: ${reason}`);
  }
  push();
  return lines.join('\n');
}

async function main() {
  const started = Date.now();
  const print = (s) => process.stdout.write(`${s}\n`);
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '2' } } });
  const rounds = Math.max(1, Number.parseInt(values.rounds, 10) || 1);
  const micro = await runMicro(print, rounds);
  print('\nioredis → redis-server: sequential GET and memory…');
  let redis;
  try {
    redis = await runRedis({ hotKeys: HOT_KEYS, memoryKeys: BIG_KEYS });
  } catch (e) {
    redis = { skipped: `redis run failed: ${e instanceof Error ? e.message : String(e)}` };
  }
  print('memory per key (child processes)…');
  const memory = runMemory(BIG_KEYS);
  const env = {
    date: new Date().toISOString(),
    cpu: os.cpus()[0]?.model ?? '?',
    cores: os.cpus().length,
    mem: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    mitata: pkgVersion('mitata'),
    lru: pkgVersion('lru-cache'),
    ioredis: pkgVersion('ioredis'),
    rounds,
  };
  const md = report(micro, redis, memory, env);
  print(`\n${md}`);
  writeFileSync(resultsFile, md);
  print(`(written to bench/results.md; ${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

if (typeof globalThis.gc !== 'function') {
  // mitata collects garbage between benches when it can: rerun with --expose-gc.
  const r = spawnSync(
    process.execPath,
    ['--expose-gc', ...process.execArgv, self, ...process.argv.slice(2)],
    {
      stdio: 'inherit',
    },
  );
  process.exitCode = r.status ?? 1;
} else {
  main().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
