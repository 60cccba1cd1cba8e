/**
 * What dispatch records after each command, as Redis's call() does: the
 * command's counters (INFO commandstats), its latency histogram (INFO
 * latencystats, LATENCY HISTOGRAM), error replies by code (INFO errorstats),
 * the slow log and the latency monitor's 'command' / 'fast-command' events.
 *
 * The common case costs a Map lookup and a few increments; the slow log and
 * the latency monitor are only consulted past their thresholds.
 */
import { CommandStat, LatencyHistogram } from '../engine/monitor.js';
import { ReplyError } from '../errors.js';
import type { Reply } from '../protocol/reply.js';
import { type Arg, isOption } from '../util/bytes.js';
import { isSensitiveConfig } from './config-registry.js';
import type { Session } from './session.js';
import type { Command } from './table.js';

/** The counters of one command, created on first use. */
export function commandStat(session: Session, cmd: Command): CommandStat {
  const stats = session.engine.commandStats;
  let stat = stats.get(cmd.fullName);
  if (stat === undefined) {
    stat = new CommandStat();
    stats.set(cmd.fullName, stat);
  }
  return stat;
}

/** Records one executed command that took `ms` milliseconds and replied `reply`. */
export function recordCall(
  session: Session,
  cmd: Command,
  argv: readonly Arg[],
  ms: number,
  reply: Reply,
): void {
  const engine = session.engine;
  // Redis measures whole microseconds (ustime()).
  const us = Math.floor(ms * 1000);
  const stat = commandStat(session, cmd);
  stat.calls++;
  stat.usec += us;
  if (reply instanceof ReplyError) {
    stat.failedCalls++;
    engine.errorStats.count(reply.message);
  }
  if (engine.latencyTracking) {
    if (stat.histogram === null) stat.histogram = new LatencyHistogram();
    stat.histogram.record(us * 1000);
  }
  const slower = engine.slowlogLogSlowerThan;
  if (slower >= 0 && us >= slower && engine.slowlogMaxLen > 0 && !cmd.flags.has('skip_slowlog')) {
    engine.slowlog.push(
      redactedArgv(cmd, argv),
      us,
      Math.floor(engine.clock.now() / 1000),
      session.connectionInfo().addr,
      session.name ?? '',
      engine.slowlogMaxLen,
    );
  }
  if (engine.latencyMonitorThreshold > 0) {
    engine.latencySample(cmd.flags.has('fast') ? 'fast-command' : 'command', Math.floor(us / 1000));
  }
}

/** Records a command refused before it ran (unknown, arity, NOAUTH, ...): its error, and `rejected_calls`. */
export function recordRejection(session: Session, cmd: Command | undefined, error: ReplyError): void {
  session.engine.errorStats.count(error.message);
  if (cmd !== undefined) commandStat(session, cmd).rejectedCalls++;
}

const REDACTED = '(redacted)';

/**
 * The arguments as the slow log keeps them: secrets replaced by '(redacted)', as
 * Redis's redactClientCommandArgument does for AUTH, HELLO ... AUTH and CONFIG SET
 * of a sensitive parameter (requirepass).
 */
export function redactedArgv(cmd: Command, argv: readonly Arg[]): readonly Arg[] {
  switch (cmd.fullName) {
    case 'auth': {
      const out = argv.slice();
      for (let i = 1; i < out.length; i++) out[i] = REDACTED;
      return out;
    }
    case 'hello': {
      let out: Arg[] | undefined;
      for (let i = 2; i < argv.length; i++) {
        if (isOption(argv[i], 'AUTH') && i + 2 < argv.length) {
          out ??= argv.slice();
          out[i + 1] = REDACTED;
          out[i + 2] = REDACTED;
          i += 2;
        } else if (isOption(argv[i], 'SETNAME')) {
          i++;
        }
      }
      return out ?? argv;
    }
    case 'config|set': {
      let out: Arg[] | undefined;
      for (let i = 2; i + 1 < argv.length; i += 2) {
        if (isSensitiveConfig(argv[i])) {
          out ??= argv.slice();
          out[i + 1] = REDACTED;
        }
      }
      return out ?? argv;
    }
    default:
      return argv;
  }
}
