/**
 * Cachee's benchmark suite, every part in one run, checked against the
 * budgets of DESIGN.md §4 as ratios measured in that run:
 *
 *   1. micro.mjs      in-process: Cachee's sync API beside raw Map / Set / array and lru-cache
 *   2. redis.mjs      async: ioredis-mock, ioredis and node-redis → a private redis-server
 *   3. memory.mjs     bytes per key, 1M string keys, each store in its own process
 *   4. eviction.mjs, memory-types.mjs, throughput.mjs (child processes, when present)
 *
 * Writes bench/results.md (sections per part, each table stamped with machine,
 * Node version and date) and bench/charts/*.svg (one chart per operation group).
 *
 *   npm run bench                 (build, then this file; under 8 minutes on 2 cores)
 *   node bench/run.mjs --quick    (smoke run, under 2 minutes: shorter benches, fewer calls)
 *   node bench/run.mjs --rounds 3 --only micro,clients,memory,eviction,memory-types,throughput
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeCharts } from './charts.mjs';
import {
  CONTENDERS,
  fmtNs,
  fmtRatio,
  GROUPS,
  machineInfo,
  OPS,
  pkgVersion,
  ZSET_SIZES,
  zsetSizeLabel,
} from './common.mjs';
import { runMemory } from './memory.mjs';
import { BIG_KEYS, runMicro, SCRIPTING } from './micro.mjs';

const self = fileURLToPath(import.meta.url);
const benchDir = fileURLToPath(new URL('.', import.meta.url));
const resultsFile = fileURLToPath(new URL('results.md', import.meta.url));
const PARTS = ['micro', 'clients', 'memory', 'eviction', 'memory-types', 'throughput'];

/** The other parts of the suite, run as child processes when their file exists. */
const CHILDREN = [
  { part: 'eviction', file: 'eviction.mjs', title: 'Eviction hit ratios' },
  { part: 'memory-types', file: 'memory-types.mjs', title: 'Memory per entry, by type' },
  // Writes its own '## RESP server throughput' section into results.md, so it runs last.
  {
    part: 'throughput',
    file: 'throughput.mjs',
    title: 'RESP server throughput',
    args: ['-n', '100000'],
    quickArgs: ['-n', '20000'],
  },
];

const verdict = (ok) => (ok ? 'met' : '**NOT met**');

// --- the report ----------------------------------------------------------------------------------

