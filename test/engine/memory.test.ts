import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Cachee } from '../../src/client/cachee.js';
import { ManualClock } from '../../src/engine/clock.js';
import type { Engine } from '../../src/engine/engine.js';
import {
  BUFFER_OVERHEAD,
  EXPIRE_ENTRY,
  estimateKeyMemory,
  KEY_ENTRY,
  MAP_BASE,
  MAP_SLOT,
  mapCapacity,
  SIDE_ENTRY,
  stringBytes,
  valueBytes,
} from '../../src/engine/memory.js';
import { ReplyError } from '../../src/errors.js';

const T0 = 1_700_000_000_000;

/** A seeded PRNG (mulberry32). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function setup(policy = 'noeviction', trackAccess = false) {
  const clock = new ManualClock(T0);
  const cache = new Cachee({ clock, activeExpiry: false, trackAccess, random: seeded(1) });
  cache.engine.maxmemoryPolicy = policy;
  return { clock, cache, engine: cache.engine };
}

/** The running totals must equal the sum of the per-key estimates: nothing drifts. */
function checkTotals(engine: Engine): void {
  let total = 0;
  for (const db of engine.dbs) {
    let sum = 0;
    for (const key of db.data.keys()) sum += estimateKeyMemory(db, key);
    expect(db.bytes).toBe(sum);
    total += db.bytes;
  }
  expect(engine.usedBytes).toBe(total);
}

describe('size model', () => {
  it('strings: 16-byte header plus chars, rounded to 8; wide chars count 2', () => {
    expect(stringBytes('')).toBe(16);
    expect(stringBytes('a')).toBe(24);
    expect(stringBytes('12345678')).toBe(24);
    expect(stringBytes('123456789')).toBe(32);
    expect(stringBytes('é'.repeat(8))).toBe(24); // Latin-1: one byte per char
    expect(stringBytes('日本')).toBe(24);
    expect(stringBytes('日本語日本語')).toBe(32);
    expect(valueBytes(Buffer.alloc(10))).toBe(BUFFER_OVERHEAD + 16);
  });

  it('Map capacity doubles when full and halves under a quarter, never below 4', () => {
    expect(mapCapacity(0, 0)).toBe(4);
    expect(mapCapacity(4, 4)).toBe(4);
    expect(mapCapacity(5, 4)).toBe(8);
    expect(mapCapacity(200_000, 4)).toBe(262_144);
    expect(mapCapacity(100_000, 262_144)).toBe(262_144);
    expect(mapCapacity(65_535, 262_144)).toBe(131_072);
    expect(mapCapacity(1, 1024)).toBe(4);
  });

  it('a string key costs its entry, key and value; a TTL and access tracking add side entries', () => {
    const { cache, engine } = setup();
    const db = engine.dbs[0];
    cache.set('key:0000001', 'v000000001');
    expect(estimateKeyMemory(db, 'key:0000001')).toBe(KEY_ENTRY + 32 + 32);
    expect(engine.usedBytes).toBe(KEY_ENTRY + 64);
    cache.call('expire', 'key:0000001', 100);
    expect(estimateKeyMemory(db, 'key:0000001')).toBe(KEY_ENTRY + 64 + EXPIRE_ENTRY);
    engine.setTrackAccess(true);
    cache.get('key:0000001');
    expect(estimateKeyMemory(db, 'key:0000001')).toBe(KEY_ENTRY + 64 + EXPIRE_ENTRY + SIDE_ENTRY);
    expect(estimateKeyMemory(db, 'nope')).toBe(0);
    checkTotals(engine);
    cache.call('del', 'key:0000001');
    expect(engine.usedBytes).toBe(0);
  });

  it('aggregates: container from the size, elements as they come and go', () => {
    const { cache, engine } = setup();
    const db = engine.dbs[0];
    cache.hset('h', 'f1', 'v1');
    const one = estimateKeyMemory(db, 'h');
    expect(one).toBe(KEY_ENTRY + 24 + 88 + MAP_BASE + 4 * MAP_SLOT + 24 + 24);
    for (let i = 2; i <= 5; i++) cache.hset('h', `f${i}`, `v${i}`);
    // Past 4 fields the table doubles to 8 slots.
    expect(estimateKeyMemory(db, 'h')).toBe(one + 4 * MAP_SLOT + 4 * 48);
    cache.call('hdel', 'h', 'f5', 'f4', 'f3');
    expect(estimateKeyMemory(db, 'h')).toBe(one + 4 * MAP_SLOT + 48);
    cache.hset('h', 'f1', 'a much longer value than before');
    checkTotals(engine);
    for (let i = 0; i < 1000; i++) cache.rpush('l', `element-${i}`);
    cache.call('ltrim', 'l', 0, 9);
    for (let i = 0; i < 100; i++) cache.zadd('z', i + 0.5, `m${i}`);
    cache.call('zremrangebyrank', 'z', 0, 49);
    for (let i = 0; i < 100; i++) cache.sadd('s', `m${i}`);
    cache.call('spop', 's', 30);
    checkTotals(engine);
    cache.call('flushall');
    expect(engine.usedBytes).toBe(0);
  });

  it('RENAME and MOVE keep an aggregate counted once; COPY counts the copy', () => {
    const { cache, engine } = setup();
    for (let i = 0; i < 50; i++) cache.sadd('s', `member-${i}`);
    const before = engine.usedBytes;
    cache.call('rename', 's', 't');
    expect(engine.usedBytes).toBe(before);
    cache.call('move', 't', 3);
    expect(engine.usedBytes).toBe(before);
    cache.call('select', 3);
    cache.call('copy', 't', 'u');
    expect(engine.usedBytes).toBe(2 * before - KEY_ENTRY - stringBytes('s') + KEY_ENTRY + stringBytes('u'));
    cache.call('sadd', 't', 'one more');
    checkTotals(engine);
    cache.call('swapdb', 0, 3);
    checkTotals(engine);
  });
});

