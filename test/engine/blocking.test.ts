/**
 * Blocked clients: the engine's registry (FIFO, ready keys served after the
 * command, chains, timeouts, cancel), the blocking list commands through
 * dispatch on in-process sessions (replies, events, MULTI, timeout parsing),
 * and the sync API's Promise methods. Wire behaviour against redis-server is in
 * test/diff/blocking.test.ts; connections in test/server/blocking.test.ts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Cachee } from '../../src/client/cachee.js';
import { parseTimeout } from '../../src/commands/blocking.js';
import { dispatch } from '../../src/commands/dispatch.js';
import { Session } from '../../src/commands/session.js';
import type { BlockRequest, Waiter } from '../../src/engine/blocking.js';
import { ManualClock } from '../../src/engine/clock.js';
import type { Database } from '../../src/engine/database.js';
import { Engine } from '../../src/engine/engine.js';
import { NOTIFY_ALL, Notify } from '../../src/engine/notify.js';
import { Err, ReplyError } from '../../src/errors.js';
import { encodeToBuffer } from '../../src/protocol/encoder.js';
import { BlockedReply, NIL_ARRAY, type Reply } from '../../src/protocol/reply.js';
import * as lists from '../../src/types/list.js';
import { setString } from '../../src/types/string.js';

const T0 = 1_700_000_000_000;

function setup() {
  const clock = new ManualClock(T0);
  const engine = new Engine({ clock, activeExpiry: false });
  return { clock, engine, db: engine.dbs[0] };
}

afterEach(() => {
  vi.useRealTimers();
});

/** A waiter that pops the head of the ready key's list, recording what it got. */
function popper(
  engine: Engine,
  db: Database,
  keys: string[],
  options: Partial<BlockRequest<string>> = {},
): { waiter: Waiter<string>; got: () => string | undefined } {
  let got: string | undefined;
  const waiter = engine.blocking.block<string>({
    db,
    keys,
    timeoutMs: 0,
    retry: (key) => {
      const v = db.peek(key);
      if (!(v instanceof lists.RedisList)) return undefined;
      return `${key}=${lists.popOne(db, key, true)}`;
    },
    error: (e) => `error:${(e as Error).message}`,
    timeoutReply: 'timeout',
    ...options,
  });
  waiter.onReply((r) => {
    got = r;
  });
  return { waiter, got: () => got };
}

