/**
 * `redis.pipeline()` and `redis.multi()` of the ioredis-compatible client.
 *
 * A {@link Pipeline} queues commands and sends them one after the other on
 * `exec()`, resolving `[[err, result], ...]`; MULTI / EXEC queued inside it are
 * plain commands, and EXEC's replies get each queued command's reply shape, as
 * ioredis's Pipeline#fillResult gives them. A {@link Transaction} is the sync
 * API's transaction builder (client/multi.ts: MULTI, the commands, EXEC in one
 * run, ioredis's result shapes, EXECABORT with `previousErrors`, null after a
 * WATCHed key changed), with each command's reply encoding applied on top.
 */
import { COMMAND_TABLE } from '../commands/registry.js';
import { ReplyError } from '../errors.js';
import type { Arg } from '../util/bytes.js';
import type { CallArg } from './arguments.js';
import type { Redis, Script } from './ioredis.js';
import {
  asCallback,
  type Callback,
  encodeReply,
  type PipelineResult,
  popCallback,
  type ReplyEncoding,
} from './ioredis-reply.js';
import type { IoredisValue } from './ioredis-shape.js';

export type { PipelineResult };

import type { ChainableCommands } from './ioredis-types.js';
import type { Multi, MultiResult } from './multi.js';

/** A command for `pipeline([...])`, `multi([...])` and `addBatch`: a method name, then its arguments. */
export type TransactionCommand = readonly [string, ...unknown[]];

interface Queued {
  /** The command name, or the script's method name. */
  readonly name: string;
  readonly encoding: ReplyEncoding;
  readonly args: unknown[];
  readonly callback: Callback<never> | undefined;
  readonly script: Script | undefined;
}

/** What a script method or an added builtin queues, on a pipeline or a transaction. */
interface Queueing {
  enqueue(name: string, encoding: ReplyEncoding, args: unknown[], script?: Script): unknown;
}

/** Gives a builder the client's scripts and added commands as methods, as ioredis copies them. */
function copyClientMethods(builder: Queueing, redis: Redis): void {
  const self = builder as unknown as Record<string, unknown>;
  for (const [name, script] of redis.scripts) {
    self[name] = (...args: unknown[]) => builder.enqueue(name, 'utf8', args, script);
    self[`${name}Buffer`] = (...args: unknown[]) => builder.enqueue(name, 'buffer', args, script);
  }
  for (const name of redis.addedBuiltins) {
    self[name] = (...args: unknown[]) => builder.enqueue(name, 'utf8', args);
    self[`${name}Buffer`] = (...args: unknown[]) => builder.enqueue(name, 'buffer', args);
  }
}

/** Installs every table command (and its `...Buffer` variant) as a queueing method. */
export function installQueueingMethods(target: object, names: Iterable<string>): void {
  for (const name of names) {
    for (const [method, encoding] of [
      [name, 'utf8'],
      [`${name}Buffer`, 'buffer'],
    ] as const) {
      if (method in target) continue;
      Object.defineProperty(target, method, {
        value: function (this: Queueing, ...args: unknown[]): unknown {
          return this.enqueue(name, encoding, args);
        },
        writable: true,
        configurable: true,
      });
    }
  }
}

/**
 * A pipeline: `await redis.pipeline().set('a', '1').incr('a').exec()` resolves to
 * `[[null, 'OK'], [null, 2]]`. A callback given to a command gets that command's result.
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: installQueueingMethods installs every merged method.
export class Pipeline {
  /** Always true (ioredis's marker). */
  readonly isPipeline = true;
  private readonly queue: Queued[] = [];
  private transactions = 0;
  private result: Promise<PipelineResult> | null = null;

  /** @internal Use `redis.pipeline()`. */
  constructor(readonly redis: Redis) {
    copyClientMethods(this, redis);
  }

  /** The number of queued commands. */
  get length(): number {
    return this.queue.length;
  }

  /** Queues any command by name: `pipeline.call('set', 'k', 'v')`. */
  call(command: string, ...args: unknown[]): this {
    return this.enqueue(command, 'utf8', args);
  }

  /** {@link Pipeline.call} with a Buffer reply. */
  callBuffer(command: string, ...args: unknown[]): this {
    return this.enqueue(command, 'buffer', args);
  }

  /** Queues `[['set', 'a', '1'], ['getBuffer', 'a']]`: each is a method name and its arguments. */
  addBatch(commands: readonly TransactionCommand[]): this {
    const self = this as unknown as Record<string, (...args: unknown[]) => unknown>;
    for (const [method, ...args] of commands) self[method].apply(this, args);
    return this;
  }

  /** Queues MULTI: the commands up to the next `exec()` form a transaction inside the pipeline. */
  multi(...args: unknown[]): this {
    this.transactions += 1;
    return this.enqueue('multi', 'utf8', args);
  }

  /**
   * Sends the queued commands; resolves to `[[err, result], ...]`. Inside a `multi()`
   * of the pipeline it queues EXEC instead (and returns the pipeline).
   */
  exec(callback?: Callback<PipelineResult>): Promise<PipelineResult> {
    if (this.transactions > 0) {
      this.transactions -= 1;
      return this.enqueue('exec', 'raw', []) as unknown as Promise<PipelineResult>;
    }
    this.result ??= this.run();
    return asCallback(this.result, callback);
  }

  /** @internal Queues a command (a script when `script` is given); returns the pipeline. */
  enqueue(name: string, encoding: ReplyEncoding, args: unknown[], script?: Script): this {
    const callback = popCallback(args);
    this.queue.push({ name, encoding, args, callback, script });
    return this;
  }

  private async run(): Promise<PipelineResult> {
    const redis = this.redis;
    const queue = this.queue;
    const pending: Promise<[Error | null, unknown?]>[] = new Array(queue.length);
    for (let i = 0; i < queue.length; i++) {
      const q = queue[i];
      let promise =
        q.script === undefined
          ? redis.send(q.name, q.args, q.encoding)
          : redis.runScript(q.script, q.args, q.encoding);
      if (q.callback !== undefined) promise = asCallback(promise, q.callback);
      pending[i] = promise.then(
        (value) => [null, value],
        (error: Error) => [error],
      );
    }
    const results = await Promise.all(pending);
    for (let i = 0; i < results.length; i++) {
      const value = results[i][1];
      if (queue[i].name.toLowerCase() !== 'exec' || !Array.isArray(value)) continue;
      // EXEC's replies take the shapes of the commands queued before it.
      for (let j = 0; j < value.length; j++) {
        if (value[j] instanceof Error) continue;
        const q = queue[i - (value.length - j)];
        if (q !== undefined) value[j] = redis.shape(q.name, value[j] as IoredisValue, q.encoding);
      }
    }
    return results;
  }
}

