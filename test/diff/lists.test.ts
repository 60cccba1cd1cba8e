/**
 * Differential tests for the non-blocking list commands: every command, option
 * and error against a real redis-server, byte for byte, in RESP2 and RESP3,
 * plus random command sequences.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import type { Arg } from '../../src/util/bytes.js';
import { DiffPair, useRedis } from './harness.js';

const redis = useRedis();

const BIN = Buffer.from([0xff, 0xfe, 0x00, 0x80]);
const BIN2 = Buffer.from([0xc3, 0x28]);

/** Hand-written sequences, each starting from an empty keyspace. */
const SCENARIOS: Record<string, Arg[][]> = {
  'push and length': [
    ['LPUSH', 'l', 'a', 'b', 'c'],
    ['RPUSH', 'l', 'd', 'e'],
    ['LRANGE', 'l', '0', '-1'],
    ['LLEN', 'l'],
    ['LLEN', 'missing'],
    ['TYPE', 'l'],
    ['OBJECT', 'ENCODING', 'l'],
    ['LPUSHX', 'missing', 'a'],
    ['RPUSHX', 'missing', 'a', 'b'],
    ['EXISTS', 'missing'],
    ['LPUSHX', 'l', 'x', 'y'],
    ['RPUSHX', 'l', 'z'],
    ['LRANGE', 'l', '0', '-1'],
    ['lpush'],
    ['LPUSH', 'l'],
    ['RPUSHX', 'l'],
    ['EXPIRE', 'l', '100'],
    ['RPUSH', 'l', 'keep-ttl'],
    ['TTL', 'l'],
    ['RPUSH', 'u', '123', '-5', '007', '1.5', '', ' '],
    ['LRANGE', 'u', '0', '-1'],
  ],
  encoding: [
    ['RPUSH', 'small', 'a'],
    ['OBJECT', 'ENCODING', 'small'],
    ['RPUSH', 'big', ...Array.from({ length: 200 }, (_, i) => `v${i}`)],
    ['OBJECT', 'ENCODING', 'big'],
    ['RPUSH', 'wide', 'x'.repeat(10000)],
    ['OBJECT', 'ENCODING', 'wide'],
    ['LLEN', 'big'],
    ['LRANGE', 'big', '195', '300'],
    ['LRANGE', 'big', '-3', '-1'],
  ],
  'pop with and without count': [
    ['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e', 'f'],
    ['LPOP', 'l'],
    ['RPOP', 'l'],
    ['LPOP', 'l', '2'],
    ['RPOP', 'l', '1'],
    ['LPOP', 'l', '0'],
    ['RPOP', 'l', '0'],
    ['LPOP', 'l', '-1'],
    ['LPOP', 'l', 'abc'],
    ['RPOP', 'l', '9223372036854775808'],
    ['LPOP', 'l', '1', '2'],
    ['RPOP', 'l', '1', '2'],
    ['RPOP', 'l', '100'],
    ['EXISTS', 'l'],
    ['LPOP', 'l'],
    ['RPOP', 'l'],
    ['LPOP', 'l', '0'],
    ['LPOP', 'l', '5'],
    ['RPOP', 'l', '9223372036854775807'],
    ['RPUSH', 'm', 'x'],
    ['RPOP', 'm', '9223372036854775807'],
    ['EXISTS', 'm'],
  ],
  'LRANGE indexes': [
    ['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e'],
    ...[
      ['0', '-1'],
      ['0', '0'],
      ['1', '3'],
      ['-2', '-1'],
      ['-100', '1'],
      ['-100', '-100'],
      ['3', '100'],
      ['5', '10'],
      ['3', '2'],
      ['-1', '-2'],
      ['2', '-3'],
      ['0', '-6'],
      ['-9223372036854775808', '9223372036854775807'],
      ['9223372036854775807', '-9223372036854775808'],
    ].map(([a, b]) => ['LRANGE', 'l', a, b]),
    ['LRANGE', 'l', 'a', '1'],
    ['LRANGE', 'l', '0', '1.5'],
    ['LRANGE', 'l', '0', '9223372036854775808'],
    ['LRANGE', 'missing', '0', '-1'],
    ['LRANGE', 'missing', 'x', '-1'],
    ['LRANGE', 'l', ' 1', '2'],
  ],
  LINDEX: [
    ['RPUSH', 'l', 'a', 'b', 'c'],
    ['LINDEX', 'l', '0'],
    ['LINDEX', 'l', '-1'],
    ['LINDEX', 'l', '-3'],
    ['LINDEX', 'l', '-4'],
    ['LINDEX', 'l', '3'],
    ['LINDEX', 'l', '9223372036854775807'],
    ['LINDEX', 'l', '-9223372036854775808'],
    ['LINDEX', 'l', 'abc'],
    ['LINDEX', 'missing', 'abc'],
    ['LINDEX', 'missing', '0'],
  ],
  LSET: [
    ['LSET', 'missing', '0', 'x'],
    ['LSET', 'missing', 'abc', 'x'],
    ['RPUSH', 'l', 'a', 'b', 'c'],
    ['LSET', 'l', '0', 'A'],
    ['LSET', 'l', '-1', 'C'],
    ['LSET', 'l', '1', BIN],
    ['LSET', 'l', '3', 'x'],
    ['LSET', 'l', '-4', 'x'],
    ['LSET', 'l', 'abc', 'x'],
    ['LRANGE', 'l', '0', '-1'],
  ],
  LINSERT: [
    ['LINSERT', 'missing', 'BEFORE', 'a', 'x'],
    ['LINSERT', 'missing', 'middle', 'a', 'x'],
    ['RPUSH', 'l', 'a', 'b', 'a'],
    ['LINSERT', 'l', 'BEFORE', 'a', 'x'],
    ['LINSERT', 'l', 'after', 'a', 'y'],
    ['LINSERT', 'l', 'After', 'b', 'z'],
    ['LINSERT', 'l', 'before', 'nope', 'z'],
    ['LINSERT', 'l', 'AFTER', 'a', 'tail'],
    ['LINSERT', 'l', 'sideways', 'a', 'x'],
    ['LINSERT', 'l', 'BEFOR', 'a', 'x'],
    ['LINSERT', 'l', 'BEFORE\0junk', 'a', 'nul'],
    ['LRANGE', 'l', '0', '-1'],
    ['RPUSH', 'b', BIN, 'x'],
    ['LINSERT', 'b', 'AFTER', BIN, BIN2],
    ['LRANGE', 'b', '0', '-1'],
  ],
  LREM: [
    ['RPUSH', 'l', 'a', 'b', 'a', 'c', 'a', 'b'],
    ['LREM', 'l', '2', 'a'],
    ['LRANGE', 'l', '0', '-1'],
    ['RPUSH', 'l', 'a', 'b', 'a'],
    ['LREM', 'l', '-2', 'a'],
    ['LRANGE', 'l', '0', '-1'],
    ['LREM', 'l', '0', 'b'],
    ['LREM', 'l', '0', 'zz'],
    ['LREM', 'l', 'x', 'a'],
    ['LREM', 'missing', '0', 'a'],
    ['LREM', 'missing', 'x', 'a'],
    ['LRANGE', 'l', '0', '-1'],
    ['LREM', 'l', '-9223372036854775808', 'c'],
    ['EXISTS', 'l'],
    ['RPUSH', 'b', BIN, 'x', BIN],
    ['LREM', 'b', '1', BIN],
    ['LRANGE', 'b', '0', '-1'],
  ],
  LTRIM: [
    ['LTRIM', 'missing', '0', '1'],
    ['LTRIM', 'missing', 'a', '1'],
    ['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e', 'f'],
    ['LTRIM', 'l', '1', '-2'],
    ['LRANGE', 'l', '0', '-1'],
    ['LTRIM', 'l', '-100', '100'],
    ['LRANGE', 'l', '0', '-1'],
    ['LTRIM', 'l', '-2', '-1'],
    ['LRANGE', 'l', '0', '-1'],
    ['LTRIM', 'l', '1', 'x'],
    ['LTRIM', 'l', '1', '0'],
    ['EXISTS', 'l'],
    ['RPUSH', 'l', 'a'],
    ['LTRIM', 'l', '5', '10'],
    ['EXISTS', 'l'],
  ],
  LPOS: [
    ['RPUSH', 'l', 'a', 'b', 'c', '1', '2', '3', 'c', 'c'],
    ['LPOS', 'l', 'c'],
    ['LPOS', 'l', 'c', 'RANK', '2'],
    ['LPOS', 'l', 'c', 'rank', '-1'],
    ['LPOS', 'l', 'c', 'RANK', '-3'],
    ['LPOS', 'l', 'c', 'RANK', '4'],
    ['LPOS', 'l', 'z'],
    ['LPOS', 'l', 'c', 'MAXLEN', '2'],
    ['LPOS', 'l', 'c', 'MAXLEN', '3'],
    ['LPOS', 'l', 'c', 'COUNT', '0'],
    ['LPOS', 'l', 'c', 'COUNT', '2'],
    ['LPOS', 'l', 'c', 'COUNT', '2', 'RANK', '2'],
    ['LPOS', 'l', 'c', 'RANK', '-1', 'COUNT', '0'],
    ['LPOS', 'l', 'c', 'RANK', '-2', 'COUNT', '0', 'MAXLEN', '2'],
    ['LPOS', 'l', 'c', 'COUNT', '0', 'MAXLEN', '7'],
    ['LPOS', 'l', 'c', 'COUNT', '0', 'RANK', '5'],
    ['LPOS', 'l', 'z', 'COUNT', '1'],
    ['LPOS', 'l', 'c', 'RANK', '1', 'RANK', '2'],
    ['LPOS', 'l', 'c', 'RANK', '0'],
    ['LPOS', 'l', 'c', 'RANK', 'x'],
    ['LPOS', 'l', 'c', 'RANK', '-9223372036854775808'],
    ['LPOS', 'l', 'c', 'RANK', '-9223372036854775808', 'COUNT', '1'],
    ['LPOS', 'l', 'c', 'RANK', '-9223372036854775807', 'COUNT', '1'],
    ['LPOS', 'l', 'c', 'RANK', '9223372036854775807', 'COUNT', '0'],
    ['LPOS', 'l', 'c', 'COUNT', '-1'],
    ['LPOS', 'l', 'c', 'COUNT', 'x'],
    ['LPOS', 'l', 'c', 'MAXLEN', '-1'],
    ['LPOS', 'l', 'c', 'MAXLEN', 'x'],
    ['LPOS', 'l', 'c', 'RANK'],
    ['LPOS', 'l', 'c', 'COUNT'],
    ['LPOS', 'l', 'c', 'foo', '1'],
    ['LPOS', 'l', 'c', 'RANK', '0', 'COUNT', '-1'],
    ['LPOS', 'l', 'c', 'COUNT', '-1', 'RANK', '0'],
    ['LPOS', 'missing', 'c'],
    ['LPOS', 'missing', 'c', 'COUNT', '0'],
    ['LPOS', 'missing', 'c', 'RANK', '0'],
    ['RPUSH', 'b', BIN, 'x', BIN],
    ['LPOS', 'b', BIN, 'COUNT', '0'],
  ],
  'LMOVE and RPOPLPUSH': [
    ['RPUSH', 's', 'a', 'b', 'c'],
    ['RPUSH', 'd', 'x'],
    ['LMOVE', 's', 'd', 'LEFT', 'LEFT'],
    ['LMOVE', 's', 'd', 'right', 'right'],
    ['LMOVE', 'd', 's', 'Left', 'Right'],
    ['LMOVE', 'd', 's', 'RIGHT', 'LEFT'],
    ['LRANGE', 's', '0', '-1'],
    ['LRANGE', 'd', '0', '-1'],
    ['LMOVE', 's', 's', 'RIGHT', 'LEFT'],
    ['LRANGE', 's', '0', '-1'],
    ['LMOVE', 's', 's', 'LEFT', 'LEFT'],
    ['LMOVE', 's', 'new', 'LEFT', 'RIGHT'],
    ['LRANGE', 'new', '0', '-1'],
    ['LMOVE', 'missing', 'd', 'LEFT', 'LEFT'],
    ['EXISTS', 'd'],
    ['LMOVE', 'missing', 'd', 'UP', 'LEFT'],
    ['LMOVE', 's', 'd', 'LEFT', 'DOWN'],
    ['RPOPLPUSH', 's', 'd'],
    ['RPOPLPUSH', 'd', 'd'],
    ['RPOPLPUSH', 'missing', 'd'],
    ['LRANGE', 'd', '0', '-1'],
    ['RPUSH', 'one', 'only'],
    ['RPOPLPUSH', 'one', 'other'],
    ['EXISTS', 'one'],
    ['RPUSH', 'solo', 'x'],
    ['LMOVE', 'solo', 'solo', 'LEFT', 'RIGHT'],
    ['LRANGE', 'solo', '0', '-1'],
  ],
  LMPOP: [
    ['RPUSH', 'b', '1', '2', '3', '4'],
    ['RPUSH', 'c', 'x'],
    ['LMPOP', '3', 'a', 'b', 'c', 'LEFT'],
    ['LMPOP', '3', 'a', 'b', 'c', 'RIGHT', 'COUNT', '2'],
    ['LMPOP', '3', 'a', 'b', 'c', 'left', 'count', '10'],
    ['LMPOP', '2', 'b', 'c', 'RIGHT'],
    ['LMPOP', '1', 'c', 'RIGHT'],
    ['LMPOP', '1', 'a', 'LEFT'],
    ['LMPOP', '0', 'a', 'LEFT'],
    ['LMPOP', '-1', 'a', 'LEFT'],
    ['LMPOP', 'x', 'a', 'LEFT'],
    ['LMPOP', '5', 'a', 'LEFT'],
    ['LMPOP', '9223372036854775807', 'a', 'LEFT'],
    ['LMPOP', '9223372036854775808', 'a', 'LEFT'],
    ['LMPOP', '1', 'a', 'MIDDLE'],
    ['LMPOP', '2', 'a', 'LEFT'],
    ['LMPOP', '1', 'a', 'LEFT', 'COUNT'],
    ['LMPOP', '1', 'a', 'LEFT', 'COUNT', '0'],
    ['LMPOP', '1', 'a', 'LEFT', 'COUNT', '-1'],
    ['LMPOP', '1', 'a', 'LEFT', 'COUNT', 'x'],
    ['LMPOP', '1', 'a', 'LEFT', 'COUNT', '1', 'COUNT', '1'],
    ['LMPOP', '1', 'a', 'LEFT', 'foo'],
    ['LMPOP', '1', 'a'],
    ['RPUSH', 'z', 'q'],
    ['LMPOP', '1', 'z', 'LEFT', 'COUNT', '9223372036854775807'],
    ['EXISTS', 'z'],
  ],
  'wrong type': [
    ['SET', 's', 'v'],
    ['LPUSH', 's', 'a'],
    ['RPUSH', 's', 'a'],
    ['LPUSHX', 's', 'a'],
    ['RPUSHX', 's', 'a'],
    ['LPOP', 's'],
    ['RPOP', 's', '1'],
    ['LPOP', 's', 'x'],
    ['LLEN', 's'],
    ['LRANGE', 's', '0', '-1'],
    ['LRANGE', 's', 'x', '-1'],
    ['LINDEX', 's', '0'],
    ['LINDEX', 's', 'x'],
    ['LSET', 's', '0', 'x'],
    ['LSET', 's', 'x', 'x'],
    ['LINSERT', 's', 'BEFORE', 'a', 'b'],
    ['LINSERT', 's', 'middle', 'a', 'b'],
    ['LREM', 's', '0', 'a'],
    ['LREM', 's', 'x', 'a'],
    ['LTRIM', 's', '0', '1'],
    ['LTRIM', 's', 'x', '1'],
    ['LPOS', 's', 'a'],
    ['LPOS', 's', 'a', 'RANK', '0'],
    ['RPUSH', 'l', 'a'],
    ['LMOVE', 's', 'l', 'LEFT', 'LEFT'],
    ['LMOVE', 'l', 's', 'LEFT', 'LEFT'],
    ['LMOVE', 'missing', 's', 'LEFT', 'LEFT'],
    ['LMOVE', 'l', 's', 'LEFT', 'UP'],
    ['RPOPLPUSH', 'l', 's'],
    ['LRANGE', 'l', '0', '-1'],
    ['LMPOP', '2', 'missing', 's', 'LEFT'],
    ['LMPOP', '2', 'l', 's', 'LEFT'],
    ['LMPOP', '1', 's', 'UP'],
    ['GET', 's'],
  ],
  'binary keys and values': [
    ['RPUSH', BIN, BIN, 'text', BIN2],
    ['LRANGE', BIN, '0', '-1'],
    ['LPOS', BIN, BIN2],
    ['LMPOP', '1', BIN, 'RIGHT', 'COUNT', '2'],
    ['LMOVE', BIN, BIN2, 'LEFT', 'LEFT'],
    ['LRANGE', BIN2, '0', '-1'],
    ['LMPOP', '2', 'nope', BIN2, 'LEFT'],
    ['RPUSH', 'u', 'héllo', '日本', '😀'],
    ['LPOS', 'u', '日本'],
    ['LREM', 'u', '0', 'héllo'],
    ['LRANGE', 'u', '0', '-1'],
  ],
};

