/**
 * `cachee/ioredis`: the ioredis-compatible async client over an in-process engine.
 *
 * ```ts
 * import { Redis } from 'cachee/ioredis'; // or: import Redis from 'cachee/ioredis'
 * const redis = new Redis();
 * await redis.set('k', 'v');
 * ```
 * @packageDocumentation
 */
import { Redis } from './client/ioredis.js';
import type { Pipeline, Transaction } from './client/ioredis-pipeline.js';

export type { CallArg, CommandArg } from './client/arguments.js';
export { Cachee, type CacheeOptions } from './client/cachee.js';
export { CONNECTION_CLOSED_ERROR_MSG, Command, Redis } from './client/ioredis.js';
export type { RedisOptions, RedisStatus, ScriptDefinition } from './client/ioredis-options.js';
export {
  Pipeline,
  type PipelineResult,
  Transaction,
  type TransactionCommand,
} from './client/ioredis-pipeline.js';
export type { Callback } from './client/ioredis-reply.js';
export { ScanStream, type ScanStreamOptions } from './client/ioredis-scan-stream.js';
export type {
  AsyncCommand,
  BufferReplyValue,
  ChainableCommands,
  RedisCommands,
  ReplyValue,
} from './client/ioredis-types.js';
export { Engine, type EngineOptions } from './engine/engine.js';
export { ReplyError } from './errors.js';

/** What `pipeline()` and `multi()` return, under ioredis's name. */
export type ChainableCommander = Pipeline | Transaction;
/** A key as ioredis's types name it. */
export type RedisKey = string | Buffer;

export default Redis;
