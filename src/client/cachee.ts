/**
 * The sync typed API: Redis commands as direct function calls on the engine,
 * named and shaped as ioredis names and shapes them, but returning values
 * instead of promises.
 */
import { dispatch } from '../commands/dispatch.js';
import { Session } from '../commands/session.js';
import { Engine, type EngineOptions } from '../engine/engine.js';
import { ReplyError } from '../errors.js';
import type { Arg } from '../util/bytes.js';
import { type IoredisValue, toIoredis } from './ioredis-shape.js';

/** An argument as ioredis accepts it: numbers are sent as their decimal text. */
export type CommandArg = string | Buffer | number;

/** Options for {@link Cachee}. */
export interface CacheeOptions extends EngineOptions {
  /** Use an existing engine (to share one keyspace between several Cachee handles). */
  engine?: Engine;
  /** The database to select at start. Default 0. */
  db?: number;
}

/** Converts ioredis-style arguments to argv. */
export function toArgv(command: string, args: readonly CommandArg[]): Arg[] {
  const argv: Arg[] = new Array(args.length + 1);
  argv[0] = command;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    argv[i + 1] = typeof a === 'string' || Buffer.isBuffer(a) ? a : String(a);
  }
  return argv;
}

/**
 * An in-process Redis: `new Cachee()` then `cache.set('k', 'v')`, `cache.get('k')`.
 * Every method is synchronous; errors are thrown as {@link ReplyError} with Redis's text.
 */
export class Cachee {
  /** The engine holding the keyspace. */
  readonly engine: Engine;
  /** This handle's client state (selected database, protocol). */
  protected readonly session: Session;

  constructor(options: CacheeOptions = {}) {
    this.engine = options.engine ?? new Engine(options);
    this.session = new Session(this.engine, { requirepass: null }, 'local');
    if (options.db !== undefined) this.call('select', options.db);
  }

  /** Runs any command by name, as ioredis's `call`: `cache.call('set', 'k', 'v', 'EX', 10)`. */
  call(command: string, ...args: CommandArg[]): IoredisValue {
    const reply = dispatch(this.session, toArgv(command, args));
    if (reply instanceof ReplyError) throw reply;
    return toIoredis(reply);
  }

  /** Stops the engine's timers (only needed to end background expiry early; timers never hold the process). */
  close(): void {
    this.engine.close();
  }
}
