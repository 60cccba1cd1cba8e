/**
 * Maps replies by meaning to the values ioredis resolves for a RESP2 connection,
 * so code written against ioredis sees the same shapes from the sync API.
 */
import { ReplyError } from '../errors.js';
import {
  BigNumberReply,
  DoubleReply,
  MapReply,
  NilArrayReply,
  NoReply,
  PairsReply,
  PushReply,
  type Reply,
  SetReply,
  StatusReply,
  VerbatimReply,
} from '../protocol/reply.js';
import { formatDouble } from '../util/numbers.js';

/** What the sync API returns for a reply (errors are thrown, not returned, at top level). */
export type IoredisValue = null | number | string | Buffer | ReplyError | IoredisValue[];

/**
 * Converts a reply: status → its text, integer → number (or its decimal string
 * beyond ±2^53, where ioredis would lose precision), double → string, map/set →
 * flat array, nil → null. Errors nested in arrays (EXEC) stay ReplyError values.
 */
export function toIoredis(reply: Reply): IoredisValue {
  if (reply === null) return null;
  switch (typeof reply) {
    case 'string':
    case 'number':
      return reply;
    case 'bigint':
      return reply.toString();
    case 'boolean':
      return reply ? 1 : 0;
  }
  if (Buffer.isBuffer(reply)) return reply;
  if (Array.isArray(reply)) return reply.map(toIoredis);
  if (reply instanceof StatusReply) return reply.text;
  if (reply instanceof ReplyError) return reply;
  if (reply instanceof DoubleReply) return formatDouble(reply.value);
  if (
    reply instanceof MapReply ||
    reply instanceof SetReply ||
    reply instanceof PushReply ||
    reply instanceof PairsReply
  ) {
    return reply.items.map(toIoredis);
  }
  if (reply instanceof VerbatimReply) return reply.text;
  if (reply instanceof BigNumberReply) return reply.digits;
  if (reply instanceof NilArrayReply || reply instanceof NoReply) return null;
  throw new TypeError('unknown reply');
}
