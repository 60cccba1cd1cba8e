/**
 * The sync typed API: Redis commands as direct function calls on the engine,
 * named and shaped as ioredis names and shapes them, but returning values
 * instead of promises.
 *
 * Hot commands (GET, SET, INCR, ...) call the typed ops in types/ directly: no
 * argv array, no table lookup, no reply conversion. Every other command in the
 * table is a method too, installed from the table and run through dispatch, so
 * behaviour lives once (in the ops) either way.
 */
import { dispatch } from '../commands/dispatch.js';
import { COMMAND_TABLE } from '../commands/registry.js';
import { Session } from '../commands/session.js';
import { Engine, type EngineOptions } from '../engine/engine.js';
import { ReplyError } from '../errors.js';
import { CacheeServer, type CacheeServerOptions } from '../server/server.js';
import { hashGet, hashGetAll, hashSetOne } from '../types/hash.js';
import * as lists from '../types/list.js';
import { setAddOne, setIsMember } from '../types/set.js';
import { getString, incrBy, mgetStrings, setString } from '../types/string.js';
import { type RedisValue, toKey } from '../util/bytes.js';
import type { Int64 } from '../util/numbers.js';
import { type CallArg, type CommandArg, toArgv } from './arguments.js';
import type { CommandMethods } from './command-methods.js';
import { type IoredisValue, toIoredis } from './ioredis-shape.js';

/** Options for {@link Cachee}. */
export interface CacheeOptions extends EngineOptions {
  /** Use an existing engine (to share one keyspace between several Cachee handles). */
  engine?: Engine;
  /** The database to select at start. Default 0. */
  db?: number;
}

/** A key as the API accepts it. */
export type KeyArg = string | Buffer;

function keyOf(k: KeyArg): string {
  return typeof k === 'string' ? k : toKey(k);
}

function valueOf(v: CommandArg): RedisValue {
  return typeof v === 'string' || Buffer.isBuffer(v) ? v : v === null || v === undefined ? '' : String(v);
}

/** An int64 reply as ioredis shapes it: a number, or its exact text beyond ±2^53. */
function intOut(v: Int64): number {
  return (typeof v === 'number' ? v : v.toString()) as number;
}

