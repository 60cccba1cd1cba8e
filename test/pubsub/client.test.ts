import diagnostics_channel from 'node:diagnostics_channel';
import { describe, expect, it } from 'vitest';
import { Cachee } from '../../src/client/cachee.js';
import { dispatch } from '../../src/commands/dispatch.js';
import { Session } from '../../src/commands/session.js';
import { Engine } from '../../src/engine/engine.js';
import { encodeToBuffer } from '../../src/protocol/encoder.js';
import type { Reply } from '../../src/protocol/reply.js';
import { type HandlerErrorEvent, PUBSUB_CHANNEL } from '../../src/pubsub/subscribers.js';
import type { Arg } from '../../src/util/bytes.js';

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('in-process handlers (Cachee.subscribe / psubscribe / ssubscribe)', () => {
  it('delivers after the publishing command, in a microtask, in order', async () => {
    const cache = new Cachee({ activeExpiry: false });
    const got: unknown[] = [];
    cache.subscribe('ch', (message, channel) => got.push([message, channel]));
    expect(cache.publish('ch', 'one')).toBe(1);
    expect(cache.publish('ch', 2)).toBe(1);
    expect(got).toEqual([]);
    await Promise.resolve();
    expect(got).toEqual([
      ['one', 'ch'],
      ['2', 'ch'],
    ]);
  });

  it('pattern handlers get the pattern too', async () => {
    const cache = new Cachee({ activeExpiry: false });
    const got: unknown[] = [];
    cache.psubscribe('news.*', (message, channel, pattern) => got.push([message, channel, pattern]));
    expect(cache.publish('news.tech', 'm')).toBe(1);
    expect(cache.publish('sport', 'm')).toBe(0);
    await tick();
    expect(got).toEqual([['m', 'news.tech', 'news.*']]);
  });

  it('shard handlers get SPUBLISH only', async () => {
    const cache = new Cachee({ activeExpiry: false });
    const got: unknown[] = [];
    cache.ssubscribe('s', (message, channel) => got.push([message, channel]));
    expect(cache.publish('s', 'not me')).toBe(0);
    expect(cache.spublish('s', 'me')).toBe(1);
    await tick();
    expect(got).toEqual([['me', 's']]);
  });

  it('the returned function unsubscribes, and drops messages still queued', async () => {
    const cache = new Cachee({ activeExpiry: false });
    const got: unknown[] = [];
    const off = cache.subscribe('ch', (m) => got.push(m));
    cache.publish('ch', 'queued');
    off();
    off();
    expect(cache.publish('ch', 'after')).toBe(0);
    await tick();
    expect(got).toEqual([]);
    expect(cache.pubsub('NUMSUB', 'ch')).toEqual(['ch', 0]);
  });

  it('each registration is one subscriber for PUBLISH and PUBSUB', async () => {
    const cache = new Cachee({ activeExpiry: false });
    const h = () => {};
    cache.subscribe('a', h);
    cache.subscribe('a', h);
    cache.psubscribe('a*', h);
    expect(cache.publish('a', 'x')).toBe(3);
    expect(cache.pubsub('NUMSUB', 'a', 'b')).toEqual(['a', 2, 'b', 0]);
    expect(cache.pubsub('NUMPAT')).toBe(1);
    expect(cache.pubsub('CHANNELS')).toEqual(['a']);
    expect(cache.unsubscribe('a')).toBe(1);
    expect(cache.punsubscribe()).toBe(0);
    expect(cache.pubsub('NUMPAT')).toBe(0);
    expect(cache.publish('a', 'x')).toBe(0);
    cache.ssubscribe('s1', h);
    cache.ssubscribe('s2', h);
    expect(cache.sunsubscribe('s1')).toBe(1);
    expect(cache.pubsub('SHARDCHANNELS')).toEqual(['s2']);
    expect(cache.sunsubscribe()).toBe(0);
  });

  it('handlers on one engine hear publishers on another handle of the same engine', async () => {
    const a = new Cachee({ activeExpiry: false });
    const b = new Cachee({ engine: a.engine });
    const got: unknown[] = [];
    a.subscribe('x', (m) => got.push(m));
    expect(b.publish('x', 'from b')).toBe(1);
    b.unsubscribe();
    await tick();
    expect(got).toEqual(['from b']);
  });

  it('a throwing handler harms neither the publisher nor other handlers; the error goes to diagnostics', async () => {
    const cache = new Cachee({ activeExpiry: false });
    const errors: HandlerErrorEvent[] = [];
    const onError = (e: unknown) => errors.push(e as HandlerErrorEvent);
    diagnostics_channel.subscribe(PUBSUB_CHANNEL, onError);
    try {
      const got: unknown[] = [];
      cache.subscribe('ch', () => {
        throw new Error('boom');
      });
      cache.psubscribe('c*', (m) => got.push(m));
      expect(cache.publish('ch', 'm')).toBe(2);
      await tick();
      expect(got).toEqual(['m']);
      expect(errors).toHaveLength(1);
      expect(errors[0].event).toBe('handler-error');
      expect(errors[0].channel).toBe('ch');
      expect((errors[0].error as Error).message).toBe('boom');
    } finally {
      diagnostics_channel.unsubscribe(PUBSUB_CHANNEL, onError);
    }
  });

  it('handlers may call back into the engine and publish again', async () => {
    const cache = new Cachee({ activeExpiry: false });
    const got: string[] = [];
    cache.subscribe('first', (m) => {
      cache.set('seen', m);
      cache.publish('second', `${m}!`);
    });
    cache.subscribe('second', (m) => got.push(m as string));
    cache.publish('first', 'hi');
    await tick();
    expect(cache.get('seen')).toBe('hi');
    expect(got).toEqual(['hi!']);
  });

  it('binary channels and messages keep their bytes', async () => {
    const cache = new Cachee({ activeExpiry: false });
    const ch = Buffer.from([0xff, 0x01]);
    const got: unknown[] = [];
    cache.subscribe(ch, (m, c) => got.push([m, c]));
    expect(cache.publish(ch, Buffer.from([0x80, 0x81]))).toBe(1);
    await tick();
    expect(got).toEqual([[Buffer.from([0x80, 0x81]), ch]]);
  });

  it('keyspace notifications reach handlers (notifyKeyspaceEvents option)', async () => {
    const cache = new Cachee({ activeExpiry: false, notifyKeyspaceEvents: 'KEA' });
    const events: unknown[] = [];
    cache.psubscribe('__keyevent@0__:*', (key, channel) => events.push([channel, key]));
    const space: unknown[] = [];
    cache.subscribe('__keyspace@0__:user:1', (event) => space.push(event));
    cache.set('user:1', 'x');
    cache.hset('h', 'f', 'v');
    cache.call('del', 'user:1');
    await tick();
    expect(events).toEqual([
      ['__keyevent@0__:set', 'user:1'],
      ['__keyevent@0__:hset', 'h'],
      ['__keyevent@0__:del', 'user:1'],
    ]);
    expect(space).toEqual(['set', 'del']);
  });

  it('rejects a bad notifyKeyspaceEvents option and a missing handler', () => {
    expect(() => new Cachee({ activeExpiry: false, notifyKeyspaceEvents: 'KEQ' })).toThrow(
      "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.",
    );
    const cache = new Cachee({ activeExpiry: false });
    expect(() => cache.subscribe('x', undefined as never)).toThrow(TypeError);
  });

  it('the in-process session cannot SUBSCRIBE through call (DENY BLOCKING, as Redis)', () => {
    const cache = new Cachee({ activeExpiry: false });
    expect(() => cache.call('subscribe', 'x')).toThrow(
      "ERR SUBSCRIBE isn't allowed for a DENY BLOCKING client",
    );
    expect(() => cache.call('psubscribe', 'x')).toThrow(
      "ERR PSUBSCRIBE isn't allowed for a DENY BLOCKING client",
    );
    expect(() => cache.call('ssubscribe', 'x')).toThrow(
      "ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client",
    );
    expect(cache.call('publish', 'x', 'y')).toBe(0);
  });
});

