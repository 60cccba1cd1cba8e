import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/engine/clock.js';
import { Engine } from '../../src/engine/engine.js';
import { NOTIFY_ALL, Notify } from '../../src/engine/notify.js';
import type { RedisObject } from '../../src/engine/value.js';
import { ReplyError } from '../../src/errors.js';
import {
  appendString,
  computeLcs,
  decrBy,
  expireAtMs,
  getDelString,
  getExString,
  getRangeString,
  getString,
  incrBy,
  incrByFloat,
  LcsMode,
  lcsOperands,
  mgetStrings,
  msetnxStrings,
  msetStrings,
  PROTO_MAX_BULK_LEN,
  StringFlag,
  setRangeString,
  setString,
  setStringGet,
  setStringNx,
  strlenString,
} from '../../src/types/string.js';
import {
  addLongDouble,
  formatLongDoubleHuman,
  incrByFloatText,
  isFiniteLongDouble,
  longDoubleFromNumber,
  parseLongDouble,
} from '../../src/util/long-double.js';

const T0 = 1_700_000_000_000;

function setup() {
  const clock = new ManualClock(T0);
  const engine = new Engine({ clock, activeExpiry: false });
  const db = engine.dbs[0];
  const events: string[] = [];
  engine.onNotify((_type, event, key) => events.push(`${event}:${key}`));
  const modified: string[] = [];
  engine.onKeyModified((_db, key) => modified.push(key));
  return { clock, engine, db, events, modified };
}

