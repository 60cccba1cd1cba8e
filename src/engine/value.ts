/**
 * What a keyspace slot holds. Strings are stored bare (a JS string or Buffer, no
 * wrapper object): a wrapper costs ≥40 bytes per key on Node's 8-byte pointers,
 * which would break the memory budget (DESIGN.md §4). Aggregate types are
 * objects implementing {@link RedisObject}.
 */
import type { RedisValue } from '../util/bytes.js';
import type { Meter } from './memory.js';

/** The Redis type names, as TYPE replies them. */
export type RedisType = 'string' | 'list' | 'set' | 'zset' | 'hash' | 'stream';

/** An aggregate value (hash, list, set, zset, ...) stored in the keyspace. */
export interface RedisObject {
  readonly type: Exclude<RedisType, 'string'>;
  /** The name OBJECT ENCODING reports, following Redis's size thresholds. */
  encoding(): string;
  /** A deep copy, for COPY. */
  clone(): RedisObject;
  /**
   * Estimated heap bytes of the value (the object, its containers and elements),
   * in O(1): the elements' bytes are kept by the mutating methods (engine/memory.ts).
   */
  memoryBytes(): number;
  /** Engine bookkeeping (engine/memory.ts): the bytes of this value the keyspace total holds. */
  accounted: number;
  /** Engine bookkeeping: how many keyspace slots hold this value (1 while stored; 2 for an instant in RENAME). */
  refs: number;
  /** Engine bookkeeping: the byte count (a database's) that counts this value, or null. */
  owner: Meter | null;
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
