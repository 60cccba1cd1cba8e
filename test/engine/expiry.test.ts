import { afterEach, describe, expect, it, vi } from 'vitest';
import { Cachee } from '../../src/client/cachee.js';
import { ManualClock } from '../../src/engine/clock.js';
import { Engine } from '../../src/engine/engine.js';
import { setKeyExpire } from '../../src/types/keyspace.js';

function setup(hz = 10) {
  const clock = new ManualClock();
  const engine = new Engine({ clock, activeExpiry: false, hz });
  return { clock, engine, db: engine.dbs[0] };
}

describe('active expiry', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reclaims volatile keys without their being accessed', () => {
    const { clock, engine, db } = setup();
    const events: string[] = [];
    engine.notifyFlags = 0xffff;
    engine.onNotify((_t, event, key, index) => events.push(`${index}:${event}:${key}`));
    for (let i = 0; i < 100; i++) {
      db.set(`v${i}`, 'x');
      setKeyExpire(db, `v${i}`, clock.now() + 1000);
    }
    for (let i = 0; i < 50; i++) db.set(`p${i}`, 'x');
    engine.dbs[3].set('other', 'x');
    setKeyExpire(engine.dbs[3], 'other', clock.now() + 500);

    engine.expireCycle();
    expect(db.size).toBe(150); // nothing due yet
    clock.advance(1000);
    engine.expireCycle();
    expect(db.size).toBe(150); // due exactly now: not yet expired (Redis: now > when)
    clock.advance(1);
    engine.expireCycle();
    expect(db.size).toBe(50);
    expect(db.expires.size).toBe(0);
    expect(engine.dbs[3].size).toBe(0);
    expect(engine.stats.expiredKeys).toBe(101);
    expect(events).toHaveLength(101);
    expect(events.every((e) => e.includes(':expired:'))).toBe(true);
    expect(engine.stats.expiredStalePerc).toBeGreaterThan(0);
  });

  it('leaves keys whose TTL is still in the future', () => {
    const { clock, engine, db } = setup();
    for (let i = 0; i < 40; i++) {
      db.set(`k${i}`, 'x');
      setKeyExpire(db, `k${i}`, clock.now() + (i % 2 === 0 ? 100 : 10_000));
    }
    clock.advance(100);
    for (let n = 0; n < 5; n++) engine.expireCycle();
    expect(db.size).toBe(40); // due exactly now: not yet expired (Redis: now > when)
    clock.advance(1);
    for (let n = 0; n < 5; n++) engine.expireCycle();
    expect(db.size).toBe(20);
    expect([...db.data.keys()].every((k) => Number(k.slice(1)) % 2 === 1)).toBe(true);
  });

  it('is time-bounded: a large backlog is reclaimed over several cycles', () => {
    const { clock, engine, db } = setup(1000); // budget: 25% of a 1 ms period
    const n = 50_000;
    for (let i = 0; i < n; i++) {
      db.set(`k${i}`, 'x');
      db.setExpire(`k${i}`, clock.now() + 10);
    }
    clock.advance(11);
    engine.expireCycle();
    const afterOne = db.size;
    expect(afterOne).toBeLessThan(n);
    expect(afterOne).toBeGreaterThan(0);
    let cycles = 1;
    while (db.size > 0 && cycles < 100_000) {
      engine.expireCycle();
      cycles++;
    }
    expect(db.size).toBe(0);
    expect(cycles).toBeGreaterThan(1);
    expect(engine.stats.expiredKeys).toBe(n);
  });

  it('follows databases through SWAPDB and FLUSHDB', () => {
    const { clock, engine } = setup();
    const cache = new Cachee({ engine });
    engine.dbs[1].set('a', 'x');
    setKeyExpire(engine.dbs[1], 'a', clock.now() + 10);
    engine.expireCycle();
    cache.call('swapdb', 0, 1);
    clock.advance(11);
    engine.expireCycle();
    expect(engine.dbs[0].size).toBe(0);
    engine.dbs[0].set('b', 'x');
    setKeyExpire(engine.dbs[0], 'b', clock.now() + 10);
    cache.call('flushdb');
    engine.dbs[0].set('c', 'x');
    setKeyExpire(engine.dbs[0], 'c', clock.now() + 10);
    clock.advance(11);
    engine.expireCycle();
    expect(engine.dbs[0].size).toBe(0);
    expect(engine.stats.expiredKeys).toBe(2);
  });

  it('does not delete a key whose TTL was extended after it was sampled', () => {
    const { clock, engine, db } = setup();
    db.set('k', 'x');
    setKeyExpire(db, 'k', clock.now() + 10);
    clock.advance(10);
    setKeyExpire(db, 'k', clock.now() + 10_000);
    engine.expireCycle();
    expect(db.size).toBe(1);
  });

  it('runs on an unref()d timer', () => {
    const engine = new Engine({ hz: 10 });
    const timer = (engine as unknown as { activeExpiry: { timer: NodeJS.Timeout } }).activeExpiry.timer;
    expect(timer).toBeDefined();
    expect(timer.hasRef()).toBe(false);
    engine.close();
    expect(
      (engine as unknown as { activeExpiry: { timer?: NodeJS.Timeout } }).activeExpiry.timer,
    ).toBeUndefined();
  });

  it('the timer expires keys in the background', () => {
    vi.useFakeTimers();
    const clock = new ManualClock();
    const engine = new Engine({ clock, hz: 10 });
    const db = engine.dbs[0];
    db.set('k', 'x');
    setKeyExpire(db, 'k', clock.now() + 50);
    clock.advance(50);
    vi.advanceTimersByTime(100);
    expect(db.size).toBe(1); // due exactly now: not yet expired (Redis: now > when)
    clock.advance(1);
    vi.advanceTimersByTime(100);
    expect(db.size).toBe(0);
    engine.setActiveExpiry(false);
    db.set('j', 'x');
    setKeyExpire(db, 'j', clock.now() + 50);
    clock.advance(51);
    vi.advanceTimersByTime(1000);
    expect(db.size).toBe(1);
    engine.close();
  });
});
