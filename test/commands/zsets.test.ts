/**
 * Unit tests for the sorted-set commands through the sync API: ioredis reply
 * shapes, the fast paths (ZADD, ZSCORE, ZRANK, ZINCRBY) against dispatch,
 * keyspace notifications and modification signals, TTL rules, and the pairs
 * reply kind in both protocols. Byte-exact behaviour against redis-server is in
 * test/diff/zsets.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Cachee } from '../../src/client/cachee.js';
import { dispatch } from '../../src/commands/dispatch.js';
import { Session } from '../../src/commands/session.js';
import { ManualClock } from '../../src/engine/clock.js';
import { Engine } from '../../src/engine/engine.js';
import { NOTIFY_ALL, Notify } from '../../src/engine/notify.js';
import { ReplyError } from '../../src/errors.js';
import { encodeToBuffer } from '../../src/protocol/encoder.js';
import { BlockedReply, DoubleReply, PairsReply, type Reply } from '../../src/protocol/reply.js';

const T0 = 1_700_000_000_000;

function setup() {
  const clock = new ManualClock(T0);
  const engine = new Engine({ clock, activeExpiry: false });
  const cache = new Cachee({ engine });
  return { clock, engine, db: engine.dbs[0], cache };
}

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ReplyError) return e.message;
    throw e;
  }
  throw new Error('no error');
}

/** Records keyspace events (`event:key`) and modified keys while `fn` runs. */
function record(engine: Engine, fn: () => void, flags = 0): { events: string[]; modified: string[] } {
  const events: string[] = [];
  const modified: string[] = [];
  engine.notifyFlags = NOTIFY_ALL | Notify.newKey | Notify.keyevent | flags;
  const offNotify = engine.onNotify((_type, event, key) => events.push(`${event}:${key}`));
  const offModified = engine.onKeyModified((_db, key) => modified.push(key));
  try {
    fn();
  } finally {
    offNotify();
    offModified();
    engine.notifyFlags = 0;
  }
  return { events, modified };
}

describe('PairsReply', () => {
  it('is flat in RESP2 and nested in RESP3', () => {
    const reply = new PairsReply(['a', new DoubleReply(1.5), 'b', new DoubleReply(-0)]);
    expect(encodeToBuffer(reply, 2).toString()).toBe('*4\r\n$1\r\na\r\n$3\r\n1.5\r\n$1\r\nb\r\n$2\r\n-0\r\n');
    expect(encodeToBuffer(reply, 3).toString()).toBe(
      '*2\r\n*2\r\n$1\r\na\r\n,1.5\r\n*2\r\n$1\r\nb\r\n,-0\r\n',
    );
    expect(encodeToBuffer(new PairsReply([]), 3).toString()).toBe('*0\r\n');
  });
});

