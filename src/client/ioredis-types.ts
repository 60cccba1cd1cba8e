/**
 * Types of the command methods `cachee/ioredis` installs from the command table:
 * the sync API's method types (command-methods.ts and Cachee's fast paths) turned
 * into ioredis's: a Promise of the reply decoded as UTF-8 for `get`, of Buffers
 * for `getBuffer`, with an optional node-style callback as the last argument.
 */
import type { CallArg } from './arguments.js';
import type { Cachee } from './cachee.js';
import type { CommandMethods } from './command-methods.js';
import type { Callback } from './ioredis-reply.js';
import type { IoredisValue } from './ioredis-shape.js';

/** A reply as a string-decoding method resolves it (EXEC without `multi()` may nest errors). */
export type ReplyValue = null | number | string | Error | ReplyValue[];
/** A reply as a `...Buffer` method resolves it. */
export type BufferReplyValue = null | number | Buffer | Error | BufferReplyValue[];

/** A sync-API reply type with Buffers decoded to strings, as ioredis's string methods resolve. */
export type Decoded<T> = [IoredisValue] extends [T]
  ? ReplyValue
  : T extends Buffer
    ? string
    : T extends Error
      ? T
      : T extends readonly unknown[]
        ? { -readonly [K in keyof T]: Decoded<T[K]> }
        : T;

/** A sync-API reply type with strings as Buffers, as ioredis's `...Buffer` methods resolve. */
export type Encoded<T> = [IoredisValue] extends [T]
  ? BufferReplyValue
  : T extends string | Buffer
    ? Buffer
    : T extends Error
      ? T
      : T extends readonly unknown[]
        ? { -readonly [K in keyof T]: Encoded<T[K]> }
        : T;

/** A command method: arguments as ioredis takes them, an optional callback last, a Promise of `R`. */
export type AsyncCommand<R> = (...args: (CallArg | Callback<R>)[]) => Promise<R>;

/** Sync-API fast paths and Promise methods whose types the async client derives its own from. */
type CoreMethods = Pick<
  Cachee,
  | 'get'
  | 'set'
  | 'incr'
  | 'decr'
  | 'incrby'
  | 'mget'
  | 'lpush'
  | 'rpush'
  | 'lpop'
  | 'rpop'
  | 'hget'
  | 'hset'
  | 'sadd'
  | 'sismember'
  | 'zadd'
  | 'zscore'
  | 'zrank'
  | 'zincrby'
  | 'blpop'
  | 'brpop'
  | 'blmove'
  | 'brpoplpush'
  | 'blmpop'
  | 'eval'
  | 'evalsha'
  | 'fcall'
>;

type SourceMethods = CommandMethods & CoreMethods;
type Reply<K extends keyof SourceMethods> = Awaited<ReturnType<SourceMethods[K]>>;

/** Every command as a string-decoding method: `await redis.get('k')` is a string or null. */
export type StringCommands = { [K in keyof SourceMethods]: AsyncCommand<Decoded<Reply<K>>> };

/** Every command as a Buffer method: `await redis.getBuffer('k')` is a Buffer or null. */
export type BufferCommands = { [K in keyof SourceMethods as `${K}Buffer`]: AsyncCommand<Encoded<Reply<K>>> };

/** Commands the client itself shapes (HGETALL's object, the subscribe family's counts). */
export interface ClientShapedCommands {
  /** HGETALL key — an object of field → value. */
  hgetall: AsyncCommand<Record<string, string>>;
  hgetallBuffer: AsyncCommand<Record<string, Buffer>>;
  /** SUBSCRIBE channel [channel ...] — enters subscriber mode; resolves to the number of subscriptions. */
  subscribe: AsyncCommand<number>;
  /** PSUBSCRIBE pattern [pattern ...] */
  psubscribe: AsyncCommand<number>;
  /** SSUBSCRIBE shardchannel [shardchannel ...] */
  ssubscribe: AsyncCommand<number>;
  /** UNSUBSCRIBE [channel ...] — resolves to the subscriptions left. */
  unsubscribe: AsyncCommand<number>;
  /** PUNSUBSCRIBE [pattern ...] */
  punsubscribe: AsyncCommand<number>;
  /** SUNSUBSCRIBE [shardchannel ...] */
  sunsubscribe: AsyncCommand<number>;
}

/** Table commands the sync API's method types do not list yet: a generic reply. */
type OtherCommandNames =
  | 'config'
  | 'debug'
  | 'lastsave'
  | 'latency'
  | 'memory'
  | 'reset'
  | 'shutdown'
  | 'slowlog'
  | 'sort'
  | 'sort_ro'
  | 'time'
  | 'wait';
type OtherCommands = { [K in OtherCommandNames]: AsyncCommand<ReplyValue> } & {
  [K in OtherCommandNames as `${K}Buffer`]: AsyncCommand<BufferReplyValue>;
};

/** The command methods of the async client. */
export type RedisCommands = Omit<StringCommands, keyof ClientShapedCommands> &
  BufferCommands &
  ClientShapedCommands &
  OtherCommands;

/** The command methods of a pipeline or transaction: each queues its command and returns the builder. */
export type ChainableCommands<T> = {
  [K in keyof RedisCommands]: (...args: (CallArg | Callback<never>)[]) => T;
};
