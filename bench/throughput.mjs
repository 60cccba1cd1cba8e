#!/usr/bin/env node
/**
 * RESP server throughput: Debian's `redis-benchmark` against `cachee-server`
 * (node dist/cli/main.js) and against `redis-server` on the same machine, one
 * after the other, with -P 1 and -P 16. Prints a markdown table of ops/s and
 * the Cachee ÷ redis-server ratio per test (DESIGN.md §4 budget: ≥ 1.0×), and
 * writes it into bench/results.md under '## RESP server throughput'
 * (replacing that section when present).
 *
 *   npm run build && node bench/throughput.mjs [-n 200000] [-c 50] [-P 1,16] [--tests set,get,...]
 *                                              [--rounds-pipelined 3] [--no-write]
 *
 * Both servers are warmed up first (every test once, unrecorded). Each -P round
 * starts from an empty keyspace (FLUSHALL); within it, the servers take turns
 * test by test, so load drift on a shared machine hits both alike.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const resultsFile = fileURLToPath(new URL('results.md', import.meta.url));
const mainJs = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const HEADING = '## RESP server throughput';
const DEFAULT_TESTS = 'set,get,incr,lpush,rpop,sadd,hset,zadd,lrange_100';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', short: 'n', default: '200000' },
    clients: { type: 'string', short: 'c', default: '50' },
    pipelines: { type: 'string', short: 'P', default: '1,16' },
    tests: { type: 'string', short: 't', default: DEFAULT_TESTS },
    'no-write': { type: 'boolean', default: false },
    'cachee-args': { type: 'string', default: '' },
    'rounds-pipelined': { type: 'string', default: '3' },
  },
});
const requests = Number.parseInt(values.requests, 10);
const clients = Number.parseInt(values.clients, 10);
const pipelines = values.pipelines.split(',').map((p) => Number.parseInt(p, 10));
const tests = values.tests;
const roundsPipelined = Math.max(1, Number.parseInt(values['rounds-pipelined'], 10) || 1);

function print(line = '') {
  process.stdout.write(`${line}\n`);
}

/** A free TCP port on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Sends one inline command and resolves with the first reply line. */
function command(port, line) {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let data = '';
    s.once('error', reject);
    s.on('data', (d) => {
      data += d;
      if (data.includes('\r\n')) {
        s.destroy();
        resolve(data.slice(0, data.indexOf('\r\n')));
      }
    });
    s.write(`${line}\r\n`);
  });
}

async function waitReady(port, child, name) {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode}`);
    try {
      if ((await command(port, 'PING')) === '+PONG') return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${name} did not start on port ${port}`);
}

async function startServer(name, cmd, args, port) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
    if (stderr.length > 65536) stderr = stderr.slice(-32768);
  });
  try {
    await waitReady(port, child, name);
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`${e.message}\n${stderr}`);
  }
  return {
    name,
    port,
    pid: child.pid,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        const force = setTimeout(() => child.kill('SIGKILL'), 3000);
        child.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** Runs redis-benchmark --csv; returns Map(test name → rps). */
function benchmark(port, pipeline, only, n) {
  return new Promise((resolve, reject) => {
    const args = ['-h', '127.0.0.1', '-p', String(port), '-t', only, '-n', String(n), '-c', String(clients)];
    args.push('-P', String(pipeline), '--csv');
    const child = spawn('redis-benchmark', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`redis-benchmark exited ${code}: ${err}`));
      const rows = new Map();
      for (const line of out.split('\n')) {
        const cells = line.match(/"([^"]*)"/g)?.map((c) => c.slice(1, -1));
        if (!cells || cells[0] === 'test' || cells.length < 2) continue;
        rows.set(cells[0], Number.parseFloat(cells[1]));
      }
      resolve(rows);
    });
  });
}

function fmt(n) {
  return n === undefined ? 'n/a' : Math.round(n).toLocaleString('en-US');
}

function version(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8' }).trim();
  } catch {
    return '?';
  }
}