function report({ results, micro, clients, memory, memoryKeys, env, opts, notes }) {
  const p50 = (name) => results.get(name)?.p50;
  const lines = [];
  const push = (s = '') => lines.push(s);
  const stamp = `_${env.cpu}, ${env.cores} cores, ${env.mem} GB · Node ${env.node} · ${env.date}_`;

  push('# Cachee benchmark results');
  push();
  push(
    `- date: ${env.date}${opts.quick ? ' — **quick run** (short benches: a smoke test, not the numbers to quote)' : ''}`,
  );
  push(`- machine: ${env.cpu}, ${env.cores} cores, ${env.mem} GB RAM, ${env.os}`);
  push(
    `- Node ${env.node}; mitata ${pkgVersion('mitata')}, lru-cache ${pkgVersion('lru-cache')}, ioredis ${pkgVersion('ioredis')}, redis (node-redis) ${pkgVersion('redis')}, ioredis-mock ${pkgVersion('ioredis-mock')}, redis-server ${clients?.version ?? '—'}`,
  );
  push(
    `- In-process: median ns/op of mitata's batch samples (each sample averages many calls), best of ${opts.rounds} round(s), at least ${opts.cpuMs} ms of CPU per bench. Every contender gets the same key string objects and walks them in the same fixed-seed random order.`,
  );
  push(
    '- Async clients (ioredis-mock, ioredis, node-redis): one awaited call at a time, no pipelining; median of ~2 ms batches. redis-server is a private local instance (loopback TCP).',
  );
  push(
    '- Budgets from DESIGN.md §4, as ratios within this one run. The machine is shared and noisy: read ratios, not absolutes.',
  );
  push();

  // Budgets.
  push('## Budgets (DESIGN.md §4)');
  push();
  push('| budget | measured | result |');
  push('|---|---|---|');
  const budgetRow = (what, measured, ok) =>
    push(`| ${what} | ${measured} | ${ok === undefined ? 'skipped' : verdict(ok)} |`);
  for (const op of OPS.filter((o) => o.ratio !== undefined)) {
    const c = p50(`${op.id}/cachee`);
    const raw = p50(`${op.id}/raw`);
    const r = c !== undefined && raw !== undefined ? c / raw : undefined;
    const limit = `≤ ${op.ratio}× raw${op.maxNs ? ` and ≤ ${op.maxNs} ns` : ''}`;
    const ok = r === undefined ? undefined : r <= op.ratio && (op.maxNs === undefined || c <= op.maxNs);
    budgetRow(
      `${op.label}: ${limit} (raw: ${op.raw})`,
      r === undefined
        ? (micro.skipped.get(`${op.id}/cachee`) ?? 'not run')
        : `${fmtNs(c)} vs ${fmtNs(raw)} = ${fmtRatio(r)}`,
      ok,
    );
  }
  for (const op of OPS.filter((o) => o.ratio === undefined && o.maxNs !== undefined)) {
    const c = p50(`${op.id}/cachee`);
    budgetRow(
      `${op.label}: ≤ ${fmtNs(op.maxNs)}`,
      c === undefined ? (micro.skipped.get(`${op.id}/cachee`) ?? 'not run') : fmtNs(c),
      c === undefined ? undefined : c <= op.maxNs,
    );
  }
  const growth = zsetGrowth(p50);
  for (const g of growth) {
    budgetRow(
      `${g.zop} grows as log n from 10³ to 10⁶ (criterion: growth ≤ log-n growth 2× times the raw \`map.get\` growth on the same members, i.e. no worse than log n beyond memory latency)`,
      g.growth === undefined
        ? 'not run'
        : `${fmtNs(g.t3)} → ${fmtNs(g.t6)} = ${fmtRatio(g.growth)}; raw map.get ${fmtRatio(g.rawGrowth)}; limit ${fmtRatio(g.limit)}`,
      g.growth === undefined ? undefined : g.growth <= g.limit,
    );
  }
  {
    const c = p50('get-1k/cachee');
    const io = p50('get-1k/ioredis');
    const s = c !== undefined && io !== undefined ? io / c : undefined;
    budgetRow(
      'Sequential GET: ≥ 300× faster than ioredis → local redis-server',
      s === undefined ? 'not run' : `${fmtNs(io)} vs ${fmtNs(c)} = ${fmtRatio(s)} faster`,
      s === undefined ? undefined : s >= 300,
    );
  }
  {
    const m = memory?.cachee?.bytesPerKey;
    const raw = memory?.map?.bytesPerKey;
    const r = m !== undefined && raw !== undefined ? m / raw : undefined;
    budgetRow(
      `Memory, ${memoryKeys.toLocaleString('en-US')} string keys: ≤ 1.2× a raw \`Map<string, string>\``,
      r === undefined ? 'not run' : `${m.toFixed(1)} B vs ${raw.toFixed(1)} B per key = ${fmtRatio(r)}`,
      r === undefined ? undefined : r <= 1.2,
    );
  }
  push(
    "| RESP server, `redis-benchmark` -c 50, -P 1 and -P 16: ≥ redis-server's ops/s | see *RESP server throughput* below (bench/throughput.mjs) | — |",
  );
  push();
  push(stamp);
  push();

  // Per group: every contender.
  push('## Every operation, every contender');
  push();
  push(
    'ns per op (median). Cachee ÷ raw: the in-process overhead over plain JS; × vs ioredis: how many times faster than the same call awaited through ioredis to a local redis-server. — : not run (see Notes).',
  );
  push();
  for (const [group, title] of Object.entries(GROUPS)) {
    const ops = OPS.filter((o) => o.group === group);
    const shown = CONTENDERS.filter((c) => ops.some((o) => results.has(`${o.id}/${c.id}`)));
    if (shown.length === 0) continue;
    push(`### ${title}`);
    push();
    push(
      `| operation | raw JS does | ${shown.map((c) => c.label).join(' | ')} | Cachee ÷ raw | Cachee × vs ioredis |`,
    );
    push(`|---|---|${shown.map(() => '--:').join('|')}|--:|--:|`);
    for (const o of ops) {
      const c = p50(`${o.id}/cachee`);
      const raw = p50(`${o.id}/raw`);
      const io = p50(`${o.id}/ioredis`);
      const cells = shown.map((k) => {
        const v = p50(`${o.id}/${k.id}`);
        return k.id === 'cachee' && v !== undefined ? `**${fmtNs(v)}**` : fmtNs(v);
      });
      push(
        `| ${o.label} | ${o.raw} | ${cells.join(' | ')} | ${c && raw ? fmtRatio(c / raw) : '—'} | ${c && io ? fmtRatio(io / c) : '—'} |`,
      );
    }
    push();
    push(stamp);
    push();
    push(`![${title}](charts/${group}.svg)`);
    push();
  }

  // Sorted-set growth.
  push('### Sorted sets: from 10³ to 10⁶ members');
  push();
  push(
    `| operation | ${ZSET_SIZES.map(zsetSizeLabel).join(' | ')} | growth 10³→10⁶ | log n growth | raw \`map.get\` growth (memory latency) |`,
  );
  push(`|---|${ZSET_SIZES.map(() => '--:').join('|')}|--:|--:|--:|`);
  for (const zop of ['ZADD', 'ZINCRBY', 'ZRANK', 'ZSCORE', 'ZRANGE']) {
    const ts = ZSET_SIZES.map((n) => p50(`${zop.toLowerCase()}-1e${Math.log10(n)}/cachee`));
    const g = ts[0] && ts[2] ? ts[2] / ts[0] : undefined;
    const rg = rawGrowth(p50);
    push(
      `| ${zop === 'ZRANGE' ? 'ZRANGE 0 49 REV' : zop} (Cachee) | ${ts.map(fmtNs).join(' | ')} | ${fmtRatio(g)} | ${zop === 'ZRANGE' ? '1× (top 50: O(log n + 50))' : '2.00×'} | ${fmtRatio(rg)} |`,
    );
  }
  if (micro.zsetBuild.size > 0) {
    push(
      `| ZADD of a new member, while loading | ${ZSET_SIZES.map((n) => fmtNs(micro.zsetBuild.get(n))).join(' | ')} | | | |`,
    );
  }
  push();
  push(stamp);
  push();

  // Memory.
  push(`## Memory, ${memoryKeys.toLocaleString('en-US')} string keys (11-byte key → 10-byte value)`);
  push();
  if (memory === undefined) {
    push('Not run.');
  } else {
    push('| store | bytes per key | ÷ raw Map | budget | result |');
    push('|---|--:|--:|---|---|');
    const mapB = memory.map?.bytesPerKey;
    for (const [store, label] of [
      ['map', 'raw `Map<string, string>`'],
      ['lru-cache', 'lru-cache'],
      ['cachee', 'Cachee'],
      ['ioredis-mock', 'ioredis-mock'],
    ]) {
      const m = memory[store];
      if (m === undefined || m.error) {
        push(`| ${label} | skipped: ${m?.error ?? 'not run'} | | | |`);
        continue;
      }
      const ratio = mapB ? m.bytesPerKey / mapB : undefined;
      const budget = store === 'cachee' ? '≤ 1.2×' : '';
      const result = store === 'cachee' && ratio !== undefined ? verdict(ratio <= 1.2) : '';
      push(`| ${label} | ${m.bytesPerKey.toFixed(1)} | ${fmtRatio(ratio)} | ${budget} | ${result} |`);
    }
    if (clients?.bytesPerKey === undefined) push('| redis-server | not run | | | |');
    else {
      const ratio = mapB ? clients.bytesPerKey / mapB : undefined;
      push(
        `| redis-server (INFO used_memory) | ${clients.bytesPerKey.toFixed(1)} | ${fmtRatio(ratio)} | | |`,
      );
    }
    push();
    push(
      'Node stores: heapUsed + external growth after full GCs, each store loaded in its own `node --expose-gc` process. redis-server: used_memory growth after pipelined MSETs of the same keys.',
    );
    push();
    push(stamp);
    push();
    push('![Memory per key](charts/memory.svg)');
  }
  push();

  // Notes.
  const skips = new Map([...micro.skipped, ...(clients?.skipped ?? [])]);
  if (notes.length + skips.size > 0) {
    push('## Notes and skipped benches');
    push();
    for (const n of notes) push(`- ${n}`);
    const byReason = new Map();
    for (const [name, reason] of skips) byReason.set(reason, [...(byReason.get(reason) ?? []), name]);
    for (const [reason, names] of byReason) push(`- ${names.map((n) => `\`${n}\``).join(', ')}: ${reason}`);
    push();
  }
  return lines.join('\n');
}

/** Raw `map.get` growth from 10³ to 10⁶ members (the memory-latency yardstick). */
function rawGrowth(p50) {
  const a = p50('zscore-1e3/raw');
  const b = p50('zscore-1e6/raw');
  return a && b ? b / a : undefined;
}

/** ZADD / ZRANK / ZSCORE growth from 10³ to 10⁶ members against the log-n criterion. */
function zsetGrowth(p50) {
  const rg = rawGrowth(p50);
  return ['ZADD', 'ZRANK', 'ZSCORE'].map((zop) => {
    const t3 = p50(`${zop.toLowerCase()}-1e3/cachee`);
    const t6 = p50(`${zop.toLowerCase()}-1e6/cachee`);
    if (!t3 || !t6 || !rg) return { zop };
    return { zop, t3, t6, growth: t6 / t3, rawGrowth: rg, limit: 2 * rg };
  });
}

// --- child parts ---------------------------------------------------------------------------------

/**
 * Runs bench/<file> as a child process (after results.md is written), its output shown
 * as it comes. A child either writes its own section into results.md, or prints markdown
 * on stdout (from its first `## ` line), which is appended here. Resolves to a line for
 * the console summary.
 */
async function runChild({ file, title, args: fullArgs = [], quickArgs }, opts, print) {
  const path = `${benchDir}${file}`;
  if (!existsSync(path)) return `${file}: not present yet, skipped`;
  const source = readFileSync(path, 'utf8');
  let args = fullArgs;
  if (opts.quick) {
    args = quickArgs ?? (source.includes("'quick'") || source.includes('--quick') ? ['--quick'] : []);
  }
  const before = readFileSync(resultsFile, 'utf8');
  print(`\n# ${title} (node bench/${[file, ...args].join(' ')})`);
  const started = Date.now();
  const child = spawn(process.execPath, ['--expose-gc', path, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, CACHEE_BENCH_QUICK: opts.quick ? '1' : '' },
  });
  let stdout = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    process.stdout.write(chunk);
  });
  const limitMs = (opts.quick ? 3 : 5) * 60_000;
  const timer = setTimeout(() => child.kill('SIGTERM'), limitMs);
  const [code, signal] = await new Promise((resolve) => {
    child.once('error', (e) => resolve([null, e.message]));
    child.once('close', (c, sig) => resolve([c, sig]));
  });
  clearTimeout(timer);
  const secs = ((Date.now() - started) / 1000).toFixed(0);
  const after = readFileSync(resultsFile, 'utf8');
  if (code !== 0) {
    const why = code === null ? `killed (${signal}) after ${secs} s` : `exit code ${code}`;
    writeFileSync(resultsFile, `${after.trimEnd()}\n\n## ${title}\n\nbench/${file} failed (${why}).\n`);
    return `${file}: failed (${why})`;
  }
  // Its section is in results.md already when the child wrote it there itself (judged by
  // the heading: another job on the machine may have touched the file meanwhile).
  const at = stdout.search(/^## /m);
  const heading = at >= 0 ? stdout.slice(at).split('\n', 1)[0] : undefined;
  if (heading !== undefined ? after.includes(`${heading}\n`) : after !== before) {
    return `${file}: wrote its section into results.md (${secs} s)`;
  }
  const body = at >= 0 ? stdout.slice(at).trim() : `## ${title}\n\n${stdout.trim() || '(no output)'}`;
  writeFileSync(resultsFile, `${after.trimEnd()}\n\n${body}\n`);
  return `${file}: section appended from its output (${secs} s)`;
}

