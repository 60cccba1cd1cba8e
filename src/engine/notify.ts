/**
 * Keyspace-notification classes, as Redis's `NOTIFY_*` bits and the letters of
 * `notify-keyspace-events`.
 */
export const Notify = {
  keyspace: 1 << 0, // K
  keyevent: 1 << 1, // E
  generic: 1 << 2, // g
  string: 1 << 3, // $
  list: 1 << 4, // l
  set: 1 << 5, // s
  hash: 1 << 6, // h
  zset: 1 << 7, // z
  expired: 1 << 8, // x
  evicted: 1 << 9, // e
  stream: 1 << 10, // t
  keyMiss: 1 << 11, // m
  loaded: 1 << 12,
  module: 1 << 13, // d
  newKey: 1 << 14, // n
} as const;

/** `A`: every class but m and n. */
export const NOTIFY_ALL =
  Notify.generic |
  Notify.string |
  Notify.list |
  Notify.set |
  Notify.hash |
  Notify.zset |
  Notify.expired |
  Notify.evicted |
  Notify.stream |
  Notify.module;
