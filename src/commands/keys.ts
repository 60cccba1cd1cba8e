/**
 * The generic key commands (Redis's "generic" group plus DBSIZE, FLUSHDB,
 * FLUSHALL, SWAPDB): argv parsing and reply mapping over types/keyspace.ts.
 */
import type { Database } from '../engine/database.js';
import { parseScanCursor } from '../engine/scan-cursors.js';
import { Err, ReplyError, syntaxError } from '../errors.js';
import { OK, type Reply, StatusReply, status } from '../protocol/reply.js';
import {
  copyKey,
  dbSize,
  deleteKey,
  ExpireFlag,
  expireKey,
  flushAll,
  flushDb,
  keyExists,
  keysMatching,
  keyTtl,
  keyType,
  moveKey,
  objectEncoding,
  objectFreq,
  objectIdletime,
  objectRefcount,
  persistKey,
  randomKey,
  renameKey,
  type ScanOptions,
  scanKeys,
  swapDbs,
  touchKey,
} from '../types/keyspace.js';
import { type Arg, argText, isOption, toKey } from '../util/bytes.js';
import { Glob } from '../util/glob.js';
import { parseInt64, parseInteger } from '../util/numbers.js';
import type { Session } from './session.js';
import type { CommandDef, Handler } from './types.js';

/** Counts the keys argv[1..] for which `op` is true (no array per call: DEL and EXISTS are hot). */
function countKeys(db: Database, argv: readonly Arg[], op: (db: Database, key: string) => boolean): number {
  let n = 0;
  for (let i = 1; i < argv.length; i++) if (op(db, toKey(argv[i]))) n++;
  return n;
}

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

/**
 * Redis's getIntFromObjectOrReply: an int64, then the C int range; `message`
 * replaces both errors when given (SWAPDB's texts).
 */
function parseCInt(arg: Arg, message?: string): number {
  const v = parseInt64(arg, message);
  if (typeof v !== 'number' || v < INT_MIN || v > INT_MAX) {
    throw new ReplyError(message ?? Err.outOfRangeBetween(String(INT_MIN), String(INT_MAX)));
  }
  return v;
}

/** A DB index argument of MOVE / COPY: the database, or `ERR DB index is out of range`. */
function parseDb(session: Session, arg: Arg): Database {
  const id = parseCInt(arg);
  const db = session.engine.dbs[id];
  if (id < 0 || db === undefined) throw new ReplyError(Err.dbIndexOutOfRange);
  return db;
}

/** The NX / XX / GT / LT flags of the EXPIRE family (argv[3..]). */
function parseExpireFlags(argv: readonly Arg[]): number {
  let flags = 0;
  for (let j = 3; j < argv.length; j++) {
    const a = argv[j];
    if (isOption(a, 'NX')) flags |= ExpireFlag.NX;
    else if (isOption(a, 'XX')) flags |= ExpireFlag.XX;
    else if (isOption(a, 'GT')) flags |= ExpireFlag.GT;
    else if (isOption(a, 'LT')) flags |= ExpireFlag.LT;
    else throw new ReplyError(Err.unsupportedOption(argText(a)));
  }
  if (flags & ExpireFlag.NX && flags & (ExpireFlag.XX | ExpireFlag.GT | ExpireFlag.LT)) {
    throw new ReplyError(Err.expireNxIncompatible);
  }
  if (flags & ExpireFlag.GT && flags & ExpireFlag.LT) throw new ReplyError(Err.expireGtLtIncompatible);
  return flags;
}

function expireHandler(seconds: boolean, relative: boolean): Handler {
  return (s, argv) => {
    const flags = parseExpireFlags(argv);
    const when = parseInt64(argv[2]);
    return expireKey(s.db, toKey(argv[1]), when, seconds, relative, flags, s.lastCommand);
  };
}

function ttlHandler(ms: boolean, absolute: boolean): Handler {
  return (s, argv) => keyTtl(s.db, toKey(argv[1]), ms, absolute);
}

/**
 * Parses SCAN-family options from argv[from..]: COUNT n (≥ 1), MATCH pattern and,
 * when `allowType`, TYPE name. Exported for HSCAN, SSCAN and ZSCAN.
 */
