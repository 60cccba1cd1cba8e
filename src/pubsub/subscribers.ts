/**
 * The two kinds of {@link Subscriber}:
 *
 * - {@link PushSubscriber}: a client session. Each message becomes a
 *   `message` / `pmessage` / `smessage` push frame (RESP3 `>`, RESP2 an array)
 *   handed to the session, which writes it out of band (a RESP connection
 *   batches such frames per event-loop turn, as Redis writes them before
 *   sleeping).
 * - {@link HandlerSubscriber}: an in-process handler (`cache.subscribe(ch, fn)`).
 *   Handlers run in a microtask after the publishing command, never inside it:
 *   a handler may then call back into the engine freely, and a throwing handler
 *   cannot break the publisher or other handlers. Its error is reported on the
 *   `cachee:pubsub` diagnostics channel. Messages reach handlers in publish order.
 */
import diagnostics_channel from 'node:diagnostics_channel';
import { PushReply, type Reply } from '../protocol/reply.js';
import { type Arg, keyToValue, type RedisValue } from '../util/bytes.js';
import type { Subscriber } from './registry.js';

/** Where a session's push frames go (a RESP connection writes them; other sessions drop them). */
export interface PushTarget {
  deliver(reply: Reply): void;
}

/** A client session's subscriptions; messages become push frames. */
export class PushSubscriber implements Subscriber {
  readonly channels = new Set<string>();
  readonly patterns = new Set<string>();
  readonly shardChannels = new Set<string>();

  constructor(private readonly target: PushTarget) {}

  /** Channels plus patterns: the count SUBSCRIBE / PSUBSCRIBE / (P)UNSUBSCRIBE report. */
  get count(): number {
    return this.channels.size + this.patterns.size;
  }

  /** Every subscription, shard channels included (the client is in Pub/Sub mode while > 0). */
  get total(): number {
    return this.channels.size + this.patterns.size + this.shardChannels.size;
  }

  message(channel: string, message: Arg): void {
    this.target.deliver(new PushReply(['message', keyToValue(channel), message]));
  }

  pmessage(pattern: string, channel: string, message: Arg): void {
    this.target.deliver(new PushReply(['pmessage', keyToValue(pattern), keyToValue(channel), message]));
  }

  smessage(channel: string, message: Arg): void {
    this.target.deliver(new PushReply(['smessage', keyToValue(channel), message]));
  }
}

/** An in-process handler for a channel or shard channel: `(message, channel) => void`. */
export type MessageHandler = (message: RedisValue, channel: RedisValue) => void;
/** An in-process handler for a pattern: `(message, channel, pattern) => void`. */
export type PatternMessageHandler = (message: RedisValue, channel: RedisValue, pattern: RedisValue) => void;

/** Name of the diagnostics channel on which handler errors are published. */
export const PUBSUB_CHANNEL = 'cachee:pubsub';

/** What is published on {@link PUBSUB_CHANNEL} when a handler throws. */
export interface HandlerErrorEvent {
  event: 'handler-error';
  channel: RedisValue;
  pattern?: RedisValue;
  error: unknown;
}

const diagnostics = diagnostics_channel.channel(PUBSUB_CHANNEL);

/** One in-process handler on one channel, pattern or shard channel. */
export class HandlerSubscriber implements Subscriber {
  readonly channels = new Set<string>();
  readonly patterns = new Set<string>();
  readonly shardChannels = new Set<string>();
  /** Cleared on unsubscribe: messages still queued for it are then dropped. */
  active = true;

  constructor(readonly handler: PatternMessageHandler) {}

  message(channel: string, message: Arg): void {
    enqueue(this, message, channel, undefined);
  }

  pmessage(pattern: string, channel: string, message: Arg): void {
    enqueue(this, message, channel, pattern);
  }

  smessage(channel: string, message: Arg): void {
    enqueue(this, message, channel, undefined);
  }
}

interface Delivery {
  sub: HandlerSubscriber;
  message: Arg;
  channel: string;
  pattern: string | undefined;
}

/** Messages waiting for the microtask that runs handlers (one microtask per burst). */
let queue: Delivery[] = [];
let scheduled = false;

function enqueue(sub: HandlerSubscriber, message: Arg, channel: string, pattern: string | undefined): void {
  queue.push({ sub, message, channel, pattern });
  if (!scheduled) {
    scheduled = true;
    queueMicrotask(drain);
  }
}

function drain(): void {
  // Messages published by handlers join this same pass, in order.
  for (let i = 0; i < queue.length; i++) run(queue[i]);
  queue = [];
  scheduled = false;
}

function run(d: Delivery): void {
  if (!d.sub.active) return;
  const channel = keyToValue(d.channel);
  const pattern = d.pattern === undefined ? undefined : keyToValue(d.pattern);
  try {
    if (pattern === undefined) (d.sub.handler as MessageHandler)(d.message, channel);
    else d.sub.handler(d.message, channel, pattern);
  } catch (error) {
    if (diagnostics.hasSubscribers) {
      const event: HandlerErrorEvent = { event: 'handler-error', channel, error };
      if (pattern !== undefined) event.pattern = pattern;
      diagnostics.publish(event);
    }
  }
}
