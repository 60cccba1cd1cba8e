/**
 * Differential test of the Lua libraries: every case of libs-cases.ts, plus
 * seeded random inputs (msgpack bytes, JSON text, struct formats, bit operands,
 * string.format specs), run through a live redis-server 7.0 and through our Lua
 * 5.4 state; the text results must be identical. Skipped without redis-server.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LuaEngine } from 'wasmoon';
import { RawConnection, type RedisProcess, startRedis } from '../diff/harness.js';
import { CASE_HELPERS, LIB_CASES } from './libs-cases.js';
import { createLibsState, escapeHigh, runCase } from './libs-harness.js';

const hasRedis = spawnSync('redis-server', ['--version']).status === 0;

/** A bulk or error reply as text (error replies as "ERRREPLY <line>" without Redis's script suffix). */
function replyText(b: Buffer): string | null {
  const eol = b.indexOf('\r\n');
  const line = b.toString('latin1', 1, eol);
  if (b[0] === 0x2d) return `ERRREPLY ${line.replace(/ script: [0-9a-f]{40}, on @user_script:\d+\.$/, '')}`;
  if (b[0] === 0x24) {
    const n = Number(line);
    return n < 0 ? null : b.toString('latin1', eol + 2, eol + 2 + n);
  }
  return b.toString('latin1');
}

/** mulberry32: a small seeded PRNG so the random cases are the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomCases(seed: number): string[] {
  const r = rng(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const hexOf = (bytes: number[]): string => bytes.map((x) => x.toString(16).padStart(2, '0')).join('');
  const out: string[] = [];
  const prefixes = [0x90, 0x91, 0x92, 0x81, 0x82, 0xdc, 0xde, 0xd9, 0xda, 0xdb, 0xcc, 0xcd, 0xce, 0xcf, 0xd0];
  const prefixes2 = [
    0xd1, 0xd2, 0xd3, 0xca, 0xcb, 0xc0, 0xc2, 0xc3, 0xa3, 0x05, 0xf0, 0xc1, 0xc4, 0xdd, 0xdf,
  ];
  for (let i = 0; i < 150; i++) {
    const bytes = Array.from({ length: int(0, 12) }, () =>
      r() < 0.5 ? pick([...prefixes, ...prefixes2]) : int(0, 255),
    );
    out.push(`T(cmsgpack.unpack, HX('${hexOf(bytes)}'))`);
    out.push(`T(cmsgpack.unpack_limit, HX('${hexOf(bytes)}'), ${int(-1, 3)}, ${int(-1, 5)})`);
  }
  const atoms = [
    '1',
    '-0',
    '0.5e3',
    '"a"',
    '"\\\\u00e9"',
    'true',
    'null',
    '[]',
    '{}',
    'NaN',
    '-Infinity',
    '0x1f',
  ];
  const atoms2 = [
    '01',
    '1.',
    '"\\\\q"',
    '+1',
    '1e',
    '"',
    '[',
    ']',
    '{',
    '}',
    ',',
    ':',
    ' ',
    'x',
    '1e400',
    '-',
    '.5',
  ];
  for (let i = 0; i < 200; i++) {
    const s = Array.from({ length: int(1, 8) }, () => pick([...atoms, ...atoms2])).join('');
    out.push(`T(cjson.decode, '${s}')`);
  }
  const opts = [
    'b',
    'B',
    'h',
    'H',
    'i',
    'I',
    'l',
    'L',
    'f',
    'd',
    'x',
    'c2',
    's',
    'i3',
    'I5',
    '!',
    '!4',
    '<',
    '>',
    ' ',
    'c0',
    'I16',
  ];
  const vals = ['1', '-1', '3.7', '2^40', '"ab"', '"x"', '0/0', '1e300'];
  for (let i = 0; i < 150; i++) {
    const f = Array.from({ length: int(1, 5) }, () => pick(opts)).join('');
    const data = Array.from({ length: int(0, 24) }, () => (r() < 0.7 ? int(0, 255) : 0));
    out.push(`T(struct.unpack, '${f}', HX('${hexOf(data)}'))`);
    out.push(`T(struct.size, '${f}')`);
    const args = Array.from({ length: int(0, 5) }, () => pick(vals));
    out.push(`T(function() return H(struct.pack('${f}'${args.map((a) => `, ${a}`).join('')})) end)`);
  }
  const bitVals = [
    '0',
    '1',
    '-1',
    '0x7fffffff',
    '0x80000000',
    '0xffffffff',
    '2^32',
    '2^53',
    '1.5',
    '-2.5',
    '1e10',
    '12345.678',
    '"7"',
  ];
  const bitFns = [
    'tobit',
    'bnot',
    'band',
    'bor',
    'bxor',
    'lshift',
    'rshift',
    'arshift',
    'rol',
    'ror',
    'bswap',
    'tohex',
  ];
  for (let i = 0; i < 150; i++) {
    const args = Array.from({ length: int(1, 3) }, () => pick(bitVals));
    out.push(`T(bit.${pick(bitFns)}, ${args.join(', ')})`);
  }
  const specs = [
    '%d',
    '%5d',
    '%-5d',
    '%+d',
    '%x',
    '%X',
    '%o',
    '%c',
    '%e',
    '%.3f',
    '%g',
    '%10.4g',
    '%s',
    '%q',
    '%5s',
    '%.2s',
    '%u',
  ];
  const fvals = [
    '1',
    '-1',
    '3.7',
    '-2.5',
    '2^63',
    '1e100',
    '0',
    '"12"',
    '"abc"',
    '1/0',
    '255',
    '65',
    '1e15',
    '0.1',
  ];
  for (let i = 0; i < 150; i++) {
    const n = int(1, 3);
    const f = Array.from({ length: n }, () => pick(specs)).join(' ');
    out.push(`T(string.format, '${f}', ${Array.from({ length: n }, () => pick(fvals)).join(', ')})`);
  }
  return out;
}

describe.skipIf(!hasRedis)('Lua libraries: redis-server vs Cachee', () => {
  let redis: RedisProcess;
  let conn: RawConnection;
  let lua: LuaEngine;
  const viaRedis = async (expr: string): Promise<string | null> =>
    escapeHigh(replyText(await conn.send(['EVAL', `${CASE_HELPERS} return ${expr}`, '0'])));

  beforeAll(async () => {
    redis = await startRedis();
    conn = await RawConnection.connect(redis.port);
    lua = await createLibsState();
  });
  afterAll(async () => {
    await conn?.close();
    await redis?.stop();
  });

  it('gives the same result for every recorded case', async () => {
    const diffs: string[] = [];
    for (const cases of Object.values(LIB_CASES)) {
      for (const [expr] of cases) {
        const [want, got] = [await viaRedis(expr), runCase(lua, expr)];
        if (want !== got) diffs.push(`${expr}\n  redis:  ${want}\n  cachee: ${got}`);
      }
    }
    expect(diffs).toEqual([]);
  });

  it('gives the same result for seeded random inputs', async () => {
    const diffs: string[] = [];
    for (const expr of randomCases(20240601)) {
      const [want, got] = [await viaRedis(expr), runCase(lua, expr)];
      if (want !== got) diffs.push(`${expr}\n  redis:  ${want}\n  cachee: ${got}`);
    }
    expect(diffs).toEqual([]);
  });
});
