import { getString } from '../types/string.js';
import { toKey } from '../util/bytes.js';
import type { CommandDef } from './types.js';

export const stringCommands: CommandDef[] = [
  {
    name: 'get',
    summary: 'Returns the string value of a key.',
    // GET key
    handler: (s, argv) => getString(s.db, toKey(argv[1])),
  },
];
