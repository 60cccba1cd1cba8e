/**
 * Differential tests for the string commands: every command, option and error
 * against a real redis-server, byte for byte, in RESP2 and RESP3; plus the
 * long double arithmetic of INCRBYFLOAT on random and edge values.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RedisObject } from '../../src/engine/value.js';
import { incrByFloatText } from '../../src/util/long-double.js';
import { type DiffPair, type InProcessTarget, RawConnection, useRedis, withPair } from './harness.js';

const redis = useRedis();

function ours(value: string, incr: string): string {
  try {
    return `$${incrByFloatText(value, incr)}`;
  } catch (e) {
    return `-${(e as Error).message}`;
  }
}

function decode(b: Buffer): string {
  const s = b.toString('latin1');
  if (s[0] === '$') return `$${s.slice(s.indexOf('\r\n') + 2, -2)}`;
  return s.slice(0, -2);
}

const digits = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });
const decimal = fc
  .tuple(
    fc.constantFrom('', '-', '+'),
    digits(0, 22),
    fc.option(digits(0, 22)),
    fc.option(fc.integer({ min: -4970, max: 4950 })),
  )
  .map(([s, i, f, e]) => `${s}${i}${f === null ? '' : `.${f}`}${e === null ? '' : `e${e}`}`);
const dbl = fc.double({ noNaN: true }).map((d) => String(d));
const hex = fc
  .tuple(
    fc.constantFrom('', '-'),
    fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: 1, maxLength: 20 }),
    fc.integer({ min: -16600, max: 16500 }),
  )
  .map(([s, h, p]) => `${s}0x${h.slice(0, 1)}.${h.slice(1)}p${p}`);
const small = fc
  .tuple(fc.integer({ min: -100000, max: 100000 }), fc.integer({ min: 0, max: 6 }))
  .map(([n, k]) => (n / 10 ** k).toString());
const anyNum = fc.oneof(decimal, dbl, hex, small);

const EDGE = [
  'inf',
  '-inf',
  '+inf',
  'INF',
  'infinity',
  '-Infinity',
  'infin',
  'nan',
  '-nan',
  'nan(1)',
  'NaN',
  '1e',
  '1e+',
  ' 1',
  '1 ',
  '\t1',
  '0x',
  '0x1p',
  '0x.p1',
  '1.e5',
  '.5',
  '+.5e-3',
  '.',
  '-',
  '+',
  '',
  '0x.8',
  '0x1.',
  '1.18973149535723176502e4932',
  '1.18973149535723176508e4932',
  '1.1897314953572317651e4932',
  '-1.18973149535723176502e4932',
  '3.64519953188247460253e-4951',
  '1.82259976594123730126e-4951',
  '1.8225997659412373013e-4951',
  '1e-4951',
  '2e-4951',
  '0x1p-16445',
  '0x1p-16446',
  '0x1p16383',
  '0x1.fffffffffffffffep16383',
  '0x1.ffffffffffffffffp16383',
  '0x1p16384',
  '0e99999999999999999999',
  '1e-99999999999999999999',
  '0.000003814697265625',
  '0.000011444091796875',
  '9223372036854775807',
  '-9223372036854775808',
  '18446744073709551615',
  '18446744073709551617',
  '1.5\u0000',
  '0.1',
  '0.2',
  '-0',
  '-0.0',
  '-1e-30',
  '1e-17',
  '5e-18',
  '4.9999999999999999e-18',
  '1'.padEnd(5119, '0'),
  `1.${'0'.repeat(5117)}`,
  `1.${'0'.repeat(5118)}`,
];

describe('INCRBYFLOAT long double vs redis-server', () => {
  it('matches on edge values', async () => {
    const c = await RawConnection.connect(redis.port);
    try {
      for (const value of EDGE) {
        for (const incr of ['0', '-0', '0.1', '1e-4951', '-1.18973149535723176502e4932', value]) {
          await c.send(['SET', 'ld', value]);
          const r = decode(await c.send(['INCRBYFLOAT', 'ld', incr]));
          expect(ours(value, incr), `${JSON.stringify(value)} + ${JSON.stringify(incr)}`).toBe(r);
        }
      }
    } finally {
      await c.close();
    }
  });

  it('matches on random values', async () => {
    const c = await RawConnection.connect(redis.port);
    try {
      await fc.assert(
        fc.asyncProperty(anyNum, anyNum, async (value, incr) => {
          await c.send(['SET', 'ld', value]);
          const r = decode(await c.send(['INCRBYFLOAT', 'ld', incr]));
          expect(ours(value, incr), `${value} + ${incr}`).toBe(r);
        }),
        { numRuns: Number(process.env.LD_RUNS ?? 3000) },
      );
    } finally {
      await c.close();
    }
  });

  it('matches on near-cancelling sums', async () => {
    const c = await RawConnection.connect(redis.port);
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.bigInt({ min: 1n, max: 10n ** 25n }),
          fc.integer({ min: -3, max: 3 }),
          fc.integer({ min: -40, max: 30 }),
          async (d, delta, e) => {
            const value = `${d}e${e}`;
            const incr = `-${d + BigInt(delta) > 0n ? d + BigInt(delta) : d}e${e}`;
            await c.send(['SET', 'ld', value]);
            const r = decode(await c.send(['INCRBYFLOAT', 'ld', incr]));
            expect(ours(value, incr), `${value} + ${incr}`).toBe(r);
          },
        ),
        { numRuns: Number(process.env.LD_RUNS ?? 1000) },
      );
    } finally {
      await c.close();
    }
  });
});

type Argv = (string | Buffer)[];

/** Opens a pair, runs `body`, closes it. */
/** Makes `key` a list on both sides (RPUSH on Cachee when lists exist, else a stand-in aggregate). */
async function makeList(pair: DiffPair, key: string): Promise<void> {
  await pair.redis.send(['RPUSH', key, 'x']);
  const reply = await pair.cachee.send(['RPUSH', key, 'x']);
  if (reply[0] === 45) {
    const list: RedisObject = {
      type: 'list',
      encoding: () => 'listpack',
      clone: () => list,
      memoryBytes: () => 0,
      accounted: 0,
      refs: 0,
      owner: null,
    };
    (pair.cachee as InProcessTarget).session.db.data.set(key, list);
  }
}

