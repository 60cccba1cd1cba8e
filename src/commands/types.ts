import type { Reply } from '../protocol/reply.js';
import type { Arg } from '../util/bytes.js';
import type { Session } from './session.js';

/** A command handler: reads argv (argv[0] is the command name), returns a reply or throws a ReplyError. */
export type Handler = (session: Session, argv: Arg[]) => Reply;

/** What a group module declares for each command it implements. */
export interface CommandDef {
  /** Lower-case name; a subcommand is `container|sub` (`object|encoding`). */
  name: string;
  /** One sentence in our own words, for COMMAND DOCS and the README. */
  summary: string;
  handler: Handler;
}