describe('sync API shapes (ioredis, RESP2)', () => {
  it('returns scores as strings and pairs flat', () => {
    const { cache } = setup();
    expect(cache.zadd('z', 1, 'a')).toBe(1);
    expect(cache.zadd('z', '2.5', 'b', 3, 'c')).toBe(2);
    expect(cache.zadd('z', 'INCR', 1, 'a')).toBe('2');
    expect(cache.zadd('z', 'XX', 'INCR', 1, 'nope')).toBeNull();
    expect(cache.zscore('z', 'a')).toBe('2');
    expect(cache.zscore('z', 'nope')).toBeNull();
    expect(cache.zmscore('z', 'a', 'nope', 'b')).toEqual(['2', null, '2.5']);
    expect(cache.zrank('z', 'c')).toBe(2);
    expect(cache.zrank('z', 'nope')).toBeNull();
    expect(cache.zrevrank('z', 'c')).toBe(0);
    expect(cache.zincrby('z', 0.5, 'a')).toBe('2.5');
    expect(cache.zrange('z', 0, -1)).toEqual(['a', 'b', 'c']);
    expect(cache.zrange('z', 0, -1, 'WITHSCORES')).toEqual(['a', '2.5', 'b', '2.5', 'c', '3']);
    expect(cache.zrange('z', '+inf', '-inf', 'BYSCORE', 'REV', 'LIMIT', 0, 1)).toEqual(['c']);
    expect(cache.zrangebyscore('z', '(2.5', 'inf', 'WITHSCORES')).toEqual(['c', '3']);
    expect(cache.zcard('z')).toBe(3);
    expect(cache.zcount('z', '-inf', '(3')).toBe(2);
    expect(cache.zrandmember('z', 5, 'WITHSCORES')).toEqual(['c', '3', 'b', '2.5', 'a', '2.5']);
    expect(cache.zunion(2, 'z', 'missing', 'WITHSCORES')).toEqual(['a', '2.5', 'b', '2.5', 'c', '3']);
    expect(cache.zscan('z', 0)).toEqual(['0', ['a', '2.5', 'b', '2.5', 'c', '3']]);
    expect(cache.zpopmin('z')).toEqual(['a', '2.5']);
    expect(cache.zpopmax('z', 1)).toEqual(['c', '3']);
    expect(cache.zmpop(1, 'z', 'MIN', 'COUNT', 5)).toEqual(['z', [['b', '2.5']]]);
    expect(cache.zmpop(1, 'z', 'MIN')).toBeNull();
    expect(cache.exists('z')).toBe(0);
  });

  it('keeps binary members as Buffers', () => {
    const { cache } = setup();
    const bin = Buffer.from([0xff, 0x00, 0xfe]);
    expect(cache.zadd('z', 1, bin)).toBe(1);
    expect(cache.zscore('z', bin)).toBe('1');
    expect(cache.zrank('z', bin)).toBe(0);
    expect(cache.zrange('z', 0, -1)).toEqual([bin]);
    expect(cache.zincrby('z', 2, bin)).toBe('3');
  });

  it('HRANDFIELD WITHVALUES stays flat', () => {
    const { cache } = setup();
    cache.hset('h', 'f', 'v');
    expect(cache.hrandfield('h', 1, 'WITHVALUES')).toEqual(['f', 'v']);
  });
});

describe('fast paths agree with dispatch', () => {
  const scoreArb = fc.oneof(
    fc.double(),
    fc.constantFrom(
      0,
      -0,
      1,
      -1,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.NaN,
      1e21,
      5e-324,
    ),
    fc.constantFrom('1', '-0', '1e3', ' 1', 'x', 'nan', 'inf', '-inf', 'NX', 'CH', '', '0x10', '+5'),
  );
  const memberArb = fc.constantFrom<string | number | Buffer>('a', 'b', '', 7, Buffer.from([0xff]));

  /** Runs `fn` and returns its result or its error text. */
  const outcome = (fn: () => unknown): unknown => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof ReplyError) return `error: ${e.message}`;
      throw e;
    }
  };

  it('ZADD / ZINCRBY / ZSCORE / ZRANK give the same replies and state', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('zadd', 'zincrby', 'zscore', 'zrank'), scoreArb, memberArb), {
          maxLength: 30,
        }),
        (ops) => {
          const fast = setup().cache;
          const slow = setup().cache;
          for (const [op, score, member] of ops) {
            let a: unknown;
            let b: unknown;
            if (op === 'zadd') {
              a = outcome(() => fast.zadd('k', score, member));
              b = outcome(() => slow.call('zadd', 'k', score, member));
            } else if (op === 'zincrby') {
              a = outcome(() => fast.zincrby('k', score, member));
              b = outcome(() => slow.call('zincrby', 'k', score, member));
            } else {
              a = outcome(() => fast[op]('k', member));
              b = outcome(() => slow.call(op, 'k', member));
            }
            expect(a).toEqual(b);
          }
          expect(fast.zrange('k', 0, -1, 'WITHSCORES')).toEqual(
            slow.call('zrange', 'k', 0, -1, 'WITHSCORES'),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('sends -0 as ioredis does ("0") and rejects NaN with Redis texts', () => {
    const { cache } = setup();
    cache.zadd('z', 1, 'x'.repeat(70));
    cache.zadd('z', -0, 'neg');
    expect(cache.zscore('z', 'neg')).toBe('0');
    cache.zadd('z', '-0', 'neg2');
    expect(cache.zscore('z', 'neg2')).toBe('-0');
    expect(errorOf(() => cache.zadd('z', Number.NaN, 'a'))).toBe('ERR value is not a valid float');
    expect(errorOf(() => cache.zincrby('z', Number.NaN, 'a'))).toBe('ERR value is not a valid float');
    expect(errorOf(() => cache.zadd('z', 'NX', 'a'))).toBe('ERR syntax error');
    cache.zadd('z', Number.POSITIVE_INFINITY, 'inf');
    expect(errorOf(() => cache.zincrby('z', Number.NEGATIVE_INFINITY, 'inf'))).toBe(
      'ERR resulting score is not a number (NaN)',
    );
    cache.set('s', 'v');
    expect(errorOf(() => cache.zadd('s', 1, 'a'))).toMatch(/^WRONGTYPE/);
    expect(errorOf(() => cache.zscore('s', 'a'))).toMatch(/^WRONGTYPE/);
    expect(errorOf(() => cache.zrank('s', 'a'))).toMatch(/^WRONGTYPE/);
    expect(errorOf(() => cache.zincrby('s', 1, 'a'))).toMatch(/^WRONGTYPE/);
  });
});