/** Turns every notification class on, `new` and `keymiss` included. */
function allEvents(engine: Engine): void {
  engine.notifyFlags = NOTIFY_ALL | Notify.keyMiss | Notify.newKey | Notify.keyspace | Notify.keyevent;
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

const fakeList: RedisObject = {
  type: 'list',
  encoding: () => 'listpack',
  clone: () => fakeList,
  memoryBytes: () => 0,
  accounted: 0,
  refs: 0,
  owner: null,
};
const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';

describe('get / set', () => {
  it('stores and reads strings and buffers unchanged', () => {
    const { db } = setup();
    expect(getString(db, 'k')).toBeNull();
    expect(setString(db, 'k', 'v')).toBe(true);
    expect(getString(db, 'k')).toBe('v');
    const buf = Buffer.from([0xff, 0x00]);
    setString(db, 'b', buf);
    expect(getString(db, 'b')).toBe(buf);
  });

  it('WRONGTYPE for GET of another type, while SET overwrites any type', () => {
    const { db } = setup();
    db.set('l', fakeList);
    expect(errorOf(() => getString(db, 'l'))).toBe(WRONGTYPE);
    setString(db, 'l', 'now');
    expect(getString(db, 'l')).toBe('now');
  });

  it('NX / XX', () => {
    const { db } = setup();
    expect(setString(db, 'k', 'a', StringFlag.XX)).toBe(false);
    expect(db.has('k')).toBe(false);
    expect(setString(db, 'k', 'a', StringFlag.NX)).toBe(true);
    expect(setString(db, 'k', 'b', StringFlag.NX)).toBe(false);
    expect(setString(db, 'k', 'c', StringFlag.XX)).toBe(true);
    expect(getString(db, 'k')).toBe('c');
    expect(setStringNx(db, 'k', 'd')).toBe(false);
    expect(setStringNx(db, 'k2', 'd')).toBe(true);
  });

  it('TTLs: set, cleared by a plain SET, kept by KEEPTTL, expiring on the clock', () => {
    const { db, clock } = setup();
    setString(db, 'k', 'v', 0, T0 + 5000);
    expect(db.getExpire('k')).toBe(T0 + 5000);
    setString(db, 'k', 'w', StringFlag.KEEPTTL);
    expect(db.getExpire('k')).toBe(T0 + 5000);
    clock.advance(5000);
    expect(getString(db, 'k')).toBe('w'); // due exactly now: still there (Redis: now > when)
    clock.advance(1);
    expect(getString(db, 'k')).toBeNull();
    setString(db, 'k', 'v', 0, T0 + 10_000);
    setString(db, 'k', 'x');
    expect(db.getExpire('k')).toBeUndefined();
  });

  it('a plain SET over an expired key reclaims it first (expired event, stats)', () => {
    const { db, engine, clock, events } = setup();
    setString(db, 'k', 'v', 0, T0 + 10);
    clock.advance(20);
    allEvents(engine);
    setString(db, 'k', 'w');
    expect(events).toEqual(['expired:k', 'new:k', 'set:k']);
    expect(engine.stats.expiredKeys).toBe(1);
  });

  it('SET ... GET returns the old value, and WRONGTYPE writes nothing', () => {
    const { db } = setup();
    expect(setStringGet(db, 'k', 'a')).toBeNull();
    expect(setStringGet(db, 'k', 'b')).toBe('a');
    expect(setStringGet(db, 'k', 'c', StringFlag.NX)).toBe('b');
    expect(getString(db, 'k')).toBe('b');
    expect(setStringGet(db, 'n', 'c', StringFlag.XX)).toBeNull();
    expect(db.has('n')).toBe(false);
    db.set('l', fakeList);
    expect(errorOf(() => setStringGet(db, 'l', 'x'))).toBe(WRONGTYPE);
    expect(db.peek('l')).toBe(fakeList);
  });

  it('GETSET drops the TTL', () => {
    const { db } = setup();
    setString(db, 'k', 'v', 0, T0 + 5000);
    expect(setStringGet(db, 'k', 'w')).toBe('v');
    expect(db.getExpire('k')).toBeUndefined();
  });
});

describe('expiry arguments', () => {
  it('converts units and bases', () => {
    expect(expireAtMs('10', StringFlag.EX, T0, 'set')).toBe(T0 + 10_000);
    expect(expireAtMs('10', StringFlag.PX, T0, 'set')).toBe(T0 + 10);
    expect(expireAtMs('10', StringFlag.EXAT, T0, 'set')).toBe(10_000);
    expect(expireAtMs('10', StringFlag.PXAT, T0, 'set')).toBe(10);
    expect(expireAtMs(10, StringFlag.EX, T0, 'set')).toBe(T0 + 10_000);
    expect(expireAtMs(9223372036854775n, StringFlag.EXAT, T0, 'set')).toBe(9223372036854775000);
    expect(expireAtMs('9223372036854775807', StringFlag.PXAT, T0, 'set')).toBe(Number(9223372036854775807n));
  });

  it("rejects with Redis's texts", () => {
    const bad = (a: string, f: number, cmd = 'set') => errorOf(() => expireAtMs(a, f, T0, cmd));
    expect(bad('abc', StringFlag.EX)).toBe('ERR value is not an integer or out of range');
    expect(bad('0', StringFlag.EX)).toBe("ERR invalid expire time in 'set' command");
    expect(bad('-1', StringFlag.PXAT, 'getex')).toBe("ERR invalid expire time in 'getex' command");
    expect(bad('9223372036854776', StringFlag.EXAT)).toBe("ERR invalid expire time in 'set' command");
    expect(bad('9223372036854775', StringFlag.EX)).toBe("ERR invalid expire time in 'set' command");
    expect(bad('9223372036854775807', StringFlag.PX, 'psetex')).toBe(
      "ERR invalid expire time in 'psetex' command",
    );
    expect(expireAtMs('9223370000000000000', StringFlag.PX, T0, 'set')).toBe(
      Number(9223370000000000000n + BigInt(T0)),
    );
  });
});

describe('getdel / getex', () => {
  it('GETDEL returns and deletes; WRONGTYPE keeps the key', () => {
    const { db, engine, events } = setup();
    allEvents(engine);
    setString(db, 'k', 'v');
    events.length = 0;
    expect(getDelString(db, 'k')).toBe('v');
    expect(db.has('k')).toBe(false);
    expect(getDelString(db, 'k')).toBeNull();
    expect(events).toEqual(['del:k', 'keymiss:k']);
    db.set('l', fakeList);
    expect(errorOf(() => getDelString(db, 'l'))).toBe(WRONGTYPE);
    expect(db.has('l')).toBe(true);
  });

  it('GETEX sets, replaces and removes TTLs with the right events', () => {
    const { db, engine, events, modified, clock } = setup();
    setString(db, 'k', 'v');
    allEvents(engine);
    modified.length = 0;
    expect(getExString(db, 'k')).toBe('v');
    expect(getExString(db, 'k', StringFlag.PERSIST)).toBe('v');
    expect(events).toEqual([]);
    expect(modified).toEqual([]);
    expect(getExString(db, 'k', StringFlag.EX, '100')).toBe('v');
    expect(db.getExpire('k')).toBe(T0 + 100_000);
    expect(getExString(db, 'k', StringFlag.PX, 500)).toBe('v');
    expect(db.getExpire('k')).toBe(T0 + 500);
    expect(getExString(db, 'k', StringFlag.EXAT, '2000000000')).toBe('v');
    expect(db.getExpire('k')).toBe(2_000_000_000_000);
    expect(getExString(db, 'k', StringFlag.PXAT, '1800000000000')).toBe('v');
    expect(db.getExpire('k')).toBe(1_800_000_000_000);
    expect(getExString(db, 'k', StringFlag.PERSIST)).toBe('v');
    expect(db.getExpire('k')).toBeUndefined();
    expect(events).toEqual(['expire:k', 'expire:k', 'expire:k', 'expire:k', 'persist:k']);
    expect(modified).toEqual(['k', 'k', 'k', 'k', 'k']);
    events.length = 0;
    expect(getExString(db, 'k', StringFlag.PXAT, String(clock.now()))).toBe('v');
    expect(db.has('k')).toBe(false);
    expect(events).toEqual(['del:k']);
  });

  it('GETEX validates the expiry only for an existing string', () => {
    const { db } = setup();
    expect(getExString(db, 'none', StringFlag.EX, '-1')).toBeNull();
    db.set('l', fakeList);
    expect(errorOf(() => getExString(db, 'l', StringFlag.EX, 'abc'))).toBe(WRONGTYPE);
    setString(db, 'k', 'v');
    expect(errorOf(() => getExString(db, 'k', StringFlag.EX, '0'))).toBe(
      "ERR invalid expire time in 'getex' command",
    );
  });
});

describe('mget / mset / msetnx', () => {
  it('reads many, nil for absent and other types', () => {
    const { db } = setup();
    msetStrings(db, ['a', 'b', 'a'], ['1', '2', '3']);
    db.set('l', fakeList);
    expect(mgetStrings(db, ['a', 'b', 'c', 'l'])).toEqual(['3', '2', null, null]);
  });

  it('MSETNX writes all or nothing', () => {
    const { db, engine, events } = setup();
    allEvents(engine);
    expect(msetnxStrings(db, ['x', 'y', 'x'], ['1', '2', '3'])).toBe(true);
    expect(events).toEqual(['new:x', 'set:x', 'new:y', 'set:y', 'set:x']);
    expect(msetnxStrings(db, ['z', 'y'], ['1', '2'])).toBe(false);
    expect(db.has('z')).toBe(false);
    expect(getString(db, 'x')).toBe('3');
  });
});

describe('append / strlen / getrange / setrange', () => {
  it('APPEND builds bytes, marks raw, and counts UTF-8 bytes', () => {
    const { db } = setup();
    expect(appendString(db, 'k', 'ü')).toBe(2);
    expect(db.encodingHint('k') === 'raw').toBe(false);
    expect(appendString(db, 'k', '日')).toBe(5);
    expect(getString(db, 'k')).toBe('ü日');
    expect(db.encodingHint('k') === 'raw').toBe(true);
    expect(strlenString(db, 'k')).toBe(5);
    expect(appendString(db, 'b', Buffer.from([0xe2, 0x82]))).toBe(2);
    expect(Buffer.isBuffer(getString(db, 'b'))).toBe(true);
    expect(appendString(db, 'b', Buffer.from([0xac]))).toBe(3);
    expect(getString(db, 'b')).toBe('€');
    expect(appendString(db, 'e', '')).toBe(0);
    expect(getString(db, 'e')).toBe('');
    db.set('l', fakeList);
    expect(errorOf(() => appendString(db, 'l', 'x'))).toBe(WRONGTYPE);
    expect(errorOf(() => strlenString(db, 'l'))).toBe(WRONGTYPE);
    expect(strlenString(db, 'none')).toBe(0);
  });

  it('APPEND keeps the TTL; a later SET clears the raw mark', () => {
    const { db } = setup();
    setString(db, 'k', 'a', 0, T0 + 1000);
    appendString(db, 'k', 'b');
    expect(db.getExpire('k')).toBe(T0 + 1000);
    expect(db.encodingHint('k') === 'raw').toBe(true);
    setString(db, 'k', 'c');
    expect(db.encodingHint('k') === 'raw').toBe(false);
  });

  it('APPEND joins JS strings byte-exactly across a surrogate seam', () => {
    const { db } = setup();
    setString(db, 'k', 'a\uD83D');
    appendString(db, 'k', '\uDE00');
    // Each lone surrogate is 3 bytes (EF BF BD) as UTF-8, so the result is not the pair '😀'.
    expect(strlenString(db, 'k')).toBe(7);
  });

  it('GETRANGE slices bytes with Redis index rules', () => {
    const { db } = setup();
    setString(db, 'k', 'Hello');
    expect(getRangeString(db, 'k', 0, -1)).toBe('Hello');
    expect(getRangeString(db, 'k', -3, -2)).toBe('ll');
    expect(getRangeString(db, 'k', -1, -5)).toBe('');
    expect(getRangeString(db, 'k', 3, 100)).toBe('lo');
    expect(getRangeString(db, 'k', -100, 0)).toBe('H');
    expect(getRangeString(db, 'none', 0, -1)).toBe('');
    setString(db, 'u', 'ü日');
    expect(getRangeString(db, 'u', 2, 4)).toBe('日');
    expect(getRangeString(db, 'u', 0, 0)).toEqual(Buffer.from([0xc3]));
  });

  it('SETRANGE pads, creates raw values and checks limits', () => {
    const { db, engine, events } = setup();
    allEvents(engine);
    expect(setRangeString(db, 'k', 0, '')).toBe(0);
    expect(db.has('k')).toBe(false);
    expect(setRangeString(db, 'k', 3, 'ab')).toBe(5);
    expect(getString(db, 'k')).toBe('\0\0\0ab');
    expect(db.encodingHint('k') === 'raw').toBe(true);
    expect(setRangeString(db, 'k', 1, 'Z')).toBe(5);
    expect(getString(db, 'k')).toBe('\0Z\0ab');
    expect(setRangeString(db, 'k', 100, '')).toBe(5);
    expect(events.filter((e) => !e.startsWith('keymiss'))).toEqual(['new:k', 'setrange:k', 'setrange:k']);
    expect(errorOf(() => setRangeString(db, 'k', -1, 'x'))).toBe('ERR offset is out of range');
    expect(errorOf(() => setRangeString(db, 'k', PROTO_MAX_BULK_LEN, 'x'))).toBe(
      'ERR string exceeds maximum allowed size (proto-max-bulk-len)',
    );
    db.set('l', fakeList);
    expect(errorOf(() => setRangeString(db, 'l', 0, ''))).toBe(WRONGTYPE);
    expect(errorOf(() => setRangeString(db, 'l', -1, 'x'))).toBe('ERR offset is out of range');
  });

  it('GETRANGE agrees with a byte-slice model', () => {
    const { db } = setup();
    fc.assert(
      fc.property(
        fc.string({ maxLength: 12 }),
        fc.integer({ min: -20, max: 20 }),
        fc.integer({ min: -20, max: 20 }),
        (s, a, b) => {
          setString(db, 'p', s);
          const bytes = Buffer.from(s);
          const len = bytes.length;
          let start = a;
          let end = b;
          let expected: Buffer;
          if (a < 0 && b < 0 && a > b) expected = Buffer.alloc(0);
          else {
            if (start < 0) start = Math.max(0, len + start);
            if (end < 0) end = Math.max(0, len + end);
            if (end >= len) end = len - 1;
            expected = start > end || len === 0 ? Buffer.alloc(0) : bytes.subarray(start, end + 1);
          }
          const got = getRangeString(db, 'p', a, b);
          expect(Buffer.from(got as string | Buffer).equals(expected)).toBe(true);
        },
      ),
    );
  });
});

describe('incr / decr', () => {
  it('adds exactly over int64 with overflow errors', () => {
    const { db } = setup();
    expect(incrBy(db, 'k', 1)).toBe(1);
    expect(incrBy(db, 'k', -5)).toBe(-4);
    expect(decrBy(db, 'k', 6)).toBe(-10);
    setString(db, 'k', '9007199254740991');
    expect(incrBy(db, 'k', 1)).toBe(9007199254740992n);
    expect(getString(db, 'k')).toBe('9007199254740992');
    expect(incrBy(db, 'k', -2)).toBe(9007199254740990);
    setString(db, 'k', '9223372036854775807');
    expect(errorOf(() => incrBy(db, 'k', 1))).toBe('ERR increment or decrement would overflow');
    expect(incrBy(db, 'k', -9223372036854775808n)).toBe(-1);
    expect(errorOf(() => decrBy(db, 'k', -9223372036854775808n))).toBe('ERR decrement would overflow');
    setString(db, 'k', '-9223372036854775808');
    expect(errorOf(() => incrBy(db, 'k', -1))).toBe('ERR increment or decrement would overflow');
    expect(decrBy(db, 'k', -9223372036854775807n)).toBe(-1);
  });

  it('rejects non-integers and other types', () => {
    const { db } = setup();
    for (const bad of [' 1', '1 ', '01', '-0', '1.0', '', '99999999999999999999', '+1']) {
      setString(db, 'k', bad);
      expect(errorOf(() => incrBy(db, 'k', 1))).toBe('ERR value is not an integer or out of range');
    }
    db.set('l', fakeList);
    expect(errorOf(() => incrBy(db, 'l', 1))).toBe(WRONGTYPE);
    expect(errorOf(() => decrBy(db, 'l', -9223372036854775808n))).toBe('ERR decrement would overflow');
  });

  it('keeps the TTL and notifies incrby', () => {
    const { db, engine, events } = setup();
    setString(db, 'k', '1', 0, T0 + 1000);
    allEvents(engine);
    incrBy(db, 'k', 1);
    incrBy(db, 'n', 1);
    expect(db.getExpire('k')).toBe(T0 + 1000);
    expect(events).toEqual(['incrby:k', 'new:n', 'incrby:n']);
  });

  it('agrees with BigInt arithmetic', () => {
    const { db } = setup();
    const i64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    fc.assert(
      fc.property(i64, i64, (a, b) => {
        setString(db, 'p', a.toString());
        const sum = a + b;
        if (sum > 2n ** 63n - 1n || sum < -(2n ** 63n)) {
          expect(errorOf(() => incrBy(db, 'p', b))).toBe('ERR increment or decrement would overflow');
        } else {
          const r = incrBy(
            db,
            'p',
            Number.isSafeInteger(Number(b)) && BigInt(Number(b)) === b ? Number(b) : b,
          );
          expect(BigInt(r)).toBe(sum);
          expect(getString(db, 'p')).toBe(sum.toString());
        }
      }),
    );
  });
});

describe('incrbyfloat', () => {
  it('adds in long double and prints as Redis', () => {
    const { db, engine, events } = setup();
    allEvents(engine);
    expect(incrByFloat(db, 'k', '0.1')).toBe('0.1');
    expect(incrByFloat(db, 'k', '0.2')).toBe('0.3');
    expect(incrByFloat(db, 'k', 2.5)).toBe('2.8');
    expect(getString(db, 'k')).toBe('2.8');
    expect(events).toEqual(['new:k', 'incrbyfloat:k', 'incrbyfloat:k', 'incrbyfloat:k']);
    setString(db, 'k', '1e3');
    expect(incrByFloat(db, 'k', '0')).toBe('1000');
    expect(incrByFloat(db, 'k', '-1000.000000000000000001')).toBe('0');
    expect(errorOf(() => incrByFloat(db, 'k', 'inf'))).toBe('ERR increment would produce NaN or Infinity');
    expect(errorOf(() => incrByFloat(db, 'k', 'abc'))).toBe('ERR value is not a valid float');
    db.set('l', fakeList);
    expect(errorOf(() => incrByFloat(db, 'l', 'abc'))).toBe(WRONGTYPE);
  });
});

describe('lcs', () => {
  it('finds the subsequence, its length and ranges', () => {
    const { db } = setup();
    setString(db, 'a', 'ohmytext');
    setString(db, 'b', 'mynewtext');
    const [a, b] = lcsOperands(db, 'a', 'b');
    expect(computeLcs(a, b, LcsMode.TEXT).text).toBe('mytext');
    expect(computeLcs(a, b, LcsMode.LEN).len).toBe(6);
    const idx = computeLcs(a, b, LcsMode.IDX);
    expect(idx.matches).toEqual([
      { a: [4, 7], b: [5, 8], len: 4 },
      { a: [2, 3], b: [0, 1], len: 2 },
    ]);
    expect(computeLcs(a, b, LcsMode.IDX, 3).matches).toEqual([{ a: [4, 7], b: [5, 8], len: 4 }]);
    const [x, y] = lcsOperands(db, 'none', 'none2');
    expect(computeLcs(x, y, LcsMode.TEXT).text).toBe('');
    db.set('l', fakeList);
    expect(errorOf(() => lcsOperands(db, 'a', 'l'))).toBe(
      'ERR The specified keys must contain string values',
    );
  });

  it('refuses tables over proto-max-bulk-len', () => {
    const big = Buffer.alloc(12000, 97);
    expect(errorOf(() => computeLcs(big, big, LcsMode.LEN))).toBe(
      'ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len',
    );
  });

  it('has the length of a reference LCS', () => {
    const lcsLen = (a: string, b: string): number => {
      const t = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
      for (let i = 1; i <= a.length; i++)
        for (let j = 1; j <= b.length; j++)
          t[i][j] = a[i - 1] === b[j - 1] ? t[i - 1][j - 1] + 1 : Math.max(t[i - 1][j], t[i][j - 1]);
      return t[a.length][b.length];
    };
    const s = fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 15 });
    fc.assert(
      fc.property(s, s, (a, b) => {
        const r = computeLcs(Buffer.from(a), Buffer.from(b), LcsMode.IDX, 0);
        expect(r.len).toBe(lcsLen(a, b));
        const text = computeLcs(Buffer.from(a), Buffer.from(b), LcsMode.TEXT).text as string;
        expect(text.length).toBe(r.len);
        // The matches cover exactly the LCS bytes.
        expect(r.matches!.reduce((n, m) => n + m.len, 0)).toBe(r.len);
      }),
    );
  });
});

