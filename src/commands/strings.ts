/**
 * String commands: argv parsing in Redis 7.0's order (which decides which error a
 * bad command gets) over the ops in types/string.ts. SET and GETEX share one
 * option parser, as Redis's `parseExtendedStringArgumentsOrReply`.
 */
import { Err, ReplyError, syntaxError } from '../errors.js';
import { MapReply, OK, type Reply } from '../protocol/reply.js';
import {
  appendString,
  computeLcs,
  decrBy,
  expireAtMs,
  getDelString,
  getExString,
  getRangeString,
  getString,
  incrBy,
  incrByFloat,
  LcsMode,
  lcsOperands,
  mgetStrings,
  msetnxStrings,
  msetStrings,
  StringFlag,
  setRangeString,
  setString,
  setStringGet,
  setStringNx,
  strlenString,
} from '../types/string.js';
import { type Arg, isOption, type RedisValue, toKey } from '../util/bytes.js';
import { parseInt64, parseInteger } from '../util/numbers.js';
import type { CommandDef, Handler } from './types.js';

/** The flag bits of a parse result from {@link parseStringOptions}. */
const FLAG_MASK = 1023;

const { NX, XX, EX, PX, KEEPTTL, GET, EXAT, PXAT, PERSIST } = StringFlag;
const ANY_EXPIRE = EX | PX | EXAT | PXAT;

/**
 * Parses SET's (from argv[3]) or GETEX's (from argv[2]) options exactly as
 * Redis's `parseExtendedStringArgumentsOrReply`: SET takes NX|XX, GET, KEEPTTL;
 * GETEX takes PERSIST; both take one of EX|PX|EXAT|PXAT with an amount (repeating
 * the same one is allowed, the last wins). Throws `ERR syntax error` otherwise.
 * Returns the {@link StringFlag} bits plus 1024 × the amount's argv index (0 when
 * none), so that no object is allocated.
 */
export function parseStringOptions(argv: readonly Arg[], forSet: boolean): number {
  let flags = 0;
  let expireIndex = 0;
  for (let j = forSet ? 3 : 2; j < argv.length; j++) {
    const opt = argv[j];
    const hasNext = j < argv.length - 1;
    let bit = 0;
    if (forSet && isOption(opt, 'NX') && (flags & XX) === 0) flags |= NX;
    else if (forSet && isOption(opt, 'XX') && (flags & NX) === 0) flags |= XX;
    else if (forSet && isOption(opt, 'GET')) flags |= GET;
    else if (forSet && isOption(opt, 'KEEPTTL') && (flags & (PERSIST | ANY_EXPIRE)) === 0) flags |= KEEPTTL;
    else if (!forSet && isOption(opt, 'PERSIST') && (flags & (KEEPTTL | ANY_EXPIRE)) === 0) flags |= PERSIST;
    else if (isOption(opt, 'EX')) bit = EX;
    else if (isOption(opt, 'PX')) bit = PX;
    else if (isOption(opt, 'EXAT')) bit = EXAT;
    else if (isOption(opt, 'PXAT')) bit = PXAT;
    else syntaxError();
    if (bit !== 0) {
      if (!hasNext || (flags & (KEEPTTL | PERSIST | (ANY_EXPIRE & ~bit))) !== 0) syntaxError();
      flags |= bit;
      expireIndex = ++j;
    }
  }
  return flags + expireIndex * 1024;
}

// SET key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL]
const set: Handler = (s, argv) => {
  const key = toKey(argv[1]);
  if (argv.length === 3) {
    setString(s.db, key, argv[2]);
    return OK;
  }
  const parsed = parseStringOptions(argv, true);
  const flags = parsed & FLAG_MASK;
  const ei = (parsed - flags) / 1024;
  const at = ei === 0 ? 0 : expireAtMs(argv[ei], flags, s.db.engine.clock.now(), 'set');
  if ((flags & GET) !== 0) return setStringGet(s.db, key, argv[2], flags, at);
  return setString(s.db, key, argv[2], flags, at) ? OK : null;
};

