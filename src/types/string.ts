/**
 * Strings: typed operations on string values. A value is stored bare in the
 * keyspace (a JS string or a Buffer; see engine/value.ts), so GET is one Map
 * lookup. These ops know nothing of argv or replies; they throw ReplyError for
 * Redis's errors (WRONGTYPE, overflow, ...).
 */
import type { Database } from '../engine/database.js';
import { isStringValue } from '../engine/value.js';
import { wrongType } from '../errors.js';
import type { RedisValue } from '../util/bytes.js';

/** GET: the value, or null when absent; WRONGTYPE for other types. */
export function getString(db: Database, key: string): RedisValue | null {
  const v = db.read(key);
  if (v === undefined) return null;
  if (typeof v === 'string' || isStringValue(v)) return v;
  return wrongType();
}
