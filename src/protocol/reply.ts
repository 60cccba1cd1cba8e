/**
 * Replies by meaning. Handlers return these; only the protocol encoder knows how
 * each looks in RESP2 and RESP3, and the sync API maps them to ioredis's shapes.
 *
 * Plain JS values cover the common replies without allocation:
 * - `null` → nil bulk (`$-1` / `_`)
 * - `number` (an integer) or `bigint` → integer (`:`)
 * - `string` | `Buffer` → bulk string
 * - `Reply[]` → array
 * - `boolean` → RESP3 boolean, RESP2 integer 1/0
 * - a {@link ReplyError} → error
 */
import type { ReplyError } from '../errors.js';

/** A simple string (`+OK`). */
export class StatusReply {
  constructor(readonly text: string) {}
}

/** A double: RESP3 `,`, RESP2 a bulk string in Redis's formatting. */
export class DoubleReply {
  constructor(readonly value: number) {}
}

/** A map (flat key, value, key, value...): RESP3 `%`, RESP2 a flat array. */
export class MapReply {
  constructor(readonly items: Reply[]) {}
}

/**
 * Pairs in order (member, score, member, score...; given flat): RESP2 a flat
 * array, RESP3 an array of 2-element arrays (ZRANGE WITHSCORES, HRANDFIELD WITHVALUES).
 */
export class PairsReply {
  constructor(readonly items: Reply[]) {}
}

/** A set: RESP3 `~`, RESP2 an array. */
export class SetReply {
  constructor(readonly items: Reply[]) {}
}

/** A verbatim string: RESP3 `=` with a 3-letter format (`txt`), RESP2 a bulk string. */
export class VerbatimReply {
  constructor(
    readonly format: string,
    readonly text: string,
  ) {}
}

/** A big number: RESP3 `(`, RESP2 a bulk string. */
export class BigNumberReply {
  constructor(readonly digits: string) {}
}

/** An out-of-band push (RESP3 `>`; RESP2 an array). */
export class PushReply {
  constructor(readonly items: Reply[]) {}
}

/** The null array: RESP2 `*-1`, RESP3 `_` (BLPOP timeout, EXEC aborted by WATCH). */
export class NilArrayReply {}

/** No reply at all (CLIENT REPLY OFF/SKIP, and the QUIT connection close is handled by the server). */
export class NoReply {}

/** A reply still to come: engine/blocking.ts's Waiter, seen from the protocol side. */
export interface PendingReply {
  /** Sets the function that receives the reply (at once when it already came). */
  onReply(listener: (reply: Reply) => void): void;
  /** Gives up waiting (the client went away); false when the reply already came. */
  cancel(): boolean;
}

/**
 * The client must wait: a blocking command (BLPOP, BLMOVE, ...) found nothing and
 * queued itself; its reply arrives later through `pending`. Only callers that may
 * block see this kind (the RESP server, the sync API's Promise methods); it is never
 * encoded.
 */
export class BlockedReply {
  constructor(readonly pending: PendingReply) {}
}

export type Reply =
  | null
  | number
  | bigint
  | boolean
  | string
  | Buffer
  | ReplyError
  | StatusReply
  | DoubleReply
  | MapReply
  | SetReply
  | PairsReply
  | VerbatimReply
  | BigNumberReply
  | PushReply
  | NilArrayReply
  | NoReply
  | BlockedReply
  | Reply[];

export const OK = new StatusReply('OK');
export const PONG = new StatusReply('PONG');
export const QUEUED = new StatusReply('QUEUED');
export const NIL_ARRAY = new NilArrayReply();
export const NO_REPLY = new NoReply();

/** A status reply with the given text. */
export function status(text: string): StatusReply {
  return text === 'OK' ? OK : new StatusReply(text);
}
