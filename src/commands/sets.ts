/**
 * Set commands: argv parsing in Redis 7.0's order — which decides which error
 * a bad command gets — over the ops in types/set.ts. Replies that are sets in
 * Redis (SMEMBERS, SINTER, SUNION, SDIFF, SPOP with a count) are RESP3 sets.
 */
import { parseScanCursor } from '../engine/scan-cursors.js';
import { Err, ReplyError, syntaxError } from '../errors.js';
import { SetReply } from '../protocol/reply.js';
import * as sets from '../types/set.js';
import { type Arg, isOption, toKey } from '../util/bytes.js';
import { INT64_MIN, parseInt64, tryParseInt64 } from '../util/numbers.js';
import { parseScanOptions } from './keys.js';
import type { CommandDef } from './types.js';

/** argv[from..to) as keys. */
function keysOf(argv: readonly Arg[], from: number, to = argv.length): string[] {
  const out = new Array<string>(to - from);
  for (let i = from; i < to; i++) out[i - from] = toKey(argv[i]);
  return out;
}

/**
 * A `long` in 0..LONG_MAX, any failure answered with `message` (Redis's
 * getPositiveLongFromObjectOrReply); beyond 2^53 clamped, which no count notices.
 */
function parseNonNegative(arg: Arg, message: string): number {
  const v = tryParseInt64(arg);
  if (v === undefined || v < 0) throw new ReplyError(message);
  return typeof v === 'number' ? v : Number.MAX_SAFE_INTEGER;
}

/** SRANDMEMBER's count: a `long` in -LONG_MAX..LONG_MAX (getRangeLongFromObjectOrReply). */
function parseSignedCount(arg: Arg): number {
  const v = parseInt64(arg);
  if (v === INT64_MIN) {
    throw new ReplyError(Err.outOfRangeBetween('-9223372036854775807', '9223372036854775807'));
  }
  return typeof v === 'number' ? v : v > 0n ? Number.MAX_SAFE_INTEGER : -Number.MAX_SAFE_INTEGER;
}

