import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Cachee } from '../../src/client/cachee.js';
import { ManualClock } from '../../src/engine/clock.js';
import { Engine } from '../../src/engine/engine.js';
import { NOTIFY_ALL, Notify } from '../../src/engine/notify.js';
import type { RedisObject } from '../../src/engine/value.js';
import { ReplyError } from '../../src/errors.js';
import {
  bitCount,
  bitField,
  bitOp,
  bitPos,
  bytesOf,
  clearBitmapMemo,
  countBits,
  findBit,
  getBit,
  MAX_BIT_OFFSET,
  setBit,
} from '../../src/types/bitmap.js';

function setup() {
  const engine = new Engine({ clock: new ManualClock(), activeExpiry: false });
  const db = engine.dbs[0];
  const cache = new Cachee({ engine });
  return { engine, db, cache };
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

/** Naive references, one bit at a time. */
function bitAt(buf: Buffer, i: number): number {
  const byte = Math.floor(i / 8);
  return byte < buf.length ? (buf[byte] >> (7 - (i % 8))) & 1 : 0;
}

describe('bitmap commands through Cachee.call', () => {
  it('SETBIT / GETBIT', () => {
    const { cache } = setup();
    expect(cache.call('setbit', 'k', 7, 1)).toBe(0);
    expect(cache.call('setbit', 'k', 7, 1)).toBe(1);
    expect(cache.call('getbit', 'k', 7)).toBe(1);
    expect(cache.call('getbit', 'k', 6)).toBe(0);
    expect(cache.call('getbit', 'k', 1000)).toBe(0);
    expect(cache.call('getbit', 'nokey', 0)).toBe(0);
    expect(cache.call('get', 'k')).toBe('\x01');
    expect(() => cache.call('setbit', 'k', 4294967296, 1)).toThrow(
      'ERR bit offset is not an integer or out of range',
    );
    expect(() => cache.call('setbit', 'k', -1, 1)).toThrow(
      'ERR bit offset is not an integer or out of range',
    );
    expect(() => cache.call('setbit', 'k', 0, 2)).toThrow('ERR bit is not an integer or out of range');
    expect(() => cache.call('setbit', 'k', 0, 'x')).toThrow('ERR bit is not an integer or out of range');
    expect(() => cache.call('getbit', 'k', 'x')).toThrow('ERR bit offset is not an integer or out of range');
    expect(() => cache.call('setbit', 'k', 1)).toThrow("ERR wrong number of arguments for 'setbit' command");
    expect(cache.call('getbit', 'k', MAX_BIT_OFFSET)).toBe(0);
  });

  it('BITCOUNT and BITPOS', () => {
    const { cache } = setup();
    cache.call('bitfield', 'k', 'set', 'u8', '#0', 0x00, 'set', 'u8', '#1', 0xff, 'set', 'u8', '#2', 0xf0);
    expect(cache.call('bitcount', 'k')).toBe(12);
    expect(cache.call('bitcount', 'k', 1, 1)).toBe(8);
    expect(cache.call('bitcount', 'k', -1, -1)).toBe(4);
    expect(cache.call('bitcount', 'k', 4, 11, 'BIT')).toBe(4);
    expect(cache.call('bitcount', 'k', -1, -5)).toBe(0);
    expect(cache.call('bitcount', 'nokey', 'a', 'b')).toBe(0);
    expect(() => cache.call('bitcount', 'k', 0)).toThrow('ERR syntax error');
    expect(() => cache.call('bitcount', 'k', 0, -1, 'bits')).toThrow('ERR syntax error');
    expect(() => cache.call('bitcount', 'k', 'a', -1)).toThrow('ERR value is not an integer or out of range');
    expect(cache.call('bitpos', 'k', 1)).toBe(8);
    expect(cache.call('bitpos', 'k', 0)).toBe(0);
    expect(cache.call('bitpos', 'k', 0, 1)).toBe(20);
    expect(cache.call('bitpos', 'k', 0, 1, 1)).toBe(-1);
    expect(cache.call('bitpos', 'k', 1, 2, -1)).toBe(16);
    expect(cache.call('bitpos', 'k', 1, 3, 7, 'bit')).toBe(-1);
    expect(cache.call('bitpos', 'k', 0, 8, 15, 'bit')).toBe(-1);
    expect(cache.call('bitpos', 'nokey', 0)).toBe(0);
    expect(cache.call('bitpos', 'nokey', 1)).toBe(-1);
    expect(() => cache.call('bitpos', 'k', 2)).toThrow('ERR The bit argument must be 1 or 0.');
    expect(() => cache.call('bitpos', 'k', 'x')).toThrow('ERR value is not an integer or out of range');
    expect(() => cache.call('bitpos', 'k', 1, 0, 1, 'x')).toThrow('ERR syntax error');
  });

  it('BITOP', () => {
    const { cache } = setup();
    cache.call('bitfield', 'a', 'set', 'u16', 0, 0xff0f);
    cache.call('bitfield', 'b', 'set', 'u8', 0, 0xf0);
    expect(cache.call('bitop', 'and', 'd', 'a', 'b')).toBe(2);
    expect(Buffer.from(cache.call('get', 'd') as Buffer)).toEqual(Buffer.from([0xf0, 0x00]));
    expect(cache.call('bitop', 'or', 'd', 'a', 'b')).toBe(2);
    expect(Buffer.from(cache.call('get', 'd') as Buffer)).toEqual(Buffer.from([0xff, 0x0f]));
    expect(cache.call('bitop', 'xor', 'd', 'a', 'b')).toBe(2);
    expect(cache.call('get', 'd')).toBe('\x0f\x0f');
    expect(cache.call('bitop', 'not', 'd', 'a')).toBe(2);
    expect(Buffer.from(cache.call('get', 'd') as Buffer)).toEqual(Buffer.from([0x00, 0xf0]));
    expect(cache.call('bitop', 'or', 'd', 'nokey')).toBe(0);
    expect(cache.call('get', 'd')).toBe(null);
    expect(() => cache.call('bitop', 'not', 'd', 'a', 'b')).toThrow(
      'ERR BITOP NOT must be called with a single source key.',
    );
    expect(() => cache.call('bitop', 'nand', 'd', 'a')).toThrow('ERR syntax error');
  });

  it('BITFIELD and BITFIELD_RO', () => {
    const { cache } = setup();
    expect(cache.call('bitfield', 'k', 'set', 'i8', 0, 100, 'incrby', 'i8', 0, 100, 'get', 'u8', 0)).toEqual([
      0, -56, 200,
    ]);
    expect(cache.call('bitfield', 'k', 'overflow', 'fail', 'incrby', 'u8', 0, 100)).toEqual([null]);
    expect(cache.call('bitfield', 'k', 'overflow', 'sat', 'incrby', 'u8', 0, 100)).toEqual([255]);
    // Integers beyond 2^53 come back as decimal strings, as ioredis would give them.
    expect(cache.call('bitfield', 'w', 'set', 'i64', 0, '-9223372036854775808', 'get', 'i64', 0)).toEqual([
      0,
      '-9223372036854775808',
    ]);
    expect(cache.call('bitfield_ro', 'k', 'get', 'u8', 0)).toEqual([255]);
    expect(() => cache.call('bitfield_ro', 'k', 'set', 'u8', 0, 1)).toThrow(
      'ERR BITFIELD_RO only supports the GET subcommand',
    );
    expect(() => cache.call('bitfield', 'k', 'get', 'u64', 0)).toThrow(
      'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.',
    );
    expect(() => cache.call('bitfield', 'k', 'overflow', 'x')).toThrow('ERR Invalid OVERFLOW type specified');
    expect(() => cache.call('bitfield', 'k', 'get', 'u8')).toThrow('ERR syntax error');
    expect(() => cache.call('bitfield', 'k', 'get', 'u8', '#-1')).toThrow(
      'ERR bit offset is not an integer or out of range',
    );
    expect(() => cache.call('bitfield', 'k', 'set', 'u8', 0, 'x')).toThrow(
      'ERR value is not an integer or out of range',
    );
    expect(cache.call('bitfield', 'k')).toEqual([]);
  });

  it('WRONGTYPE for aggregates', () => {
    const { cache, db } = setup();
    db.set('l', fakeList);
    const wrong = 'WRONGTYPE Operation against a key holding the wrong kind of value';
    expect(() => cache.call('setbit', 'l', 0, 1)).toThrow(wrong);
    expect(() => cache.call('getbit', 'l', 0)).toThrow(wrong);
    expect(() => cache.call('bitcount', 'l')).toThrow(wrong);
    expect(() => cache.call('bitcount', 'l', 'x')).toThrow(wrong);
    expect(() => cache.call('bitpos', 'l', 1)).toThrow(wrong);
    expect(() => cache.call('bitop', 'and', 'd', 'l')).toThrow(wrong);
    expect(() => cache.call('bitfield', 'l', 'get', 'u8', 0)).toThrow(wrong);
    expect(() => cache.call('bitfield', 'l')).toThrow(wrong);
    expect(() => cache.call('bitfield_ro', 'l', 'set', 'u8', 0, 1)).toThrow('ERR BITFIELD_RO');
    // BITOP overwrites a destination of any type.
    expect(cache.call('bitop', 'not', 'l', 'nokey')).toBe(0);
    expect(db.has('l')).toBe(false);
  });
});

describe('bitmap ops', () => {
  it('store valid UTF-8 results as strings and other bytes as Buffers', () => {
    const { db } = setup();
    setBit(db, 'k', 1, 1);
    expect(db.data.get('k')).toBe('@');
    setBit(db, 'k', 0, 1);
    expect(db.data.get('k')).toEqual(Buffer.from([0xc0]));
    for (const bit of [6, 7, 8, 10, 12, 15]) setBit(db, 'k', bit, 1);
    expect(db.data.get('k')).toBe('é');
  });

  it('never mutate a stored Buffer or string the app may hold (copy-on-write)', () => {
    const { db } = setup();
    const appBuf = Buffer.from([0xff, 0x00, 0x80]);
    db.set('k', appBuf);
    db.set('k2', appBuf);
    setBit(db, 'k', 9, 1);
    bitField(db, 'k', [{ op: 'incrby', signed: false, bits: 8, offset: 16, value: 1, overflow: 'wrap' }]);
    expect(appBuf).toEqual(Buffer.from([0xff, 0x00, 0x80]));
    expect(db.data.get('k2')).toBe(appBuf);
    expect(db.data.get('k')).toEqual(Buffer.from([0xff, 0x40, 0x81]));

    // Long string values go through the private bytes memo; equal strings in other keys stay put.
    clearBitmapMemo();
    const long = 'a'.repeat(5000);
    db.set('s1', long);
    db.set('s2', long);
    expect(getBit(db, 's1', 1)).toBe(1); // memoizes the bytes of `long`
    setBit(db, 's1', 0, 1); // takes the memo buffer and mutates it
    expect(db.data.get('s2')).toBe(long);
    expect(getBit(db, 's2', 0)).toBe(0);
    expect(getBit(db, 's1', 0)).toBe(1);
    const s1 = db.data.get('s1') as Buffer;
    expect(Buffer.isBuffer(s1)).toBe(true); // 0xe1 followed by ASCII is not valid UTF-8
    setBit(db, 's1', 1, 0); // 0xa1...: still invalid, and s1's old Buffer must not change
    expect(s1[0]).toBe(0xe1);
    setBit(db, 's1', 0, 0); // 0x21 '!': valid again
    expect(db.data.get('s1')).toBe(`!${'a'.repeat(4999)}`);
    setBit(db, 's1', 3, 1); // mutates the memoized private buffer of the new string
    expect(db.data.get('s1')).toBe(`1${'a'.repeat(4999)}`);
    expect(getBit(db, 's1', 3)).toBe(1);
    expect(countBits(bytesOf(db.data.get('s1') as string))).toBe(3 + 3 * 4999);
  });

  it('mark written keys raw, keep the TTL on in-place writes and clear it on BITOP', () => {
    const { db, engine } = setup();
    setBit(db, 'k', 3, 1);
    expect(db.encodingHint('k') === 'raw').toBe(true);
    db.set('u', 'abc');
    setBit(db, 'u', 0, 0); // unchanged, but Redis unshares the value as raw
    expect(db.encodingHint('u') === 'raw').toBe(true);
    db.set('g', 'abc');
    bitField(db, 'g', [{ op: 'get', signed: false, bits: 8, offset: 0, value: 0, overflow: 'wrap' }]);
    expect(db.encodingHint('g') === 'raw').toBe(false);
    bitOp(db, 'or', 'd', ['g']);
    expect(db.encodingHint('d') === 'raw').toBe(true);

    const at = engine.clock.now() + 10_000;
    db.setExpire('k', at);
    setBit(db, 'k', 100, 1);
    expect(db.getExpire('k')).toBe(at);
    bitField(db, 'k', [{ op: 'set', signed: false, bits: 8, offset: 0, value: 7, overflow: 'wrap' }]);
    expect(db.getExpire('k')).toBe(at);
    db.setExpire('d', at);
    bitOp(db, 'not', 'd', ['k']);
    expect(db.getExpire('d')).toBe(undefined);
  });

  it("emit Redis 7.0's keyspace events and modification signals", () => {
    const { db, engine } = setup();
    const events: string[] = [];
    engine.onNotify((_type, event, key) => events.push(`${event}:${key}`));
    const touched: string[] = [];
    engine.onKeyModified((_db, key) => touched.push(key));
    engine.notifyFlags = NOTIFY_ALL | Notify.newKey | Notify.keyspace | Notify.keyevent;
    const field = (op: 'get' | 'set' | 'incrby', value: number, overflow: 'wrap' | 'fail' = 'wrap') => ({
      op,
      signed: false,
      bits: 8,
      offset: 0,
      value,
      overflow,
    });

    setBit(db, 'b', 7, 1);
    setBit(db, 'b', 7, 1); // unchanged: nothing
    bitField(db, 'b', [field('set', 1)]); // unchanged: nothing
    bitField(db, 'nb', [field('incrby', 300, 'fail')]); // creates the key, changes nothing
    bitField(db, 'b', [field('incrby', 1)]);
    bitField(db, 'b', [field('get', 0)]);
    bitOp(db, 'and', 'd', ['b', 'nokey']);
    bitOp(db, 'or', 'd', ['b']);
    bitOp(db, 'or', 'd2', ['nokey']); // nothing to delete: nothing
    bitOp(db, 'or', 'd', ['nokey']);
    setBit(db, 'e', 0, 0);
    expect(events).toEqual([
      'new:b',
      'setbit:b',
      'new:nb',
      'setbit:b',
      'new:d',
      'set:d',
      'set:d',
      'del:d',
      'new:e',
      'setbit:e',
    ]);
    expect(touched).toEqual(['b', 'nb', 'b', 'd', 'd', 'd', 'e']);
    expect(db.data.get('nb')).toBe('\0');
  });

  it('count hits and misses on reads', () => {
    const { db, engine } = setup();
    getBit(db, 'nokey', 1);
    bitCount(db, 'nokey');
    expect(engine.stats.keyspaceMisses).toBe(2);
    setBit(db, 'k', 1, 1);
    bitPos(db, 'k', 1);
    expect(engine.stats.keyspaceHits).toBe(1);
  });

  it('check offsets in the ops too', () => {
    const { db } = setup();
    expect(errorOf(() => setBit(db, 'k', MAX_BIT_OFFSET + 1, 1))).toBe(
      'ERR bit offset is not an integer or out of range',
    );
    expect(errorOf(() => getBit(db, 'k', -1))).toBe('ERR bit offset is not an integer or out of range');
    expect(getBit(db, 'k', MAX_BIT_OFFSET)).toBe(0);
  });

  it('BITFIELD integers are exact int64, bigint beyond 2^53', () => {
    const { db } = setup();
    const op = (o: string, bits: number, signed: boolean, value: number | bigint, overflow = 'wrap') => ({
      op: o as 'get' | 'set' | 'incrby',
      signed,
      bits,
      offset: 3,
      value,
      overflow: overflow as 'wrap' | 'sat' | 'fail',
    });
    expect(bitField(db, 'k', [op('set', 64, true, 2n ** 63n - 1n), op('incrby', 64, true, 1)])).toEqual([
      0,
      -(2n ** 63n),
    ]);
    expect(
      bitField(db, 'k', [op('incrby', 64, true, -1, 'sat'), op('incrby', 64, true, -1, 'fail')]),
    ).toEqual([-(2n ** 63n), null]);
    expect(bitField(db, 'k', [op('set', 63, false, -1), op('get', 63, false, 0)])).toEqual([
      2n ** 62n,
      2n ** 63n - 1n,
    ]);
    expect(bitField(db, 'k', [op('set', 63, false, -1, 'sat'), op('incrby', 63, false, 1, 'sat')])).toEqual([
      2n ** 63n - 1n,
      2n ** 63n - 1n,
    ]);
    expect(bitField(db, 'k', [op('set', 53, true, 5), op('get', 53, true, 0)])).toEqual([-1, 5]);
  });
});

describe('bitmap arithmetic against naive references', () => {
  // Short arrays, and long ones with runs of 0x00 / 0xff (the word-at-a-time paths), at any alignment.
  const bytes = fc.oneof(
    fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)),
    fc
      .tuple(
        fc.nat(7),
        fc.array(fc.oneof(fc.constantFrom(0, 0xff), fc.nat(255)), { minLength: 64, maxLength: 300 }),
      )
      .map(([skew, a]) => Buffer.from([...new Array(skew).fill(0), ...a]).subarray(skew)),
  );
  const index = fc.oneof(
    fc.integer({ min: -400, max: 400 }),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  );

  function normalize(len: number, start: number | bigint, end: number | bigint): [number, number] {
    const clampN = (v: number | bigint) =>
      typeof v === 'bigint' ? (v > 0n ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER) : v;
    let s = clampN(start);
    let e = clampN(end);
    if (s < 0) s = Math.max(0, len + s);
    if (e < 0) e = Math.max(0, len + e);
    if (e >= len) e = len - 1;
    return [s, e];
  }

  it('countBits', () => {
    fc.assert(
      fc.property(
        bytes,
        index,
        index,
        fc.constantFrom('byte', 'bit') as fc.Arbitrary<'byte' | 'bit'>,
        (b, s, e, u) => {
          const unitBits = u === 'bit' ? 1 : 8;
          let expected = 0;
          if (!(s < 0 && e < 0 && s > e)) {
            const [lo, hi] = normalize(u === 'bit' ? b.length * 8 : b.length, s, e);
            for (let i = lo * unitBits; i <= hi * unitBits + unitBits - 1 && lo <= hi; i++)
              expected += bitAt(b, i);
          }
          expect(countBits(b, s, e, u)).toBe(expected);
        },
      ),
    );
  });

  it('findBit', () => {
    fc.assert(
      fc.property(
        bytes,
        fc.constantFrom(0, 1) as fc.Arbitrary<0 | 1>,
        index,
        fc.option(index),
        fc.constantFrom('byte', 'bit') as fc.Arbitrary<'byte' | 'bit'>,
        (b, bit, s, eOpt, u) => {
          const unit = eOpt === null ? 'byte' : u;
          const unitBits = unit === 'bit' ? 1 : 8;
          const len = unit === 'bit' ? b.length * 8 : b.length;
          const [lo, hi] = normalize(len, s, eOpt ?? len - 1);
          let expected = -1;
          if (lo <= hi) {
            for (let i = lo * unitBits; i <= hi * unitBits + unitBits - 1; i++) {
              if (bitAt(b, i) === bit) {
                expected = i;
                break;
              }
            }
            if (expected === -1 && bit === 0 && eOpt === null) expected = (hi + 1) * 8;
          }
          expect(findBit(b, bit, s, eOpt ?? undefined, unit)).toBe(expected);
        },
      ),
    );
  });

  it('getBit on string values reads their UTF-8 bytes', () => {
    const { db } = setup();
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary', maxLength: 20 }), fc.string({ maxLength: 1500 })),
        fc.nat(200 * 8),
        (s, offset) => {
          db.set('s', s);
          expect(getBit(db, 's', offset)).toBe(bitAt(Buffer.from(s, 'utf8'), offset));
        },
      ),
    );
  });

  it('BITFIELD reads and writes fields bit by bit', () => {
    const { db } = setup();
    fc.assert(
      fc.property(
        bytes,
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 1, max: 64 }),
        fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
        (b, offset, bits, value) => {
          db.set('f', Buffer.from(b));
          const signed = bits === 64 || value < 0n;
          let expectedOld = 0n;
          for (let i = 0; i < bits; i++) expectedOld = (expectedOld << 1n) | BigInt(bitAt(b, offset + i));
          if (signed) expectedOld = BigInt.asIntN(bits, expectedOld);
          const [old, now] = bitField(db, 'f', [
            { op: 'set', signed, bits, offset, value, overflow: 'wrap' },
            { op: 'get', signed: false, bits, offset, value: 0, overflow: 'wrap' },
          ]);
          expect(BigInt(old!)).toBe(expectedOld);
          expect(BigInt(now!)).toBe(BigInt.asUintN(bits, value));
          const after = bytesOf(db.data.get('f') as string | Buffer);
          for (let i = 0; i < Math.max(b.length * 8, offset + bits); i++) {
            const inField = i >= offset && i < offset + bits;
            const want = inField
              ? Number((BigInt.asUintN(bits, value) >> BigInt(offset + bits - 1 - i)) & 1n)
              : bitAt(b, i);
            if (bitAt(after, i) !== want) throw new Error(`bit ${i}`);
          }
          expect(after.length).toBe(Math.max(b.length, Math.floor((offset + bits - 1) / 8) + 1));
        },
      ),
    );
  });
});
