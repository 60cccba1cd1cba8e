/**
 * Differential tests for SORT and SORT_RO: every option, combination and error
 * against a real redis-server, byte for byte, in RESP2 and RESP3, over lists,
 * sets (intsets reply in order in both; unsorted hashtable sets are compared
 * sorted) and sorted sets, with BY/GET on string keys and hash fields, STORE,
 * and random lists, weights and options (fast-check).
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import type { Arg } from '../../src/util/bytes.js';
import { type Compare, DiffPair, useRedis } from './harness.js';

const redis = useRedis();

type Step = Arg[] | { cmd: Arg[]; compare: Compare };
const sorted = (...cmd: Arg[]): Step => ({ cmd, compare: 'sorted' });

/**
 * Redis 7.0's SORT tests `errno == ERANGE` after strtod without clearing errno
 * first, so after one ERANGE every later SORT that parses a non-integer weight
 * fails too, until some other call (ZADD, INCRBYFLOAT, a new connection...)
 * resets errno. Cachee judges each SORT on its own; the tests reset Redis's
 * errno (INCRBYFLOAT parses with errno = 0) after each ERANGE.
 */
const RESET_ERRNO: Arg[] = ['INCRBYFLOAT', 'errno_reset', '0'];

const BIN = Buffer.from([0xff, 0x00, 0x61]);
const BIN2 = Buffer.from([0xff, 0x01]);

/** `n` elements whose BY weights tie in groups, so that sort stability and pqsort's order show. */
function tiedWeights(n: number, groups: number): Step[] {
  const steps: Step[] = [];
  const elems = Array.from({ length: n }, (_, i) => `e${(i * 7919) % n}`);
  steps.push(['RPUSH', 'big', ...elems]);
  const mset: string[] = [];
  for (let i = 0; i < n; i++) if (i % 5 !== 0) mset.push(`tw_e${i}`, `w${(i * 31) % groups}`);
  steps.push(['MSET', ...mset]);
  return steps;
}

const LIMITS: [string, string][] = [
  ['0', '1'],
  ['0', '5'],
  ['1', '3'],
  ['3', '10'],
  ['7', '7'],
  ['20', '25'],
  ['40', '9'],
  ['48', '1'],
  ['-2', '4'],
  ['5', '-1'],
  ['0', '0'],
  ['100', '2'],
];

