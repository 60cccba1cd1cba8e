/**
 * The hot commands `cachee/ioredis` serves through the sync API's fast paths
 * (client/cachee.ts: typed ops, no argv, no dispatch), when their arguments are
 * plain: the same behaviour as dispatch, at a fraction of the cost.
 */

import type { RedisValue } from '../util/bytes.js';
import type { Cachee } from './cachee.js';
import type { IoredisValue } from './ioredis-shape.js';

/** An argument the fast paths take: what the sync API's typed methods accept as is. */
export type FastArg = string | Buffer | number;

/** A hot command the sync API serves without dispatch (client/cachee.ts), for exactly `arity` arguments. */
export interface FastPath {
  readonly arity: number;
  /** Replies an integer (the sync API gives the text of one beyond 2^53). */
  readonly integer: boolean;
  run(h: Cachee, a: FastArg[]): IoredisValue | Record<string, RedisValue>;
}

export const FAST_PATHS = new Map<string, FastPath>([
  ['get', { arity: 1, integer: false, run: (h, a) => h.get(a[0] as string) }],
  ['set', { arity: 2, integer: false, run: (h, a) => h.set(a[0] as string, a[1]) }],
  ['incr', { arity: 1, integer: true, run: (h, a) => h.incr(a[0] as string) }],
  ['decr', { arity: 1, integer: true, run: (h, a) => h.decr(a[0] as string) }],
  ['incrby', { arity: 2, integer: true, run: (h, a) => h.incrby(a[0] as string, a[1] as string) }],
  ['hget', { arity: 2, integer: false, run: (h, a) => h.hget(a[0] as string, a[1]) }],
  ['hset', { arity: 3, integer: false, run: (h, a) => h.hset(a[0] as string, a[1], a[2]) }],
  ['hgetall', { arity: 1, integer: false, run: (h, a) => h.hgetall(a[0] as string) }],
  ['lpush', { arity: 2, integer: false, run: (h, a) => h.lpush(a[0] as string, a[1]) }],
  ['rpush', { arity: 2, integer: false, run: (h, a) => h.rpush(a[0] as string, a[1]) }],
  ['lpop', { arity: 1, integer: false, run: (h, a) => h.lpop(a[0] as string) }],
  ['rpop', { arity: 1, integer: false, run: (h, a) => h.rpop(a[0] as string) }],
  ['sadd', { arity: 2, integer: false, run: (h, a) => h.sadd(a[0] as string, a[1]) }],
  ['sismember', { arity: 2, integer: false, run: (h, a) => h.sismember(a[0] as string, a[1]) }],
  ['zscore', { arity: 2, integer: false, run: (h, a) => h.zscore(a[0] as string, a[1]) }],
  ['zrank', { arity: 2, integer: false, run: (h, a) => h.zrank(a[0] as string, a[1]) }],
]);

/** Arguments a fast path takes as they are: a string or Buffer key, then strings, Buffers or numbers. */
export function fastArgs(args: readonly unknown[]): boolean {
  const key = args[0];
  if (typeof key !== 'string' && !Buffer.isBuffer(key)) return false;
  for (let i = 1; i < args.length; i++) {
    const a = args[i];
    if (typeof a !== 'string' && typeof a !== 'number' && !Buffer.isBuffer(a)) return false;
  }
  return true;
}
