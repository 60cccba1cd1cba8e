/**
 * Blocking list commands — BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP — as Redis
 * 7.0's t_list.c (blockingPopGenericCommand, blmoveGenericCommand,
 * lmpopGenericCommand), and the glue every blocking command shares: the
 * timeout argument and {@link blockOn}, which queues the session in the
 * engine's registry (engine/blocking.ts).
 *
 * With data there, each behaves as its non-blocking form (same ops, same
 * events). Without, the session blocks; the reply comes when another command
 * makes a key ready (served from that key, in blocking order), at the timeout
 * (the nil array, for BLMOVE too), or from CLIENT UNBLOCK. A session that may
 * not block (inside EXEC, a script, the sync API's `call`) answers at once as
 * Redis does under CLIENT_DENY_BLOCKING: the nil array, or a nil bulk for
 * BLMOVE / BRPOPLPUSH.
 */
import type { Database } from '../engine/database.js';
import { Err, ReplyError, syntaxError } from '../errors.js';
import { BlockedReply, NIL_ARRAY, type Reply } from '../protocol/reply.js';
import * as lists from '../types/list.js';
import { type Arg, isOption, keyToValue, type RedisValue, toKey } from '../util/bytes.js';
import { isFiniteLongDouble, type LongDouble, parseLongDouble } from '../util/long-double.js';
import { parsePositive, parseSide } from './lists.js';
import type { Session } from './session.js';
import type { CommandDef } from './types.js';

/** 2^63: `(long long)` of a long double at or beyond it is LLONG_MIN on x86. */
const TWO_63 = 2 ** 63;

/**
 * A blocking command's timeout in seconds (Redis's getTimeoutFromObjectOrReply
 * with UNIT_SECONDS): a long double, fractions allowed, returned as whole ms to
 * wait; 0 waits forever. Redis truncates `seconds * 1000` to a `long long`, so
 * -0.0001 means forever, and values too large for it (inf, 1e16) come out
 * negative. Throws `ERR timeout is not a float or out of range` or
 * `ERR timeout is negative`.
 */
export function parseTimeout(arg: Arg): number {
  const ld = parseLongDouble(arg);
  if (ld === undefined) throw new ReplyError(Err.timeout);
  const ms = longDoubleToNumber(ld) * 1000;
  if (!(Math.abs(ms) < TWO_63)) throw new ReplyError(Err.timeoutNegative);
  const t = Math.trunc(ms);
  if (t < 0) throw new ReplyError(Err.timeoutNegative);
  // -0.0001 s is -0.1 ms, which truncates to -0: forever, as 0.
  return t === 0 ? 0 : t;
}

/** The double nearest a long double (infinite beyond the double range; precision is moot here). */
function longDoubleToNumber(ld: LongDouble): number {
  if (!isFiniteLongDouble(ld)) return ld.neg ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  const v = ld.m === 0n ? 0 : Number(ld.m) * 2 ** ld.e;
  return ld.neg ? -v : v;
}