// Declaration merging: the table-installed methods, typed as queueing.
export interface Pipeline extends ChainableCommands<Pipeline> {}

interface TransactionEntry {
  /** The name the reply is shaped by (the command's, or 'eval' for a script). */
  readonly name: string;
  readonly encoding: ReplyEncoding;
  readonly argv: Arg[];
  readonly callback: Callback<never> | undefined;
}

/**
 * A transaction: `await redis.multi().set('a', '1').incr('a').exec()` resolves to
 * `[[null, 'OK'], [null, 2]]`, or null when a WATCHed key changed; EXECABORT rejects.
 * A callback given to a command gets 'QUEUED' (or the EXECABORT error).
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: installQueueingMethods installs every merged method.
export class Transaction {
  /** Always true (ioredis's marker). */
  readonly isPipeline = true;
  private readonly entries: TransactionEntry[] = [];
  private multi: Multi | null = null;

  /** @internal Use `redis.multi()`. */
  constructor(readonly redis: Redis) {
    copyClientMethods(this, redis);
  }

  /** Queued commands counting MULTI, as ioredis counts them. */
  get length(): number {
    return this.entries.length + 1;
  }

  /** Queues any command by name. */
  call(command: string, ...args: unknown[]): this {
    return this.enqueue(command, 'utf8', args);
  }

  /** {@link Transaction.call} with a Buffer reply. */
  callBuffer(command: string, ...args: unknown[]): this {
    return this.enqueue(command, 'buffer', args);
  }

  /** Queues `[['set', 'a', '1'], ['getBuffer', 'a']]`: each is a method name and its arguments. */
  addBatch(commands: readonly TransactionCommand[]): this {
    const self = this as unknown as Record<string, (...args: unknown[]) => unknown>;
    for (const [method, ...args] of commands) self[method].apply(this, args);
    return this;
  }

  /**
   * Runs MULTI, the queued commands and EXEC: resolves to `[[err, result], ...]`, or null
   * when a WATCHed key was modified; rejects with EXECABORT (its `previousErrors` the
   * queueing errors) when a command was refused.
   */
  exec(callback?: Callback<PipelineResult | null>): Promise<PipelineResult | null> {
    return asCallback(
      this.redis.schedule('multi', () => this.run()),
      callback,
    );
  }

  /** @internal Queues a command (a script when `script` is given); returns the transaction. */
  enqueue(name: string, encoding: ReplyEncoding, args: unknown[], script?: Script): this {
    const callback = popCallback(args);
    let command = name;
    if (script !== undefined) [command, args] = this.redis.scriptArgv(script, args);
    const argv = this.redis.argv(command, args);
    this.entries.push({ name: command, encoding, argv, callback });
    return this;
  }

  private run(): Promise<PipelineResult | null> {
    const entries = this.entries;
    if (this.multi === null) {
      this.multi = this.redis.transactionBuilder();
      for (const e of entries) this.multi.call(e.argv[0] as string, ...(e.argv.slice(1) as CallArg[]));
    }
    let result: MultiResult;
    try {
      result = this.multi.exec();
    } catch (error) {
      for (const e of entries) if (e.callback !== undefined) asCallback(Promise.reject(error), e.callback);
      return Promise.reject(error);
    }
    for (const e of entries) {
      if (e.callback !== undefined)
        asCallback(Promise.resolve(this.redis.shape(e.name, 'QUEUED', e.encoding)), e.callback);
    }
    if (result === null) return Promise.resolve(null);
    const redis = this.redis;
    for (let i = 0; i < result.length; i++) {
      const entry = result[i];
      if (entry[0] !== null) continue;
      const e = entries[i];
      const value = entry[1];
      if (
        value !== null &&
        typeof value === 'object' &&
        !Array.isArray(value) &&
        !Buffer.isBuffer(value) &&
        !(value instanceof ReplyError)
      ) {
        // HGETALL, already an object (client/multi.ts): encode its values.
        const obj = value as Record<string, IoredisValue>;
        for (const key of Object.keys(obj))
          obj[key] = encodeReply(obj[key], e.encoding, false) as IoredisValue;
      } else {
        (entry as [null, unknown])[1] = redis.shape(e.name, value, e.encoding);
      }
    }
    return Promise.resolve(result as PipelineResult);
  }
}

installQueueingMethods(Pipeline.prototype, COMMAND_TABLE.keys());
installQueueingMethods(Transaction.prototype, COMMAND_TABLE.keys());

// Declaration merging: the table-installed methods, typed as queueing.
export interface Transaction extends ChainableCommands<Transaction> {}
