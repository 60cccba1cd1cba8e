/**
 * Dispatch: argv → command lookup (case-insensitive) → existence and arity
 * checks → flag gates → handler, with Redis's exact rejection texts. The RESP
 * server, the sync API's `call` and Lua's `redis.call` all come through here.
 */
import { isUtf8 } from 'node:buffer';
import { Err, ReplyError } from '../errors.js';
import type { Reply } from '../protocol/reply.js';
import { type Arg, argText } from '../util/bytes.js';
import { recordCall, recordRejection } from './call-stats.js';
import { debugAllowed } from './debug.js';
import { feedMonitors, monitorFeedPoint, monitorRefuses } from './monitor.js';
import { COMMAND_TABLE } from './registry.js';
import type { Session } from './session.js';
import type { Command } from './table.js';
import { isQueued, queueCommand, rejectCommand } from './transactions.js';

/**
 * Lower-case names of commands as clients spell them otherwise (`SET`, `Get`), so that
 * only the first use of a spelling pays for toLowerCase. The table itself is still
 * consulted every time. Only spellings of real commands are kept, and only so many.
 */
const lowerNames = new Map<string, string>();
const MAX_SPELLINGS = 4096;

/** Finds the command (or subcommand) argv names; undefined when there is none. */
export function lookupCommand(argv: readonly Arg[]): Command | undefined {
  const name = argText(argv[0]);
  let base = COMMAND_TABLE.get(name);
  if (base === undefined) {
    let lower = lowerNames.get(name);
    if (lower === undefined) {
      lower = name.toLowerCase();
      if (COMMAND_TABLE.has(lower) && lowerNames.size < MAX_SPELLINGS) lowerNames.set(name, lower);
    }
    base = COMMAND_TABLE.get(lower);
  }
  if (base === undefined || base.subcommands === undefined || argv.length === 1) return base;
  const sub = argText(argv[1]);
  return base.subcommands.get(sub) ?? base.subcommands.get(sub.toLowerCase());
}

/**
 * Redis's rejection for a command name or subcommand that is not in the table. The quoted
 * arguments are C strings cut to 128 bytes (`%.128s`): they end at a NUL byte, may end inside
 * a UTF-8 sequence, and bytes that are not UTF-8 go back to the client as they came.
 */
export function unknownCommandError(argv: readonly Arg[]): ReplyError {
  const name = argText(argv[0]);
  const base = COMMAND_TABLE.get(name.toLowerCase());
  if (base?.subcommands !== undefined) {
    return bytesError(noNewlines(Err.unknownSubcommand(cString(argv[1], 128), name.toUpperCase())));
  }
  // The texts are built as latin1 strings, one char per byte.
  let args = '';
  for (let i = 1; i < argv.length && args.length < 128; i++) {
    args += `'${cString(argv[i], 128 - args.length)}' `;
  }
  return bytesError(noNewlines(Err.unknownCommand(cString(argv[0], 128), args)));
}

/** An argument's bytes up to its first NUL, at most `max` of them, as a latin1 string. */
function cString(arg: Arg, max: number): string {
  const bytes = typeof arg === 'string' ? Buffer.from(arg, 'utf8') : arg;
  const nul = bytes.indexOf(0);
  return bytes.toString('latin1', 0, Math.min(nul < 0 ? bytes.length : nul, max));
}

/** An error whose text is a latin1 string of bytes: its message is their UTF-8 reading, `raw` them when that is lossy. */
function bytesError(latin1: string): ReplyError {
  const raw = Buffer.from(latin1, 'latin1');
  const text = raw.toString('utf8');
  return isUtf8(raw) ? new ReplyError(text) : new ReplyError(text, raw);
}

/** Redis replaces CR and LF in rejection texts with spaces, so the reply stays one line. */
function noNewlines(e: string): string {
  return e.replace(/[\r\n]/g, ' ');
}

/** True when argc fits the command's arity. */
export function arityOk(cmd: Command, argc: number): boolean {
  const a = cmd.arity;
  return a > 0 ? argc === a : argc >= -a;
}

/** What a RESP2 client in Pub/Sub mode may still run (Redis's processCommand). */
export const SUBSCRIBED_MODE_COMMANDS: ReadonlySet<string> = new Set([
  'ping',
  'subscribe',
  'ssubscribe',
  'unsubscribe',
  'sunsubscribe',
  'psubscribe',
  'punsubscribe',
  'quit',
  'reset',
]);

/**
 * Checks existence, arity and the gates, returning the command to run or the
 * rejection to reply with.
 */