/**
 * An in-process Redis: `new Cachee()` then `cache.set('k', 'v')`, `cache.get('k')`.
 * Every method is synchronous; errors are thrown as {@link ReplyError} with Redis's text.
 * Every command in the table is a method named as ioredis names it (`cache.getex(...)`,
 * `cache.object('ENCODING', key)`), plus {@link Cachee.call} for any command by name.
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
  call(command: string, ...args: CallArg[]): IoredisValue {
    const reply = dispatch(this.session, toArgv(command, args));
    if (reply instanceof ReplyError) throw reply;
    return toIoredis(reply);
  }

  /**
   * Serves this engine over RESP on TCP (default 127.0.0.1): `await cache.listen(6380)`.
   * Resolves to the started server; `await server.close()` stops it.
   */
  async listen(port = 6379, options: Omit<CacheeServerOptions, 'port'> = {}): Promise<CacheeServer> {
    const server = new CacheeServer(this.engine, { hz: this.engine.hz, ...options, port });
    await server.listen();
    // In-process INFO and CLIENT LIST then see the server too.
    this.session.server = server;
    return server;
  }

  /** Stops the engine's timers (only to end background expiry early: they never hold the process open). */
  close(): void {
    this.engine.close();
  }

  // --- hot paths: typed ops, no dispatch ------------------------------------------------

  /** GET key */
  get(key: KeyArg): string | Buffer | null {
    return getString(this.session.db, keyOf(key));
  }

  /** SET key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL] */
  set(
    key: KeyArg,
    value: CommandArg,
    a?: CommandArg,
    b?: CommandArg,
    c?: CommandArg,
    d?: CommandArg,
    e?: CommandArg,
  ): 'OK' | string | Buffer | null {
    if (a === undefined) {
      setString(this.session.db, keyOf(key), valueOf(value));
      return 'OK';
    }
    // Only the options given: ioredis would send a trailing undefined as ''.
    const options = e !== undefined ? [a, b, c, d, e] : d !== undefined ? [a, b, c, d] : c !== undefined ? [a, b, c] : b !== undefined ? [a, b] : [a];
    return this.call('set', key, value, ...options) as 'OK' | string | Buffer | null;
  }

  /** INCR key */
  incr(key: KeyArg): number {
    return intOut(incrBy(this.session.db, keyOf(key), 1));
  }

  /** DECR key */
  decr(key: KeyArg): number {
    return intOut(incrBy(this.session.db, keyOf(key), -1));
  }

  /** INCRBY key increment */
  incrby(key: KeyArg, increment: number | string): number {
    if (typeof increment === 'number' && Number.isSafeInteger(increment)) {
      return intOut(incrBy(this.session.db, keyOf(key), increment));
    }
    return this.call('incrby', key, increment) as number;
  }

  /** MGET key [key ...] */
  mget(...keys: (KeyArg | readonly KeyArg[])[]): (string | Buffer | null)[] {
    const flat = keys.flat();
    const ks: string[] = new Array(flat.length);
    for (let i = 0; i < flat.length; i++) ks[i] = keyOf(flat[i]);
    if (ks.length === 0) return this.call('mget') as never;
    return mgetStrings(this.session.db, ks);
  }

  /** LPUSH key element [element ...] */
  lpush(key: KeyArg, ...elements: (CommandArg | readonly CommandArg[])[]): number {
    if (elements.length === 1 && !Array.isArray(elements[0])) {
      return lists.pushOne(this.session.db, keyOf(key), valueOf(elements[0] as CommandArg), true);
    }
    return this.call('lpush', key, ...elements) as number;
  }

  /** RPUSH key element [element ...] */
  rpush(key: KeyArg, ...elements: (CommandArg | readonly CommandArg[])[]): number {
    if (elements.length === 1 && !Array.isArray(elements[0])) {
      return lists.pushOne(this.session.db, keyOf(key), valueOf(elements[0] as CommandArg), false);
    }
    return this.call('rpush', key, ...elements) as number;
  }

  /** LPOP key [count] */
  lpop(key: KeyArg, count?: number | string): string | Buffer | null | (string | Buffer)[] {
    if (count === undefined) return lists.popOne(this.session.db, keyOf(key), true);
    return this.call('lpop', key, count) as (string | Buffer)[] | null;
  }

  /** RPOP key [count] */
  rpop(key: KeyArg, count?: number | string): string | Buffer | null | (string | Buffer)[] {
    if (count === undefined) return lists.popOne(this.session.db, keyOf(key), false);
    return this.call('rpop', key, count) as (string | Buffer)[] | null;
  }

  /** HGET key field */
  hget(key: KeyArg, field: CommandArg): string | Buffer | null {
    return hashGet(this.session.db, keyOf(key), valueOf(field));
  }

  /** HSET key field value [field value ...] — also `hset(key, { field: value })` or a Map, as ioredis. */
  hset(key: KeyArg, ...args: CallArg[]): number {
    if (args.length === 2 && !Array.isArray(args[0]) && !Array.isArray(args[1])) {
      return hashSetOne(this.session.db, keyOf(key), valueOf(args[0] as CommandArg), valueOf(args[1] as CommandArg));
    }
    return this.call('hset', key, ...args) as number;
  }

  /** HGETALL key — an object of field → value, as ioredis's reply transformer makes it. */
  hgetall(key: KeyArg): Record<string, string | Buffer> {
    const flat = hashGetAll(this.session.db, keyOf(key));
    const out: Record<string, string | Buffer> = {};
    for (let i = 0; i < flat.length; i += 2) {
      const field = flat[i];
      const name = typeof field === 'string' ? field : field.toString();
      // Fields such as '__proto__' become own properties, as ioredis does.
      Object.defineProperty(out, name, { value: flat[i + 1], enumerable: true, writable: true, configurable: true });
    }
    return out;
  }

  /** SADD key member [member ...] */
  sadd(key: KeyArg, ...members: (CommandArg | readonly CommandArg[])[]): number {
    if (members.length === 1 && !Array.isArray(members[0])) {
      return setAddOne(this.session.db, keyOf(key), valueOf(members[0] as CommandArg));
    }
    return this.call('sadd', key, ...members) as number;
  }

  /** SISMEMBER key member */
  sismember(key: KeyArg, member: CommandArg): number {
    return setIsMember(this.session.db, keyOf(key), valueOf(member)) ? 1 : 0;
  }
}

// Every other command in the table becomes a method running through dispatch.
for (const name of COMMAND_TABLE.keys()) {
  if (name in Cachee.prototype) continue;
  Object.defineProperty(Cachee.prototype, name, {
    value: function (this: Cachee, ...args: CallArg[]): IoredisValue {
      return this.call(name, ...args);
    },
    writable: true,
    configurable: true,
  });
}

// Declaration merging: the table-installed methods, typed.
export interface Cachee extends CommandMethods {}
