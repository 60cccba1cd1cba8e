/**
 * Sorted-set commands: argv parsing in Redis 7.0's order — which decides which
 * error a bad command gets — over the ops in types/zset.ts. The blocking pops
 * (BZPOPMIN, BZPOPMAX, BZMPOP) wait through commands/blocking.ts's blockOn.
 * Scores are doubles (RESP3 `,`, RESP2 `%.17g` bulk strings); member-score
 * pairs are flat in RESP2 and nested in RESP3 ({@link PairsReply}), except
 * ZMPOP's and BZMPOP's, which Redis nests in both, and BZPOPMIN's
 * `[key, member, score]`, flat in both.
 */
import type { Database } from '../engine/database.js';
import { parseScanCursor } from '../engine/scan-cursors.js';
import { Err, ReplyError, syntaxError } from '../errors.js';
import { DoubleReply, NIL_ARRAY, PairsReply, type Reply } from '../protocol/reply.js';
import * as zsets from '../types/zset.js';
import { type Arg, isOption, keyToValue, toKey } from '../util/bytes.js';
import { INT64_MIN, parseDouble, parseInt64, parseInteger, tryParseInt64 } from '../util/numbers.js';
import { blockOn, parseTimeout } from './blocking.js';
import { parseScanOptions } from './keys.js';
import type { Session } from './session.js';
import type { CommandDef, Handler } from './types.js';

/** LONG_MAX / 2: ZRANDMEMBER's WITHSCORES bound, so that count × 2 cannot overflow. */
const HALF_LONG_MAX = 4611686018427387903n;

/** A score or null as a reply. */
function score(v: number | null): Reply {
  return v === null ? null : new DoubleReply(v);
}

/** Members with their scores: `[m1, s1, m2, s2, ...]` as pairs. */
function withScores(range: zsets.ZRange): PairsReply {
  const { members, scores } = range;
  const items = new Array<Reply>(members.length * 2);
  for (let i = 0; i < members.length; i++) {
    items[2 * i] = members[i];
    items[2 * i + 1] = new DoubleReply(scores[i]);
  }
  return new PairsReply(items);
}

/** Members with their scores as `[[m1, s1], [m2, s2], ...]` in both protocols (ZMPOP). */
function nestedPairs(range: zsets.ZRange): Reply[] {
  const { members, scores } = range;
  const out = new Array<Reply>(members.length);
  for (let i = 0; i < members.length; i++) out[i] = [members[i], new DoubleReply(scores[i])];
  return out;
}

/** argv[from..to) as keys. */
function keysOf(argv: readonly Arg[], from: number, to: number): string[] {
  const out = new Array<string>(to - from);
  for (let i = from; i < to; i++) out[i - from] = toKey(argv[i]);
  return out;
}

/**
 * A `long` in min..LONG_MAX, any failure answered with `message` (Redis's
 * getRangeLongFromObjectOrReply); beyond 2^53 clamped, which no count notices.
 */
function parseLongAtLeast(arg: Arg, min: number, message: string): number {
  const v = tryParseInt64(arg);
  if (v === undefined || v < min) throw new ReplyError(message);
  return typeof v === 'number' ? v : Number.MAX_SAFE_INTEGER;
}

// --- ZADD / ZINCRBY -------------------------------------------------------------------

/** ZADD key [NX | XX] [GT | LT] [CH] [INCR] score member [score member ...] */
const zadd: Handler = (s, argv) => {
  let flags = 0;
  let at = 2;
  for (; at < argv.length; at++) {
    const a = argv[at];
    if (isOption(a, 'NX')) flags |= zsets.ZADD_NX;
    else if (isOption(a, 'XX')) flags |= zsets.ZADD_XX;
    else if (isOption(a, 'CH')) flags |= zsets.ZADD_CH;
    else if (isOption(a, 'INCR')) flags |= zsets.ZADD_INCR;
    else if (isOption(a, 'GT')) flags |= zsets.ZADD_GT;
    else if (isOption(a, 'LT')) flags |= zsets.ZADD_LT;
    else break;
  }
  const elements = argv.length - at;
  if (elements === 0 || elements % 2 !== 0) return syntaxError();
  const pairs = elements / 2;
  zsets.checkZaddFlags(flags, pairs);
  const key = toKey(argv[1]);
  if ((flags & zsets.ZADD_INCR) !== 0) {
    const incr = parseDouble(argv[at]);
    return score(zsets.zaddIncr(s.db, key, incr, argv[at + 1], flags & ~zsets.ZADD_CH));
  }
  if (pairs === 1) return zsets.zaddOne(s.db, key, parseDouble(argv[at]), argv[at + 1], flags);
  const scores = new Array<number>(pairs);
  const members = new Array<Arg>(pairs);
  for (let i = 0; i < pairs; i++) {
    scores[i] = parseDouble(argv[at + 2 * i]);
    members[i] = argv[at + 2 * i + 1];
  }
  return zsets.zadd(s.db, key, scores, members, flags);
};

