/**
 * SLOWLOG GET / LEN / RESET / HELP over the engine's slow log (engine/monitor.ts),
 * which dispatch fills for commands slower than `slowlog-log-slower-than`.
 */
import { Err, ReplyError } from '../errors.js';
import { OK, type Reply } from '../protocol/reply.js';
import { tryParseInt64 } from '../util/numbers.js';
import { helpReply, subcommandSyntaxError } from './connection.js';
import type { CommandDef } from './types.js';

const SLOWLOG_HELP = [
  'SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GET [<count>]',
  '    Return top <count> entries from the slowlog (default: 10, -1 mean all).',
  '    Entries are made of:',
  '    id, timestamp, time in microseconds, arguments array, client IP and port,',
  '    client name',
  'LEN',
  '    Return the length of the slowlog.',
  'RESET',
  '    Reset the slowlog.',
  'HELP',
  '    Prints this help.',
];

export const slowlogCommands: CommandDef[] = [
  {
    name: 'slowlog|get',
    summary: 'Returns the most recent slow log entries.',
    // SLOWLOG GET [count]
    handler: (s, argv) => {
      if (argv.length > 3) throw subcommandSyntaxError(argv);
      let count = 10;
      if (argv.length === 3) {
        const v = tryParseInt64(argv[2]);
        if (v === undefined || v < -1) throw new ReplyError(Err.slowlogCount);
        count = v === -1 ? Number.POSITIVE_INFINITY : Number(v);
      }
      const entries = s.engine.slowlog.entries;
      const n = Math.min(count, entries.length);
      const out: Reply[] = new Array(n);
      for (let i = 0; i < n; i++) {
        const e = entries[i];
        out[i] = [e.id, e.time, e.duration, e.argv.slice(), e.addr, e.name];
      }
      return out;
    },
  },
  {
    name: 'slowlog|len',
    summary: 'Returns the number of entries in the slow log.',
    // SLOWLOG LEN
    handler: (s) => s.engine.slowlog.entries.length,
  },
  {
    name: 'slowlog|reset',
    summary: 'Empties the slow log.',
    // SLOWLOG RESET
    handler: (s) => {
      s.engine.slowlog.reset();
      return OK;
    },
  },
  {
    name: 'slowlog|help',
    summary: 'Describes the SLOWLOG subcommands.',
    // SLOWLOG HELP
    handler: () => helpReply(SLOWLOG_HELP),
  },
];