async function main() {
  if (!existsSync(mainJs)) {
    print('dist/cli/main.js is missing: run `npm run build` first.');
    process.exit(1);
  }
  const started = Date.now();
  const [cacheePort, redisPort] = await Promise.all([freePort(), freePort()]);
  const extra = values['cachee-args'] ? values['cachee-args'].split(' ') : [];
  const cachee = await startServer(
    'cachee-server',
    process.execPath,
    [mainJs, '--port', String(cacheePort), ...extra],
    cacheePort,
  );
  let redis;
  try {
    redis = await startServer(
      'redis-server',
      'redis-server',
      ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      redisPort,
    );
  } catch (e) {
    await cachee.stop();
    throw e;
  }
  /** results[pipeline][server] = Map(test → rps) */
  const results = new Map();
  try {
    // Warm-up (not recorded): a long-running server is JIT-compiled; give both the same start.
    print('warm-up: every test once, -n 20000 -P 16, on both servers ...');
    for (const server of [cachee, redis]) await benchmark(server.port, 16, tests, 20000);
    for (const p of pipelines) {
      const byServer = { 'cachee-server': new Map(), 'redis-server': new Map() };
      await Promise.all([command(cachee.port, 'FLUSHALL'), command(redis.port, 'FLUSHALL')]);
      print(
        `redis-benchmark -n ${requests} -c ${clients} -P ${p}, one test at a time on each server in turn ...`,
      );
      const t0 = Date.now();
      // Test by test, alternating which server goes first, so load drift on a shared machine hits both.
      // Best of `rounds` per test and server at -P > 1, where one run lasts well under a second.
      const rounds = p > 1 ? roundsPipelined : 1;
      for (const [i, test] of tests.split(',').entries()) {
        for (let r = 0; r < rounds; r++) {
          for (const server of (i + r) % 2 === 0 ? [cachee, redis] : [redis, cachee]) {
            const best = byServer[server.name];
            for (const [name, rps] of await benchmark(server.port, p, test, requests)) {
              best.set(name, Math.max(best.get(name) ?? 0, rps));
            }
          }
        }
      }
      print(`  done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      results.set(p, byServer);
    }
  } finally {
    await Promise.all([cachee.stop(), redis.stop()]);
  }

  const env = [
    `- date: ${new Date().toISOString()}`,
    `- machine: ${os.cpus()[0]?.model ?? '?'}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GB RAM, ${os.type()} ${os.release()} ${os.arch()}`,
    `- Node ${process.version}; ${version('redis-server', ['--version']).replace(/ sha=.*$/, '')}`,
    `- \`redis-benchmark -t <test> -n ${requests} -c ${clients} -P <1|16> --csv\` for each of ${tests} (at -P 16 the best of ${roundsPipelined} runs), after a warm-up run of every test on both servers; each -P round starts on an empty keyspace. cachee-server (\`node dist/cli/main.js\`) and redis-server (\`--save '' --appendonly no\`) on 127.0.0.1 take turns test by test on the same shared 2-core machine (redis-benchmark itself needs one core): read the ratios, not the absolutes.`,
    '- Budget (DESIGN.md §4): Cachee ≥ 1.0× redis-server ops/s.',
  ];
  const rows = [
    '| test | -P | cachee-server ops/s | redis-server ops/s | cachee ÷ redis | budget ≥ 1.0× |',
    '|---|--:|--:|--:|--:|---|',
  ];
  for (const [p, byServer] of results) {
    const ours = byServer['cachee-server'];
    const theirs = byServer['redis-server'];
    for (const [test, rps] of ours) {
      const ref = theirs.get(test);
      const ratio = ref ? rps / ref : undefined;
      const verdict = ratio === undefined ? '—' : ratio >= 1 ? 'met' : '**NOT met**';
      rows.push(
        `| ${test} | ${p} | ${fmt(rps)} | ${fmt(ref)} | ${ratio === undefined ? 'n/a' : `${ratio.toFixed(2)}×`} | ${verdict} |`,
      );
    }
  }
  const section = `${HEADING}\n\n${env.join('\n')}\n\n${rows.join('\n')}\n`;
  print();
  print(section);
  if (!values['no-write']) {
    const md = existsSync(resultsFile) ? readFileSync(resultsFile, 'utf8') : '# Cachee benchmark results\n';
    const start = md.indexOf(`${HEADING}\n`);
    let next;
    if (start >= 0) {
      const after = md.indexOf('\n## ', start + HEADING.length);
      next = `${md.slice(0, start)}${section}${after >= 0 ? md.slice(after) : ''}`;
    } else {
      next = `${md.replace(/\n*$/, '\n\n')}${section}`;
    }
    writeFileSync(resultsFile, next);
    print(`(written to bench/results.md; ${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
