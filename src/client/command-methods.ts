/**
 * Types of the methods the sync API installs from the command table (see
 * client/cachee.ts). Arguments follow ioredis: strings, Buffers, numbers, arrays
 * flattened one level. Replies follow ioredis's RESP2 shapes (see ioredis-shape.ts).
 */
import type { CallArg } from './arguments.js';
import type { IoredisValue } from './ioredis-shape.js';

/** A command method returning `R`. */
export type Method<R = IoredisValue> = (...args: CallArg[]) => R;

type Bulk = string | Buffer | null;

/** Methods whose names are the lower-case command names, as in ioredis. */
export interface CommandMethods {
  // strings
  append: Method<number>;
  decrby: Method<number>;
  getdel: Method<Bulk>;
  getex: Method<Bulk>;
  getrange: Method<string | Buffer>;
  getset: Method<Bulk>;
  incrbyfloat: Method<string>;
  lcs: Method;
  mset: Method<'OK'>;
  msetnx: Method<number>;
  psetex: Method<'OK'>;
  setex: Method<'OK'>;
  setnx: Method<number>;
  setrange: Method<number>;
  strlen: Method<number>;
  substr: Method<string | Buffer>;
  // bitmaps
  bitcount: Method<number>;
  bitfield: Method<(number | null)[]>;
  bitfield_ro: Method<number[]>;
  bitop: Method<number>;
  bitpos: Method<number>;
  getbit: Method<number>;
  setbit: Method<number>;
  // keys
  copy: Method<number>;
  dbsize: Method<number>;
  del: Method<number>;
  exists: Method<number>;
  expire: Method<number>;
  expireat: Method<number>;
  expiretime: Method<number>;
  flushall: Method<'OK'>;
  flushdb: Method<'OK'>;
  keys: Method<(string | Buffer)[]>;
  move: Method<number>;
  object: Method;
  persist: Method<number>;
  pexpire: Method<number>;
  pexpireat: Method<number>;
  pexpiretime: Method<number>;
  pttl: Method<number>;
  randomkey: Method<Bulk>;
  rename: Method<'OK'>;
  renamenx: Method<number>;
  scan: Method<[string, (string | Buffer)[]]>;
  swapdb: Method<'OK'>;
  touch: Method<number>;
  ttl: Method<number>;
  type: Method<string>;
  unlink: Method<number>;
  // lists
  lindex: Method<Bulk>;
  linsert: Method<number>;
  llen: Method<number>;
  lmove: Method<Bulk>;
  lmpop: Method;
  lpos: Method<number | number[] | null>;
  lpushx: Method<number>;
  lrange: Method<(string | Buffer)[]>;
  lrem: Method<number>;
  lset: Method<'OK'>;
  ltrim: Method<'OK'>;
  rpoplpush: Method<Bulk>;
  rpushx: Method<number>;
  // hashes
  hdel: Method<number>;
  hexists: Method<number>;
  hincrby: Method<number>;
  hincrbyfloat: Method<string>;
  hkeys: Method<(string | Buffer)[]>;
  hlen: Method<number>;
  hmget: Method<Bulk[]>;
  hmset: Method<'OK'>;
  hrandfield: Method;
  hscan: Method<[string, (string | Buffer)[]]>;
  hsetnx: Method<number>;
  hstrlen: Method<number>;
  hvals: Method<(string | Buffer)[]>;
  // sets
  scard: Method<number>;
  sdiff: Method<(string | Buffer)[]>;
  sdiffstore: Method<number>;
  sinter: Method<(string | Buffer)[]>;
  sintercard: Method<number>;
  sinterstore: Method<number>;
  smembers: Method<(string | Buffer)[]>;
  smismember: Method<number[]>;
  smove: Method<number>;
  spop: Method;
  srandmember: Method;
  srem: Method<number>;
  sscan: Method<[string, (string | Buffer)[]]>;
  sunion: Method<(string | Buffer)[]>;
  sunionstore: Method<number>;
  // connection and server
  auth: Method<'OK'>;
  client: Method;
  command: Method;
  echo: Method<Bulk>;
  hello: Method;
  info: Method<string>;
  ping: Method<string | Buffer>;
  quit: Method<'OK'>;
  select: Method<'OK'>;
}
