/**
 * Per-client state that command dispatch reads and writes: the selected
 * database, protocol version, name, authentication. The RESP server keeps one
 * per connection; the sync API keeps one per `Cachee` instance.
 */
import type { Database } from '../engine/database.js';
import type { Engine } from '../engine/engine.js';

let nextClientId = 1;

/** Server-wide settings a command may consult. */
export interface ServerSettings {
  requirepass: string | null;
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
  /** Error replies by code (the first word of the message, as `errorstat_ERR`). */
  readonly errorCodes: Map<string, number>;
  errorReplies: number;
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
  /** Closes a client's connection (after its pending reply when it is the caller). */
  kill(session: Session): void;
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

export class Session {
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

  constructor(
    readonly engine: Engine,
    readonly settings: ServerSettings,
    /** Where the session comes from: 'tcp' for a RESP connection, 'local' for in-process. */
    readonly kind: 'tcp' | 'local' = 'local',
  ) {
    this.db = engine.dbs[0];
    this.authenticated = settings.requirepass === null || kind === 'local';
    this.createdAt = engine.clock.now();
    this.lastInteraction = this.createdAt;
  }

  /** Socket facts for CLIENT LIST; the RESP server's sessions override this. */
  connectionInfo(): ConnectionInfo {
    return LOCAL_CONNECTION;
  }

  /** The database index selected. */
  get dbIndex(): number {
    return this.db.index;
  }

  /** Selects a database by index (no range check: callers validate). */
  select(index: number): void {
    this.db = this.engine.dbs[index];
  }
}