describe('keyspace notifications and modification signals', () => {
  const cases: [string, (string | number)[][], (string | number)[], string[], string[]][] = [
    ['ZADD new key', [], ['ZADD', 'z', 1, 'a'], ['new:z', 'zadd:z'], ['z']],
    ['ZADD update', [['ZADD', 'z', 1, 'a']], ['ZADD', 'z', 2, 'a'], ['zadd:z'], ['z']],
    ['ZADD no change', [['ZADD', 'z', 1, 'a']], ['ZADD', 'z', 1, 'a'], [], []],
    ['ZADD NX existing', [['ZADD', 'z', 1, 'a']], ['ZADD', 'z', 'NX', 5, 'a'], [], []],
    ['ZADD XX missing key', [], ['ZADD', 'z', 'XX', 5, 'a'], [], []],
    ['ZADD INCR 0', [['ZADD', 'z', 1, 'a']], ['ZADD', 'z', 'INCR', 0, 'a'], [], []],
    ['ZINCRBY', [['ZADD', 'z', 1, 'a']], ['ZINCRBY', 'z', 1, 'a'], ['zincr:z'], ['z']],
    ['ZINCRBY new key', [], ['ZINCRBY', 'z', 1, 'a'], ['new:z', 'zincr:z'], ['z']],
    ['ZREM missing member', [['ZADD', 'z', 1, 'a', 2, 'b']], ['ZREM', 'z', 'x'], [], []],
    ['ZREM', [['ZADD', 'z', 1, 'a', 2, 'b']], ['ZREM', 'z', 'a'], ['zrem:z'], ['z']],
    ['ZREM last', [['ZADD', 'z', 1, 'a']], ['ZREM', 'z', 'a'], ['zrem:z', 'del:z'], ['z']],
    [
      'ZREMRANGEBYRANK',
      [['ZADD', 'z', 1, 'a', 2, 'b']],
      ['ZREMRANGEBYRANK', 'z', 0, 0],
      ['zremrangebyrank:z'],
      ['z'],
    ],
    [
      'ZREMRANGEBYSCORE',
      [['ZADD', 'z', 1, 'a', 2, 'b']],
      ['ZREMRANGEBYSCORE', 'z', '-inf', 'inf'],
      ['zremrangebyscore:z', 'del:z'],
      ['z'],
    ],
    ['ZREMRANGEBYLEX none', [['ZADD', 'z', 0, 'a']], ['ZREMRANGEBYLEX', 'z', '[b', '+'], [], []],
    [
      'ZREMRANGEBYLEX',
      [['ZADD', 'z', 0, 'a', 0, 'b']],
      ['ZREMRANGEBYLEX', 'z', '[b', '+'],
      ['zremrangebylex:z'],
      ['z'],
    ],
    ['ZPOPMIN', [['ZADD', 'z', 1, 'a', 2, 'b']], ['ZPOPMIN', 'z'], ['zpopmin:z'], ['z']],
    ['ZPOPMAX all', [['ZADD', 'z', 1, 'a', 2, 'b']], ['ZPOPMAX', 'z', 5], ['zpopmax:z', 'del:z'], ['z']],
    ['ZPOPMIN 0', [['ZADD', 'z', 1, 'a']], ['ZPOPMIN', 'z', 0], [], []],
    ['ZMPOP', [['ZADD', 'z', 1, 'a']], ['ZMPOP', 2, 'none', 'z', 'MAX'], ['zpopmax:z', 'del:z'], ['z']],
    [
      'ZUNIONSTORE new',
      [['ZADD', 'z', 1, 'a']],
      ['ZUNIONSTORE', 'd', 1, 'z'],
      ['new:d', 'zunionstore:d'],
      ['d'],
    ],
    [
      'ZUNIONSTORE existing',
      [
        ['ZADD', 'z', 1, 'a'],
        ['SET', 'd', 'x'],
      ],
      ['ZUNIONSTORE', 'd', 1, 'z'],
      ['zunionstore:d'],
      ['d'],
    ],
    ['ZINTERSTORE empty result', [['SET', 'd', 'x']], ['ZINTERSTORE', 'd', 1, 'none'], ['del:d'], ['d']],
    ['ZINTERSTORE empty, no dst', [], ['ZINTERSTORE', 'd', 1, 'none'], [], []],
    ['ZDIFFSTORE', [['ZADD', 'z', 1, 'a']], ['ZDIFFSTORE', 'd', 1, 'z'], ['new:d', 'zdiffstore:d'], ['d']],
    [
      'ZRANGESTORE',
      [['ZADD', 'z', 1, 'a']],
      ['ZRANGESTORE', 'd', 'z', 0, -1],
      ['new:d', 'zrangestore:d'],
      ['d'],
    ],
    ['ZRANGESTORE empty', [['SET', 'd', 'x']], ['ZRANGESTORE', 'd', 'none', 0, -1], ['del:d'], ['d']],
  ];
  for (const [name, before, cmd, events, modified] of cases) {
    it(name, () => {
      const { engine, cache } = setup();
      for (const c of before) cache.call(String(c[0]), ...c.slice(1));
      const got = record(engine, () => cache.call(String(cmd[0]), ...cmd.slice(1)));
      expect(got.events).toEqual(events);
      expect(got.modified).toEqual(modified);
    });
  }

  it('read commands signal nothing and count hits and misses', () => {
    const { engine, cache } = setup();
    cache.zadd('z', 1, 'a');
    const hits = engine.stats.keyspaceHits;
    const misses = engine.stats.keyspaceMisses;
    const got = record(
      engine,
      () => {
        cache.zrange('z', 0, -1);
        cache.zunion(3, 'z', 'none', 'z');
        cache.zscore('none', 'a');
      },
      Notify.keyMiss,
    );
    expect(got.modified).toEqual([]);
    expect(got.events).toEqual(['keymiss:none', 'keymiss:none']);
    expect(engine.stats.keyspaceHits - hits).toBe(3);
    expect(engine.stats.keyspaceMisses - misses).toBe(2);
  });
});

