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
import { createHash } from 'node:crypto';
import { dispatch } from '../commands/dispatch.js';
import { COMMAND_TABLE } from '../commands/registry.js';
import { runScriptCommand } from '../commands/scripting.js';
import { Session } from '../commands/session.js';
import { Engine, type EngineOptions } from '../engine/engine.js';
import { ReplyError } from '../errors.js';
import { BlockedReply, type Reply } from '../protocol/reply.js';
import { setNotifyKeyspaceEvents } from '../pubsub/keyspace-events.js';
import { LocalSubscriptions } from '../pubsub/local.js';
import type { MessageHandler, PatternMessageHandler } from '../pubsub/subscribers.js';
import { CacheeServer, type CacheeServerOptions } from '../server/server.js';
import { hashGet, hashGetAll, hashSetOne } from '../types/hash.js';
import * as lists from '../types/list.js';
import { setAddOne, setIsMember } from '../types/set.js';
import { getString, incrBy, mgetStrings, setString } from '../types/string.js';
import * as zsets from '../types/zset.js';
import { keyToValue, type RedisValue, toKey } from '../util/bytes.js';
import { formatDouble, type Int64, tryParseDouble } from '../util/numbers.js';
import { type CallArg, type CommandArg, toArgv } from './arguments.js';
import type {
  BlockingMoveResult,
  BlockingMpopResult,
  BlockingPopResult,
  CommandMethods,
} from './command-methods.js';
import { type IoredisValue, toIoredis } from './ioredis-shape.js';
import { execResult, Multi, type MultiCommand, type MultiOptions, type MultiResult } from './multi.js';

/** Options for {@link Cachee}. */
export interface CacheeOptions extends EngineOptions {
  /** Use an existing engine (to share one keyspace between several Cachee handles). */
  engine?: Engine;
  /** The database to select at start. Default 0. */
  db?: number;
  /**
   * `notify-keyspace-events` for the engine, as class letters (`'KEA'`, `'Kx'`, ...): keyspace
   * notifications then reach `subscribe('__keyevent@0__:expired', ...)` and RESP subscribers.
   * Default: the engine's setting (off for a new engine).
   */
  notifyKeyspaceEvents?: string;
}

/** A key as the API accepts it. */
export type KeyArg = string | Buffer;

function keyOf(k: KeyArg): string {
  return typeof k === 'string' ? k : toKey(k);
}

function toValue(v: CommandArg): RedisValue {
  return typeof v === 'string' || Buffer.isBuffer(v) ? v : v === null || v === undefined ? '' : String(v);
}

/** An int64 reply as ioredis shapes it: a number, or its exact text beyond ±2^53. */
function intOut(v: Int64): number {
  return (typeof v === 'number' ? v : v.toString()) as number;
}

/**
 * A ZADD score or ZINCRBY increment as Redis would parse what ioredis sends for
 * it, or undefined to leave the argument to dispatch (NaN, a keyword, ...).
 * A number goes out as its String(), which prints -0 as "0".
 */
function scoreOf(a: CallArg): number | undefined {
  if (typeof a === 'number') return Number.isNaN(a) ? undefined : a + 0;
  return typeof a === 'string' ? tryParseDouble(a) : undefined;
}

/**
 * The elements of an LPUSH / RPUSH call (`args`: the key, then elements or arrays of
 * them, flattened one level as ioredis does) when every one is a string or Buffer:
 * a single array argument is used as is. Undefined when there is none or one needs
 * ioredis's conversion (left to `call`).
 */
function pushValues(args: IArguments): readonly RedisValue[] | undefined {
  const n = args.length;
  if (n < 2) return undefined;
  if (n === 2 && Array.isArray(args[1])) {
    const arr = args[1] as readonly unknown[];
    if (arr.length === 0) return undefined;
    for (let i = 0; i < arr.length; i++) if (!isValue(arr[i])) return undefined;
    return arr as readonly RedisValue[];
  }
  const out: RedisValue[] = [];
  for (let i = 1; i < n; i++) {
    const a: unknown = args[i];
    if (Array.isArray(a)) {
      for (let j = 0; j < a.length; j++) {
        const v: unknown = a[j];
        if (!isValue(v)) return undefined;
        out.push(v);
      }
    } else if (isValue(a)) out.push(a);
    else return undefined;
  }
  return out.length === 0 ? undefined : out;
}