/** SETEX and PSETEX: SET with a relative TTL in the given unit. */
function setWithTtl(unit: number, command: string): Handler {
  return (s, argv) => {
    const at = expireAtMs(argv[2], unit, s.db.engine.clock.now(), command);
    setString(s.db, toKey(argv[1]), argv[3], 0, at);
    return OK;
  };
}

// GETEX key [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | PERSIST]
const getex: Handler = (s, argv) => {
  const key = toKey(argv[1]);
  if (argv.length === 2) return getString(s.db, key);
  const parsed = parseStringOptions(argv, false);
  const flags = parsed & FLAG_MASK;
  const ei = (parsed - flags) / 1024;
  return getExString(s.db, key, flags, ei === 0 ? 0 : argv[ei]);
};

/** Splits MSET/MSETNX argv into keys and values; an odd pair count is Redis's arity error. */
function pairs(argv: readonly Arg[], command: string): [string[], RedisValue[]] {
  if (argv.length % 2 === 0) throw new ReplyError(Err.wrongArity(command));
  const n = (argv.length - 1) / 2;
  const keys: string[] = new Array(n);
  const values: RedisValue[] = new Array(n);
  for (let i = 0; i < n; i++) {
    keys[i] = toKey(argv[1 + 2 * i]);
    values[i] = argv[2 + 2 * i];
  }
  return [keys, values];
}

// GETRANGE key start end (and SUBSTR key start end)
const getrange: Handler = (s, argv) => {
  const start = parseInteger(argv[2]);
  const end = parseInteger(argv[3]);
  return getRangeString(s.db, toKey(argv[1]), start, end);
};

// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN min-match-len] [WITHMATCHLEN]
const lcs: Handler = (s, argv) => {
  const [a, b] = lcsOperands(s.db, toKey(argv[1]), toKey(argv[2]));
  let idx = false;
  let len = false;
  let withMatchLen = false;
  let minMatchLen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j];
    if (isOption(opt, 'IDX')) idx = true;
    else if (isOption(opt, 'LEN')) len = true;
    else if (isOption(opt, 'WITHMATCHLEN')) withMatchLen = true;
    else if (isOption(opt, 'MINMATCHLEN') && j < argv.length - 1) {
      minMatchLen = Math.max(0, parseInteger(argv[++j]));
    } else syntaxError();
  }
  if (idx && len) throw new ReplyError(Err.lcsIdxAndLen);
  const r = computeLcs(a, b, idx ? LcsMode.IDX : len ? LcsMode.LEN : LcsMode.TEXT, minMatchLen);
  if (!idx) return len ? r.len : r.text;
  const matches: Reply[] = r.matches!.map((m) =>
    withMatchLen
      ? [[m.a[0], m.a[1]], [m.b[0], m.b[1]], m.len]
      : [
          [m.a[0], m.a[1]],
          [m.b[0], m.b[1]],
        ],
  );
  return new MapReply(['matches', matches, 'len', r.len]);
};