for (const protocol of [2, 3] as const) {
  describe(`list commands (RESP${protocol})`, () => {
    for (const [name, commands] of Object.entries(SCENARIOS)) {
      it(name, async () => {
        const pair = await DiffPair.open(redis.port, protocol);
        try {
          await pair.checkAll(commands);
        } finally {
          await pair.close();
        }
      });
    }

    it('matches on random command sequences', async () => {
      const pair = await DiffPair.open(redis.port, protocol);
      const key = fc.constantFrom('k1', 'k2', 'k3');
      const val = fc.constantFrom('a', 'b', 'c', '1', '');
      const idx = fc.integer({ min: -8, max: 8 }).map(String);
      const side = fc.constantFrom('LEFT', 'RIGHT');
      const cmd: fc.Arbitrary<string[]> = fc.oneof(
        fc
          .tuple(
            fc.constantFrom('LPUSH', 'RPUSH', 'LPUSHX', 'RPUSHX'),
            key,
            fc.array(val, { minLength: 1, maxLength: 6 }),
          )
          .map(([c, k, vs]) => [c, k, ...vs]),
        fc
          .tuple(fc.constantFrom('LPOP', 'RPOP'), key, fc.option(fc.nat(4).map(String)))
          .map(([c, k, n]) => (n === null ? [c, k] : [c, k, n])),
        fc.tuple(fc.constantFrom('LRANGE', 'LTRIM'), key, idx, idx).map((a) => [...a]),
        fc.tuple(key, idx).map(([k, i]) => ['LINDEX', k, i]),
        fc.tuple(key, idx, val).map(([k, i, v]) => ['LSET', k, i, v]),
        fc
          .tuple(key, fc.constantFrom('BEFORE', 'AFTER'), val, val)
          .map(([k, w, p, v]) => ['LINSERT', k, w, p, v]),
        fc.tuple(key, fc.integer({ min: -3, max: 3 }), val).map(([k, n, v]) => ['LREM', k, String(n), v]),
        fc
          .tuple(key, val, fc.integer({ min: -3, max: 3 }), fc.option(fc.nat(3)), fc.option(fc.nat(6)))
          .map(([k, v, r, c, m]) => [
            'LPOS',
            k,
            v,
            'RANK',
            String(r),
            ...(c === null ? [] : ['COUNT', String(c)]),
            ...(m === null ? [] : ['MAXLEN', String(m)]),
          ]),
        fc.tuple(key, key, side, side).map(([s, d, a, b]) => ['LMOVE', s, d, a, b]),
        fc.tuple(key, key).map(([s, d]) => ['RPOPLPUSH', s, d]),
        fc
          .tuple(
            fc.uniqueArray(key, { minLength: 1, maxLength: 3 }),
            side,
            fc.option(fc.integer({ min: 1, max: 4 })),
          )
          .map(([ks, s, c]) => [
            'LMPOP',
            String(ks.length),
            ...ks,
            s,
            ...(c === null ? [] : ['COUNT', String(c)]),
          ]),
        fc.tuple(fc.constantFrom('LLEN', 'EXISTS', 'TYPE'), key).map((a) => [...a]),
        fc.tuple(key, val).map(([k, v]) => ['SET', k, v]),
        key.map((k) => ['DEL', k]),
      );
      try {
        await fc.assert(
          fc.asyncProperty(fc.array(cmd, { minLength: 1, maxLength: 40 }), async (cmds) => {
            await pair.both(['FLUSHALL']);
            await pair.checkAll(cmds);
            for (const k of ['k1', 'k2', 'k3']) {
              await pair.check(['TYPE', k]);
              await pair.check(['LRANGE', k, '0', '-1']);
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
