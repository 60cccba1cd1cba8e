/**
 * In-process subscriptions of one `Cachee` handle: each `subscribe(channel,
 * handler)` call registers one {@link HandlerSubscriber} (so PUBLISH and
 * PUBSUB NUMSUB count it as one subscriber) and returns the function that
 * removes it. The handle can also drop its subscriptions by name or all at
 * once, as UNSUBSCRIBE / PUNSUBSCRIBE / SUNSUBSCRIBE do for a connection.
 */
import type { Engine } from '../engine/engine.js';
import { type Arg, toKey } from '../util/bytes.js';
import { type PubSub, pubsubOf } from './registry.js';
import { HandlerSubscriber, type PatternMessageHandler } from './subscribers.js';

/** What an in-process subscription listens to. */
export type LocalKind = 'channel' | 'pattern' | 'shard';

function namesOf(sub: HandlerSubscriber, kind: LocalKind): Set<string> {
  return kind === 'channel' ? sub.channels : kind === 'pattern' ? sub.patterns : sub.shardChannels;
}

/** The in-process handlers one handle registered on an engine's registry. */
export class LocalSubscriptions {
  private readonly subs = new Set<HandlerSubscriber>();
  private readonly ps: PubSub;

  constructor(engine: Engine) {
    this.ps = pubsubOf(engine);
  }

  /** Registers a handler; returns its unsubscribe function (calling it again does nothing). */
  add(kind: LocalKind, name: Arg, handler: PatternMessageHandler): () => void {
    if (typeof handler !== 'function') throw new TypeError('a message handler function is required');
    const sub = new HandlerSubscriber(handler);
    const key = toKey(name);
    if (kind === 'channel') this.ps.subscribe(sub, key);
    else if (kind === 'pattern') this.ps.psubscribe(sub, key);
    else this.ps.ssubscribe(sub, key);
    this.subs.add(sub);
    return () => this.drop(sub);
  }

  /**
   * Removes this handle's handlers of a kind on the given names (all of that kind
   * when none are given). Returns how many subscriptions of the family remain:
   * channels plus patterns, or shard channels, as Redis's counts.
   */
  remove(kind: LocalKind, names: readonly Arg[]): number {
    const keys = names.length === 0 ? null : new Set(names.map(toKey));
    for (const sub of [...this.subs]) {
      for (const name of namesOf(sub, kind)) {
        if (keys === null || keys.has(name)) {
          this.drop(sub);
          break;
        }
      }
    }
    let n = 0;
    for (const sub of this.subs)
      n += kind === 'shard' ? sub.shardChannels.size : sub.channels.size + sub.patterns.size;
    return n;
  }

  /** Removes every handler of this handle. */
  clear(): void {
    for (const sub of [...this.subs]) this.drop(sub);
  }

  private drop(sub: HandlerSubscriber): void {
    if (!this.subs.delete(sub)) return;
    sub.active = false;
    this.ps.unsubscribeAll(sub);
  }
}