// --- main ----------------------------------------------------------------------------------------

async function main() {
  const started = Date.now();
  const print = (s) => process.stdout.write(`${s}\n`);
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      only: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    print('node bench/run.mjs [--quick] [--rounds N] [--only part,part...]');
    print(`parts: ${PARTS.join(', ')}`);
    return;
  }
  const only = new Set(values.only ? values.only.split(',').map((s) => s.trim()) : PARTS);
  for (const p of only)
    if (!PARTS.includes(p)) throw new Error(`unknown part ${p}; parts: ${PARTS.join(', ')}`);
  const opts = {
    quick: values.quick,
    rounds: Math.max(1, Number.parseInt(values.rounds ?? (values.quick ? '1' : '3'), 10) || 1),
    cpuMs: values.quick ? 50 : 300,
  };
  const memoryKeys = values.quick ? 200_000 : BIG_KEYS;
  // A quick run skips the 10⁶-member sorted set: loading it alone takes 15-20 s here.
  const zsetSizes = values.quick ? ZSET_SIZES.filter((n) => n < 1_000_000) : ZSET_SIZES;
  const env = machineInfo();
  const notes = [];
  if (!SCRIPTING) {
    notes.push(
      "Cachee EVALSHA: scripting (EVAL/EVALSHA) is not registered in the command table yet, so Cachee's EVALSHA bench and budget are skipped; the same script still runs on the other contenders.",
    );
  }
  if (values.only) notes.push(`Partial run: --only ${values.only}.`);
  if (zsetSizes.length < ZSET_SIZES.length) {
    notes.push('Quick run: sorted sets of 10⁶ members skipped (their budgets are checked by the full run).');
  }
  for (const c of CHILDREN) {
    if (only.has(c.part) && !existsSync(`${benchDir}${c.file}`)) {
      notes.push(`${c.title}: bench/${c.file} is not present in this checkout, so this part did not run.`);
    }
  }

  let micro = { results: new Map(), skipped: new Map(), zsetBuild: new Map() };
  if (only.has('micro')) {
    print(`# in-process micro-benchmarks (${opts.rounds} round(s), ${opts.cpuMs} ms CPU per bench)`);
    micro = await runMicro(print, { rounds: opts.rounds, cpuMs: opts.cpuMs, zsetSizes });
    print(`(micro-benchmarks: ${((Date.now() - started) / 1000).toFixed(0)} s so far)`);
  }
  let clients;
  if (only.has('clients')) {
    print('\n# async clients: ioredis / node-redis → redis-server, ioredis-mock');
    // Imported only now: node-redis's `class VerbatimString extends String` turns
    // String.prototype into dictionary mode, making every charCodeAt ~3x slower, which
    // would skew the in-process numbers measured above.
    const { runAsyncClients } = await import('./redis.mjs');
    clients = await runAsyncClients({ quick: opts.quick, memoryKeys, scripting: true, zsetSizes, print });
    notes.push(...clients.notes);
    print(`(async clients: ${((Date.now() - started) / 1000).toFixed(0)} s so far)`);
  }
  let memory;
  if (only.has('memory')) {
    print(`\n# memory per key, ${memoryKeys.toLocaleString('en-US')} keys (one child process per store)`);
    memory = runMemory(memoryKeys);
    for (const [k, v] of Object.entries(memory)) {
      print(`  ${k.padEnd(14)} ${v.error ? `error: ${v.error}` : `${v.bytesPerKey.toFixed(1)} B/key`}`);
    }
  }
  const results = new Map([...micro.results, ...(clients?.results ?? [])]);

  const md = report({ results, micro, clients, memory, memoryKeys, env, opts, notes });
  writeFileSync(resultsFile, `${md}\n`);
  const memRows = [];
  if (memory) {
    for (const [id, store] of [
      ['raw', 'map'],
      ['lru-cache', 'lru-cache'],
      ['cachee', 'cachee'],
      ['ioredis-mock', 'ioredis-mock'],
    ]) {
      if (memory[store]?.bytesPerKey !== undefined) memRows.push({ id, value: memory[store].bytesPerKey });
    }
    if (clients?.bytesPerKey !== undefined) memRows.push({ id: 'redis-server', value: clients.bytesPerKey });
  }
  const charts = writeCharts(fileURLToPath(new URL('charts/', import.meta.url)), {
    results,
    skipped: new Map([...micro.skipped, ...(clients?.skipped ?? [])]),
    env,
    memory: {
      keys: memoryKeys,
      rows: memRows,
      contenders: [
        ...CONTENDERS.filter((c) => c.id !== 'ioredis' && c.id !== 'node-redis').map((c) =>
          c.id === 'raw' ? { ...c, short: 'raw Map' } : c,
        ),
        { id: 'redis-server', short: 'redis-server', color: '#2f80ed' },
      ],
    },
  });
  print(`\n${md}`);

  const childNotes = [];
  for (const child of CHILDREN) {
    if (only.has(child.part)) childNotes.push(await runChild(child, opts, print));
  }
  // results.md is committed: format it as `npm run lint` wants it (Biome aligns markdown tables).
  const biome = fileURLToPath(new URL('../node_modules/.bin/biome', import.meta.url));
  if (existsSync(biome)) spawnSync(biome, ['format', '--write', resultsFile], { stdio: 'ignore' });
  print(`\nwritten: ${['results.md', ...charts].map((f) => `bench/${f}`).join(', ')}`);
  for (const n of childNotes) print(`  ${n}`);
  print(`(${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

if (typeof globalThis.gc !== 'function') {
  // mitata collects garbage between benches when it can, and so does memory.mjs: rerun with --expose-gc.
  const r = spawnSync(
    process.execPath,
    ['--expose-gc', ...process.execArgv, self, ...process.argv.slice(2)],
    {
      stdio: 'inherit',
    },
  );
  process.exitCode = r.status ?? 1;
} else {
  main().then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
