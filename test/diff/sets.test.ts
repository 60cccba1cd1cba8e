/**
 * Differential tests for the set commands: every command, option and error
 * against a real redis-server, byte for byte, in RESP2 and RESP3, plus random
 * command sequences. Intset-encoded sets reply in ascending order in both, so
 * they are compared exactly; hashtable-encoded ones are compared sorted.
 * Random replies (SPOP, SRANDMEMBER) are compared where Redis is
 * deterministic, by shape otherwise, and by property in test/types/set.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Arg } from '../../src/util/bytes.js';
import { type Compare, DiffPair, parseScanReply, useRedis } from './harness.js';

const redis = useRedis();

const BIN = Buffer.from([0xff, 0xfe, 0x00, 0x80]);
const BIN2 = Buffer.from([0xc3, 0x28]);
const ints = (from: number, n: number): string[] => Array.from({ length: n }, (_, i) => String(from + i));

/** A command with an optional comparison mode (exact by default; `scan`: an SSCAN page, items sorted). */
type Mode = Compare | 'scan';
type Step = Arg[] | { cmd: Arg[]; compare: Mode };
const sorted = (...cmd: Arg[]): Step => ({ cmd, compare: 'sorted' });
const scanSorted = (...cmd: Arg[]): Step => ({ cmd, compare: 'scan' });
const shape = (...cmd: Arg[]): Step => ({ cmd, compare: 'type' });

