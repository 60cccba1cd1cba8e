/**
 * Per-client state that command dispatch reads and writes: the selected
 * database, protocol version, name, authentication. The RESP server keeps one
 * per connection; the sync API keeps one per `Cachee` instance.
 */
import type { Database } from '../engine/database.js';
import type { Engine } from '../engine/engine.js';
import type { WatchedKey, Watcher } from '../engine/watch.js';
import type { Reply } from '../protocol/reply.js';
import type { PushSubscriber } from '../pubsub/subscribers.js';
import type { Arg } from '../util/bytes.js';
import type { Command } from './table.js';

let nextClientId = 1;

/** A command queued between MULTI and EXEC. */
export interface QueuedCommand {
  readonly cmd: Command;
  readonly argv: Arg[];
}

/** An open transaction (Redis's multiState plus CLIENT_DIRTY_EXEC). */
export interface MultiState {
  readonly commands: QueuedCommand[];
  /** A command was rejected while queueing: EXEC replies EXECABORT (CLIENT_DIRTY_EXEC). */
  dirtyExec: boolean;
  /** Bytes of the queued argv plus a pointer per argument (CLIENT LIST `multi-mem`). */
  argvMem: number;
}

/** Server-wide settings a command may consult. */
export interface ServerSettings {
  requirepass: string | null;
  // Server-level parameters CONFIG SET and the config file change (commands/config-registry.ts).
  // The RESP server reads them live; absent means Redis's default.
  /** `port` as configured (6379). */
  port?: number;
  /** `bind`: the address to listen on ('127.0.0.1'). */
  bind?: string;
  /** `maxclients` (10000). */
  maxclients?: number;
  /** `timeout`: seconds of idleness before a client is closed; 0 never (0). */
  timeout?: number;
  /** `tcp-keepalive` in seconds; 0 off (300). */
  tcpKeepalive?: number;
  /** `protected-mode` (true). */
  protectedMode?: boolean;
  /** `proto-max-bulk-len` (512 MB). */
  protoMaxBulkLen?: number;
  /** `client-query-buffer-limit` (1 GB). */
  clientQueryBufferLimit?: number;
  /** `client-output-buffer-limit`, by class. */
  clientOutputBufferLimit?: ClientOutputBufferLimits;
  /** Absolute path of the config file the server was started with (CONFIG REWRITE), or ''. */
  configFile?: string;
  /** `databases` and `enable-debug-command` as read from a config file, before the engine exists. */
  databases?: number;
  enableDebugCommand?: 'no' | 'yes' | 'local';
}

/** One class's `client-output-buffer-limit`: hard bytes, soft bytes, soft seconds (0 = none). */
export interface OutputBufferLimit {
  hard: number;
  soft: number;
  softSeconds: number;
}

/** `client-output-buffer-limit` for the normal, replica and pubsub classes. */
export interface ClientOutputBufferLimits {
  normal: OutputBufferLimit;
  replica: OutputBufferLimit;
  pubsub: OutputBufferLimit;
}

/** What a connection looks like from CLIENT LIST / CLIENT INFO (Redis's field names in comments). */
export interface ConnectionInfo {
  /** `addr`: the peer's ip:port. */
  addr: string;
  /** `laddr`: the local ip:port. */
  laddr: string;
  /** `fd`: the socket's file descriptor, or -1. */
  fd: number;
  /** `qbuf`: bytes received and not yet parsed. */
  qbuf: number;
  /** `qbuf-free`: spare bytes of the query buffer. */
  qbufFree: number;
  /** `rbs`: size of the last reply batch. */
  rbs: number;
  /** `rbp`: the largest reply batch recently. */
  rbp: number;
  /** `omem`: bytes written but not yet taken by the kernel. */
  omem: number;
  /** `oll`: 1 while such bytes exist, else 0. */
  oll: number;
  /** `events`: `r`, or `rw` while output is pending. */
  events: string;
}

/** Counters the RESP server keeps for INFO. */
export interface ServerStats {
  connectionsReceived: number;
  rejectedConnections: number;
  commandsProcessed: number;
  netInputBytes: number;
  netOutputBytes: number;
  readsProcessed: number;
  writesProcessed: number;
  /** Samples over the last 1.6 s, as Redis's `instantaneous_*`. */
  opsPerSec: number;
  inputKbps: number;
  outputKbps: number;
  /** Peak of `used_memory` seen by the sampling timer. */
  peakMemory: number;
}

