/**
 * What ioredis does to a reply before resolving it, on top of the sync API's
 * shapes (ioredis-shape.ts): the reply encoding of the method (`get` decodes
 * bulk strings as UTF-8, `getBuffer` keeps them as Buffers, status replies
 * included), the `stringNumbers` option, the one reply transformer ioredis has
 * (HGETALL → object), EXEC results as `[[err, value], ...]`, and node-style
 * callbacks beside the returned Promise (standard-as-callback's rules).
 */
import { ReplyError } from '../errors.js';
import type { IoredisValue } from './ioredis-shape.js';

/** How a method encodes its reply: 'utf8' for `get`, 'buffer' for `getBuffer`, 'raw' to leave it as is. */
export type ReplyEncoding = 'utf8' | 'buffer' | 'raw';

/** A node-style callback, given as the last argument of any command method. */
export type Callback<T = unknown> = (err?: Error | null, result?: T) => void;

/**
 * Converts a sync-API value in place to what ioredis resolves: in 'utf8' every
 * Buffer becomes its UTF-8 decoding (lossy for invalid bytes, as in ioredis),
 * in 'buffer' every string becomes a Buffer; with `stringNumbers` integers
 * become their decimal text. Errors nested in arrays (EXEC) stay as they are.
 */
export function encodeReply(value: IoredisValue, encoding: ReplyEncoding, stringNumbers: boolean): unknown {
  if (encoding === 'raw') return value;
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
      return encoding === 'buffer' ? Buffer.from(value) : value;
    case 'number':
      return stringNumbers ? String(value) : value;
  }
  if (Buffer.isBuffer(value)) return encoding === 'buffer' ? value : value.toString();
  if (Array.isArray(value)) {
    // toIoredis builds fresh arrays, so converting in place is safe.
    for (let i = 0; i < value.length; i++) {
      value[i] = encodeReply(value[i], encoding, stringNumbers) as IoredisValue;
    }
  }
  return value;
}

/**
 * Applies the reply transformer ioredis registers for a command, after the
 * encoding: HGETALL's flat field/value array becomes an object (fields such as
 * `__proto__` become own properties, as ioredis does).
 */
export function transformReply(command: string, value: unknown): unknown {
  if (command !== 'hgetall' || !Array.isArray(value)) return value;
  const obj: Record<string, unknown> = {};
  for (let i = 0; i < value.length; i += 2) {
    const key = String(value[i]);
    if (key in obj) {
      Object.defineProperty(obj, key, {
        value: value[i + 1],
        configurable: true,
        enumerable: true,
        writable: true,
      });
    } else {
      obj[key] = value[i + 1];
    }
  }
  return obj;
}

/** Encodes then transforms a reply, as ioredis's Command#transformReply. */
export function shapeReply(
  command: string,
  value: IoredisValue,
  encoding: ReplyEncoding,
  stringNumbers: boolean,
): unknown {
  const encoded = encodeReply(value, encoding, stringNumbers);
  return command === 'hgetall' ? transformReply(command, encoded) : encoded;
}

/** What `exec()` resolves to: one `[error]` or `[null, result]` per command. */
export type PipelineResult = [error: Error | null, result?: unknown][];

/** ioredis's wrapMultiResult: EXEC's array becomes `[[null, value] | [error], ...]`; null stays null. */
export function wrapMultiResult(arr: unknown): PipelineResult | null {
  if (!Array.isArray(arr)) return null;
  const out: PipelineResult = new Array(arr.length);
  for (let i = 0; i < arr.length; i++) {
    const item = arr[i];
    out[i] = item instanceof Error ? [item] : [null, item];
  }
  return out;
}

/**
 * Calls `callback` with the outcome of `promise` (standard-as-callback): `(err)` or
 * `(null, value)`, from a later job; an exception thrown by the callback is rethrown
 * out of band. Returns `promise` itself, whose rejection is then handled.
 */
export function asCallback<T>(promise: Promise<T>, nodeback: Callback<never> | undefined): Promise<T> {
  if (typeof nodeback !== 'function') return promise;
  const callback = nodeback as Callback<T>;
  promise.then(
    (value) => {
      try {
        if (value === undefined) callback(null);
        else callback(null, value);
      } catch (e) {
        throwLater(e);
      }
    },
    (cause: unknown) => {
      let error = cause;
      if (!error) error = Object.assign(new Error(`${error}`), { cause });
      try {
        callback(error as Error);
      } catch (e) {
        throwLater(e);
      }
    },
  );
  return promise;
}

function throwLater(e: unknown): void {
  setTimeout(() => {
    throw e;
  }, 0);
}

/** Takes a trailing callback off an argument list (ioredis's convention); returns it or undefined. */
export function popCallback(args: unknown[]): Callback<never> | undefined {
  const last = args[args.length - 1];
  if (typeof last !== 'function') return undefined;
  args.pop();
  return last as Callback<never>;
}

/** The `command` property ioredis sets on reply errors: the command name and its arguments. */
export interface ErrorCommand {
  name: string;
  args: unknown[];
}

/**
 * A reply error as ioredis rejects with it: the same ReplyError type and message, with
 * `command` set to what was sent. A fresh error, so shared error objects stay untouched.
 */
export function commandError(error: ReplyError, name: string, args: readonly unknown[]): ReplyError {
  const out = new ReplyError(error.message) as ReplyError & { command: ErrorCommand };
  out.command = { name, args: args.slice() };
  return out;
}

/** ioredis's isInt: the argument parses as a 32-bit-safe integer (SELECT's db index). */
export function isInt(value: unknown): boolean {
  const x = Number.parseFloat(value as string);
  return !Number.isNaN(Number(value)) && (x | 0) === x;
}

/** redis-parser's parseSimpleNumbers: the digits accumulated in a double, as ioredis resolves an integer. */
export function parsedNumber(n: bigint): number {
  const text = n.toString();
  const negative = text.charCodeAt(0) === 45;
  let value = 0;
  for (let i = negative ? 1 : 0; i < text.length; i++) value = value * 10 + (text.charCodeAt(i) - 48);
  return negative ? -value : value;
}