/** Hand-written sequences, each starting from an empty keyspace. */
const SCENARIOS: Record<string, Step[]> = {
  'numeric lists': [
    [
      'RPUSH',
      'l',
      '3',
      '1',
      '2',
      '10',
      '-5',
      '1.5',
      '0',
      '-0',
      '1e1',
      '0x10',
      ' 7',
      '+4',
      '.5',
      'inf',
      '-inf',
    ],
    ['SORT', 'l'],
    ['SORT', 'l', 'DESC'],
    ['SORT', 'l', 'ASC'],
    ['sort', 'l', 'desc', 'asc'],
    ['SORT', 'l', 'LIMIT', '0', '3'],
    ['SORT', 'l', 'LIMIT', '2', '4', 'DESC'],
    ['SORT', 'l', 'LIMIT', '-5', '2'],
    ['SORT', 'l', 'LIMIT', '3', '-1'],
    ['SORT', 'l', 'LIMIT', '3', '-100'],
    ['SORT', 'l', 'LIMIT', '0', '0'],
    ['SORT', 'l', 'LIMIT', '14', '10'],
    ['SORT', 'l', 'LIMIT', '15', '1'],
    ['SORT', 'l', 'LIMIT', '100', '1'],
    ['SORT', 'l', 'LIMIT', '9223372036854775807', '9223372036854775807'],
    ['SORT', 'l', 'LIMIT', '-9223372036854775808', '-9223372036854775808'],
    ['SORT', 'l', 'LIMIT', '1', '2', 'LIMIT', '0', '1'],
    ['SORT_RO', 'l'],
    ['SORT_RO', 'l', 'DESC', 'LIMIT', '1', '1'],
    ['RPUSH', 'ties', '1', '1.0', '01', '+1', '1e0', '1', ' 1', '0x1', '1.', '2', '-0', '0', '0.0', ''],
    ['SORT', 'ties'],
    ['SORT', 'ties', 'DESC'],
    ['SORT', 'ties', 'LIMIT', '2', '5'],
    ['RPUSH', 'ints', '30', '-2', '7', '100000000000', '-9223372036854775808', '9223372036854775807', '12'],
    ['SORT', 'ints'],
    ['SORT', 'ints', 'DESC'],
  ],
  'numeric errors': [
    ['RPUSH', 'bad', '1', 'abc', '2'],
    ['SORT', 'bad'],
    ['SORT', 'bad', 'DESC', 'LIMIT', '0', '1'],
    ['SORT', 'bad', 'ALPHA'],
    ['SORT', 'bad', 'BY', 'nosort'],
    ['SORT', 'bad', 'STORE', 'dst'],
    ['EXISTS', 'dst'],
    ['RPUSH', 'b2', '1 ', '2'],
    ['SORT', 'b2'],
    ['DEL', 'b2'],
    ['RPUSH', 'b2', 'nan', '2'],
    ['SORT', 'b2'],
    ['DEL', 'b2'],
    ['RPUSH', 'b2', '1e400'],
    ['SORT', 'b2'],
    RESET_ERRNO,
    ['DEL', 'b2'],
    ['RPUSH', 'b2', '1e-400', '3'],
    ['SORT', 'b2'],
    RESET_ERRNO,
    ['DEL', 'b2'],
    ['RPUSH', 'b2', '1e-310', '3'],
    ['SORT', 'b2'],
    RESET_ERRNO,
    ['DEL', 'b2'],
    ['RPUSH', 'b2', '0x1p-1074', '2.2250738585072013e-308', '0e-999', '0x0p-5000', '1e308'],
    ['SORT', 'b2'],
    ['DEL', 'b2'],
    ['RPUSH', 'b2', '2.2250738585072012e-308'],
    ['SORT', 'b2'],
    RESET_ERRNO,
    ['DEL', 'b2'],
    ['RPUSH', 'b2', '0x1.00000000000008p-1024', '0x1.000000000000008p-1024'],
    ['SORT', 'b2'],
    RESET_ERRNO,
    ['RPOP', 'b2'],
    ['SORT', 'b2'],
    ['DEL', 'b2'],
    ['RPUSH', 'b2', ' ', '1'],
    ['SORT', 'b2'],
    ['DEL', 'b2'],
    ['RPUSH', 'b2', '1\0junk', '\0', '0.5\0x', '-1'],
    ['SORT', 'b2'],
    ['SORT', 'b2', 'DESC'],
    ['DEL', 'b2'],
    ['RPUSH', 'b2', 'infinity', '-INF', '+Inf', 'infin'],
    ['SORT', 'b2'],
    ['LREM', 'b2', '0', 'infin'],
    ['SORT', 'b2'],
    ['DEL', 'b2'],
    ['RPUSH', 'b2', 'é', '1'],
    ['SORT', 'b2'],
    ['DEL', 'b2'],
    ['RPUSH', 'b2', BIN, '1'],
    ['SORT', 'b2'],
    ['SORT', 'b2', 'ALPHA'],
  ],
  'alpha lists': [
    [
      'RPUSH',
      'w',
      'banana',
      'Apple',
      'apple',
      'cherry',
      '',
      'a',
      'ab',
      'é',
      'z',
      'Z',
      '10',
      '9',
      'b\0a',
      'b\0b',
      'b',
    ],
    ['SORT', 'w', 'ALPHA'],
    ['SORT', 'w', 'ALPHA', 'DESC'],
    ['SORT', 'w', 'alpha', 'limit', '3', '4'],
    ['SORT', 'w', 'ALPHA', 'LIMIT', '0', '100', 'DESC'],
    ['SORT', 'w', 'ALPHA', 'STORE', 'ws'],
    ['LRANGE', 'ws', '0', '-1'],
    ['SORT', 'w', 'ALPHA', 'DESC', 'STORE', 'ws'],
    ['LRANGE', 'ws', '0', '-1'],
    ['RPUSH', 'bin', BIN, BIN2, 'a', 'ÿ', '\u{1F600}', '\uFFFD'],
    ['SORT', 'bin', 'ALPHA'],
    ['SORT', 'bin', 'ALPHA', 'DESC'],
    ['SORT', 'bin', 'ALPHA', 'STORE', 'bs'],
    ['LRANGE', 'bs', '0', '-1'],
    ['SORT', 'w'],
  ],
  'BY string keys': [
    ['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e', '1', '2'],
    ['MSET', 'w_a', '5', 'w_b', '3', 'w_c', '5', 'w_1', '-1', 'w_2', '10', 'w_e', '3.5'],
    ['SORT', 'l', 'BY', 'w_*'],
    ['SORT', 'l', 'BY', 'w_*', 'DESC'],
    ['SORT', 'l', 'BY', 'w_*', 'LIMIT', '1', '3'],
    ['SORT', 'l', 'BY', 'w_*', 'LIMIT', '0', '3', 'DESC'],
    ['SORT', 'l', 'BY', 'w_*', 'ALPHA'],
    ['SORT', 'l', 'BY', 'w_*', 'ALPHA', 'DESC'],
    ['SORT', 'l', 'BY', 'w_*', 'ALPHA', 'LIMIT', '2', '3'],
    ['SORT', 'l', 'BY', 'w_*', 'ALPHA', 'LIMIT', '2', '3', 'DESC'],
    ['SORT', 'l', 'BY', '*'],
    ['SORT', 'l', 'BY', 'x*y*'],
    ['SORT', 'l', 'BY', 'w_*', 'GET', '#', 'GET', 'w_*'],
    ['SORT', 'l', 'BY', 'nosort', 'GET', 'w_*'],
    ['SET', 'w_d', 'notanumber'],
    ['SORT', 'l', 'BY', 'w_*'],
    ['SORT', 'l', 'BY', 'w_*', 'ALPHA'],
    ['DEL', 'w_d'],
    ['RPUSH', 'w_d', 'list'],
    ['SORT', 'l', 'BY', 'w_*'],
    ['SORT', 'l', 'BY', 'w_*', 'GET', 'w_*'],
    ['SORT', 'l', 'BY', 'w_*->f'],
    ['SORT', 'l', 'BY', 'w_*->'],
    ['SET', 'w_a->', '-7'],
    ['SORT', 'l', 'BY', 'w_*->'],
    ['SORT', 'l', 'BY', 'w_*', 'STORE', 'out'],
    ['LRANGE', 'out', '0', '-1'],
    ['SORT', 'l', 'BY', 'w_*', 'ALPHA', 'STORE', 'out'],
    ['LRANGE', 'out', '0', '-1'],
  ],
  'BY ties and partial sorts': [
    ...tiedWeights(50, 6),
    ['SORT', 'big', 'BY', 'tw_*', 'ALPHA'],
    ['SORT', 'big', 'BY', 'tw_*', 'ALPHA', 'DESC'],
    ...LIMITS.flatMap(([o, c]): Step[] => [
      ['SORT', 'big', 'BY', 'tw_*', 'ALPHA', 'LIMIT', o, c],
      ['SORT', 'big', 'BY', 'tw_*', 'ALPHA', 'LIMIT', o, c, 'DESC'],
      ['SORT', 'big', 'BY', 'tw_*', 'ALPHA', 'LIMIT', o, c, 'GET', '#', 'GET', 'tw_*'],
      ['SORT', 'big', 'BY', 'tw_*', 'ALPHA', 'LIMIT', o, c, 'STORE', 'o'],
      ['LRANGE', 'o', '0', '-1'],
      ['SORT', 'big', 'BY', 'tw_*', 'LIMIT', o, c],
      ['SORT', 'big', 'BY', 'nosort', 'LIMIT', o, c],
      ['SORT', 'big', 'BY', 'nosort', 'LIMIT', o, c, 'DESC'],
    ]),
    ['RPUSH', 'small', 'x', 'y', 'z', 'w', 'v', 'u', 't', 's'],
    ['SORT', 'small', 'BY', 'none_*', 'ALPHA', 'LIMIT', '1', '3'],
    ['SORT', 'small', 'BY', 'none_*', 'ALPHA', 'LIMIT', '1', '3', 'DESC'],
    ['SORT', 'small', 'BY', 'none_*', 'ALPHA'],
    ['SORT', 'small', 'BY', 'none_*', 'LIMIT', '2', '4'],
    ['SORT', 'small', 'BY', 'none_*', 'DESC'],
  ],
  // One weight present, all others missing: the first partition swaps nothing, yet
  // pqsort (no BSD insertion-sort fallback) still moves the pivot to the end.
  'pqsort partition without swaps': [
    ['RPUSH', 'l', '0', '1.0', '1e-310', '', ' ', '0', '0'],
    ['HSET', 'h_', 'f', '0'],
    ['SORT', 'l', 'BY', 'h_*->f', 'LIMIT', '0', '1', 'ALPHA'],
    ['SORT', 'l', 'BY', 'h_*->f', 'LIMIT', '0', '6', 'ALPHA'],
    ['SORT', 'l', 'BY', 'h_*->f', 'LIMIT', '1', '6', 'ALPHA'],
    ['SORT', 'l', 'BY', 'h_*->f', 'LIMIT', '0', '6', 'ALPHA', 'DESC'],
    ['RPUSH', 'm', 'a', 'b', 'c', 'd', 'e', 'f', 'g'],
    ['SET', 'w_d', '5'],
    ['SORT', 'm', 'BY', 'w_*', 'LIMIT', '0', '6', 'ALPHA'],
    ['SORT', 'm', 'BY', 'w_*', 'LIMIT', '0', '6'],
    ['SORT', 'm', 'BY', 'w_*', 'LIMIT', '2', '3', 'DESC'],
    ['SORT', 'm', 'BY', 'w_*', 'LIMIT', '0', '6', 'STORE', 'o'],
    ['LRANGE', 'o', '0', '-1'],
  ],
  'BY and GET hash fields': [
    ['RPUSH', 'l', '1', '2', '3', '4', '5'],
    ['HSET', 'h_1', 'w', '30', 'name', 'one'],
    ['HSET', 'h_2', 'w', '10', 'name', 'two'],
    ['HSET', 'h_3', 'name', 'three'],
    ['HSET', 'h_4', 'w', 'x', 'name', 'four'],
    ['SET', 'h_5', 'string'],
    ['SORT', 'l', 'BY', 'h_*->w'],
    ['HSET', 'h_4', 'w', '-3'],
    ['SORT', 'l', 'BY', 'h_*->w'],
    ['SORT', 'l', 'BY', 'h_*->w', 'DESC'],
    ['SORT', 'l', 'BY', 'h_*->name', 'ALPHA'],
    ['SORT', 'l', 'BY', 'h_*->name', 'ALPHA', 'DESC', 'LIMIT', '1', '2'],
    [
      'SORT',
      'l',
      'BY',
      'h_*->w',
      'GET',
      'h_*->name',
      'GET',
      '#',
      'GET',
      'h_*->w',
      'GET',
      'h_*->nope',
      'GET',
      'h_*',
    ],
    ['SORT', 'l', 'GET', 'h_*->name', 'STORE', 'out'],
    ['LRANGE', 'out', '0', '-1'],
    ['SORT', 'l', 'BY', 'h_*->w', 'GET', 'h_*->w', 'STORE', 'out'],
    ['LRANGE', 'out', '0', '-1'],
    ['HSET', 'h_1', 'f->g', '1', '->', '2'],
    ['SORT', 'l', 'GET', 'h_*->f->g', 'GET', 'h_*->->'],
    ['SORT', 'l', 'GET', 'h->*', 'GET', '->*->name'],
    ['SET', 'h->1', 'arrowkey'],
    ['SORT', 'l', 'GET', 'h->*'],
    ['SORT', 'l', 'GET', 'h_*->w\0x', 'GET', 'h_*-\0>w', 'GET', 'h_*->\0w'],
    ['SORT', 'l', 'BY', 'h_*->w', 'LIMIT', '1', '2'],
  ],
  'GET patterns': [
    ['RPUSH', 'l', 'x', 'y', 'z'],
    ['MSET', 'v_x', 'X', 'v_y', 'Y', 'k_x_s', 'xs'],
    ['SORT', 'l', 'ALPHA', 'GET', 'v_*'],
    ['SORT', 'l', 'ALPHA', 'GET', '#'],
    ['SORT', 'l', 'ALPHA', 'GET', '#', 'GET', 'v_*', 'GET', 'k_*_s', 'GET', 'nostar', 'GET', '#x'],
    ['SORT', 'l', 'ALPHA', 'DESC', 'GET', 'v_*', 'LIMIT', '1', '5'],
    ['SORT', 'l', 'BY', 'nosort', 'GET', 'v_*', 'GET', '#'],
    ['SORT', 'l', 'ALPHA', 'GET', '*'],
    ['SET', 'y', 'self'],
    ['SORT', 'l', 'ALPHA', 'GET', '*', 'GET', '**'],
    ['SORT', 'l', 'ALPHA', 'GET', 'v_*', 'STORE', 'out'],
    ['LRANGE', 'out', '0', '-1'],
    ['SORT', 'l', 'ALPHA', 'GET', '#', 'GET', 'nostar', 'STORE', 'out'],
    ['LRANGE', 'out', '0', '-1'],
    ['SORT', 'l', 'ALPHA', 'GET', '#\0junk'],
    ['SORT', 'l', 'ALPHA', 'GET', 'v_\0*'],
    ['SORT', 'l', 'ALPHA', 'GET', 'v_*\0junk'],
    ['RPUSH', 'binl', BIN, 'a'],
    ['SET', Buffer.concat([Buffer.from('v_'), BIN]), 'binval'],
    ['SET', Buffer.concat([Buffer.from([0xfe]), Buffer.from('a')]), BIN2],
    ['SORT', 'binl', 'ALPHA', 'GET', 'v_*', 'GET', Buffer.from([0xfe, 0x2a]), 'GET', '#'],
    ['SORT', 'binl', 'BY', Buffer.from([0xfe, 0x2a]), 'ALPHA'],
  ],
  'BY nosort on lists and sorted sets': [
    ['RPUSH', 'l', 'c', 'a', 'b', 'd', 'e'],
    ['SORT', 'l', 'BY', 'nosort'],
    ['SORT', 'l', 'BY', 'nosort', 'DESC'],
    ['SORT', 'l', 'BY', 'nosort', 'LIMIT', '1', '2'],
    ['SORT', 'l', 'BY', 'nosort', 'LIMIT', '1', '2', 'DESC'],
    ['SORT', 'l', 'BY', 'nosort', 'LIMIT', '3', '100', 'DESC'],
    ['SORT', 'l', 'BY', 'nosort', 'LIMIT', '5', '1'],
    ['SORT', 'l', 'BY', 'nosort', 'LIMIT', '4', '0'],
    ['SORT', 'l', 'BY', 'nosort', 'ALPHA'],
    ['SORT', 'l', 'BY', '#'],
    ['SORT', 'l', 'BY', 'nosort', 'STORE', 'o'],
    ['LRANGE', 'o', '0', '-1'],
    ['SORT', 'l', 'BY', 'nosort', 'DESC', 'LIMIT', '1', '3', 'STORE', 'o'],
    ['LRANGE', 'o', '0', '-1'],
    ['ZADD', 'z', '3', 'c', '1', 'a', '2', 'b', '2', 'bb', '-1', 'neg', '10', 'ten'],
    ['SORT', 'z', 'BY', 'nosort'],
    ['SORT', 'z', 'BY', 'nosort', 'DESC'],
    ['SORT', 'z', 'BY', 'nosort', 'LIMIT', '2', '3'],
    ['SORT', 'z', 'BY', 'nosort', 'LIMIT', '2', '3', 'DESC'],
    ['SORT', 'z', 'BY', 'nosort', 'LIMIT', '0', '1', 'DESC'],
    ['SORT', 'z', 'BY', 'nosort', 'LIMIT', '5', '10'],
    ['SORT', 'z', 'BY', 'nosort', 'LIMIT', '6', '1'],
    ['SORT', 'z', 'BY', 'nosort', 'LIMIT', '-3', '2', 'DESC'],
    ['SORT', 'z', 'BY', 'nosort', 'GET', '#', 'GET', 'nope_*'],
    ['SORT_RO', 'z', 'BY', 'nosort', 'DESC'],
    ['SORT', 'z', 'BY', 'nosort', 'STORE', 'o'],
    ['LRANGE', 'o', '0', '-1'],
    ['SORT', 'z', 'BY', 'nosort', 'LIMIT', '10', '1', 'STORE', 'o'],
    ['EXISTS', 'o'],
  ],
  'sorted sets': [
    ['ZADD', 'z', '3', '10', '1', '2', '2', '30', '0', '-1', '5', '1.5'],
    ['OBJECT', 'ENCODING', 'z'],
    ['SORT', 'z'],
    ['OBJECT', 'ENCODING', 'z'],
    ['SORT', 'z', 'DESC', 'LIMIT', '1', '2'],
    ['SORT', 'z', 'ALPHA'],
    ['SORT', 'z', 'ALPHA', 'DESC'],
    ['ZADD', 'zw', '1', 'a', '2', 'b', '3', 'c'],
    ['MSET', 'w_a', '30', 'w_b', '10', 'w_c', '20'],
    ['SORT_RO', 'zw', 'BY', 'w_*'],
    ['OBJECT', 'ENCODING', 'zw'],
    ['SORT', 'zw', 'BY', 'w_*', 'DESC', 'GET', 'w_*'],
    ['SORT', 'zw'],
    ['SORT', 'zw', 'ALPHA', 'STORE', 'o'],
    ['LRANGE', 'o', '0', '-1'],
    ['ZADD', 'zneg', '-0', 'm'],
    ['SORT', 'zneg'],
    ['ZSCORE', 'zneg', 'm'],
    ['ZADD', 'zneg', '-0', 'n'],
    ['ZRANGE', 'zneg', '0', '-1', 'WITHSCORES'],
  ],
  sets: [
    ['SADD', 'si', '5', '-3', '10', '0', '7'],
    ['SORT', 'si'],
    ['SORT', 'si', 'DESC'],
    ['SORT', 'si', 'ALPHA'],
    ['SORT', 'si', 'LIMIT', '1', '2'],
    ['SORT', 'si', 'BY', 'nosort'],
    ['SORT', 'si', 'BY', 'nosort', 'DESC', 'LIMIT', '1', '3'],
    ['SORT', 'si', 'BY', 'nosort', 'STORE', 'o'],
    ['LRANGE', 'o', '0', '-1'],
    ['SORT', 'si', 'BY', 'nosort', 'DESC', 'LIMIT', '1', '3', 'STORE', 'o'],
    ['LRANGE', 'o', '0', '-1'],
    ['SADD', 'sh', 'pear', 'apple', 'fig', '10', '9', 'b\0z', 'b\0a'],
    ['SORT', 'sh', 'ALPHA', 'STORE', 'o'],
    ['LRANGE', 'o', '0', '-1'],
    ['SORT', 'sh', 'BY', 'nosort', 'STORE', 'o'],
    ['LRANGE', 'o', '0', '-1'],
    ['SORT', 'sh', 'BY', 'nosort', 'DESC', 'STORE', 'o'],
    ['LRANGE', 'o', '0', '-1'],
    sorted('SORT', 'sh', 'BY', 'nosort'),
    ['SORT', 'sh'],
    ['SREM', 'sh', 'b\0z', 'b\0a'],
    ['SORT', 'sh', 'ALPHA'],
    ['SORT', 'sh', 'ALPHA', 'DESC', 'LIMIT', '1', '3'],
    ['SADD', 'sn', '1.5', '-2', 'inf', '0x10', '3'],
    ['SORT', 'sn'],
    ['SORT', 'sn', 'DESC', 'GET', '#'],
    ['MSET', 'w_3', '-100', 'w_inf', '7'],
    ['SORT', 'sn', 'BY', 'w_*', 'LIMIT', '0', '2'],
    ['SORT', 'sn', 'BY', 'w_*', 'DESC'],
  ],
  STORE: [
    ['RPUSH', 'l', '3', '1', '2'],
    ['SORT', 'l', 'STORE', 'dst'],
    ['TYPE', 'dst'],
    ['LRANGE', 'dst', '0', '-1'],
    ['OBJECT', 'ENCODING', 'dst'],
    ['SET', 'str', 'x', 'EX', '100'],
    ['SORT', 'l', 'DESC', 'STORE', 'str'],
    ['TYPE', 'str'],
    ['TTL', 'str'],
    ['LRANGE', 'str', '0', '-1'],
    ['HSET', 'h', 'f', 'v'],
    ['SORT', 'l', 'STORE', 'h'],
    ['LRANGE', 'h', '0', '-1'],
    ['SORT', 'l', 'LIMIT', '0', '0', 'STORE', 'h'],
    ['EXISTS', 'h'],
    ['SORT', 'missing', 'STORE', 'dst'],
    ['EXISTS', 'dst'],
    ['SORT', 'missing', 'STORE', 'dst'],
    ['SORT', 'l', 'STORE', 'l'],
    ['LRANGE', 'l', '0', '-1'],
    ['SORT', 'l', 'GET', 'nope_*', 'GET', '#', 'STORE', 'g'],
    ['LRANGE', 'g', '0', '-1'],
    ['LLEN', 'g'],
    ['SORT', 'l', 'STORE', 'a', 'STORE', 'b'],
    ['EXISTS', 'a', 'b'],
    ['SORT', 'l', 'store', 'c', 'LIMIT', '1', '1'],
    ['LRANGE', 'c', '0', '-1'],
    ['SET', 'notlist', 'v'],
    ['SORT', 'notlist', 'STORE', 'l'],
    ['LRANGE', 'l', '0', '-1'],
    ['SORT_RO', 'l', 'STORE', 'x'],
    ['SORT_RO', 'l', 'store', 'x', 'LIMIT', '0', '1'],
    ['SORT_RO', 'missing', 'STORE', 'x'],
    ['EXISTS', 'x'],
  ],
  'errors and parsing': [
    ['SET', 's', 'v'],
    ['HSET', 'h', 'a', '1'],
    ['SORT', 's'],
    ['SORT', 'h'],
    ['SORT_RO', 's'],
    ['SORT', 's', 'LIMIT', 'a', 'b'],
    ['SORT', 's', 'LIMIT', '0', 'b'],
    ['SORT', 's', 'LIMIT', '1.5', '1'],
    ['SORT', 's', 'LIMIT', '9223372036854775808', '1'],
    ['SORT', 'missing', 'LIMIT', '1'],
    ['SORT', 'missing', 'LIMIT', '1', '2', '3'],
    ['SORT', 'missing', 'LIMIT', 'x', '2', 'bogus'],
    ['SORT', 'missing', 'bogus', 'LIMIT', 'x', '2'],
    ['SORT', 'missing', 'BY'],
    ['SORT', 'missing', 'GET'],
    ['SORT', 'missing', 'STORE'],
    ['SORT', 's', 'foo'],
    ['SORT', 's', 'ASC', 'DESC', 'ALPHA', 'nope'],
    ['SORT', 'missing'],
    ['SORT', 'missing', 'BY', 'w_*', 'GET', '#', 'DESC', 'ALPHA', 'LIMIT', '0', '10'],
    ['SORT', 'missing', 'BY', 'nosort', 'DESC', 'LIMIT', '1', '1'],
    ['SORT_RO', 'missing'],
    ['SORT'],
    ['SORT_RO'],
    ['SORT', 's', 'ASC\0x'],
    ['SORT', 'missing', 'asc', 'Desc', 'aLpHa', 'limit', '0', '1', 'by', 'x', 'get', '#'],
  ],
};

