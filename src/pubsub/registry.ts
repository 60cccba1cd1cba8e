/**
 * The Pub/Sub registry of one engine: who listens to which channel, pattern and
 * shard channel (Redis's `server.pubsub_channels`, `pubsub_patterns` and
 * `pubsubshard_channels`), and PUBLISH / SPUBLISH fan-out.
 *
 * Channels and patterns are held as keyspace-style strings (util/bytes.ts
 * `toKey`: UTF-8 text as is, other bytes in the reserved binary form), so any
 * byte string works as a channel and Map lookups stay cheap. Every map keeps
 * its subscribers in a Set, in subscription order, as Redis's per-channel
 * client lists do; patterns are visited in the order they were first
 * subscribed (Redis visits its pattern dict in hash order, which no client
 * can rely on). An entry is dropped when its last subscriber leaves, so
 * PUBSUB CHANNELS lists only channels somebody listens to.
 *
 * A {@link Subscriber} is anything that takes messages: a RESP connection
 * (which turns them into `message` / `pmessage` / `smessage` push frames) or
 * an in-process handler. Delivery is synchronous from the registry's point of
 * view; subscribers decide when the message reaches its consumer.
 */
import type { Engine } from '../engine/engine.js';
import { type Arg, keyToValue } from '../util/bytes.js';
import { Glob } from '../util/glob.js';
import { installKeyspaceBridge } from './keyspace-events.js';

/** One party that receives messages, with the subscriptions it holds (each in subscription order). */
export interface Subscriber {
  /** Channels (as keys) subscribed with SUBSCRIBE. */
  readonly channels: Set<string>;
  /** Patterns (as keys) subscribed with PSUBSCRIBE. */
  readonly patterns: Set<string>;
  /** Shard channels (as keys) subscribed with SSUBSCRIBE. */
  readonly shardChannels: Set<string>;
  /** A PUBLISH to a channel it subscribed to. */
  message(channel: string, message: Arg): void;
  /** A PUBLISH to a channel matching a pattern it subscribed to. */
  pmessage(pattern: string, channel: string, message: Arg): void;
  /** An SPUBLISH to a shard channel it subscribed to. */
  smessage(channel: string, message: Arg): void;
}

/** A pattern's compiled glob and its subscribers. */
interface PatternEntry {
  readonly glob: Glob;
  readonly subscribers: Set<Subscriber>;
}

/** The channels, patterns and shard channels of one engine, and message fan-out. */
export class PubSub {
  /** Channel → subscribers (SUBSCRIBE). */
  readonly channels = new Map<string, Set<Subscriber>>();
  /** Pattern → glob and subscribers (PSUBSCRIBE). */
  readonly patterns = new Map<string, PatternEntry>();
  /** Shard channel → subscribers (SSUBSCRIBE). */
  readonly shardChannels = new Map<string, Set<Subscriber>>();

  /** Subscribes to a channel; false when already subscribed. */
  subscribe(sub: Subscriber, channel: string): boolean {
    return add(this.channels, sub.channels, sub, channel);
  }

  /** Unsubscribes from a channel; false when not subscribed. */
  unsubscribe(sub: Subscriber, channel: string): boolean {
    return remove(this.channels, sub.channels, sub, channel);
  }

  /** Subscribes to a shard channel; false when already subscribed. */
  ssubscribe(sub: Subscriber, channel: string): boolean {
    return add(this.shardChannels, sub.shardChannels, sub, channel);
  }

  /** Unsubscribes from a shard channel; false when not subscribed. */
  sunsubscribe(sub: Subscriber, channel: string): boolean {
    return remove(this.shardChannels, sub.shardChannels, sub, channel);
  }

  /** Subscribes to a pattern; false when already subscribed. */
  psubscribe(sub: Subscriber, pattern: string): boolean {
    if (sub.patterns.has(pattern)) return false;
    sub.patterns.add(pattern);
    let entry = this.patterns.get(pattern);
    if (entry === undefined) {
      entry = { glob: new Glob(keyToValue(pattern)), subscribers: new Set() };
      this.patterns.set(pattern, entry);
    }
    entry.subscribers.add(sub);
    return true;
  }

