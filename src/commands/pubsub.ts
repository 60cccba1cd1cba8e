/**
 * Pub/Sub commands: (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PUBLISH, SPUBLISH and
 * PUBSUB. The registry lives in pubsub/; these handlers parse argv and talk to
 * it on behalf of the calling session.
 *
 * Subscribe confirmations are push frames, one per channel, exactly as Redis
 * sends them (RESP2 arrays, RESP3 `>` pushes, and sent even under CLIENT REPLY
 * OFF), so the handlers hand them to the session (`session.deliver`) and
 * return no reply of their own. A RESP connection writes them in order with
 * the replies around them. Inside EXEC the frames are the command's element of
 * EXEC's array instead, where Redis writes them too (a command naming several
 * channels gives an array of frames there: Redis writes them all in the one
 * slot, which leaves EXEC's array longer than it announced).
 */
import { Err, ReplyError } from '../errors.js';
import { NO_REPLY, PushReply, type Reply } from '../protocol/reply.js';
import { pubsubOf } from '../pubsub/registry.js';
import { PushSubscriber } from '../pubsub/subscribers.js';
import { type Arg, argText, keyToValue, toKey } from '../util/bytes.js';
import { helpReply } from './connection.js';
import type { Session } from './session.js';
import type { CommandDef } from './types.js';

/** The session's subscription state, created on first use. */
function subscriberOf(s: Session): PushSubscriber {
  let sub = s.subscriber;
  if (sub === null) {
    sub = new PushSubscriber(s);
    s.subscriber = sub;
  }
  return sub;
}

/**
 * SUBSCRIBE / PSUBSCRIBE on a DENY BLOCKING client: refused outside a transaction
 * (Redis keeps them working inside MULTI for backward compatibility). An in-process
 * session is always refused: it has nowhere to receive messages.
 */
function refuseSubscribe(s: Session): boolean {
  return s.kind === 'local' || (s.denyBlocking && s.multi === null);
}

/** Redis clears CLIENT_PUBSUB after an unsubscribe once nothing at all is left. */
function updateSubscribed(s: Session, sub: PushSubscriber): void {
  if (sub.total === 0) s.subscribed = false;
}

/**
 * Collects the confirmation frames of one command. Normally they are delivered as
 * pushes and the command has no reply of its own; run by EXEC, the frames are the
 * command's reply (Redis writes them where the command's element of EXEC's array goes).
 */
class Confirmations {
  private readonly frames: PushReply[] = [];

  constructor(private readonly s: Session) {}

  add(kind: string, name: Arg | null, count: number): void {
    const frame = new PushReply([kind, name, count]);
    if (this.s.multi === null) this.s.deliver(frame);
    else this.frames.push(frame);
  }

  reply(): Reply {
    if (this.s.multi === null) return NO_REPLY;
    return this.frames.length === 1 ? this.frames[0] : this.frames;
  }
}

// SUBSCRIBE channel [channel ...]
function subscribe(s: Session, argv: Arg[]): Reply {
  if (refuseSubscribe(s)) throw new ReplyError(Err.denyBlocking('SUBSCRIBE'));
  const ps = pubsubOf(s.engine);
  const sub = subscriberOf(s);
  const out = new Confirmations(s);
  for (let i = 1; i < argv.length; i++) {
    ps.subscribe(sub, toKey(argv[i]));
    out.add('subscribe', argv[i], sub.count);
  }
  s.subscribed = true;
  return out.reply();
}

// PSUBSCRIBE pattern [pattern ...]
function psubscribe(s: Session, argv: Arg[]): Reply {
  if (refuseSubscribe(s)) throw new ReplyError(Err.denyBlocking('PSUBSCRIBE'));
  const ps = pubsubOf(s.engine);
  const sub = subscriberOf(s);
  const out = new Confirmations(s);
  for (let i = 1; i < argv.length; i++) {
    ps.psubscribe(sub, toKey(argv[i]));
    out.add('psubscribe', argv[i], sub.count);
  }
  s.subscribed = true;
  return out.reply();
}