for (const protocol of [2, 3] as const) {
  describe(`SORT (RESP${protocol})`, () => {
    for (const [name, steps] of Object.entries(SCENARIOS)) {
      it(name, async () => {
        const pair = await DiffPair.open(redis.port, protocol);
        try {
          for (const step of steps) {
            if (Array.isArray(step)) await pair.check(step);
            else await pair.check(step.cmd, step.compare);
          }
        } finally {
          await pair.close();
        }
      });
    }
  });
}

// --- random lists, weights and options ------------------------------------------

/** Weight and element texts: numbers in strtod's many spellings, words, junk. */
const numberText = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -50, max: 50 }).map(String) },
  { weight: 3, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }).map(String) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '1.0',
      '01',
      '+1',
      ' 1',
      '1e0',
      '0x1',
      '.5',
      '5.',
      '-0',
      '0',
      'inf',
      '-inf',
      '',
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom('1e-310', '1e400', 'nan', 'x', '1 ', '2\0z') },
);
const wordText = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('a', 'b', 'B', 'ab', 'é', 'z', '', 'a\0b', 'a\0c', '10', '9') },
  { weight: 2, arbitrary: fc.string({ maxLength: 4 }) },
);
const elementText = fc.oneof({ weight: 3, arbitrary: numberText }, { weight: 2, arbitrary: wordText });

