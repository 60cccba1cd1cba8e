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
import type { ServerSettings, ServerStats, ServerView, Session } from '../commands/session.js';
import type { Engine } from '../engine/engine.js';
import { Err } from '../errors.js';
import { DEFAULT_LIMITS } from '../protocol/parser.js';
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
  /** What INFO reports as `hz` (the engine's active expiry frequency). Default 10. */
  hz?: number;
  /** What INFO reports as `config_file`. Default ''. */
  configFile?: string;
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
    errorCodes: new Map(),
    errorReplies: 0,
    opsPerSec: 0,
    inputKbps: 0,
    outputKbps: 0,
    peakMemory: 0,
  };
  /** Shared by every connection's session (AUTH reads requirepass here). */
  readonly settings: ServerSettings;
  readonly runId = randomBytes(20).toString('hex');
  readonly maxclients: number;
  readonly protoMaxBulkLen: number;
  readonly clientQueryBufferLimit: number;
  readonly protectedMode: boolean;
  readonly hz: number;
  readonly configFile: string;
  /** Wall-clock ms of the last listen(). */
  startedAt: number;

  private readonly server: net.Server;
  /** Every open socket, accepted or being rejected (close() destroys them all). */
  private readonly sockets = new Set<net.Socket>();
  private readonly requestedPort: number;
  private readonly host: string;
  private bound: ServerAddress | null = null;
  private sampler: NodeJS.Timeout | undefined;
  private readonly channel = diagnostics_channel.channel(SERVER_CHANNEL);

  constructor(
    readonly engine: Engine,
    options: CacheeServerOptions = {},
  ) {
    const pass = options.requirepass;
    this.settings = { requirepass: pass === undefined || pass === null || pass === '' ? null : pass };
    this.requestedPort = options.port ?? 6379;
    this.host = options.host ?? '127.0.0.1';
    this.maxclients = options.maxclients ?? 10000;
    this.protoMaxBulkLen = options.protoMaxBulkLen ?? DEFAULT_LIMITS.maxBulkLen;
    this.clientQueryBufferLimit = options.clientQueryBufferLimit ?? 1024 * 1024 * 1024;
    this.protectedMode = options.protectedMode ?? true;
    this.hz = options.hz ?? 10;
    this.configFile = options.configFile ?? '';
    this.startedAt = engine.clock.now();
    this.server = net.createServer({ noDelay: true }, (socket) => this.accept(socket));
    this.server.on('error', (err) => this.log('warning', 'server-error', { error: err.message }));
  }

  /** The TCP port INFO reports: the bound one once listening. */
  get port(): number {
    return this.bound?.port ?? this.requestedPort;
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
      this.server.listen(this.requestedPort, this.host, () => {
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

  /** Stops accepting, closes every client connection, and resolves once the listener is closed. */
  close(): Promise<void> {
    if (this.sampler) clearInterval(this.sampler);
    this.sampler = undefined;
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

  /** Counts an error reply for INFO's errorstats (by its code, the first word). */
  countError(message: string): void {
    const stats = this.stats;
    stats.errorReplies++;
    const sp = message.indexOf(' ');
    const code = sp < 0 ? message : message.slice(0, sp);
    stats.errorCodes.set(code, (stats.errorCodes.get(code) ?? 0) + 1);
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
    const conn = new Connection(this, socket);
    this.clients.set(conn.id, conn);
    socket.on('close', () => this.clients.delete(conn.id));
  }

  private startSampler(): void {
    const now = Date.now();
    const ops = new InstantaneousMetric(now);
    const input = new InstantaneousMetric(now);
    const output = new InstantaneousMetric(now);
    let ticks = 0;
    this.sampler = setInterval(() => {
      const t = Date.now();
      const st = this.stats;
      st.opsPerSec = Math.round(ops.track(st.commandsProcessed, t));
      st.inputKbps = input.track(st.netInputBytes, t) / 1024;
      st.outputKbps = output.track(st.netOutputBytes, t) / 1024;
      if (++ticks % 10 === 0) st.peakMemory = Math.max(st.peakMemory, process.memoryUsage().heapUsed);
    }, SAMPLE_MS);
    this.sampler.unref();
  }
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
