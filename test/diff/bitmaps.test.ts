import fc from 'fast-check';
import { describe, it } from 'vitest';
import { COMMAND_TABLE } from '../../src/commands/registry.js';
import type { RedisObject } from '../../src/engine/value.js';
import type { Arg } from '../../src/util/bytes.js';
import { type DiffPair, type InProcessTarget, useRedis, withPair } from './harness.js';

const redis = useRedis();

/** A BITFIELD command writing `bytes` from byte 0 (builds any byte string without SET). */
function fill(key: string, bytes: readonly number[]): Arg[] {
  const argv: Arg[] = ['BITFIELD', key];
  bytes.forEach((b, i) => {
    argv.push('SET', 'u8', `#${i}`, String(b));
  });
  return argv;
}

/** Stores a list at `key` on both sides (LPUSH when Cachee has it, else a stand-in aggregate). */
async function makeList(pair: DiffPair, key: string): Promise<void> {
  await pair.redis.send(['RPUSH', key, 'x']);
  if (COMMAND_TABLE.has('rpush')) {
    await pair.cachee.send(['RPUSH', key, 'x']);
  } else {
    const list: RedisObject = {
      type: 'list',
      encoding: () => 'listpack',
      clone: () => list,
      memoryBytes: () => 0,
      accounted: 0,
      refs: 0,
      owner: null,
    };
    (pair.cachee as InProcessTarget).engine.dbs[0].data.set(key, list);
  }
}

const hasSet = COMMAND_TABLE.has('set');

const SAMPLES: Record<string, number[]> = {
  one: [0xa5],
  three: [0x00, 0xff, 0x0f],
  ones: [0xff, 0xff, 0xff, 0xff],
  zeros: [0x00, 0x00, 0x00],
  mixed: [0xff, 0xf0, 0x00, 0x01, 0x80, 0xff, 0x7f, 0xfe, 0x10],
  long: Array.from({ length: 150 }, (_, i) => (i === 140 ? 0x04 : i < 70 ? 0xff : 0)),
};