// SSUBSCRIBE shardchannel [shardchannel ...]
function ssubscribe(s: Session, argv: Arg[]): Reply {
  if (s.denyBlocking) throw new ReplyError(Err.denyBlocking('SSUBSCRIBE'));
  const ps = pubsubOf(s.engine);
  const sub = subscriberOf(s);
  const out = new Confirmations(s);
  for (let i = 1; i < argv.length; i++) {
    ps.ssubscribe(sub, toKey(argv[i]));
    out.add('ssubscribe', argv[i], sub.shardChannels.size);
  }
  s.subscribed = true;
  return out.reply();
}

// UNSUBSCRIBE [channel [channel ...]]
function unsubscribe(s: Session, argv: Arg[]): Reply {
  const ps = pubsubOf(s.engine);
  const sub = subscriberOf(s);
  const out = new Confirmations(s);
  if (argv.length === 1) {
    let n = 0;
    for (const ch of [...sub.channels]) {
      ps.unsubscribe(sub, ch);
      out.add('unsubscribe', keyToValue(ch), sub.count);
      n++;
    }
    // Subscribed to nothing: still one confirmation, with a nil channel.
    if (n === 0) out.add('unsubscribe', null, sub.count);
  } else {
    for (let i = 1; i < argv.length; i++) {
      ps.unsubscribe(sub, toKey(argv[i]));
      out.add('unsubscribe', argv[i], sub.count);
    }
  }
  updateSubscribed(s, sub);
  return out.reply();
}

// PUNSUBSCRIBE [pattern [pattern ...]]
function punsubscribe(s: Session, argv: Arg[]): Reply {
  const ps = pubsubOf(s.engine);
  const sub = subscriberOf(s);
  const out = new Confirmations(s);
  if (argv.length === 1) {
    let n = 0;
    for (const p of [...sub.patterns]) {
      ps.punsubscribe(sub, p);
      out.add('punsubscribe', keyToValue(p), sub.count);
      n++;
    }
    if (n === 0) out.add('punsubscribe', null, sub.count);
  } else {
    for (let i = 1; i < argv.length; i++) {
      ps.punsubscribe(sub, toKey(argv[i]));
      out.add('punsubscribe', argv[i], sub.count);
    }
  }
  updateSubscribed(s, sub);
  return out.reply();
}

// SUNSUBSCRIBE [shardchannel [shardchannel ...]]
function sunsubscribe(s: Session, argv: Arg[]): Reply {
  const ps = pubsubOf(s.engine);
  const sub = subscriberOf(s);
  const out = new Confirmations(s);
  if (argv.length === 1) {
    let n = 0;
    for (const ch of [...sub.shardChannels]) {
      ps.sunsubscribe(sub, ch);
      out.add('sunsubscribe', keyToValue(ch), sub.shardChannels.size);
      n++;
    }
    if (n === 0) out.add('sunsubscribe', null, sub.shardChannels.size);
  } else {
    for (let i = 1; i < argv.length; i++) {
      ps.sunsubscribe(sub, toKey(argv[i]));
      out.add('sunsubscribe', argv[i], sub.shardChannels.size);
    }
  }
  updateSubscribed(s, sub);
  return out.reply();
}

/**
 * Drops every subscription of a session without confirmations and leaves
 * Pub/Sub mode: for RESET and for a connection that closes.
 */
export function clearSubscriptions(s: Session): void {
  const sub = s.subscriber;
  if (sub !== null && sub.total !== 0) pubsubOf(s.engine).unsubscribeAll(sub);
  s.subscribed = false;
}

/** addReplySubcommandSyntaxError: a PUBSUB subcommand with the wrong number of arguments. */
function subcommandSyntax(argv: Arg[]): ReplyError {
  const sub = argText(argv[1]).slice(0, 128);
  return new ReplyError(Err.subcommandSyntax(sub, argText(argv[0]).toUpperCase()).replace(/[\r\n]/g, ' '));
}

/** PUBSUB CHANNELS / SHARDCHANNELS [pattern] */
function channelList(s: Session, argv: Arg[], shard: boolean): Reply {
  if (argv.length > 3) throw subcommandSyntax(argv);
  const names = pubsubOf(s.engine).channelNames(argv.length === 3 ? argv[2] : undefined, shard);
  const out: Reply[] = new Array(names.length);
  for (let i = 0; i < names.length; i++) out[i] = keyToValue(names[i]);
  return out;
}

