/**
 * MEMORY USAGE / STATS on the engine's estimate, DEBUG OBJECT's LRU fields from
 * the ms access clock, access metadata carried through the byte accounting, and
 * the active expiry cycle letting go of parked iterators.
 */
import { describe, expect, it } from 'vitest';
import '../../src/commands/registry.js';
import { dispatch } from '../../src/commands/dispatch.js';
import { Session } from '../../src/commands/session.js';
import { ManualClock } from '../../src/engine/clock.js';
import { Engine, type EngineOptions } from '../../src/engine/engine.js';
import { estimateKeyMemory } from '../../src/engine/memory.js';
import type { MapReply, StatusReply } from '../../src/protocol/reply.js';

const T0 = 1_700_000_123_456;

function session(options: EngineOptions = {}): Session {
  const engine = new Engine({
    clock: new ManualClock(T0),
    activeExpiry: false,
    enableDebugCommand: 'yes',
    ...options,
  });
  return new Session(engine, { requirepass: null }, 'local');
}

function run(s: Session, ...argv: string[]): unknown {
  return dispatch(s, argv);
}

function stat(stats: MapReply, name: string): unknown {
  return stats.items[stats.items.indexOf(name) + 1];
}

describe('MEMORY on the engine estimate', () => {
  it('USAGE is estimateKeyMemory; STATS reports usedBytes as total and dataset', () => {
    const s = session();
    run(s, 'SET', 's', 'hello');
    run(s, 'HSET', 'h', 'f', 'v', 'g', 'w');
    run(s, 'ZADD', 'z', '1', 'a', '2', 'b');
    run(s, 'EXPIRE', 'h', '100');
    for (const k of ['s', 'h', 'z']) {
      expect(run(s, 'MEMORY', 'USAGE', k)).toBe(estimateKeyMemory(s.db, k));
      expect(run(s, 'MEMORY', 'USAGE', k, 'SAMPLES', '0')).toBe(estimateKeyMemory(s.db, k));
    }
    expect(run(s, 'MEMORY', 'USAGE', 'nokey')).toBeNull();
    const stats = run(s, 'MEMORY', 'STATS') as MapReply;
    const used = s.engine.usedBytes;
    expect(stat(stats, 'total.allocated')).toBe(used);
    expect(stat(stats, 'dataset.bytes')).toBe(used);
    expect(stat(stats, 'peak.allocated')).toBeGreaterThanOrEqual(used);
    expect(stat(stats, 'keys.bytes-per-key')).toBe(Math.floor(used / 3));
  });
});

describe('DEBUG OBJECT lru fields', () => {
  it('converts the ms access clock into the seconds LRU clock', () => {
    const s = session({ trackAccess: true });
    const clock = s.engine.clock as ManualClock;
    run(s, 'SET', 'k', 'v');
    clock.advance(7_400);
    const line = (run(s, 'DEBUG', 'OBJECT', 'k') as StatusReply).text;
    const m = / lru:(\d+) lru_seconds_idle:(\d+)/.exec(line);
    expect(m).not.toBeNull();
    const idle = Number(m![2]);
    expect(idle).toBe(Math.floor((T0 + 7_400) / 1000) - Math.floor(T0 / 1000));
    expect(Number(m![1])).toBe(Math.floor(T0 / 1000) & 0xffffff);
  });
});

describe('access metadata on RENAME / MOVE', () => {
  it('keeps the side maps counted in the database bytes', () => {
    const s = session({ maxmemoryPolicy: 'allkeys-lfu' });
    run(s, 'SET', 'a', '1');
    run(s, 'RENAME', 'a', 'b');
    run(s, 'MOVE', 'b', '1');
    run(s, 'COPY', 'b', 'c', 'DB', '1');
    run(s, 'SELECT', '1');
    run(s, 'COPY', 'b', 'c');
    for (const db of s.engine.dbs.slice(0, 2)) {
      let sum = 0;
      for (const k of db.data.keys()) sum += estimateKeyMemory(db, k);
      expect(db.bytes).toBe(sum);
    }
    expect(s.engine.dbs[1].access.has('b')).toBe(true);
    expect(s.engine.dbs[1].freq.has('b')).toBe(true);
  });
});

describe('active expiry iterators', () => {
  it('are dropped once the expires map is cleared or swapped', () => {
    const s = session();
    const engine = s.engine;
    for (let i = 0; i < 50; i++) run(s, 'SET', `k${i}`, 'v', 'EX', '100');
    engine.expireCycle();
    const ae = (engine as unknown as { activeExpiry: { its: unknown[]; maps: unknown[] } }).activeExpiry;
    expect(ae.its[0]).toBeDefined();
    run(s, 'FLUSHDB');
    engine.expireCycle();
    expect(ae.its[0]).toBeUndefined();
    expect(ae.maps[0]).toBeUndefined();
    run(s, 'SET', 'x', 'v', 'EX', '100');
    engine.expireCycle();
    expect(ae.its[0]).toBeDefined();
    run(s, 'SWAPDB', '0', '1');
    engine.expireCycle();
    expect(ae.its[0]).toBeUndefined();
    expect(ae.maps[1]).toBe(engine.dbs[1].expires);
    engine.close();
    expect(ae.its.length).toBe(0);
  });
});
