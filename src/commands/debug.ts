/**
 * DEBUG, for tests and operators: refused unless `enable-debug-command` allows
 * it (dispatch checks {@link debugAllowed} before anything else, as Redis's
 * processCommand does). The subcommands that mean something for Cachee:
 * SLEEP (blocks the event loop, as it blocks redis-server), SET-ACTIVE-EXPIRE,
 * OBJECT, POPULATE, ERROR, CHANGE-REPL-ID (no replication: nothing to change).
 */
import type { StoredValue } from '../engine/value.js';
import { Err, ReplyError } from '../errors.js';
import { OK, type Reply, StatusReply } from '../protocol/reply.js';
import { objectEncoding, objectRefcount } from '../types/keyspace.js';
import { RedisList } from '../types/list.js';
import { quicklistNodes, serializedLength } from '../types/serialized-length.js';
import { type Arg, argText, isOption, toKey } from '../util/bytes.js';
import { tryParseInt64 } from '../util/numbers.js';
import { helpReply, subcommandSyntaxError } from './connection.js';
import type { Session } from './session.js';
import type { CommandDef } from './types.js';

/**
 * allowProtectedAction(enable-debug-command): 'yes', or 'local' for in-process
 * sessions and loopback connections.
 */
export function debugAllowed(s: Session): boolean {
  const mode = s.engine.enableDebugCommand;
  if (mode === 'yes') return true;
  if (mode !== 'local') return false;
  if (s.kind === 'local') return true;
  const addr = s.connectionInfo().addr;
  return addr.startsWith('127.0.0.1:') || addr.startsWith('[::1]:');
}

/** C's atoi: leading blanks, a sign, digits; anything else ends the number. */
function atoi(arg: Arg): number {
  const m = /^[\t\n\v\f\r ]*([+-]?\d+)/.exec(argText(arg));
  return m ? Number.parseInt(m[1], 10) | 0 : 0;
}

/** C's strtod prefix: the longest leading decimal number, else 0. */
function strtodPrefix(arg: Arg): number {
  const m = /^[\t\n\v\f\r ]*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/.exec(argText(arg));
  return m ? Number(m[1]) : 0;
}