// --- ZRANGE and its older forms ---------------------------------------------------------

const BY_AUTO = 0;
const BY_RANK = 1;
const BY_SCORE = 2;
const BY_LEX = 3;

const DIR_AUTO = 0;
const DIR_FORWARD = 1;
const DIR_REVERSE = 2;

/**
 * Redis's zrangeGenericCommand: ZRANGE, ZRANGESTORE (`store`), and the older
 * Z[REV]RANGE[BYSCORE|BYLEX] forms (a fixed `by` and direction). `src` is the
 * index of the source key; min and max follow it.
 */
function zrangeGeneric(s: Session, argv: Arg[], src: number, store: boolean, by: number, dir: number): Reply {
  let minAt = src + 1;
  let maxAt = src + 2;
  let scores = false;
  let offset = 0;
  let limit = -1;
  for (let j = src + 3; j < argv.length; j++) {
    const a = argv[j];
    if (!store && isOption(a, 'WITHSCORES')) {
      scores = true;
    } else if (isOption(a, 'LIMIT') && argv.length - j - 1 >= 2) {
      offset = parseInteger(argv[j + 1]);
      limit = parseInteger(argv[j + 2]);
      j += 2;
    } else if (dir === DIR_AUTO && isOption(a, 'REV')) {
      dir = DIR_REVERSE;
    } else if (by === BY_AUTO && isOption(a, 'BYLEX')) {
      by = BY_LEX;
    } else if (by === BY_AUTO && isOption(a, 'BYSCORE')) {
      by = BY_SCORE;
    } else {
      return syntaxError();
    }
  }
  if (by === BY_AUTO) by = BY_RANK;
  const rev = dir === DIR_REVERSE;
  if (limit !== -1 && by === BY_RANK) throw new ReplyError(Err.zrangeLimitNeedsBy);
  if (scores && by === BY_LEX) throw new ReplyError(Err.zrangeWithScoresByLex);
  if (rev && by !== BY_RANK) {
    // The range is given as max, min.
    minAt = src + 2;
    maxAt = src + 1;
  }
  const db = s.db;
  const key = toKey(argv[src]);
  let range: zsets.ZRange;
  if (by === BY_RANK) {
    const start = parseInteger(argv[minAt]);
    const stop = parseInteger(argv[maxAt]);
    range = zsets.zrangeByRank(db, key, start, stop, rev);
  } else if (by === BY_SCORE) {
    const r = zsets.parseScoreRange(argv[minAt], argv[maxAt]);
    range = zsets.zrangeByScore(db, key, r, rev, offset, limit);
  } else {
    const r = zsets.parseLexRange(argv[minAt], argv[maxAt]);
    range = zsets.zrangeByLex(db, key, r, rev, offset, limit);
  }
  if (store) return zsets.zrangeStore(db, toKey(argv[1]), range, by === BY_RANK ? range.members.length : -1);
  return scores ? withScores(range) : range.members;
}

// --- ZUNION / ZINTER / ZDIFF --------------------------------------------------------------

const OP_UNION = 0;
const OP_INTER = 1;
const OP_DIFF = 2;
const OP_INTERCARD = 3;

/**
 * Redis's zunionInterDiffGenericCommand: numkeys at `numkeysAt`, the keys after
 * it (looked up before the options are parsed), then WEIGHTS / AGGREGATE
 * (not for ZDIFF), WITHSCORES (not for the STORE forms) or LIMIT (ZINTERCARD).
 */