describe('notifications and signals', () => {
  it('emits exactly the events Redis emits', () => {
    const { db, engine, events } = setup();
    allEvents(engine);
    setString(db, 'a', '1');
    setString(db, 'a', '2');
    setString(db, 'b', '1', 0, T0 + 1000);
    setString(db, 'b', '2', StringFlag.NX);
    setStringGet(db, 'c', 'x');
    appendString(db, 'c', 'y');
    appendString(db, 'c', '');
    expect(events).toEqual([
      'new:a',
      'set:a',
      'set:a',
      'new:b',
      'set:b',
      'expire:b',
      'keymiss:c',
      'new:c',
      'set:c',
      'append:c',
      'append:c',
    ]);
  });

  it('emits nothing and allocates no event work when notifications are off', () => {
    const { db, events } = setup();
    setString(db, 'a', '1');
    incrBy(db, 'a', 1);
    appendString(db, 'a', 'x');
    expect(events).toEqual([]);
  });

  it('signals key modification on every write', () => {
    const { db, modified } = setup();
    setString(db, 'a', '1');
    incrBy(db, 'a', 1);
    appendString(db, 'a', '2');
    setRangeString(db, 'a', 0, 'x');
    incrByFloat(db, 'b', '1');
    getDelString(db, 'b');
    expect(modified).toEqual(['a', 'a', 'a', 'a', 'b', 'b']);
  });

  it('counts hits and misses for reads only', () => {
    const { db, engine } = setup();
    getString(db, 'x');
    setString(db, 'x', '1');
    getString(db, 'x');
    incrBy(db, 'x', 1);
    expect(engine.stats.keyspaceHits).toBe(1);
    expect(engine.stats.keyspaceMisses).toBe(1);
  });
});