export const stringCommands: CommandDef[] = [
  {
    name: 'get',
    summary: 'Returns the string value of a key.',
    // GET key
    handler: (s, argv) => getString(s.db, toKey(argv[1])),
  },
  {
    name: 'set',
    summary:
      'Stores a string value, optionally only if the key exists or not, with a TTL, returning the old value.',
    handler: set,
  },
  {
    name: 'setnx',
    summary: 'Stores a string value only when the key does not exist.',
    // SETNX key value
    handler: (s, argv) => (setStringNx(s.db, toKey(argv[1]), argv[2]) ? 1 : 0),
  },
  {
    name: 'setex',
    summary: 'Stores a string value with a TTL in seconds.',
    // SETEX key seconds value
    handler: setWithTtl(EX, 'setex'),
  },
  {
    name: 'psetex',
    summary: 'Stores a string value with a TTL in milliseconds.',
    // PSETEX key milliseconds value
    handler: setWithTtl(PX, 'psetex'),
  },
  {
    name: 'getset',
    summary: 'Stores a string value and returns the previous one.',
    // GETSET key value
    handler: (s, argv) => setStringGet(s.db, toKey(argv[1]), argv[2]),
  },
  {
    name: 'getdel',
    summary: 'Returns the string value of a key and deletes the key.',
    // GETDEL key
    handler: (s, argv) => getDelString(s.db, toKey(argv[1])),
  },
  {
    name: 'getex',
    summary: 'Returns the string value of a key and sets or removes its TTL.',
    handler: getex,
  },
  {
    name: 'mget',
    summary: 'Returns the string values of several keys, nil for missing keys and other types.',
    // MGET key [key ...]
    handler: (s, argv) => {
      const keys: string[] = new Array(argv.length - 1);
      for (let i = 1; i < argv.length; i++) keys[i - 1] = toKey(argv[i]);
      return mgetStrings(s.db, keys);
    },
  },
  {
    name: 'mset',
    summary: 'Stores several string values at once.',
    // MSET key value [key value ...]
    handler: (s, argv) => {
      const [keys, values] = pairs(argv, 'mset');
      msetStrings(s.db, keys, values);
      return OK;
    },
  },
  {
    name: 'msetnx',
    summary: 'Stores several string values only when none of the keys exists.',
    // MSETNX key value [key value ...]
    handler: (s, argv) => {
      const [keys, values] = pairs(argv, 'msetnx');
      return msetnxStrings(s.db, keys, values) ? 1 : 0;
    },
  },
  {
    name: 'append',
    summary: 'Appends bytes to a string value, creating the key when missing; returns the new length.',
    // APPEND key value
    handler: (s, argv) => appendString(s.db, toKey(argv[1]), argv[2]),
  },
  {
    name: 'strlen',
    summary: 'Returns the length in bytes of a string value.',
    // STRLEN key
    handler: (s, argv) => strlenString(s.db, toKey(argv[1])),
  },
  {
    name: 'getrange',
    summary: 'Returns a byte range of a string value.',
    handler: getrange,
  },
  {
    name: 'substr',
    summary: 'Returns a byte range of a string value (old name of GETRANGE).',
    handler: getrange,
  },
  {
    name: 'setrange',
    summary: 'Overwrites part of a string value at a byte offset, zero-padding as needed.',
    // SETRANGE key offset value
    handler: (s, argv) => setRangeString(s.db, toKey(argv[1]), parseInteger(argv[2]), argv[3]),
  },
  {
    name: 'incr',
    summary: 'Increments the integer value of a key by one.',
    // INCR key
    handler: (s, argv) => incrBy(s.db, toKey(argv[1]), 1),
  },
  {
    name: 'decr',
    summary: 'Decrements the integer value of a key by one.',
    // DECR key
    handler: (s, argv) => incrBy(s.db, toKey(argv[1]), -1),
  },
  {
    name: 'incrby',
    summary: 'Increments the integer value of a key by an amount.',
    // INCRBY key increment
    handler: (s, argv) => incrBy(s.db, toKey(argv[1]), parseInt64(argv[2])),
  },
  {
    name: 'decrby',
    summary: 'Decrements the integer value of a key by an amount.',
    // DECRBY key decrement
    handler: (s, argv) => decrBy(s.db, toKey(argv[1]), parseInt64(argv[2])),
  },
  {
    name: 'incrbyfloat',
    summary: 'Increments the numeric value of a key by a floating point amount, in long double precision.',
    // INCRBYFLOAT key increment
    handler: (s, argv) => incrByFloat(s.db, toKey(argv[1]), argv[2]),
  },
  {
    name: 'lcs',
    summary: 'Finds the longest common subsequence of two string values, its length or its match ranges.',
    handler: lcs,
  },
];
