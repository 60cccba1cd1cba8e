/**
 * The engine: databases, clock, stats, the active expiry cycle and the signals
 * that other subsystems hook (key modified for WATCH and blocked clients,
 * keyspace notifications). It knows nothing of commands or RESP.
 */
import { channel } from 'node:diagnostics_channel';
import type { Session } from '../commands/session.js';
import { Err, ReplyError } from '../errors.js';
import { BlockingRegistry } from './blocking.js';
import { type Clock, systemClock } from './clock.js';
import { ACCESS_CLOCK_MASK, Database } from './database.js';
import { Evictor, policyBits } from './eviction.js';
import { ActiveExpiry } from './expiry.js';
import { type CommandStat, ErrorStats, LatencyMonitor, SlowLog } from './monitor.js';
import { Notify } from './notify.js';
import type { StoredValue } from './value.js';

/**
 * `cachee:evicted` (node:diagnostics_channel): `{ key, db }` for every key evicted
 * by `maxmemory-policy`, published only while the channel has subscribers.
 */
/** node:diagnostics_channel name of eviction events. */
export const EVICTED_CHANNEL = 'cachee:evicted';
export const evictedChannel = channel(EVICTED_CHANNEL);

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
  /**
   * `enable-debug-command`: whether DEBUG may run: 'no' (default), 'yes', or 'local'
   * (in-process callers and loopback connections only).
   */
  enableDebugCommand?: 'no' | 'yes' | 'local';
  /** `maxmemory` in bytes of the memory estimate (engine/memory.ts); 0 (default) means no limit. */
  maxmemory?: number;
  /** `maxmemory-policy`: noeviction (default), allkeys-lru/lfu/random, volatile-lru/lfu/random/ttl. */
  maxmemoryPolicy?: string;
  /** `maxmemory-samples`: keys sampled per database per eviction round. Default 5. */
  maxmemorySamples?: number;
  /** Random source in [0, 1) for eviction sampling and LFU counters; inject a seeded one in tests. Default Math.random. */
  random?: () => number;
}

/** Counters INFO reports. */
export class EngineStats {
  keyspaceHits = 0;
  keyspaceMisses = 0;
  expiredKeys = 0;
  evictedKeys = 0;
  expiredStalePerc = 0;
  expireCycleCpuMs = 0;

  /** CONFIG RESETSTAT. */
  reset(): void {
    this.keyspaceHits = 0;
    this.keyspaceMisses = 0;
    this.expiredKeys = 0;
    this.evictedKeys = 0;
    this.expiredStalePerc = 0;
    this.expireCycleCpuMs = 0;
  }
}

/** Called when a key is modified (Redis's `signalModifiedKey`). */
export type KeyModifiedListener = (db: Database, key: string) => void;
/** Called for a keyspace event (Redis's `notifyKeyspaceEvent`). */
export type NotifyListener = (type: number, event: string, key: string, dbIndex: number) => void;
/**
 * Called for each key evicted by `maxmemory-policy`, after it was deleted, with
 * its (keyspace-form) key, the value it held and its database. Called
 * synchronously inside the command that caused the eviction: it must not write
 * to the engine (such writes do not evict in turn).
 */
export type EvictedListener = (key: string, value: StoredValue, dbIndex: number) => void;

export class Engine {
  readonly clock: Clock;
  readonly dbs: Database[];
  readonly stats = new EngineStats();
  /** Clients blocked on keys (BLPOP, BLMOVE, BZPOPMIN, ...): engine/blocking.ts. */
  readonly blocking: BlockingRegistry = new BlockingRegistry(this);
  /** Clients in MONITOR mode, in the order they asked (commands/monitor.ts feeds them). */
  readonly monitors = new Set<Session>();
  readonly startedAt: number;
  /** Active expiry frequency in cycles per second (Redis's `hz`, 1..500). */
  get hz(): number {
    return this.hzValue;
  }
  private hzValue: number;
  /** Per-key access times are kept (see {@link EngineOptions.trackAccess}). */
  trackAccess: boolean;
  /** `maxmemory` in bytes of {@link usedBytes}; 0 means no limit. */
  maxmemory = 0;
  /**
   * The running memory estimate of every database (engine/memory.ts): what INFO
   * reports as used_memory and `maxmemory` bounds. Kept by the databases.
   */
  usedBytes = 0;
  /** The random source (eviction sampling, LFU counters). */
  readonly random: () => number;
  /** Policy bits of {@link maxmemoryPolicy} (engine/eviction.ts); 0 for noeviction. */
  evictionPolicy = 0;
  /**
   * Whether the last command started out of memory (Redis's pre_command_oom_state),
   * set by dispatch while `maxmemory` is on: scripts refuse their first denyoom write then.
   */
  oomAtCommandStart = false;
  /**
   * True under an LFU `maxmemory-policy`: reads keep per-key LFU counters (OBJECT FREQ).
   * Derived from {@link maxmemoryPolicy}.
   */
  lfu = false;
  private policy = 'noeviction';
  private readonly evictor: Evictor;
  private readonly evictedListeners: EvictedListener[] = [];
  /** The access clock's cached reading (system clock only: see {@link accessClock}). */
  private accessNow = 0;
  private accessReads = 0;
  private accessFlushQueued = false;
  private readonly cacheAccessClock: boolean;
  private readonly flushAccessClock = (): void => {
    this.accessReads = 0;
    this.accessFlushQueued = false;
  };
  /** Bit set of the enabled notification classes (`notify-keyspace-events`); 0 when off. */
  notifyFlags = 0;

