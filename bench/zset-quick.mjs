/**
 * Quick per-op timings of the sorted-set ops at 10^3 / 10^5 / 10^6 members
 * (DESIGN.md §4: ZADD/ZRANK/ZSCORE ≤ 1 µs at 10^6 growing as log n; ZRANGE
 * top-50 ≤ 2 µs at 10^5). Not part of the suite: a sanity check while working
 * on src/types/zset.ts. Run after a build: `node bench/zset-quick.mjs`
 * (ZSET_BUILD=<dir> points at another build root holding types/ and engine/).
 */
import { prng } from './common.mjs';

const root = process.env.ZSET_BUILD ?? new URL('../dist/', import.meta.url).href;
const base = root.endsWith('/') ? root : `${root}/`;
const { Engine } = await import(`${base}engine/engine.js`);
const z = await import(`${base}types/zset.js`);

const OPS = 200_000;

function time(label, n, fn) {
  // Warm up, then measure.
  fn(Math.min(OPS, 20_000));
  const t0 = process.hrtime.bigint();
  fn(OPS);
  const ns = Number(process.hrtime.bigint() - t0) / OPS;
  console.log(`${String(n).padStart(8)}  ${label.padEnd(26)} ${ns.toFixed(0).padStart(6)} ns/op`);
}

for (const n of [1_000, 100_000, 1_000_000]) {
  const engine = new Engine();
  const db = engine.dbs[0];
  const next = prng(n);
  const members = new Array(n);
  for (let i = 0; i < n; i++) members[i] = `member:${i}`;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) z.zaddOne(db, 'lb', Math.floor(next() * 1e9), members[i]);
  const build = Number(process.hrtime.bigint() - t0) / n;
  console.log(
    `${String(n).padStart(8)}  ${'ZADD new (build)'.padEnd(26)} ${build.toFixed(0).padStart(6)} ns/op`,
  );
  const walk = new Uint32Array(1 << 16);
  for (let i = 0; i < walk.length; i++) walk[i] = Math.floor(next() * n);
  const scores = new Float64Array(1 << 16);
  for (let i = 0; i < scores.length; i++) scores[i] = Math.floor(next() * 1e9);
  let sink = 0;
  const plain = new Map();
  for (let i = 0; i < n; i++) plain.set(members[i], i);
  time('baseline: Map.get (random)', n, (k) => {
    for (let i = 0; i < k; i++) sink += plain.get(members[walk[i & 0xffff]]);
  });
  time('ZRANK (1k hot members)', n, (k) => {
    for (let i = 0; i < k; i++) sink += z.zrank(db, 'lb', members[walk[i & 0x3ff]]);
  });
  time('ZADD update (random)', n, (k) => {
    for (let i = 0; i < k; i++) sink += z.zaddOne(db, 'lb', scores[i & 0xffff], members[walk[i & 0xffff]]);
  });
  time('ZINCRBY +1', n, (k) => {
    for (let i = 0; i < k; i++) sink += z.zincrby(db, 'lb', 1, members[walk[i & 0xffff]]);
  });
  time('ZSCORE', n, (k) => {
    for (let i = 0; i < k; i++) sink += z.zscore(db, 'lb', members[walk[i & 0xffff]]);
  });
  time('ZRANK', n, (k) => {
    for (let i = 0; i < k; i++) sink += z.zrank(db, 'lb', members[walk[i & 0xffff]]);
  });
  time('ZREVRANGE 0 49 (top-50)', n, (k) => {
    for (let i = 0; i < k; i++) sink += z.zrangeByRank(db, 'lb', 0, 49, true).members.length;
  });
  time('ZRANGE rank r..r+49', n, (k) => {
    for (let i = 0; i < k; i++) {
      const r = walk[i & 0xffff];
      sink += z.zrangeByRank(db, 'lb', r, r + 49).members.length;
    }
  });
  const range = { min: 0, max: 1e9, minex: false, maxex: false };
  time('ZCOUNT', n, (k) => {
    for (let i = 0; i < k; i++) {
      range.min = scores[i & 0xffff] / 2;
      sink += z.zcount(db, 'lb', range);
    }
  });
  if (sink === 0.5) console.log(sink);
}
