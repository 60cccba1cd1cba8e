/**
 * Shared pieces of the benchmark suite: the fixed-seed PRNG, the key and value
 * shapes every contender sees, and a private redis-server on a free port.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';

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
