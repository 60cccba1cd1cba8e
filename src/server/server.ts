/**
 * The RESP server: Cachee's engine over TCP, so redis-cli, redis-benchmark and
 * any Redis client can talk to it. It owns the listening socket, the registry
 * of connected clients (CLIENT LIST, INFO), Redis's connection limits
 * (maxclients, protected mode, query buffer limit, proto-max-bulk-len) and the
 * counters INFO reports. Each connection is a {@link Connection}.
 *
 * Events (listening, rejected connections, protocol errors, socket errors) are
 * published on the `cachee:server` diagnostics channel; the CLI turns them
 * into JSON log lines. Nothing here writes to stdout or stderr by itself.
 */
import { randomBytes } from 'node:crypto';
import diagnostics_channel from 'node:diagnostics_channel';
import net from 'node:net';
import { arityOk, lookupCommand } from '../commands/dispatch.js';
import type { ServerSettings, ServerStats, ServerView, Session } from '../commands/session.js';
import type { Command } from '../commands/table.js';
import type { Engine } from '../engine/engine.js';
import { Err } from '../errors.js';
import { DEFAULT_LIMITS } from '../protocol/parser.js';
import type { Arg } from '../util/bytes.js';
import { Connection } from './connection.js';

/** Name of the diagnostics channel the server publishes {@link ServerEvent}s on. */
export const SERVER_CHANNEL = 'cachee:server';

/** A server event, as published on {@link SERVER_CHANNEL}. */
export interface ServerEvent {
  level: 'debug' | 'verbose' | 'notice' | 'warning';
  event: string;
  [field: string]: unknown;
}

/** Options for {@link CacheeServer}; defaults are redis-server's. */
export interface CacheeServerOptions {
  /** TCP port; 0 picks a free one. Default 6379. */
  port?: number;
  /** Address to bind. Default '127.0.0.1'. */
  host?: string;
  /** Password of the `default` user (`requirepass`); null or '' for none. Default none. */
  requirepass?: string | null;
  /** Most clients connected at once; more are answered `-ERR max number of clients reached`. Default 10000. */
  maxclients?: number;
  /** Largest bulk argument accepted (`proto-max-bulk-len`). Default 512 MB. */
  protoMaxBulkLen?: number;
  /** Largest unparsed input a client may have pending before it is disconnected. Default 1 GB. */
  clientQueryBufferLimit?: number;
  /**
   * Protected mode: with no password, refuse clients that are not on the loopback
   * interface, with Redis's `-DENIED` explanation. Default true.
   */
  protectedMode?: boolean;
  /** Sets the engine's active expiry frequency (`hz`) when given. */
  hz?: number;
  /** The config file the server was started with (INFO `config_file`, CONFIG REWRITE). Default ''. */
  configFile?: string;
  /** Seconds a client may stay idle before it is closed (`timeout`); 0 never. Default 0. */
  timeout?: number;
  /** TCP keepalive interval in seconds (`tcp-keepalive`); 0 off. Default 300. */
  tcpKeepalive?: number;
}

/** Where the server listens. */
export interface ServerAddress {
  port: number;
  host: string;
}

const SAMPLE_MS = 100;
const SAMPLES = 16;

/** Rolling averages as Redis's trackInstantaneousMetric: per-second rates over the last 16 samples. */
class InstantaneousMetric {
  private readonly samples = new Float64Array(SAMPLES);
  private index = 0;
  private lastValue = 0;
  private lastTime = 0;

  constructor(now: number) {
    this.lastTime = now;
  }

  /** Records the counter's current value; returns the average rate per second. */
  track(value: number, now: number): number {
    const dt = now - this.lastTime;
    if (dt > 0) {
      this.samples[this.index] = ((value - this.lastValue) * 1000) / dt;
      this.index = (this.index + 1) % SAMPLES;
    }
    this.lastValue = value;
    this.lastTime = now;
    let sum = 0;
    for (const s of this.samples) sum += s;
    return sum / SAMPLES;
  }
}

/**
 * Serves an {@link Engine} over RESP2/RESP3 on TCP, as redis-server would.
 *
 * ```ts
 * const server = new CacheeServer(engine, { port: 0 });
 * const { port } = await server.listen();
 * // ... redis-cli -p <port> ping
 * await server.close();
 * ```
 */
