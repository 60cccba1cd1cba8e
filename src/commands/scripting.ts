/**
 * Scripting commands: EVAL/EVALSHA (and their _RO forms), SCRIPT, FUNCTION,
 * FCALL/FCALL_RO. The handlers parse argv; scripting/ holds the behaviour and
 * receives the command layer through the host below (scripting never imports
 * commands).
 */
import { Err, ReplyError } from '../errors.js';
import { OK, type Reply } from '../protocol/reply.js';
import type { ScriptHost } from '../scripting/host.js';
import { type Scripting, scriptingFor } from '../scripting/scripting.js';
import { type Arg, argText, byteLength, isOption } from '../util/bytes.js';
import { tryParseInt64 } from '../util/numbers.js';
import { helpReply, subcommandSyntaxError } from './connection.js';
import { execute, lookupCommand } from './dispatch.js';
import { feedMonitors } from './monitor.js';
import { Session } from './session.js';
import type { Command } from './table.js';
import type { CommandDef, Handler } from './types.js';

/** How scripts reach commands: the table lookup and dispatch's execute, on a script session. */
const host: ScriptHost = {
  lookup: (argv) => lookupCommand(argv),
  execute: (client, cmd, argv) => execute(client as Session, cmd as Command, argv),
  createClient: (engine) => {
    const session = new Session(engine, { requirepass: null }, 'local');
    session.inScript = true;
    return session;
  },
};

/** The scripting state of a session's engine. */
export function scripting(session: Session): Scripting {
  return scriptingFor(session.engine, host);
}

/** numkeys of EVAL/EVALSHA: an integer from 0 to the number of arguments after it. */
function evalNumkeys(argv: readonly Arg[]): number {
  const n = tryParseInt64(argv[2]);
  if (n === undefined) throw new ReplyError(Err.notInteger);
  return checkNumkeys(n, argv.length);
}

function checkNumkeys(n: number | bigint, argc: number): number {
  if (n > argc - 3) throw new ReplyError(Err.numkeysExceedArgs);
  if (n < 0) throw new ReplyError(Err.numkeysNegative);
  return Number(n);
}

/** numkeys of FCALL (its own error text for a non-integer). */
function fcallNumkeys(argc: number): (arg: Arg) => number {
  return (arg) => {
    const n = tryParseInt64(arg);
    if (n === undefined) throw new ReplyError(Err.badNumberOfKeys);
    return checkNumkeys(n, argc);
  };
}

// EVAL script numkeys [key [key ...]] [arg [arg ...]]
const evalHandler: Handler = (s, argv) => scripting(s).eval(s, argv, evalNumkeys(argv), false);

// EVAL_RO script numkeys [key [key ...]] [arg [arg ...]]
const evalRo: Handler = (s, argv) => scripting(s).eval(s, argv, evalNumkeys(argv), true);

/** EVALSHA's order of checks: a SHA of the wrong length fails before numkeys is read. */
function evalsha(s: Session, argv: Arg[], readOnly: boolean): Reply {
  const sha = argv[1];
  // A 40-character string of other than single-byte characters cannot name a script either.
  if ((typeof sha === 'string' ? sha.length : byteLength(sha)) !== 40) return new ReplyError(Err.noScript);
  return scripting(s).evalsha(s, argv, evalNumkeys(argv), readOnly);
}

/**
 * EVAL / EVALSHA for the sync API's fast path, without dispatch (as the API's other fast
 * paths): the maxmemory state at the start, then the command, then serving clients
 * blocked on keys the script made ready and evicting what it took beyond maxmemory.
 */
export function runScriptCommand(s: Session, argv: Arg[], sha: boolean): Reply {
  const engine = s.engine;
  if (engine.maxmemory !== 0) engine.oomAtCommandStart = !engine.evict();
  // MONITOR shows EVAL / EVALSHA before the script's commands (skip_monitor: dispatch does not).
  if (engine.monitors.size !== 0) feedMonitors(s, undefined, argv);
  let reply: Reply;
  try {
    reply = sha ? evalsha(s, argv, false) : scripting(s).eval(s, argv, evalNumkeys(argv), false);
  } catch (e) {
    if (!(e instanceof ReplyError)) throw e;
    reply = e;
  }
  const blocking = engine.blocking;
  if (blocking.hasReady) blocking.serveReady();
  if (engine.maxmemory !== 0 && engine.usedBytes > engine.maxmemory) engine.evict();
  return reply;
}

