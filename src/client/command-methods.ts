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

/** What the Promise of `blpop` / `brpop` resolves to: `[key, element]`, or null at the timeout. */
export type BlockingPopResult = [key: string | Buffer, element: string | Buffer] | null;
/** What the Promise of `blmove` / `brpoplpush` resolves to: the element moved, or null at the timeout. */
export type BlockingMoveResult = string | Buffer | null;
/** What the Promise of `blmpop` resolves to: `[key, elements]`, or null at the timeout. */
export type BlockingMpopResult = [key: string | Buffer, elements: (string | Buffer)[]] | null;

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
  // sorted sets (zadd, zscore, zrank, zincrby are fast paths on Cachee itself)
  bzmpop: Method<[string | Buffer, [string | Buffer, string][]] | null>;
  bzpopmax: Method<[string | Buffer, string | Buffer, string] | null>;
  bzpopmin: Method<[string | Buffer, string | Buffer, string] | null>;
  zcard: Method<number>;
  zcount: Method<number>;
  zdiff: Method<(string | Buffer)[]>;
  zdiffstore: Method<number>;
  zinter: Method<(string | Buffer)[]>;
  zintercard: Method<number>;
  zinterstore: Method<number>;
  zlexcount: Method<number>;
  zmpop: Method<[string | Buffer, [string | Buffer, string][]] | null>;
  zmscore: Method<(string | null)[]>;
  zpopmax: Method<(string | Buffer)[]>;
  zpopmin: Method<(string | Buffer)[]>;
  zrandmember: Method<Bulk | (string | Buffer)[]>;
  zrange: Method<(string | Buffer)[]>;
  zrangebylex: Method<(string | Buffer)[]>;
  zrangebyscore: Method<(string | Buffer)[]>;
  zrangestore: Method<number>;
  zrem: Method<number>;
  zremrangebylex: Method<number>;
  zremrangebyrank: Method<number>;
  zremrangebyscore: Method<number>;
  zrevrange: Method<(string | Buffer)[]>;
  zrevrangebylex: Method<(string | Buffer)[]>;
  zrevrangebyscore: Method<(string | Buffer)[]>;
  zrevrank: Method<number | null>;
  zscan: Method<[string, (string | Buffer)[]]>;
  zunion: Method<(string | Buffer)[]>;
  zunionstore: Method<number>;
  // pub/sub (subscribe, psubscribe, ssubscribe and the unsubscribes are handler methods on Cachee itself)
  publish: Method<number>;
  spublish: Method<number>;
  pubsub: Method;
  // scripting (eval, evalsha, fcall, scriptLoad and defineCommand are Cachee's own)
  eval_ro: Method;
  evalsha_ro: Method;
  fcall_ro: Method;
  function: Method;
  script: Method;
  // transactions (multi() and exec() are Cachee's own, see client/multi.ts)
  discard: Method<'OK'>;
  unwatch: Method<'OK'>;
  watch: Method<'OK'>;
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