/** Hand-written sequences, each starting from an empty keyspace. */
const SCENARIOS: Record<string, Step[]> = {
  'add, remove, membership': [
    ['SADD', 's', '3', '1', '2'],
    ['SADD', 's', '2', '4', '4'],
    ['SMEMBERS', 's'],
    ['SCARD', 's'],
    ['SISMEMBER', 's', '1'],
    ['SISMEMBER', 's', '9'],
    ['SISMEMBER', 'missing', '1'],
    ['SMISMEMBER', 's', '1', '9', '4', '1'],
    ['SMISMEMBER', 'missing', '1', '2'],
    ['SMEMBERS', 'missing'],
    ['SCARD', 'missing'],
    ['SREM', 's', '9'],
    ['SREM', 's', '1', '1', '9'],
    ['SREM', 'missing', '1'],
    ['SMEMBERS', 's'],
    ['TYPE', 's'],
    ['OBJECT', 'ENCODING', 's'],
    ['SREM', 's', '2', '3', '4', '5'],
    ['EXISTS', 's'],
    ['SADD', 't', 'b', 'a', ''],
    sorted('SMEMBERS', 't'),
    ['SISMEMBER', 't', ''],
    ['OBJECT', 'ENCODING', 't'],
    ['EXPIRE', 't', '100'],
    ['SADD', 't', 'c'],
    ['SREM', 't', 'a'],
    ['TTL', 't'],
  ],
  'arity and wrong type': [
    ['SADD', 's'],
    ['SREM', 's'],
    ['SISMEMBER', 's'],
    ['SMISMEMBER', 's'],
    ['SMEMBERS'],
    ['SCARD'],
    ['SPOP'],
    ['SRANDMEMBER'],
    ['SMOVE', 'a', 'b'],
    ['SINTER'],
    ['SINTERCARD', '1'],
    ['SINTERSTORE', 'd'],
    ['SUNION'],
    ['SUNIONSTORE', 'd'],
    ['SDIFF'],
    ['SDIFFSTORE', 'd'],
    ['SSCAN', 's'],
    ['SET', 'str', 'v'],
    ['SADD', 'str', 'a'],
    ['SREM', 'str', 'a'],
    ['SISMEMBER', 'str', 'a'],
    ['SMISMEMBER', 'str', 'a'],
    ['SMEMBERS', 'str'],
    ['SCARD', 'str'],
    ['SPOP', 'str'],
    ['SPOP', 'str', '0'],
    ['SPOP', 'str', '-1'],
    ['SRANDMEMBER', 'str'],
    ['SRANDMEMBER', 'str', '0'],
    ['SRANDMEMBER', 'str', 'x'],
    ['SINTER', 'str'],
    ['SINTER', 'missing', 'str'],
    ['SINTERCARD', '2', 'missing', 'str'],
    ['SINTERSTORE', 'd', 'missing', 'str'],
    ['SUNION', 'missing', 'str'],
    ['SUNIONSTORE', 'd', 'str'],
    ['SDIFF', 'missing', 'str'],
    ['SDIFFSTORE', 'd', 'missing', 'str'],
    ['SSCAN', 'str', '0'],
    ['SSCAN', 'str', 'x'],
    ['SSCAN', 'str', '0', 'COUNT', '0'],
    ['GET', 'str'],
    ['EXISTS', 'd'],
  ],
  'intset encoding and order': [
    ['SADD', 'i', '10', '-5', '3', '9223372036854775807', '-9223372036854775808', '0', '100', '-100'],
    ['SMEMBERS', 'i'],
    ['OBJECT', 'ENCODING', 'i'],
    ['SSCAN', 'i', '0'],
    ['SRANDMEMBER', 'i', '8'],
    ['SPOP', 'i', '0'],
    ['SADD', 'j', '-1', '-10', '-2', '-100', '-9223372036854775807', '9', '99', '1000000000000000000'],
    ['SMEMBERS', 'j'],
    ['SUNION', 'i', 'j'],
    ['SINTER', 'i', 'j'],
    ['SDIFF', 'j', 'i'],
    ['SADD', 'i', '-0'],
    ['OBJECT', 'ENCODING', 'i'],
    sorted('SMEMBERS', 'i'),
  ],
  'intset conversions': [
    ['SADD', 'a', '007'],
    ['OBJECT', 'ENCODING', 'a'],
    ['SADD', 'b', '9223372036854775808'],
    ['OBJECT', 'ENCODING', 'b'],
    ['SADD', 'c', '+1'],
    ['OBJECT', 'ENCODING', 'c'],
    ['SADD', 'd', ' 1'],
    ['OBJECT', 'ENCODING', 'd'],
    ['SADD', 'e', '1.0'],
    ['OBJECT', 'ENCODING', 'e'],
    ['SADD', 'f', '-9223372036854775809'],
    ['OBJECT', 'ENCODING', 'f'],
    ['SADD', 'g', '1', 'x'],
    ['OBJECT', 'ENCODING', 'g'],
    ['SREM', 'g', 'x'],
    ['OBJECT', 'ENCODING', 'g'],
    ['SADD', 'h', 'x'],
    ['SREM', 'h', 'x'],
    ['SADD', 'h', '1'],
    ['OBJECT', 'ENCODING', 'h'],
    ['SADD', 'big', ...ints(1, 512)],
    ['OBJECT', 'ENCODING', 'big'],
    ['SMEMBERS', 'big'],
    ['SADD', 'big', '512'],
    ['OBJECT', 'ENCODING', 'big'],
    ['SADD', 'big', '513'],
    ['OBJECT', 'ENCODING', 'big'],
    ['SREM', 'big', '513', '512'],
    ['OBJECT', 'ENCODING', 'big'],
    sorted('SMEMBERS', 'big'),
    ['SCARD', 'big'],
    ['SADD', 'one', '1', ...ints(2, 600)],
    ['OBJECT', 'ENCODING', 'one'],
  ],
  SPOP: [
    ['SPOP', 'missing'],
    ['SPOP', 'missing', '0'],
    ['SPOP', 'missing', '3'],
    ['SPOP', 'missing', '-1'],
    ['SPOP', 'missing', 'x'],
    ['SADD', 's', '5', '3', '1', '4', '2'],
    ['SPOP', 's', '0'],
    ['SPOP', 's', '-1'],
    ['SPOP', 's', 'x'],
    ['SPOP', 's', '1.5'],
    ['SPOP', 's', '9223372036854775808'],
    ['SPOP', 's', '1', '2'],
    ['SCARD', 's'],
    ['SPOP', 's', '5'],
    ['EXISTS', 's'],
    ['SADD', 's', '5', '3', '1'],
    ['SPOP', 's', '9223372036854775807'],
    ['SADD', 's', 'only'],
    ['SPOP', 's'],
    ['EXISTS', 's'],
    ['SADD', 's', 'only'],
    ['SPOP', 's', '1'],
    ['EXISTS', 's'],
    ['SADD', 't', 'c', 'a', 'b'],
    sorted('SPOP', 't', '10'),
    ['EXISTS', 't'],
    // A hashtable of integers becomes an intset when SPOP rebuilds it from few survivors.
    ['SADD', 'r', ...ints(1, 600)],
    ['OBJECT', 'ENCODING', 'r'],
    shape('SPOP', 'r', '10'),
    ['SCARD', 'r'],
    ['OBJECT', 'ENCODING', 'r'],
    shape('SPOP', 'r', '550'),
    ['SCARD', 'r'],
    ['OBJECT', 'ENCODING', 'r'],
    ['SADD', 'q', ...ints(1, 600)],
    ['SREM', 'q', ...ints(1, 500)],
    ['OBJECT', 'ENCODING', 'q'],
    ['SPOP', 'q', '100'],
    ['EXISTS', 'q'],
    ['SADD', 'w', 'x', 'y', 'z', ...ints(1, 20)],
    shape('SPOP', 'w', '22'),
    ['SCARD', 'w'],
    shape('SPOP', 'w'),
    ['EXISTS', 'w'],
  ],
  SRANDMEMBER: [
    ['SRANDMEMBER', 'missing'],
    ['SRANDMEMBER', 'missing', '0'],
    ['SRANDMEMBER', 'missing', '5'],
    ['SRANDMEMBER', 'missing', '-5'],
    ['SRANDMEMBER', 'missing', 'x'],
    ['SADD', 's', '5', '3', '1', '4', '2'],
    ['SRANDMEMBER', 's', '0'],
    ['SRANDMEMBER', 's', '5'],
    ['SRANDMEMBER', 's', '100'],
    ['SRANDMEMBER', 's', '9223372036854775807'],
    ['SRANDMEMBER', 's', '-9223372036854775808'],
    ['SRANDMEMBER', 's', '9223372036854775808'],
    ['SRANDMEMBER', 's', 'x'],
    ['SRANDMEMBER', 's', '1', '2'],
    shape('SRANDMEMBER', 's'),
    shape('SRANDMEMBER', 's', '3'),
    shape('SRANDMEMBER', 's', '-8'),
    ['SADD', 'one', 'm'],
    ['SRANDMEMBER', 'one'],
    ['SRANDMEMBER', 'one', '1'],
    ['SRANDMEMBER', 'one', '-4'],
    ['SRANDMEMBER', 'one', '7'],
    ['SADD', 't', 'c', 'a', 'b'],
    sorted('SRANDMEMBER', 't', '3'),
    sorted('SRANDMEMBER', 't', '30'),
    ['SCARD', 's'],
  ],
  SMOVE: [
    ['SMOVE', 'missing', 'd', 'a'],
    ['SET', 'str', 'v'],
    ['SMOVE', 'missing', 'str', 'a'],
    ['SMOVE', 'str', 'd', 'a'],
    ['SADD', 's', 'a', 'b', '1'],
    ['SMOVE', 's', 'str', 'a'],
    ['SMOVE', 's', 'str', 'zz'],
    ['SMOVE', 's', 'd', 'zz'],
    ['SMOVE', 's', 's', 'a'],
    ['SMOVE', 's', 's', 'zz'],
    ['SMOVE', 's', 'd', 'a'],
    ['SMEMBERS', 'd'],
    ['OBJECT', 'ENCODING', 'd'],
    ['SMOVE', 's', 'n', '1'],
    ['OBJECT', 'ENCODING', 'n'],
    ['SADD', 'd', 'b'],
    ['SMOVE', 's', 'd', 'b'],
    ['EXISTS', 's'],
    sorted('SMEMBERS', 'd'),
    ['SMOVE', 'd', 'n', 'b'],
    ['OBJECT', 'ENCODING', 'n'],
    sorted('SMEMBERS', 'n'),
    ['EXPIRE', 'n', '100'],
    ['SMOVE', 'd', 'n', 'a'],
    ['TTL', 'n'],
  ],
  SINTER: [
    ['SADD', 'a', '1', '2', '3', '4', '5'],
    ['SADD', 'b', '5', '3', '1', '7'],
    ['SADD', 'c', '3', '5', 'x', 'y', '1'],
    ['SINTER', 'a'],
    ['SINTER', 'a', 'b'],
    ['SINTER', 'b', 'a'],
    ['SINTER', 'a', 'a'],
    ['SINTER', 'a', 'b', 'c'],
    ['SINTER', 'a', 'missing'],
    ['SINTER', 'missing', 'a'],
    ['SINTER', 'missing'],
    sorted('SINTER', 'c'),
    sorted('SINTER', 'c', 'a'),
    ['SINTERCARD', '1', 'a'],
    ['SINTERCARD', '2', 'a', 'b'],
    ['SINTERCARD', '3', 'a', 'b', 'c'],
    ['SINTERCARD', '2', 'a', 'missing'],
    ['SINTERCARD', '2', 'a', 'b', 'LIMIT', '0'],
    ['SINTERCARD', '2', 'a', 'b', 'LIMIT', '1'],
    ['SINTERCARD', '2', 'a', 'b', 'limit', '2'],
    ['SINTERCARD', '2', 'a', 'b', 'LIMIT', '100'],
    ['SINTERCARD', '2', 'a', 'b', 'LIMIT', '9223372036854775807'],
    ['SINTERCARD', '2', 'a', 'b', 'LIMIT', '9223372036854775808'],
    ['SINTERCARD', '2', 'a', 'b', 'LIMIT', '-1'],
    ['SINTERCARD', '2', 'a', 'b', 'LIMIT', 'x'],
    ['SINTERCARD', '2', 'a', 'b', 'LIMIT'],
    ['SINTERCARD', '2', 'a', 'b', 'LIMIT', '1', 'LIMIT', '2'],
    ['SINTERCARD', '2', 'a', 'b', 'FOO', '1'],
    ['SINTERCARD', '1', 'a', 'b'],
    ['SINTERCARD', '3', 'a', 'b'],
    ['SINTERCARD', '0', 'a'],
    ['SINTERCARD', '-1', 'a'],
    ['SINTERCARD', 'x', 'a'],
    ['SINTERCARD', '9223372036854775808', 'a'],
    ['SINTERCARD', '9223372036854775807', 'a'],
    ['SINTERCARD', '1', 'a', 'LIMIT\0x', '1'],
    ['SINTERSTORE', 'd', 'a', 'b'],
    ['SMEMBERS', 'd'],
    ['OBJECT', 'ENCODING', 'd'],
    ['SINTERSTORE', 'd', 'a', 'c'],
    ['OBJECT', 'ENCODING', 'd'],
    ['SINTERSTORE', 'e', 'c', 'c'],
    ['OBJECT', 'ENCODING', 'e'],
    sorted('SMEMBERS', 'e'),
    ['SET', 'str', 'v'],
    ['EXPIRE', 'str', '100'],
    ['SINTERSTORE', 'str', 'a', 'b'],
    ['TYPE', 'str'],
    ['TTL', 'str'],
    ['SINTERSTORE', 'str', 'a', 'missing'],
    ['EXISTS', 'str'],
    ['SINTERSTORE', 'none', 'a', 'missing'],
    ['EXISTS', 'none'],
    ['SINTERSTORE', 'a', 'a', 'b'],
    ['SMEMBERS', 'a'],
    ['SADD', 'x1', 'p', 'q'],
    ['SADD', 'x2', 'r'],
    ['SINTERSTORE', 'b', 'x1', 'x2'],
    ['EXISTS', 'b'],
  ],
  'SUNION and SDIFF': [
    ['SADD', 'a', '1', '2', '3', '4', '5'],
    ['SADD', 'b', '5', '3', '10', '-1'],
    ['SADD', 'c', 'x', '1', '2', '3', '4', '5', '6'],
    ['SUNION', 'a'],
    ['SUNION', 'a', 'b'],
    ['SUNION', 'missing', 'b', 'missing'],
    ['SUNION', 'missing'],
    sorted('SUNION', 'a', 'c'),
    ['SDIFF', 'a'],
    ['SDIFF', 'a', 'b'],
    ['SDIFF', 'b', 'a'],
    ['SDIFF', 'a', 'a'],
    ['SDIFF', 'a', 'missing', 'a'],
    ['SDIFF', 'missing', 'a'],
    ['SDIFF', 'a', 'missing'],
    sorted('SDIFF', 'c', 'a'),
    ['SDIFF', 'a', 'c'],
    ['SUNIONSTORE', 'u', 'a', 'b'],
    ['SMEMBERS', 'u'],
    ['OBJECT', 'ENCODING', 'u'],
    ['SUNIONSTORE', 'u', 'a', 'c'],
    ['OBJECT', 'ENCODING', 'u'],
    ['SUNIONSTORE', 'u', 'missing'],
    ['EXISTS', 'u'],
    ['SDIFFSTORE', 'dd', 'a', 'b'],
    ['SMEMBERS', 'dd'],
    ['OBJECT', 'ENCODING', 'dd'],
    ['SDIFFSTORE', 'dd', 'a', 'a'],
    ['EXISTS', 'dd'],
    // With the first set large against the others Redis copies it and then
    // removes: the result keeps the hashtable encoding a non-integer caused.
    ['SADD', 'big', '1', '2', '3', '4', '5', 'z'],
    ['SADD', 'z', 'z'],
    ['SADD', 'y', 'y'],
    ['SDIFFSTORE', 'r2', 'big', 'z', 'y'],
    ['OBJECT', 'ENCODING', 'r2'],
    sorted('SMEMBERS', 'r2'),
    sorted('SDIFF', 'big', 'z', 'y'),
    ['SDIFFSTORE', 'r1', 'big', 'z'],
    ['OBJECT', 'ENCODING', 'r1'],
    ['SMEMBERS', 'r1'],
    ['SDIFF', 'big', 'z'],
    ['SADD', 'many', ...ints(1, 600)],
    ['SUNIONSTORE', 'm2', 'many'],
    ['OBJECT', 'ENCODING', 'm2'],
    ['SREM', 'many', ...ints(1, 590)],
    ['OBJECT', 'ENCODING', 'many'],
    ['SUNION', 'many'],
    sorted('SINTER', 'many', 'many'),
    ['SPOP', 'many', '10'],
    ['SDIFFSTORE', 'm3', 'many', 'a'],
    ['OBJECT', 'ENCODING', 'm3'],
    ['SET', 'str', 'v'],
    ['SUNIONSTORE', 'str', 'a'],
    ['TYPE', 'str'],
  ],
  binary: [
    ['SADD', 'b', BIN, BIN2, 'text'],
    ['SISMEMBER', 'b', BIN],
    ['SISMEMBER', 'b', BIN2],
    ['SMISMEMBER', 'b', BIN, 'no', BIN2],
    sorted('SMEMBERS', 'b'),
    ['SREM', 'b', BIN],
    sorted('SMEMBERS', 'b'),
    ['SADD', 'c', BIN2],
    ['SINTER', 'b', 'c'],
    ['SMOVE', 'b', 'c', BIN2],
    ['SMEMBERS', 'c'],
    scanSorted('SSCAN', 'b', '0'),
  ],
  'SSCAN intset': [
    ['SSCAN', 'missing', '0'],
    ['SSCAN', 'missing', 'x'],
    ['SSCAN', 'missing', '0', 'COUNT', '0'],
    ['SADD', 's', '10', '2', '-3', '11', '1'],
    ['SSCAN', 's', '0'],
    ['SSCAN', 's', '77'],
    ['SSCAN', 's', '0', 'COUNT', '1'],
    ['SSCAN', 's', '0', 'MATCH', '1*'],
    ['SSCAN', 's', '0', 'MATCH', '-*'],
    ['SSCAN', 's', '0', 'MATCH', '*'],
    ['SSCAN', 's', '0', 'MATCH', 'x'],
    ['SSCAN', 's', '0', 'COUNT', '0'],
    ['SSCAN', 's', '0', 'COUNT', 'x'],
    ['SSCAN', 's', '0', 'COUNT'],
    ['SSCAN', 's', '0', 'TYPE', 'set'],
    ['SSCAN', 's', '-5'],
    ['SSCAN', 's', 'abc'],
    ['SADD', 't', 'a', 'b', 'c'],
    scanSorted('SSCAN', 't', '0'),
    scanSorted('SSCAN', 't', '0', 'MATCH', '[ab]'),
  ],
};