export class CacheeServer implements ServerView {
  /** Connected clients by id, in connection order. */
  readonly clients = new Map<number, Connection>();
  /** Counters INFO reports. */
  readonly stats: ServerStats = {
    connectionsReceived: 0,
    rejectedConnections: 0,
    commandsProcessed: 0,
    netInputBytes: 0,
    netOutputBytes: 0,
    readsProcessed: 0,
    writesProcessed: 0,
    opsPerSec: 0,
    inputKbps: 0,
    outputKbps: 0,
    peakMemory: 0,
  };
  /**
   * Shared by every connection's session: requirepass for AUTH, and the server-level
   * parameters CONFIG SET changes (read live below).
   */
  readonly settings: ServerSettings;
  readonly runId = randomBytes(20).toString('hex');
  /** Wall-clock ms of the last listen(). */
  startedAt: number;

  private server: net.Server;
  /** Every open socket, accepted or being rejected (close() destroys them all). */
  private readonly sockets = new Set<net.Socket>();
  private bound: ServerAddress | null = null;
  /** CLIENT PAUSE: clock ms until which commands are held (0: not paused), and whether only writes are. */
  private pausedUntil = 0;
  private pauseWritesOnly = false;
  private pauseTimer: NodeJS.Timeout | undefined;
  /** Connections holding a command until the pause ends. */
  private readonly held = new Set<Connection>();
  private readonly shutdownListeners: (() => void)[] = [];
  /** CONFIG RESETSTAT asked the sampler to start its rates over. */
  private resetSamples = false;
  private sampler: NodeJS.Timeout | undefined;
  private readonly channel = diagnostics_channel.channel(SERVER_CHANNEL);

  constructor(
    readonly engine: Engine,
    options: CacheeServerOptions = {},
  ) {
    const pass = options.requirepass;
    this.settings = {
      requirepass: pass === undefined || pass === null || pass === '' ? null : pass,
      port: options.port ?? 6379,
      bind: options.host ?? '127.0.0.1',
      maxclients: options.maxclients ?? 10000,
      protoMaxBulkLen: options.protoMaxBulkLen ?? DEFAULT_LIMITS.maxBulkLen,
      clientQueryBufferLimit: options.clientQueryBufferLimit ?? 1024 * 1024 * 1024,
      protectedMode: options.protectedMode ?? true,
      configFile: options.configFile ?? '',
      timeout: options.timeout ?? 0,
      tcpKeepalive: options.tcpKeepalive ?? 300,
    };
    if (options.hz !== undefined) engine.setHz(options.hz);
    this.startedAt = engine.clock.now();
    this.server = this.createListener();
  }

  private createListener(): net.Server {
    const server = net.createServer({ noDelay: true }, (socket) => this.accept(socket));
    server.on('error', (err) => this.log('warning', 'server-error', { error: err.message }));
    return server;
  }

  /** The TCP port INFO reports: the bound one once listening. */
  get port(): number {
    return this.bound?.port ?? this.settings.port ?? 6379;
  }

  /** `maxclients`. */
  get maxclients(): number {
    return this.settings.maxclients ?? 10000;
  }

  /** `proto-max-bulk-len` (applies to connections accepted after a change). */
  get protoMaxBulkLen(): number {
    return this.settings.protoMaxBulkLen ?? DEFAULT_LIMITS.maxBulkLen;
  }

  /** `client-query-buffer-limit`. */
  get clientQueryBufferLimit(): number {
    return this.settings.clientQueryBufferLimit ?? 1024 * 1024 * 1024;
  }

  /** `protected-mode`. */
  get protectedMode(): boolean {
    return this.settings.protectedMode ?? true;
  }

  /** The engine's `hz`. */
  get hz(): number {
    return this.engine.hz;
  }

  /** The config file the server was started with, or ''. */
  get configFile(): string {
    return this.settings.configFile ?? '';
  }

  /** Where the server listens, or null before listen() / after close(). */
  get address(): ServerAddress | null {
    return this.bound;
  }

