/**
 * `cachee/ioredis`: an ioredis-compatible async client over an in-process engine.
 * Code written for ioredis 5 runs unchanged: `new Redis()`, `await redis.get('k')`,
 * `redis.pipeline()`, `redis.multi()`, `subscribe` with 'message' events, scan
 * streams, `defineCommand`, blocking pops, node-style callbacks.
 *
 * Design: each client is a connection without a socket. It owns a session on the
 * engine (a {@link Cachee} handle: its own selected database, transaction and
 * WATCH state) and runs every command when it is called (through dispatch, or the
 * sync API's fast path for a hot command with plain arguments), so the order of
 * commands across clients is the order of the calls, as one Redis server would
 * see them. Replies take ioredis's shapes: the sync API's values
 * (ioredis-shape.ts), then ioredis's reply encoding and transformers
 * (ioredis-reply.ts). What a connection does on its side of the wire is kept: a
 * blocked command (BLPOP) holds back the client's later commands until it is
 * answered, a subscribed client refuses other commands, a closed one rejects with
 * "Connection is closed.".
 *
 * Clients created without an engine share one per address (`new Redis()` twice
 * sees the same data, as two ioredis clients of one server do); `{ engine }` or
 * `{ cachee }` picks the keyspace explicitly.
 */
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { dispatch, lookupCommand, SUBSCRIBED_MODE_COMMANDS } from '../commands/dispatch.js';
import { commandKeys } from '../commands/introspection.js';
import { COMMAND_TABLE } from '../commands/registry.js';
import type { Session } from '../commands/session.js';
import { discardTransaction } from '../commands/transactions.js';
import type { Engine } from '../engine/engine.js';
import { Err, ReplyError } from '../errors.js';
import { BlockedReply, type PendingReply, type Reply } from '../protocol/reply.js';
import { type Arg, type RedisValue, toKey } from '../util/bytes.js';
import { type CallArg, toArgv } from './arguments.js';
import { Cachee } from './cachee.js';
import { FAST_PATHS, type FastArg, type FastPath, fastArgs } from './ioredis-fast-paths.js';
import {
  parseOptions,
  type RedisOptions,
  type RedisStatus,
  type ScriptDefinition,
  sharedEngine,
} from './ioredis-options.js';
import { Pipeline, Transaction, type TransactionCommand } from './ioredis-pipeline.js';
import {
  asCallback,
  type Callback,
  commandError,
  encodeReply,
  isInt,
  type PipelineResult,
  parsedNumber,
  popCallback,
  type ReplyEncoding,
  shapeReply,
  wrapMultiResult,
} from './ioredis-reply.js';
import { ScanStream, type ScanStreamOptions } from './ioredis-scan-stream.js';
import { type IoredisValue, toIoredis } from './ioredis-shape.js';
import type { RedisCommands } from './ioredis-types.js';
import type { Multi } from './multi.js';

/** ioredis's text for commands on a closed client. */
export const CONNECTION_CLOSED_ERROR_MSG = 'Connection is closed.';
const SUBSCRIBER_MODE_ERROR = 'Connection in subscriber mode, only subscriber commands may be used';

/** What a client in subscriber mode may still send (ioredis's VALID_IN_SUBSCRIBER_MODE). */
const VALID_IN_SUBSCRIBER_MODE = new Set([
  'subscribe',
  'psubscribe',
  'unsubscribe',
  'punsubscribe',
  'ssubscribe',
  'sunsubscribe',
  'ping',
  'quit',
]);

/** @internal A defined script: its source, key count and SHA1. */
export interface Script {
  readonly lua: string;
  readonly numberOfKeys: number | null;
  readonly sha: string;
}

type Subscriptions = Map<string, () => void>;

/** The sync API handle a client runs on; exposes its session to the client. */
class Handle extends Cachee {
  get clientSession(): Session {
    return this.session;
  }
}

/** A command waiting behind a blocked one. */
interface Backlogged {
  run(): void;
  fail(error: Error): void;
}

