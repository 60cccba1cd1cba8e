/**
 * Keyspace notifications (Redis's notify.c): the `notify-keyspace-events`
 * setting as a string of class letters, and the bridge that turns the engine's
 * events into Pub/Sub messages.
 *
 * The engine calls `engine.notify(type, event, key, db)` wherever Redis calls
 * `notifyKeyspaceEvent`, and only reaches its listeners when the class `type`
 * is enabled. The bridge then publishes, as Redis does:
 * - with `K`: `__keyspace@<db>__:<key>` → the event name;
 * - with `E`: `__keyevent@<db>__:<event>` → the key.
 * Binary keys keep their bytes: the channel is the prefix's bytes followed by
 * the key's.
 */
import type { Engine } from '../engine/engine.js';
import { NOTIFY_ALL, Notify } from '../engine/notify.js';
import { type Arg, BINARY_KEY_PREFIX, isBinaryKey, keyToValue } from '../util/bytes.js';
import type { PubSub } from './registry.js';

/** The text Redis gives for an unknown class letter (CONFIG SET wraps it in its own error). */
export const INVALID_EVENT_CLASS = "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";

/**
 * keyspaceEventsStringToFlags: the class letters to a bit set, or -1 for an
 * unknown letter. As in C, the string ends at its first NUL byte.
 */
export function parseKeyspaceEvents(classes: Arg): number {
  let flags = 0;
  for (let i = 0; i < classes.length; i++) {
    const c = typeof classes === 'string' ? classes.charCodeAt(i) : classes[i];
    if (c === 0) break;
    switch (String.fromCharCode(c)) {
      case 'A':
        flags |= NOTIFY_ALL;
        break;
      case 'g':
        flags |= Notify.generic;
        break;
      case '$':
        flags |= Notify.string;
        break;
      case 'l':
        flags |= Notify.list;
        break;
      case 's':
        flags |= Notify.set;
        break;
      case 'h':
        flags |= Notify.hash;
        break;
      case 'z':
        flags |= Notify.zset;
        break;
      case 'x':
        flags |= Notify.expired;
        break;
      case 'e':
        flags |= Notify.evicted;
        break;
      case 'K':
        flags |= Notify.keyspace;
        break;
      case 'E':
        flags |= Notify.keyevent;
        break;
      case 't':
        flags |= Notify.stream;
        break;
      case 'm':
        flags |= Notify.keyMiss;
        break;
      case 'd':
        flags |= Notify.module;
        break;
      case 'n':
        flags |= Notify.newKey;
        break;
      default:
        return -1;
    }
  }
  return flags;
}

/**
 * keyspaceEventsFlagsToString: the bit set as CONFIG GET shows it. `A` stands for
 * all of g$lshzxetd, and then (as in Redis 7.0) `n` is not shown even when set.
 */
export function formatKeyspaceEvents(flags: number): string {
  let s = '';
  if ((flags & NOTIFY_ALL) === NOTIFY_ALL) {
    s += 'A';
  } else {
    if (flags & Notify.generic) s += 'g';
    if (flags & Notify.string) s += '$';
    if (flags & Notify.list) s += 'l';
    if (flags & Notify.set) s += 's';
    if (flags & Notify.hash) s += 'h';
    if (flags & Notify.zset) s += 'z';
    if (flags & Notify.expired) s += 'x';
    if (flags & Notify.evicted) s += 'e';
    if (flags & Notify.stream) s += 't';
    if (flags & Notify.module) s += 'd';
    if (flags & Notify.newKey) s += 'n';
  }
  if (flags & Notify.keyspace) s += 'K';
  if (flags & Notify.keyevent) s += 'E';
  if (flags & Notify.keyMiss) s += 'm';
  return s;
}

/**
 * Sets `notify-keyspace-events` on an engine from its class letters (`'KEA'`,
 * `''` to turn notifications off). Throws a RangeError with Redis's text
 * ({@link INVALID_EVENT_CLASS}) for an unknown letter, changing nothing.
 */
export function setNotifyKeyspaceEvents(engine: Engine, classes: Arg): void {
  const flags = parseKeyspaceEvents(classes);
  if (flags < 0) throw new RangeError(INVALID_EVENT_CLASS);
  engine.notifyFlags = flags;
}

/** The engine's `notify-keyspace-events`, as CONFIG GET shows it. */
export function getNotifyKeyspaceEvents(engine: Engine): string {
  return formatKeyspaceEvents(engine.notifyFlags);
}

/** `<prefix><key>` as a channel (key form), keeping a binary key's bytes. */
function keyChannel(prefix: string, key: string): string {
  // The prefix is ASCII, so prefix + non-UTF-8 bytes is still non-UTF-8: the reserved form.
  return isBinaryKey(key) ? BINARY_KEY_PREFIX + prefix + key.slice(1) : prefix + key;
}

/** Publishes the engine's keyspace events on `ps` (called once per engine, by the registry). */
export function installKeyspaceBridge(engine: Engine, ps: PubSub): void {
  engine.onNotify((_type, event, key, dbIndex) => {
    if (ps.idle) return;
    const flags = engine.notifyFlags;
    if (flags & Notify.keyspace) ps.publish(keyChannel(`__keyspace@${dbIndex}__:`, key), event);
    if (flags & Notify.keyevent) ps.publish(`__keyevent@${dbIndex}__:${event}`, keyToValue(key));
  });
}