function zsetOp(s: Session, argv: Arg[], name: string, numkeysAt: number, op: number, store: boolean): Reply {
  const setnum = parseInteger(argv[numkeysAt]);
  if (setnum < 1) throw new ReplyError(Err.zsetOpNoKeys(name));
  if (setnum > argv.length - (numkeysAt + 1)) return syntaxError();
  const db = s.db;
  const sources = zsets.zsetOpSources(db, keysOf(argv, numkeysAt + 1, numkeysAt + 1 + setnum));
  let weights: number[] | undefined;
  let how: zsets.ZAggregate = 'sum';
  let scores = false;
  let limit = 0;
  const card = op === OP_INTERCARD;
  for (let j = numkeysAt + 1 + setnum; j < argv.length; ) {
    const remaining = argv.length - j;
    const a = argv[j];
    if (op !== OP_DIFF && !card && remaining >= setnum + 1 && isOption(a, 'WEIGHTS')) {
      j++;
      weights = new Array<number>(setnum);
      for (let i = 0; i < setnum; i++, j++) weights[i] = parseDouble(argv[j], Err.zsetWeightNotFloat);
    } else if (op !== OP_DIFF && !card && remaining >= 2 && isOption(a, 'AGGREGATE')) {
      const b = argv[j + 1];
      if (isOption(b, 'SUM')) how = 'sum';
      else if (isOption(b, 'MIN')) how = 'min';
      else if (isOption(b, 'MAX')) how = 'max';
      else return syntaxError();
      j += 2;
    } else if (!store && !card && isOption(a, 'WITHSCORES')) {
      scores = true;
      j++;
    } else if (card && remaining >= 2 && isOption(a, 'LIMIT')) {
      limit = parseLongAtLeast(argv[j + 1], 0, Err.limitNegative);
      j += 2;
    } else {
      return syntaxError();
    }
  }
  if (card) return zsets.zsetInterCard(sources, limit);
  const result =
    op === OP_UNION
      ? zsets.zsetUnion(sources, weights, how)
      : op === OP_INTER
        ? zsets.zsetInter(sources, weights, how)
        : zsets.zsetDiff(sources);
  if (store) return zsets.zsetStore(db, toKey(argv[1]), result, name);
  const range = result.rangeByRank(0, -1);
  return scores ? withScores(range) : range.members;
}

// --- pops -------------------------------------------------------------------------------------

/** ZPOPMIN / ZPOPMAX key [count] */
function zpopHandler(max: boolean): Handler {
  return (s, argv) => {
    if (argv.length > 3) return syntaxError();
    const key = toKey(argv[1]);
    if (argv.length === 2) {
      const { members, scores } = zsets.zpop(s.db, key, max, 1);
      return members.length === 0 ? [] : [members[0], new DoubleReply(scores[0])];
    }
    const count = parseLongAtLeast(argv[2], 0, Err.mustBePositive);
    return withScores(zsets.zpop(s.db, key, max, count));
  };
}

/**
 * Parses `numkeys key [key ...] MIN|MAX [COUNT count]` from argv[at..] (ZMPOP,
 * BZMPOP): the keys, the end, and the count (1 when not given).
 */
export function parseZmpop(
  argv: readonly Arg[],
  at: number,
): { keys: string[]; max: boolean; count: number } {
  const numkeys = parseLongAtLeast(argv[at], 1, Err.numkeysPositive);
  const whereAt = at + numkeys + 1;
  if (whereAt >= argv.length) return syntaxError();
  let max: boolean;
  if (isOption(argv[whereAt], 'MIN')) max = false;
  else if (isOption(argv[whereAt], 'MAX')) max = true;
  else return syntaxError();
  let count = -1;
  for (let j = whereAt + 1; j < argv.length; j++) {
    if (count === -1 && j < argv.length - 1 && isOption(argv[j], 'COUNT')) {
      count = parseLongAtLeast(argv[++j], 1, Err.countPositive);
    } else {
      return syntaxError();
    }
  }
  return { keys: keysOf(argv, at + 1, whereAt), max, count: count === -1 ? 1 : count };
}

/** ZMPOP's (and BZMPOP's) reply: `[key, [[member, score], ...]]`, nested in both protocols. */
export function zmpopReply(key: string, popped: zsets.ZRange): Reply {
  return [keyToValue(key), nestedPairs(popped)];
}

// --- blocking pops (engine/blocking.ts through commands/blocking.ts's blockOn) -------------

/** True when `key` holds a non-empty sorted set, looked up as Redis serves a ready key (no stats). */
function readyZSet(db: Database, key: string): boolean {
  const v = db.peek(key);
  return v instanceof zsets.ZSet && v.size !== 0;
}

/** BZPOPMIN / BZPOPMAX's reply: `[key, member, score]`, flat in both protocols. */
function bzpopReply(key: string, popped: zsets.ZRange): Reply {
  return [keyToValue(key), popped.members[0], new DoubleReply(popped.scores[0])];
}