export const setCommands: CommandDef[] = [
  {
    name: 'sadd',
    summary: 'Adds one or more members to a set, creating it when absent; returns how many are new.',
    // SADD key member [member ...]
    handler: (s, argv) =>
      argv.length === 3
        ? sets.setAddOne(s.db, toKey(argv[1]), argv[2])
        : sets.setAdd(s.db, toKey(argv[1]), argv, 2),
  },
  {
    name: 'srem',
    summary: 'Removes one or more members from a set, and the set when it empties.',
    // SREM key member [member ...]
    handler: (s, argv) => sets.setRem(s.db, toKey(argv[1]), argv, 2),
  },
  {
    name: 'sismember',
    summary: 'Tells whether a value is a member of a set.',
    // SISMEMBER key member
    handler: (s, argv) => (sets.setIsMember(s.db, toKey(argv[1]), argv[2]) ? 1 : 0),
  },
  {
    name: 'smismember',
    summary: 'Tells, for each of several values, whether it is a member of a set.',
    // SMISMEMBER key member [member ...]
    handler: (s, argv) => sets.setMIsMember(s.db, toKey(argv[1]), argv, 2),
  },
  {
    name: 'smembers',
    summary: 'Returns every member of a set.',
    // SMEMBERS key
    handler: (s, argv) => new SetReply(sets.setMembers(s.db, toKey(argv[1]))),
  },
  {
    name: 'scard',
    summary: 'Returns the number of members of a set.',
    // SCARD key
    handler: (s, argv) => sets.setCard(s.db, toKey(argv[1])),
  },
  {
    name: 'spop',
    summary: 'Removes and returns one or more random members of a set.',
    // SPOP key [count]
    handler: (s, argv) => {
      if (argv.length === 3) {
        const count = parseNonNegative(argv[2], Err.mustBePositive);
        return new SetReply(sets.setPopCount(s.db, toKey(argv[1]), count));
      }
      if (argv.length > 3) return syntaxError();
      return sets.setPop(s.db, toKey(argv[1]));
    },
  },
  {
    name: 'srandmember',
    summary: 'Returns one or more random members of a set, distinct for a positive count.',
    // SRANDMEMBER key [count]
    handler: (s, argv) => {
      if (argv.length === 3) return sets.setRandMembers(s.db, toKey(argv[1]), parseSignedCount(argv[2]));
      if (argv.length > 3) return syntaxError();
      return sets.setRandMember(s.db, toKey(argv[1]));
    },
  },
  {
    name: 'smove',
    summary: 'Moves a member from one set to another.',
    // SMOVE source destination member
    handler: (s, argv) => sets.setMove(s.db, toKey(argv[1]), toKey(argv[2]), argv[3]),
  },
  {
    name: 'sinter',
    summary: 'Returns the members common to all the given sets.',
    // SINTER key [key ...]
    handler: (s, argv) => new SetReply(sets.setInter(s.db, keysOf(argv, 1))),
  },
  {
    name: 'sintercard',
    summary:
      'Returns the number of members common to all the given sets, optionally counting no further than a limit.',
    // SINTERCARD numkeys key [key ...] [LIMIT limit]
    handler: (s, argv) => {
      const v = tryParseInt64(argv[1]);
      if (v === undefined || v < 1) throw new ReplyError(Err.numkeysPositive);
      if (v > argv.length - 2) throw new ReplyError(Err.numkeysExceedArgs);
      const numkeys = Number(v);
      let limit = 0;
      for (let j = 2 + numkeys; j < argv.length; j++) {
        if (isOption(argv[j], 'LIMIT') && j < argv.length - 1) {
          limit = parseNonNegative(argv[++j], Err.limitNegative);
        } else {
          return syntaxError();
        }
      }
      return sets.setInterCard(s.db, keysOf(argv, 2, 2 + numkeys), limit);
    },
  },
  {
    name: 'sinterstore',
    summary: 'Stores the intersection of the given sets at a key; returns its size.',
    // SINTERSTORE destination key [key ...]
    handler: (s, argv) => sets.setInterStore(s.db, toKey(argv[1]), keysOf(argv, 2)),
  },
  {
    name: 'sunion',
    summary: 'Returns the members of any of the given sets.',
    // SUNION key [key ...]
    handler: (s, argv) => new SetReply(sets.setUnion(s.db, keysOf(argv, 1))),
  },
  {
    name: 'sunionstore',
    summary: 'Stores the union of the given sets at a key; returns its size.',
    // SUNIONSTORE destination key [key ...]
    handler: (s, argv) => sets.setUnionStore(s.db, toKey(argv[1]), keysOf(argv, 2)),
  },
  {
    name: 'sdiff',
    summary: 'Returns the members of the first set that are in none of the other sets.',
    // SDIFF key [key ...]
    handler: (s, argv) => new SetReply(sets.setDiff(s.db, keysOf(argv, 1))),
  },
  {
    name: 'sdiffstore',
    summary: 'Stores the difference of the first set and the others at a key; returns its size.',
    // SDIFFSTORE destination key [key ...]
    handler: (s, argv) => sets.setDiffStore(s.db, toKey(argv[1]), keysOf(argv, 2)),
  },
  {
    name: 'sscan',
    summary: 'Iterates over the members of a set, a few at a time.',
    // SSCAN key cursor [MATCH pattern] [COUNT count]
    handler: (s, argv) => {
      const cursor = parseScanCursor(argv[2]);
      const set = sets.readSet(s.db, toKey(argv[1]));
      // As Redis, options are parsed only once the key is found to be a set.
      if (set === undefined) return ['0', []];
      const [next, items] = sets.scanSet(set, cursor, parseScanOptions(argv, 3, false));
      return [String(next), items];
    },
  },
];