describe('TTL rules', () => {
  it('writes keep the TTL; the STORE commands replace the key and clear it', () => {
    const { cache, clock } = setup();
    cache.zadd('z', 1, 'a', 2, 'b', 3, 'c');
    cache.expire('z', 100);
    cache.zadd('z', 4, 'd');
    cache.zincrby('z', 1, 'a');
    cache.zrem('z', 'b');
    cache.zpopmin('z');
    expect(cache.ttl('z')).toBe(100);
    cache.zadd('d', 1, 'x');
    cache.expire('d', 50);
    expect(cache.zunionstore('d', 1, 'z')).toBe(2);
    expect(cache.ttl('d')).toBe(-1);
    cache.expire('d', 50);
    expect(cache.zrangestore('d', 'z', 0, 0)).toBe(1);
    expect(cache.ttl('d')).toBe(-1);
    clock.advance(101_000);
    expect(cache.zcard('z')).toBe(0);
    expect(cache.zscore('z', 'c')).toBeNull();
  });
});

describe('ZSET ops on sets', () => {
  it('treats set members as score 1, weighted', () => {
    const { cache } = setup();
    cache.sadd('s', 'a', 'b');
    cache.zadd('z', 5, 'a', 7, 'c');
    expect(cache.zunion(2, 's', 'z', 'WEIGHTS', 3, 1, 'WITHSCORES')).toEqual(['b', '3', 'c', '7', 'a', '8']);
    expect(cache.zinter(2, 's', 'z', 'AGGREGATE', 'MAX', 'WITHSCORES')).toEqual(['a', '5']);
    expect(cache.zdiff(2, 's', 'z', 'WITHSCORES')).toEqual(['b', '1']);
    expect(cache.zintercard(2, 's', 'z')).toBe(1);
    expect(cache.zinterstore('d', 2, 's', 's')).toBe(2);
    expect(cache.type('d')).toBe('zset');
    expect(cache.zrange('d', 0, -1, 'WITHSCORES')).toEqual(['a', '2', 'b', '2']);
  });
});