  /** Unsubscribes from a pattern; false when not subscribed. */
  punsubscribe(sub: Subscriber, pattern: string): boolean {
    if (!sub.patterns.delete(pattern)) return false;
    const entry = this.patterns.get(pattern);
    if (entry !== undefined) {
      entry.subscribers.delete(sub);
      if (entry.subscribers.size === 0) this.patterns.delete(pattern);
    }
    return true;
  }

  /** Drops every subscription of a subscriber, telling no one (a closed connection, RESET). */
  unsubscribeAll(sub: Subscriber): void {
    for (const ch of [...sub.channels]) this.unsubscribe(sub, ch);
    for (const p of [...sub.patterns]) this.punsubscribe(sub, p);
    for (const ch of [...sub.shardChannels]) this.sunsubscribe(sub, ch);
  }

  /**
   * PUBLISH: delivers to the channel's subscribers, then to every subscriber of
   * every matching pattern (a subscriber matching twice receives twice). Returns
   * the number of deliveries, as PUBLISH replies.
   */
  publish(channel: string, message: Arg): number {
    let receivers = 0;
    const subs = this.channels.get(channel);
    if (subs !== undefined) {
      for (const s of subs) {
        s.message(channel, message);
        receivers++;
      }
    }
    if (this.patterns.size !== 0) {
      for (const [pattern, entry] of this.patterns) {
        // stringmatchlen with no `*` shortcut: the pattern `*` does not match the empty channel.
        if (!entry.glob.matchKey(channel)) continue;
        for (const s of entry.subscribers) {
          s.pmessage(pattern, channel, message);
          receivers++;
        }
      }
    }
    return receivers;
  }

  /** SPUBLISH: delivers to the shard channel's subscribers (patterns do not apply). */
  spublish(channel: string, message: Arg): number {
    const subs = this.shardChannels.get(channel);
    if (subs === undefined) return 0;
    for (const s of subs) s.smessage(channel, message);
    return subs.size;
  }

  /** True when nobody subscribes to anything (publishing is then free). */
  get idle(): boolean {
    return this.channels.size === 0 && this.patterns.size === 0;
  }

  /** Channel names (as keys) matching a glob pattern, or all (PUBSUB CHANNELS / SHARDCHANNELS). */
  channelNames(pattern?: Arg, shard = false): string[] {
    const map = shard ? this.shardChannels : this.channels;
    if (pattern === undefined) return [...map.keys()];
    const glob = new Glob(pattern);
    const out: string[] = [];
    for (const ch of map.keys()) if (glob.matchKey(ch)) out.push(ch);
    return out;
  }

  /** Subscribers of a channel, patterns excluded (PUBSUB NUMSUB / SHARDNUMSUB). */
  numsub(channel: string, shard = false): number {
    return (shard ? this.shardChannels : this.channels).get(channel)?.size ?? 0;
  }
}

function add(
  server: Map<string, Set<Subscriber>>,
  own: Set<string>,
  sub: Subscriber,
  channel: string,
): boolean {
  if (own.has(channel)) return false;
  own.add(channel);
  let subs = server.get(channel);
  if (subs === undefined) {
    subs = new Set();
    server.set(channel, subs);
  }
  subs.add(sub);
  return true;
}

function remove(
  server: Map<string, Set<Subscriber>>,
  own: Set<string>,
  sub: Subscriber,
  channel: string,
): boolean {
  if (!own.delete(channel)) return false;
  const subs = server.get(channel);
  if (subs !== undefined) {
    subs.delete(sub);
    if (subs.size === 0) server.delete(channel);
  }
  return true;
}

const registries = new WeakMap<Engine, PubSub>();

/**
 * The engine's Pub/Sub registry, created on first use. Creating it also
 * bridges the engine's keyspace notifications to `__keyspace@<db>__:<key>`
 * and `__keyevent@<db>__:<event>` channels.
 */
export function pubsubOf(engine: Engine): PubSub {
  let ps = registries.get(engine);
  if (ps === undefined) {
    ps = new PubSub();
    registries.set(engine, ps);
    installKeyspaceBridge(engine, ps);
  }
  return ps;
}

/** The engine's registry if anything created it (INFO reads counts without creating one). */
export function peekPubSub(engine: Engine): PubSub | undefined {
  return registries.get(engine);
}