describe('SORT random lists (RESP2 and RESP3)', () => {
  it('matches redis-server', async () => {
    const pairs = [await DiffPair.open(redis.port, 2), await DiffPair.open(redis.port, 3)];
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(elementText, { minLength: 0, maxLength: 60 }),
          fc.array(fc.option(fc.oneof(numberText, wordText), { nil: undefined }), { maxLength: 60 }),
          fc.record({
            by: fc.constantFrom(undefined, 'w_*', 'h_*->f', 'nosort'),
            desc: fc.boolean(),
            alpha: fc.boolean(),
            limit: fc.option(fc.tuple(fc.integer({ min: -3, max: 65 }), fc.integer({ min: -2, max: 65 })), {
              nil: undefined,
            }),
            get: fc.array(fc.constantFrom('#', 'w_*', 'h_*->f', 'none_*'), { maxLength: 2 }),
            store: fc.boolean(),
          }),
          async (elements, weights, o) => {
            for (const pair of pairs) {
              await pair.both(['FLUSHALL']);
              await pair.both(RESET_ERRNO);
              if (elements.length > 0) await pair.check(['RPUSH', 'l', ...elements]);
              for (let i = 0; i < elements.length; i++) {
                const w = weights[i];
                if (w === undefined) continue;
                if (i % 2 === 0) await pair.check(['SET', `w_${elements[i]}`, w]);
                else await pair.check(['HSET', `h_${elements[i]}`, 'f', w]);
              }
              const cmd: Arg[] = ['SORT', 'l'];
              if (o.by !== undefined) cmd.push('BY', o.by);
              if (o.limit !== undefined) cmd.push('LIMIT', String(o.limit[0]), String(o.limit[1]));
              for (const g of o.get) cmd.push('GET', g);
              if (o.desc) cmd.push('DESC');
              if (o.alpha) cmd.push('ALPHA');
              if (o.store) {
                await pair.check([...cmd, 'STORE', 'dst']);
                await pair.check(['LRANGE', 'dst', '0', '-1']);
              } else {
                await pair.check(cmd);
                await pair.both(RESET_ERRNO);
                await pair.check(['SORT_RO', ...cmd.slice(1)]);
              }
            }
          },
        ),
        { numRuns: 300 },
      );
    } finally {
      for (const pair of pairs) await pair.close();
    }
  });
});

