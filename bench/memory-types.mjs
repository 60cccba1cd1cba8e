/**
 * Memory per entry of each aggregate type at 10^6 entries: a 1M-field hash, a
 * 1M-member set and sorted set, a 1M-element list, in Cachee beside the raw JS
 * structure holding the same strings (Map, Set, Map member → score, array) and
 * beside redis-server's used_memory. Each JS store is measured in its own child
 * process (--expose-gc) as the heap growth (heapUsed + external, after full GCs)
 * from empty to loaded, with the strings created inside the measured window.
 * Cachee's own estimate (engine/memory.ts, what INFO used_memory and maxmemory
 * use) is printed beside its measured heap.
 *
 *   node bench/memory-types.mjs [--quick]        (quick: 200k entries)
 *   node --expose-gc bench/memory-types.mjs --child <kind> <store> <n>
 *
 * Prints a markdown section ('## Memory per entry, by type') for bench/run.mjs.
 */
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machineInfo, startRedisServer } from './common.mjs';

const self = fileURLToPath(import.meta.url);
const KINDS = ['hash', 'set', 'zset', 'list'];
const RAW_LABEL = {
  hash: '`Map<field, value>`',
  set: '`Set<member>`',
  zset: '`Map<member, score>` (no order)',
  list: '`string[]`',
};

/** A flat (sequential) copy: concatenations of 13+ chars are V8 cons strings, which cost more. */
const flat = (s) => Buffer.from(s, 'latin1').toString('latin1');
const field = (i) => flat(`field:${String(i).padStart(7, '0')}`);
const member = (i) => flat(`member:${String(i).padStart(7, '0')}`);
const value = (i) => `v${String(i).padStart(9, '0')}`;

