/**
 * Dispatch: argv → command lookup (case-insensitive) → existence and arity
 * checks → flag gates → handler, with Redis's exact rejection texts. The RESP
 * server, the sync API's `call` and Lua's `redis.call` all come through here.
 */
import { Err, ReplyError } from '../errors.js';
import { type Arg, argText } from '../util/bytes.js';
import { COMMAND_TABLE } from './registry.js';
import type { Reply } from '../protocol/reply.js';
import type { Session } from './session.js';
import type { Command } from './table.js';

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

/**
 * Checks existence, arity and the gates, returning the command to run or the
 * rejection to reply with.
 */
export function prepare(session: Session, argv: readonly Arg[]): Command | ReplyError {
  const cmd = lookupCommand(argv);
  if (cmd === undefined) return unknownCommandError(argv);
  if (!arityOk(cmd, argv.length)) return new ReplyError(Err.wrongArity(cmd.fullName));
  if (!session.authenticated && !cmd.noAuth) return new ReplyError(Err.noAuth);
  return cmd;
}

/** Runs one command and returns its reply; a ReplyError thrown by the handler becomes the reply. */
export function dispatch(session: Session, argv: Arg[]): Reply {
  const cmd = prepare(session, argv);
  if (cmd instanceof ReplyError) return cmd;
  return execute(session, cmd, argv);
}

/** Runs a prepared command's handler, turning thrown errors into error replies. */
export function execute(session: Session, cmd: Command, argv: Arg[]): Reply {
  session.lastCommand = cmd.fullName;
  try {
    return cmd.handler!(session, argv);
  } catch (e) {
    if (e instanceof ReplyError) return e;
    // A bug, not bad input: answer like Redis would for an internal failure and keep serving.
    const message = e instanceof Error ? e.message : String(e);
    return new ReplyError(`ERR internal error in '${cmd.fullName}': ${message}`.replace(/[\r\n]/g, ' '));
  }
}