/** Turns what a served retry threw into its reply (Redis replies the error to the blocked client). */
function errorReply(e: unknown): Reply {
  if (e instanceof ReplyError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new ReplyError(`ERR internal error serving a blocked client: ${message}`.replace(/[\r\n]/g, ' '));
}

/**
 * Blocks the session on `keys` for `timeoutMs` (0 = forever): `retry(key)` is
 * called when `key` becomes ready and returns the reply, or undefined to keep
 * waiting (it must then change nothing); it may throw a ReplyError, which
 * becomes the reply. The timeout replies the nil array. A session that may not
 * block gets `denied` at once instead. For every blocking command (the zset
 * ones too).
 */
export function blockOn(
  s: Session,
  keys: readonly string[],
  timeoutMs: number,
  retry: (key: string) => Reply | undefined,
  denied: Reply = NIL_ARRAY,
): Reply {
  if (s.denyBlocking) return denied;
  const waiter = s.engine.blocking.block<Reply>({
    db: s.db,
    keys,
    timeoutMs,
    retry,
    error: errorReply,
    timeoutReply: NIL_ARRAY,
    owner: s,
  });
  return new BlockedReply(waiter);
}

/** The non-empty list at `key`, looked up as Redis serves a ready key (no stats); else undefined. */
function readyList(db: Database, key: string): lists.RedisList | undefined {
  const v = db.peek(key);
  return v instanceof lists.RedisList && v.length !== 0 ? v : undefined;
}

/**
 * B[LR]POP and BLMPOP: pops from the first non-empty list among `keys` (WRONGTYPE
 * when a key of another type comes first), else blocks. `count` -1 is the
 * BLPOP form (`[key, element]`); otherwise BLMPOP's (`[key, [elements]]`).
 */
function popOrBlock(s: Session, keys: string[], left: boolean, count: number, timeoutMs: number): Reply {
  const db = s.db;
  const popped = lists.mpop(db, keys, left, count === -1 ? 1 : count);
  if (popped !== null) return popReply(popped, count);
  return blockOn(s, keys, timeoutMs, (key) => {
    if (readyList(db, key) === undefined) return undefined;
    const served = lists.mpop(db, [key], left, count === -1 ? 1 : count);
    return served === null ? undefined : popReply(served, count);
  });
}

/** `[key, element]` for the BLPOP form (count -1), `[key, [elements]]` for BLMPOP's. */
function popReply(popped: [key: string, values: RedisValue[]], count: number): Reply {
  return count === -1 ? [keyToValue(popped[0]), popped[1][0]] : [keyToValue(popped[0]), popped[1]];
}

/** BLMOVE / BRPOPLPUSH: LMOVE when the source has elements, else blocks on the source. */
function moveOrBlock(
  s: Session,
  src: string,
  dst: string,
  fromLeft: boolean,
  toLeft: boolean,
  timeoutMs: number,
): Reply {
  const db = s.db;
  // WRONGTYPE for the source, then (when it has elements) for the destination, as LMOVE.
  const moved = lists.move(db, src, dst, fromLeft, toLeft);
  if (moved !== null) return moved;
  return blockOn(
    s,
    [src],
    timeoutMs,
    // A destination of another type by then is the blocked client's WRONGTYPE (nothing moves).
    (key) =>
      readyList(db, key) === undefined
        ? undefined
        : (lists.move(db, src, dst, fromLeft, toLeft) ?? undefined),
    null,
  );
}

/** The keys argv[from..to) as keyspace keys. */
function keysOf(argv: Arg[], from: number, to: number): string[] {
  const keys = new Array<string>(to - from);
  for (let i = from; i < to; i++) keys[i - from] = toKey(argv[i]);
  return keys;
}

/** BLMPOP's arguments after the timeout, in lmpopGenericCommand's order (numkeys, side, COUNT). */
function blmpop(s: Session, argv: Arg[]): Reply {
  const numkeys = parsePositive(argv[2], Err.numkeysPositive);
  const whereAt = numkeys + 3;
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
  // The timeout is read only now, as blockingPopGenericCommand does.
  const timeoutMs = parseTimeout(argv[1]);
  return popOrBlock(s, keysOf(argv, 3, 3 + numkeys), left, count === -1 ? 1 : count, timeoutMs);
}

export const blockingListCommands: CommandDef[] = [
  {
    name: 'blpop',
    summary:
      'Removes and returns the first element of the first non-empty list, blocking until one is available.',
    // BLPOP key [key ...] timeout
    handler: (s, argv) => {
      const timeoutMs = parseTimeout(argv[argv.length - 1]);
      return popOrBlock(s, keysOf(argv, 1, argv.length - 1), true, -1, timeoutMs);
    },
  },
  {
    name: 'brpop',
    summary:
      'Removes and returns the last element of the first non-empty list, blocking until one is available.',
    // BRPOP key [key ...] timeout
    handler: (s, argv) => {
      const timeoutMs = parseTimeout(argv[argv.length - 1]);
      return popOrBlock(s, keysOf(argv, 1, argv.length - 1), false, -1, timeoutMs);
    },
  },
  {
    name: 'blmove',
    summary:
      'Moves an element from one end of a list to an end of another, blocking until the source has one.',
    // BLMOVE source destination <LEFT | RIGHT> <LEFT | RIGHT> timeout
    handler: (s, argv) => {
      const from = parseSide(argv[3]);
      const to = parseSide(argv[4]);
      const timeoutMs = parseTimeout(argv[5]);
      return moveOrBlock(s, toKey(argv[1]), toKey(argv[2]), from, to, timeoutMs);
    },
  },
  {
    name: 'brpoplpush',
    summary: 'Moves the last element of a list to the head of another, blocking until the source has one.',
    // BRPOPLPUSH source destination timeout
    handler: (s, argv) => {
      const timeoutMs = parseTimeout(argv[3]);
      return moveOrBlock(s, toKey(argv[1]), toKey(argv[2]), false, true, timeoutMs);
    },
  },
  {
    name: 'blmpop',
    summary:
      'Pops one or more elements from the first non-empty list among several, blocking until one has elements.',
    // BLMPOP timeout numkeys key [key ...] <LEFT | RIGHT> [COUNT count]
    handler: blmpop,
  },
];
