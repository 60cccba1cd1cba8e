/**
 * MONITOR, as Redis 7.0's monitorCommand and replicationFeedMonitors.
 *
 * A client that runs MONITOR joins `engine.monitors` and from then on receives a
 * status line for every command run (by anyone, itself included):
 * `+<sec>.<usec> [<db> <source>] "arg" "arg" ...`, where the source is the peer's
 * ip:port, `lua` for commands a script runs, `local` for in-process sessions, and each
 * argument is escaped like sdscatrepr. Dispatch feeds the monitors after a command ran
 * (so SELECT shows its new db and EXEC follows the commands it ran), except EVAL, EVALSHA
 * and FCALL (flag skip_monitor), shown before their script runs, and admin commands,
 * never shown. Commands refused before running (unknown, arity, NOAUTH, queued in MULTI)
 * are not shown. AUTH and HELLO ... AUTH secrets are shown as "(redacted)".
 *
 * Redis marks a monitor as a replica: it may not run commands that read or write keys
 * (dispatch's {@link monitorRefuses}), and RESET or disconnecting ends monitoring.
 */

import { systemClock } from '../engine/clock.js';
import type { Engine } from '../engine/engine.js';
import { Err, ReplyError } from '../errors.js';
import { NO_REPLY, OK, type Reply, StatusReply } from '../protocol/reply.js';
import { type Arg, isOption } from '../util/bytes.js';
import { tryParseInt64 } from '../util/numbers.js';
import { repr } from '../util/repr.js';
import { ReplyMode, type Session } from './session.js';
import type { Command } from './table.js';
import type { CommandDef } from './types.js';

const REDACTED = '(redacted)';

/**
 * Monitor lines for a monitor's own commands, held until that command's reply is
 * written: Redis appends the line after the reply (see {@link takeMonitorEcho}).
 */
const echoes = new WeakMap<Session, StatusReply[]>();

/** When dispatch shows a command to monitors: 0 never (admin), 1 before it runs, 2 after. */
export function monitorFeedPoint(cmd: Command): 0 | 1 | 2 {
  const flags = cmd.flags;
  if (flags.has('admin')) return 0;
  return flags.has('skip_monitor') ? 1 : 2;
}

/**
 * Whether a monitor may not run `cmd` (processCommand: a replica can't interact with the
 * keyspace): commands that read, write or may replicate, and an EXEC queuing such.
 */
export function monitorRefuses(session: Session, cmd: Command): boolean {
  if (touchesKeyspace(cmd)) return true;
  const multi = session.multi;
  if (cmd.fullName !== 'exec' || multi === null) return false;
  return multi.commands.some((q) => touchesKeyspace(q.cmd));
}

/**
 * Commands with Redis's may_replicate flag that are neither read nor write commands
 * (COMMAND INFO does not show that flag, so the table does not have it).
 */
const MAY_REPLICATE = new Set(['eval', 'evalsha', 'fcall', 'publish', 'spublish']);

function touchesKeyspace(cmd: Command): boolean {
  const flags = cmd.flags;
  return flags.has('readonly') || flags.has('write') || MAY_REPLICATE.has(cmd.fullName);
}

/**
 * Sends the line for `argv`, run by `session`, to every monitor (replicationFeedMonitors).
 * `cmd` decides the redaction of secrets; callers check `engine.monitors.size` first.
 */
export function feedMonitors(session: Session, cmd: Command | undefined, argv: readonly Arg[]): void {
  const engine = session.engine;
  const args = cmd === undefined ? argv : redactedForMonitor(cmd, argv);
  let line = `${timestamp(engine)} [${session.db.index} ${source(session)}]`;
  for (let i = 0; i < args.length; i++) line += ` ${repr(args[i])}`;
  const reply = new StatusReply(line);
  for (const m of engine.monitors) {
    // addReply writes nothing to a client under CLIENT REPLY OFF (or SKIP, for its own command).
    if (m.replyMode === ReplyMode.Off) continue;
    if (m !== session) {
      m.deliver(reply);
    } else if (m.replyMode !== ReplyMode.Skip) {
      const held = echoes.get(m);
      if (held === undefined) echoes.set(m, [reply]);
      else held.push(reply);
    }
  }
}

/** The monitor lines of `session`'s own last command, to write after its reply; undefined when none. */
export function takeMonitorEcho(session: Session): StatusReply[] | undefined {
  const held = echoes.get(session);
  if (held !== undefined) echoes.delete(session);
  return held;
}

/** Ends MONITOR mode (RESET, a closed connection). */
export function stopMonitoring(session: Session): void {
  session.engine.monitors.delete(session);
  echoes.delete(session);
}

/** True while `session` is in MONITOR mode (CLIENT LIST flag `O`). */
export function isMonitor(session: Session): boolean {
  return session.engine.monitors.has(session);
}

/** gettimeofday as `sec.usec`: the high-resolution wall clock, or the engine's clock when it is not the system's. */
function timestamp(engine: Engine): string {
  const clock = engine.clock;
  const us =
    clock === systemClock
      ? Math.floor((performance.timeOrigin + performance.now()) * 1000)
      : Math.floor(clock.now() * 1000);
  const sec = Math.floor(us / 1e6);
  return `${sec}.${String(us - sec * 1e6).padStart(6, '0')}`;
}

/** Who ran the command: `lua` inside a script, the peer's address, `local` for in-process sessions. */
function source(session: Session): string {
  if (session.inScript) return 'lua';
  const addr = session.connectionInfo().addr;
  return addr === '' ? 'local' : addr;
}

/**
 * The arguments as monitors see them: authCommand and helloCommand redact the
 * secrets once they have parsed them (redactClientCommandArgument), so a command
 * that fails before that shows them.
 */
function redactedForMonitor(cmd: Command, argv: readonly Arg[]): readonly Arg[] {
  if (cmd.fullName === 'auth') {
    // AUTH with more than two arguments is a syntax error before any redaction.
    if (argv.length > 3) return argv;
    const out = argv.slice();
    for (let i = 1; i < out.length; i++) out[i] = REDACTED;
    return out;
  }
  if (cmd.fullName !== 'hello' || argv.length < 3) return argv;
  const ver = tryParseInt64(argv[1]);
  if (ver === undefined || ver < 2 || ver > 3) return argv;
  let out: Arg[] | undefined;
  for (let j = 2; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (isOption(argv[j], 'AUTH') && more >= 2) {
      out ??= argv.slice();
      out[j + 1] = REDACTED;
      out[j + 2] = REDACTED;
      j += 2;
    } else if (isOption(argv[j], 'SETNAME') && more >= 1) {
      j++;
    } else {
      break;
    }
  }
  return out ?? argv;
}

// MONITOR
function monitor(s: Session): Reply {
  // In-process sessions and EXEC expect one reply per command: a stream cannot follow.
  if (s.denyBlocking) throw new ReplyError(Err.monitorDenyBlocking);
  // Already monitoring: Redis ignores the command, without a reply.
  if (s.engine.monitors.has(s)) return NO_REPLY;
  s.engine.monitors.add(s);
  return OK;
}

export const monitorCommands: CommandDef[] = [
  {
    name: 'monitor',
    summary: 'Streams every command the server runs to this connection, as it runs them.',
    handler: monitor,
  },
];