// EVALSHA sha1 numkeys [key [key ...]] [arg [arg ...]]
const evalshaHandler: Handler = (s, argv) => evalsha(s, argv, false);

// EVALSHA_RO sha1 numkeys [key [key ...]] [arg [arg ...]]
const evalshaRo: Handler = (s, argv) => evalsha(s, argv, true);

// SCRIPT LOAD script
const scriptLoad: Handler = (s, argv) => scripting(s).load(argv[2]);

// SCRIPT EXISTS sha1 [sha1 ...]
const scriptExists: Handler = (s, argv) => scripting(s).exists(argv.slice(2));

/** The [ASYNC | SYNC] argument of SCRIPT FLUSH / FUNCTION FLUSH: both flush at once here. */
function flushMode(argv: readonly Arg[]): boolean {
  return (
    argv.length === 2 || (argv.length === 3 && (isOption(argv[2], 'SYNC') || isOption(argv[2], 'ASYNC')))
  );
}

// SCRIPT FLUSH [ASYNC | SYNC]
const scriptFlush: Handler = (s, argv) => {
  if (!flushMode(argv)) throw new ReplyError(Err.scriptFlushOption);
  scripting(s).flush();
  return OK;
};

// SCRIPT KILL
const scriptKill: Handler = () => {
  // Scripts run to completion (or to the time limit) before any other command: none is ever running here.
  throw new ReplyError(Err.notBusy);
};

// SCRIPT DEBUG <YES | SYNC | NO>
const scriptDebug: Handler = (_s, argv) => {
  if (isOption(argv[2], 'NO')) return OK;
  if (isOption(argv[2], 'YES') || isOption(argv[2], 'SYNC')) {
    throw new ReplyError(Err.notImplementedHere('SCRIPT DEBUG (the Lua debugger)'));
  }
  throw new ReplyError(Err.scriptDebugOption);
};

const SCRIPT_HELP = [
  'SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'DEBUG (YES|SYNC|NO)',
  '    Set the debug mode for subsequent scripts executed.',
  'EXISTS <sha1> [<sha1> ...]',
  '    Return information about the existence of the scripts in the script cache.',
  'FLUSH [ASYNC|SYNC]',
  '    Flush the Lua scripts cache. Very dangerous on replicas.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the scripts cache.',
  '    * SYNC: Synchronously flush the scripts cache.',
  'KILL',
  '    Kill the currently executing Lua script.',
  'LOAD <script>',
  '    Load a script into the scripts cache without executing it.',
  'HELP',
  '    Prints this help.',
];

// SCRIPT HELP
const scriptHelp: Handler = () => helpReply(SCRIPT_HELP);

// FUNCTION LOAD [REPLACE] function-code
const functionLoad: Handler = (s, argv) => {
  let replace = false;
  let i = 2;
  while (i < argv.length - 1) {
    const arg = argv[i++];
    if (isOption(arg, 'REPLACE')) {
      replace = true;
      continue;
    }
    throw new ReplyError(Err.functionLoadOption(argText(arg)));
  }
  return scripting(s).functionLoad(argv[i], replace);
};

// FUNCTION LIST [LIBRARYNAME library-name-pattern] [WITHCODE]
const functionList: Handler = (s, argv) => {
  let withCode = false;
  let pattern: Arg | null = null;
  for (let i = 2; i < argv.length; i++) {
    const arg = argv[i];
    if (!withCode && isOption(arg, 'WITHCODE')) {
      withCode = true;
      continue;
    }
    if (pattern === null && isOption(arg, 'LIBRARYNAME')) {
      if (i >= argv.length - 1) throw new ReplyError(Err.functionListNameMissing);
      pattern = argv[++i];
      continue;
    }
    throw new ReplyError(Err.functionListArg(argText(arg)));
  }
  return scripting(s).functions.list(pattern, withCode);
};

// FUNCTION DELETE library-name
const functionDelete: Handler = (s, argv) => {
  scripting(s).functionDelete(argv[2]);
  return OK;
};

// FUNCTION FLUSH [ASYNC | SYNC]
const functionFlush: Handler = (s, argv) => {
  if (argv.length > 3) throw subcommandSyntaxError(argv);
  if (!flushMode(argv)) throw new ReplyError(Err.functionFlushOption);
  scripting(s).functionFlush();
  return OK;
};