for (const protocol of [2, 3] as const) {
  describe(`bitmaps vs redis-server (RESP${protocol})`, () => {
    it('SETBIT and GETBIT: values, growth, limits and errors', async () => {
      await withPair(redis.port, protocol, async (pair) => {
        await pair.checkAll([
          ['SETBIT', 'k', '7', '1'],
          ['SETBIT', 'k', '7', '1'],
          ['SETBIT', 'k', '7', '0'],
          ['SETBIT', 'k', '0', '1'],
          ['SETBIT', 'k', '100', '1'],
          ['GET', 'k'],
          ['GETBIT', 'k', '0'],
          ['GETBIT', 'k', '1'],
          ['GETBIT', 'k', '100'],
          ['GETBIT', 'k', '101'],
          ['GETBIT', 'k', '4294967295'],
          ['GETBIT', 'nokey', '5'],
          ['SETBIT', 'z', '3', '0'],
          ['GET', 'z'],
          ['SETBIT', 'k', '4294967296', '1'],
          ['SETBIT', 'k', '-1', '1'],
          ['SETBIT', 'k', '1.5', '1'],
          ['SETBIT', 'k', '+1', '1'],
          ['SETBIT', 'k', '01', '1'],
          ['SETBIT', 'k', '#1', '1'],
          ['SETBIT', 'k', ' 1', '1'],
          ['SETBIT', 'k', '99999999999999999999', '1'],
          ['SETBIT', 'k', '1', '2'],
          ['SETBIT', 'k', '1', '-1'],
          ['SETBIT', 'k', '1', 'x'],
          ['SETBIT', 'k', '1', ''],
          ['SETBIT', 'k', 'x', 'y'],
          ['GETBIT', 'k', '4294967296'],
          ['GETBIT', 'k', '-1'],
          ['GETBIT', 'k', 'abc'],
          ['SETBIT', 'k', '1'],
          ['GETBIT', 'k'],
          ['setbit', 'k', '9', '1'],
          ['GET', 'k'],
        ]);
        // A modest large offset: 16 MB.
        await pair.checkAll([
          ['SETBIT', 'big', String(2 ** 27), '1'],
          ['GETBIT', 'big', String(2 ** 27)],
          ['BITCOUNT', 'big'],
          ['BITPOS', 'big', '1'],
          ['BITPOS', 'big', '0', '-1'],
          ['BITFIELD', 'big', 'GET', 'u8', `#${2 ** 24}`],
        ]);
        await makeList(pair, 'list');
        await pair.checkAll([
          ['SETBIT', 'list', '1', '1'],
          ['GETBIT', 'list', '1'],
          ['GETBIT', 'list', 'x'],
          ['SETBIT', 'list', '1', '5'],
        ]);
      });
    });

    it('SETBIT on binary values keeps every byte', async () => {
      await withPair(redis.port, protocol, async (pair) => {
        await pair.checkAll([
          fill('b', [0xc3, 0xa9, 0xff, 0x00]),
          ['GET', 'b'],
          ['SETBIT', 'b', '24', '0'],
          ['GET', 'b'],
          ['SETBIT', 'b', '0', '0'],
          ['GET', 'b'],
          ['SETBIT', Buffer.from([0xff, 0x00]), '3', '1'],
          ['GETBIT', Buffer.from([0xff, 0x00]), '3'],
          ['GET', Buffer.from([0xff, 0x00])],
        ]);
      });
    });

    it('BITCOUNT: whole string, byte and bit ranges, negative indexes, errors', async () => {
      await withPair(redis.port, protocol, async (pair) => {
        for (const [key, bytes] of Object.entries(SAMPLES)) await pair.check(fill(key, bytes));
        for (const key of Object.keys(SAMPLES)) {
          await pair.check(['BITCOUNT', key]);
          for (let s = -12; s <= 12; s++) {
            for (let e = -12; e <= 12; e++) {
              await pair.check(['BITCOUNT', key, String(s), String(e)]);
              await pair.check(['BITCOUNT', key, String(s * 3), String(e * 3), 'BIT']);
            }
          }
        }
        await pair.checkAll([
          ['BITCOUNT', 'mixed', '0', '-1', 'byte'],
          ['BITCOUNT', 'mixed', '0', '-1', 'BYTE'],
          ['BITCOUNT', 'mixed', '0', '-1', 'bit'],
          ['BITCOUNT', 'mixed', '-1', '-5', 'foo'],
          ['BITCOUNT', 'mixed', '1', '0', 'foo'],
          ['BITCOUNT', 'mixed', '0', '-1', 'bits'],
          ['BITCOUNT', 'mixed', '0', '-1', 'bit', 'x'],
          ['BITCOUNT', 'mixed', '0'],
          ['BITCOUNT', 'mixed', 'a', 'b'],
          ['BITCOUNT', 'mixed', '0', 'b'],
          ['BITCOUNT', 'mixed', 'a', '1', 'bit'],
          ['BITCOUNT', 'mixed', '-9223372036854775808', '9223372036854775807'],
          ['BITCOUNT', 'mixed', '-9223372036854775807', '-9223372036854775808'],
          ['BITCOUNT', 'mixed', '-1152921504606846976', '-2305843009213693952', 'bit'],
          ['BITCOUNT', 'mixed', '9223372036854775807', '9223372036854775807'],
          ['BITCOUNT', 'mixed', '0', '9223372036854775808'],
          ['BITCOUNT', 'nokey'],
          ['BITCOUNT', 'nokey', 'a', 'b'],
          ['BITCOUNT', 'nokey', '1'],
          ['BITCOUNT', 'nokey', '0', '1', 'bogus', 'x'],
          ['BITCOUNT', 'long', '1', '200', 'BYTE'],
          ['BITCOUNT', 'long', '3', '1190', 'BIT'],
          ['BITCOUNT'],
        ]);
        await makeList(pair, 'list');
        await pair.checkAll([
          ['BITCOUNT', 'list'],
          ['BITCOUNT', 'list', 'a', 'b'],
          ['BITCOUNT', 'list', '1'],
        ]);
      });
    });

    it('BITPOS: bits, ranges, units, the end-given rule and errors', async () => {
      await withPair(redis.port, protocol, async (pair) => {
        for (const [key, bytes] of Object.entries(SAMPLES)) await pair.check(fill(key, bytes));
        for (const key of Object.keys(SAMPLES)) {
          for (const bit of ['0', '1']) {
            await pair.check(['BITPOS', key, bit]);
            for (let s = -12; s <= 12; s++) {
              await pair.check(['BITPOS', key, bit, String(s)]);
              for (let e = -12; e <= 12; e++) {
                await pair.check(['BITPOS', key, bit, String(s), String(e)]);
                await pair.check(['BITPOS', key, bit, String(s * 3), String(e * 3), 'BIT']);
              }
            }
          }
        }
        await pair.checkAll([
          ['BITPOS', 'long', '0', '3', '1199', 'bit'],
          ['BITPOS', 'long', '1', '600', '1199', 'bit'],
          ['BITPOS', 'long', '1', '71', '149', 'byte'],
          ['BITPOS', 'long', '0', '0', '60'],
          ['BITPOS', 'ones', '0'],
          ['BITPOS', 'ones', '0', '1'],
          ['BITPOS', 'ones', '0', '1', '-1'],
          ['BITPOS', 'ones', '0', '1', '-1', 'bit'],
          ['BITPOS', 'zeros', '1'],
          ['BITPOS', 'mixed', '1', '0', '-1', 'BYTE'],
          ['BITPOS', 'mixed', '1', '0', '-1', 'Bit'],
          ['BITPOS', 'mixed', '2'],
          ['BITPOS', 'mixed', '-1'],
          ['BITPOS', 'mixed', 'x'],
          ['BITPOS', 'mixed', '1', 'x'],
          ['BITPOS', 'mixed', '1', '0', 'x'],
          ['BITPOS', 'mixed', '1', '0', 'x', 'bits'],
          ['BITPOS', 'mixed', '1', 'x', '1', 'bits'],
          ['BITPOS', 'mixed', '1', '0', '1', 'bits'],
          ['BITPOS', 'mixed', '1', '0', '1', 'bit', 'x'],
          ['BITPOS', 'mixed', '0', '-9223372036854775808', '9223372036854775807'],
          ['BITPOS', 'mixed', '0', '9223372036854775807'],
          ['BITPOS', 'nokey', '0'],
          ['BITPOS', 'nokey', '1'],
          ['BITPOS', 'nokey', '0', 'abc'],
          ['BITPOS', 'nokey', '1', '1', '2', 'bogus'],
          ['BITPOS', 'nokey', '2'],
          ['BITPOS', 'nokey'],
        ]);
        await makeList(pair, 'list');
        await pair.checkAll([
          ['BITPOS', 'list', '1'],
          ['BITPOS', 'list', '2'],
          ['BITPOS', 'list', '1', 'x'],
        ]);
      });
    });

    it('BITOP: AND, OR, XOR, NOT, padding, empty results and errors', async () => {
      await withPair(redis.port, protocol, async (pair) => {
        await pair.checkAll([
          fill('a', [0xff, 0x0f, 0xa5]),
          fill('b', [0xf0, 0xff]),
          fill('c', [0x01]),
          ['BITOP', 'AND', 'd', 'a', 'b'],
          ['GET', 'd'],
          ['BITOP', 'and', 'd', 'a', 'b', 'c'],
          ['GET', 'd'],
          ['BITOP', 'OR', 'd', 'a', 'b', 'c'],
          ['GET', 'd'],
          ['BITOP', 'Xor', 'd', 'a', 'b', 'c'],
          ['GET', 'd'],
          ['BITOP', 'XOR', 'd', 'a', 'a'],
          ['GET', 'd'],
          ['BITOP', 'NOT', 'd', 'a'],
          ['GET', 'd'],
          ['BITOP', 'not', 'a', 'a'],
          ['GET', 'a'],
          ['BITOP', 'AND', 'd', 'a', 'nokey'],
          ['GET', 'd'],
          ['BITOP', 'OR', 'd', 'nokey', 'b'],
          ['GET', 'd'],
          ['BITOP', 'OR', 'd', 'a'],
          ['GET', 'd'],
          ['BITOP', 'OR', 'd', 'nokey', 'nokey2'],
          ['GET', 'd'],
          ['BITOP', 'OR', 'd', 'nokey'],
          ['BITOP', 'NOT', 'd', 'nokey'],
          ['BITOP', 'NOT', 'd', 'a', 'b'],
          ['BITOP', 'NOT', 'd'],
          ['BITOP', 'NAND', 'd', 'a', 'b'],
          ['BITOP', 'ANDX', 'd', 'a'],
          ['BITOP', 'AN', 'd', 'a'],
          ['BITOP', 'DIFF', 'd', 'a', 'b'],
          ['BITOP', 'AND', 'd'],
          ['BITOP', 'AND'],
        ]);
        await makeList(pair, 'list');
        await pair.checkAll([
          ['BITOP', 'AND', 'd', 'a', 'list'],
          ['BITOP', 'NOT', 'd', 'list'],
          ['GET', 'd'],
          ['BITOP', 'AND', 'list', 'a'],
          ['GET', 'list'],
          ['BITOP', 'NOT', 'd', 'a', 'list'],
          ['BITOP', 'NOPE', 'd', 'list'],
        ]);
        await makeList(pair, 'list2');
        await pair.checkAll([
          ['BITOP', 'OR', 'list2', 'nokey'],
          ['GET', 'list2'],
          ['BITCOUNT', 'list2'],
        ]);
      });
    });

    it('BITFIELD: types, offsets, SET/GET/INCRBY, overflow modes', async () => {
      await withPair(redis.port, protocol, async (pair) => {
        await pair.checkAll([
          ['BITFIELD', 'f', 'SET', 'i8', '0', '100', 'GET', 'i8', '0', 'GET', 'u8', '0', 'GET', 'u4', '0'],
          ['BITFIELD', 'f', 'INCRBY', 'i8', '0', '100', 'INCRBY', 'i8', '0', '-300'],
          ['BITFIELD', 'f', 'OVERFLOW', 'SAT', 'INCRBY', 'i8', '0', '1000', 'INCRBY', 'i8', '0', '-1000'],
          [
            'BITFIELD',
            'f',
            'OVERFLOW',
            'FAIL',
            'INCRBY',
            'i8',
            '0',
            '1000',
            'INCRBY',
            'i8',
            '0',
            '1',
            'GET',
            'i8',
            '0',
          ],
          ['BITFIELD', 'f', 'OVERFLOW', 'WRAP', 'INCRBY', 'u2', '100', '1', 'INCRBY', 'u2', '100', '1'],
          [
            'BITFIELD',
            'f',
            'INCRBY',
            'u2',
            '100',
            '1',
            'INCRBY',
            'u2',
            '100',
            '1',
            'INCRBY',
            'u2',
            '100',
            '-5',
          ],
          [
            'BITFIELD',
            'f',
            'OVERFLOW',
            'SAT',
            'SET',
            'u8',
            '0',
            '-5',
            'SET',
            'u8',
            '8',
            '300',
            'SET',
            'u8',
            '16',
            '-1',
          ],
          [
            'BITFIELD',
            'f',
            'OVERFLOW',
            'WRAP',
            'SET',
            'u8',
            '0',
            '-5',
            'SET',
            'u8',
            '8',
            '300',
            'SET',
            'i8',
            '16',
            '200',
          ],
          [
            'BITFIELD',
            'f',
            'OVERFLOW',
            'FAIL',
            'SET',
            'u8',
            '0',
            '-5',
            'SET',
            'u8',
            '8',
            '255',
            'SET',
            'i8',
            '16',
            '-129',
          ],
          [
            'BITFIELD',
            'f',
            'OVERFLOW',
            'sat',
            'SET',
            'i8',
            '0',
            '-129',
            'SET',
            'i8',
            '8',
            '128',
            'overflow',
            'wrap',
          ],
          ['GET', 'f'],
          ['BITFIELD', 'f', 'GET', 'i64', '0', 'GET', 'u63', '1', 'GET', 'i64', '3', 'GET', 'u63', '0'],
          ['BITFIELD', 'f', 'SET', 'i64', '0', '-9223372036854775808', 'GET', 'i64', '0', 'GET', 'u63', '0'],
          [
            'BITFIELD',
            'f',
            'SET',
            'i64',
            '0',
            '9223372036854775807',
            'GET',
            'i64',
            '0',
            'GET',
            'u63',
            '0',
            'GET',
            'u63',
            '1',
          ],
          [
            'BITFIELD',
            'f',
            'INCRBY',
            'i64',
            '0',
            '1',
            'INCRBY',
            'i64',
            '0',
            '-1',
            'INCRBY',
            'i64',
            '0',
            '-1',
          ],
          [
            'BITFIELD',
            'f',
            'OVERFLOW',
            'SAT',
            'INCRBY',
            'i64',
            '0',
            '9223372036854775807',
            'INCRBY',
            'i64',
            '0',
            '1',
          ],
          [
            'BITFIELD',
            'f',
            'OVERFLOW',
            'SAT',
            'INCRBY',
            'i64',
            '0',
            '-9223372036854775808',
            'INCRBY',
            'i64',
            '0',
            '-1',
          ],
          [
            'BITFIELD',
            'f',
            'OVERFLOW',
            'FAIL',
            'INCRBY',
            'i64',
            '0',
            '-1',
            'INCRBY',
            'i64',
            '0',
            '-9223372036854775808',
          ],
          [
            'BITFIELD',
            'f',
            'OVERFLOW',
            'WRAP',
            'INCRBY',
            'u63',
            '5',
            '9223372036854775807',
            'INCRBY',
            'u63',
            '5',
            '2',
          ],
          [
            'BITFIELD',
            'f',
            'OVERFLOW',
            'SAT',
            'INCRBY',
            'u63',
            '5',
            '9223372036854775807',
            'INCRBY',
            'u63',
            '5',
            '-9223372036854775808',
          ],
          [
            'BITFIELD',
            'f',
            'OVERFLOW',
            'WRAP',
            'SET',
            'u63',
            '3',
            '-1',
            'SET',
            'u63',
            '3',
            '-9223372036854775808',
            'GET',
            'u63',
            '3',
          ],
          [
            'BITFIELD',
            'f',
            'SET',
            'i33',
            '7',
            '-4294967296',
            'INCRBY',
            'i33',
            '7',
            '-1',
            'GET',
            'u33',
            '7',
            'GET',
            'i33',
            '7',
          ],
          [
            'BITFIELD',
            'f',
            'SET',
            'u32',
            '13',
            '4294967295',
            'INCRBY',
            'u32',
            '13',
            '1',
            'INCRBY',
            'u32',
            '13',
            '-1',
          ],
          [
            'BITFIELD',
            'f',
            'OVERFLOW',
            'SAT',
            'INCRBY',
            'u32',
            '13',
            '9007199254740993',
            'INCRBY',
            'i32',
            '13',
            '-9007199254740993',
          ],
          [
            'BITFIELD',
            'f',
            'OVERFLOW',
            'WRAP',
            'INCRBY',
            'u32',
            '13',
            '9007199254740993',
            'INCRBY',
            'i32',
            '13',
            '-9007199254740993',
          ],
          [
            'BITFIELD',
            'f',
            'OVERFLOW',
            'WRAP',
            'INCRBY',
            'i1',
            '3',
            '1',
            'INCRBY',
            'i1',
            '3',
            '1',
            'INCRBY',
            'u1',
            '3',
            '1',
          ],
          [
            'BITFIELD',
            'f',
            'SET',
            'i53',
            '1',
            '-4503599627370496',
            'INCRBY',
            'i53',
            '1',
            '-1',
            'INCRBY',
            'u52',
            '1',
            '-1',
          ],
          ['GET', 'f'],
          // int64 wraparound inside Redis's overflow check: far-negative SETs count as overflow.
          ...['i8', 'i32', 'i33', 'i58', 'i63', 'i64', 'u8', 'u63'].flatMap((t) =>
            ['SAT', 'WRAP', 'FAIL'].flatMap((mode) =>
              [
                '-9223372036854775808',
                '-9223372036854775681',
                '-9223372036854775680',
                '-9223372036854775679',
                '-9079256848778919937',
                '-4611686018427387905',
                '-4611686018427387904',
                '-4294967297',
                '-2147483649',
                '9223372036854775807',
                '4611686018427387904',
              ].flatMap((value) => [
                ['BITFIELD', 'f', 'OVERFLOW', mode, 'SET', t, '0', value, 'GET', t, '0'],
                ['BITFIELD', 'f', 'OVERFLOW', mode, 'INCRBY', t, '0', value, 'INCRBY', t, '0', value],
              ]),
            ),
          ),
          ['GET', 'f'],
          [
            'BITFIELD',
            'f',
            'GET',
            'u8',
            '#0',
            'GET',
            'u8',
            '#1',
            'SET',
            'u8',
            '#30',
            '7',
            'GET',
            'i4',
            '#61',
          ],
          ['BITFIELD', 'f', 'GET', 'i64', '#1000', 'GET', 'i64', '4294967295', 'GET', 'u63', '#67108863'],
          ['BITFIELD', 'f', 'GET', 'i64', '#2305843009213693953', 'GET', 'i32', '#134217727'],
          ['GET', 'f'],
          ['BITFIELD', 'nokey', 'GET', 'i8', '0', 'GET', 'u16', '100'],
          ['BITFIELD', 'nokey'],
          ['BITFIELD', 'nokey', 'OVERFLOW', 'SAT'],
          ['GET', 'nokey'],
          ['BITFIELD', 'g', 'OVERFLOW', 'FAIL', 'INCRBY', 'u8', '20', '300'],
          ['GET', 'g'],
          ['BITFIELD', 'g', 'OVERFLOW', 'FAIL', 'INCRBY', 'u8', '60', '300', 'GET', 'u8', '60'],
          ['GET', 'g'],
          [
            'BITFIELD',
            'g',
            'get',
            'i8',
            '0',
            'Set',
            'i8',
            '0',
            '1',
            'incrBY',
            'i8',
            '0',
            '1',
            'OverFlow',
            'Fail',
          ],
        ]);
      });
    });

    it('BITFIELD and BITFIELD_RO errors', async () => {
      await withPair(redis.port, protocol, async (pair) => {
        await pair.checkAll([
          fill('k', [1, 2, 3]),
          ['BITFIELD', 'k', 'GET', 'I8', '0'],
          ['BITFIELD', 'k', 'GET', 'i0', '0'],
          ['BITFIELD', 'k', 'GET', 'i65', '0'],
          ['BITFIELD', 'k', 'GET', 'u64', '0'],
          ['BITFIELD', 'k', 'GET', 'u63', '0'],
          ['BITFIELD', 'k', 'GET', 'i064', '0'],
          ['BITFIELD', 'k', 'GET', 'i+8', '0'],
          ['BITFIELD', 'k', 'GET', 'i-8', '0'],
          ['BITFIELD', 'k', 'GET', '', '0'],
          ['BITFIELD', 'k', 'GET', 'i', '0'],
          ['BITFIELD', 'k', 'GET', 'x8', '0'],
          ['BITFIELD', 'k', 'GET', 'i8\u00000', '0'],
          ['BITFIELD', 'k', 'GET', 'i8'],
          ['BITFIELD', 'k', 'GET', 'i8', '-1'],
          ['BITFIELD', 'k', 'GET', 'i8', '4294967296'],
          ['BITFIELD', 'k', 'GET', 'i8', '#-1'],
          ['BITFIELD', 'k', 'GET', 'i8', '# 1'],
          ['BITFIELD', 'k', 'GET', 'i8', '#'],
          ['BITFIELD', 'k', 'GET', 'i8', '##1'],
          ['BITFIELD', 'k', 'GET', 'i8', '#536870912'],
          ['BITFIELD', 'k', 'GET', 'i8', '#536870911'],
          ['BITFIELD', 'k', 'GET', 'i8', '1.0'],
          ['BITFIELD', 'k', 'GET', 'i8', '01'],
          ['BITFIELD', 'k', 'GET', 'i64', '#1152921504606846977'],
          ['BITFIELD', 'k', 'GET', 'i1', '#2305843009213693953'],
          ['BITFIELD', 'k', 'SET', 'i8', '0'],
          ['BITFIELD', 'k', 'SET', 'i8', '0', 'x'],
          ['BITFIELD', 'k', 'SET', 'i8', '0', '9223372036854775808'],
          ['BITFIELD', 'k', 'INCRBY', 'u8', '0', '1.5'],
          ['BITFIELD', 'k', 'INCRBY', 'u8', '0'],
          ['BITFIELD', 'k', 'OVERFLOW'],
          ['BITFIELD', 'k', 'OVERFLOW', 'foo', 'GET', 'i8', '0'],
          ['BITFIELD', 'k', 'GET', 'i8', '0', 'OVERFLOW', 'foo'],
          ['BITFIELD', 'k', 'GET', 'i8', '0', 'OVERFLOW', 'wrapx'],
          ['BITFIELD', 'k', 'foo'],
          ['BITFIELD', 'k', 'GET', 'i8', '0', 'foo', 'bar'],
          ['BITFIELD', 'k', 'GETX', 'i8', '0'],
          ['BITFIELD', 'k', 'GET\u0000x', 'i8', '0'],
          ['BITFIELD', 'k', 'SET', 'i8', '0', '1', 'GET', 'x8', '0'],
          ['GET', 'k'],
          ['BITFIELD_RO', 'k', 'GET', 'i8', '0', 'GET', 'u4', '#3'],
          ['BITFIELD_RO', 'k', 'SET', 'i8', '0', '1', 'GET', 'i8', '0'],
          ['BITFIELD_RO', 'k', 'SET', 'i8', '0', '1', 'GET', 'i8'],
          ['BITFIELD_RO', 'k', 'INCRBY', 'i8', '0', '1'],
          ['BITFIELD_RO', 'k', 'GET', 'i8', '0', 'OVERFLOW', 'SAT'],
          ['BITFIELD_RO', 'k', 'OVERFLOW', 'SAT'],
          ['BITFIELD_RO', 'k', 'OVERFLOW', 'nope'],
          ['BITFIELD_RO', 'k'],
          ['BITFIELD_RO', 'nokey', 'INCRBY', 'i8', '0', '1'],
          ['BITFIELD_RO', 'nokey', 'GET', 'i8', '0'],
          ['GET', 'nokey'],
          ['BITFIELD_RO'],
          ['BITFIELD'],
        ]);
        await makeList(pair, 'list');
        await pair.checkAll([
          ['BITFIELD', 'list', 'GET', 'i8', '0'],
          ['BITFIELD', 'list', 'SET', 'i8', '0', '1'],
          ['BITFIELD', 'list', 'GET', 'i88', '0'],
          ['BITFIELD', 'list'],
          ['BITFIELD_RO', 'list', 'GET', 'i8', '0'],
          ['BITFIELD_RO', 'list', 'SET', 'i8', '0', '1'],
          ['BITFIELD_RO', 'list'],
        ]);
      });
    });

    it.skipIf(!COMMAND_TABLE.has('object') || !hasSet)('encodings and TTLs after bit writes', async () => {
      await withPair(redis.port, protocol, async (pair) => {
        await pair.checkAll([
          ['SETBIT', 'a', '1', '1'],
          ['OBJECT', 'ENCODING', 'a'],
          ['SET', 'n', '12345'],
          ['OBJECT', 'ENCODING', 'n'],
          ['SETBIT', 'n', '0', '0'],
          ['OBJECT', 'ENCODING', 'n'],
          ['SET', 'e', 'abc'],
          ['BITFIELD', 'e', 'GET', 'u8', '0'],
          ['OBJECT', 'ENCODING', 'e'],
          ['BITFIELD', 'e', 'OVERFLOW', 'FAIL', 'INCRBY', 'u8', '0', '1000'],
          ['OBJECT', 'ENCODING', 'e'],
          ['SET', 'f', 'abc'],
          ['BITFIELD', 'f', 'SET', 'u8', '0', '97'],
          ['OBJECT', 'ENCODING', 'f'],
          ['BITOP', 'OR', 'd', 'a'],
          ['OBJECT', 'ENCODING', 'd'],
          ['SET', 'x', 'v'],
          ['EXPIRE', 'x', '100'],
          ['SETBIT', 'x', '100', '1'],
          ['TTL', 'x'],
          ['BITFIELD', 'x', 'INCRBY', 'u8', '0', '1'],
          ['TTL', 'x'],
          ['EXPIRE', 'd', '100'],
          ['BITOP', 'NOT', 'd', 'x'],
          ['TTL', 'd'],
          ['EXPIRE', 'd', '100'],
          ['BITOP', 'AND', 'd', 'nokey'],
          ['EXISTS', 'd'],
        ]);
      });
    });

    it.skipIf(!hasSet)('bit commands on values written by SET', async () => {
      await withPair(redis.port, protocol, async (pair) => {
        await pair.checkAll([
          ['SET', 's', 'foobar'],
          ['BITCOUNT', 's'],
          ['BITCOUNT', 's', '1', '1'],
          ['BITCOUNT', 's', '5', '30', 'BIT'],
          ['BITPOS', 's', '0'],
          ['SETBIT', 's', '7', '1'],
          ['GET', 's'],
          ['SET', 'n', '12345'],
          ['GETBIT', 'n', '2'],
          ['SETBIT', 'n', '2', '0'],
          ['GET', 'n'],
          ['SET', 'e', ''],
          ['BITCOUNT', 'e'],
          ['BITCOUNT', 'e', '0', '-1'],
          ['BITPOS', 'e', '0'],
          ['BITPOS', 'e', '1'],
          ['BITPOS', 'e', '0', '0', '-1'],
          ['BITFIELD', 'e', 'GET', 'u8', '0'],
          ['BITOP', 'OR', 'd', 'e'],
          ['GET', 'd'],
          ['SET', 'u', 'héllo wörld ✓'],
          ['BITOP', 'NOT', 'd', 'u'],
          ['GET', 'd'],
          ['BITOP', 'NOT', 'd', 'd'],
          ['GET', 'd'],
          ['BITFIELD', 'u', 'INCRBY', 'u8', '#1', '1'],
          ['GET', 'u'],
        ]);
      });
    });

    it('matches on random sequences of bit commands', async () => {
      await withPair(redis.port, protocol, async (pair) => {
        const key = fc.constantFrom('a', 'b', 'c');
        const offset = fc.oneof(
          { weight: 8, arbitrary: fc.integer({ min: 0, max: 80 }) },
          { weight: 1, arbitrary: fc.integer({ min: 0, max: 16000 }) },
        );
        const idx = fc
          .oneof(
            { weight: 4, arbitrary: fc.integer({ min: -40, max: 40 }) },
            fc.integer({ min: -2100, max: 2100 }),
          )
          .map(String);
        const unit = fc.constantFrom('BYTE', 'BIT', 'bit');
        const width = fc.oneof(
          fc.integer({ min: 1, max: 64 }).map((n) => `i${n}`),
          fc.integer({ min: 1, max: 63 }).map((n) => `u${n}`),
        );
        const int64 = fc
          .oneof(
            fc.integer({ min: -300, max: 300 }),
            fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
            fc.constantFrom(2 ** 31, -(2 ** 31), 2 ** 32, 2 ** 53, -(2 ** 53) - 1, 2 ** 62),
          )
          .map(String);
        const fieldOffset = fc.oneof(
          offset.map(String),
          fc.integer({ min: 0, max: 12 }).map((n) => `#${n}`),
        );
        const fieldOp = fc.oneof(
          fc.tuple(fc.constant('GET'), width, fieldOffset),
          fc.tuple(fc.constant('SET'), width, fieldOffset, int64),
          fc.tuple(fc.constant('INCRBY'), width, fieldOffset, int64),
          fc.tuple(fc.constant('OVERFLOW'), fc.constantFrom('WRAP', 'SAT', 'FAIL')),
        );
        const value: fc.Arbitrary<Arg> = fc.oneof(
          fc.uint8Array({ maxLength: 12 }).map((a) => Buffer.from(a)),
          fc.string({ maxLength: 8 }),
          fc.constantFrom('', '0', '12345', '-1'),
          fc
            .tuple(fc.integer({ min: 1020, max: 1100 }), fc.string({ maxLength: 3 }))
            .map(([n, t]) => 'a'.repeat(n) + t),
        );
        const command: fc.Arbitrary<Arg[]> = fc.oneof(
          fc.tuple(fc.constant('SETBIT'), key, offset.map(String), fc.constantFrom('0', '1')),
          fc.tuple(fc.constant('GETBIT'), key, offset.map(String)),
          fc.tuple(fc.constant('BITCOUNT'), key),
          fc.tuple(fc.constant('BITCOUNT'), key, idx, idx),
          fc.tuple(fc.constant('BITCOUNT'), key, idx, idx, unit),
          fc.tuple(fc.constant('BITPOS'), key, fc.constantFrom('0', '1')),
          fc.tuple(fc.constant('BITPOS'), key, fc.constantFrom('0', '1'), idx),
          fc.tuple(fc.constant('BITPOS'), key, fc.constantFrom('0', '1'), idx, idx),
          fc.tuple(fc.constant('BITPOS'), key, fc.constantFrom('0', '1'), idx, idx, unit),
          fc.tuple(fc.constant('BITOP'), fc.constantFrom('AND', 'OR', 'XOR'), key, key, key),
          fc.tuple(fc.constant('BITOP'), fc.constantFrom('AND', 'OR', 'XOR'), key, key),
          fc.tuple(fc.constant('BITOP'), fc.constant('NOT'), key, key),
          fc
            .tuple(key, fc.array(fieldOp, { minLength: 0, maxLength: 5 }))
            .map(([k, ops]) => ['BITFIELD', k, ...ops.flat()]),
          fc
            .tuple(key, fc.array(fc.tuple(fc.constant('GET'), width, fieldOffset), { maxLength: 3 }))
            .map(([k, ops]) => ['BITFIELD_RO', k, ...ops.flat()]),
          fc.tuple(fc.constant('GET'), key),
          ...(hasSet
            ? [
                fc.tuple(fc.constant('SET'), key, value),
                fc.tuple(fc.constant('APPEND'), key, value),
                fc.tuple(fc.constant('SETRANGE'), key, fc.nat(1100).map(String), value),
              ]
            : []),
        );
        await fc.assert(
          fc.asyncProperty(
            fc.array(command, { minLength: 5, maxLength: 40, size: 'large' }),
            async (cmds) => {
              for (const k of ['a', 'b', 'c']) {
                await pair.redis.send(['DEL', k]);
                (pair.cachee as InProcessTarget).engine.dbs[0].remove(k);
              }
              for (const c of cmds) await pair.check(c);
              for (const k of ['a', 'b', 'c']) await pair.check(['GET', k]);
            },
          ),
          { numRuns: 300 },
        );
      });
    });
  });
}