  // Settings CONFIG SET changes (commands/config-registry.ts), with Redis's defaults.
  /** `maxmemory-samples`: keys sampled per eviction. */
  maxmemorySamples = 5;
  /** `lfu-log-factor`: how slowly the LFU counter grows. */
  lfuLogFactor = 10;
  /** `lfu-decay-time`: minutes per LFU counter decrement (0: never decays). */
  lfuDecayTime = 1;
  /** `busy-reply-threshold` (alias `lua-time-limit`): a script running longer is stopped, in ms. */
  scriptTimeLimitMs = 5000;
  /** `slowlog-log-slower-than` in µs; negative disables the slow log. */
  slowlogLogSlowerThan = 10000;
  /** `slowlog-max-len`. */
  slowlogMaxLen = 128;
  /** `latency-monitor-threshold` in ms; 0 disables the latency monitor. */
  latencyMonitorThreshold = 0;
  /** `latency-tracking`: per-command latency histograms (INFO latencystats, LATENCY HISTOGRAM). */
  latencyTracking = true;
  /** `latency-tracking-info-percentiles`. */
  latencyTrackingPercentiles: number[] = [50, 99, 99.9];
  /** `list-max-listpack-size` (accepted and reported). */
  listMaxListpackSize = -2;
  /** `enable-debug-command` (fixed at construction). */
  readonly enableDebugCommand: 'no' | 'yes' | 'local';

  // What the instance records about itself (engine/monitor.ts).
  /** SLOWLOG. */
  readonly slowlog = new SlowLog();
  /** LATENCY LATEST / HISTORY / DOCTOR / GRAPH. */
  readonly latency = new LatencyMonitor();
  /** INFO commandstats and latencystats, by full command name (`config|set`). */
  readonly commandStats = new Map<string, CommandStat>();
  /** INFO errorstats and `total_error_replies`. */
  readonly errorStats = new ErrorStats();

  private readonly keyListeners: KeyModifiedListener[] = [];
  private readonly notifyListeners: NotifyListener[] = [];
  private activeExpiry: ActiveExpiry;
  private activeExpiryOn: boolean;

  constructor(options: EngineOptions = {}) {
    this.clock = options.clock ?? systemClock;
    const n = options.databases ?? 16;
    if (!Number.isInteger(n) || n < 1) throw new RangeError('databases must be a positive integer');
    this.dbs = Array.from({ length: n }, (_, i) => new Database(this, i));
    this.trackAccess = options.trackAccess ?? false;
    this.random = options.random ?? Math.random;
    this.cacheAccessClock = this.clock === systemClock;
    this.evictor = new Evictor(this);
    if (options.maxmemory !== undefined) this.maxmemory = options.maxmemory;
    if (options.maxmemoryPolicy !== undefined) this.maxmemoryPolicy = options.maxmemoryPolicy;
    if (options.maxmemorySamples !== undefined) this.maxmemorySamples = options.maxmemorySamples;
    this.startedAt = this.clock.now();
    this.hzValue = clampHz(options.hz ?? 10);
    this.enableDebugCommand = options.enableDebugCommand ?? 'no';
    this.activeExpiry = new ActiveExpiry(this, this.hzValue);
    this.activeExpiryOn = options.activeExpiry ?? true;
    if (this.activeExpiryOn) this.activeExpiry.start();
  }