// FUNCTION STATS
const functionStats: Handler = (s) => scripting(s).functions.stats();

// FUNCTION KILL
const functionKill: Handler = () => {
  throw new ReplyError(Err.notBusy);
};

const FUNCTION_HELP = [
  'FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'LOAD [REPLACE] <FUNCTION CODE>',
  '    Create a new library with the given library name and code.',
  'DELETE <LIBRARY NAME>',
  '    Delete the given library.',
  'LIST [LIBRARYNAME PATTERN] [WITHCODE]',
  '    Return general information on all the libraries:',
  '    * Library name',
  '    * The engine used to run the Library',
  '    * Library description',
  '    * Functions list',
  '    * Library code (if WITHCODE is given)',
  '    It also possible to get only function that matches a pattern using LIBRARYNAME argument.',
  'STATS',
  '    Return information about the current function running:',
  '    * Function name',
  '    * Command used to run the function',
  '    * Duration in MS that the function is running',
  '    If no function is running, return nil',
  '    In addition, returns a list of available engines.',
  'KILL',
  '    Kill the current running function.',
  'FLUSH [ASYNC|SYNC]',
  '    Delete all the libraries.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the libraries.',
  '    * SYNC: Synchronously flush the libraries.',
  'DUMP',
  '    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command',
  'RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]',
  '    Restore the libraries represented by the given payload, it is possible to give a restore policy to',
  '    control how to handle existing libraries (default APPEND):',
  '    * FLUSH: delete all existing libraries.',
  '    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.',
  '    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old',
  '      libraries with the new libraries (notice that even on this option there is a chance of failure',
  '      in case of functions name collision with another library).',
  'HELP',
  '    Prints this help.',
];

// FUNCTION HELP
const functionHelp: Handler = () => helpReply(FUNCTION_HELP);

// FCALL function numkeys [key [key ...]] [arg [arg ...]]
const fcall: Handler = (s, argv) => scripting(s).fcall(s, argv, false, fcallNumkeys(argv.length));

// FCALL_RO function numkeys [key [key ...]] [arg [arg ...]]
const fcallRo: Handler = (s, argv) => scripting(s).fcall(s, argv, true, fcallNumkeys(argv.length));

export const scriptingCommands: CommandDef[] = [
  { name: 'eval', summary: 'Runs a Lua script on the server.', handler: evalHandler },
  { name: 'eval_ro', summary: 'Runs a read-only Lua script on the server.', handler: evalRo },
  { name: 'evalsha', summary: 'Runs a cached Lua script, named by its SHA1.', handler: evalshaHandler },
  {
    name: 'evalsha_ro',
    summary: 'Runs a cached read-only Lua script, named by its SHA1.',
    handler: evalshaRo,
  },
  { name: 'script|load', summary: 'Caches a Lua script and returns its SHA1.', handler: scriptLoad },
  { name: 'script|exists', summary: 'Tells which SHA1s name cached scripts.', handler: scriptExists },
  { name: 'script|flush', summary: 'Empties the script cache.', handler: scriptFlush },
  {
    name: 'script|kill',
    summary: 'Stops the running script (none can be running here).',
    handler: scriptKill,
  },
  {
    name: 'script|debug',
    summary: 'Sets the Lua debugger mode (only NO is supported).',
    handler: scriptDebug,
  },
  { name: 'script|help', summary: 'Lists the SCRIPT subcommands.', handler: scriptHelp },
  { name: 'function|load', summary: 'Loads a library of Lua functions.', handler: functionLoad },
  {
    name: 'function|list',
    summary: 'Lists the loaded libraries and their functions.',
    handler: functionList,
  },
  { name: 'function|delete', summary: 'Deletes a library and its functions.', handler: functionDelete },
  { name: 'function|flush', summary: 'Deletes every library.', handler: functionFlush },
  {
    name: 'function|stats',
    summary: 'Reports the running function and the engines.',
    handler: functionStats,
  },
  {
    name: 'function|kill',
    summary: 'Stops the running function (none can be running here).',
    handler: functionKill,
  },
  { name: 'function|help', summary: 'Lists the FUNCTION subcommands.', handler: functionHelp },
  { name: 'fcall', summary: 'Calls a function of a loaded library.', handler: fcall },
  { name: 'fcall_ro', summary: 'Calls a read-only function of a loaded library.', handler: fcallRo },
];