/** The RESP server a session belongs to, as commands see it (implemented in server/). */
export interface ServerView {
  /** Connected sessions in connection order (CLIENT LIST, connected_clients). */
  readonly clients: ReadonlyMap<number, Session>;
  readonly port: number;
  readonly hz: number;
  readonly maxclients: number;
  /** Absolute path of the config file, or ''. */
  readonly configFile: string;
  /** Wall-clock ms when the server started. */
  readonly startedAt: number;
  /** 40 hex chars, random per start (`run_id`). */
  readonly runId: string;
  readonly stats: ServerStats;
  /** The settings shared by the server's connections (CONFIG SET writes them). */
  readonly settings: ServerSettings;
  /** Closes a client's connection (after its pending reply when it is the caller). */
  kill(session: Session): void;
  /** Moves the listener to `settings.port` / `settings.bind` (CONFIG SET port, bind). */
  relisten(): void;
  /** CLIENT PAUSE: holds clients' commands (all, or those that may write) until `until` (clock ms). */
  pause(until: number, writesOnly: boolean): void;
  /** CLIENT UNPAUSE. */
  unpause(): void;
  /** SHUTDOWN: closes every connection and stops listening. */
  shutdown(): void;
  /** CONFIG RESETSTAT: zeroes the server's counters. */
  resetStats(): void;
}

/** CLIENT REPLY states: replies on, off, skip the next command's, skip this command's. */
export const ReplyMode = { On: 0, Off: 1, SkipNext: 2, Skip: 3 } as const;
export type ReplyMode = (typeof ReplyMode)[keyof typeof ReplyMode];

const LOCAL_CONNECTION: ConnectionInfo = Object.freeze({
  addr: '',
  laddr: '',
  fd: -1,
  qbuf: 0,
  qbufFree: 0,
  rbs: 0,
  rbp: 0,
  omem: 0,
  oll: 0,
  events: 'r',
});

export class Session implements Watcher {
  readonly id = nextClientId++;
  db: Database;
  /** RESP protocol version: 2 or 3. */
  protocol: 2 | 3 = 2;
  name: string | null = null;
  libName = '';
  libVersion = '';
  authenticated: boolean;
  readonly createdAt: number;
  /** Set by QUIT: the server closes the connection after the reply. */
  closeAfterReply = false;
  /** Name of the command being executed, lower case (for errors and stats). */
  lastCommand = '';
  /** The RESP server this session is connected to; null for in-process sessions. */
  server: ServerView | null = null;
  /** Clock ms of the last command (CLIENT LIST `idle`). */
  lastInteraction: number;
  /** CLIENT REPLY state; the server drops replies unless On. */
  replyMode: ReplyMode = ReplyMode.On;
  /** CLIENT NO-EVICT (flag `e` in CLIENT LIST). */
  noEvict = false;
  /** Channel, pattern and shard-channel subscriptions; null until the first (P|S)SUBSCRIBE. */
  subscriber: PushSubscriber | null = null;
  /**
   * Redis's CLIENT_PUBSUB: set by (P|S)SUBSCRIBE, cleared when the last subscription
   * goes. In RESP2 it limits the commands the client may run (flag `P` in CLIENT LIST).
   */
  subscribed = false;
  /**
   * Redis's CLIENT_DENY_BLOCKING: the caller expects exactly one reply per command
   * (in-process sessions; EXEC sets it while it runs), so SSUBSCRIBE is refused.
   * SUBSCRIBE / PSUBSCRIBE are refused for in-process sessions only: Redis lets them
   * run inside a transaction.
   */
  denyBlocking: boolean;
  /** The open transaction (MULTI ... EXEC), or null (Redis's CLIENT_MULTI). */
  multi: MultiState | null = null;
  /** The keys this client WATCHes (engine/watch.ts), or null when none. */
  watched: WatchedKey[] | null = null;
  /** A watched key was modified: the next EXEC fails (CLIENT_DIRTY_CAS, flag `d` in CLIENT LIST). */
  dirtyCas = false;
  /** The session Lua scripts run their commands on (Redis's CLIENT_SCRIPT; scripting/ creates it). */
  inScript = false;

  constructor(
    readonly engine: Engine,
    readonly settings: ServerSettings,
    /** Where the session comes from: 'tcp' for a RESP connection, 'local' for in-process. */
    readonly kind: 'tcp' | 'local' = 'local',
  ) {
    this.db = engine.dbs[0];
    this.authenticated = settings.requirepass === null || kind === 'local';
    this.denyBlocking = kind === 'local';
    this.createdAt = engine.clock.now();
    this.lastInteraction = this.createdAt;
  }

  /** Socket facts for CLIENT LIST; the RESP server's sessions override this. */
  connectionInfo(): ConnectionInfo {
    return LOCAL_CONNECTION;
  }

  /**
   * Sends a push frame out of band (Pub/Sub messages, subscribe confirmations), even
   * under CLIENT REPLY OFF. A RESP connection writes it; other sessions have nowhere to
   * send it and drop it.
   */
  deliver(_reply: Reply): void {}

  /** The database index selected. */
  get dbIndex(): number {
    return this.db.index;
  }

  /** Selects a database by index (no range check: callers validate). */
  select(index: number): void {
    this.db = this.engine.dbs[index];
  }
}