/** Blocks the thread for `ms` milliseconds (DEBUG SLEEP stops the server, as in Redis). */
function sleepSync(ms: number): void {
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** A stable identity per stored value, shown where Redis shows the object's address. */
const identities = new WeakMap<object, number>();
let nextIdentity = 1;
function valueAddress(v: StoredValue): string {
  if (typeof v === 'string') return '0x0';
  let id = identities.get(v);
  if (id === undefined) identities.set(v, (id = nextIdentity++));
  return `0x${(0x7f0000000000 + id * 16).toString(16)}`;
}

// DEBUG OBJECT key
function debugObject(s: Session, keyArg: Arg): Reply {
  const db = s.db;
  const key = toKey(keyArg);
  // Redis reads the dict directly: an expired key not yet reclaimed is still described.
  const v = db.data.get(key);
  if (v === undefined) throw new ReplyError(Err.noSuchKey);
  const engine = s.engine;
  const encoding = objectEncoding(db, key) ?? 'raw';
  const refcount = objectRefcount(db, key) ?? 1;
  const packed = db.freq.get(key);
  // Access times are ms modulo 2^31; `lru` is Redis's 24-bit seconds clock at the last access.
  const idleSeconds = db.idleSeconds(key) ?? 0;
  const lru = engine.lfu && packed !== undefined ? packed : (engine.lruClock() - idleSeconds) & 0xffffff;
  const idle = engine.lfu ? 0 : idleSeconds;
  let extra = '';
  if (v instanceof RedisList) {
    const fill = engine.listMaxListpackSize;
    const nodes = quicklistNodes(v, fill);
    const bytes = nodes.reduce((a, b) => a + b, 0);
    const avg = nodes.length ? v.length / nodes.length : 0;
    extra = ` ql_nodes:${nodes.length} ql_avg_node:${avg.toFixed(2)} ql_listpack_max:${fill} ql_compressed:0 ql_uncompressed_size:${bytes}`;
  }
  return new StatusReply(
    `Value at:${valueAddress(v)} refcount:${refcount} encoding:${encoding} serializedlength:${serializedLength(v, engine.listMaxListpackSize)} lru:${lru} lru_seconds_idle:${idle}${extra}`,
  );
}

// DEBUG POPULATE count [prefix] [size]
function debugPopulate(s: Session, argv: Arg[]): Reply {
  const positive = (a: Arg): number => {
    const n = tryParseInt64(a);
    if (n === undefined || n < 0) throw new ReplyError(Err.mustBePositive);
    return Number(n);
  };
  const keys = positive(argv[2]);
  const size = argv.length === 5 ? positive(argv[4]) : 0;
  const prefix = argv.length >= 4 ? argText(argv[3]) : 'key';
  const db = s.db;
  for (let j = 0; j < keys; j++) {
    // snprintf into 128 bytes.
    let name = `${prefix}:${j}`;
    if (Buffer.byteLength(name) > 127) name = Buffer.from(name).subarray(0, 127).toString('latin1');
    const key = toKey(name);
    if (db.write(key) !== undefined) continue;
    const base = `value:${j}`;
    const value =
      size === 0 ? base : size <= base.length ? base.slice(0, size) : base + '\0'.repeat(size - base.length);
    db.set(key, value);
  }
  return OK;
}

const DEBUG_HELP = [
  'DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CHANGE-REPL-ID',
  '    Change the replication IDs of the instance.',
  '    Dangerous: should be used only for testing the replication subsystem.',
  'ERROR <string>',
  '    Return a Redis protocol error with <string> as message. Useful for clients',
  '    unit tests to simulate Redis errors.',
  'OBJECT <key>',
  '    Show low level info about `key` and associated value.',
  'POPULATE <count> [<prefix>] [<size>]',
  '    Create <count> string keys named key:<num>. If <prefix> is specified then',
  "    it is used instead of the 'key' prefix. These are not propagated to",
  '    replicas. Cluster slots are not respected so keys not belonging to the',
  '    current node can be created in cluster mode.',
  'SET-ACTIVE-EXPIRE <0|1>',
  '    Setting it to 0 disables expiring keys in background when they are not',
  '    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the',
  '    default.',
  'SLEEP <seconds>',
  '    Stop the server for <seconds>. Decimals allowed.',
  'HELP',
  '    Prints this help.',
];

export const debugCommands: CommandDef[] = [
  {
    name: 'debug',
    summary: 'Debugging aids: sleep, object internals, key population, active expiry switch.',
    // DEBUG subcommand [argument ...]
    handler: (s, argv) => {
      const sub = argv[1];
      const argc = argv.length;
      if (isOption(sub, 'HELP') && argc === 2) return helpReply(DEBUG_HELP);
      if (isOption(sub, 'SLEEP') && argc === 3) {
        sleepSync(Math.floor(strtodPrefix(argv[2]) * 1e6) / 1000);
        return OK;
      }
      if (isOption(sub, 'SET-ACTIVE-EXPIRE') && argc === 3) {
        s.engine.setActiveExpiry(atoi(argv[2]) !== 0);
        return OK;
      }
      if (isOption(sub, 'OBJECT') && argc === 3) return debugObject(s, argv[2]);
      if (isOption(sub, 'POPULATE') && argc >= 3 && argc <= 5) return debugPopulate(s, argv);
      if (isOption(sub, 'ERROR') && argc === 3)
        return new ReplyError(argText(argv[2]).replace(/[\r\n]/g, ' '));
      if (isOption(sub, 'CHANGE-REPL-ID') && argc === 2) return OK;
      throw subcommandSyntaxError(argv);
    },
  },
];