/** Prepends `prefix` to the keys of a command line (ioredis's keyPrefix). */
function prefixKeys(argv: Arg[], prefix: string): Arg[] {
  const cmd = lookupCommand(argv);
  if (cmd === undefined) return argv;
  for (const { pos } of commandKeys(cmd.meta, argv)) {
    if (pos <= 0 || pos >= argv.length) continue;
    const key = argv[pos];
    argv[pos] = Buffer.isBuffer(key) ? Buffer.concat([Buffer.from(prefix), key]) : prefix + key;
  }
  return argv;
}

function toBuffer(v: RedisValue): Buffer {
  return Buffer.isBuffer(v) ? v : Buffer.from(v);
}

/**
 * An ioredis-compatible client: `const redis = new Redis(); await redis.set('k', 'v')`.
 * Every command in the table is a method (`get`, and `getBuffer` for Buffer replies),
 * returning a Promise and taking an optional node-style callback last. Errors reject
 * with {@link ReplyError}, Redis's text as the message.
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the loop below installs every merged method.
export class Redis extends EventEmitter {
  /** Creates a client, as `new Redis(...args)` (node-redis's spelling, kept by ioredis). */
  static createClient(...args: unknown[]): Redis {
    return new Redis(...args);
  }

  /** The options in effect (`engine` is the engine in use). */
  readonly options: RedisOptions;
  /** The connection state: 'ready' once connected, 'end' after `quit()` / `disconnect()`. */
  status: RedisStatus = 'wait';
  /** The engine this client's commands run on. */
  readonly engine: Engine;
  /** Always false (ioredis's flag for Cluster). */
  readonly isCluster = false;

  private handle: Handle | null = null;
  private selected: number;
  private subscriber = false;
  private readonly channels: Subscriptions = new Map();
  private readonly patterns: Subscriptions = new Map();
  private readonly shardChannels: Subscriptions = new Map();
  private pendingConnect: ((error: Error) => void) | null = null;
  private blocked: PendingReply | null = null;
  private rejectBlocked: ((error: Error) => void) | null = null;
  private backlog: Backlogged[] = [];
  private readonly keyPrefix: string;
  private readonly stringNumbers: boolean;
  /** @internal Scripts defined with {@link Redis.defineCommand}, by name. */
  readonly scripts = new Map<string, Script>();
  /** @internal Scripts this connection has sent with EVAL (ioredis then uses EVALSHA). */
  readonly loadedScripts = new Set<string>();
  /** @internal Commands added with {@link Redis.addBuiltinCommand}. */
  readonly addedBuiltins = new Set<string>();

  /**
   * `new Redis()`, `new Redis({ engine })`, `new Redis({ cachee })`, or any of ioredis's
   * forms: `new Redis(6380)`, `new Redis('redis://localhost:6380/2')`, `new Redis(port, host, options)`.
   */
  constructor(...args: unknown[]) {
    super();
    const options = parseOptions(args);
    this.engine = options.engine ?? options.cachee?.engine ?? sharedEngine(options);
    options.engine = this.engine;
    this.options = options;
    this.selected = options.db ?? 0;
    this.keyPrefix = typeof options.keyPrefix === 'string' ? options.keyPrefix : '';
    this.stringNumbers = options.stringNumbers === true;
    if (options.scripts) {
      for (const [name, definition] of Object.entries(options.scripts)) this.defineCommand(name, definition);
    }
    if (options.lazyConnect) this.setStatus('wait');
    else this.connect().catch(() => {});
  }

  /** 'subscriber' while subscribed to a channel or pattern, else 'normal'. */
  get mode(): 'normal' | 'subscriber' {
    return this.subscriber ? 'subscriber' : 'normal';
  }

  // --- connection ---------------------------------------------------------------------

  /**
   * Connects (done by the constructor unless `lazyConnect`): resolves once 'ready' is
   * emitted; rejects when already connecting or connected.
   */
  connect(callback?: Callback<void>): Promise<void> {
    const promise = new Promise<void>((resolve, reject) => {
      if (this.status === 'connecting' || this.status === 'connect' || this.status === 'ready') {
        reject(new Error('Redis is already connecting/connected'));
        return;
      }
      this.setStatus('connecting');
      this.open();
      // close() rejects it if the connection closes first.
      this.pendingConnect = reject;
      process.nextTick(() => {
        if (this.pendingConnect !== reject) return;
        this.pendingConnect = null;
        this.setStatus('connect');
        this.setStatus('ready');
        // After the 'ready' event, as ioredis resolves.
        process.nextTick(resolve);
      });
    });
    return asCallback(promise, callback);
  }

  /** Opens the session: selects the database and sets the connection name, as ioredis does on connect. */
  private open(): void {
    const handle = new Handle({ engine: this.engine });
    const session = handle.clientSession;
    // A client connection may block (BLPOP, WAIT), unlike a sync-API handle.
    session.denyBlocking = false;
    this.handle = handle;
    this.subscriber = false;
    this.selected = this.options.db ?? 0;
    if (this.selected !== 0) {
      const reply = dispatch(session, ['select', String(this.selected)]);
      if (reply instanceof ReplyError) process.nextTick(() => this.silentEmit('error', reply));
    }
    const name = this.options.connectionName;
    if (typeof name === 'string' && name !== '') dispatch(session, ['client', 'setname', name]);
  }

  /**
   * Closes the connection at once: a blocked command and the commands behind it reject
   * with "Connection is closed.", subscriptions and WATCHes end; emits 'close' then 'end'.
   */
  disconnect(reconnect = false): void {
    if (this.status === 'end') return;
    this.close();
    if (reconnect) {
      this.setStatus('reconnecting', 0);
      this.connect().catch(() => {});
    } else {
      this.setStatus('end');
    }
  }

  /** Same as {@link Redis.disconnect} (deprecated in ioredis). */
  end(): void {
    this.disconnect();
  }

  private close(): void {
    const closed = new Error(CONNECTION_CLOSED_ERROR_MSG);
    const pendingConnect = this.pendingConnect;
    if (pendingConnect !== null) {
      this.pendingConnect = null;
      pendingConnect(closed);
    }
    if (this.blocked !== null) {
      this.blocked.cancel();
      this.blocked = null;
      const reject = this.rejectBlocked!;
      this.rejectBlocked = null;
      reject(closed);
    }
    const backlog = this.backlog;
    this.backlog = [];
    for (const item of backlog) item.fail(closed);
    this.dropSubscriptions();
    this.loadedScripts.clear();
    if (this.handle !== null) discardTransaction(this.handle.clientSession);
    this.handle = null;
    this.setStatus('close');
  }

  /**
   * A new client with the same options (the same engine), and `override` on top:
   * `const sub = redis.duplicate()`.
   */
  duplicate(override?: Partial<RedisOptions>): Redis {
    return new Redis({ ...this.options, ...override });
  }

  private setStatus(status: RedisStatus, arg?: unknown): void {
    this.status = status;
    process.nextTick(() => this.emit(status, arg));
  }

  /** Emits only when someone listens; an unheard 'error' is logged, as ioredis does. */
  private silentEmit(event: string, arg: unknown): boolean {
    if (this.listenerCount(event) > 0) return this.emit(event, arg);
    if (event === 'error' && arg instanceof Error)
      console.error('[ioredis] Unhandled error event:', arg.stack);
    return false;
  }

  // --- running commands ---------------------------------------------------------------

  /** Runs any command by name, as ioredis's `call`: `redis.call('set', 'k', 'v', 'EX', 10)`. */
  call(command: string | readonly CallArg[], ...args: (CallArg | Callback<unknown>)[]): Promise<unknown> {
    const callback = popCallback(args);
    if (Array.isArray(command)) [command, ...args] = command as [string, ...CallArg[]];
    return asCallback(this.send(command as string, args, 'utf8'), callback);
  }

  /** {@link Redis.call} with Buffer replies. */
  callBuffer(
    command: string | readonly CallArg[],
    ...args: (CallArg | Callback<unknown>)[]
  ): Promise<unknown> {
    const callback = popCallback(args);
    if (Array.isArray(command)) [command, ...args] = command as [string, ...CallArg[]];
    return asCallback(this.send(command as string, args, 'buffer'), callback);
  }

  /** ioredis's old name for {@link Redis.call}. */
  send_command(command: string, ...args: (CallArg | Callback<unknown>)[]): Promise<unknown> {
    return this.call(command, ...args);
  }

  /**
   * Sends a {@link Command} built by hand (ioredis's `redis.sendCommand(new Command(...))`);
   * returns its promise.
   */
  sendCommand(command: Command): Promise<unknown> {
    this.send(command.name, command.args, command.replyEncoding === 'utf8' ? 'utf8' : 'buffer').then(
      command.resolve,
      command.reject,
    );
    return command.promise;
  }

  /**
   * @internal Sends one command as ioredis's sendCommand does: refused when the client is
   * closed or subscribed (unless a subscriber command), run now, or after the blocked
   * command ahead of it. `name` is kept as given (ioredis's reply transformer and SELECT
   * tracking look at it as is).
   */
  send(name: string, args: unknown[], encoding: ReplyEncoding): Promise<unknown> {
    const lower = name.toLowerCase();
    const refused = this.refuse(lower);
    if (refused !== undefined) return Promise.reject(refused);
    if (name === 'select' && isInt(args[0])) this.trackSelect(Number.parseInt(String(args[0]), 10));
    if (this.blocked === null && this.backlog.length === 0) return this.perform(name, lower, args, encoding);
    return this.later(() => this.perform(name, lower, args, encoding));
  }

  /** @internal Runs `run` now, or after the blocked command ahead (for transactions). */
  schedule<T>(lower: string, run: () => Promise<T>): Promise<T> {
    const refused = this.refuse(lower);
    if (refused !== undefined) return Promise.reject(refused);
    if (this.blocked === null && this.backlog.length === 0) return run();
    return this.later(run);
  }

  /** The sync-API handle commands run on (opened here if the connection is lazy). */
  private openHandle(): Handle {
    if (this.handle === null) this.open();
    return this.handle!;
  }

  /** @internal The session commands run on. */
  get session(): Session {
    return this.openHandle().clientSession;
  }

  /** @internal The sync API's transaction builder (client/multi.ts) on this client's session. */
  transactionBuilder(): Multi {
    return this.openHandle().multi();
  }

  /** @internal Argv for a command, keys prefixed when `keyPrefix` is set. */
  argv(name: string, args: readonly unknown[]): Arg[] {
    const argv = toArgv(name, args as CallArg[]);
    return this.keyPrefix === '' ? argv : prefixKeys(argv, this.keyPrefix);
  }

  /** @internal Shapes a sync-API value as the method with `encoding` resolves it. */
  shape(name: string, value: IoredisValue, encoding: ReplyEncoding): unknown {
    return shapeReply(name, value, encoding, this.stringNumbers);
  }

  private refuse(lower: string): Error | undefined {
    if (this.status === 'end') return new Error(CONNECTION_CLOSED_ERROR_MSG);
    if (this.status === 'wait') this.connect().catch(() => {});
    if (this.subscriber && !VALID_IN_SUBSCRIBER_MODE.has(lower)) return new Error(SUBSCRIBER_MODE_ERROR);
    return undefined;
  }

  private trackSelect(db: number): void {
    if (this.selected !== db) {
      this.selected = db;
      this.emit('select', db);
    }
  }

  private later<T>(run: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.backlog.push({ run: () => run().then(resolve, reject), fail: reject });
    });
  }

  private drainBacklog(): void {
    while (this.blocked === null && this.backlog.length > 0) this.backlog.shift()!.run();
  }

  private perform(name: string, lower: string, args: unknown[], encoding: ReplyEncoding): Promise<unknown> {
    switch (lower) {
      case 'subscribe':
      case 'psubscribe':
      case 'ssubscribe':
        return this.subscribeCommand(lower, args);
      case 'unsubscribe':
      case 'punsubscribe':
      case 'sunsubscribe':
        return this.unsubscribeCommand(lower, args);
      case 'ping':
        if (this.subscribed()) {
          // RESP2 PING in subscriber mode replies ['pong', message].
          const message = args.length > 0 ? (this.argv('ping', args)[1] as RedisValue) : '';
          return Promise.resolve(this.shape(name, ['pong', message], encoding));
        }
        break;
      case 'reset':
        // RESET leaves Pub/Sub mode too.
        this.dropSubscriptions();
        break;
    }
    const fast = FAST_PATHS.get(name);
    if (fast !== undefined && fast.arity === args.length && this.keyPrefix === '' && fastArgs(args)) {
      const handle = this.openHandle();
      if (handle.clientSession.multi === null && !this.subscribed())
        return this.runFast(fast, handle, name, args, encoding);
    }
    const argv = this.argv(name, args);
    if (this.subscribed() && !SUBSCRIBED_MODE_COMMANDS.has(lower)) {
      // Still subscribed, though ioredis's mode says otherwise (a zero count from one family
      // ends it): the server refuses, as Redis does a RESP2 client in Pub/Sub mode.
      const fullName = lookupCommand(argv)?.fullName ?? lower;
      return Promise.reject(commandError(new ReplyError(Err.subscribedMode(fullName)), name, argv.slice(1)));
    }
    const reply = dispatch(this.session, argv);
    if (lower === 'quit') this.closeAfterQuit();
    if (reply instanceof BlockedReply) return this.waitFor(reply.pending, name, argv, encoding);
    return this.settle(reply, name, argv, encoding);
  }

  /** A hot command through the sync API's fast path (typed ops, no dispatch), shaped as dispatch's reply would be. */
  private runFast(
    fast: FastPath,
    handle: Handle,
    name: string,
    args: unknown[],
    encoding: ReplyEncoding,
  ): Promise<unknown> {
    let value: IoredisValue | Record<string, RedisValue>;
    try {
      value = fast.run(handle, args as FastArg[]);
    } catch (e) {
      if (!(e instanceof ReplyError)) throw e;
      return Promise.reject(commandError(e, name, toArgv(name, args as CallArg[]).slice(1)));
    }
    if (fast.integer && typeof value === 'string') {
      // An int64 beyond 2^53 (the sync API gives its text).
      return Promise.resolve(this.stringNumbers ? value : parsedNumber(BigInt(value)));
    }
    if (name === 'hgetall') {
      const obj = value as Record<string, RedisValue>;
      for (const field of Object.keys(obj))
        obj[field] = encodeReply(obj[field], encoding, false) as RedisValue;
      return Promise.resolve(obj);
    }
    return Promise.resolve(encodeReply(value as IoredisValue, encoding, this.stringNumbers));
  }

  private settle(reply: Reply, name: string, argv: Arg[], encoding: ReplyEncoding): Promise<unknown> {
    if (reply instanceof ReplyError) return Promise.reject(commandError(reply, name, argv.slice(1)));
    // An integer beyond 2^53 as ioredis's parser reads it (unless stringNumbers): an inexact number.
    if (typeof reply === 'bigint' && !this.stringNumbers) return Promise.resolve(parsedNumber(reply));
    return Promise.resolve(this.shape(name, toIoredis(reply), encoding));
  }

  /** A blocked command: later commands wait behind it until it is answered or the client closes. */
  private waitFor(
    pending: PendingReply,
    name: string,
    argv: Arg[],
    encoding: ReplyEncoding,
  ): Promise<unknown> {
    this.blocked = pending;
    return new Promise((resolve, reject) => {
      this.rejectBlocked = reject;
      pending.onReply((reply) => {
        // Called from inside the command that served it: the backlog runs once that is done.
        this.blocked = null;
        this.rejectBlocked = null;
        this.settle(reply, name, argv, encoding).then(resolve, reject);
        if (this.backlog.length > 0) queueMicrotask(() => this.drainBacklog());
      });
    });
  }

  private closeAfterQuit(): void {
    if (this.status === 'end') return;
    this.close();
    this.setStatus('end');
  }

  // --- Pub/Sub: the engine's in-process handlers as ioredis events ------------------------

  /** Subscribed to anything: the server side of Pub/Sub mode. */
  private subscribed(): boolean {
    return this.channels.size + this.patterns.size + this.shardChannels.size > 0;
  }

  private dropSubscriptions(): void {
    for (const subs of [this.channels, this.patterns, this.shardChannels]) {
      for (const unsubscribe of subs.values()) unsubscribe();
      subs.clear();
    }
    this.subscriber = false;
  }

  private subscriptionsOf(lower: string): Subscriptions {
    if (lower === 'subscribe' || lower === 'unsubscribe') return this.channels;
    if (lower === 'psubscribe' || lower === 'punsubscribe') return this.patterns;
    return this.shardChannels;
  }

  private subscriptionCount(lower: string): number {
    return lower === 'ssubscribe' || lower === 'sunsubscribe'
      ? this.shardChannels.size
      : this.channels.size + this.patterns.size;
  }

  private subscribeCommand(lower: string, args: unknown[]): Promise<unknown> {
    const names = toArgv(lower, args as CallArg[]);
    if (names.length === 1) return Promise.reject(new ReplyError(Err.wrongArity(lower)));
    const subs = this.subscriptionsOf(lower);
    const handle = this.openHandle();
    for (let i = 1; i < names.length; i++) {
      const key = toKey(names[i]);
      if (subs.has(key)) continue;
      const off =
        lower === 'subscribe'
          ? handle.subscribe(names[i], this.onMessage)
          : lower === 'psubscribe'
            ? handle.psubscribe(names[i], this.onPatternMessage)
            : handle.ssubscribe(names[i], this.onShardMessage);
      subs.set(key, off);
    }
    this.subscriber = true;
    return Promise.resolve(encodeReply(this.subscriptionCount(lower), 'utf8', this.stringNumbers));
  }

  private unsubscribeCommand(lower: string, args: unknown[]): Promise<unknown> {
    const names = toArgv(lower, args as CallArg[]);
    const subs = this.subscriptionsOf(lower);
    const keys = names.length === 1 ? [...subs.keys()] : names.slice(1).map(toKey);
    for (const key of keys) {
      const off = subs.get(key);
      if (off === undefined) continue;
      off();
      subs.delete(key);
    }
    // ioredis leaves subscriber mode on any zero count, even with the other family still subscribed.
    const count = this.subscriptionCount(lower);
    if (count === 0) this.subscriber = false;
    return Promise.resolve(encodeReply(count, 'utf8', this.stringNumbers));
  }

  private readonly onMessage = (message: RedisValue, channel: RedisValue): void => {
    if (this.listenerCount('message') > 0) this.emit('message', String(channel), String(message));
    if (this.listenerCount('messageBuffer') > 0)
      this.emit('messageBuffer', toBuffer(channel), toBuffer(message));
  };

  private readonly onPatternMessage = (
    message: RedisValue,
    channel: RedisValue,
    pattern: RedisValue,
  ): void => {
    const p = String(pattern);
    if (this.listenerCount('pmessage') > 0) this.emit('pmessage', p, String(channel), String(message));
    if (this.listenerCount('pmessageBuffer') > 0) {
      this.emit('pmessageBuffer', p, toBuffer(channel), toBuffer(message));
    }
  };

  private readonly onShardMessage = (message: RedisValue, channel: RedisValue): void => {
    if (this.listenerCount('smessage') > 0) this.emit('smessage', String(channel), String(message));
    if (this.listenerCount('smessageBuffer') > 0) {
      this.emit('smessageBuffer', toBuffer(channel), toBuffer(message));
    }
  };

  // --- transactions and pipelines (ioredis-pipeline.ts) ---------------------------------

  /**
   * A pipeline: queued commands run together on `exec()`, which resolves to
   * `[[err, result], ...]`: `await redis.pipeline().set('a', 1).get('a').exec()`.
   */
  pipeline(commands?: readonly TransactionCommand[]): Pipeline {
    const pipeline = new Pipeline(this);
    if (Array.isArray(commands)) pipeline.addBatch(commands);
    return pipeline;
  }

  /**
   * A transaction (MULTI ... EXEC, client/multi.ts): `exec()` resolves to
   * `[[err, result], ...]`, to null when a WATCHed key changed, and rejects with
   * EXECABORT (`previousErrors` attached) when a command was refused while queueing.
   * `multi({ pipeline: false })` sends MULTI at once instead (resolving 'OK'); commands
   * then resolve 'QUEUED' until {@link Redis.exec}.
   */
  multi(options: { pipeline: false }): Promise<'OK'>;
  multi(
    commands?: readonly TransactionCommand[] | { pipeline?: boolean },
    options?: { pipeline?: boolean },
  ): Transaction;
  multi(
    commands?: readonly TransactionCommand[] | { pipeline?: boolean },
    options?: { pipeline?: boolean },
  ): Transaction | Promise<'OK'> {
    if (options === undefined && !Array.isArray(commands))
      options = commands as { pipeline?: boolean } | undefined;
    if (options?.pipeline === false) return this.send('multi', [], 'utf8') as Promise<'OK'>;
    const transaction = new Transaction(this);
    if (Array.isArray(commands)) transaction.addBatch(commands);
    return transaction;
  }

  /** EXEC after `multi({ pipeline: false })`: `[[err, result], ...]`, or null when a WATCHed key changed. */
  exec(callback?: Callback<PipelineResult | null>): Promise<PipelineResult | null> {
    return asCallback(
      this.send('exec', [], 'utf8').then((result) =>
        Array.isArray(result) ? wrapMultiResult(result) : null,
      ),
      callback,
    );
  }

  // --- scripting ----------------------------------------------------------------------

  /**
   * Adds `name` (and `nameBuffer`) running a Lua script, as ioredis: the first call on a
   * connection sends EVAL, later calls EVALSHA (EVAL again after NOSCRIPT). Without
   * `numberOfKeys`, each call passes the number of keys first.
   */
  defineCommand(name: string, definition: ScriptDefinition): void {
    const script: Script = {
      lua: definition.lua,
      numberOfKeys: typeof definition.numberOfKeys === 'number' ? definition.numberOfKeys : null,
      sha: createHash('sha1').update(definition.lua).digest('hex'),
    };
    this.scripts.set(name, script);
    const self = this as unknown as Record<string, unknown>;
    self[name] = (...args: unknown[]) => {
      const callback = popCallback(args);
      return asCallback(this.runScript(script, args, 'utf8'), callback);
    };
    self[`${name}Buffer`] = (...args: unknown[]) => {
      const callback = popCallback(args);
      return asCallback(this.runScript(script, args, 'buffer'), callback);
    };
  }

  /** @internal EVAL the first time on this connection, EVALSHA after, EVAL again on NOSCRIPT. */
  runScript(script: Script, args: unknown[], encoding: ReplyEncoding): Promise<unknown> {
    const rest = script.numberOfKeys === null ? args : [script.numberOfKeys, ...args];
    if (!this.loadedScripts.has(script.sha)) {
      this.loadedScripts.add(script.sha);
      return this.send('eval', [script.lua, ...rest], encoding);
    }
    return this.send('evalsha', [script.sha, ...rest], encoding).catch((err: Error) => {
      if (!err.message.includes('NOSCRIPT')) throw err;
      this.loadedScripts.delete(script.sha);
      return this.runScript(script, args, encoding);
    });
  }

  /** @internal The arguments a queued script call sends, marking it loaded as ioredis does when it writes EVAL. */
  scriptArgv(script: Script, args: unknown[]): ['eval' | 'evalsha', unknown[]] {
    const rest = script.numberOfKeys === null ? args : [script.numberOfKeys, ...args];
    if (this.loadedScripts.has(script.sha)) return ['evalsha', [script.sha, ...rest]];
    this.loadedScripts.add(script.sha);
    return ['eval', [script.lua, ...rest]];
  }

  /** The command names the client has methods for. */
  getBuiltinCommands(): string[] {
    return BUILTIN_COMMANDS.slice();
  }

  /** Methods for a command the table lacks (a module's, say): `{ string, buffer }`. */
  createBuiltinCommand(name: string): { string: CommandFunction; buffer: CommandFunction } {
    return { string: commandFunction(name, 'utf8'), buffer: commandFunction(name, 'buffer') };
  }

  /** Adds `name` and `nameBuffer` methods sending the command `name`. */
  addBuiltinCommand(name: string): void {
    this.addedBuiltins.add(name);
    const self = this as unknown as Record<string, unknown>;
    self[name] = commandFunction(name, 'utf8');
    self[`${name}Buffer`] = commandFunction(name, 'buffer');
  }

  // --- scan streams ---------------------------------------------------------------------

  /** SCAN as a Readable of key batches: `redis.scanStream({ match: 'user:*', count: 100 })`. */
  scanStream(options?: ScanStreamOptions): ScanStream {
    return this.scanStreamOf('scan', undefined, options);
  }

  scanBufferStream(options?: ScanStreamOptions): ScanStream {
    return this.scanStreamOf('scanBuffer', undefined, options);
  }

  /** SSCAN as a Readable of member batches. */
  sscanStream(key: string | Buffer, options?: ScanStreamOptions): ScanStream {
    return this.scanStreamOf('sscan', key, options);
  }

  sscanBufferStream(key: string | Buffer, options?: ScanStreamOptions): ScanStream {
    return this.scanStreamOf('sscanBuffer', key, options);
  }

  /** HSCAN as a Readable of `[field, value, ...]` batches. */
  hscanStream(key: string | Buffer, options?: ScanStreamOptions): ScanStream {
    return this.scanStreamOf('hscan', key, options);
  }

  hscanBufferStream(key: string | Buffer, options?: ScanStreamOptions): ScanStream {
    return this.scanStreamOf('hscanBuffer', key, options);
  }

  /** ZSCAN as a Readable of `[member, score, ...]` batches. */
  zscanStream(key: string | Buffer, options?: ScanStreamOptions): ScanStream {
    return this.scanStreamOf('zscan', key, options);
  }

  zscanBufferStream(key: string | Buffer, options?: ScanStreamOptions): ScanStream {
    return this.scanStreamOf('zscanBuffer', key, options);
  }

  private scanStreamOf(command: string, key: unknown, options: ScanStreamOptions = {}): ScanStream {
    return new ScanStream({ objectMode: true, key, redis: this, command, ...options });
  }
}

