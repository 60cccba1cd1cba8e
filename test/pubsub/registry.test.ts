import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { PubSub, peekPubSub, pubsubOf, type Subscriber } from '../../src/pubsub/registry.js';
import { type Arg, toKey } from '../../src/util/bytes.js';

/** A subscriber that records what it receives. */
function recorder(): Subscriber & { got: string[] } {
  const got: string[] = [];
  const show = (a: Arg) => (typeof a === 'string' ? a : `<${a.toString('hex')}>`);
  return {
    got,
    channels: new Set(),
    patterns: new Set(),
    shardChannels: new Set(),
    message: (ch, m) => got.push(`message ${ch} ${show(m)}`),
    pmessage: (p, ch, m) => got.push(`pmessage ${p} ${ch} ${show(m)}`),
    smessage: (ch, m) => got.push(`smessage ${ch} ${show(m)}`),
  };
}

describe('PubSub registry', () => {
  it('subscribes once per channel and counts receivers', () => {
    const ps = new PubSub();
    const a = recorder();
    const b = recorder();
    expect(ps.subscribe(a, 'ch')).toBe(true);
    expect(ps.subscribe(a, 'ch')).toBe(false);
    expect(ps.subscribe(b, 'ch')).toBe(true);
    expect(ps.numsub('ch')).toBe(2);
    expect(ps.publish('ch', 'hi')).toBe(2);
    expect(a.got).toEqual(['message ch hi']);
    expect(b.got).toEqual(['message ch hi']);
    expect(ps.publish('other', 'x')).toBe(0);
  });

  it('drops a channel entry with its last subscriber', () => {
    const ps = new PubSub();
    const a = recorder();
    ps.subscribe(a, 'ch');
    expect(ps.channelNames()).toEqual(['ch']);
    expect(ps.unsubscribe(a, 'ch')).toBe(true);
    expect(ps.unsubscribe(a, 'ch')).toBe(false);
    expect(ps.channelNames()).toEqual([]);
    expect(ps.channels.size).toBe(0);
    expect(a.channels.size).toBe(0);
    expect(ps.idle).toBe(true);
  });

  it('delivers channel messages first, then one pmessage per matching pattern and subscriber', () => {
    const ps = new PubSub();
    const a = recorder();
    ps.subscribe(a, 'news.tech');
    ps.psubscribe(a, 'news.*');
    ps.psubscribe(a, '*tech');
    ps.psubscribe(a, 'sport.*');
    expect(ps.publish('news.tech', 'm')).toBe(3);
    expect(a.got).toEqual([
      'message news.tech m',
      'pmessage news.* news.tech m',
      'pmessage *tech news.tech m',
    ]);
    expect(ps.patterns.size).toBe(3);
    expect(ps.punsubscribe(a, 'news.*')).toBe(true);
    expect(ps.punsubscribe(a, 'news.*')).toBe(false);
    expect(ps.patterns.size).toBe(2);
  });

  it('pattern `*` does not match the empty channel (stringmatchlen)', () => {
    const ps = new PubSub();
    const a = recorder();
    ps.psubscribe(a, '*');
    expect(ps.publish('', 'x')).toBe(0);
    expect(ps.publish('a', 'x')).toBe(1);
  });

  it('shard channels are separate and ignore patterns', () => {
    const ps = new PubSub();
    const a = recorder();
    ps.ssubscribe(a, 's');
    ps.psubscribe(a, '*');
    expect(ps.spublish('s', 'x')).toBe(1);
    expect(ps.publish('s', 'y')).toBe(1);
    expect(a.got).toEqual(['smessage s x', 'pmessage * s y']);
    expect(ps.numsub('s')).toBe(0);
    expect(ps.numsub('s', true)).toBe(1);
    expect(ps.channelNames(undefined, true)).toEqual(['s']);
    expect(ps.sunsubscribe(a, 's')).toBe(true);
    expect(ps.spublish('s', 'x')).toBe(0);
  });

  it('unsubscribeAll drops every kind of subscription', () => {
    const ps = new PubSub();
    const a = recorder();
    const b = recorder();
    ps.subscribe(a, 'c1');
    ps.subscribe(a, 'c2');
    ps.subscribe(b, 'c2');
    ps.psubscribe(a, 'p*');
    ps.ssubscribe(a, 's');
    ps.unsubscribeAll(a);
    expect([a.channels.size, a.patterns.size, a.shardChannels.size]).toEqual([0, 0, 0]);
    expect(ps.channelNames()).toEqual(['c2']);
    expect(ps.patterns.size).toBe(0);
    expect(ps.shardChannels.size).toBe(0);
  });

  it('lists channels matching a glob, binary channels included', () => {
    const ps = new PubSub();
    const a = recorder();
    const bin = toKey(Buffer.from([0xff, 0x61]));
    for (const ch of ['one', 'two', 'three', '', bin]) ps.subscribe(a, ch);
    expect(ps.channelNames('t*').sort()).toEqual(['three', 'two']);
    expect(ps.channelNames('*')).not.toContain('');
    expect(ps.channelNames()).toContain('');
    expect(ps.channelNames(Buffer.from([0xff, 0x2a]))).toEqual([bin]);
    expect(ps.publish(bin, Buffer.from([0x80]))).toBe(1);
    expect(a.got).toEqual([`message ${bin} <80>`]);
  });

  it('matches binary channels against patterns byte by byte', () => {
    const ps = new PubSub();
    const a = recorder();
    ps.psubscribe(a, toKey(Buffer.from([0xff, 0x3f])));
    expect(ps.publish(toKey(Buffer.from([0xff, 0xfe])), 'x')).toBe(1);
    expect(ps.publish(toKey(Buffer.from([0xfe, 0xfe])), 'x')).toBe(0);
  });

  it('one registry per engine, created lazily', () => {
    const e = new Engine({ activeExpiry: false });
    expect(peekPubSub(e)).toBeUndefined();
    const ps = pubsubOf(e);
    expect(pubsubOf(e)).toBe(ps);
    expect(peekPubSub(e)).toBe(ps);
    expect(pubsubOf(new Engine({ activeExpiry: false }))).not.toBe(ps);
  });
});
