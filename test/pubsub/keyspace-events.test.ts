import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { NOTIFY_ALL, Notify } from '../../src/engine/notify.js';
import {
  formatKeyspaceEvents,
  getNotifyKeyspaceEvents,
  INVALID_EVENT_CLASS,
  parseKeyspaceEvents,
  setNotifyKeyspaceEvents,
} from '../../src/pubsub/keyspace-events.js';
import { pubsubOf, type Subscriber } from '../../src/pubsub/registry.js';
import type { Arg } from '../../src/util/bytes.js';
import { toKey } from '../../src/util/bytes.js';

describe('notify-keyspace-events flags', () => {
  it('parses each class letter', () => {
    expect(parseKeyspaceEvents('')).toBe(0);
    expect(parseKeyspaceEvents('K')).toBe(Notify.keyspace);
    expect(parseKeyspaceEvents('E')).toBe(Notify.keyevent);
    expect(parseKeyspaceEvents('g$lshzxetmdn')).toBe(
      Notify.generic |
        Notify.string |
        Notify.list |
        Notify.set |
        Notify.hash |
        Notify.zset |
        Notify.expired |
        Notify.evicted |
        Notify.stream |
        Notify.keyMiss |
        Notify.module |
        Notify.newKey,
    );
    expect(parseKeyspaceEvents('A')).toBe(NOTIFY_ALL);
    expect(parseKeyspaceEvents('AKE') & Notify.keyMiss).toBe(0);
  });

  it('rejects unknown letters, and stops at a NUL byte as C does', () => {
    expect(parseKeyspaceEvents('Kq')).toBe(-1);
    expect(parseKeyspaceEvents('a')).toBe(-1);
    expect(parseKeyspaceEvents(' ')).toBe(-1);
    expect(parseKeyspaceEvents('K\0q')).toBe(Notify.keyspace);
    expect(parseKeyspaceEvents(Buffer.from('E\0zz'))).toBe(Notify.keyevent);
  });

  it('formats as Redis 7.0 does (A hides n)', () => {
    expect(formatKeyspaceEvents(parseKeyspaceEvents('KEA'))).toBe('AKE');
    expect(formatKeyspaceEvents(parseKeyspaceEvents('AKEn'))).toBe('AKE');
    expect(formatKeyspaceEvents(parseKeyspaceEvents('Kmn'))).toBe('nKm');
    expect(formatKeyspaceEvents(parseKeyspaceEvents('ExK$'))).toBe('$xKE');
    expect(formatKeyspaceEvents(parseKeyspaceEvents('dtezhsl$g'))).toBe('g$lshzetd');
    expect(formatKeyspaceEvents(0)).toBe('');
  });

  test.prop([fc.stringMatching(/^[g$lshzxetmdnKEA]*$/)])('format then parse is stable', (classes) => {
    const flags = parseKeyspaceEvents(classes);
    const text = formatKeyspaceEvents(flags);
    expect(formatKeyspaceEvents(parseKeyspaceEvents(text))).toBe(text);
    // Only `n` under `A` is lost in the rendering.
    expect(parseKeyspaceEvents(text) | (flags & Notify.newKey)).toBe(flags);
  });

  it('sets and gets on an engine; a bad string changes nothing', () => {
    const e = new Engine({ activeExpiry: false });
    setNotifyKeyspaceEvents(e, 'KEA');
    expect(getNotifyKeyspaceEvents(e)).toBe('AKE');
    expect(() => setNotifyKeyspaceEvents(e, 'Kx!')).toThrow(RangeError);
    expect(() => setNotifyKeyspaceEvents(e, 'Kx!')).toThrow(INVALID_EVENT_CLASS);
    expect(getNotifyKeyspaceEvents(e)).toBe('AKE');
    setNotifyKeyspaceEvents(e, '');
    expect(e.notifyFlags).toBe(0);
  });
});

describe('keyspace notification bridge', () => {
  function listen(e: Engine, pattern: string): string[] {
    const got: string[] = [];
    const show = (a: Arg) => (typeof a === 'string' ? a : `<${a.toString('hex')}>`);
    const sub: Subscriber = {
      channels: new Set(),
      patterns: new Set(),
      shardChannels: new Set(),
      message: (ch, m) => got.push(`${show(ch)} ${show(m)}`),
      pmessage: (_p, ch, m) => got.push(`${ch.startsWith('\uD800') ? `<bin>${ch.slice(1)}` : ch} ${show(m)}`),
      smessage: () => {},
    };
    pubsubOf(e).psubscribe(sub, pattern);
    return got;
  }

  it('publishes __keyspace@db__:key → event and __keyevent@db__:event → key', () => {
    const e = new Engine({ activeExpiry: false });
    const got = listen(e, '__key*');
    setNotifyKeyspaceEvents(e, 'KEA');
    e.notify(Notify.string, 'set', 'k', 0);
    e.notify(Notify.generic, 'del', 'k', 5);
    expect(got).toEqual([
      '__keyspace@0__:k set',
      '__keyevent@0__:set k',
      '__keyspace@5__:k del',
      '__keyevent@5__:del k',
    ]);
  });

  it('K or E alone publishes only that channel; disabled classes publish nothing', () => {
    const e = new Engine({ activeExpiry: false });
    const got = listen(e, '*');
    setNotifyKeyspaceEvents(e, 'K$');
    e.notify(Notify.string, 'set', 'a', 0);
    e.notify(Notify.list, 'lpush', 'b', 0);
    setNotifyKeyspaceEvents(e, 'El');
    e.notify(Notify.string, 'set', 'a', 0);
    e.notify(Notify.list, 'lpush', 'b', 0);
    setNotifyKeyspaceEvents(e, 'A');
    e.notify(Notify.string, 'set', 'a', 0);
    expect(got).toEqual(['__keyspace@0__:a set', '__keyevent@0__:lpush b']);
  });

  it('keeps the bytes of a binary key in both channels', () => {
    const e = new Engine({ activeExpiry: false });
    const got = listen(e, '*');
    setNotifyKeyspaceEvents(e, 'KEg');
    const key = toKey(Buffer.from([0xff, 0x00, 0x41]));
    e.notify(Notify.generic, 'del', key, 0);
    expect(got).toEqual([
      `<bin>__keyspace@0__:${Buffer.from([0xff, 0x00, 0x41]).toString('latin1')} del`,
      '__keyevent@0__:del <ff0041>',
    ]);
  });

  it('commands run through the engine emit events', async () => {
    const { Cachee } = await import('../../src/client/cachee.js');
    const cache = new Cachee({ notifyKeyspaceEvents: 'KEA', activeExpiry: false });
    const got = listen(cache.engine, '__keyevent@0__:*');
    cache.set('k', 'v');
    cache.call('expire', 'k', 100);
    cache.call('del', 'k');
    cache.lpush('l', 'x');
    expect(got).toEqual([
      '__keyevent@0__:set k',
      '__keyevent@0__:expire k',
      '__keyevent@0__:del k',
      '__keyevent@0__:lpush l',
    ]);
  });
});