describe('SORT random sets and sorted sets (RESP2 and RESP3)', () => {
  // Orders that do not depend on Redis's hash-table order: numeric sorts (ties are
  // broken by the element), ALPHA without BY (members are distinct and NUL-free
  // here), BY nosort on sorted sets (rank order) and on intsets (ascending).
  it('matches redis-server', async () => {
    const pairs = [await DiffPair.open(redis.port, 2), await DiffPair.open(redis.port, 3)];
    const member = fc.oneof(
      { weight: 3, arbitrary: fc.integer({ min: -30, max: 30 }).map(String) },
      { weight: 1, arbitrary: fc.constantFrom('1.5', '-0.25', '1e2', '0x8', 'inf', '+3', '007') },
      { weight: 1, arbitrary: fc.constantFrom('a', 'b', 'B', 'é', 'ab', '') },
    );
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('set', 'zset'),
          fc.uniqueArray(member, { minLength: 1, maxLength: 40 }),
          fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 40, maxLength: 40 }),
          fc.record({
            mode: fc.constantFrom('numeric', 'alpha', 'nosort', 'byweight'),
            desc: fc.boolean(),
            limit: fc.option(fc.tuple(fc.integer({ min: -2, max: 45 }), fc.integer({ min: -2, max: 45 })), {
              nil: undefined,
            }),
            get: fc.array(fc.constantFrom('#', 'w_*'), { maxLength: 2 }),
            store: fc.boolean(),
          }),
          async (type, members, scores, o) => {
            const intset = type === 'set' && members.every((m) => /^(0|-?[1-9]\d*)$/.test(m));
            if (o.mode === 'nosort' && type === 'set' && !intset && !o.store) return;
            for (const pair of pairs) {
              await pair.both(['FLUSHALL']);
              await pair.both(RESET_ERRNO);
              if (type === 'set') await pair.check(['SADD', 'k', ...members]);
              else await pair.check(['ZADD', 'k', ...members.flatMap((m, i) => [String(scores[i]), m])]);
              for (let i = 0; i < members.length; i += 2)
                await pair.check(['SET', `w_${members[i]}`, String(scores[i])]);
              const cmd: Arg[] = ['SORT', 'k'];
              if (o.mode === 'nosort') cmd.push('BY', 'nosort');
              if (o.mode === 'byweight') cmd.push('BY', 'w_*');
              if (o.mode === 'alpha') cmd.push('ALPHA');
              if (o.limit !== undefined) cmd.push('LIMIT', String(o.limit[0]), String(o.limit[1]));
              for (const g of o.get) cmd.push('GET', g);
              if (o.desc) cmd.push('DESC');
              if (o.store) {
                await pair.check([...cmd, 'STORE', 'dst']);
                await pair.check(['LRANGE', 'dst', '0', '-1']);
              } else {
                await pair.check(cmd);
              }
              await pair.check(['OBJECT', 'ENCODING', 'k']);
            }
          },
        ),
        { numRuns: 200 },
      );
    } finally {
      for (const pair of pairs) await pair.close();
    }
  });
});