/**
 * BZPOPMIN / BZPOPMAX key [key ...] timeout: ZPOPMIN / ZPOPMAX on the first key
 * that exists (WRONGTYPE when it is not a sorted set), else blocks until one of
 * the keys holds a sorted set, served from that key. The timeout is parsed first.
 */
function bzpopHandler(max: boolean): Handler {
  return (s, argv) => {
    const timeoutMs = parseTimeout(argv[argv.length - 1]);
    const keys = keysOf(argv, 1, argv.length - 1);
    const db = s.db;
    const out = zsets.zmpop(db, keys, max, 1);
    if (out !== null) return bzpopReply(out.key, out.popped);
    return blockOn(s, keys, timeoutMs, (key) =>
      readyZSet(db, key) ? bzpopReply(key, zsets.zpop(db, key, max, 1)) : undefined,
    );
  };
}

/** BZMPOP timeout numkeys key [key ...] <MIN | MAX> [COUNT count]: ZMPOP, else blocks. */
const bzmpop: Handler = (s, argv) => {
  // As zmpopGenericCommand: numkeys, the end and COUNT first, the timeout after.
  const { keys, max, count } = parseZmpop(argv, 2);
  const timeoutMs = parseTimeout(argv[1]);
  const db = s.db;
  const out = zsets.zmpop(db, keys, max, count);
  if (out !== null) return zmpopReply(out.key, out.popped);
  return blockOn(s, keys, timeoutMs, (key) =>
    readyZSet(db, key) ? zmpopReply(key, zsets.zpop(db, key, max, count)) : undefined,
  );
};

// ---------------------------------------------------------------------------------------------

