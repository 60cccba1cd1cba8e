/**
 * Randomized differential test: fast-check generates command sequences over a
 * small key space mixing strings, bitmaps, generic key commands, TTLs and errors
 * (wrong types, bad numbers, bad syntax); each command's reply must be
 * byte-identical to redis-server's (or match by property where Redis is
 * nondeterministic). A failure prints both replies and the shrunk sequence.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { type Compare, DiffPair, useRedis } from './harness.js';

const redis = useRedis();

const key = fc.constantFrom('a', 'b', 'c', 'n', 'bits', '{x}', 'ü');
const smallInt = fc.integer({ min: -5, max: 40 }).map(String);
const number = fc.oneof(
  smallInt,
  fc.constantFrom('9223372036854775807', '-9223372036854775808', '1.5', 'x', '', '-0', '007', ' 1'),
);
const float = fc.oneof(
  smallInt,
  fc.constantFrom('1.5', '-0.25', '1e3', 'inf', '-inf', 'nan', 'abc', '0x10', '.5'),
);
const value = fc.oneof(
  fc.constantFrom('', 'hello', '10', '-3', '3.5', 'ü∂', '\x00\xff'),
  fc.string({ maxLength: 6 }),
  smallInt,
);
const ttlOpt = fc.oneof(
  fc.constant([] as string[]),
  fc
    .tuple(fc.constantFrom('EX', 'PX'), fc.constantFrom('100', '5000', '0', '-1', 'x'))
    .map(([o, n]) => [o, n]),
  fc.constantFrom(['KEEPTTL'], ['NX'], ['XX'], ['GET'], ['EX', '100', 'PX', '100'], ['NX', 'XX']),
);

type Cmd = { argv: string[]; compare: Compare };
const c = (compare: Compare, ...argv: string[]): Cmd => ({ argv, compare });
const exact = (...argv: string[]) => c('exact', ...argv);

const command: fc.Arbitrary<Cmd> = fc.oneof(
  fc.tuple(key, value, ttlOpt).map(([k, v, o]) => exact('SET', k, v, ...o)),
  key.map((k) => exact('GET', k)),
  fc.tuple(key, value).map(([k, v]) => exact('APPEND', k, v)),
  key.map((k) => exact('INCR', k)),
  fc.tuple(key, number).map(([k, n]) => exact('INCRBY', k, n)),
  fc.tuple(key, number).map(([k, n]) => exact('DECRBY', k, n)),
  fc.tuple(key, float).map(([k, n]) => exact('INCRBYFLOAT', k, n)),
  key.map((k) => exact('STRLEN', k)),
  fc.tuple(key, number, number).map(([k, a, b]) => exact('GETRANGE', k, a, b)),
  fc.tuple(key, smallInt, value).map(([k, o, v]) => exact('SETRANGE', k, o, v)),
  fc.tuple(key, key).map(([a, b]) => exact('MGET', a, b)),
  fc.tuple(key, value, key, value).map(([a, x, b, y]) => exact('MSETNX', a, x, b, y)),
  key.map((k) => exact('GETDEL', k)),
  fc
    .tuple(key, fc.constantFrom(['EX', '100'], ['PERSIST'], [], ['PX', '0']))
    .map(([k, o]) => exact('GETEX', k, ...o)),
  fc
    .tuple(key, fc.integer({ min: 0, max: 40 }), fc.constantFrom('0', '1', '2'))
    .map(([k, o, b]) => exact('SETBIT', k, String(o), b)),
  fc.tuple(key, fc.integer({ min: 0, max: 40 })).map(([k, o]) => exact('GETBIT', k, String(o))),
  key.map((k) => exact('BITCOUNT', k)),
  fc.tuple(key, fc.constantFrom('0', '1')).map(([k, b]) => exact('BITPOS', k, b)),
  fc
    .tuple(fc.constantFrom('AND', 'OR', 'XOR', 'NOT'), key, key)
    .map(([op, d, s]) => exact('BITOP', op, d, s)),
  key.map((k) => exact('DEL', k)),
  fc.tuple(key, key).map(([a, b]) => exact('EXISTS', a, b)),
  key.map((k) => exact('TYPE', k)),
  fc
    .tuple(key, fc.constantFrom('100', '0', '-1', 'x'), fc.constantFrom([], ['NX'], ['XX'], ['GT'], ['LT']))
    .map(([k, s, o]) => exact('EXPIRE', k, s, ...o)),
  key.map((k) => exact('TTL', k)),
  key.map((k) => c('type', 'PTTL', k)),
  key.map((k) => exact('PERSIST', k)),
  fc.tuple(key, key).map(([a, b]) => exact('RENAME', a, b)),
  fc.tuple(key, key).map(([a, b]) => exact('RENAMENX', a, b)),
  fc.tuple(key, key, fc.constantFrom([], ['REPLACE'])).map(([a, b, o]) => exact('COPY', a, b, ...o)),
  key.map((k) => exact('OBJECT', 'ENCODING', k)),
  fc.constant(c('sorted', 'KEYS', '*')),
  fc.constant(exact('DBSIZE')),
  fc.constant(exact('LCS', 'a', 'b')),
  // aggregates, so that wrong-type errors and cross-type key commands get exercised
  fc.tuple(key, fc.constantFrom('f', 'g', 'h'), value).map(([k, f, v]) => exact('HSET', k, f, v)),
  fc.tuple(key, fc.constantFrom('f', 'g')).map(([k, f]) => exact('HGET', k, f)),
  fc.tuple(key, fc.constantFrom('f', 'g'), number).map(([k, f, n]) => exact('HINCRBY', k, f, n)),
  fc.tuple(key, fc.constantFrom('f', 'g')).map(([k, f]) => exact('HDEL', k, f)),
  key.map((k) => exact('HGETALL', k)),
  fc.tuple(key, value, value).map(([k, a, b]) => exact('LPUSH', k, a, b)),
  fc.tuple(key, value).map(([k, v]) => exact('RPUSHX', k, v)),
  fc.tuple(key, fc.constantFrom([], ['2'], ['0'], ['-1'])).map(([k, o]) => exact('RPOP', k, ...o)),
  fc.tuple(key, smallInt, smallInt).map(([k, a, b]) => exact('LRANGE', k, a, b)),
  fc
    .tuple(key, key, fc.constantFrom('LEFT', 'RIGHT'), fc.constantFrom('LEFT', 'RIGHT'))
    .map(([a, b, x, y]) => exact('LMOVE', a, b, x, y)),
  fc.tuple(key, value, value).map(([k, a, b]) => exact('SADD', k, a, b)),
  fc.tuple(key, value).map(([k, v]) => exact('SREM', k, v)),
  fc.tuple(key, value).map(([k, v]) => exact('SISMEMBER', k, v)),
  key.map((k) => exact('SCARD', k)),
  key.map((k) => c('sorted', 'SMEMBERS', k)),
  fc.tuple(key, key).map(([a, b]) => c('sorted', 'SINTER', a, b)),
  fc.tuple(key, key, key).map(([d, a, b]) => exact('SUNIONSTORE', d, a, b)),
);

for (const protocol of [2, 3] as const) {
  describe(`random command sequences (RESP${protocol})`, () => {
    it('reply exactly as redis-server does', async () => {
      const pair = await DiffPair.open(redis.port, protocol);
      try {
        await fc.assert(
          fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 40 }), async (cmds) => {
            await pair.both(['FLUSHALL']);
            for (const cmd of cmds) await pair.check(cmd.argv, cmd.compare);
          }),
          { numRuns: 150 },
        );
      } finally {
        await pair.close();
      }
    });
  });
}