const BIN = Buffer.from([0x00, 0xff, 0xfe, 0x41, 0x0d, 0x0a]);
const BAD_UTF8_TAIL = Buffer.from([0xe2, 0x82]); // first two bytes of '€'

for (const protocol of [2, 3] as const) {
  describe(`strings vs redis-server (RESP${protocol})`, () => {
    it('GET, SET and values', async () => {
      await withPair(redis.port, protocol, async (p) => {
        await p.checkAll([
          ['GET', 's:1'],
          ['SET', 's:1', 'hello'],
          ['GET', 's:1'],
          ['SET', 's:1', ''],
          ['GET', 's:1'],
          ['SET', 's:1', 'ü∂ 日本'],
          ['GET', 's:1'],
          ['SET', 's:2', BIN],
          ['GET', 's:2'],
          ['SET', BIN, 'binary key'],
          ['GET', BIN],
          ['SET', 's:3', 'x'.repeat(10000)],
          ['GET', 's:3'],
          ['set', 's:1', '12345'],
          ['get', 's:1'],
          ['OBJECT', 'ENCODING', 's:1'],
          ['SET', 's:4', 'y'.repeat(44)],
          ['OBJECT', 'ENCODING', 's:4'],
          ['SET', 's:4', 'y'.repeat(45)],
          ['OBJECT', 'ENCODING', 's:4'],
          ['GET'],
          ['GET', 'a', 'b'],
          ['SET', 'k'],
        ]);
        await makeList(p, 's:list');
        await p.checkAll([
          ['GET', 's:list'],
          ['SET', 's:list', 'now a string'],
          ['GET', 's:list'],
        ]);
      });
    });

    it('SET options and their errors', async () => {
      await withPair(redis.port, protocol, async (p) => {
        await makeList(p, 'o:list');
        const cmds: Argv[] = [
          ['SET', 'o:1', 'v', 'NX'],
          ['SET', 'o:1', 'w', 'NX'],
          ['GET', 'o:1'],
          ['SET', 'o:1', 'w', 'XX'],
          ['GET', 'o:1'],
          ['SET', 'o:2', 'v', 'XX'],
          ['GET', 'o:2'],
          ['SET', 'o:1', 'a', 'GET'],
          ['SET', 'o:3', 'a', 'GET'],
          ['SET', 'o:3', 'b', 'NX', 'GET'],
          ['GET', 'o:3'],
          ['SET', 'o:4', 'b', 'XX', 'GET'],
          ['GET', 'o:4'],
          ['SET', 'o:3', 'c', 'XX', 'GET'],
          ['SET', 'o:3', 'd', 'nx', 'nx'],
          ['SET', 'o:3', 'd', 'get', 'get'],
          ['SET', 'o:3', 'e', 'KeepTtl', 'KEEPTTL'],
          ['SET', 'o:3', 'f', 'EX', '100', 'EX', '200'],
          ['SET', 'o:3', 'f', 'px', '100000', 'PX', '200000'],
          ['SET', 'o:3', 'f', 'EXAT', '99999999999', 'exat', '99999999999'],
          ['SET', 'o:3', 'f', 'PXAT', '99999999999999', 'PXAT', '99999999999999'],
          ['SET', 'o:3', 'f', 'NX', 'XX'],
          ['SET', 'o:3', 'f', 'XX', 'NX'],
          ['SET', 'o:3', 'f', 'EX', '10', 'PX', '10'],
          ['SET', 'o:3', 'f', 'PX', '10', 'EX', '10'],
          ['SET', 'o:3', 'f', 'EX', '10', 'EXAT', '10'],
          ['SET', 'o:3', 'f', 'PXAT', '10', 'PX', '10'],
          ['SET', 'o:3', 'f', 'EX'],
          ['SET', 'o:3', 'f', 'PXAT'],
          ['SET', 'o:3', 'f', 'KEEPTTL', 'EX', '10'],
          ['SET', 'o:3', 'f', 'EX', '10', 'KEEPTTL'],
          ['SET', 'o:3', 'f', 'PERSIST'],
          ['SET', 'o:3', 'f', 'BOGUS'],
          ['SET', 'o:3', 'f', 'EXX', '10'],
          ['SET', 'o:3', 'f', 'E'],
          ['SET', 'o:3', 'f', 'NX\u0000junk'],
          ['SET', 'o:3', 'f', 'EX', 'abc'],
          ['SET', 'o:3', 'f', 'EX', '1.5'],
          ['SET', 'o:3', 'f', 'EX', '0'],
          ['SET', 'o:3', 'f', 'EX', '-1'],
          ['SET', 'o:3', 'f', 'PX', '0'],
          ['SET', 'o:3', 'f', 'EXAT', '0'],
          ['SET', 'o:3', 'f', 'PXAT', '-5'],
          ['SET', 'o:3', 'f', 'EX', '9223372036854775'],
          ['SET', 'o:3', 'f', 'EX', '9223372036854776'],
          ['SET', 'o:3', 'f', 'EX', '9223372036854775808'],
          ['SET', 'o:3', 'f', 'PX', '9223372036854775807'],
          ['SET', 'o:3', 'f', 'PX', '9223372036854775000'],
          ['SET', 'o:3', 'f', 'EXAT', '9223372036854775'],
          ['SET', 'o:3', 'f', 'EXAT', '9223372036854776'],
          ['SET', 'o:3', 'f', 'PXAT', '9223372036854775807'],
          ['GET', 'o:3'],
          ['SET', 'o:5', 'gone', 'PXAT', '1'],
          ['GET', 'o:5'],
          ['SET', 'o:5', 'gone', 'EXAT', '1', 'GET'],
          ['SET', 'o:5', 'again', 'NX', 'GET'],
          ['GET', 'o:5'],
          ['SET', 'o:list', 'v', 'GET'],
          ['SET', 'o:list', 'v', 'GET', 'EX', '-1'],
          ['SET', 'o:list', 'v', 'GET', 'NX'],
          ['SET', 'o:list', 'v', 'NX'],
          ['SET', 'o:list', 'v', 'XX', 'GET'],
          ['SET', 'o:list', 'v', 'XX'],
          ['GET', 'o:list'],
          ['SET', 'o:6', 'v', 'EX', '1000', 'NX', 'GET'],
          ['SET', 'o:6', 'w', 'KEEPTTL', 'XX', 'GET'],
          ['GET', 'o:6'],
        ];
        await p.checkAll(cmds);
      });
    });

    it('SETNX, SETEX, PSETEX, GETSET, GETDEL', async () => {
      await withPair(redis.port, protocol, async (p) => {
        await makeList(p, 'g:list');
        await p.checkAll([
          ['SETNX', 'g:1', 'a'],
          ['SETNX', 'g:1', 'b'],
          ['GET', 'g:1'],
          ['SETNX', 'g:list', 'b'],
          ['SETEX', 'g:2', '1000', 'v'],
          ['GET', 'g:2'],
          ['SETEX', 'g:2', '0', 'v'],
          ['SETEX', 'g:2', '-3', 'v'],
          ['SETEX', 'g:2', 'x', 'v'],
          ['SETEX', 'g:2', '9223372036854775', 'v'],
          ['SETEX', 'g:2', '92233720368547758', 'v'],
          ['PSETEX', 'g:3', '100000', 'v'],
          ['GET', 'g:3'],
          ['PSETEX', 'g:3', '0', 'v'],
          ['PSETEX', 'g:3', '9223372036854775807', 'v'],
          ['PSETEX', 'g:3', '', 'v'],
          ['SETEX', 'g:list', '100', 'now string'],
          ['GET', 'g:list'],
          ['SETEX', 'g:2'],
          ['GETSET', 'g:4', 'first'],
          ['GETSET', 'g:4', 'second'],
          ['GET', 'g:4'],
          ['GETDEL', 'g:4'],
          ['GETDEL', 'g:4'],
          ['GET', 'g:4'],
          ['GETDEL', 'g:4', 'extra'],
        ]);
        await makeList(p, 'g:list2');
        await p.checkAll([
          ['GETSET', 'g:list2', 'v'],
          ['GETDEL', 'g:list2'],
          ['SET', 'g:5', BIN],
          ['GETDEL', 'g:5'],
        ]);
      });
    });

    it('GETEX', async () => {
      await withPair(redis.port, protocol, async (p) => {
        await makeList(p, 'x:list');
        await p.checkAll([
          ['GETEX', 'x:none'],
          ['GETEX', 'x:none', 'EX', '-1'],
          ['GETEX', 'x:none', 'EX', 'abc'],
          ['GETEX', 'x:none', 'BOGUS'],
          ['GETEX', 'x:list'],
          ['GETEX', 'x:list', 'EX', '-1'],
          ['GETEX', 'x:list', 'PERSIST'],
          ['SET', 'x:1', 'v'],
          ['GETEX', 'x:1'],
          ['GETEX', 'x:1', 'EX', '100'],
          ['GETEX', 'x:1', 'PX', '100000'],
          ['GETEX', 'x:1', 'EXAT', '99999999999'],
          ['GETEX', 'x:1', 'PXAT', '99999999999999'],
          ['GETEX', 'x:1', 'PERSIST'],
          ['GETEX', 'x:1', 'persist', 'PERSIST'],
          ['GETEX', 'x:1', 'EX', '10', 'EX', '20'],
          ['GETEX', 'x:1', 'EX', '10', 'PERSIST'],
          ['GETEX', 'x:1', 'PERSIST', 'EX', '10'],
          ['GETEX', 'x:1', 'EX', '10', 'PX', '10'],
          ['GETEX', 'x:1', 'KEEPTTL'],
          ['GETEX', 'x:1', 'NX'],
          ['GETEX', 'x:1', 'GET'],
          ['GETEX', 'x:1', 'EX'],
          ['GETEX', 'x:1', 'EX', '0'],
          ['GETEX', 'x:1', 'EX', '-1'],
          ['GETEX', 'x:1', 'PX', '9223372036854775807'],
          ['GETEX', 'x:1', 'EX', '9223372036854775'],
          ['GETEX', 'x:1', 'EXAT', '9223372036854776'],
          ['GETEX', 'x:1', 'EX', '1.5'],
          ['GET', 'x:1'],
          ['GETEX', 'x:1', 'PXAT', '1'],
          ['GET', 'x:1'],
          ['SET', 'x:2', 'v'],
          ['GETEX', 'x:2', 'EXAT', '1'],
          ['GETEX', 'x:2'],
        ]);
      });
    });

    it('MGET, MSET, MSETNX', async () => {
      await withPair(redis.port, protocol, async (p) => {
        await makeList(p, 'm:list');
        await p.checkAll([
          ['MGET', 'm:1', 'm:2', 'm:list'],
          ['MSET', 'm:1', 'a', 'm:2', BIN, 'm:1', 'c'],
          ['MGET', 'm:1', 'm:2', 'm:3', 'm:list', 'm:1'],
          ['MSET', 'm:1'],
          ['MSET', 'm:1', 'a', 'm:2'],
          ['MSETNX', 'm:1', 'x', 'm:9', 'y'],
          ['MGET', 'm:9'],
          ['MSETNX', 'm:8', 'x', 'm:9', 'y', 'm:8', 'z'],
          ['MGET', 'm:8', 'm:9'],
          ['MSETNX', 'm:list', 'x'],
          ['MSETNX', 'm:7'],
          ['MSETNX', 'm:7', 'a', 'm:6'],
          ['MSET', 'm:list', 'str'],
          ['MGET', 'm:list'],
          ['MGET'],
        ]);
      });
    });

    it('APPEND and STRLEN', async () => {
      await withPair(redis.port, protocol, async (p) => {
        await makeList(p, 'a:list');
        await p.checkAll([
          ['STRLEN', 'a:1'],
          ['APPEND', 'a:1', 'hello'],
          ['APPEND', 'a:1', ' world'],
          ['GET', 'a:1'],
          ['STRLEN', 'a:1'],
          ['OBJECT', 'ENCODING', 'a:1'],
          ['APPEND', 'a:2', '123'],
          ['OBJECT', 'ENCODING', 'a:2'],
          ['APPEND', 'a:2', '4'],
          ['OBJECT', 'ENCODING', 'a:2'],
          ['GET', 'a:2'],
          ['APPEND', 'a:3', ''],
          ['GET', 'a:3'],
          ['STRLEN', 'a:3'],
          ['SET', 'a:4', 'x'],
          ['APPEND', 'a:4', ''],
          ['OBJECT', 'ENCODING', 'a:4'],
          ['APPEND', 'a:5', 'ü'],
          ['APPEND', 'a:5', '日本'],
          ['STRLEN', 'a:5'],
          ['GET', 'a:5'],
          ['APPEND', 'a:6', BAD_UTF8_TAIL],
          ['STRLEN', 'a:6'],
          ['APPEND', 'a:6', Buffer.from([0xac])],
          ['GET', 'a:6'],
          ['APPEND', 'a:6', BIN],
          ['GET', 'a:6'],
          ['STRLEN', 'a:6'],
          ['APPEND', 'a:list', 'x'],
          ['STRLEN', 'a:list'],
          ['SET', 'a:7', '12345'],
          ['STRLEN', 'a:7'],
          ['INCR', 'a:7'],
          ['APPEND', 'a:7', '0'],
          ['INCR', 'a:7'],
          ['OBJECT', 'ENCODING', 'a:7'],
        ]);
      });
    });

    it('GETRANGE and SUBSTR', async () => {
      await withPair(redis.port, protocol, async (p) => {
        await makeList(p, 'r:list');
        await p.checkAll([
          ['SET', 'r:1', 'Hello, World'],
          ['SET', 'r:2', 'ü∂日本'],
          ['SET', 'r:3', BIN],
          ['SET', 'r:4', ''],
          ['SET', 'r:5', '-12345'],
          ['GETRANGE', 'r:none', '0', '-1'],
          ['GETRANGE', 'r:none', 'a', '1'],
          ['GETRANGE', 'r:list', '0', '1'],
          ['GETRANGE', 'r:list', 'a', '1'],
          ['GETRANGE', 'r:1', '0', 'b'],
          ['GETRANGE', 'r:1', '0', '9223372036854775808'],
          ['GETRANGE', 'r:1', '-9223372036854775808', '9223372036854775807'],
          ['GETRANGE', 'r:1', '9223372036854775807', '-9223372036854775808'],
          ['SUBSTR', 'r:1', '0', '4'],
          ['SUBSTR', 'r:1', '1'],
        ]);
        const idx = ['0', '1', '2', '3', '5', '11', '12', '100', '-1', '-2', '-5', '-12', '-13', '-100'];
        for (const key of ['r:1', 'r:2', 'r:3', 'r:4', 'r:5']) {
          for (const a of idx) for (const b of idx) await p.check(['GETRANGE', key, a, b]);
        }
      });
    });

    it('SETRANGE', async () => {
      await withPair(redis.port, protocol, async (p) => {
        await makeList(p, 'sr:list');
        await p.checkAll([
          ['SETRANGE', 'sr:1', '0', ''],
          ['SETRANGE', 'sr:1', '99999999999', ''],
          ['GET', 'sr:1'],
          ['SETRANGE', 'sr:1', '5', 'abc'],
          ['GET', 'sr:1'],
          ['OBJECT', 'ENCODING', 'sr:1'],
          ['SETRANGE', 'sr:1', '0', 'XY'],
          ['GET', 'sr:1'],
          ['SETRANGE', 'sr:1', '7', 'tail!'],
          ['GET', 'sr:1'],
          ['SETRANGE', 'sr:1', '1', ''],
          ['SETRANGE', 'sr:1', '99999999999', ''],
          ['SETRANGE', 'sr:1', '-1', 'x'],
          ['SETRANGE', 'sr:1', '-1', ''],
          ['SETRANGE', 'sr:1', 'x', 'x'],
          ['SETRANGE', 'sr:1', '9223372036854775808', 'x'],
          ['SETRANGE', 'sr:1', '536870912', 'x'],
          ['SETRANGE', 'sr:1', '536870910', 'xyz'],
          ['SETRANGE', 'sr:1', '9223372036854775807', 'x'],
          ['SETRANGE', 'sr:new', '536870912', 'x'],
          ['SETRANGE', 'sr:list', '0', 'x'],
          ['SETRANGE', 'sr:list', '0', ''],
          ['SETRANGE', 'sr:list', '-1', 'x'],
          ['SET', 'sr:2', 'ü日'],
          ['SETRANGE', 'sr:2', '1', 'A'],
          ['GET', 'sr:2'],
          ['STRLEN', 'sr:2'],
          ['SETRANGE', 'sr:2', '1', Buffer.from([0xc3, 0xbc])],
          ['GET', 'sr:2'],
          ['SET', 'sr:3', '123'],
          ['SETRANGE', 'sr:3', '1', '9'],
          ['OBJECT', 'ENCODING', 'sr:3'],
          ['INCR', 'sr:3'],
          ['SET', 'sr:4', 'abc'],
          ['SETRANGE', 'sr:4', '0', ''],
          ['OBJECT', 'ENCODING', 'sr:4'],
        ]);
      });
    });

    it('INCR, DECR, INCRBY, DECRBY', async () => {
      await withPair(redis.port, protocol, async (p) => {
        await makeList(p, 'i:list');
        await p.checkAll([
          ['INCR', 'i:1'],
          ['INCR', 'i:1'],
          ['DECR', 'i:1'],
          ['DECR', 'i:2'],
          ['INCRBY', 'i:1', '100'],
          ['INCRBY', 'i:1', '-1000'],
          ['DECRBY', 'i:1', '-5'],
          ['DECRBY', 'i:1', '5'],
          ['INCRBY', 'i:1', 'abc'],
          ['INCRBY', 'i:1', '1.5'],
          ['INCRBY', 'i:1', ' 1'],
          ['INCRBY', 'i:1', '+1'],
          ['INCRBY', 'i:1', '01'],
          ['INCRBY', 'i:1', '9223372036854775808'],
          ['DECRBY', 'i:1', '-9223372036854775808'],
          ['DECRBY', 'i:none', '-9223372036854775808'],
          ['DECRBY', 'i:list', '-9223372036854775808'],
          ['DECRBY', 'i:list', 'abc'],
          ['INCRBY', 'i:list', 'abc'],
          ['INCR', 'i:list'],
          ['DECR', 'i:list'],
          ['SET', 'i:3', '9223372036854775806'],
          ['INCR', 'i:3'],
          ['INCR', 'i:3'],
          ['DECRBY', 'i:3', '-1'],
          ['INCRBY', 'i:3', '0'],
          ['DECRBY', 'i:3', '9223372036854775807'],
          ['DECRBY', 'i:3', '9223372036854775807'],
          ['DECR', 'i:3'],
          ['DECR', 'i:3'],
          ['INCRBY', 'i:3', '-1'],
          ['INCRBY', 'i:3', '9223372036854775807'],
          ['INCRBY', 'i:3', '9223372036854775807'],
          ['SET', 'i:4', '9007199254740991'],
          ['INCR', 'i:4'],
          ['INCR', 'i:4'],
          ['INCRBY', 'i:4', '-9007199254740993'],
          ['DECRBY', 'i:4', '9007199254740993'],
          ['GET', 'i:4'],
          ['SET', 'i:5', ' 1'],
          ['INCR', 'i:5'],
          ['SET', 'i:5', '1 '],
          ['INCR', 'i:5'],
          ['SET', 'i:5', '01'],
          ['INCR', 'i:5'],
          ['SET', 'i:5', '-0'],
          ['INCR', 'i:5'],
          ['SET', 'i:5', '1.0'],
          ['INCR', 'i:5'],
          ['SET', 'i:5', ''],
          ['INCR', 'i:5'],
          ['SET', 'i:5', '99999999999999999999'],
          ['INCR', 'i:5'],
          ['SET', 'i:5', BIN],
          ['INCR', 'i:5'],
          ['SET', 'i:6', '-9223372036854775808'],
          ['INCR', 'i:6'],
          ['OBJECT', 'ENCODING', 'i:6'],
          ['INCR'],
          ['INCRBY', 'i:1'],
        ]);
      });
    });

    it('INCRBYFLOAT', async () => {
      await withPair(redis.port, protocol, async (p) => {
        await makeList(p, 'f:list');
        await p.checkAll([
          ['INCRBYFLOAT', 'f:1', '0.1'],
          ['INCRBYFLOAT', 'f:1', '0.2'],
          ['GET', 'f:1'],
          ['INCRBYFLOAT', 'f:1', '-0.3'],
          ['INCRBYFLOAT', 'f:1', '1e3'],
          ['INCRBYFLOAT', 'f:1', '5.0e3'],
          ['INCRBYFLOAT', 'f:1', '0x10'],
          ['INCRBYFLOAT', 'f:1', '-1e308'],
          ['INCRBYFLOAT', 'f:1', '1e-20'],
          ['INCRBYFLOAT', 'f:1', 'inf'],
          ['INCRBYFLOAT', 'f:1', '-inf'],
          ['INCRBYFLOAT', 'f:1', 'nan'],
          ['INCRBYFLOAT', 'f:1', 'abc'],
          ['INCRBYFLOAT', 'f:1', ''],
          ['INCRBYFLOAT', 'f:1', ' 1'],
          ['INCRBYFLOAT', 'f:1', Buffer.from('1\u00002')],
          ['INCRBYFLOAT', 'f:1', '1e5000'],
          ['GET', 'f:1'],
          ['INCRBYFLOAT', 'f:list', '1'],
          ['INCRBYFLOAT', 'f:list', 'abc'],
          ['SET', 'f:2', 'abc'],
          ['INCRBYFLOAT', 'f:2', '1'],
          ['SET', 'f:2', '5'],
          ['INCRBYFLOAT', 'f:2', '1'],
          ['OBJECT', 'ENCODING', 'f:2'],
          ['INCRBYFLOAT', 'f:2', '0.5'],
          ['OBJECT', 'ENCODING', 'f:2'],
          ['INCRBYFLOAT', 'f:2', '1e40'],
          ['OBJECT', 'ENCODING', 'f:2'],
          ['SET', 'f:3', '1.18973149535723176502e4932'],
          ['INCRBYFLOAT', 'f:3', '1e4932'],
          ['INCRBYFLOAT', 'f:3', '-1.18973149535723176502e4932'],
          ['SET', 'f:4', '-0.00000000000000000001'],
          ['INCRBYFLOAT', 'f:4', '0'],
          ['INCRBYFLOAT', 'f:5', '3.0000000000000000000001'],
          ['INCRBYFLOAT', 'f:6', '0.000003814697265625'],
          ['INCRBYFLOAT', 'f:6', '0.000011444091796875'],
          ['INCRBYFLOAT'],
        ]);
      });
    });

    it('LCS', async () => {
      await withPair(redis.port, protocol, async (p) => {
        await makeList(p, 'l:list');
        await p.checkAll([
          ['SET', 'l:1', 'ohmytext'],
          ['SET', 'l:2', 'mynewtext'],
          ['LCS', 'l:1', 'l:2'],
          ['LCS', 'l:1', 'l:2', 'LEN'],
          ['LCS', 'l:1', 'l:2', 'IDX'],
          ['LCS', 'l:1', 'l:2', 'IDX', 'WITHMATCHLEN'],
          ['LCS', 'l:1', 'l:2', 'IDX', 'MINMATCHLEN', '4'],
          ['LCS', 'l:1', 'l:2', 'IDX', 'MINMATCHLEN', '4', 'WITHMATCHLEN'],
          ['LCS', 'l:1', 'l:2', 'IDX', 'MINMATCHLEN', '-4', 'WITHMATCHLEN'],
          ['LCS', 'l:1', 'l:2', 'MINMATCHLEN', '4'],
          ['LCS', 'l:1', 'l:2', 'WITHMATCHLEN'],
          ['LCS', 'l:1', 'l:2', 'LEN', 'WITHMATCHLEN'],
          ['LCS', 'l:1', 'l:2', 'LEN', 'LEN'],
          ['LCS', 'l:1', 'l:2', 'IDX', 'LEN'],
          ['LCS', 'l:1', 'l:2', 'LEN', 'IDX', 'BOGUS'],
          ['LCS', 'l:1', 'l:2', 'BOGUS'],
          ['LCS', 'l:1', 'l:2', 'MINMATCHLEN'],
          ['LCS', 'l:1', 'l:2', 'MINMATCHLEN', 'x'],
          ['LCS', 'l:1', 'l:2', 'MINMATCHLEN', '99999999999999999999'],
          ['LCS', 'l:1', 'l:none'],
          ['LCS', 'l:none', 'l:none2', 'IDX'],
          ['LCS', 'l:none', 'l:none2', 'LEN'],
          ['LCS', 'l:list', 'l:1'],
          ['LCS', 'l:1', 'l:list', 'BOGUS'],
          ['SET', 'l:3', 'ü日本x'],
          ['SET', 'l:4', '日x本ü'],
          ['LCS', 'l:3', 'l:4'],
          ['LCS', 'l:3', 'l:4', 'IDX', 'WITHMATCHLEN'],
          ['SET', 'l:5', BIN],
          ['LCS', 'l:5', 'l:5'],
          ['LCS', 'l:5', 'l:5', 'IDX'],
          ['LCS', 'l:1'],
        ]);
      });
    });

    it('random LCS inputs', async () => {
      await withPair(redis.port, protocol, async (p) => {
        const str = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd'), maxLength: 14 });
        await fc.assert(
          fc.asyncProperty(
            str,
            str,
            fc.constantFrom(
              [],
              ['LEN'],
              ['IDX'],
              ['IDX', 'WITHMATCHLEN'],
              ['IDX', 'MINMATCHLEN', '2', 'WITHMATCHLEN'],
            ),
            async (a, b, opts) => {
              await p.check(['SET', 'lr:a', a]);
              await p.check(['SET', 'lr:b', b]);
              await p.check(['LCS', 'lr:a', 'lr:b', ...opts]);
            },
          ),
          { numRuns: 150 },
        );
      });
    });

    it('random string command sequences', async () => {
      await withPair(redis.port, protocol, async (p) => {
        const key = fc.constantFrom('q:a', 'q:b', 'q:c');
        const val = fc.oneof(
          fc.constantFrom('', '0', '7', '-3', '1.5', 'abc', 'ü', '9223372036854775807'),
          fc.string({ maxLength: 5 }),
        );
        const idx = fc.integer({ min: -8, max: 8 }).map(String);
        const cmd: fc.Arbitrary<Argv> = fc.oneof(
          fc.tuple(key, val).map(([k, v]) => ['SET', k, v]),
          fc
            .tuple(
              key,
              val,
              fc.constantFrom(['NX'], ['XX'], ['GET'], ['NX', 'GET'], ['XX', 'GET'], ['KEEPTTL']),
            )
            .map(([k, v, o]) => ['SET', k, v, ...o]),
          key.map((k) => ['GET', k]),
          key.map((k) => ['GETDEL', k]),
          fc.tuple(key, val).map(([k, v]) => ['GETSET', k, v]),
          fc.tuple(key, val).map(([k, v]) => ['SETNX', k, v]),
          fc.tuple(key, val).map(([k, v]) => ['APPEND', k, v]),
          key.map((k) => ['STRLEN', k]),
          key.map((k) => ['INCR', k]),
          key.map((k) => ['DECR', k]),
          fc.tuple(key, idx).map(([k, n]) => ['INCRBY', k, n]),
          fc.tuple(key, fc.constantFrom('0.5', '-1.25', '3', '1e2')).map(([k, n]) => ['INCRBYFLOAT', k, n]),
          fc.tuple(key, idx, idx).map(([k, a, b]) => ['GETRANGE', k, a, b]),
          fc
            .tuple(key, fc.integer({ min: 0, max: 6 }), val)
            .map(([k, o, v]) => ['SETRANGE', k, String(o), v]),
          fc.tuple(key, key).map(([a, b]) => ['MGET', a, b]),
          fc.tuple(key, val, key, val).map(([a, x, b, y]) => ['MSET', a, x, b, y]),
          fc.tuple(key, val, key, val).map(([a, x, b, y]) => ['MSETNX', a, x, b, y]),
          fc.tuple(key, key).map(([a, b]) => ['LCS', a, b]),
          key.map((k) => ['GETEX', k, 'PERSIST']),
        );
        await fc.assert(
          fc.asyncProperty(fc.array(cmd, { maxLength: 25 }), async (cmds) => {
            await p.checkAll([['GETDEL', 'q:a'], ['GETDEL', 'q:b'], ['GETDEL', 'q:c'], ...cmds]);
          }),
          { numRuns: 60 },
        );
      });
    });
  });
}
