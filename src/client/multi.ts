/**
 * Transactions in the sync API, shaped as ioredis's `multi()`:
 * `cache.multi().set('a', '1').incr('a').get('a').exec()` returns
 * `[[null, 'OK'], [null, 2], [null, '2']]`.
 *
 * The builder only collects commands. `exec()` then sends MULTI, each command
 * and EXEC through dispatch on the handle's session in one synchronous run, so
 * nothing can come in between, and shapes the outcome as ioredis does: a
 * command that failed at run time gives `[error]` in its slot, a WATCHed key
 * that changed gives `null`, and a transaction refused at EXEC (EXECABORT)
 * throws, with the queueing errors as `previousErrors`.
 */
import { dispatch } from '../commands/dispatch.js';
import { COMMAND_TABLE } from '../commands/registry.js';
import type { Session } from '../commands/session.js';
import { ReplyError } from '../errors.js';
import type { Reply } from '../protocol/reply.js';
import type { Arg } from '../util/bytes.js';
import { type CallArg, toArgv } from './arguments.js';
import type { CommandMethods } from './command-methods.js';
import { type IoredisValue, toIoredis } from './ioredis-shape.js';

/** One command's outcome in an EXEC result: `[null, value]`, or `[error]` when it failed. */
export type MultiEntry = [error: null, result: IoredisValue] | [error: ReplyError];

/** What `exec()` returns: one entry per queued command, or null when a WATCHed key changed. */
export type MultiResult = MultiEntry[] | null;

/** A command for `multi([...])` / `addBatch`: its name, then its arguments. */
export type MultiCommand = readonly [string, ...CallArg[]];

/** ioredis's multi() options: `{ pipeline: false }` sends MULTI at once instead of building. */
export interface MultiOptions {
  pipeline?: boolean;
}

/** EXECABORT as thrown by `exec()`: the errors that doomed the transaction ride along, as in ioredis. */
export interface ExecAbortError extends ReplyError {
  previousErrors: ReplyError[];
}

/**
 * Maps an EXEC reply as ioredis's exec() does: each element to `[null, value]`
 * or `[error]`, the nil array to null; an error reply (EXECABORT, EXEC without
 * MULTI) is thrown.
 */
export function execResult(reply: Reply): MultiResult {
  const value = toIoredis(reply);
  if (value instanceof ReplyError) throw value;
  if (!Array.isArray(value)) return null;
  const out: MultiEntry[] = new Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const item = value[i];
    out[i] = item instanceof ReplyError ? [item] : [null, item];
  }
  return out;
}

/** ioredis's HGETALL reply transformer: a flat field/value array becomes an object. */
function hashObject(flat: IoredisValue[]): Record<string, IoredisValue> {
  const out: Record<string, IoredisValue> = {};
  for (let i = 0; i < flat.length; i += 2) {
    const field = flat[i];
    const name = typeof field === 'string' ? field : String(field);
    // Fields such as '__proto__' become own properties, as ioredis does.
    Object.defineProperty(out, name, {
      value: flat[i + 1],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

const EXEC_TWICE = 'Pipeline cannot be used to send any commands when the `exec()` has been called on it.';

/**
 * A transaction being built: every command method queues the command and
 * returns the builder; {@link Multi.exec} runs them all as one.
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the loop below installs every merged method.
export class Multi {
  private readonly queue: Arg[][] = [];
  private executed = false;

  /** @internal Use `cache.multi()`. */
  constructor(private readonly session: Session) {}

  /** Commands in the pipeline, counting the MULTI that opens it (as ioredis counts). */
  get length(): number {
    return this.queue.length + 1;
  }

  /** Queues any command by name: `multi.call('set', 'k', 'v')`. */
  call(command: string, ...args: CallArg[]): this {
    this.queue.push(toArgv(command, args));
    return this;
  }

  /** Queues a batch, as ioredis's `addBatch`: `[['set', 'a', '1'], ['get', 'a']]`. */
  addBatch(commands: readonly MultiCommand[]): this {
    for (const [name, ...args] of commands) this.call(name, ...args);
    return this;
  }

  /**
   * Runs the transaction: MULTI, the queued commands, EXEC. Returns
   * `[[null, value] | [error], ...]`, or null when a WATCHed key was modified;
   * throws the EXECABORT error when a command was refused while queueing.
   */
  exec(): MultiResult {
    if (this.executed) throw new Error(EXEC_TWICE);
    this.executed = true;
    const session = this.session;
    const queue = this.queue;
    dispatch(session, ['multi']);
    const previousErrors: ReplyError[] = [];
    for (const argv of queue) {
      const reply = dispatch(session, argv);
      if (reply instanceof ReplyError) previousErrors.push(reply);
    }
    const reply = dispatch(session, ['exec']);
    if (reply instanceof ReplyError) {
      (reply as ExecAbortError).previousErrors = previousErrors;
      throw reply;
    }
    const result = execResult(reply);
    if (result !== null) {
      // ioredis applies each command's reply transformer, matching results to commands from the end.
      for (let i = 0; i < result.length; i++) {
        const entry = result[i];
        const argv = queue[queue.length - (result.length - i)];
        if (entry[0] === null && argv !== undefined && Array.isArray(entry[1]) && isHgetall(argv[0])) {
          entry[1] = hashObject(entry[1]) as unknown as IoredisValue;
        }
      }
    }
    return result;
  }
}

function isHgetall(name: Arg): boolean {
  return typeof name === 'string' && name.toLowerCase() === 'hgetall';
}

// Every command in the table queues itself (exec runs; multi, watch... are queued as ioredis does).
for (const name of COMMAND_TABLE.keys()) {
  if (name in Multi.prototype) continue;
  Object.defineProperty(Multi.prototype, name, {
    value: function (this: Multi, ...args: CallArg[]): Multi {
      return this.call(name, ...args);
    },
    writable: true,
    configurable: true,
  });
}

/** A method that queues its command. */
type Queues = (...args: CallArg[]) => Multi;

/** The commands the sync API serves on fast paths (methods of Cachee itself, not of CommandMethods). */
interface FastPathQueueing {
  get: Queues;
  set: Queues;
  incr: Queues;
  decr: Queues;
  incrby: Queues;
  mget: Queues;
  lpush: Queues;
  rpush: Queues;
  lpop: Queues;
  rpop: Queues;
  hget: Queues;
  hset: Queues;
  hgetall: Queues;
  sadd: Queues;
  sismember: Queues;
  zadd: Queues;
  zscore: Queues;
  zrank: Queues;
  zincrby: Queues;
  multi: Queues;
}

type QueueingMethods = { [K in Exclude<keyof CommandMethods, 'exec'>]: Queues };

// Declaration merging: the table-installed methods, typed as queueing.
export interface Multi extends QueueingMethods, FastPathQueueing {}
