/**
 * List commands (the non-blocking ones): argv parsing in Redis 7.0's order —
 * which decides which error a bad command gets — over the ops in types/list.ts.
 */
import type { Database } from '../engine/database.js';
import { Err, ReplyError, syntaxError } from '../errors.js';
import { NIL_ARRAY, OK, type Reply } from '../protocol/reply.js';
import * as lists from '../types/list.js';
import { type Arg, isOption, keyToValue, toKey } from '../util/bytes.js';
import { INT64_MIN, parseInt64, parseInteger, tryParseInt64 } from '../util/numbers.js';
import type { CommandDef } from './types.js';

/** LEFT → true, RIGHT → false, else `ERR syntax error` (Redis's getListPositionFromObjectOrReply). */
export function parseSide(arg: Arg): boolean {
  if (isOption(arg, 'LEFT')) return true;
  if (isOption(arg, 'RIGHT')) return false;
  return syntaxError();
}

/** A `long` ≥ 0, else `message` (Redis's getPositiveLongFromObjectOrReply). */
function parseNonNegative(arg: Arg, message: string): number {
  const v = parseInteger(arg, message);
  if (v < 0) throw new ReplyError(message);
  return v;
}

/** A `long` ≥ 1, else `message` (getRangeLongFromObjectOrReply with min 1). */
export function parsePositive(arg: Arg, message: string): number {
  const v = tryParseInt64(arg);
  if (v === undefined || v < 1) throw new ReplyError(message);
  return typeof v === 'number' ? v : Number.MAX_SAFE_INTEGER;
}

/** LPOS's RANK: non-zero; -2^63 keeps its C overflow behaviour, other huge values clamp. */
function parseRank(arg: Arg): number {
  const v = parseInt64(arg);
  if (v === 0) throw new ReplyError(Err.lposRankZero);
  if (typeof v === 'number') return v;
  if (v === INT64_MIN) return lists.LPOS_RANK_INT64_MIN;
  return v > 0n ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
}

/** [LR]POP key [count]. */
function pop(argv: Arg[], db: Database, left: boolean): Reply {
  if (argv.length > 3) throw new ReplyError(Err.wrongArity(left ? 'lpop' : 'rpop'));
  if (argv.length === 3) {
    const count = parseNonNegative(argv[2], Err.mustBePositive);
    return lists.popCount(db, toKey(argv[1]), count, left) ?? NIL_ARRAY;
  }
  return lists.popOne(db, toKey(argv[1]), left);
}

