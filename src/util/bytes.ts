/**
 * Redis strings are bytes. Here a value is a JS `string` when its bytes are valid
 * UTF-8 (or it came from the app as a string) and a `Buffer` when not; keys are
 * always JS strings, with non-UTF-8 keys mapped to a reserved form (DESIGN.md §3).
 */
import { isUtf8 } from 'node:buffer';

/** A Redis string value as stored and returned: text, or bytes that are not valid UTF-8. */
export type RedisValue = string | Buffer;

/** One command argument, as handlers receive them. */
export type Arg = string | Buffer;

/**
 * Prefix of the reserved key form for keys whose bytes are not valid UTF-8: a lone
 * high surrogate (which no valid UTF-8 decode produces) followed by one char per byte.
 */
export const BINARY_KEY_PREFIX = '\uD800';

/** Decodes bytes to a value: a string when valid UTF-8, else the Buffer itself. */
export function valueFromBytes(buf: Buffer): RedisValue {
  return isUtf8(buf) ? buf.toString('utf8') : buf;
}

/** The bytes of a value (allocates for strings). */
export function valueToBytes(v: RedisValue): Buffer {
  return typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
}

/** Byte length of a value. */
export function byteLength(v: RedisValue): number {
  return typeof v === 'string' ? Buffer.byteLength(v, 'utf8') : v.length;
}

/** The keyspace key for an argument: UTF-8 text as is, other bytes in the reserved form. */
export function toKey(arg: Arg): string {
  if (typeof arg === 'string') return arg;
  return isUtf8(arg) ? arg.toString('utf8') : BINARY_KEY_PREFIX + arg.toString('latin1');
}

/** A keyspace key as it goes back to a client: the original bytes for reserved-form keys. */
export function keyToValue(key: string): RedisValue {
  return key.charCodeAt(0) === 0xd800 && key.startsWith(BINARY_KEY_PREFIX)
    ? Buffer.from(key.slice(1), 'latin1')
    : key;
}

/** The bytes of a keyspace key. */
export function keyToBytes(key: string): Buffer {
  return valueToBytes(keyToValue(key));
}

/** An argument as text, for option names and numbers (non-UTF-8 bytes decode lossily, never matching). */
export function argText(arg: Arg): string {
  return typeof arg === 'string' ? arg : arg.toString('utf8');
}

/** Case-insensitive comparison of an argument with an upper-case ASCII option name. */
export function isOption(arg: Arg, upper: string): boolean {
  if (typeof arg !== 'string') arg = arg.toString('latin1');
  return arg.length === upper.length && arg.toUpperCase() === upper;
}

/** Two values hold the same bytes. */
export function sameBytes(a: RedisValue, b: RedisValue): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a === b;
  return valueToBytes(a).equals(valueToBytes(b));
}
