/**
 * What a keyspace slot holds. Strings are stored bare (a JS string or Buffer, no
 * wrapper object): a wrapper costs ≥40 bytes per key on Node's 8-byte pointers,
 * which would break the memory budget (DESIGN.md §4). Aggregate types are
 * objects implementing {@link RedisObject}.
 */
import type { RedisValue } from '../util/bytes.js';

/** The Redis type names, as TYPE replies them. */
export type RedisType = 'string' | 'list' | 'set' | 'zset' | 'hash' | 'stream';

/** An aggregate value (hash, list, set, zset, ...) stored in the keyspace. */
export interface RedisObject {
  readonly type: Exclude<RedisType, 'string'>;
  /** The name OBJECT ENCODING reports, following Redis's size thresholds. */
  encoding(): string;
  /** A deep copy, for COPY. */
  clone(): RedisObject;
}

/** A keyspace value: a bare string value or an aggregate. */
export type StoredValue = RedisValue | RedisObject;

/** True when the stored value is a Redis string. */
export function isStringValue(v: StoredValue): v is RedisValue {
  return typeof v === 'string' || v instanceof Uint8Array;
}

/** The TYPE of a stored value. */
export function typeOf(v: StoredValue): RedisType {
  return typeof v === 'string' || v instanceof Uint8Array ? 'string' : (v as RedisObject).type;
}