export const zsetCommands: CommandDef[] = [
  {
    name: 'zadd',
    summary:
      'Adds members with scores to a sorted set, or updates their scores; returns how many were added (or changed, with CH).',
    // ZADD key [NX | XX] [GT | LT] [CH] [INCR] score member [score member ...]
    handler: zadd,
  },
  {
    name: 'zincrby',
    summary: 'Adds to the score of a member of a sorted set, adding the member when absent.',
    // ZINCRBY key increment member
    handler: (s, argv) => new DoubleReply(zsets.zincrby(s.db, toKey(argv[1]), parseDouble(argv[2]), argv[3])),
  },
  {
    name: 'zscore',
    summary: 'Returns the score of a member of a sorted set.',
    // ZSCORE key member
    handler: (s, argv) => score(zsets.zscore(s.db, toKey(argv[1]), argv[2])),
  },
  {
    name: 'zmscore',
    summary: 'Returns the scores of several members of a sorted set, nil for missing ones.',
    // ZMSCORE key member [member ...]
    handler: (s, argv) => zsets.zmscore(s.db, toKey(argv[1]), argv.slice(2)).map(score),
  },
  {
    name: 'zcard',
    summary: 'Returns the number of members of a sorted set.',
    // ZCARD key
    handler: (s, argv) => zsets.zcard(s.db, toKey(argv[1])),
  },
  {
    name: 'zcount',
    summary: 'Counts the members of a sorted set whose score is within a range.',
    // ZCOUNT key min max
    handler: (s, argv) => {
      const range = zsets.parseScoreRange(argv[2], argv[3]);
      return zsets.zcount(s.db, toKey(argv[1]), range);
    },
  },
  {
    name: 'zlexcount',
    summary: 'Counts the members of a sorted set within a lexicographic range.',
    // ZLEXCOUNT key min max
    handler: (s, argv) => {
      const range = zsets.parseLexRange(argv[2], argv[3]);
      return zsets.zlexcount(s.db, toKey(argv[1]), range);
    },
  },
  {
    name: 'zrank',
    summary: 'Returns the rank of a member in a sorted set, lowest score first.',
    // ZRANK key member
    handler: (s, argv) => zsets.zrank(s.db, toKey(argv[1]), argv[2]),
  },
  {
    name: 'zrevrank',
    summary: 'Returns the rank of a member in a sorted set, highest score first.',
    // ZREVRANK key member
    handler: (s, argv) => zsets.zrank(s.db, toKey(argv[1]), argv[2], true),
  },
  {
    name: 'zrange',
    summary:
      'Returns members of a sorted set by rank, score or lexicographic range, in either order, optionally with scores.',
    // ZRANGE key start stop [BYSCORE | BYLEX] [REV] [LIMIT offset count] [WITHSCORES]
    handler: (s, argv) => zrangeGeneric(s, argv, 1, false, BY_AUTO, DIR_AUTO),
  },
  {
    name: 'zrangestore',
    summary: 'Stores a range of a sorted set (by rank, score or lexicographic order) at another key.',
    // ZRANGESTORE dst src min max [BYSCORE | BYLEX] [REV] [LIMIT offset count]
    handler: (s, argv) => zrangeGeneric(s, argv, 2, true, BY_AUTO, DIR_AUTO),
  },
  {
    name: 'zrevrange',
    summary: 'Returns members of a sorted set by rank, highest score first.',
    // ZREVRANGE key start stop [WITHSCORES]
    handler: (s, argv) => zrangeGeneric(s, argv, 1, false, BY_RANK, DIR_REVERSE),
  },
  {
    name: 'zrangebyscore',
    summary: 'Returns the members of a sorted set within a score range, lowest first.',
    // ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count]
    handler: (s, argv) => zrangeGeneric(s, argv, 1, false, BY_SCORE, DIR_FORWARD),
  },
  {
    name: 'zrevrangebyscore',
    summary: 'Returns the members of a sorted set within a score range, highest first.',
    // ZREVRANGEBYSCORE key max min [WITHSCORES] [LIMIT offset count]
    handler: (s, argv) => zrangeGeneric(s, argv, 1, false, BY_SCORE, DIR_REVERSE),
  },
  {
    name: 'zrangebylex',
    summary: 'Returns the members of a sorted set within a lexicographic range, in order.',
    // ZRANGEBYLEX key min max [LIMIT offset count]
    handler: (s, argv) => zrangeGeneric(s, argv, 1, false, BY_LEX, DIR_FORWARD),
  },
  {
    name: 'zrevrangebylex',
    summary: 'Returns the members of a sorted set within a lexicographic range, in reverse order.',
    // ZREVRANGEBYLEX key max min [LIMIT offset count]
    handler: (s, argv) => zrangeGeneric(s, argv, 1, false, BY_LEX, DIR_REVERSE),
  },
  {
    name: 'zrem',
    summary: 'Removes members from a sorted set, and the key when it empties.',
    // ZREM key member [member ...]
    handler: (s, argv) => zsets.zrem(s.db, toKey(argv[1]), argv.slice(2)),
  },
  {
    name: 'zremrangebyrank',
    summary: 'Removes the members of a sorted set within a range of ranks.',
    // ZREMRANGEBYRANK key start stop
    handler: (s, argv) => {
      const start = parseInteger(argv[2]);
      const stop = parseInteger(argv[3]);
      return zsets.zremRangeByRank(s.db, toKey(argv[1]), start, stop);
    },
  },
  {
    name: 'zremrangebyscore',
    summary: 'Removes the members of a sorted set within a score range.',
    // ZREMRANGEBYSCORE key min max
    handler: (s, argv) => {
      const range = zsets.parseScoreRange(argv[2], argv[3]);
      return zsets.zremRangeByScore(s.db, toKey(argv[1]), range);
    },
  },
  {
    name: 'zremrangebylex',
    summary: 'Removes the members of a sorted set within a lexicographic range.',
    // ZREMRANGEBYLEX key min max
    handler: (s, argv) => {
      const range = zsets.parseLexRange(argv[2], argv[3]);
      return zsets.zremRangeByLex(s.db, toKey(argv[1]), range);
    },
  },
  {
    name: 'zpopmin',
    summary: 'Removes and returns the members with the lowest scores of a sorted set.',
    // ZPOPMIN key [count]
    handler: zpopHandler(false),
  },
  {
    name: 'zpopmax',
    summary: 'Removes and returns the members with the highest scores of a sorted set.',
    // ZPOPMAX key [count]
    handler: zpopHandler(true),
  },
  {
    name: 'zmpop',
    summary:
      'Removes and returns members with the lowest or highest scores from the first non-empty sorted set.',
    // ZMPOP numkeys key [key ...] <MIN | MAX> [COUNT count]
    handler: (s, argv) => {
      const { keys, max, count } = parseZmpop(argv, 1);
      const out = zsets.zmpop(s.db, keys, max, count);
      return out === null ? NIL_ARRAY : zmpopReply(out.key, out.popped);
    },
  },
  {
    name: 'bzpopmin',
    summary:
      'Removes and returns the member with the lowest score from the first non-empty sorted set, blocking until there is one.',
    // BZPOPMIN key [key ...] timeout
    handler: bzpopHandler(false),
  },
  {
    name: 'bzpopmax',
    summary:
      'Removes and returns the member with the highest score from the first non-empty sorted set, blocking until there is one.',
    // BZPOPMAX key [key ...] timeout
    handler: bzpopHandler(true),
  },
  {
    name: 'bzmpop',
    summary:
      'Removes and returns members with the lowest or highest scores from the first non-empty sorted set, blocking until there is one.',
    // BZMPOP timeout numkeys key [key ...] <MIN | MAX> [COUNT count]
    handler: bzmpop,
  },
  {
    name: 'zrandmember',
    summary: 'Returns one or more random members of a sorted set, optionally with their scores.',
    // ZRANDMEMBER key [count [WITHSCORES]]
    handler: (s, argv) => {
      if (argv.length === 2) return zsets.zrandmember(s.db, toKey(argv[1]));
      const l = parseInt64(argv[2]);
      if (l === INT64_MIN) {
        throw new ReplyError(Err.outOfRangeBetween('-9223372036854775807', '9223372036854775807'));
      }
      if (argv.length > 4 || (argv.length === 4 && !isOption(argv[3], 'WITHSCORES'))) return syntaxError();
      const scores = argv.length === 4;
      if (scores && (l < -HALF_LONG_MAX || l > HALF_LONG_MAX)) throw new ReplyError(Err.valueOutOfRange);
      const count = typeof l === 'number' ? l : l > 0n ? Number.MAX_SAFE_INTEGER : -Number.MAX_SAFE_INTEGER;
      const range = zsets.zrandmemberCount(s.db, toKey(argv[1]), count);
      return scores ? withScores(range) : range.members;
    },
  },
  {
    name: 'zunion',
    summary: 'Returns the union of sorted sets (and sets), scores weighted and aggregated.',
    // ZUNION numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE <SUM | MIN | MAX>] [WITHSCORES]
    handler: (s, argv) => zsetOp(s, argv, 'zunion', 1, OP_UNION, false),
  },
  {
    name: 'zunionstore',
    summary: 'Stores the union of sorted sets (and sets) at a key; returns its size.',
    // ZUNIONSTORE destination numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE <SUM | MIN | MAX>]
    handler: (s, argv) => zsetOp(s, argv, 'zunionstore', 2, OP_UNION, true),
  },
  {
    name: 'zinter',
    summary: 'Returns the intersection of sorted sets (and sets), scores weighted and aggregated.',
    // ZINTER numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE <SUM | MIN | MAX>] [WITHSCORES]
    handler: (s, argv) => zsetOp(s, argv, 'zinter', 1, OP_INTER, false),
  },
  {
    name: 'zinterstore',
    summary: 'Stores the intersection of sorted sets (and sets) at a key; returns its size.',
    // ZINTERSTORE destination numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE <SUM | MIN | MAX>]
    handler: (s, argv) => zsetOp(s, argv, 'zinterstore', 2, OP_INTER, true),
  },
  {
    name: 'zintercard',
    summary:
      'Returns the size of the intersection of sorted sets (and sets), optionally counting no further than a limit.',
    // ZINTERCARD numkeys key [key ...] [LIMIT limit]
    handler: (s, argv) => zsetOp(s, argv, 'zintercard', 1, OP_INTERCARD, false),
  },
  {
    name: 'zdiff',
    summary: 'Returns the members of the first sorted set (or set) that are in none of the others.',
    // ZDIFF numkeys key [key ...] [WITHSCORES]
    handler: (s, argv) => zsetOp(s, argv, 'zdiff', 1, OP_DIFF, false),
  },
  {
    name: 'zdiffstore',
    summary:
      'Stores the difference of the first sorted set (or set) and the others at a key; returns its size.',
    // ZDIFFSTORE destination numkeys key [key ...]
    handler: (s, argv) => zsetOp(s, argv, 'zdiffstore', 2, OP_DIFF, true),
  },
  {
    name: 'zscan',
    summary: 'Iterates over the members and scores of a sorted set, a few at a time.',
    // ZSCAN key cursor [MATCH pattern] [COUNT count]
    handler: (s, argv) => {
      const cursor = parseScanCursor(argv[2]);
      const zs = zsets.readZSet(s.db, toKey(argv[1]));
      // As Redis, options are parsed only once the key is found to be a sorted set.
      if (zs === undefined) return ['0', []];
      const [next, items] = zsets.scanZSet(zs, cursor, parseScanOptions(argv, 3, false));
      return [String(next), items];
    },
  },
];