  /** Changes `hz` (clamped to 1..500 as Redis does), restarting the expiry timer at the new rate. */
  setHz(hz: number): void {
    const next = clampHz(hz);
    if (next === this.hzValue) return;
    this.hzValue = next;
    this.activeExpiry.stop();
    this.activeExpiry = new ActiveExpiry(this, next);
    if (this.activeExpiryOn) this.activeExpiry.start();
  }

  /**
   * `maxmemory-policy` (engine/eviction.ts; OBJECT FREQ/IDLETIME consult it). An LRU
   * or LFU policy turns access tracking on, as Redis always tracks then. Throws a
   * RangeError for a name that is not a policy.
   */
  get maxmemoryPolicy(): string {
    return this.policy;
  }
  set maxmemoryPolicy(policy: string) {
    const bits = policyBits(policy);
    if (bits === undefined) throw new RangeError(`unknown maxmemory-policy '${policy}'`);
    if (bits !== this.evictionPolicy) this.evictor.clearPool();
    this.evictionPolicy = bits;
    this.policy = policy;
    this.lfu = policy.endsWith('-lfu');
    if (this.lfu || policy.endsWith('-lru')) this.trackAccess = true;
  }

  /**
   * Redis's performEvictions: when {@link usedBytes} is over `maxmemory`, evicts by
   * `maxmemory-policy` until it is not. Returns false when it cannot get within the
   * limit (noeviction, or no key the policy may evict). Free when under the limit.
   */
  evict(): boolean {
    return this.usedBytes <= this.maxmemory || this.maxmemory === 0 || this.evictor.perform();
  }

  /**
   * Before a write that may grow memory (a denyoom command) from the sync API:
   * evicts when over `maxmemory`, and throws Redis's OOM error when still over.
   */
  reserveMemory(): void {
    if (this.usedBytes > this.maxmemory && this.maxmemory !== 0 && !this.evictor.perform()) {
      throw new ReplyError(Err.oom);
    }
  }

  /** Subscribes to evictions; returns the unsubscribe function. */
  onEvicted(listener: EvictedListener): () => void {
    this.evictedListeners.push(listener);
    return () => {
      const i = this.evictedListeners.indexOf(listener);
      if (i >= 0) this.evictedListeners.splice(i, 1);
    };
  }

  /** After an eviction deleted `key` (engine/eviction.ts): the `evicted` event, listeners, the channel. */
  keyEvicted(db: Database, key: string, value: StoredValue | undefined): void {
    if (this.notifyFlags !== 0) this.notify(Notify.evicted, 'evicted', key, db.index);
    const listeners = this.evictedListeners;
    if (value !== undefined) for (let i = 0; i < listeners.length; i++) listeners[i](key, value, db.index);
    if (evictedChannel.hasSubscribers) evictedChannel.publish({ key, db: db.index });
  }

  /**
   * The time recorded as a key's last access (ms modulo 2^31). Date.now() costs
   * ~40 ns, more than a GET, so with the system clock a reading is reused for up
   * to 256 accesses within one event-loop turn (a microtask ends the turn's
   * reading): LRU still tells apart accesses a few hundred operations apart, and
   * accesses in different turns get their own time. An injected clock is read
   * every time.
   */
  accessClock(): number {
    if (this.accessReads > 0) {
      this.accessReads--;
      return this.accessNow;
    }
    const now = this.clock.now() & ACCESS_CLOCK_MASK;
    if (this.cacheAccessClock) {
      this.accessNow = now;
      this.accessReads = 255;
      if (!this.accessFlushQueued) {
        this.accessFlushQueued = true;
        queueMicrotask(this.flushAccessClock);
      }
    }
    return now;
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
    this.activeExpiryOn = on;
    if (on) this.activeExpiry.start();
    else this.activeExpiry.stop();
  }

  /** Turns per-key access tracking on or off; turning it off forgets recorded times. */
  setTrackAccess(on: boolean): void {
    this.trackAccess = on;
    if (!on) {
      for (const db of this.dbs) {
        db.access.clear();
        db.syncSideBytes();
      }
    }
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
    this.activeExpiryOn = false;
    this.activeExpiry.stop();
    this.evictor.stop();
  }

  /** Records a latency event when it reaches `latency-monitor-threshold` (latencyAddSampleIfNeeded). */
  latencySample(event: string, ms: number): void {
    const threshold = this.latencyMonitorThreshold;
    if (threshold > 0 && ms >= threshold) this.latency.add(event, ms, Math.floor(this.clock.now() / 1000));
  }
}

/** CONFIG_MIN_HZ .. CONFIG_MAX_HZ. */
function clampHz(hz: number): number {
  return hz < 1 ? 1 : hz > 500 ? 500 : Math.floor(hz);
}