/** A command method as installed on the client. */
type CommandFunction = (this: Redis, ...args: unknown[]) => Promise<unknown>;

function commandFunction(name: string, encoding: ReplyEncoding): CommandFunction {
  return function (this: Redis, ...args: unknown[]): Promise<unknown> {
    const callback = popCallback(args);
    const promise = this.send(name, args, encoding);
    return callback === undefined ? promise : asCallback(promise, callback);
  };
}

const BUILTIN_COMMANDS = [...COMMAND_TABLE.keys()];

// Every command in the table becomes `name` and `nameBuffer`, unless the class has its own.
for (const name of BUILTIN_COMMANDS) {
  for (const [method, encoding] of [
    [name, 'utf8'],
    [`${name}Buffer`, 'buffer'],
  ] as const) {
    if (method in Redis.prototype) continue;
    Object.defineProperty(Redis.prototype, method, {
      value: commandFunction(name, encoding),
      writable: true,
      configurable: true,
    });
  }
}

// Declaration merging: the table-installed methods, typed.
export interface Redis extends RedisCommands {}

/**
 * A command built by hand, for {@link Redis.sendCommand}: `new Command('get', ['k'], { replyEncoding: 'utf8' })`.
 * Without `replyEncoding: 'utf8'` the reply keeps Buffers, as in ioredis.
 */
export class Command {
  readonly name: string;
  readonly args: unknown[];
  readonly replyEncoding: string | null;
  readonly promise: Promise<unknown>;
  resolve!: (value: unknown) => void;
  reject!: (error: unknown) => void;

  constructor(
    name: string,
    args: readonly unknown[] = [],
    options: { replyEncoding?: string | null } = {},
    callback?: Callback<unknown>,
  ) {
    this.name = name;
    this.args = args.flat();
    this.replyEncoding = options.replyEncoding ?? null;
    this.promise = asCallback(
      new Promise((resolve, reject) => {
        this.resolve = resolve;
        this.reject = reject;
      }),
      callback,
    );
  }
}