function isValue(v: unknown): v is RedisValue {
  return typeof v === 'string' || Buffer.isBuffer(v);
}

/**
 * An in-process Redis: `new Cachee()` then `cache.set('k', 'v')`, `cache.get('k')`.
 * Every method is synchronous; errors are thrown as {@link ReplyError} with Redis's text.
 * Every command in the table is a method named as ioredis names it (`cache.getex(...)`,
 * `cache.object('ENCODING', key)`), plus {@link Cachee.call} for any command by name.
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the table's methods are installed on the prototype below.
export class Cachee {
  /** The engine holding the keyspace. */
  readonly engine: Engine;
  /** This handle's client state (selected database, protocol). */
  protected readonly session: Session;

  constructor(options: CacheeOptions = {}) {
    this.engine = options.engine ?? new Engine(options);
    this.session = new Session(this.engine, { requirepass: null }, 'local');
    if (options.db !== undefined) this.call('select', options.db);
    if (options.notifyKeyspaceEvents !== undefined) {
      setNotifyKeyspaceEvents(this.engine, options.notifyKeyspaceEvents);
    }
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
  //
  // Each runs the typed op directly unless a transaction opened with `call('multi')` is
  // queuing this handle's commands ({@link Cachee.queuing}), or the arguments need
  // ioredis's conversions: then it goes through `call`. No closure, array or rest
  // parameter is allocated for the single-element forms (variadic methods read `arguments`).

  /** True while a transaction opened with `call('multi')` queues this handle's commands. */
  private queuing(): boolean {
    // Through dispatch while a transaction queues commands or a MONITOR watches them.
    return this.session.multi !== null || this.engine.monitors.size !== 0;
  }

  /** GET key */
  get(key: KeyArg): string | Buffer | null {
    if (this.queuing()) return this.call('get', key) as string | null;
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
    if (a === undefined && !this.queuing()) {
      const engine = this.engine;
      if (engine.maxmemory !== 0) engine.reserveMemory();
      setString(this.session.db, keyOf(key), toValue(value));
      if (engine.maxmemory !== 0) engine.evict();
      return 'OK';
    }
    if (a === undefined) return this.call('set', key, value) as 'OK';
    // Only the options given: ioredis would send a trailing undefined as ''.
    const options =
      e !== undefined
        ? [a, b, c, d, e]
        : d !== undefined
          ? [a, b, c, d]
          : c !== undefined
            ? [a, b, c]
            : b !== undefined
              ? [a, b]
              : [a];
    return this.call('set', key, value, ...options) as 'OK' | string | Buffer | null;
  }

  /** INCR key */
  incr(key: KeyArg): number {
    if (this.queuing()) return this.call('incr', key) as number;
    return this.incrFast(key, 1);
  }

  /** DECR key */
  decr(key: KeyArg): number {
    if (this.queuing()) return this.call('decr', key) as number;
    return this.incrFast(key, -1);
  }

  /** INCRBY key increment */
  incrby(key: KeyArg, increment: number | string): number {
    if (typeof increment === 'number' && Number.isSafeInteger(increment) && !this.queuing()) {
      return this.incrFast(key, increment);
    }
    return this.call('incrby', key, increment) as number;
  }

  /** INCR / DECR / INCRBY by a safe integer, outside a transaction. */
  private incrFast(key: KeyArg, by: number): number {
    const engine = this.engine;
    if (engine.maxmemory !== 0) engine.reserveMemory();
    const n = incrBy(this.session.db, keyOf(key), by);
    if (engine.maxmemory !== 0) engine.evict();
    return intOut(n);
  }

  /** MGET key [key ...] */
  mget(...keys: (KeyArg | readonly KeyArg[])[]): (string | Buffer | null)[] {
    if (this.queuing()) return this.call('mget', ...keys) as never;
    const flat = keys.flat();
    const ks: string[] = new Array(flat.length);
    for (let i = 0; i < flat.length; i++) ks[i] = keyOf(flat[i]);
    if (ks.length === 0) return this.call('mget') as never;
    return mgetStrings(this.session.db, ks);
  }

  /** LPUSH key element [element ...] */
  lpush(key: KeyArg, ...elements: (CommandArg | readonly CommandArg[])[]): number;
  lpush(key: KeyArg, element: CommandArg | readonly CommandArg[]): number {
    // biome-ignore lint/complexity/noArguments: a rest parameter would allocate an array per call
    if (arguments.length === 2 && !Array.isArray(element) && !this.queuing()) {
      return this.pushFast(key, element as CommandArg, true);
    }
    // biome-ignore lint/complexity/noArguments: see above
    return this.pushMany('lpush', true, arguments);
  }

  /** RPUSH key element [element ...] */
  rpush(key: KeyArg, ...elements: (CommandArg | readonly CommandArg[])[]): number;
  rpush(key: KeyArg, element: CommandArg | readonly CommandArg[]): number {
    // biome-ignore lint/complexity/noArguments: a rest parameter would allocate an array per call
    if (arguments.length === 2 && !Array.isArray(element) && !this.queuing()) {
      return this.pushFast(key, element as CommandArg, false);
    }
    // biome-ignore lint/complexity/noArguments: see above
    return this.pushMany('rpush', false, arguments);
  }

  /** LPUSH / RPUSH of one element, outside a transaction. */
  private pushFast(key: KeyArg, element: CommandArg, left: boolean): number {
    const engine = this.engine;
    if (engine.maxmemory !== 0) engine.reserveMemory();
    const length = lists.pushOne(this.session.db, keyOf(key), toValue(element), left);
    // Blocked pops waiting for this key are served now the push is done (dispatch does it for the rest).
    const blocking = engine.blocking;
    if (blocking.hasReady) blocking.serveReady();
    if (engine.maxmemory !== 0) engine.evict();
    return length;
  }

  /**
   * LPUSH / RPUSH of several elements (`args`: the key, then elements or arrays of
   * them): the typed op when every element is a string or Buffer, else `call`.
   */
  private pushMany(command: 'lpush' | 'rpush', left: boolean, args: IArguments): number {
    const values = this.queuing() ? undefined : pushValues(args);
    if (values === undefined) return this.call(command, ...(args as unknown as CallArg[])) as number;
    const engine = this.engine;
    if (engine.maxmemory !== 0) engine.reserveMemory();
    const length = lists.push(this.session.db, keyOf(args[0] as KeyArg), values, left);
    const blocking = engine.blocking;
    if (blocking.hasReady) blocking.serveReady();
    if (engine.maxmemory !== 0) engine.evict();
    return length;
  }

  /** LPOP key [count] */
  lpop(key: KeyArg, count?: number | string): string | Buffer | null | (string | Buffer)[] {
    if (count === undefined && !this.queuing()) return lists.popOne(this.session.db, keyOf(key), true);
    return (count === undefined ? this.call('lpop', key) : this.call('lpop', key, count)) as string | null;
  }

  /** RPOP key [count] */
  rpop(key: KeyArg, count?: number | string): string | Buffer | null | (string | Buffer)[] {
    if (count === undefined && !this.queuing()) return lists.popOne(this.session.db, keyOf(key), false);
    return (count === undefined ? this.call('rpop', key) : this.call('rpop', key, count)) as string | null;
  }

  /** HGET key field */
  hget(key: KeyArg, field: CommandArg): string | Buffer | null {
    if (this.queuing()) return this.call('hget', key, field) as string | null;
    return hashGet(this.session.db, keyOf(key), toValue(field));
  }

  /** HSET key field value [field value ...] — also `hset(key, { field: value })` or a Map, as ioredis. */
  hset(key: KeyArg, ...args: CallArg[]): number;
  hset(key: KeyArg, field: CallArg, value: CallArg): number {
    if (
      // biome-ignore lint/complexity/noArguments: a rest parameter would allocate an array per call
      arguments.length === 3 &&
      !Array.isArray(field) &&
      !Array.isArray(value) &&
      !this.queuing()
    ) {
      const engine = this.engine;
      if (engine.maxmemory !== 0) engine.reserveMemory();
      const f = toValue(field as CommandArg);
      const n = hashSetOne(this.session.db, keyOf(key), f, toValue(value as CommandArg));
      if (engine.maxmemory !== 0) engine.evict();
      return n;
    }
    // biome-ignore lint/complexity/noArguments: see above
    return this.call('hset', ...(arguments as unknown as CallArg[])) as number;
  }

  /** HGETALL key — an object of field → value, as ioredis's reply transformer makes it. */
  hgetall(key: KeyArg): Record<string, string | Buffer> {
    if (this.queuing()) return this.call('hgetall', key) as never;
    const flat = hashGetAll(this.session.db, keyOf(key));
    const out: Record<string, string | Buffer> = {};
    for (let i = 0; i < flat.length; i += 2) {
      const field = flat[i];
      const name = typeof field === 'string' ? field : field.toString();
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

  /** SADD key member [member ...] */
  sadd(key: KeyArg, ...members: (CommandArg | readonly CommandArg[])[]): number;
  sadd(key: KeyArg, member: CommandArg | readonly CommandArg[]): number {
    // biome-ignore lint/complexity/noArguments: a rest parameter would allocate an array per call
    if (arguments.length === 2 && !Array.isArray(member) && !this.queuing()) {
      const engine = this.engine;
      if (engine.maxmemory !== 0) engine.reserveMemory();
      const n = setAddOne(this.session.db, keyOf(key), toValue(member as CommandArg));
      if (engine.maxmemory !== 0) engine.evict();
      return n;
    }
    // biome-ignore lint/complexity/noArguments: see above
    return this.call('sadd', ...(arguments as unknown as CallArg[])) as number;
  }

  /** SISMEMBER key member */
  sismember(key: KeyArg, member: CommandArg): number {
    if (this.queuing()) return this.call('sismember', key, member) as number;
    return setIsMember(this.session.db, keyOf(key), toValue(member)) ? 1 : 0;
  }

  /** ZADD key [NX | XX] [GT | LT] [CH] [INCR] score member [score member ...] */
  zadd(key: KeyArg, ...args: CallArg[]): number | string | null;
  zadd(key: KeyArg, scoreArg: CallArg, member: CallArg): number | string | null {
    // biome-ignore lint/complexity/noArguments: a rest parameter would allocate an array per call
    if (arguments.length === 3 && !this.queuing()) {
      const score = scoreOf(scoreArg);
      if (
        score !== undefined &&
        (typeof member === 'string' || Buffer.isBuffer(member) || typeof member === 'number')
      ) {
        const engine = this.engine;
        if (engine.maxmemory !== 0) engine.reserveMemory();
        const n = zsets.zaddOne(this.session.db, keyOf(key), score, toValue(member));
        // Blocked pops (BZPOPMIN, ...) waiting for this key are served now the add is done.
        const blocking = engine.blocking;
        if (blocking.hasReady) blocking.serveReady();
        if (engine.maxmemory !== 0) engine.evict();
        return n;
      }
    }
    // biome-ignore lint/complexity/noArguments: see above
    return this.call('zadd', ...(arguments as unknown as CallArg[])) as number | string | null;
  }

  /** ZSCORE key member — the score as ioredis returns it: a string, or null. */
  zscore(key: KeyArg, member: CommandArg): string | null {
    if (this.queuing()) return this.call('zscore', key, member) as string | null;
    const v = zsets.zscore(this.session.db, keyOf(key), toValue(member));
    return v === null ? null : formatDouble(v);
  }

  /** ZRANK key member */
  zrank(key: KeyArg, member: CommandArg): number | null {
    if (this.queuing()) return this.call('zrank', key, member) as number | null;
    return zsets.zrank(this.session.db, keyOf(key), toValue(member));
  }

  /** ZINCRBY key increment member — the new score as a string. */
  zincrby(key: KeyArg, increment: number | string, member: CommandArg): string {
    const by = this.queuing() ? undefined : scoreOf(increment);
    if (by === undefined) return this.call('zincrby', key, increment, member) as string;
    const engine = this.engine;
    if (engine.maxmemory !== 0) engine.reserveMemory();
    const score = zsets.zincrby(this.session.db, keyOf(key), by, toValue(member));
    // Blocked pops (BZPOPMIN, ...) waiting for this key are served now the add is done.
    const blocking = engine.blocking;
    if (blocking.hasReady) blocking.serveReady();
    if (engine.maxmemory !== 0) engine.evict();
    return formatDouble(score);
  }

  /**
   * Calls `listener(key, db)` for every key evicted by `maxmemory-policy`, synchronously
   * inside the write that caused it, after the key was deleted (the listener must not
   * write to this cache). Returns the function that unsubscribes it. The same events go
   * to the `cachee:evicted` diagnostics channel and, when enabled, to the `evicted`
   * keyspace notification.
   */
  onEvicted(listener: (key: string | Buffer, db: number) => void): () => void {
    return this.engine.onEvicted((key, _value, db) => listener(keyToValue(key), db));
  }

  // --- Pub/Sub: in-process handlers -----------------------------------------------------
  //
  // Handlers run in a microtask after the command that published (never inside it, so a
  // handler may call the engine freely), in publish order. A handler that throws harms no
  // one: its error is published on the `cachee:pubsub` diagnostics channel. Each call is
  // one subscriber: PUBLISH counts it among its receivers, PUBSUB NUMSUB among subscribers.

  private localSubs: LocalSubscriptions | undefined;

  private subscriptions(): LocalSubscriptions {
    this.localSubs ??= new LocalSubscriptions(this.engine);
    return this.localSubs;
  }

  /**
   * SUBSCRIBE channel, in process: `handler(message, channel)` runs for every message
   * published to `channel` (by PUBLISH from any client, or a keyspace notification).
   * Returns the function that unsubscribes this handler.
   */
  subscribe(channel: KeyArg, handler: MessageHandler): () => void {
    return this.subscriptions().add('channel', channel, handler as PatternMessageHandler);
  }

  /**
   * PSUBSCRIBE pattern, in process: `handler(message, channel, pattern)` runs for every
   * message published to a channel matching the glob `pattern` (`'news.*'`).
   * Returns the function that unsubscribes this handler.
   */
  psubscribe(pattern: KeyArg, handler: PatternMessageHandler): () => void {
    return this.subscriptions().add('pattern', pattern, handler);
  }

  /**
   * SSUBSCRIBE shardchannel, in process: `handler(message, channel)` runs for every
   * SPUBLISH to the shard channel. Returns the function that unsubscribes this handler.
   */
  ssubscribe(channel: KeyArg, handler: MessageHandler): () => void {
    return this.subscriptions().add('shard', channel, handler as PatternMessageHandler);
  }

  /**
   * UNSUBSCRIBE [channel ...] for this handle's handlers (all channels when none given).
   * Returns how many channel and pattern subscriptions the handle still has.
   */
  unsubscribe(...channels: KeyArg[]): number {
    return this.localSubs ? this.localSubs.remove('channel', channels) : 0;
  }

  /** PUNSUBSCRIBE [pattern ...] for this handle's handlers; returns channels plus patterns left. */
  punsubscribe(...patterns: KeyArg[]): number {
    return this.localSubs ? this.localSubs.remove('pattern', patterns) : 0;
  }

  /** SUNSUBSCRIBE [shardchannel ...] for this handle's handlers; returns shard channels left. */
  sunsubscribe(...channels: KeyArg[]): number {
    return this.localSubs ? this.localSubs.remove('shard', channels) : 0;
  }

  // --- transactions (client/multi.ts) ----------------------------------------------------

  /**
   * MULTI, as ioredis's `multi()`: `cache.multi().set('a', '1').incr('a').exec()` returns
   * `[[null, 'OK'], [null, 2]]`; commands may also be given as `[['set', 'a', '1'], ...]`.
   * With `{ pipeline: false }` it sends MULTI itself (replying 'OK'): commands sent with
   * `call` then reply 'QUEUED' until {@link Cachee.exec}. Use `cache.watch(key)` first for
   * optimistic locking: exec() then returns null when a watched key was modified.
   */
  multi(options: { pipeline: false }): 'OK';
  multi(commands?: readonly MultiCommand[] | MultiOptions, options?: MultiOptions): Multi;
  multi(commands?: readonly MultiCommand[] | MultiOptions, options?: MultiOptions): Multi | 'OK' {
    if (options === undefined && !Array.isArray(commands)) options = commands as MultiOptions | undefined;
    if (options?.pipeline === false) return this.call('multi') as 'OK';
    const multi = new Multi(this.session);
    if (Array.isArray(commands)) multi.addBatch(commands);
    return multi;
  }

  /**
   * EXEC for a transaction opened with `multi({ pipeline: false })`, shaped as ioredis's
   * `exec()`: `[[null, value] | [error], ...]`, or null when a WATCHed key was modified.
   * Throws EXECABORT (and `ERR EXEC without MULTI`).
   */
  exec(): MultiResult {
    return execResult(dispatch(this.session, ['exec']));
  }

  // --- blocking commands: Promises (commands/blocking.ts) -------------------------------
  //
  // The one async corner of this API: the reply may only exist later. With data there,
  // the command runs during the call and the Promise is already resolved. Otherwise it
  // resolves when another caller (this API, a RESP client, a script) makes a key ready,
  // right after that command completes, first come first served; or with null at the
  // timeout (seconds, fractions allowed, 0 = forever). A pending timeout keeps the process
  // alive as any timer does; timeout 0 arms none. Errors reject with a ReplyError.
  // `call('blpop', ...)` stays synchronous and answers at once, as inside MULTI.

  /** BLPOP key [key ...] timeout — `[key, element]` from the first non-empty list, or null at the timeout. */
  blpop(...args: CallArg[]): Promise<BlockingPopResult> {
    return this.blockingCall('blpop', args) as Promise<BlockingPopResult>;
  }

  /** BRPOP key [key ...] timeout — `[key, element]` from the tail of the first non-empty list, or null. */
  brpop(...args: CallArg[]): Promise<BlockingPopResult> {
    return this.blockingCall('brpop', args) as Promise<BlockingPopResult>;
  }

  /** BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout — the element moved, or null at the timeout. */
  blmove(...args: CallArg[]): Promise<BlockingMoveResult> {
    return this.blockingCall('blmove', args) as Promise<BlockingMoveResult>;
  }

  /** BRPOPLPUSH source destination timeout — the element moved, or null at the timeout. */
  brpoplpush(...args: CallArg[]): Promise<BlockingMoveResult> {
    return this.blockingCall('brpoplpush', args) as Promise<BlockingMoveResult>;
  }

  /** BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count] — `[key, elements]`, or null. */
  blmpop(...args: CallArg[]): Promise<BlockingMpopResult> {
    return this.blockingCall('blmpop', args) as Promise<BlockingMpopResult>;
  }

  /**
   * Runs a blocking command for a Promise: the handle's session may block for this one
   * call (the sync `call()` path answers at once instead, as Redis does inside MULTI).
   */
  protected blockingCall(command: string, args: readonly CallArg[]): Promise<IoredisValue> {
    const session = this.session;
    const denyBlocking = session.denyBlocking;
    session.denyBlocking = false;
    let reply: Reply;
    try {
      reply = dispatch(session, toArgv(command, args));
    } finally {
      session.denyBlocking = denyBlocking;
    }
    if (reply instanceof BlockedReply) {
      const pending = reply.pending;
      return new Promise((resolve, reject) => {
        pending.onReply((r) => (r instanceof ReplyError ? reject(r) : resolve(toIoredis(r))));
      });
    }
    return reply instanceof ReplyError ? Promise.reject(reply) : Promise.resolve(toIoredis(reply));
  }

  // --- scripting: synchronous, the Lua state is created on the first script ---------------

  /** EVAL script numkeys [key ...] [arg ...] — `cache.eval("return redis.call('get', KEYS[1])", 1, 'k')`. */
  eval(script: string | Buffer, numkeys: number | string, ...keysAndArgs: CallArg[]): IoredisValue {
    const reply = runScriptCommand(this.session, scriptArgv('eval', script, numkeys, keysAndArgs), false);
    if (reply instanceof ReplyError) throw reply;
    return toIoredis(reply);
  }

  /** EVALSHA sha1 numkeys [key ...] [arg ...] */
  evalsha(sha1: string, numkeys: number | string, ...keysAndArgs: CallArg[]): IoredisValue {
    const reply = runScriptCommand(this.session, scriptArgv('evalsha', sha1, numkeys, keysAndArgs), true);
    if (reply instanceof ReplyError) throw reply;
    return toIoredis(reply);
  }

  /** SCRIPT LOAD script — caches a script and returns the SHA1 to pass to {@link Cachee.evalsha}. */
  scriptLoad(script: string | Buffer): string {
    return this.call('script', 'load', script) as string;
  }

  /** FCALL function numkeys [key ...] [arg ...] — calls a function loaded with FUNCTION LOAD. */
  fcall(fn: string, numkeys: number | string, ...keysAndArgs: CallArg[]): IoredisValue {
    return this.call('fcall', fn, numkeys, ...keysAndArgs);
  }

  /**
   * Adds a method running a Lua script, as ioredis's defineCommand: EVALSHA, falling back
   * to EVAL when the script is not cached. Without `numberOfKeys` the first argument of
   * each call is the number of keys. `readOnly` uses EVALSHA_RO / EVAL_RO.
   */
  defineCommand(name: string, definition: { lua: string; numberOfKeys?: number; readOnly?: boolean }): void {
    const { lua, numberOfKeys, readOnly = false } = definition;
    const sha = createHash('sha1').update(lua).digest('hex');
    const evalsha = readOnly ? 'evalsha_ro' : 'evalsha';
    const evalName = readOnly ? 'eval_ro' : 'eval';
    const run = (...args: CallArg[]): IoredisValue => {
      const rest: CallArg[] = numberOfKeys === undefined ? args : [numberOfKeys, ...args];
      if (!readOnly) {
        const [numkeys, ...keysAndArgs] = rest;
        const reply = runScriptCommand(
          this.session,
          scriptArgv('evalsha', sha, numkeys as number, keysAndArgs),
          true,
        );
        if (!(reply instanceof ReplyError)) return toIoredis(reply);
        if (!reply.message.startsWith('NOSCRIPT')) throw reply;
        return this.eval(lua, numkeys as number, ...keysAndArgs);
      }
      try {
        return this.call(evalsha, sha, ...rest);
      } catch (e) {
        if (!(e instanceof ReplyError) || !e.message.startsWith('NOSCRIPT')) throw e;
        return this.call(evalName, lua, ...rest);
      }
    };
    Object.defineProperty(this, name, { value: run, writable: true, configurable: true });
  }
}

/** argv of EVAL / EVALSHA from the API's arguments (arrays flattened as ioredis does). */
function scriptArgv(
  command: string,
  first: string | Buffer,
  numkeys: number | string,
  rest: readonly CallArg[],
): (string | Buffer)[] {
  const n = rest.length;
  const argv: (string | Buffer)[] = new Array(n + 3);
  argv[0] = command;
  argv[1] = first;
  argv[2] = typeof numkeys === 'string' ? numkeys : String(numkeys);
  for (let i = 0; i < n; i++) {
    const a = rest[i];
    if (typeof a === 'string' || Buffer.isBuffer(a)) argv[i + 3] = a;
    else if (typeof a === 'number' || typeof a === 'bigint') argv[i + 3] = String(a);
    else return toArgv(command, [first, numkeys, ...rest]);
  }
  return argv;
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