describe('blocking pops (BZPOPMIN, BZPOPMAX, BZMPOP)', () => {
  function client(engine: Engine): Session {
    return new Session(engine, { requirepass: null }, 'tcp');
  }

  /** Dispatches a command that must block; returns a getter for its reply once it came. */
  function blocked(s: Session, ...argv: string[]): { reply: () => Reply | undefined; pending: BlockedReply } {
    const r = dispatch(s, argv);
    expect(r).toBeInstanceOf(BlockedReply);
    const pending = r as BlockedReply;
    let got: Reply | undefined;
    pending.pending.onReply((x) => {
      got = x;
    });
    return { reply: () => got, pending };
  }

  const wire = (r: Reply | undefined, protocol: 2 | 3) => encodeToBuffer(r as Reply, protocol).toString();

  it('serve a waiter from the key that became ready, in blocking order', () => {
    const { engine, cache } = setup();
    const a = blocked(client(engine), 'BZPOPMIN', 'k1', 'k2', '0');
    const b = blocked(client(engine), 'BZPOPMAX', 'k2', '0');
    const c = blocked(client(engine), 'BZMPOP', '0', '2', 'k2', 'k3', 'MAX', 'COUNT', '5');
    cache.zadd('k2', 1, 'x', 2, 'y', 3, 'z');
    engine.blocking.serveReady();
    expect(wire(a.reply(), 2)).toBe('*3\r\n$2\r\nk2\r\n$1\r\nx\r\n$1\r\n1\r\n');
    expect(wire(a.reply(), 3)).toBe('*3\r\n$2\r\nk2\r\n$1\r\nx\r\n,1\r\n');
    expect(wire(b.reply(), 3)).toBe('*3\r\n$2\r\nk2\r\n$1\r\nz\r\n,3\r\n');
    expect(wire(c.reply(), 2)).toBe('*2\r\n$2\r\nk2\r\n*1\r\n*2\r\n$1\r\ny\r\n$1\r\n2\r\n');
    expect(wire(c.reply(), 3)).toBe('*2\r\n$2\r\nk2\r\n*1\r\n*2\r\n$1\r\ny\r\n,2\r\n');
    expect(cache.exists('k2')).toBe(0);
    expect(engine.blocking.blockedCount).toBe(0);
  });

  it('keep waiting while the key holds another type, and time out with the nil array', () => {
    const { engine, cache, clock } = setup();
    const a = blocked(client(engine), 'BZPOPMIN', 'k', '1.5');
    cache.set('k', 'string');
    engine.blocking.serveReady();
    expect(a.reply()).toBeUndefined();
    clock.advance(1499);
    expect(engine.blocking.expireTimeouts()).toBe(0);
    clock.advance(1);
    expect(engine.blocking.expireTimeouts()).toBe(1);
    expect(wire(a.reply(), 2)).toBe('*-1\r\n');
    expect(wire(a.reply(), 3)).toBe('_\r\n');
    expect(cache.get('k')).toBe('string');
  });

  it('pop at once when there is data, with the events of ZPOPMIN / ZPOPMAX', () => {
    const { engine, cache } = setup();
    cache.zadd('z', 1, 'a', 2, 'b');
    const s = client(engine);
    const got = record(engine, () => {
      expect(wire(dispatch(s, ['BZPOPMAX', 'none', 'z', '0']), 3)).toBe('*3\r\n$1\r\nz\r\n$1\r\nb\r\n,2\r\n');
      expect(wire(dispatch(s, ['BZMPOP', '0', '1', 'z', 'MIN', 'COUNT', '9']), 2)).toBe(
        '*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n',
      );
    });
    expect(got.events).toEqual(['zpopmax:z', 'zpopmin:z', 'del:z']);
  });

  it('served pops emit the same events', () => {
    const { engine, cache } = setup();
    const a = blocked(client(engine), 'BZPOPMIN', 'z', '0');
    const got = record(engine, () => {
      cache.zadd('z', 1, 'a');
      engine.blocking.serveReady();
    });
    expect(a.reply()).toBeDefined();
    expect(got.events).toEqual(['new:z', 'zadd:z', 'zpopmin:z', 'del:z']);
  });

  it('answer at once where the client may not block (sync API, EXEC)', () => {
    const { cache } = setup();
    expect(cache.bzpopmin('none', 0)).toBeNull();
    expect(cache.bzmpop(0, 1, 'none', 'MIN')).toBeNull();
    cache.zadd('z', 4, 'm');
    expect(cache.bzpopmax('z', 0)).toEqual(['z', 'm', '4']);
  });

  it('check arguments before blocking, in Redis order', () => {
    const { engine, cache } = setup();
    const s = client(engine);
    cache.set('s', 'x');
    const err = (argv: string[]) => (dispatch(s, argv) as ReplyError).message;
    expect(err(['BZPOPMIN', 's', 'x'])).toBe('ERR timeout is not a float or out of range');
    expect(err(['BZPOPMIN', 's', '-1'])).toBe('ERR timeout is negative');
    expect(err(['BZPOPMIN', 'none', 's', '0'])).toMatch(/^WRONGTYPE/);
    expect(err(['BZMPOP', 'x', '0', 'z', 'MIN'])).toBe('ERR numkeys should be greater than 0');
    expect(err(['BZMPOP', 'x', '1', 'z', 'MID'])).toBe('ERR syntax error');
    expect(err(['BZMPOP', 'x', '1', 'z', 'MIN'])).toBe('ERR timeout is not a float or out of range');
    expect(err(['BZMPOP', '0', '1', 'z', 'MIN', 'COUNT', '0'])).toBe('ERR count should be greater than 0');
    expect(engine.blocking.blockedCount).toBe(0);
  });
});

describe('ZRANDMEMBER by property', () => {
  it('returns members of the set with their scores: distinct for a positive count, |count| of them otherwise', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: -400, max: 400 }), (size, count) => {
        const { cache } = setup();
        const args: (string | number)[] = [];
        for (let i = 0; i < size; i++) args.push(i * 0.5, `m${i}`);
        cache.zadd('z', ...args);
        const flat = cache.zrandmember('z', count, 'WITHSCORES') as string[];
        const n = count >= 0 ? Math.min(count, size) : -count;
        expect(flat.length).toBe(2 * n);
        const seen = new Set<string>();
        for (let i = 0; i < flat.length; i += 2) {
          const m = flat[i];
          expect(cache.zscore('z', m)).toBe(flat[i + 1]);
          seen.add(m);
        }
        if (count > 0) expect(seen.size).toBe(n);
        const plain = cache.zrandmember('z', count) as string[];
        expect(plain.length).toBe(n);
        if (count > 0) expect(new Set(plain).size).toBe(n);
      }),
      { numRuns: 200 },
    );
  });
});
