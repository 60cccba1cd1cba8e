import { ReplyError } from '../errors.js';
import { Err } from '../errors.js';
import { PONG } from '../protocol/reply.js';
import type { CommandDef } from './types.js';

export const connectionCommands: CommandDef[] = [
  {
    name: 'ping',
    summary: 'Returns PONG, or the given message.',
    // PING [message]
    handler: (_s, argv) => {
      if (argv.length > 2) throw new ReplyError(Err.wrongArity('ping'));
      return argv.length === 2 ? argv[1] : PONG;
    },
  },
];