function heap() {
  for (let i = 0; i < 4; i++) globalThis.gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

async function child(kind, store, n) {
  let make;
  let cachee;
  if (store === 'cachee') {
    const { Cachee } = await import('../dist/index.js');
    // Warm the code paths on a small value first.
    const warm = new Cachee({ activeExpiry: false });
    for (let i = 0; i < 1000; i++) {
      warm.hset('h', field(i), value(i));
      warm.sadd('s', member(i));
      warm.zadd('z', i + 0.5, member(i));
      warm.rpush('l', value(i));
    }
    warm.close();
    make = () => {
      cachee = new Cachee({ activeExpiry: false });
      const c = cachee;
      if (kind === 'hash') return (i) => c.hset('h', field(i), value(i));
      if (kind === 'set') return (i) => c.sadd('s', member(i));
      if (kind === 'zset') return (i) => c.zadd('z', i + 0.5, member(i));
      return (i) => c.rpush('l', value(i));
    };
  } else {
    make = () => {
      if (kind === 'hash') {
        const m = new Map();
        globalThis.keep = m;
        return (i) => m.set(field(i), value(i));
      }
      if (kind === 'set') {
        const s = new Set();
        globalThis.keep = s;
        return (i) => s.add(member(i));
      }
      if (kind === 'zset') {
        const m = new Map();
        globalThis.keep = m;
        return (i) => m.set(member(i), i + 0.5);
      }
      const a = [];
      globalThis.keep = a;
      return (i) => a.push(value(i));
    };
  }
  const before = heap();
  const add = make();
  const estimateBefore = cachee ? cachee.engine.usedBytes : 0;
  for (let i = 0; i < n; i++) add(i);
  const after = heap();
  globalThis.keepCachee = cachee;
  const out = { bytesPerEntry: (after - before) / n };
  if (cachee) out.estimatePerEntry = (cachee.engine.usedBytes - estimateBefore) / n;
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

function runChild(kind, store, n) {
  const r = spawnSync(process.execPath, ['--expose-gc', self, '--child', kind, store, String(n)], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop());
  } catch {
    return { error: (r.stderr || r.stdout || 'no output').trim().split('\n').pop() };
  }
}

/** Sends RESP commands in pipelined batches; resolves when every reply came back. */
function pipeline(port, commands) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let pending = 0;
    let i = 0;
    let tail = '';
    const BATCH = 10_000;
    const sendBatch = () => {
      const parts = [];
      for (let b = 0; b < BATCH && i < commands.length; b++, i++) {
        const argv = commands[i];
        parts.push(`*${argv.length}\r\n${argv.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
        pending++;
      }
      sock.write(parts.join(''));
    };
    sock.setEncoding('latin1');
    sock.on('data', (chunk) => {
      // Every reply here is one line (+OK, :n, or an error).
      const text = tail + chunk;
      const lines = text.split('\r\n');
      tail = lines.pop();
      for (const l of lines) if (l.startsWith('-')) return reject(new Error(l));
      pending -= lines.length;
      if (pending === 0) {
        if (i < commands.length) sendBatch();
        else {
          sock.end();
          resolve();
        }
      }
    });
    sock.on('error', reject);
    sock.on('connect', sendBatch);
  });
}

async function usedMemory(port) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1', () => sock.write('*2\r\n$4\r\nINFO\r\n$6\r\nmemory\r\n'));
    let text = '';
    sock.setEncoding('latin1');
    sock.on('data', (c) => {
      text += c;
      // A bulk reply: $<length>\r\n<body>\r\n.
      const eol = text.indexOf('\r\n');
      if (eol < 0 || text.length < eol + 2 + Number(text.slice(1, eol))) return;
      sock.end();
      resolve(Number(/used_memory:(\d+)/.exec(text)[1]));
    });
    sock.on('error', reject);
  });
}

async function redisPerEntry(n) {
  const server = await startRedisServer();
  if (server === null) return null;
  try {
    const out = {};
    for (const kind of KINDS) {
      const commands = new Array(n);
      for (let i = 0; i < n; i++) {
        if (kind === 'hash') commands[i] = ['HSET', 'h', field(i), value(i)];
        else if (kind === 'set') commands[i] = ['SADD', 's', member(i)];
        else if (kind === 'zset') commands[i] = ['ZADD', 'z', String(i + 0.5), member(i)];
        else commands[i] = ['RPUSH', 'l', value(i)];
      }
      await pipeline(server.port, [['FLUSHALL']]);
      const before = await usedMemory(server.port);
      await pipeline(server.port, commands);
      const after = await usedMemory(server.port);
      out[kind] = (after - before) / n;
    }
    return out;
  } finally {
    server.stop();
  }
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      quick: { type: 'boolean', default: process.env.CACHEE_BENCH_QUICK === '1' },
      child: { type: 'boolean', default: false },
    },
  });
  if (values.child) {
    const [kind, store, n] = positionals;
    return child(kind, store, Number(n));
  }
  const n = values.quick ? 200_000 : 1_000_000;
  const print = (s) => process.stderr.write(`${s}\n`);
  const rows = [];
  for (const kind of KINDS) {
    const raw = runChild(kind, 'raw', n);
    const cachee = runChild(kind, 'cachee', n);
    rows.push({ kind, raw, cachee });
    print(
      `  ${kind}: raw ${raw.bytesPerEntry?.toFixed(1)} B, cachee ${cachee.bytesPerEntry?.toFixed(1)} B (estimate ${cachee.estimatePerEntry?.toFixed(1)} B)`,
    );
  }
  let redis = null;
  try {
    redis = await redisPerEntry(n);
  } catch (e) {
    print(`redis-server: ${e instanceof Error ? e.message : String(e)}`);
  }
  const f = (r, k = 'bytesPerEntry') =>
    r?.[k] === undefined ? (r?.error ? `error: ${r.error}` : '—') : r[k].toFixed(1);
  const env = machineInfo();
  const out = [
    '## Memory per entry, by type',
    '',
    `One aggregate of ${n.toLocaleString('en-US')} entries (fields \`field:NNNNNNN\` → 10-byte values, members \`member:NNNNNNN\`, list elements of 10 bytes), bytes per entry: heap growth after full GCs (heapUsed + external) for JS, INFO used_memory growth for redis-server. bench/memory-types.mjs.`,
    '',
    '| type | raw JS structure | raw | Cachee (measured) | Cachee ÷ raw | Cachee estimate (INFO used_memory) | redis-server |',
    '|---|---|--:|--:|--:|--:|--:|',
  ];
  for (const { kind, raw, cachee } of rows) {
    const ratio =
      raw.bytesPerEntry && cachee.bytesPerEntry
        ? `${(cachee.bytesPerEntry / raw.bytesPerEntry).toFixed(2)}×`
        : '—';
    out.push(
      `| ${kind} | ${RAW_LABEL[kind]} | ${f(raw)} B | ${f(cachee)} B | ${ratio} | ${f(cachee, 'estimatePerEntry')} B | ${redis ? `${redis[kind].toFixed(1)} B` : '—'} |`,
    );
  }
  out.push('');
  out.push(`_${env.cpu}, ${env.cores} cores, ${env.mem} GB · Node ${env.node} · ${env.date}_`);
  process.stdout.write(`${out.join('\n')}\n`);
}

main().then(
  () => {
    if (!process.argv.includes('--child')) process.exit(0);
  },
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
