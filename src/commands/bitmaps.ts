/**
 * Bitmap commands: argv parsing in Redis 7.0's order (which decides which error a
 * bad command gets) over the ops in types/bitmap.ts.
 */
import { Err, ReplyError, syntaxError } from '../errors.js';
import {
  type BitFieldOp,
  type BitFieldOverflow,
  type BitOpName,
  type BitUnit,
  bitField,
  bitmapForRead,
  bitOp,
  countBits,
  findBit,
  getBit,
  MAX_BIT_OFFSET,
  setBit,
} from '../types/bitmap.js';
import { type Arg, isOption, toKey } from '../util/bytes.js';
import { type Int64, parseInt64, tryParseInt64 } from '../util/numbers.js';
import type { CommandDef, Handler } from './types.js';

/** An argument as latin1 text cut at its first NUL (C string view, for numeric parsing). */
function cString(arg: Arg, from: number): string {
  const s = typeof arg === 'string' ? arg : arg.toString('latin1');
  const z = s.indexOf('\0', from);
  return z < 0 ? s.slice(from) : s.slice(from, z);
}

/**
 * A bit offset argument (`getBitOffsetFromArgument`): a string2ll integer, or with
 * `bits` (BITFIELD) `#n` meaning n * bits, multiplied with int64 wraparound as in C;
 * must address a byte below 512MB.
 */
function parseBitOffset(arg: Arg, bits = 0): number {
  const hash = bits > 0 && (typeof arg === 'string' ? arg.charCodeAt(0) === 35 : arg[0] === 35);
  const v = tryParseInt64(hash ? (typeof arg === 'string' ? arg.slice(1) : arg.subarray(1)) : arg);
  if (v === undefined) throw new ReplyError(Err.bitOffset);
  let off: Int64 = v;
  if (hash) {
    off =
      typeof v === 'number' && Math.abs(v) <= 2 ** 40
        ? v * bits
        : BigInt.asIntN(64, BigInt(v) * BigInt(bits));
  }
  if (off < 0 || off > MAX_BIT_OFFSET) throw new ReplyError(Err.bitOffset);
  return Number(off);
}

/** BITCOUNT/BITPOS unit argument. */
function parseUnit(arg: Arg): BitUnit {
  if (isOption(arg, 'BIT')) return 'bit';
  if (isOption(arg, 'BYTE')) return 'byte';
  return syntaxError();
}

/** BITFIELD type `i<1..64>` / `u<1..63>` (case-sensitive prefix, as Redis). */
function parseFieldType(arg: Arg): { signed: boolean; bits: number } {
  const first = typeof arg === 'string' ? arg.charCodeAt(0) : arg[0];
  const signed = first === 105; // 'i'
  if (!signed && first !== 117) throw new ReplyError(Err.bitfieldType); // 'u'
  const n = tryParseInt64(cString(arg, 1));
  if (n === undefined || n < 1 || n > (signed ? 64 : 63)) throw new ReplyError(Err.bitfieldType);
  return { signed, bits: Number(n) };
}

/** Parses BITFIELD's subcommands into ops; errors in argument order. */
function parseBitFieldOps(argv: Arg[]): BitFieldOp[] {
  const ops: BitFieldOp[] = [];
  let overflow: BitFieldOverflow = 'wrap';
  for (let j = 2; j < argv.length; j++) {
    const remaining = argv.length - j - 1;
    const sub = argv[j];
    let op: BitFieldOp['op'];
    if (isOption(sub, 'GET') && remaining >= 2) op = 'get';
    else if (isOption(sub, 'SET') && remaining >= 3) op = 'set';
    else if (isOption(sub, 'INCRBY') && remaining >= 3) op = 'incrby';
    else if (isOption(sub, 'OVERFLOW') && remaining >= 1) {
      const kind = argv[++j];
      if (isOption(kind, 'WRAP')) overflow = 'wrap';
      else if (isOption(kind, 'SAT')) overflow = 'sat';
      else if (isOption(kind, 'FAIL')) overflow = 'fail';
      else throw new ReplyError(Err.bitfieldOverflow);
      continue;
    } else {
      return syntaxError();
    }
    const { signed, bits } = parseFieldType(argv[j + 1]);
    const offset = parseBitOffset(argv[j + 2], bits);
    const value: Int64 = op === 'get' ? 0 : parseInt64(argv[j + 3]);
    ops.push({ op, signed, bits, offset, value, overflow });
    j += op === 'get' ? 2 : 3;
  }
  return ops;
}