/** PUBSUB NUMSUB / SHARDNUMSUB [channel ...] */
function numsub(s: Session, argv: Arg[], shard: boolean): Reply {
  const ps = pubsubOf(s.engine);
  const out: Reply[] = [];
  for (let i = 2; i < argv.length; i++) out.push(argv[i], ps.numsub(toKey(argv[i]), shard));
  return out;
}

const PUBSUB_HELP = [
  'PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CHANNELS [<pattern>]',
  "    Return the currently active channels matching a <pattern> (default: '*').",
  'NUMPAT',
  '    Return number of subscriptions to patterns.',
  'NUMSUB [<channel> ...]',
  '    Return the number of subscribers for the specified channels, excluding',
  '    pattern subscriptions(default: no channels).',
  'SHARDCHANNELS [<pattern>]',
  "    Return the currently active shard level channels matching a <pattern> (default: '*').",
  'SHARDNUMSUB [<shardchannel> ...]',
  '    Return the number of subscribers for the specified shard level channel(s)',
  'HELP',
  '    Prints this help.',
];

export const pubsubCommands: CommandDef[] = [
  {
    name: 'subscribe',
    summary: 'Listens for messages published to the given channels.',
    handler: subscribe,
  },
  {
    name: 'psubscribe',
    summary: 'Listens for messages published to channels matching the given glob patterns.',
    handler: psubscribe,
  },
  {
    name: 'ssubscribe',
    summary: 'Listens for messages published to the given shard channels.',
    handler: ssubscribe,
  },
  {
    name: 'unsubscribe',
    summary: 'Stops listening to the given channels, or to all channels.',
    handler: unsubscribe,
  },
  {
    name: 'punsubscribe',
    summary: 'Stops listening to the given patterns, or to all patterns.',
    handler: punsubscribe,
  },
  {
    name: 'sunsubscribe',
    summary: 'Stops listening to the given shard channels, or to all shard channels.',
    handler: sunsubscribe,
  },
  {
    name: 'publish',
    summary: 'Posts a message to a channel; returns how many subscribers received it.',
    // PUBLISH channel message
    handler: (s, argv) => pubsubOf(s.engine).publish(toKey(argv[1]), argv[2]),
  },
  {
    name: 'spublish',
    summary: 'Posts a message to a shard channel; returns how many subscribers received it.',
    // SPUBLISH shardchannel message
    handler: (s, argv) => pubsubOf(s.engine).spublish(toKey(argv[1]), argv[2]),
  },
  {
    name: 'pubsub|channels',
    summary: 'Lists the channels that have subscribers, optionally only those matching a pattern.',
    // PUBSUB CHANNELS [pattern]
    handler: (s, argv) => channelList(s, argv, false),
  },
  {
    name: 'pubsub|shardchannels',
    summary: 'Lists the shard channels that have subscribers, optionally only those matching a pattern.',
    // PUBSUB SHARDCHANNELS [pattern]
    handler: (s, argv) => channelList(s, argv, true),
  },
  {
    name: 'pubsub|numsub',
    summary: 'Counts the subscribers of each given channel (pattern subscribers excluded).',
    // PUBSUB NUMSUB [channel [channel ...]]
    handler: (s, argv) => numsub(s, argv, false),
  },
  {
    name: 'pubsub|shardnumsub',
    summary: 'Counts the subscribers of each given shard channel.',
    // PUBSUB SHARDNUMSUB [shardchannel [shardchannel ...]]
    handler: (s, argv) => numsub(s, argv, true),
  },
  {
    name: 'pubsub|numpat',
    summary: 'Counts the patterns that have subscribers.',
    // PUBSUB NUMPAT
    handler: (s) => pubsubOf(s.engine).patterns.size,
  },
  {
    name: 'pubsub|help',
    summary: 'Describes the PUBSUB subcommands.',
    // PUBSUB HELP
    handler: () => helpReply(PUBSUB_HELP),
  },
];
