/**
 * Server operations: TIME, LASTSAVE, WAIT and SHUTDOWN. Cachee neither persists
 * nor replicates, so LASTSAVE is the start time (nothing was saved since),
 * WAIT counts zero replicas, and SHUTDOWN refuses SAVE unless FORCE is given
 * (as Redis refuses when its save fails) before closing the server.
 */
import { systemClock } from '../engine/clock.js';
import { Err, ReplyError } from '../errors.js';
import { BlockedReply, NO_REPLY, OK, type Reply } from '../protocol/reply.js';
import { isOption } from '../util/bytes.js';
import { tryParseInt64 } from '../util/numbers.js';
import type { CommandDef } from './types.js';

export const opsCommands: CommandDef[] = [
  {
    name: 'time',
    summary: 'Returns the server time as seconds and microseconds.',
    // TIME
    handler: (s) => {
      const clock = s.engine.clock;
      // Microseconds from the high-resolution clock when the engine runs on the wall clock.
      const us =
        clock === systemClock
          ? Math.floor((performance.timeOrigin + performance.now()) * 1000)
          : clock.now() * 1000;
      return [String(Math.floor(us / 1e6)), String(us % 1e6)];
    },
  },
  {
    name: 'lastsave',
    summary: 'Returns the Unix time of the last save: the start time, as Cachee never saves.',
    // LASTSAVE
    handler: (s) => Math.floor((s.server ? s.server.startedAt : s.engine.startedAt) / 1000),
  },
  {
    name: 'wait',
    summary:
      'Waits for replicas to acknowledge writes; Cachee has none, so it answers 0 (after the timeout).',
    // WAIT numreplicas timeout
    handler: (s, argv): Reply => {
      const numreplicas = tryParseInt64(argv[1]);
      if (numreplicas === undefined) throw new ReplyError(Err.notInteger);
      const timeout = tryParseInt64(argv[2]);
      if (timeout === undefined) throw new ReplyError(Err.timeoutNotInteger);
      if (timeout < 0) throw new ReplyError(Err.timeoutNegative);
      // Zero replicas acknowledge: enough only when none were asked for, else Redis
      // blocks until the timeout (0: until CLIENT UNBLOCK) and then answers 0.
      if (numreplicas <= 0 || s.denyBlocking) return 0;
      const waiter = s.engine.blocking.block<Reply>({
        db: s.db,
        keys: [],
        timeoutMs: Number(timeout),
        retry: () => undefined,
        error: () => 0,
        timeoutReply: 0,
        owner: s,
      });
      return new BlockedReply(waiter);
    },
  },
  {
    name: 'shutdown',
    summary: 'Closes every connection and stops the server (SAVE is refused: Cachee does not persist).',
    // SHUTDOWN [NOSAVE | SAVE] [NOW] [FORCE] [ABORT]
    handler: (s, argv) => {
      let nosave = false;
      let save = false;
      let now = false;
      let force = false;
      let abort = false;
      for (let i = 1; i < argv.length; i++) {
        const a = argv[i];
        if (isOption(a, 'NOSAVE')) nosave = true;
        else if (isOption(a, 'SAVE')) save = true;
        else if (isOption(a, 'NOW')) now = true;
        else if (isOption(a, 'FORCE')) force = true;
        else if (isOption(a, 'ABORT')) abort = true;
        else throw new ReplyError(Err.syntax);
      }
      if ((abort && (nosave || save || now || force)) || (nosave && save)) throw new ReplyError(Err.syntax);
      // A shutdown here completes at once, so there is never one in progress to abort.
      if (abort) throw new ReplyError(Err.noShutdownInProgress);
      if (!now && s.denyBlocking) throw new ReplyError(Err.shutdownDenyBlocking);
      if (save && !force) throw new ReplyError(Err.shutdownFailed);
      s.engine.close();
      const server = s.server;
      if (server === null) return OK;
      server.shutdown();
      // The connection is gone, as after redis-server exits; an in-process caller gets its answer.
      return s.kind === 'tcp' ? NO_REPLY : OK;
    },
  },
];
