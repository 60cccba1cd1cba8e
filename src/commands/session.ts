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

  constructor(
    readonly engine: Engine,
    readonly settings: ServerSettings,
    /** Where the session comes from: 'tcp' for a RESP connection, 'local' for in-process. */
    readonly kind: 'tcp' | 'local' = 'local',
  ) {
    this.db = engine.dbs[0];
    this.authenticated = settings.requirepass === null || kind === 'local';
    this.createdAt = engine.clock.now();
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
