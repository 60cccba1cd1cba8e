/**
 * Redis strings are bytes. Here a value is a JS `string` when its bytes are valid
 * UTF-8 (or it came from the app as a string) and a `Buffer` when not; keys are
 * always JS strings, with non-UTF-8 keys mapped to a reserved form (DESIGN.md §3).
 */
import { constants, isUtf8 } from 'node:buffer';

const MAX_STRING_LENGTH = constants.MAX_STRING_LENGTH;

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
  // Beyond V8's maximum string length a value stays a Buffer even when it is text.
  return buf.length <= MAX_STRING_LENGTH && isUtf8(buf) ? buf.toString('utf8') : buf;
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

/**
 * True when a key (or member) string is the reserved form of non-UTF-8 bytes: a
 * lone U+D800 first (D800 followed by a low surrogate is real text, U+10000…).
 */
export function isBinaryKey(key: string): boolean {
  if (key.charCodeAt(0) !== 0xd800) return false;
  const next = key.charCodeAt(1);
  return !(next >= 0xdc00 && next <= 0xdfff);
}

/** A keyspace key as it goes back to a client: the original bytes for reserved-form keys. */
export function keyToValue(key: string): RedisValue {
  return isBinaryKey(key) ? Buffer.from(key.slice(1), 'latin1') : key;
}

/** The bytes of a keyspace key. */
export function keyToBytes(key: string): Buffer {
  return valueToBytes(keyToValue(key));
}

/** An argument as text, for option names and numbers (non-UTF-8 bytes decode lossily, never matching). */
export function argText(arg: Arg): string {
  return typeof arg === 'string' ? arg : arg.toString('utf8');
}

/**
 * True when the argument is the option `upper` (upper-case ASCII), compared as
 * Redis's `strcasecmp` on C strings does: ASCII case fold, and the argument ends
 * at its first NUL byte (`EX\0junk` is `EX`).
 */
export function isOption(arg: Arg, upper: string): boolean {
  const n = upper.length;
  if (arg.length < n) return false;
  for (let i = 0; i < n; i++) {
    let c = typeof arg === 'string' ? arg.charCodeAt(i) : arg[i];
    if (c >= 97 && c <= 122) c -= 32;
    if (c !== upper.charCodeAt(i)) return false;
  }
  return arg.length === n || (typeof arg === 'string' ? arg.charCodeAt(n) : arg[n]) === 0;
}

/** Two values hold the same bytes. */
export function sameBytes(a: RedisValue, b: RedisValue): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a === b;
  return valueToBytes(a).equals(valueToBytes(b));
}
