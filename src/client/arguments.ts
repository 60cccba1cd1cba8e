/**
 * ioredis's argument conventions, so calls port unchanged: arrays are flattened
 * one level (`mget(['a', 'b'])`), MSET/MSETNX take an object or Map, HSET/HMSET
 * take `key, object|Map`, null/undefined become '' and anything else its String().
 */
import type { Arg } from '../util/bytes.js';

/** An argument as ioredis accepts it. */
export type CommandArg = string | Buffer | number | bigint | null | undefined;
/** An argument, or an array of them (flattened one level), or an object/Map for MSET/HSET. */
export type CallArg =
  | CommandArg
  | readonly CommandArg[]
  | Record<string, CommandArg>
  | Map<unknown, CommandArg>;

function toArg(a: unknown): Arg {
  if (typeof a === 'string' || Buffer.isBuffer(a)) return a;
  return a === null || a === undefined ? '' : String(a);
}

function pairsOf(o: Record<string, CommandArg> | Map<unknown, CommandArg>): unknown[] {
  const out: unknown[] = [];
  if (o instanceof Map) for (const [k, v] of o) out.push(k, v);
  else for (const k of Object.keys(o)) out.push(k, o[k]);
  return out;
}

function isPlainObject(a: unknown): a is Record<string, CommandArg> | Map<unknown, CommandArg> {
  return typeof a === 'object' && a !== null && !Buffer.isBuffer(a) && !Array.isArray(a);
}

/** Converts ioredis-style arguments to argv (argv[0] = command). */
export function toArgv(command: string, args: readonly CallArg[]): Arg[] {
  // Array.prototype.flat is costly; most calls pass no arrays.
  let flat: readonly unknown[] = args.some(Array.isArray) ? args.flat() : args;
  const lower = command.toLowerCase();
  if ((lower === 'mset' || lower === 'msetnx') && flat.length === 1 && isPlainObject(flat[0])) {
    flat = pairsOf(flat[0]);
  } else if ((lower === 'hset' || lower === 'hmset') && flat.length === 2 && isPlainObject(flat[1])) {
    flat = [flat[0], ...pairsOf(flat[1])];
  }
  const argv: Arg[] = new Array(flat.length + 1);
  argv[0] = command;
  for (let i = 0; i < flat.length; i++) argv[i + 1] = toArg(flat[i]);
  return argv;
}