/** Checks one command in a comparison mode. */
async function check(pair: DiffPair, cmd: Arg[], mode: Mode): Promise<void> {
  if (mode !== 'scan') {
    await pair.check(cmd, mode);
    return;
  }
  const { redis: r, cachee: c } = await pair.both(cmd);
  if (r[0] === 0x2d || c[0] === 0x2d) {
    expect(c.toString('latin1'), pair.log.at(-1)).toBe(r.toString('latin1'));
    return;
  }
  const a = parseScanReply(r);
  const b = parseScanReply(c);
  expect(b.cursor, pair.log.at(-1)).toBe(a.cursor);
  expect(b.items.sort(), pair.log.at(-1)).toEqual(a.items.sort());
}

/** Runs steps with their comparison modes. */
async function run(pair: DiffPair, steps: Step[]): Promise<void> {
  for (const s of steps) {
    if (Array.isArray(s)) await check(pair, s, 'exact');
    else await check(pair, s.cmd, s.compare);
  }
}

for (const protocol of [2, 3] as const) {
  describe(`set commands (RESP${protocol})`, () => {
    for (const [name, steps] of Object.entries(SCENARIOS)) {
      it(name, async () => {
        const pair = await DiffPair.open(redis.port, protocol);
        try {
          await run(pair, steps);
        } finally {
          await pair.close();
        }
      });
    }

    it('SSCAN pages through a hashtable set and returns every member', async () => {
      const pair = await DiffPair.open(redis.port, protocol);
      try {
        const n = 1000;
        await pair.check(['SADD', 'big', ...Array.from({ length: n }, (_, i) => `m:${i}`)]);
        await pair.check(['OBJECT', 'ENCODING', 'big']);
        for (const [opts, expected] of [
          [[], n],
          [['COUNT', '3'], n],
          [['MATCH', 'm:2*'], 111],
          [['MATCH', 'm:2*', 'COUNT', '1000'], 111],
        ] as [string[], number][]) {
          const seen = { redis: new Set<string>(), cachee: new Set<string>() };
          for (const side of ['redis', 'cachee'] as const) {
            let cursor = '0';
            let rounds = 0;
            do {
              const page = parseScanReply(await pair[side].send(['SSCAN', 'big', cursor, ...opts]));
              for (const m of page.items) seen[side].add(m);
              cursor = page.cursor;
              rounds++;
            } while (cursor !== '0' && rounds < 10_000);
            expect(seen[side].size).toBe(expected);
          }
          expect([...seen.cachee].sort()).toEqual([...seen.redis].sort());
        }
      } finally {
        await pair.close();
      }
    });

    it('random replies have Redis shapes', async () => {
      const pair = await DiffPair.open(redis.port, protocol);
      try {
        await pair.check(['SADD', 'small', 'a', 'b', 'c', '1', '2']);
        await pair.check(['SADD', 'ints', ...ints(1, 50)]);
        await pair.check(['SADD', 'large', ...ints(1, 700)]);
        for (const key of ['small', 'ints', 'large']) {
          for (const args of [[], ['2'], ['-9'], ['1']]) {
            const { redis: r, cachee: c } = await pair.both(['SRANDMEMBER', key, ...args]);
            const header = (b: Buffer) => b.toString('latin1').split('\r\n')[0];
            expect(header(c)[0]).toBe(header(r)[0]);
            if (args.length > 0) expect(header(c)).toBe(header(r));
          }
          for (const args of [['2'], ['1'], []]) {
            const { redis: r, cachee: c } = await pair.both(['SPOP', key, ...args]);
            const header = (b: Buffer) => b.toString('latin1').split('\r\n')[0];
            expect(header(c)[0]).toBe(header(r)[0]);
            if (args.length > 0) expect(header(c)).toBe(header(r));
          }
          await pair.check(['SCARD', key]);
        }
      } finally {
        await pair.close();
      }
    });

    it('matches on random command sequences', async () => {
      const pair = await DiffPair.open(redis.port, protocol);
      const key = fc.constantFrom('s1', 's2', 's3');
      const member = fc.constantFrom('1', '2', '3', '-4', '10', 'a', 'b', '');
      const members = fc.array(member, { minLength: 1, maxLength: 5 });
      const keys = fc.array(key, { minLength: 1, maxLength: 3 });
      type Cmd = { cmd: Arg[]; compare: Mode };
      const exact = (cmd: Arg[]): Cmd => ({ cmd, compare: 'exact' });
      // Hashtable-encoded results have no defined order: compare those sorted.
      const unordered = (cmd: Arg[]): Cmd => ({ cmd, compare: 'sorted' });
      const cmd: fc.Arbitrary<Cmd> = fc.oneof(
        fc
          .tuple(fc.constantFrom('SADD', 'SREM', 'SMISMEMBER'), key, members)
          .map(([c, k, ms]) => exact([c, k, ...ms])),
        fc.tuple(key, member).map(([k, m]) => exact(['SISMEMBER', k, m])),
        fc.tuple(fc.constantFrom('SCARD', 'EXISTS', 'TYPE'), key).map((a) => exact([...a])),
        key.map((k) => unordered(['SMEMBERS', k])),
        key.map((k) => unordered(['SPOP', k, '20'])),
        key.map((k) => unordered(['SRANDMEMBER', k, '20'])),
        fc.tuple(key, key, member).map(([a, b, m]) => exact(['SMOVE', a, b, m])),
        fc.tuple(fc.constantFrom('SINTER', 'SUNION', 'SDIFF'), keys).map(([c, ks]) => unordered([c, ...ks])),
        fc
          .tuple(fc.constantFrom('SINTERSTORE', 'SUNIONSTORE', 'SDIFFSTORE'), key, keys)
          .map(([c, d, ks]) => exact([c, d, ...ks])),
        fc
          .tuple(keys, fc.option(fc.nat(4)))
          .map(([ks, l]) =>
            exact(['SINTERCARD', String(ks.length), ...ks, ...(l === null ? [] : ['LIMIT', String(l)])]),
          ),
        key.map((k): Cmd => ({ cmd: ['SSCAN', k, '0'], compare: 'scan' })),
        fc.tuple(key, member).map(([k, m]) => exact(['SET', k, m])),
        key.map((k) => exact(['DEL', k])),
      );
      try {
        await fc.assert(
          fc.asyncProperty(fc.array(cmd, { minLength: 1, maxLength: 40 }), async (cmds) => {
            await pair.both(['FLUSHALL']);
            for (const c of cmds) await check(pair, c.cmd, c.compare);
            for (const k of ['s1', 's2', 's3']) {
              await pair.check(['TYPE', k]);
              await pair.check(['OBJECT', 'ENCODING', k]);
              await pair.check(['SMEMBERS', k], 'sorted');
              await pair.check(['SCARD', k]);
            }
          }),
          { numRuns: 60 },
        );
      } finally {
        await pair.close();
      }
    });
  });
}
