/**
 * Hash commands: argv parsing in Redis 7.0's order — which decides which error
 * a bad command gets — over the ops in types/hash.ts.
 */
import { parseScanCursor } from '../engine/scan-cursors.js';
import { Err, ReplyError, syntaxError } from '../errors.js';
import { MapReply, OK, PairsReply } from '../protocol/reply.js';
import * as hashes from '../types/hash.js';
import { isOption, toKey } from '../util/bytes.js';
import { INT64_MIN, parseInt64 } from '../util/numbers.js';
import { parseScanOptions } from './keys.js';
import type { CommandDef } from './types.js';

/** LONG_MAX / 2: HRANDFIELD's WITHVALUES bound, so that count × 2 cannot overflow. */
const HALF_LONG_MAX = 4611686018427387903n;

export const hashCommands: CommandDef[] = [
  {
    name: 'hset',
    summary:
      'Sets one or more fields of a hash, creating the hash when absent; returns how many fields are new.',
    // HSET key field value [field value ...]
    handler: (s, argv) => {
      if (argv.length % 2 === 1) throw new ReplyError(Err.wrongArity('hset'));
      if (argv.length === 4) return hashes.hashSetOne(s.db, toKey(argv[1]), argv[2], argv[3]);
      return hashes.hashSet(s.db, toKey(argv[1]), argv, 2);
    },
  },
  {
    name: 'hmset',
    summary: 'Sets one or more fields of a hash (the older form of HSET, replying OK).',
    // HMSET key field value [field value ...]
    handler: (s, argv) => {
      if (argv.length % 2 === 1) throw new ReplyError(Err.wrongArity('hmset'));
      hashes.hashSet(s.db, toKey(argv[1]), argv, 2);
      return OK;
    },
  },
  {
    name: 'hsetnx',
    summary: 'Sets a field of a hash only when the field does not exist yet.',
    // HSETNX key field value
    handler: (s, argv) => hashes.hashSetNx(s.db, toKey(argv[1]), argv[2], argv[3]),
  },
  {
    name: 'hget',
    summary: 'Returns the value of a field of a hash.',
    // HGET key field
    handler: (s, argv) => hashes.hashGet(s.db, toKey(argv[1]), argv[2]),
  },
  {
    name: 'hmget',
    summary: 'Returns the values of several fields of a hash, nil for missing ones.',
    // HMGET key field [field ...]
    handler: (s, argv) => hashes.hashMGet(s.db, toKey(argv[1]), argv, 2),
  },
  {
    name: 'hgetall',
    summary: 'Returns every field and value of a hash.',
    // HGETALL key
    handler: (s, argv) => new MapReply(hashes.hashGetAll(s.db, toKey(argv[1]))),
  },
  {
    name: 'hkeys',
    summary: 'Returns every field name of a hash.',
    // HKEYS key
    handler: (s, argv) => hashes.hashKeys(s.db, toKey(argv[1])),
  },
  {
    name: 'hvals',
    summary: 'Returns every value of a hash.',
    // HVALS key
    handler: (s, argv) => hashes.hashVals(s.db, toKey(argv[1])),
  },
  {
    name: 'hdel',
    summary: 'Deletes one or more fields of a hash, and the hash when it empties.',
    // HDEL key field [field ...]
    handler: (s, argv) => hashes.hashDel(s.db, toKey(argv[1]), argv, 2),
  },
  {
    name: 'hexists',
    summary: 'Tells whether a field exists in a hash.',
    // HEXISTS key field
    handler: (s, argv) => (hashes.hashExists(s.db, toKey(argv[1]), argv[2]) ? 1 : 0),
  },
  {
    name: 'hlen',
    summary: 'Returns the number of fields of a hash.',
    // HLEN key
    handler: (s, argv) => hashes.hashLen(s.db, toKey(argv[1])),
  },
  {
    name: 'hstrlen',
    summary: 'Returns the length in bytes of the value of a field of a hash.',
    // HSTRLEN key field
    handler: (s, argv) => hashes.hashStrLen(s.db, toKey(argv[1]), argv[2]),
  },
  {
    name: 'hincrby',
    summary: 'Adds an integer to the integer value of a field of a hash.',
    // HINCRBY key field increment
    handler: (s, argv) => {
      const by = parseInt64(argv[3]);
      return hashes.hashIncrBy(s.db, toKey(argv[1]), argv[2], by);
    },
  },
  {
    name: 'hincrbyfloat',
    summary: 'Adds a floating-point number to the numeric value of a field of a hash.',
    // HINCRBYFLOAT key field increment
    handler: (s, argv) => hashes.hashIncrByFloat(s.db, toKey(argv[1]), argv[2], argv[3]),
  },
  {
    name: 'hrandfield',
    summary: 'Returns one or more random fields of a hash, optionally with their values.',
    // HRANDFIELD key [count [WITHVALUES]]
    handler: (s, argv) => {
      if (argv.length === 2) return hashes.hashRandField(s.db, toKey(argv[1]));
      const l = parseInt64(argv[2]);
      if (l === INT64_MIN) {
        throw new ReplyError(Err.outOfRangeBetween('-9223372036854775807', '9223372036854775807'));
      }
      if (argv.length > 4 || (argv.length === 4 && !isOption(argv[3], 'WITHVALUES'))) return syntaxError();
      const withValues = argv.length === 4;
      if (withValues && (l < -HALF_LONG_MAX || l > HALF_LONG_MAX)) throw new ReplyError(Err.valueOutOfRange);
      const count = typeof l === 'number' ? l : l > 0n ? Number.MAX_SAFE_INTEGER : -Number.MAX_SAFE_INTEGER;
      const flat = hashes.hashRandFields(s.db, toKey(argv[1]), count, withValues);
      return withValues ? new PairsReply(flat) : flat;
    },
  },
  {
    name: 'hscan',
    summary: 'Iterates over the fields and values of a hash, a few at a time.',
    // HSCAN key cursor [MATCH pattern] [COUNT count]
    handler: (s, argv) => {
      const cursor = parseScanCursor(argv[2]);
      const hash = hashes.readHash(s.db, toKey(argv[1]));
      // As Redis, options are parsed only once the key is found to be a hash.
      if (hash === undefined) return ['0', []];
      const [next, items] = hashes.scanHash(hash, cursor, parseScanOptions(argv, 3, false));
      return [String(next), items];
    },
  },
];