  /** Starts listening; resolves with the bound address (port 0 picks a free port). */
  listen(): Promise<ServerAddress> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once('error', onError);
      this.server.listen(this.settings.port ?? 6379, this.settings.bind ?? '127.0.0.1', () => {
        this.server.removeListener('error', onError);
        const a = this.server.address() as net.AddressInfo;
        this.bound = { port: a.port, host: a.address };
        this.startedAt = this.engine.clock.now();
        this.startSampler();
        this.log('notice', 'listening', { host: a.address, port: a.port });
        resolve(this.bound);
      });
    });
  }

  /**
   * Moves the listener to `settings.port` / `settings.bind` (CONFIG SET port, bind):
   * the old listener keeps serving until the new one is bound; if binding fails, the
   * old one stays and the settings go back to it. Connected clients stay connected.
   */
  relisten(): void {
    if (this.bound === null) return;
    const port = this.settings.port ?? 6379;
    const host = this.settings.bind ?? '127.0.0.1';
    const old = this.server;
    const previous = this.bound;
    const next = this.createListener();
    const onError = (err: Error) => {
      this.log('warning', 'listen-error', { host, port, error: err.message });
      this.settings.port = previous.port;
      this.settings.bind = previous.host;
    };
    next.once('error', onError);
    next.listen(port, host, () => {
      next.removeListener('error', onError);
      if (this.bound === null) {
        next.close();
        return;
      }
      const a = next.address() as net.AddressInfo;
      this.server = next;
      this.bound = { port: a.port, host: a.address };
      old.close();
      this.log('notice', 'listening', { host: a.address, port: a.port });
    });
  }

  /** CLIENT PAUSE: holds clients' commands (all, or those that may write) until `until` (clock ms). */
  pause(until: number, writesOnly: boolean): void {
    // Redis keeps the stronger kind and the later end of overlapping pauses.
    if (this.pausedUntil === 0) this.pauseWritesOnly = writesOnly;
    else if (!writesOnly) this.pauseWritesOnly = false;
    if (until > this.pausedUntil) this.pausedUntil = until;
    if (this.pauseTimer) clearTimeout(this.pauseTimer);
    this.pauseTimer = setTimeout(
      () => this.checkPause(),
      Math.max(0, this.pausedUntil - this.engine.clock.now()),
    );
    this.pauseTimer.unref();
  }

  /** CLIENT UNPAUSE, and the end of a pause: held connections run their commands. */
  unpause(): void {
    if (this.pauseTimer) clearTimeout(this.pauseTimer);
    this.pauseTimer = undefined;
    this.pausedUntil = 0;
    this.pauseWritesOnly = false;
    const held = [...this.held];
    this.held.clear();
    // After the current command's reply has gone out.
    setImmediate(() => {
      for (const c of held) c.resumeAfterPause();
    });
  }

  private checkPause(): void {
    if (this.pausedUntil !== 0 && this.engine.clock.now() >= this.pausedUntil) this.unpause();
    else if (this.pausedUntil !== 0) this.pause(this.pausedUntil, this.pauseWritesOnly);
  }

  /**
   * True when `argv` must wait for the end of a CLIENT PAUSE (then `conn` is held):
   * every command under ALL, those that may write under WRITE (write and
   * may_replicate commands, and EXEC of a transaction holding one), as Redis's
   * processCommand decides after its other checks.
   */
  holds(conn: Connection, argv: Arg[]): boolean {
    if (this.pausedUntil === 0) return false;
    if (this.engine.clock.now() >= this.pausedUntil) {
      this.unpause();
      return false;
    }
    const cmd = lookupCommand(argv);
    // Commands refused anyway (unknown, arity, NOAUTH) are answered at once.
    if (cmd === undefined || !arityOk(cmd, argv.length)) return false;
    if (!conn.authenticated && !cmd.noAuth) return false;
    if (this.pauseWritesOnly && !mayWrite(conn, cmd)) return false;
    this.held.add(conn);
    return true;
  }

  /** SHUTDOWN: closes every connection, stops listening, and tells the {@link onShutdown} listeners. */
  shutdown(): void {
    this.log('warning', 'shutdown-requested');
    void this.close();
    for (const listener of this.shutdownListeners.splice(0)) listener();
  }

  /** Calls `listener` once when a client shuts the server down (the CLI exits then). */
  onShutdown(listener: () => void): void {
    this.shutdownListeners.push(listener);
  }

  /**
   * `timeout`: closes clients idle for longer (not subscribed or blocked ones), as
   * clientsCronHandleTimeout does. Checked once a second.
   */
  private closeIdleClients(): void {
    const timeout = this.settings.timeout ?? 0;
    if (timeout <= 0) return;
    const now = this.engine.clock.now();
    for (const c of [...this.clients.values()]) {
      if (c.subscribed || this.engine.blocking.isBlocked(c)) continue;
      if (now - c.lastInteraction > timeout * 1000) {
        this.log('verbose', 'client-timeout', { id: c.id, addr: c.addr });
        c.close();
      }
    }
  }

  /** CONFIG RESETSTAT: the counters INFO reports. */
  resetStats(): void {
    const st = this.stats;
    st.connectionsReceived = 0;
    st.rejectedConnections = 0;
    st.commandsProcessed = 0;
    st.netInputBytes = 0;
    st.netOutputBytes = 0;
    st.readsProcessed = 0;
    st.writesProcessed = 0;
    this.resetSamples = true;
  }

  /** Stops accepting, closes every client connection, and resolves once the listener is closed. */
  close(): Promise<void> {
    if (this.sampler) clearInterval(this.sampler);
    this.sampler = undefined;
    if (this.pauseTimer) clearTimeout(this.pauseTimer);
    this.pauseTimer = undefined;
    this.pausedUntil = 0;
    this.held.clear();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    this.clients.clear();
    this.bound = null;
    return new Promise((resolve) => {
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
    });
  }

  /** Closes a client now (CLIENT KILL of another client). */
  kill(session: Session): void {
    const c = this.clients.get(session.id);
    if (c) c.close();
  }

  /** Counts an error reply the server sends itself (protocol errors) for INFO's errorstats. */
  countError(message: string): void {
    this.engine.errorStats.count(message);
  }

  /** Publishes an event on the diagnostics channel (free when nobody listens). */
  log(level: ServerEvent['level'], event: string, fields: Record<string, unknown> = {}): void {
    if (this.channel.hasSubscribers) this.channel.publish({ level, event, ...fields });
  }

  private accept(socket: net.Socket): void {
    socket.on('error', (err) => this.log('verbose', 'client-error', { error: err.message }));
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    if (this.clients.size >= this.maxclients) {
      this.stats.rejectedConnections++;
      this.log('verbose', 'max-clients', { maxclients: this.maxclients });
      reject(socket, Err.maxClients);
      return;
    }
    if (this.protectedMode && this.settings.requirepass === null && !isLoopback(socket.remoteAddress)) {
      this.stats.rejectedConnections++;
      this.log('warning', 'protected-mode', { addr: socket.remoteAddress });
      reject(socket, Err.protectedMode);
      return;
    }
    this.stats.connectionsReceived++;
    const keepalive = this.settings.tcpKeepalive ?? 300;
    if (keepalive > 0) socket.setKeepAlive(true, keepalive * 1000);
    const conn = new Connection(this, socket);
    this.clients.set(conn.id, conn);
    socket.on('close', () => this.clients.delete(conn.id));
  }

  private startSampler(): void {
    const now = Date.now();
    let ops = new InstantaneousMetric(now);
    let input = new InstantaneousMetric(now);
    let output = new InstantaneousMetric(now);
    let ticks = 0;
    this.sampler = setInterval(() => {
      const t = Date.now();
      const st = this.stats;
      if (this.resetSamples) {
        // CONFIG RESETSTAT: start the rates over.
        this.resetSamples = false;
        ops = new InstantaneousMetric(t);
        input = new InstantaneousMetric(t);
        output = new InstantaneousMetric(t);
      }
      st.opsPerSec = Math.round(ops.track(st.commandsProcessed, t));
      st.inputKbps = input.track(st.netInputBytes, t) / 1024;
      st.outputKbps = output.track(st.netOutputBytes, t) / 1024;
      if (++ticks % 10 === 0) {
        st.peakMemory = Math.max(st.peakMemory, this.engine.usedBytes);
        this.closeIdleClients();
      }
    }, SAMPLE_MS);
    this.sampler.unref();
  }
}

/** Commands CLIENT PAUSE WRITE holds: writes, may_replicate commands, EXEC of a transaction with one. */
function mayWrite(conn: Connection, cmd: Command): boolean {
  if (cmd.isWrite || cmd.flags.has('may_replicate')) return true;
  if (cmd.name === 'exec' && conn.multi !== null) {
    return conn.multi.commands.some((q) => q.cmd.isWrite || q.cmd.flags.has('may_replicate'));
  }
  return false;
}

/** Writes an error to a connection that is not accepted, then closes it (input is never read). */
function reject(socket: net.Socket, error: string): void {
  socket.end(`-${error}\r\n`, () => socket.destroy());
}

/** connIsLocal: loopback peers (IPv4, IPv6, IPv4-mapped IPv6). */
function isLoopback(ip: string | undefined): boolean {
  if (ip === undefined) return false;
  return ip === '127.0.0.1' || ip === '::1' || ip === '::ffff:127.0.0.1';
}