/** A session that records its push frames as RESP bytes. */
class PushSession extends Session {
  readonly pushes: string[] = [];
  constructor(engine: Engine) {
    super(engine, { requirepass: null }, 'tcp');
  }
  override deliver(reply: Reply): void {
    this.pushes.push(encodeToBuffer(reply, this.protocol).toString('latin1'));
  }
  run(...argv: Arg[]): string {
    return encodeToBuffer(dispatch(this, argv), this.protocol).toString('latin1');
  }
}

describe('Pub/Sub commands on a session', () => {
  it('SUBSCRIBE confirms with pushes and no reply; the gate and PING follow RESP2 rules', () => {
    const e = new Engine({ activeExpiry: false });
    const s = new PushSession(e);
    expect(s.run('SUBSCRIBE', 'a', 'b')).toBe('');
    expect(s.pushes).toEqual([
      '*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n',
      '*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n',
    ]);
    expect(s.subscribed).toBe(true);
    expect(s.run('PING')).toBe('*2\r\n$4\r\npong\r\n$0\r\n\r\n');
    expect(s.run('GET', 'x')).toBe(
      "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n",
    );
    expect(s.run('CLIENT', 'INFO')).toMatch(/^-ERR Can't execute 'client\|info'/);
    s.protocol = 3;
    expect(s.run('PING')).toBe('+PONG\r\n');
    expect(s.run('GET', 'x')).toBe('_\r\n');
    expect(s.run('CLIENT', 'INFO')).toContain(' flags=P db=0 sub=2 psub=0 ssub=0 ');
    s.pushes.length = 0;
    expect(s.run('UNSUBSCRIBE')).toBe('');
    expect(s.pushes).toEqual([
      '>3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:1\r\n',
      '>3\r\n$11\r\nunsubscribe\r\n$1\r\nb\r\n:0\r\n',
    ]);
    expect(s.subscribed).toBe(false);
    expect(s.run('CLIENT', 'INFO')).toContain(' flags=N db=0 sub=0 psub=0 ssub=0 ');
  });

  it('messages from another session arrive as pushes in the subscriber protocol', () => {
    const e = new Engine({ activeExpiry: false });
    const sub2 = new PushSession(e);
    const sub3 = new PushSession(e);
    sub3.protocol = 3;
    const pub = new PushSession(e);
    sub2.run('PSUBSCRIBE', 'n*');
    sub3.run('SUBSCRIBE', 'news');
    sub2.pushes.length = 0;
    sub3.pushes.length = 0;
    expect(pub.run('PUBLISH', 'news', 'hi')).toBe(':2\r\n');
    expect(sub2.pushes).toEqual(['*4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$4\r\nnews\r\n$2\r\nhi\r\n']);
    expect(sub3.pushes).toEqual(['>3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nhi\r\n']);
  });

  it('CLIENT LIST TYPE pubsub lists subscribed clients', () => {
    const e = new Engine({ activeExpiry: false });
    const s = new PushSession(e);
    expect(s.run('CLIENT', 'LIST', 'TYPE', 'pubsub')).toBe('$0\r\n\r\n');
    s.run('SSUBSCRIBE', 'x');
    s.protocol = 3;
    expect(s.run('CLIENT', 'LIST', 'TYPE', 'pubsub')).toContain(' flags=P ');
    expect(s.run('CLIENT', 'LIST', 'TYPE', 'normal')).toBe('=4\r\ntxt:\r\n');
  });

  it('SSUBSCRIBE is refused for a DENY BLOCKING session', () => {
    const e = new Engine({ activeExpiry: false });
    const s = new PushSession(e);
    s.denyBlocking = true;
    expect(s.run('SSUBSCRIBE', 'x')).toBe("-ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client\r\n");
    expect(s.run('SUBSCRIBE', 'x')).toBe("-ERR SUBSCRIBE isn't allowed for a DENY BLOCKING client\r\n");
  });

  it('INFO stats count channels, patterns and shard channels', async () => {
    const e = new Engine({ activeExpiry: false });
    const s = new PushSession(e);
    const info = () => s.run('INFO', 'stats').match(/pubsub\w*:\d+/g);
    expect(info()).toEqual(['pubsub_channels:0', 'pubsub_patterns:0', 'pubsubshard_channels:0']);
    const t = new PushSession(e);
    t.run('SUBSCRIBE', 'a', 'b');
    t.run('PSUBSCRIBE', 'x*');
    t.run('SSUBSCRIBE', 's');
    expect(info()).toEqual(['pubsub_channels:2', 'pubsub_patterns:1', 'pubsubshard_channels:1']);
  });
});
