/**
 * WATCH: the registry of watched keys (Redis's `db->watched_keys` and each
 * client's `watched_keys` list, multi.c).
 *
 * Design: per engine, one map per database from a key to the entries watching
 * it; each watcher (a client session) also lists its own entries, for UNWATCH.
 * The registry listens to the engine's key-modified signal only while at least
 * one key is watched, so when nobody watches, GET/SET pay nothing beyond the
 * engine's empty-listener check. A modification marks every watcher of the key
 * dirty (CLIENT_DIRTY_CAS) and drops all its watches, as Redis 7.0 does: once
 * dirty, EXEC fails whatever else happens.
 *
 * Expiry follows Redis 7.0: a key that expires after WATCH fails EXEC, checked
 * at EXEC even when the key was not reclaimed yet (isWatchedKeyExpired); a key
 * already expired when WATCHed counts as absent, so reclaiming it changes
 * nothing, while a write that brings the key back does.
 */
import type { Database } from './database.js';
import type { Engine } from './engine.js';

/** A client that can WATCH keys (a Session). */
export interface Watcher {
  /** A watched key was modified: the next EXEC fails (CLIENT_DIRTY_CAS). */
  dirtyCas: boolean;
  /** The keys this client watches, or null when none. */
  watched: WatchedKey[] | null;
}

/** One watched key of one client (Redis's watchedKey). */
export interface WatchedKey {
  readonly watcher: Watcher;
  readonly db: Database;
  readonly key: string;
  /** The key was already expired when WATCHed (it counts as absent). */
  expired: boolean;
}

/** The watched keys of one engine. */
class WatchRegistry {
  private readonly byDb = new Map<Database, Map<string, WatchedKey[]>>();
  /** Watched entries over all databases. */
  size = 0;
  private unsubscribe: (() => void) | null = null;
  private readonly listener = (db: Database, key: string): void => this.touch(db, key);
  /** Inside touch(), i.e. inside the engine's loop over key-modified listeners. */
  private touching = false;
  private releasePending = false;

  constructor(private readonly engine: Engine) {}

  /** The entries watching `key` in `db`. */
  entries(db: Database, key: string): WatchedKey[] | undefined {
    return this.byDb.get(db)?.get(key);
  }

  add(wk: WatchedKey): void {
    let keys = this.byDb.get(wk.db);
    if (keys === undefined) this.byDb.set(wk.db, (keys = new Map()));
    const list = keys.get(wk.key);
    if (list === undefined) keys.set(wk.key, [wk]);
    else list.push(wk);
    // The first watch subscribes (unless the last one's release is still pending).
    if (this.size++ === 0 && this.unsubscribe === null) {
      this.unsubscribe = this.engine.onKeyModified(this.listener);
    }
  }

  remove(wk: WatchedKey): void {
    const keys = this.byDb.get(wk.db);
    const list = keys?.get(wk.key);
    if (keys === undefined || list === undefined) return;
    const i = list.indexOf(wk);
    if (i < 0) return;
    list.splice(i, 1);
    if (list.length === 0) {
      keys.delete(wk.key);
      if (keys.size === 0) this.byDb.delete(wk.db);
    }
    if (--this.size === 0) this.release();
  }

  /** Stops listening once nothing is watched. */
  private release(): void {
    if (!this.touching) {
      this.unsubscribe?.();
      this.unsubscribe = null;
      return;
    }
    // Unsubscribing now would shift the engine's listener array under its running loop (the
    // next listener would miss this signal): leave after it, unless a new WATCH comes first.
    if (this.releasePending) return;
    this.releasePending = true;
    queueMicrotask(() => {
      this.releasePending = false;
      if (this.size === 0 && !this.touching) this.release();
    });
  }

  /** Redis's touchWatchedKey: the key was modified (written, deleted, expired, flushed...). */
  private touch(db: Database, key: string): void {
    const list = this.entries(db, key);
    if (list === undefined) return;
    this.touching = true;
    try {
      // Marking a watcher dirty removes its entries from this list: walk a copy.
      for (const wk of list.slice()) {
        if (wk.expired && (!db.data.has(key) || db.isExpired(key))) {
          // An already expired key was reclaimed (or flushed): logically no change, and
          // from now on the key is simply absent.
          wk.expired = false;
          continue;
        }
        wk.watcher.dirtyCas = true;
        unwatchAllKeys(wk.watcher);
      }
    } finally {
      this.touching = false;
    }
  }
}

const registries = new WeakMap<Engine, WatchRegistry>();

function registryOf(engine: Engine): WatchRegistry {
  let r = registries.get(engine);
  if (r === undefined) registries.set(engine, (r = new WatchRegistry(engine)));
  return r;
}

/** Redis's watchForKey: watches `key` in `db` (once per client and database). */
export function watchKey(watcher: Watcher, db: Database, key: string): void {
  const registry = registryOf(db.engine);
  const list = registry.entries(db, key);
  if (list !== undefined) for (const wk of list) if (wk.watcher === watcher) return;
  const wk: WatchedKey = { watcher, db, key, expired: db.isExpired(key) };
  registry.add(wk);
  if (watcher.watched === null) watcher.watched = [wk];
  else watcher.watched.push(wk);
}

/** Redis's unwatchAllKeys: forgets every key the client watches (the dirty flag is the caller's). */
export function unwatchAllKeys(watcher: Watcher): void {
  const watched = watcher.watched;
  if (watched === null) return;
  watcher.watched = null;
  for (const wk of watched) registryOf(wk.db.engine).remove(wk);
}

/**
 * Redis's isWatchedKeyExpired: true when a watched key has expired since it was
 * WATCHed, even if it was not reclaimed yet.
 */
export function isWatchedKeyExpired(watcher: Watcher): boolean {
  const watched = watcher.watched;
  if (watched === null) return false;
  for (const wk of watched) if (!wk.expired && wk.db.isExpired(wk.key)) return true;
  return false;
}

/** How many keys are watched in the engine, over all clients (0 means no key-modified listener). */
export function watchedKeyCount(engine: Engine): number {
  return registries.get(engine)?.size ?? 0;
}