describe('BlockingRegistry', () => {
  it('listens for key changes only while someone waits', () => {
    const { engine, db } = setup();
    expect(engine.hasKeyListeners()).toBe(false);
    const a = popper(engine, db, ['k']);
    expect(engine.hasKeyListeners()).toBe(true);
    expect(engine.blocking.blockedCount).toBe(1);
    a.waiter.cancel();
    expect(engine.hasKeyListeners()).toBe(false);
    expect(engine.blocking.blockedCount).toBe(0);
  });

  it('marks a key ready when modified, and serves only in serveReady', () => {
    const { engine, db } = setup();
    const a = popper(engine, db, ['k']);
    lists.pushOne(db, 'other', 'x', true);
    expect(engine.blocking.hasReady).toBe(false);
    lists.pushOne(db, 'k', 'v', true);
    expect(engine.blocking.hasReady).toBe(true);
    // Nothing is served in the middle of a command.
    expect(a.got()).toBeUndefined();
    expect(lists.len(db, 'k')).toBe(1);
    engine.blocking.serveReady();
    expect(a.got()).toBe('k=v');
    expect(engine.blocking.hasReady).toBe(false);
    expect(db.has('k')).toBe(false);
  });

  it('serves waiters first come, first served, while elements last', () => {
    const { engine, db } = setup();
    const a = popper(engine, db, ['k']);
    const b = popper(engine, db, ['k']);
    const c = popper(engine, db, ['k']);
    lists.push(db, 'k', ['1', '2'], false);
    engine.blocking.serveReady();
    expect([a.got(), b.got(), c.got()]).toEqual(['k=1', 'k=2', undefined]);
    expect(engine.blocking.blockedCount).toBe(1);
    lists.pushOne(db, 'k', '3', false);
    engine.blocking.serveReady();
    expect(c.got()).toBe('k=3');
  });

  it('serves from the key that became ready, in the order keys became ready', () => {
    const { engine, db } = setup();
    const a = popper(engine, db, ['k1', 'k2']);
    const b = popper(engine, db, ['k1']);
    // One "command" makes k2 then k1 ready.
    lists.pushOne(db, 'k2', 'x', true);
    lists.pushOne(db, 'k1', 'y', true);
    engine.blocking.serveReady();
    expect(a.got()).toBe('k2=x');
    expect(b.got()).toBe('k1=y');
  });

  it('keeps waiting when the retry produces nothing (another type, or emptied)', () => {
    const { engine, db } = setup();
    const a = popper(engine, db, ['k']);
    setString(db, 'k', 'str');
    engine.blocking.serveReady();
    expect(a.got()).toBeUndefined();
    db.delete('k');
    lists.pushOne(db, 'k', 'v', true);
    lists.popOne(db, 'k', true);
    engine.blocking.serveReady();
    expect(a.got()).toBeUndefined();
    lists.pushOne(db, 'k', 'w', true);
    engine.blocking.serveReady();
    expect(a.got()).toBe('k=w');
  });

  it('waits once on a key given twice', () => {
    const { engine, db } = setup();
    const a = popper(engine, db, ['k', 'k']);
    expect(a.waiter.keys).toEqual(['k']);
    lists.push(db, 'k', ['1', '2'], false);
    engine.blocking.serveReady();
    expect(a.got()).toBe('k=1');
    expect(lists.len(db, 'k')).toBe(1);
  });

  it('keeps databases apart', () => {
    const { engine } = setup();
    const a = popper(engine, engine.dbs[1], ['k']);
    lists.pushOne(engine.dbs[0], 'k', 'v', true);
    engine.blocking.serveReady();
    expect(a.got()).toBeUndefined();
    lists.pushOne(engine.dbs[1], 'k', 'w', true);
    engine.blocking.serveReady();
    expect(a.got()).toBe('k=w');
  });

  it('serves chains: a served move makes its destination ready in the same call', () => {
    const { engine, db } = setup();
    let moved: string | undefined;
    engine.blocking
      .block<string>({
        db,
        keys: ['src'],
        timeoutMs: 0,
        retry: (key) =>
          db.peek(key) === undefined ? undefined : String(lists.move(db, 'src', 'dst', true, false)),
        error: String,
        timeoutReply: 'timeout',
      })
      .onReply((r) => {
        moved = r;
      });
    const b = popper(engine, db, ['dst']);
    lists.pushOne(db, 'src', 'v', true);
    engine.blocking.serveReady();
    expect(moved).toBe('v');
    expect(b.got()).toBe('dst=v');
    expect(db.has('src')).toBe(false);
    expect(db.has('dst')).toBe(false);
  });

  it('turns a throwing retry into an error reply and serves the next waiter', () => {
    const { engine, db } = setup();
    const a = popper(engine, db, ['k'], {
      retry: () => {
        throw new Error('boom');
      },
    });
    const b = popper(engine, db, ['k']);
    lists.pushOne(db, 'k', 'v', true);
    engine.blocking.serveReady();
    expect(a.got()).toBe('error:boom');
    expect(b.got()).toBe('k=v');
  });

  it('cancel leaves the queue: the slot is not served', () => {
    const { engine, db } = setup();
    const a = popper(engine, db, ['k']);
    const b = popper(engine, db, ['k']);
    expect(a.waiter.cancel()).toBe(true);
    expect(a.waiter.cancel()).toBe(false);
    lists.pushOne(db, 'k', 'v', true);
    engine.blocking.serveReady();
    expect(a.got()).toBeUndefined();
    expect(b.got()).toBe('k=v');
  });

  it('unblock answers now, with a reply or as the timeout would', () => {
    const { engine, db } = setup();
    const owner = {};
    const a = popper(engine, db, ['k'], { owner });
    const b = popper(engine, db, ['k']);
    expect(engine.blocking.isBlocked(owner)).toBe(true);
    expect(engine.blocking.waitersOf(owner)).toEqual([a.waiter]);
    expect(engine.blocking.unblock(a.waiter)).toBe(true);
    expect(a.got()).toBe('timeout');
    expect(engine.blocking.isBlocked(owner)).toBe(false);
    expect(engine.blocking.unblock(a.waiter, 'again')).toBe(false);
    expect(engine.blocking.unblock(b.waiter, 'error')).toBe(true);
    expect(b.got()).toBe('error');
  });

  it('delivers to a listener set after the reply came', () => {
    const { engine, db } = setup();
    const w = engine.blocking.block<string>({
      db,
      keys: ['k'],
      timeoutMs: 0,
      retry: () => 'served',
      error: String,
      timeoutReply: 'timeout',
    });
    lists.pushOne(db, 'k', 'v', true);
    engine.blocking.serveReady();
    let got: string | undefined;
    w.onReply((r) => {
      got = r;
    });
    expect(got).toBe('served');
  });

  it('expires timeouts by the engine clock, earliest first', () => {
    const { engine, db, clock } = setup();
    const order: string[] = [];
    const mk = (name: string, ms: number) =>
      popper(engine, db, [name], { timeoutMs: ms }).waiter.onReply((r) => order.push(`${name}:${r}`));
    mk('b', 2000);
    mk('a', 1500);
    mk('forever', 0);
    expect(engine.blocking.timeoutCount).toBe(2);
    expect(engine.blocking.expireTimeouts()).toBe(0);
    clock.advance(1999);
    expect(engine.blocking.expireTimeouts()).toBe(1);
    clock.advance(1);
    expect(engine.blocking.expireTimeouts()).toBe(1);
    expect(order).toEqual(['a:timeout', 'b:timeout']);
    expect(engine.blocking.timeoutCount).toBe(0);
    expect(engine.blocking.blockedCount).toBe(1);
  });

  it('times out on its own timer, and re-arms waits longer than setTimeout allows', () => {
    vi.useFakeTimers();
    const { engine, db } = setup();
    const a = popper(engine, db, ['a'], { timeoutMs: 50 });
    const long = popper(engine, db, ['b'], { timeoutMs: 2 ** 31 + 1000 });
    vi.advanceTimersByTime(49);
    expect(a.got()).toBeUndefined();
    vi.advanceTimersByTime(1);
    expect(a.got()).toBe('timeout');
    vi.advanceTimersByTime(2 ** 31 - 1);
    expect(long.got()).toBeUndefined();
    vi.advanceTimersByTime(1000);
    expect(long.got()).toBe('timeout');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('clears the timer of a served waiter', () => {
    vi.useFakeTimers();
    const { engine, db } = setup();
    const a = popper(engine, db, ['k'], { timeoutMs: 1000 });
    expect(vi.getTimerCount()).toBe(1);
    lists.pushOne(db, 'k', 'v', true);
    engine.blocking.serveReady();
    expect(a.got()).toBe('k=v');
    expect(vi.getTimerCount()).toBe(0);
    expect(engine.blocking.timeoutCount).toBe(0);
  });

  it('signalDatabase finds keys that appeared without a signal (SWAPDB)', () => {
    const { engine } = setup();
    const a = popper(engine, engine.dbs[0], ['k']);
    lists.pushOne(engine.dbs[1], 'k', 'v', true);
    engine.dbs[0].swapWith(engine.dbs[1]);
    engine.blocking.serveReady();
    expect(a.got()).toBeUndefined();
    engine.blocking.signalDatabase(engine.dbs[0]);
    engine.blocking.serveReady();
    expect(a.got()).toBe('k=v');
  });
});

describe('parseTimeout', () => {
  it('reads seconds as a long double, truncated to ms, as Redis', () => {
    expect(parseTimeout('0')).toBe(0);
    expect(parseTimeout('1')).toBe(1000);
    expect(parseTimeout('0.05')).toBe(50);
    expect(parseTimeout('1.5')).toBe(1500);
    expect(parseTimeout('0x10')).toBe(16000);
    expect(parseTimeout('1e3')).toBe(1_000_000);
    expect(parseTimeout('-0')).toBe(0);
    // (long long)(-0.1) is 0: forever.
    expect(parseTimeout('-0.0001')).toBe(0);
    expect(parseTimeout('0.0001')).toBe(0);
    expect(parseTimeout('9223372036854')).toBe(9223372036854000);
  });

  it("rejects with Redis's texts", () => {
    const err = (a: string) => {
      try {
        parseTimeout(a);
      } catch (e) {
        return (e as ReplyError).message;
      }
      return 'no error';
    };
    for (const a of ['abc', '', ' 1', '1 ', 'nan', '1e-5000', '1x']) expect(err(a)).toBe(Err.timeout);
    // Negative, or too large for a long long of ms (which C turns negative).
    for (const a of ['-1', '-0.5', 'inf', '-inf', '1e16', '9223372036854776', '3.5e400']) {
      expect(err(a)).toBe(Err.timeoutNegative);
    }
  });
});

describe('blocking list commands, in process', () => {
  function client(engine: Engine): Session {
    return new Session(engine, { requirepass: null }, 'tcp');
  }

  /** Dispatches a command that must block; returns a getter for its reply once it came. */
  function blocked(s: Session, ...argv: string[]): { reply: () => Reply | undefined } {
    const r = dispatch(s, argv);
    expect(r).toBeInstanceOf(BlockedReply);
    let got: Reply | undefined;
    (r as BlockedReply).pending.onReply((x) => {
      got = x;
    });
    return { reply: () => got };
  }

  const wire = (r: Reply | undefined, protocol: 2 | 3 = 2) => encodeToBuffer(r as Reply, protocol).toString();

  it('reply at once when data is there, in the non-blocking shapes', () => {
    const { engine } = setup();
    const s = client(engine);
    dispatch(s, ['RPUSH', 'k', 'a', 'b', 'c', 'd', 'e']);
    expect(dispatch(s, ['BLPOP', 'none', 'k', '0'])).toEqual(['k', 'a']);
    expect(dispatch(s, ['BRPOP', 'k', '0'])).toEqual(['k', 'e']);
    expect(dispatch(s, ['BLMOVE', 'k', 'd', 'LEFT', 'RIGHT', '0'])).toBe('b');
    expect(dispatch(s, ['BRPOPLPUSH', 'k', 'd', '0'])).toBe('d');
    expect(dispatch(s, ['BLMPOP', '0', '2', 'none', 'k', 'LEFT', 'COUNT', '5'])).toEqual(['k', ['c']]);
    expect(dispatch(s, ['LRANGE', 'd', '0', '-1'])).toEqual(['d', 'b']);
    expect(engine.blocking.blockedCount).toBe(0);
  });

  it('serve after the pushing command, from the ready key, in blocking order', () => {
    const { engine } = setup();
    const a = blocked(client(engine), 'BLPOP', 'k1', 'k2', '0');
    const b = blocked(client(engine), 'BRPOP', 'k2', '0');
    const c = blocked(client(engine), 'BLMPOP', '0', '2', 'k2', 'k3', 'RIGHT', 'COUNT', '5');
    const d = blocked(client(engine), 'BLMOVE', 'k1', 'dst', 'RIGHT', 'LEFT', '0');
    expect(engine.blocking.blockedCount).toBe(4);
    const pusher = client(engine);
    expect(dispatch(pusher, ['RPUSH', 'k2', 'a', 'b', 'c', 'd', 'e'])).toBe(5);
    expect(a.reply()).toEqual(['k2', 'a']);
    expect(b.reply()).toEqual(['k2', 'e']);
    expect(c.reply()).toEqual(['k2', ['d', 'c', 'b']]);
    expect(d.reply()).toBeUndefined();
    dispatch(pusher, ['RPUSH', 'k1', 'x']);
    expect(d.reply()).toBe('x');
    expect(dispatch(pusher, ['LRANGE', 'dst', '0', '-1'])).toEqual(['x']);
    expect(engine.blocking.blockedCount).toBe(0);
  });

  it('serve after a whole EXEC, not in its middle', () => {
    const { engine } = setup();
    const a = blocked(client(engine), 'BLPOP', 'k', '0');
    const t = client(engine);
    dispatch(t, ['MULTI']);
    dispatch(t, ['RPUSH', 'k', 'v1']);
    dispatch(t, ['LPOP', 'k']);
    dispatch(t, ['RPUSH', 'k', 'v2']);
    expect(dispatch(t, ['EXEC'])).toEqual([1, 'v1', 1]);
    expect(a.reply()).toEqual(['k', 'v2']);
  });

  it('answer at once where the client may not block', () => {
    const { engine } = setup();
    const s = client(engine);
    s.denyBlocking = true;
    expect(dispatch(s, ['BLPOP', 'k', '0'])).toBe(NIL_ARRAY);
    expect(dispatch(s, ['BRPOP', 'k', '0'])).toBe(NIL_ARRAY);
    expect(dispatch(s, ['BLMPOP', '0', '1', 'k', 'LEFT'])).toBe(NIL_ARRAY);
    // BLMOVE answers a nil bulk there, but the nil array at a timeout.
    expect(dispatch(s, ['BLMOVE', 'k', 'd', 'LEFT', 'LEFT', '0'])).toBeNull();
    expect(dispatch(s, ['BRPOPLPUSH', 'k', 'd', '0'])).toBeNull();
    expect(engine.blocking.blockedCount).toBe(0);
    // Inside MULTI too, and the sync API's call().
    const t = client(engine);
    dispatch(t, ['MULTI']);
    dispatch(t, ['BLPOP', 'k', '0']);
    dispatch(t, ['BLMOVE', 'k', 'd', 'LEFT', 'LEFT', '0']);
    expect(dispatch(t, ['EXEC'])).toEqual([NIL_ARRAY, null]);
    expect(new Cachee({ engine }).call('blpop', 'k', 0)).toBeNull();
    expect(engine.blocking.blockedCount).toBe(0);
  });

  it('time out with the nil array, BLMOVE included', () => {
    const { engine, clock } = setup();
    const a = blocked(client(engine), 'BLPOP', 'k', '0.05');
    const b = blocked(client(engine), 'BLMOVE', 'k', 'd', 'LEFT', 'LEFT', '1');
    clock.advance(50);
    engine.blocking.expireTimeouts();
    expect(a.reply()).toBe(NIL_ARRAY);
    expect(wire(a.reply(), 2)).toBe('*-1\r\n');
    expect(wire(a.reply(), 3)).toBe('_\r\n');
    expect(b.reply()).toBeUndefined();
    clock.advance(950);
    engine.blocking.expireTimeouts();
    expect(b.reply()).toBe(NIL_ARRAY);
  });

  it('give a BLMOVE waiter WRONGTYPE when its destination changed type, and serve the next', () => {
    const { engine } = setup();
    const a = blocked(client(engine), 'BLMOVE', 'src', 'dst', 'LEFT', 'RIGHT', '0');
    const b = blocked(client(engine), 'BLPOP', 'src', '0');
    const p = client(engine);
    dispatch(p, ['SET', 'dst', 'x']);
    dispatch(p, ['RPUSH', 'src', 'v']);
    expect(a.reply()).toEqual(new ReplyError(Err.wrongType));
    expect(b.reply()).toEqual(['src', 'v']);
  });

  it('check arguments in Redis order before blocking', () => {
    const { engine } = setup();
    const s = client(engine);
    dispatch(s, ['SET', 'str', 'x']);
    const err = (...argv: string[]) => (dispatch(s, argv) as ReplyError).message;
    expect(err('BLPOP', 'k', 'x')).toBe(Err.timeout);
    expect(err('BLPOP', 'k', '-1')).toBe(Err.timeoutNegative);
    expect(err('BLPOP', 'none', 'str', '0')).toBe(Err.wrongType);
    expect(err('BLMOVE', 's', 'd', 'UP', 'LEFT', 'x')).toBe(Err.syntax);
    expect(err('BLMOVE', 's', 'd', 'LEFT', 'LEFT', 'x')).toBe(Err.timeout);
    expect(err('BLMOVE', 'str', 'd', 'LEFT', 'LEFT', '0')).toBe(Err.wrongType);
    expect(err('BLMPOP', 'x', '0', 'k', 'LEFT')).toBe(Err.numkeysPositive);
    expect(err('BLMPOP', 'x', '5', 'k', 'LEFT')).toBe(Err.syntax);
    expect(err('BLMPOP', 'x', '1', 'k', 'UP')).toBe(Err.syntax);
    expect(err('BLMPOP', 'x', '1', 'k', 'LEFT', 'COUNT', '0')).toBe(Err.countPositive);
    expect(err('BLMPOP', 'x', '1', 'k', 'LEFT')).toBe(Err.timeout);
    expect(engine.blocking.blockedCount).toBe(0);
  });

  it('served pops emit the events of the non-blocking forms', () => {
    const { engine } = setup();
    blocked(client(engine), 'BLMOVE', 's', 'd', 'LEFT', 'RIGHT', '0');
    blocked(client(engine), 'BLPOP', 'd', '0');
    const events: string[] = [];
    engine.notifyFlags = NOTIFY_ALL | Notify.keyevent;
    const off = engine.onNotify((_t, event, key) => events.push(`${event}:${key}`));
    dispatch(client(engine), ['RPUSH', 's', 'v1', 'v2']);
    off();
    // As redis-server: the push, then the move (rpush on d, lpop on s), then BLPOP on d.
    expect(events).toEqual(['rpush:s', 'rpush:d', 'lpop:s', 'lpop:d', 'del:d']);
  });

  it('report blocked clients in INFO and CLIENT INFO, and unblock them with CLIENT UNBLOCK', () => {
    const { engine } = setup();
    const s = client(engine);
    const a = blocked(s, 'BLPOP', 'k', '10');
    const text = (r: Reply) => (r as { text: string }).text;
    const info = text(dispatch(client(engine), ['INFO', 'clients']));
    expect(info).toContain('blocked_clients:1\r\n');
    expect(info).toContain('clients_in_timeout_table:1\r\n');
    // (A session with no server sees only itself.)
    expect(text(dispatch(s, ['CLIENT', 'INFO']))).toContain(' flags=b ');
    expect(dispatch(s, ['CLIENT', 'UNBLOCK', String(s.id)])).toBe(1);
    expect(a.reply()).toBe(NIL_ARRAY);
    expect(text(dispatch(s, ['CLIENT', 'INFO']))).toContain(' flags=N ');
    expect(dispatch(s, ['CLIENT', 'UNBLOCK', String(s.id)])).toBe(0);
    const b = blocked(s, 'BLMOVE', 'k', 'd', 'LEFT', 'LEFT', '0');
    expect(dispatch(s, ['CLIENT', 'UNBLOCK', String(s.id), 'ERROR'])).toBe(1);
    expect(b.reply()).toEqual(new ReplyError(Err.unblocked));
    expect(text(dispatch(s, ['INFO', 'clients']))).toContain('blocked_clients:0\r\n');
  });
});

describe('Cachee blocking Promises', () => {
  it('resolve at once when data is there', async () => {
    const cache = new Cachee({ activeExpiry: false });
    cache.rpush('q', 'a', 'b', 'c', 'd');
    await expect(cache.blpop('q', 0)).resolves.toEqual(['q', 'a']);
    await expect(cache.brpop(['none', 'q'], 0)).resolves.toEqual(['q', 'd']);
    await expect(cache.blmove('q', 'd', 'LEFT', 'RIGHT', 0)).resolves.toBe('b');
    await expect(cache.brpoplpush('q', 'd', 0)).resolves.toBe('c');
    // BRPOPLPUSH pushed at the head.
    await expect(cache.blmpop(0, 1, 'd', 'LEFT', 'COUNT', 5)).resolves.toEqual(['d', ['c', 'b']]);
    await expect(cache.blpop('q', 'x')).rejects.toThrow(Err.timeout);
  });

  it('resolve when another caller pushes, first come first served', async () => {
    const engine = new Engine({ activeExpiry: false });
    const consumer = new Cachee({ engine });
    const producer = new Cachee({ engine });
    const first = consumer.blpop('q', 0);
    const second = consumer.brpop('q', 0);
    const third = consumer.blmpop(0, 1, 'q', 'LEFT', 'COUNT', 10);
    expect(engine.blocking.blockedCount).toBe(3);
    // The fast path (one element) and dispatch (several) both serve.
    expect(producer.rpush('q', 'a')).toBe(1);
    await expect(first).resolves.toEqual(['q', 'a']);
    producer.rpush('q', 'b', 'c', 'd');
    await expect(second).resolves.toEqual(['q', 'd']);
    await expect(third).resolves.toEqual(['q', ['b', 'c']]);
    expect(producer.exists('q')).toBe(0);
    // lpush's fast path too.
    const fourth = consumer.blmove('q', 'done', 'RIGHT', 'LEFT', 0);
    producer.lpush('q', 'e');
    await expect(fourth).resolves.toBe('e');
    expect(producer.lrange('done', 0, -1)).toEqual(['e']);
  });

  it('resolve null at the timeout', async () => {
    vi.useFakeTimers();
    const cache = new Cachee({ activeExpiry: false });
    const p = cache.blpop('q', 0.05);
    const m = cache.blmove('q', 'd', 'LEFT', 'LEFT', 0.1);
    vi.advanceTimersByTime(50);
    await expect(p).resolves.toBeNull();
    vi.advanceTimersByTime(50);
    await expect(m).resolves.toBeNull();
    expect(cache.engine.blocking.blockedCount).toBe(0);
  });

  it('reject with the error a served waiter gets', async () => {
    const engine = new Engine({ activeExpiry: false });
    const cache = new Cachee({ engine });
    const p = cache.blmove('src', 'dst', 'LEFT', 'LEFT', 0);
    cache.set('dst', 'str');
    cache.rpush('src', 'v');
    await expect(p).rejects.toThrow(/^WRONGTYPE/);
    expect(cache.lrange('src', 0, -1)).toEqual(['v']);
  });
});