export const listCommands: CommandDef[] = [
  {
    name: 'lpush',
    summary: 'Prepends one or more elements to a list, creating it when absent.',
    // LPUSH key element [element ...]
    handler: (s, argv) => lists.push(s.db, toKey(argv[1]), argv, true, 2),
  },
  {
    name: 'rpush',
    summary: 'Appends one or more elements to a list, creating it when absent.',
    // RPUSH key element [element ...]
    handler: (s, argv) => lists.push(s.db, toKey(argv[1]), argv, false, 2),
  },
  {
    name: 'lpushx',
    summary: 'Prepends elements to a list only when the list exists.',
    // LPUSHX key element [element ...]
    handler: (s, argv) => lists.pushX(s.db, toKey(argv[1]), argv, true, 2),
  },
  {
    name: 'rpushx',
    summary: 'Appends elements to a list only when the list exists.',
    // RPUSHX key element [element ...]
    handler: (s, argv) => lists.pushX(s.db, toKey(argv[1]), argv, false, 2),
  },
  {
    name: 'lpop',
    summary: 'Removes and returns the first element, or the first count elements, of a list.',
    // LPOP key [count]
    handler: (s, argv) => pop(argv, s.db, true),
  },
  {
    name: 'rpop',
    summary: 'Removes and returns the last element, or the last count elements, of a list.',
    // RPOP key [count]
    handler: (s, argv) => pop(argv, s.db, false),
  },
  {
    name: 'llen',
    summary: 'Returns the number of elements in a list.',
    // LLEN key
    handler: (s, argv) => lists.len(s.db, toKey(argv[1])),
  },
  {
    name: 'lrange',
    summary: 'Returns a range of elements of a list by index.',
    // LRANGE key start stop
    handler: (s, argv) => {
      const start = parseInteger(argv[2]);
      const stop = parseInteger(argv[3]);
      return lists.range(s.db, toKey(argv[1]), start, stop);
    },
  },
  {
    name: 'lindex',
    summary: 'Returns the element at an index of a list.',
    // LINDEX key index
    handler: (s, argv) => lists.index(s.db, toKey(argv[1]), argv[2]),
  },
  {
    name: 'lset',
    summary: 'Replaces the element at an index of a list.',
    // LSET key index element
    handler: (s, argv) => {
      lists.set(s.db, toKey(argv[1]), argv[2], argv[3]);
      return OK;
    },
  },
  {
    name: 'linsert',
    summary: 'Inserts an element before or after the first occurrence of a pivot element.',
    // LINSERT key <BEFORE | AFTER> pivot element
    handler: (s, argv) => {
      let before: boolean;
      if (isOption(argv[2], 'AFTER')) before = false;
      else if (isOption(argv[2], 'BEFORE')) before = true;
      else return syntaxError();
      return lists.insert(s.db, toKey(argv[1]), before, argv[3], argv[4]);
    },
  },
  {
    name: 'lrem',
    summary: 'Removes occurrences of an element from a list, from the head, the tail, or all.',
    // LREM key count element
    handler: (s, argv) => lists.rem(s.db, toKey(argv[1]), parseInteger(argv[2]), argv[3]),
  },
  {
    name: 'ltrim',
    summary: 'Trims a list to the given range of indexes.',
    // LTRIM key start stop
    handler: (s, argv) => {
      const start = parseInteger(argv[2]);
      const stop = parseInteger(argv[3]);
      lists.trim(s.db, toKey(argv[1]), start, stop);
      return OK;
    },
  },
  {
    name: 'lpos',
    summary: 'Returns the index, or indexes, of matching elements in a list.',
    // LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
    handler: (s, argv) => {
      let rank = 1;
      let count = -1;
      let maxlen = 0;
      for (let j = 3; j < argv.length; j++) {
        const opt = argv[j];
        const more = j < argv.length - 1;
        if (more && isOption(opt, 'RANK')) rank = parseRank(argv[++j]);
        else if (more && isOption(opt, 'COUNT')) count = parseNonNegative(argv[++j], Err.lposCountNegative);
        else if (more && isOption(opt, 'MAXLEN'))
          maxlen = parseNonNegative(argv[++j], Err.lposMaxlenNegative);
        else return syntaxError();
      }
      const key = toKey(argv[1]);
      return count === -1
        ? lists.pos(s.db, key, argv[2], rank, maxlen)
        : lists.posAll(s.db, key, argv[2], count, rank, maxlen);
    },
  },
  {
    name: 'lmove',
    summary:
      'Pops an element from one end of a list and pushes it onto an end of another (or the same) list.',
    // LMOVE source destination <LEFT | RIGHT> <LEFT | RIGHT>
    handler: (s, argv) => {
      const from = parseSide(argv[3]);
      const to = parseSide(argv[4]);
      return lists.move(s.db, toKey(argv[1]), toKey(argv[2]), from, to);
    },
  },
  {
    name: 'rpoplpush',
    summary: 'Pops the last element of a list and prepends it to another (or the same) list.',
    // RPOPLPUSH source destination
    handler: (s, argv) => lists.move(s.db, toKey(argv[1]), toKey(argv[2]), false, true),
  },
  {
    name: 'lmpop',
    summary: 'Pops one or more elements from the first non-empty list among several keys.',
    // LMPOP numkeys key [key ...] <LEFT | RIGHT> [COUNT count]
    handler: (s, argv) => {
      const numkeys = parsePositive(argv[1], Err.numkeysPositive);
      const whereAt = numkeys + 2;
      if (whereAt >= argv.length) return syntaxError();
      const left = parseSide(argv[whereAt]);
      let count = -1;
      for (let j = whereAt + 1; j < argv.length; j++) {
        if (count === -1 && j < argv.length - 1 && isOption(argv[j], 'COUNT')) {
          count = parsePositive(argv[++j], Err.countPositive);
        } else {
          return syntaxError();
        }
      }
      const keys = new Array<string>(numkeys);
      for (let i = 0; i < numkeys; i++) keys[i] = toKey(argv[2 + i]);
      const popped = lists.mpop(s.db, keys, left, count === -1 ? 1 : count);
      return popped === null ? NIL_ARRAY : [keyToValue(popped[0]), popped[1]];
    },
  },
];
