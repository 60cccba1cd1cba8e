/**
 * What scripting needs from the command layer, passed in by commands/scripting.ts
 * so that scripting never imports commands (DESIGN.md §2): command lookup, the
 * handler call (dispatch's `execute`), and a client for scripts to run commands on.
 */
import type { Database } from '../engine/database.js';
import type { Engine } from '../engine/engine.js';
import type { Reply } from '../protocol/reply.js';
import type { Arg } from '../util/bytes.js';

/** A command as scripts check it before running it (a structural view of the command table's entries). */
export interface ScriptCommand {
  readonly fullName: string;
  readonly arity: number;
  readonly flags: ReadonlySet<string>;
  readonly isWrite: boolean;
  readonly denyOom: boolean;
}

/** The client a script's commands run on (Redis's Lua client): its database and protocol. */
export interface ScriptClient {
  db: Database;
  protocol: 2 | 3;
}

/** The command layer, as scripting calls it. */
export interface ScriptHost {
  /** The command argv names (subcommands resolved), or undefined. */
  lookup(argv: readonly Arg[]): ScriptCommand | undefined;
  /** Runs a looked-up command on the script's client; a handler's ReplyError comes back as the reply. */
  execute(client: ScriptClient, cmd: ScriptCommand, argv: Arg[]): Reply;
  /** A new client for scripts of this engine (created once per engine). */
  createClient(engine: Engine): ScriptClient;
}
