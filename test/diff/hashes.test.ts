/**
 * Differential tests for the hash commands: every command, option and error
 * against a real redis-server, byte for byte, in RESP2 and RESP3, plus random
 * command sequences. Listpack-encoded hashes reply in insertion order in both,
 * so they are compared exactly; hashtable-encoded ones are compared sorted or
 * through their fields one by one. Random replies are compared by shape here
 * and by property in test/types/hash.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Arg } from '../../src/util/bytes.js';
import { type Compare, DiffPair, parseScanReply, useRedis } from './harness.js';

const redis = useRedis();

const BIN = Buffer.from([0xff, 0xfe, 0x00, 0x80]);
const BIN2 = Buffer.from([0xc3, 0x28]);
const LONG = 'x'.repeat(65);
const MAX64 = 'y'.repeat(64);

/** A command with an optional comparison mode (exact by default). */
type Step = Arg[] | { cmd: Arg[]; compare: Compare };
const sorted = (...cmd: Arg[]): Step => ({ cmd, compare: 'sorted' });
const shape = (...cmd: Arg[]): Step => ({ cmd, compare: 'type' });

/** Hand-written sequences, each starting from an empty keyspace. */
const SCENARIOS: Record<string, Step[]> = {
  'set and get': [
    ['HSET', 'h', 'a', '1'],
    ['HSET', 'h', 'b', '2', 'c', '3'],
    ['HSET', 'h', 'a', '10', 'd', '4', 'a', '11'],
    ['HGET', 'h', 'a'],
    ['HGET', 'h', 'zz'],
    ['HGET', 'missing', 'a'],
    ['HMGET', 'h', 'a', 'zz', 'c', 'a'],
    ['HMGET', 'missing', 'a', 'b'],
    ['HGETALL', 'h'],
    ['HGETALL', 'missing'],
    ['HKEYS', 'h'],
    ['HVALS', 'h'],
    ['HKEYS', 'missing'],
    ['HVALS', 'missing'],
    ['HLEN', 'h'],
    ['HLEN', 'missing'],
    ['HEXISTS', 'h', 'a'],
    ['HEXISTS', 'h', 'zz'],
    ['HEXISTS', 'missing', 'a'],
    ['HSTRLEN', 'h', 'a'],
    ['HSTRLEN', 'h', 'zz'],
    ['HSTRLEN', 'missing', 'a'],
    ['TYPE', 'h'],
    ['OBJECT', 'ENCODING', 'h'],
    ['HMSET', 'h', 'e', '5', 'a', '12'],
    ['HGETALL', 'h'],
    ['HSET', 'h', '', ''],
    ['HGET', 'h', ''],
    ['HSTRLEN', 'h', ''],
    ['HSET', 'u', 'é', 'ü€', '€', '𝄞'],
    ['HSTRLEN', 'u', 'é'],
    ['HSTRLEN', 'u', '€'],
    ['HGETALL', 'u'],
  ],
  'arity and argument errors': [
    ['HSET', 'h'],
    ['HSET', 'h', 'a'],
    ['HSET', 'h', 'a', '1', 'b'],
    ['HMSET', 'h', 'a'],
    ['HMSET', 'h', 'a', '1', 'b'],
    ['HSETNX', 'h', 'a'],
    ['HGET', 'h'],
    ['HMGET', 'h'],
    ['HGETALL'],
    ['HDEL', 'h'],
    ['HLEN'],
    ['HSTRLEN', 'h'],
    ['HINCRBY', 'h', 'a'],
    ['HINCRBYFLOAT', 'h', 'a'],
    ['HRANDFIELD'],
    ['HSCAN', 'h'],
    ['EXISTS', 'h'],
  ],
  'wrong type': [
    ['SET', 's', 'v'],
    ['HSET', 's', 'a', '1'],
    ['HMSET', 's', 'a', '1'],
    ['HSETNX', 's', 'a', '1'],
    ['HGET', 's', 'a'],
    ['HMGET', 's', 'a'],
    ['HGETALL', 's'],
    ['HKEYS', 's'],
    ['HVALS', 's'],
    ['HDEL', 's', 'a'],
    ['HLEN', 's'],
    ['HEXISTS', 's', 'a'],
    ['HSTRLEN', 's', 'a'],
    ['HINCRBY', 's', 'a', '1'],
    ['HINCRBY', 's', 'a', 'x'],
    ['HINCRBYFLOAT', 's', 'a', '1'],
    ['HINCRBYFLOAT', 's', 'a', 'x'],
    ['HINCRBYFLOAT', 's', 'a', 'inf'],
    ['HRANDFIELD', 's'],
    ['HRANDFIELD', 's', '1'],
    ['HRANDFIELD', 's', '0'],
    ['HRANDFIELD', 's', 'x'],
    ['HRANDFIELD', 's', '1', 'nope'],
    ['HSCAN', 's', '0'],
    ['HSCAN', 's', 'x'],
    ['HSCAN', 's', '0', 'COUNT', '0'],
    ['GET', 's'],
  ],
  HSETNX: [
    ['HSETNX', 'h', 'a', '1'],
    ['HSETNX', 'h', 'a', '2'],
    ['HSETNX', 'h', 'b', '3'],
    ['HGETALL', 'h'],
    ['HSETNX', 'h', 'a', LONG],
    ['OBJECT', 'ENCODING', 'h'],
    ['HSETNX', 'h', 'c', LONG],
    ['OBJECT', 'ENCODING', 'h'],
    ['HGET', 'h', 'c'],
  ],
  HDEL: [
    ['HDEL', 'missing', 'a'],
    ['HSET', 'h', 'a', '1', 'b', '2', 'c', '3', 'd', '4'],
    ['HDEL', 'h', 'zz'],
    ['HDEL', 'h', 'b', 'b', 'zz'],
    ['HGETALL', 'h'],
    ['HSET', 'h', 'b', '5'],
    ['HGETALL', 'h'],
    ['HDEL', 'h', 'a', 'c', 'd', 'b', 'e'],
    ['EXISTS', 'h'],
    ['HLEN', 'h'],
    ['HSET', 'h', 'x', '1'],
    ['EXPIRE', 'h', '100'],
    ['HSET', 'h', 'y', '2'],
    ['TTL', 'h'],
    ['HDEL', 'h', 'x'],
    ['TTL', 'h'],
  ],
  HINCRBY: [
    ['HINCRBY', 'h', 'n', '5'],
    ['HINCRBY', 'h', 'n', '-7'],
    ['HINCRBY', 'h', 'n', '0'],
    ['HGET', 'h', 'n'],
    ['HINCRBY', 'h', 'n', 'x'],
    ['HINCRBY', 'h', 'n', '1.5'],
    ['HINCRBY', 'h', 'n', ' 1'],
    ['HINCRBY', 'h', 'n', '+1'],
    ['HINCRBY', 'h', 'n', '01'],
    ['HINCRBY', 'h', 'n', '9223372036854775808'],
    ['HINCRBY', 'h', 'i', '9223372036854775807'],
    ['HINCRBY', 'h', 'i', '1'],
    ['HINCRBY', 'h', 'i', '-9223372036854775808'],
    ['HINCRBY', 'h', 'i', '-9223372036854775808'],
    ['HINCRBY', 'h', 'i', '-1'],
    ['HGET', 'h', 'i'],
    ['HSET', 'h', 's', 'abc', 'sp', ' 1', 'z', '007', 'f', '1.0', 'e', ''],
    ['HINCRBY', 'h', 's', '1'],
    ['HINCRBY', 'h', 'sp', '1'],
    ['HINCRBY', 'h', 'z', '1'],
    ['HINCRBY', 'h', 'f', '1'],
    ['HINCRBY', 'h', 'e', '1'],
    ['HSET', 'h', 'big', '18446744073709551616'],
    ['HINCRBY', 'h', 'big', '1'],
    ['HSET', 'h', 'neg', '-9223372036854775808'],
    ['HINCRBY', 'h', 'neg', '-1'],
    ['HINCRBY', 'h', 'neg', '9223372036854775807'],
    ['HGETALL', 'h'],
    ['HINCRBY', 'h2', LONG, '1'],
    ['OBJECT', 'ENCODING', 'h2'],
    ['HINCRBY', 'h3', MAX64, '1'],
    ['OBJECT', 'ENCODING', 'h3'],
  ],
  HINCRBYFLOAT: [
    ['HINCRBYFLOAT', 'h', 'f', '1.5'],
    ['HINCRBYFLOAT', 'h', 'f', '0.1'],
    ['HINCRBYFLOAT', 'h', 'f', '-1.6'],
    ['HINCRBYFLOAT', 'h', 'g', '0.1'],
    ['HINCRBYFLOAT', 'h', 'g', '0.2'],
    ['HINCRBYFLOAT', 'h', 'g', '1e3'],
    ['HINCRBYFLOAT', 'h', 'g', '-1E-3'],
    ['HINCRBYFLOAT', 'h', 'g', '0x10'],
    ['HINCRBYFLOAT', 'h', 'g', '.5'],
    ['HINCRBYFLOAT', 'h', 'g', '5.'],
    ['HINCRBYFLOAT', 'h', 'g', 'abc'],
    ['HINCRBYFLOAT', 'h', 'g', ''],
    ['HINCRBYFLOAT', 'h', 'g', ' 1'],
    ['HINCRBYFLOAT', 'h', 'g', '1 '],
    ['HINCRBYFLOAT', 'h', 'g', 'inf'],
    ['HINCRBYFLOAT', 'h', 'g', '-inf'],
    ['HINCRBYFLOAT', 'h', 'g', 'Infinity'],
    ['HINCRBYFLOAT', 'h', 'g', 'nan'],
    ['HINCRBYFLOAT', 'h', 'g', '1e5000'],
    ['HINCRBYFLOAT', 'h', 'g', '1e-5000'],
    ['HINCRBYFLOAT', 'h', 'int', '3'],
    ['HINCRBYFLOAT', 'h', 'int', '-3'],
    ['HGETALL', 'h'],
    ['HSET', 'h', 's', 'abc', 'sp', ' 1', 'n', '10', 'ninf', 'inf', 'e', ''],
    ['HINCRBYFLOAT', 'h', 's', '1'],
    ['HINCRBYFLOAT', 'h', 'sp', '1'],
    ['HINCRBYFLOAT', 'h', 'n', '0.5'],
    ['HINCRBYFLOAT', 'h', 'ninf', '1'],
    ['HINCRBYFLOAT', 'h', 'e', '1'],
    ['HINCRBYFLOAT', 'h', 'm', '1.7976931348623157e308'],
    ['HINCRBYFLOAT', 'h', 'm', '1.7976931348623157e308'],
    ['HGET', 'h', 'm'],
    ['HSTRLEN', 'h', 'm'],
    ['OBJECT', 'ENCODING', 'h'],
    ['HINCRBYFLOAT', 'h2', 'x', '1e70'],
    ['OBJECT', 'ENCODING', 'h2'],
    ['HINCRBYFLOAT', 'h3', 'x', '1e60'],
    ['OBJECT', 'ENCODING', 'h3'],
    ['HINCRBYFLOAT', 'h4', LONG, '1'],
    ['OBJECT', 'ENCODING', 'h4'],
    ['HINCRBYFLOAT', 'missing', 'x', 'bad'],
    ['EXISTS', 'missing'],
  ],
  'encoding thresholds': [
    ['HSET', 'h', 'f', MAX64],
    ['OBJECT', 'ENCODING', 'h'],
    ['HSET', 'h', MAX64, 'v'],
    ['OBJECT', 'ENCODING', 'h'],
    ['HSET', 'h', 'g', LONG],
    ['OBJECT', 'ENCODING', 'h'],
    ['HDEL', 'h', 'g'],
    ['OBJECT', 'ENCODING', 'h'],
    ['HSET', 'h2', 'a', '1', LONG, '2'],
    ['OBJECT', 'ENCODING', 'h2'],
    ['HSET', 'h3', 'a', '1'],
    ['HSET', 'h3', 'a', LONG],
    ['OBJECT', 'ENCODING', 'h3'],
    ['HSET', 'h4', 'a', 'é'.repeat(32)],
    ['OBJECT', 'ENCODING', 'h4'],
    ['HSET', 'h5', 'a', 'é'.repeat(33)],
    ['OBJECT', 'ENCODING', 'h5'],
    ['HSET', 'h6', 'a', Buffer.alloc(65, 0xff)],
    ['OBJECT', 'ENCODING', 'h6'],
    ['HSET', 'n', ...Array.from({ length: 512 }, (_, i) => [`f${i}`, `${i}`]).flat()],
    ['OBJECT', 'ENCODING', 'n'],
    ['HGETALL', 'n'],
    ['HSET', 'n', 'f0', 'x'],
    ['OBJECT', 'ENCODING', 'n'],
    ['HSET', 'n', 'f512', 'x'],
    ['OBJECT', 'ENCODING', 'n'],
    ['HLEN', 'n'],
    sorted('HGETALL', 'n'),
    sorted('HKEYS', 'n'),
    sorted('HVALS', 'n'),
    ['HDEL', 'n', 'f512', 'f511', 'f510'],
    ['OBJECT', 'ENCODING', 'n'],
    ['HSET', 'm', ...Array.from({ length: 520 }, (_, i) => [`f${i}`, `${i}`]).flat()],
    ['OBJECT', 'ENCODING', 'm'],
    ['HMGET', 'm', 'f0', 'f519', 'f520'],
    ['HSTRLEN', 'm', 'f519'],
  ],
  binary: [
    ['HSET', 'b', BIN, BIN2, 'text', BIN, BIN2, 'x'],
    ['HGET', 'b', BIN],
    ['HGET', 'b', BIN2],
    ['HGET', 'b', 'text'],
    ['HGETALL', 'b'],
    ['HKEYS', 'b'],
    ['HVALS', 'b'],
    ['HSTRLEN', 'b', BIN],
    ['HEXISTS', 'b', BIN2],
    ['HMGET', 'b', BIN, 'nope', BIN2],
    ['HSCAN', 'b', '0'],
    ['HDEL', 'b', BIN],
    ['HGETALL', 'b'],
    ['HINCRBY', 'b', BIN, '3'],
    ['HGETALL', 'b'],
  ],
  'HRANDFIELD deterministic cases': [
    ['HRANDFIELD', 'missing'],
    ['HRANDFIELD', 'missing', '5'],
    ['HRANDFIELD', 'missing', '-5'],
    ['HRANDFIELD', 'missing', '5', 'WITHVALUES'],
    ['HRANDFIELD', 'missing', '0', 'withvalues'],
    ['HRANDFIELD', 'missing', 'x'],
    ['HRANDFIELD', 'missing', '1', 'x'],
    ['HSET', 'h', 'a', '1', 'b', '2', 'c', '3'],
    ['HRANDFIELD', 'h', '0'],
    ['HRANDFIELD', 'h', '0', 'WITHVALUES'],
    ['HRANDFIELD', 'h', '3'],
    ['HRANDFIELD', 'h', '100'],
    ['HRANDFIELD', 'h', '3', 'WITHVALUES'],
    ['HRANDFIELD', 'h', '9223372036854775807'],
    ['HRANDFIELD', 'h', '4611686018427387903', 'withvalues'],
    ['HRANDFIELD', 'h', 'WITHVALUES', '1'],
    ['HRANDFIELD', 'h', '1', 'WITHVALUE'],
    ['HRANDFIELD', 'h', '1', 'WITHVALUES', 'x'],
    shape('HRANDFIELD', 'h', '1', 'WITHVALUES\0junk'),
    ['HRANDFIELD', 'h', '-9223372036854775808'],
    ['HRANDFIELD', 'h', '-9223372036854775808', 'WITHVALUES'],
    ['HRANDFIELD', 'h', '9223372036854775808'],
    ['HRANDFIELD', 'h', '4611686018427387904', 'WITHVALUES'],
    ['HRANDFIELD', 'h', '-4611686018427387904', 'WITHVALUES'],
    ['HRANDFIELD', 'h', '1.5'],
    ['HSET', 'one', 'only', 'v'],
    ['HRANDFIELD', 'one'],
    ['HRANDFIELD', 'one', '1'],
    ['HRANDFIELD', 'one', '-3'],
    ['HRANDFIELD', 'one', '-3', 'WITHVALUES'],
    ['HRANDFIELD', 'one', '1', 'WITHVALUES'],
    shape('HRANDFIELD', 'h'),
    shape('HRANDFIELD', 'h', '2'),
    shape('HRANDFIELD', 'h', '-10'),
    shape('HRANDFIELD', 'h', '2', 'WITHVALUES'),
    shape('HRANDFIELD', 'h', '-10', 'WITHVALUES'),
  ],
  'HSCAN listpack': [
    ['HSCAN', 'missing', '0'],
    ['HSCAN', 'missing', 'x'],
    ['HSCAN', 'missing', '0', 'COUNT', '0'],
    ['HSCAN', 'missing', '0', 'BAD'],
    ['HSET', 'h', 'a1', '1', 'b1', '2', 'a2', '3', '', 'empty', 'A3', '4'],
    ['HSCAN', 'h', '0'],
    ['HSCAN', 'h', '12345'],
    ['HSCAN', 'h', '0', 'COUNT', '1'],
    ['HSCAN', 'h', '0', 'MATCH', 'a*'],
    ['HSCAN', 'h', '0', 'match', '*'],
    ['HSCAN', 'h', '0', 'MATCH', '*1', 'COUNT', '100'],
    ['HSCAN', 'h', '0', 'MATCH', 'a*', 'MATCH', 'b*'],
    ['HSCAN', 'h', '0', 'MATCH', ''],
    ['HSCAN', 'h', '0', 'MATCH', '[ab]?'],
    ['HSCAN', 'h', '0', 'COUNT', '0'],
    ['HSCAN', 'h', '0', 'COUNT', '-1'],
    ['HSCAN', 'h', '0', 'COUNT', 'x'],
    ['HSCAN', 'h', '0', 'COUNT'],
    ['HSCAN', 'h', '0', 'MATCH'],
    ['HSCAN', 'h', '0', 'TYPE', 'string'],
    ['HSCAN', 'h', '0', 'NOVALUES'],
    ['HSCAN', 'h', '-1'],
    ['HSCAN', 'h', '18446744073709551615'],
    ['HSCAN', 'h', '18446744073709551616'],
    ['HSCAN', 'h', '1.5'],
    ['HSCAN', 'h', ''],
  ],
};

