/**
 * Memory per key: n string keys (`key:0000001` → a distinct 10-byte value),
 * each store measured in a fresh child process (--expose-gc) as the heap
 * growth (heapUsed + external, after full GCs) from the empty store to the
 * loaded one. The key and value strings are created inside the measured
 * window, so what a store retains of them counts, once.
 *
 * Run directly as a child: `node --expose-gc bench/memory.mjs <map|lru-cache|cachee|ioredis-mock> <n>`
 * prints one JSON line `{ "bytesPerKey": ... }` or `{ "error": ... }`.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { keyName, valueFor } from './common.mjs';

const self = fileURLToPath(import.meta.url);
export const STORES = ['map', 'lru-cache', 'cachee', 'ioredis-mock'];

function heap() {
  for (let i = 0; i < 4; i++) globalThis.gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

/**
 * Returns a factory for an empty store of the kind; the store itself is made
 * inside the measured window, since some preallocate for their capacity.
 * `load(n)` fills it with keys 1..n; `get(k)` reads one back (maybe a Promise).
 */
async function storeFactory(kind, n) {
  const loadSync = (set) => {
    for (let i = 1; i <= n; i++) set(keyName(i), valueFor(i));
  };
  if (kind === 'map') {
    return () => {
      const map = new Map();
      return { store: map, load: () => loadSync((k, v) => map.set(k, v)), get: (k) => map.get(k) };
    };
  }
  if (kind === 'lru-cache') {
    const { LRUCache } = await import('lru-cache');
    return () => {
      const lru = new LRUCache({ max: n });
      return { store: lru, load: () => loadSync((k, v) => lru.set(k, v)), get: (k) => lru.get(k) };
    };
  }
  if (kind === 'cachee') {
    const { Cachee } = await import('../dist/index.js');
    // Warm the command path (and whatever it creates lazily) before the baseline.
    const warm = new Cachee();
    warm.set('warm', 'up');
    warm.close();
    return () => {
      const cachee = new Cachee();
      return { store: cachee, load: () => loadSync((k, v) => cachee.set(k, v)), get: (k) => cachee.get(k) };
    };
  }
  if (kind === 'ioredis-mock') {
    const { default: RedisMock } = await import('ioredis-mock');
    const warm = new RedisMock({ port: 1 });
    await warm.set('warm', 'up');
    await warm.flushall();
    warm.disconnect();
    return () => {
      const mock = new RedisMock({ port: 2 });
      const load = async () => {
        // MSETs of 1000 pairs: the argument arrays are garbage by the time the heap is measured.
        for (let i = 1; i <= n; ) {
          const args = [];
          for (let j = 0; j < 1000 && i <= n; j++, i++) args.push(keyName(i), valueFor(i));
          await mock.mset(...args);
        }
      };
      return { store: mock, load, get: (k) => mock.get(k) };
    };
  }
  throw new Error(`unknown store ${kind}`);
}

async function child(kind, n) {
  try {
    const make = await storeFactory(kind, n);
    const before = heap();
    const s = make();
    await s.load();
    const after = heap();
    if ((await s.get(keyName(n))) !== valueFor(n)) throw new Error('last key did not read back');
    globalThis.keep = s.store;
    process.stdout.write(`${JSON.stringify({ bytesPerKey: (after - before) / n })}\n`);
  } catch (e) {
    process.stdout.write(`${JSON.stringify({ error: e instanceof Error ? e.message : String(e) })}\n`);
  }
  process.exit(0); // ioredis-mock keeps no socket, but do not wait on anything either
}

/** Measures bytes per key for each store in its own process; resolves to `{ [store]: {bytesPerKey} | {error} }`. */
export function runMemory(n) {
  const out = {};
  for (const kind of STORES) {
    const r = spawnSync(process.execPath, ['--expose-gc', self, kind, String(n)], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    const line = r.stdout.trim().split('\n').pop();
    try {
      out[kind] = JSON.parse(line);
    } catch {
      out[kind] = { error: `child failed (status ${r.status}): ${r.stderr.trim().split('\n').pop()}` };
    }
  }
  return out;
}

if (process.argv[1] === self) void child(process.argv[2], Number(process.argv[3]));