// BITFIELD key [GET encoding offset | [OVERFLOW WRAP | SAT | FAIL] SET encoding offset value | INCRBY encoding offset increment ...]
const bitfield: Handler = (s, argv) => bitField(s.db, toKey(argv[1]), parseBitFieldOps(argv));

// BITFIELD_RO key [GET encoding offset [GET encoding offset ...]]
const bitfieldRo: Handler = (s, argv) => bitField(s.db, toKey(argv[1]), parseBitFieldOps(argv), true);

// SETBIT key offset value
const setbit: Handler = (s, argv) => {
  const offset = parseBitOffset(argv[2]);
  const on = tryParseInt64(argv[3]);
  if (on !== 0 && on !== 1) throw new ReplyError(Err.bitValue);
  return setBit(s.db, toKey(argv[1]), offset, on as 0 | 1);
};

// GETBIT key offset
const getbit: Handler = (s, argv) => getBit(s.db, toKey(argv[1]), parseBitOffset(argv[2]));

// BITCOUNT key [start end [BYTE | BIT]]
const bitcount: Handler = (s, argv) => {
  // Redis 7.0 looks the key up before reading the range: a missing key is 0 whatever follows.
  const bytes = bitmapForRead(s.db, toKey(argv[1]));
  if (bytes === null) return 0;
  const argc = argv.length;
  if (argc === 2) return countBits(bytes);
  if (argc !== 4 && argc !== 5) return syntaxError();
  const start = parseInt64(argv[2]);
  const end = parseInt64(argv[3]);
  if (start < 0 && end < 0 && start > end) return 0;
  return countBits(bytes, start, end, argc === 5 ? parseUnit(argv[4]) : 'byte');
};

// BITPOS key bit [start [end [BYTE | BIT]]]
const bitpos: Handler = (s, argv) => {
  const bit = parseInt64(argv[2]);
  if (bit !== 0 && bit !== 1) throw new ReplyError(Err.bitArgument);
  const bytes = bitmapForRead(s.db, toKey(argv[1]));
  if (bytes === null) return bit === 1 ? -1 : 0;
  const argc = argv.length;
  if (argc === 3) return findBit(bytes, bit as 0 | 1);
  if (argc > 6) return syntaxError();
  const start = parseInt64(argv[3]);
  const unit = argc === 6 ? parseUnit(argv[5]) : 'byte';
  const end = argc >= 5 ? parseInt64(argv[4]) : undefined;
  return findBit(bytes, bit as 0 | 1, start, end, unit);
};

const BITOP_NAMES: readonly [string, BitOpName][] = [
  ['AND', 'and'],
  ['OR', 'or'],
  ['XOR', 'xor'],
  ['NOT', 'not'],
];

// BITOP AND | OR | XOR | NOT destkey key [key ...]
const bitop: Handler = (s, argv) => {
  let op: BitOpName | undefined;
  for (const [name, value] of BITOP_NAMES) if (isOption(argv[1], name)) op = value;
  if (op === undefined) return syntaxError();
  const sources: string[] = new Array(argv.length - 3);
  for (let i = 3; i < argv.length; i++) sources[i - 3] = toKey(argv[i]);
  return bitOp(s.db, op, toKey(argv[2]), sources);
};

export const bitmapCommands: CommandDef[] = [
  {
    name: 'setbit',
    summary: 'Sets or clears the bit at an offset of a string, returning its old value.',
    handler: setbit,
  },
  { name: 'getbit', summary: 'Returns the bit at an offset of a string.', handler: getbit },
  {
    name: 'bitcount',
    summary: 'Counts the set bits of a string, optionally within a byte or bit range.',
    handler: bitcount,
  },
  {
    name: 'bitpos',
    summary: 'Finds the first set or clear bit of a string, optionally within a byte or bit range.',
    handler: bitpos,
  },
  {
    name: 'bitop',
    summary: 'Stores the bitwise AND, OR, XOR or NOT of strings in a destination key.',
    handler: bitop,
  },
  {
    name: 'bitfield',
    summary: 'Reads, writes and increments integers of any width at any bit offset of a string.',
    handler: bitfield,
  },
  {
    name: 'bitfield_ro',
    summary: 'Reads integers of any width at any bit offset of a string (read-only BITFIELD).',
    handler: bitfieldRo,
  },
];