export function prepare(session: Session, argv: readonly Arg[]): Command | ReplyError {
  const cmd = lookupCommand(argv);
  if (cmd === undefined) return unknownCommandError(argv);
  if (!arityOk(cmd, argv.length)) return new ReplyError(Err.wrongArity(cmd.fullName));
  // DEBUG is refused unless enable-debug-command allows it, before authentication (processCommand).
  if (cmd.fullName === 'debug' && !debugAllowed(session)) return new ReplyError(Err.debugNotAllowed);
  if (!session.authenticated && !cmd.noAuth) return new ReplyError(Err.noAuth);
  if (session.multi !== null && cmd.flags.has('no_multi')) return new ReplyError(Err.notAllowedInMulti);
  // maxmemory (processCommand): evict first; still over the limit, refuse what may grow memory.
  const engine = session.engine;
  if (engine.maxmemory !== 0) {
    const oom = !engine.evict();
    engine.oomAtCommandStart = oom;
    if (oom && rejectOnOom(session, cmd)) return new ReplyError(Err.oom);
  }
  if (session.subscribed && session.protocol === 2 && !SUBSCRIBED_MODE_COMMANDS.has(cmd.fullName)) {
    return new ReplyError(Err.subscribedMode(cmd.fullName));
  }
  // A MONITOR client is a replica to Redis: it may not touch the keyspace.
  if (engine.monitors.size !== 0 && engine.monitors.has(session) && monitorRefuses(session, cmd)) {
    return new ReplyError(Err.replicaKeyspace);
  }
  return cmd;
}

/**
 * Whether an out-of-memory state refuses `cmd` (processCommand's reject_cmd_on_oom):
 * denyoom commands, an EXEC whose queue holds one, and anything queued inside MULTI
 * but DISCARD, QUIT and RESET.
 */
function rejectOnOom(session: Session, cmd: Command): boolean {
  if (cmd.denyOom) return true;
  const multi = session.multi;
  if (multi === null) return false;
  const name = cmd.fullName;
  if (name === 'exec') return multi.commands.some((q) => q.cmd.denyOom);
  return name !== 'discard' && name !== 'quit' && name !== 'reset';
}

/** Runs one command and returns its reply; a ReplyError thrown by the handler becomes the reply. */
export function dispatch(session: Session, argv: Arg[]): Reply {
  const cmd = prepare(session, argv);
  // A rejection dooms an open transaction; a rejected EXEC aborts it (Redis's rejectCommand).
  if (cmd instanceof ReplyError) {
    const error = rejectCommand(session, argv, cmd);
    recordRejection(session, lookupCommand(argv), error);
    return error;
  }
  // Inside MULTI, commands other than the transaction controls are queued for EXEC.
  if (session.multi !== null && isQueued(cmd)) return queueCommand(session, cmd, argv);
  const reply = execute(session, cmd, argv);
  // Clients blocked on keys this command made ready are served now that it has completed
  // (Redis's handleClientsBlockedOnKeys after call()): after a whole EXEC or script, never
  // inside one (those run their commands through execute/invoke, not dispatch).
  const engine = session.engine;
  const blocking = engine.blocking;
  if (blocking.hasReady) blocking.serveReady();
  // Evict what the command took beyond maxmemory now, so the bound holds between commands.
  if (engine.maxmemory !== 0 && engine.usedBytes > engine.maxmemory) engine.evict();
  return reply;
}

/** Runs a prepared command's handler, turning thrown errors into error replies. */
export function execute(session: Session, cmd: Command, argv: Arg[]): Reply {
  session.lastCommand = cmd.fullName;
  return invoke(session, cmd, argv);
}

/**
 * Runs a command's handler without recording it as the client's last command
 * (the commands EXEC runs: CLIENT LIST shows `cmd=exec` meanwhile, as Redis does).
 */
export function invoke(session: Session, cmd: Command, argv: Arg[]): Reply {
  // MONITOR clients see the command after it ran (EVAL and FCALL before), as Redis's call().
  const feed = session.engine.monitors.size === 0 ? 0 : monitorFeedPoint(cmd);
  if (feed === 1) feedMonitors(session, cmd, argv);
  // Timed for INFO commandstats, the slow log and the latency monitor (call-stats.ts).
  const start = performance.now();
  let reply: Reply;
  try {
    reply = cmd.handler!(session, argv);
  } catch (e) {
    reply = e instanceof ReplyError ? e : internalError(cmd, e);
  }
  recordCall(session, cmd, argv, performance.now() - start, reply);
  if (feed === 2) feedMonitors(session, cmd, argv);
  return reply;
}

/** A bug, not bad input: answer like Redis would for an internal failure and keep serving. */
function internalError(cmd: Command, e: unknown): ReplyError {
  const message = e instanceof Error ? e.message : String(e);
  return new ReplyError(`ERR internal error in '${cmd.fullName}': ${message}`.replace(/[\r\n]/g, ' '));
}