export function parseScanOptions(argv: readonly Arg[], from: number, allowType: boolean): ScanOptions {
  const options: ScanOptions = { count: 10 };
  for (let i = from; i < argv.length; i += 2) {
    const hasValue = argv.length - i >= 2;
    const a = argv[i];
    if (hasValue && isOption(a, 'COUNT')) {
      options.count = parseInteger(argv[i + 1]);
      if (options.count < 1) syntaxError();
    } else if (hasValue && isOption(a, 'MATCH')) {
      options.match = new Glob(argv[i + 1]);
    } else if (hasValue && allowType && isOption(a, 'TYPE')) {
      options.type = argText(argv[i + 1]);
    } else {
      syntaxError();
    }
  }
  return options;
}

/** FLUSHDB / FLUSHALL's optional ASYNC | SYNC (both free memory at once here). */
function checkFlushArgs(argv: readonly Arg[]): void {
  if (argv.length === 1) return;
  if (argv.length === 2 && (isOption(argv[1], 'SYNC') || isOption(argv[1], 'ASYNC'))) return;
  syntaxError();
}

const OBJECT_HELP: Reply[] = [
  'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
  'HELP',
  '    Prints this help.',
].map((line) => new StatusReply(line));

export const keyCommands: CommandDef[] = [
  {
    name: 'del',
    summary: 'Deletes keys and returns how many existed.',
    // DEL key [key ...]
    handler: (s, argv) => countKeys(s.db, argv, deleteKey),
  },
  {
    name: 'unlink',
    summary: 'Deletes keys (memory is reclaimed at once here) and returns how many existed.',
    // UNLINK key [key ...]
    handler: (s, argv) => countKeys(s.db, argv, deleteKey),
  },
  {
    name: 'exists',
    summary: 'Counts how many of the given keys exist, repeats included.',
    // EXISTS key [key ...]
    handler: (s, argv) => countKeys(s.db, argv, keyExists),
  },
  {
    name: 'touch',
    summary: "Updates the keys' last access time and returns how many exist.",
    // TOUCH key [key ...]
    handler: (s, argv) => countKeys(s.db, argv, touchKey),
  },
  {
    name: 'type',
    summary: 'Returns the type of the value at a key, or none.',
    // TYPE key
    handler: (s, argv) => status(keyType(s.db, toKey(argv[1]))),
  },
  {
    name: 'expire',
    summary: 'Sets a key time to live in seconds.',
    // EXPIRE key seconds [NX | XX | GT | LT]
    handler: expireHandler(true, true),
  },
  {
    name: 'pexpire',
    summary: 'Sets a key time to live in milliseconds.',
    // PEXPIRE key milliseconds [NX | XX | GT | LT]
    handler: expireHandler(false, true),
  },
  {
    name: 'expireat',
    summary: 'Sets the Unix time in seconds at which a key expires.',
    // EXPIREAT key unix-time-seconds [NX | XX | GT | LT]
    handler: expireHandler(true, false),
  },
  {
    name: 'pexpireat',
    summary: 'Sets the Unix time in milliseconds at which a key expires.',
    // PEXPIREAT key unix-time-milliseconds [NX | XX | GT | LT]
    handler: expireHandler(false, false),
  },
  {
    name: 'ttl',
    summary: 'Returns the remaining time to live of a key in seconds.',
    // TTL key
    handler: ttlHandler(false, false),
  },
  {
    name: 'pttl',
    summary: 'Returns the remaining time to live of a key in milliseconds.',
    // PTTL key
    handler: ttlHandler(true, false),
  },
  {
    name: 'expiretime',
    summary: 'Returns the Unix time in seconds at which a key expires.',
    // EXPIRETIME key
    handler: ttlHandler(false, true),
  },
  {
    name: 'pexpiretime',
    summary: 'Returns the Unix time in milliseconds at which a key expires.',
    // PEXPIRETIME key
    handler: ttlHandler(true, true),
  },
  {
    name: 'persist',
    summary: 'Removes the time to live of a key.',
    // PERSIST key
    handler: (s, argv) => persistKey(s.db, toKey(argv[1])),
  },
  {
    name: 'rename',
    summary: 'Renames a key, replacing any key with the new name.',
    // RENAME key newkey
    handler: (s, argv) => {
      renameKey(s.db, toKey(argv[1]), toKey(argv[2]), false);
      return OK;
    },
  },
  {
    name: 'renamenx',
    summary: 'Renames a key only when the new name does not exist.',
    // RENAMENX key newkey
    handler: (s, argv) => (renameKey(s.db, toKey(argv[1]), toKey(argv[2]), true) ? 1 : 0),
  },
  {
    name: 'move',
    summary: 'Moves a key to another database.',
    // MOVE key db
    handler: (s, argv) => {
      const dst = parseDb(s, argv[2]);
      return moveKey(s.db, dst, toKey(argv[1])) ? 1 : 0;
    },
  },
  {
    name: 'copy',
    summary: 'Copies the value of a key to a new key, optionally in another database.',
    // COPY source destination [DB destination-db] [REPLACE]
    handler: (s, argv) => {
      let dst = s.db;
      let replace = false;
      for (let j = 3; j < argv.length; j++) {
        if (isOption(argv[j], 'REPLACE')) {
          replace = true;
        } else if (isOption(argv[j], 'DB') && j + 1 < argv.length) {
          dst = parseDb(s, argv[++j]);
        } else {
          syntaxError();
        }
      }
      return copyKey(s.db, dst, toKey(argv[1]), toKey(argv[2]), replace) ? 1 : 0;
    },
  },
  {
    name: 'keys',
    summary: 'Returns every key matching a glob-style pattern.',
    // KEYS pattern
    handler: (s, argv) => keysMatching(s.db, new Glob(argv[1])),
  },
  {
    name: 'scan',
    summary: 'Iterates over the keys of the database, a few at a time.',
    // SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
    handler: (s, argv) => {
      const cursor = parseScanCursor(argv[1]);
      const [next, keys] = scanKeys(s.db, cursor, parseScanOptions(argv, 2, true));
      return [String(next), keys];
    },
  },
  {
    name: 'randomkey',
    summary: 'Returns a random key name.',
    // RANDOMKEY
    handler: (s) => randomKey(s.db),
  },
  {
    name: 'object|encoding',
    summary: 'Returns the internal encoding of the value at a key.',
    // OBJECT ENCODING key
    handler: (s, argv) => objectEncoding(s.db, toKey(argv[2])),
  },
  {
    name: 'object|freq',
    summary: 'Returns the logarithmic access frequency counter of a key (LFU policies).',
    // OBJECT FREQ key
    handler: (s, argv) => objectFreq(s.db, toKey(argv[2])),
  },
  {
    name: 'object|idletime',
    summary: 'Returns the seconds since a key was last accessed.',
    // OBJECT IDLETIME key
    handler: (s, argv) => objectIdletime(s.db, toKey(argv[2])),
  },
  {
    name: 'object|refcount',
    summary: 'Returns the reference count of the value at a key.',
    // OBJECT REFCOUNT key
    handler: (s, argv) => objectRefcount(s.db, toKey(argv[2])),
  },
  {
    name: 'object|help',
    summary: 'Shows the OBJECT subcommands.',
    // OBJECT HELP
    handler: () => OBJECT_HELP,
  },
  {
    name: 'dbsize',
    summary: 'Returns the number of keys in the selected database.',
    // DBSIZE
    handler: (s) => dbSize(s.db),
  },
  {
    name: 'flushdb',
    summary: 'Removes every key of the selected database.',
    // FLUSHDB [ASYNC | SYNC]
    handler: (s, argv) => {
      checkFlushArgs(argv);
      flushDb(s.db);
      return OK;
    },
  },
  {
    name: 'flushall',
    summary: 'Removes every key of every database.',
    // FLUSHALL [ASYNC | SYNC]
    handler: (s, argv) => {
      checkFlushArgs(argv);
      flushAll(s.engine);
      return OK;
    },
  },
  {
    name: 'swapdb',
    summary: 'Exchanges the contents of two databases.',
    // SWAPDB index1 index2
    handler: (s, argv) => {
      const a = parseCInt(argv[1], Err.invalidFirstDbIndex);
      const b = parseCInt(argv[2], Err.invalidSecondDbIndex);
      const n = s.engine.dbs.length;
      if (a < 0 || a >= n || b < 0 || b >= n) throw new ReplyError(Err.dbIndexOutOfRange);
      swapDbs(s.engine, a, b);
      return OK;
    },
  },
];