/** Runs steps with their comparison modes. */
async function run(pair: DiffPair, steps: Step[]): Promise<void> {
  for (const s of steps) {
    if (Array.isArray(s)) await pair.check(s);
    else await pair.check(s.cmd, s.compare);
  }
}

for (const protocol of [2, 3] as const) {
  describe(`hash commands (RESP${protocol})`, () => {
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

    it('HSCAN pages through a hashtable hash and returns every field', async () => {
      const pair = await DiffPair.open(redis.port, protocol);
      try {
        const n = 1000;
        await pair.check(['HSET', 'big', ...Array.from({ length: n }, (_, i) => [`f:${i}`, `v${i}`]).flat()]);
        await pair.check(['OBJECT', 'ENCODING', 'big']);
        for (const [opts, expected] of [
          [[], n],
          [['COUNT', '7'], n],
          [['MATCH', 'f:1*'], 111],
          [['MATCH', 'f:1*', 'COUNT', '50'], 111],
          [['MATCH', 'f:99*'], 11],
        ] as [string[], number][]) {
          const seen = { redis: new Map<string, string>(), cachee: new Map<string, string>() };
          for (const side of ['redis', 'cachee'] as const) {
            const target = pair[side];
            let cursor = '0';
            let rounds = 0;
            do {
              const { cursor: next, items } = parseScanReply(
                await target.send(['HSCAN', 'big', cursor, ...opts]),
              );
              for (let i = 0; i < items.length; i += 2) seen[side].set(items[i], items[i + 1]);
              cursor = next;
              rounds++;
            } while (cursor !== '0' && rounds < 10_000);
            expect(cursor).toBe('0');
            expect(seen[side].size).toBe(expected);
          }
          expect([...seen.cachee].sort()).toEqual([...seen.redis].sort());
        }
      } finally {
        await pair.close();
      }
    });

    it('HRANDFIELD replies have Redis shapes and members', async () => {
      const pair = await DiffPair.open(redis.port, protocol);
      try {
        for (const [key, n] of [
          ['small', 5],
          ['large', 600],
        ] as const) {
          await pair.check(['HSET', key, ...Array.from({ length: n }, (_, i) => [`f${i}`, `v${i}`]).flat()]);
          for (const args of [
            ['3'],
            ['-7'],
            ['3', 'WITHVALUES'],
            ['-7', 'WITHVALUES'],
            ['1', 'WITHVALUES'],
          ]) {
            const { redis: r, cachee: c } = await pair.both(['HRANDFIELD', key, ...args]);
            // Same aggregate header and, for RESP3 pairs, the same nesting.
            expect(c.toString('latin1').split('\r\n')[0]).toBe(r.toString('latin1').split('\r\n')[0]);
            expect(c.toString('latin1').split('\r\n')[1][0]).toBe(r.toString('latin1').split('\r\n')[1][0]);
            expect(c.length > 0).toBe(true);
          }
        }
      } finally {
        await pair.close();
      }
    });

    it('matches on random command sequences', async () => {
      const pair = await DiffPair.open(redis.port, protocol);
      const key = fc.constantFrom('h1', 'h2', 'h3');
      const field = fc.constantFrom('a', 'b', 'c', 'd', '1', '');
      const value = fc.constantFrom('x', 'y', '1', '-2', '3.5', '', '9223372036854775807');
      const num = fc.constantFrom('1', '-1', '0', '10', 'x', '2.5', '9223372036854775807');
      const cmd: fc.Arbitrary<Arg[]> = fc.oneof(
        fc
          .tuple(
            fc.constantFrom('HSET', 'HMSET'),
            key,
            fc.array(fc.tuple(field, value), { minLength: 1, maxLength: 4 }),
          )
          .map(([c, k, ps]) => [c, k, ...ps.flat()]),
        fc.tuple(key, field, value).map(([k, f, v]) => ['HSETNX', k, f, v]),
        fc.tuple(fc.constantFrom('HGET', 'HEXISTS', 'HSTRLEN'), key, field).map((a) => [...a]),
        fc
          .tuple(fc.constantFrom('HMGET', 'HDEL'), key, fc.array(field, { minLength: 1, maxLength: 4 }))
          .map(([c, k, fs]) => [c, k, ...fs]),
        fc.tuple(fc.constantFrom('HGETALL', 'HKEYS', 'HVALS', 'HLEN'), key).map((a) => [...a]),
        fc.tuple(fc.constantFrom('HINCRBY', 'HINCRBYFLOAT'), key, field, num).map((a) => [...a]),
        fc.tuple(key, fc.constantFrom('100', '6')).map(([k, n]) => ['HRANDFIELD', k, n]),
        key.map((k) => ['HSCAN', k, '0']),
        fc.tuple(key, field).map(([k, f]) => ['HSCAN', k, '0', 'MATCH', `${f}*`]),
        fc.tuple(key, value).map(([k, v]) => ['SET', k, v]),
        fc.tuple(fc.constantFrom('DEL', 'EXISTS', 'TYPE'), key).map((a) => [...a]),
        fc.tuple(key, key).map(([a, b]) => ['COPY', a, b]),
      );
      try {
        await fc.assert(
          fc.asyncProperty(fc.array(cmd, { minLength: 1, maxLength: 40 }), async (cmds) => {
            await pair.both(['FLUSHALL']);
            await pair.checkAll(cmds);
            for (const k of ['h1', 'h2', 'h3']) {
              await pair.check(['TYPE', k]);
              await pair.check(['HGETALL', k]);
              await pair.check(['OBJECT', 'ENCODING', k]);
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
