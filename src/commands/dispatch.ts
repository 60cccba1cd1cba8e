/**
 * Dispatch: argv → command lookup (case-insensitive) → existence and arity
 * checks → flag gates → handler, with Redis's exact rejection texts. The RESP
 * server, the sync API's `call` and Lua's `redis.call` all come through here.
 */
import { Err, ReplyError } from '../errors.js';
import type { Reply } from '../protocol/reply.js';
import { type Arg, argText } from '../util/bytes.js';
import { recordCall, recordRejection } from './call-stats.js';
import { debugAllowed } from './debug.js';
import { COMMAND_TABLE } from './registry.js';
import type { Session } from './session.js';
import type { Command } from './table.js';
import { isQueued, queueCommand, rejectCommand } from './transactions.js';

/** Finds the command (or subcommand) argv names; undefined when there is none. */
export function lookupCommand(argv: readonly Arg[]): Command | undefined {
  const name = argText(argv[0]);
  const base = COMMAND_TABLE.get(name) ?? COMMAND_TABLE.get(name.toLowerCase());
  if (base === undefined || base.subcommands === undefined || argv.length === 1) return base;
  const sub = argText(argv[1]);
  return base.subcommands.get(sub) ?? base.subcommands.get(sub.toLowerCase());
}

/** Redis's rejection for a command name or subcommand that is not in the table. */
export function unknownCommandError(argv: readonly Arg[]): ReplyError {
  const name = argText(argv[0]);
  const base = COMMAND_TABLE.get(name.toLowerCase());
  if (base?.subcommands !== undefined) {
    return new ReplyError(
      noNewlines(Err.unknownSubcommand(argText(argv[1]).slice(0, 128), name.toUpperCase())),
    );
  }
  let args = '';
  for (let i = 1; i < argv.length && args.length < 128; i++) {
    args += `'${argText(argv[i]).slice(0, 128 - args.length)}' `;
  }
  return new ReplyError(noNewlines(Err.unknownCommand(name.slice(0, 128), args)));
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
const SUBSCRIBED_MODE_COMMANDS = new Set([
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
  if (cmd.name === 'debug' && !debugAllowed(session)) return new ReplyError(Err.debugNotAllowed);
  if (!session.authenticated && !cmd.noAuth) return new ReplyError(Err.noAuth);
  if (session.multi !== null && cmd.flags.has('no_multi')) return new ReplyError(Err.notAllowedInMulti);
  if (session.subscribed && session.protocol === 2 && !SUBSCRIBED_MODE_COMMANDS.has(cmd.fullName)) {
    return new ReplyError(Err.subscribedMode(cmd.fullName));
  }
  return cmd;
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
  const blocking = session.engine.blocking;
  if (blocking.hasReady) blocking.serveReady();
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
  // Timed for INFO commandstats, the slow log and the latency monitor (call-stats.ts).
  const start = performance.now();
  let reply: Reply;
  try {
    reply = cmd.handler!(session, argv);
  } catch (e) {
    reply = e instanceof ReplyError ? e : internalError(cmd, e);
  }
  recordCall(session, cmd, argv, performance.now() - start, reply);
  return reply;
}

/** A bug, not bad input: answer like Redis would for an internal failure and keep serving. */
function internalError(cmd: Command, e: unknown): ReplyError {
  const message = e instanceof Error ? e.message : String(e);
  return new ReplyError(`ERR internal error in '${cmd.fullName}': ${message}`.replace(/[\r\n]/g, ' '));
}