/** Commands over a few keys of every type, arguments drawn by fast-check. */
const key = fc.constantFrom('a', 'b', 'c', 'd', 'long-key-name-number-one', '日本語のキー');
const member = fc.oneof(
  fc.constantFrom(
    'x',
    'y',
    'z',
    '1',
    '2',
    '300',
    'é',
    'a longer member value over sixty-four bytes ...............',
  ),
  fc.string({ maxLength: 12 }),
);
const num = fc.integer({ min: -3, max: 12 });
const command = fc.oneof(
  fc.tuple(fc.constant('set'), key, member),
  fc.tuple(fc.constant('set'), key, member, fc.constant('EX'), fc.integer({ min: 1, max: 5 })),
  fc.tuple(fc.constant('set'), key, member, fc.constant('KEEPTTL')),
  fc.tuple(fc.constant('append'), key, member),
  fc.tuple(fc.constant('setrange'), key, fc.integer({ min: 0, max: 20 }), member),
  fc.tuple(fc.constant('incrbyfloat'), key, fc.constant('1.5')),
  fc.tuple(fc.constant('incr'), key),
  fc.tuple(fc.constant('getdel'), key),
  fc.tuple(fc.constant('del'), key, key),
  fc.tuple(fc.constant('expire'), key, fc.integer({ min: -1, max: 5 })),
  fc.tuple(fc.constant('persist'), key),
  fc.tuple(fc.constant('rename'), key, key),
  fc.tuple(fc.constant('copy'), key, key, fc.constant('REPLACE')),
  fc.tuple(fc.constant('move'), key, fc.constant('1')),
  fc.tuple(fc.constant('swapdb'), fc.constant('0'), fc.constant('1')),
  fc.tuple(fc.constant('hset'), key, member, member, member, member),
  fc.tuple(fc.constant('hdel'), key, member, member),
  fc.tuple(fc.constant('hincrby'), key, member, num),
  fc.tuple(fc.constant('hsetnx'), key, member, member),
  fc.tuple(fc.constant('lpush'), key, member, member),
  fc.tuple(fc.constant('rpush'), key, member),
  fc.tuple(fc.constant('lpop'), key, fc.integer({ min: 1, max: 3 })),
  fc.tuple(fc.constant('rpop'), key),
  fc.tuple(fc.constant('lset'), key, num, member),
  fc.tuple(fc.constant('linsert'), key, fc.constantFrom('BEFORE', 'AFTER'), member, member),
  fc.tuple(fc.constant('lrem'), key, num, member),
  fc.tuple(fc.constant('ltrim'), key, num, num),
  fc.tuple(
    fc.constant('lmove'),
    key,
    key,
    fc.constantFrom('LEFT', 'RIGHT'),
    fc.constantFrom('LEFT', 'RIGHT'),
  ),
  fc.tuple(fc.constant('sadd'), key, member, member, member),
  fc.tuple(fc.constant('srem'), key, member),
  fc.tuple(fc.constant('spop'), key, fc.integer({ min: 1, max: 4 })),
  fc.tuple(fc.constant('smove'), key, key, member),
  fc.tuple(fc.constant('sunionstore'), key, key, key),
  fc.tuple(fc.constant('sinterstore'), key, key, key),
  fc.tuple(fc.constant('zadd'), key, num, member, num, member),
  fc.tuple(fc.constant('zincrby'), key, fc.constant('2.5'), member),
  fc.tuple(fc.constant('zrem'), key, member),
  fc.tuple(fc.constant('zpopmin'), key, fc.integer({ min: 1, max: 3 })),
  fc.tuple(fc.constant('zremrangebyscore'), key, num, num),
  fc.tuple(fc.constant('zremrangebylex'), key, fc.constant('-'), fc.constant('[m')),
  fc.tuple(fc.constant('zunionstore'), key, fc.constant('2'), key, key),
  fc.tuple(fc.constant('sort'), key, fc.constant('ALPHA'), fc.constant('STORE'), key),
  fc.tuple(fc.constant('get'), key),
  fc.tuple(fc.constant('hget'), key, member),
  fc.tuple(fc.constant('flushdb')),
);

function run(cache: Cachee, argv: readonly (string | number)[]): void {
  try {
    cache.call(String(argv[0]), ...argv.slice(1));
  } catch (e) {
    if (!(e instanceof ReplyError)) throw e;
  }
}

describe('running total', () => {
  for (const [policy, trackAccess] of [
    ['noeviction', false],
    ['allkeys-lru', true],
    ['allkeys-lfu', true],
  ] as const) {
    it(`equals the sum of per-key estimates after any command sequence (${policy})`, () => {
      fc.assert(
        fc.property(
          fc.array(command, { minLength: 1, maxLength: 60 }),
          fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 60, maxLength: 60 }),
          (cmds, steps) => {
            const { cache, engine, clock } = setup(policy, trackAccess);
            for (let i = 0; i < cmds.length; i++) {
              clock.advance(steps[i]);
              run(cache, cmds[i]);
              checkTotals(engine);
            }
            // Expired keys reclaimed by the active cycle leave nothing behind either.
            clock.advance(10_000);
            engine.expireCycle();
            checkTotals(engine);
            run(cache, ['flushall']);
            expect(engine.usedBytes).toBe(0);
          },
        ),
        { numRuns: 150, seed: 42 },
      );
    });
  }
});