describe('long double', () => {
  const fmt = (s: string) => formatLongDoubleHuman(parseLongDouble(s)!);

  it('parses as strtold and string2ld', () => {
    expect(fmt('1.5')).toBe('1.5');
    expect(fmt('-0')).toBe('0');
    expect(fmt('+.5e1')).toBe('5');
    expect(fmt('0x1p-2')).toBe('0.25');
    expect(fmt('0X1.8P1')).toBe('3');
    expect(fmt('1.')).toBe('1');
    expect(fmt('00012')).toBe('12');
    for (const bad of [
      '',
      ' 1',
      '1 ',
      'nan',
      '-nan',
      '1e',
      '0x',
      '0x1p',
      '.',
      '+',
      'infin',
      '1e5000',
      '1e-5000',
      'abc',
      '1\u00002',
    ]) {
      expect(parseLongDouble(bad), bad).toBeUndefined();
    }
    expect(isFiniteLongDouble(parseLongDouble('inf')!)).toBe(false);
    expect(isFiniteLongDouble(parseLongDouble('-Infinity')!)).toBe(false);
    expect(parseLongDouble('0e99999999999999999999')).toBeDefined();
    expect(parseLongDouble(`1.${'0'.repeat(5117)}`)).toBeDefined();
    expect(parseLongDouble(`1.${'0'.repeat(5118)}`)).toBeUndefined();
  });

  it('rounds to 64-bit significands, half to even', () => {
    // 2^64 + 1 is not representable: it rounds to 2^64; 2^64 + 3 rounds up to 2^64 + 4.
    expect(fmt('18446744073709551617')).toBe('18446744073709551616');
    expect(fmt('36893488147419103235')).toBe('36893488147419103236');
    expect(fmt('9223372036854775807')).toBe('9223372036854775807');
  });

  it('prints %.17Lf, half to even, then strips zeros', () => {
    expect(fmt('0.000003814697265625')).toBe('0.00000381469726562');
    expect(fmt('0.000011444091796875')).toBe('0.00001144409179688');
    expect(fmt('1e-18')).toBe('0');
    expect(fmt('-1e-18')).toBe('0');
    expect(fmt('1e20')).toBe('100000000000000000000');
    expect(fmt('0.1')).toBe('0.1');
  });

  it('adds with one rounding', () => {
    const add = (a: string, b: string) =>
      formatLongDoubleHuman(addLongDouble(parseLongDouble(a)!, parseLongDouble(b)!));
    expect(add('0.1', '0.2')).toBe('0.3');
    expect(add('1e18', '1')).toBe('1000000000000000001');
    expect(add('1e30', '1')).toBe('1000000000000000000024696061952');
    expect(add('1e300', '-1e300')).toBe('0');
    expect(add('1e4000', '1e-4000')).toBe(fmt('1e4000'));
    expect(isFiniteLongDouble(addLongDouble(parseLongDouble('1e4932')!, parseLongDouble('1e4932')!))).toBe(
      false,
    );
    expect(formatLongDoubleHuman(addLongDouble(parseLongDouble('inf')!, parseLongDouble('-inf')!))).toBe(
      'nan',
    );
  });

  it('converts doubles exactly', () => {
    expect(formatLongDoubleHuman(longDoubleFromNumber(0.1))).toBe('0.10000000000000001');
    expect(formatLongDoubleHuman(longDoubleFromNumber(-2.5))).toBe('-2.5');
    expect(formatLongDoubleHuman(longDoubleFromNumber(2 ** 70))).toBe('1180591620717411303424');
    expect(formatLongDoubleHuman(longDoubleFromNumber(5e-324))).toBe('0');
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (d) => {
        const ld = longDoubleFromNumber(d);
        // Exactness: m × 2^e equals the double.
        const abs = ld.e >= 0 ? Number(ld.m) * 2 ** ld.e : Number(ld.m) * 2 ** (ld.e + 600) * 2 ** -600;
        const v = ld.neg ? -abs : abs;
        expect(v).toBe(d === 0 ? v : d);
      }),
    );
  });

  it('INCRBYFLOAT text arithmetic', () => {
    expect(incrByFloatText(undefined, '1.5')).toBe('1.5');
    expect(incrByFloatText('10', '-0.25')).toBe('9.75');
    expect(errorOf(() => incrByFloatText('x', '1'))).toBe('ERR value is not a valid float');
    expect(errorOf(() => incrByFloatText('1', Number.NaN))).toBe('ERR value is not a valid float');
    expect(errorOf(() => incrByFloatText('inf', '1'))).toBe('ERR increment would produce NaN or Infinity');
  });
});
