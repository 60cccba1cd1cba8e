/**
 * SORT and SORT_RO: argv parsing in Redis 7.0's order (options left to right,
 * the first bad one decides the error, all before the key is looked up) over
 * the op in types/sort.ts.
 */
import { syntaxError } from '../errors.js';
import { type SortOptions, sort, sortStore } from '../types/sort.js';
import { type Arg, isOption, toKey } from '../util/bytes.js';
import { parseInteger } from '../util/numbers.js';
import type { CommandDef, Handler } from './types.js';

/** Parses SORT's options from argv[2..]; `store` receives the STORE destination (SORT only). */
function parseSortOptions(argv: readonly Arg[], readonly: boolean): { options: SortOptions; store?: string } {
  const options: SortOptions = {};
  let store: string | undefined;
  const get: Arg[] = [];
  for (let j = 2; j < argv.length; j++) {
    const a = argv[j];
    const left = argv.length - j - 1;
    if (isOption(a, 'ASC')) {
      options.desc = false;
    } else if (isOption(a, 'DESC')) {
      options.desc = true;
    } else if (isOption(a, 'ALPHA')) {
      options.alpha = true;
    } else if (isOption(a, 'LIMIT') && left >= 2) {
      options.offset = parseInteger(argv[j + 1]);
      options.count = parseInteger(argv[j + 2]);
      j += 2;
    } else if (!readonly && isOption(a, 'STORE') && left >= 1) {
      store = toKey(argv[++j]);
    } else if (isOption(a, 'BY') && left >= 1) {
      options.by = argv[++j];
    } else if (isOption(a, 'GET') && left >= 1) {
      get.push(argv[++j]);
    } else {
      syntaxError();
    }
  }
  if (get.length > 0) options.get = get;
  return { options, store };
}

// SORT key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]] [ASC | DESC] [ALPHA] [STORE destination]
const sortHandler: Handler = (s, argv) => {
  const { options, store } = parseSortOptions(argv, false);
  const key = toKey(argv[1]);
  return store === undefined ? sort(s.db, key, options) : sortStore(s.db, key, store, options);
};

// SORT_RO key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]] [ASC | DESC] [ALPHA]
const sortRoHandler: Handler = (s, argv) => sort(s.db, toKey(argv[1]), parseSortOptions(argv, true).options);

export const sortCommands: CommandDef[] = [
  {
    name: 'sort',
    summary:
      'Sorts the elements of a list, set or sorted set (numerically or ALPHA, optionally by external weights), returning them or storing them as a list.',
    handler: sortHandler,
  },
  {
    name: 'sort_ro',
    summary: 'Read-only SORT: sorts the elements of a list, set or sorted set without STORE.',
    handler: sortRoHandler,
  },
];
