/**
 * Transactions, as Redis's multi.c: MULTI, EXEC, DISCARD, WATCH, UNWATCH.
 *
 * While a session is in MULTI, dispatch queues every command but the
 * transaction controls ({@link queueCommand}); a command rejected before it
 * could be queued (unknown, wrong arity, ...) dooms the transaction
 * ({@link rejectCommand}), and EXEC then replies EXECABORT. EXEC runs the queue
 * through the handlers back to back: the engine is single-threaded, so nothing
 * interleaves, and for dispatch the whole EXEC is one command. A runtime error
 * does not stop the others; it takes its place in the reply array. WATCHed keys
 * live in engine/watch.ts.
 */
import { isWatchedKeyExpired, unwatchAllKeys, watchKey } from '../engine/watch.js';
import { Err, ReplyError } from '../errors.js';
import { NIL_ARRAY, NO_REPLY, OK, QUEUED, type Reply } from '../protocol/reply.js';
import { type Arg, argText, byteLength, toKey } from '../util/bytes.js';
import { invoke } from './dispatch.js';
import { ReplyMode, type Session } from './session.js';
import type { Command } from './table.js';
import type { CommandDef } from './types.js';

/** What an argument pointer costs in Redis's `multi-mem` accounting (sizeof(robj*)). */
const POINTER_SIZE = 8;

/** Commands that run at once inside MULTI instead of being queued (Redis's processCommand). */
const NOT_QUEUED = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

/** True when `cmd` is queued, not run, while the session is in MULTI. */
export function isQueued(cmd: Command): boolean {
  return !NOT_QUEUED.has(cmd.fullName);
}

/** Redis's queueMultiCommand: appends to the open transaction and replies +QUEUED. */
export function queueCommand(session: Session, cmd: Command, argv: Arg[]): Reply {
  const multi = session.multi!;
  session.lastCommand = cmd.fullName;
  // A doomed transaction will never run: no point keeping its commands.
  if (!multi.dirtyExec) {
    multi.commands.push({ cmd, argv });
    let mem = 0;
    for (let i = 0; i < argv.length; i++) mem += byteLength(argv[i]) + POINTER_SIZE;
    multi.argvMem += mem;
  }
  return QUEUED;
}

/**
 * Redis's rejectCommand: a command refused before running (unknown, wrong arity,
 * NOAUTH, not allowed inside a transaction, ...) dooms the open transaction; a
 * refused EXEC discards it at once, replying EXECABORT with the reason.
 */
export function rejectCommand(session: Session, argv: readonly Arg[], error: ReplyError): ReplyError {
  if (session.multi !== null) session.multi.dirtyExec = true;
  if (argText(argv[0]).toLowerCase() !== 'exec') return error;
  discardTransaction(session);
  const text = error.message;
  return new ReplyError(Err.execAbortBecause(text.startsWith('ERR ') ? text.slice(4) : text));
}

/**
 * Redis's discardTransaction: leaves MULTI, forgets the queue and the dirty
 * flags, unwatches every key. Also what a closing connection (or RESET) must do.
 */
export function discardTransaction(session: Session): void {
  session.multi = null;
  session.dirtyCas = false;
  unwatchAllKeys(session);
}

// MULTI
function multi(s: Session): Reply {
  if (s.multi !== null) throw new ReplyError(Err.multiNested);
  s.multi = { commands: [], dirtyExec: false, argvMem: 0 };
  return OK;
}

// EXEC
function exec(s: Session): Reply {
  const transaction = s.multi;
  if (transaction === null) throw new ReplyError(Err.execWithoutMulti);
  if (isWatchedKeyExpired(s)) s.dirtyCas = true;
  if (s.dirtyCas || transaction.dirtyExec) {
    // A queueing error is an error; a touched WATCHed key is the nil array (not an error).
    const reply = transaction.dirtyExec ? new ReplyError(Err.execAbort) : NIL_ARRAY;
    discardTransaction(s);
    return reply;
  }
  unwatchAllKeys(s);
  // Blocking commands inside EXEC answer at once, as if they timed out (CLIENT_DENY_BLOCKING).
  const denyBlocking = s.denyBlocking;
  s.denyBlocking = true;
  const commands = transaction.commands;
  const replies: Reply[] = new Array(commands.length);
  try {
    for (let i = 0; i < commands.length; i++) {
      const reply = invoke(s, commands[i].cmd, commands[i].argv);
      // After a queued CLIENT REPLY OFF, Redis drops the replies (even inside the array it announced).
      replies[i] = s.replyMode === ReplyMode.Off ? NO_REPLY : reply;
    }
  } finally {
    s.denyBlocking = denyBlocking;
    // The client stays in MULTI (CLIENT LIST flag `x`) until every queued command ran.
    discardTransaction(s);
  }
  return replies;
}

// DISCARD
function discard(s: Session): Reply {
  if (s.multi === null) throw new ReplyError(Err.discardWithoutMulti);
  discardTransaction(s);
  return OK;
}

// WATCH key [key ...]
function watch(s: Session, argv: Arg[]): Reply {
  if (s.multi !== null) throw new ReplyError(Err.watchInsideMulti);
  // Already doomed: watching more changes nothing.
  if (s.dirtyCas) return OK;
  for (let i = 1; i < argv.length; i++) watchKey(s, s.db, toKey(argv[i]));
  return OK;
}

// UNWATCH
function unwatch(s: Session): Reply {
  unwatchAllKeys(s);
  s.dirtyCas = false;
  return OK;
}

export const transactionCommands: CommandDef[] = [
  {
    name: 'multi',
    summary: 'Starts a transaction: the following commands are queued until EXEC.',
    handler: multi,
  },
  {
    name: 'exec',
    summary: 'Runs the queued commands as one, unless a WATCHed key changed or queueing failed.',
    handler: exec,
  },
  { name: 'discard', summary: 'Drops the queued commands and leaves the transaction.', handler: discard },
  {
    name: 'watch',
    summary: 'Makes the next EXEC fail if any of these keys is modified first.',
    handler: watch,
  },
  { name: 'unwatch', summary: 'Forgets every WATCHed key of this connection.', handler: unwatch },
];
