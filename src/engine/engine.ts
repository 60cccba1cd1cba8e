/**
 * The engine: databases, clock, stats, the active expiry cycle and the signals
 * that other subsystems hook (key modified for WATCH and blocked clients,
 * keyspace notifications). It knows nothing of commands or RESP.
 */
import { type Clock, systemClock } from './clock.js';
import { Database } from './database.js';
import { ActiveExpiry } from './expiry.js';

/** Options for {@link Engine}. */
export interface EngineOptions {
  /** Number of databases (SELECT 0..n-1). Default 16. */
  databases?: number;
  /** Time source; inject a ManualClock in tests. Default: the wall clock. */
  clock?: Clock;
  /** Run the active expiry cycle on a timer. Default true. */
  activeExpiry?: boolean;
  /** Active expiry frequency in cycles per second (Redis's `hz`). Default 10. */
  hz?: number;
  /**
   * Record per-key access times (OBJECT IDLETIME, LRU eviction). Costs a side-map
   * entry per key and a map write per read. Default false.
   */
  trackAccess?: boolean;
}

/** Counters INFO reports. */
export class EngineStats {
  keyspaceHits = 0;
  keyspaceMisses = 0;
  expiredKeys = 0;
  evictedKeys = 0;
  expiredStalePerc = 0;
  expireCycleCpuMs = 0;
}

/** Called when a key is modified (Redis's `signalModifiedKey`). */
export type KeyModifiedListener = (db: Database, key: string) => void;
/** Called for a keyspace event (Redis's `notifyKeyspaceEvent`). */
export type NotifyListener = (type: number, event: string, key: string, dbIndex: number) => void;

export class Engine {
  readonly clock: Clock;
  readonly dbs: Database[];
  readonly stats = new EngineStats();
  readonly startedAt: number;
  /** Active expiry frequency in cycles per second (Redis's `hz`). */
  readonly hz: number;
  /** Per-key access times are kept (see {@link EngineOptions.trackAccess}). */
  trackAccess: boolean;
  /** `maxmemory` in bytes; 0 means no limit. */
  maxmemory = 0;
  /**
   * True under an LFU `maxmemory-policy`: reads keep per-key LFU counters (OBJECT FREQ).
   * Derived from {@link maxmemoryPolicy}.
   */
  lfu = false;
  private policy = 'noeviction';
  /** Bit set of the enabled notification classes (`notify-keyspace-events`); 0 when off. */
  notifyFlags = 0;
  private readonly keyListeners: KeyModifiedListener[] = [];
  private readonly notifyListeners: NotifyListener[] = [];
  private readonly activeExpiry: ActiveExpiry;

  constructor(options: EngineOptions = {}) {
    this.clock = options.clock ?? systemClock;
    const n = options.databases ?? 16;
    if (!Number.isInteger(n) || n < 1) throw new RangeError('databases must be a positive integer');
    this.dbs = Array.from({ length: n }, (_, i) => new Database(this, i));
    this.trackAccess = options.trackAccess ?? false;
    this.startedAt = this.clock.now();
    this.hz = options.hz ?? 10;
    this.activeExpiry = new ActiveExpiry(this, this.hz);
    if (options.activeExpiry ?? true) this.activeExpiry.start();
  }

  /**
   * `maxmemory-policy` (eviction itself arrives with the eviction work; OBJECT FREQ/IDLETIME
   * consult it). An LRU or LFU policy turns access tracking on, as Redis always tracks then.
   */
  get maxmemoryPolicy(): string {
    return this.policy;
  }
  set maxmemoryPolicy(policy: string) {
    this.policy = policy;
    this.lfu = policy.endsWith('-lfu');
    if (this.lfu || policy.endsWith('-lru')) this.trackAccess = true;
  }

  /** The LRU clock: whole seconds (Redis's resolution for OBJECT IDLETIME). */
  lruClock(): number {
    return Math.floor(this.clock.now() / 1000);
  }

  /** Runs one active expiry cycle now (tests call this after moving a ManualClock). */
  expireCycle(): void {
    this.activeExpiry.cycle();
  }

  /** Starts or stops the active expiry timer (DEBUG SET-ACTIVE-EXPIRE). */
  setActiveExpiry(on: boolean): void {
    if (on) this.activeExpiry.start();
    else this.activeExpiry.stop();
  }

  /** Turns per-key access tracking on or off; turning it off forgets recorded times. */
  setTrackAccess(on: boolean): void {
    this.trackAccess = on;
    if (!on) for (const db of this.dbs) db.access.clear();
  }

  /** Subscribes to key modifications; returns the unsubscribe function. */
  onKeyModified(listener: KeyModifiedListener): () => void {
    this.keyListeners.push(listener);
    return () => {
      const i = this.keyListeners.indexOf(listener);
      if (i >= 0) this.keyListeners.splice(i, 1);
    };
  }

  /** True when anyone listens for key modifications. */
  hasKeyListeners(): boolean {
    return this.keyListeners.length !== 0;
  }

  /** Signals that a key was modified. Free when nobody listens. */
  keyModified(db: Database, key: string): void {
    const listeners = this.keyListeners;
    if (listeners.length === 0) return;
    for (let i = 0; i < listeners.length; i++) listeners[i](db, key);
  }

  /** Subscribes to keyspace events; returns the unsubscribe function. */
  onNotify(listener: NotifyListener): () => void {
    this.notifyListeners.push(listener);
    return () => {
      const i = this.notifyListeners.indexOf(listener);
      if (i >= 0) this.notifyListeners.splice(i, 1);
    };
  }

  /**
   * Emits a keyspace event of class `type` (a {@link Notify} bit). Call sites guard
   * with `engine.notifyFlags !== 0` so that the disabled case costs one comparison.
   */
  notify(type: number, event: string, key: string, dbIndex: number): void {
    if ((this.notifyFlags & type) === 0) return;
    for (const l of this.notifyListeners) l(type, event, key, dbIndex);
  }

  /** Total keys in all databases. */
  totalKeys(): number {
    let n = 0;
    for (const db of this.dbs) n += db.size;
    return n;
  }

  /** Stops timers. The engine stays usable; only background expiry stops. */
  close(): void {
    this.activeExpiry.stop();
  }
}
