/**
 * Active expiry, as Redis's `activeExpireCycle`: every 1/hz seconds, per database
 * with volatile keys, check keys 20 at a time and delete the expired ones; repeat
 * while more than 25% of a sample was expired, within a time budget (25% of the
 * period). Instead of random buckets, each database keeps a live iterator over
 * its expires map and resumes where it stopped, so every volatile key is visited
 * in turn. The timer is `unref()`'d: it never keeps the process alive.
 *
 * A parked Map iterator keeps the table it last saw alive (V8 links a cleared or
 * rehashed table to its successor), with every key that table held, until it is
 * advanced. So, as eviction does with its cursors, a database's iterator is
 * dropped when its expires map is empty (FLUSHDB clears it), when the database
 * holds another map (SWAPDB), when the timer stops, and when cycles run by hand
 * (`Engine.expireCycle`, timer off) stop for a second. While the timer runs,
 * every non-empty map's iterator advances each cycle, so no old table outlives
 * a cycle.
 */
import type { Engine } from './engine.js';

const KEYS_PER_LOOP = 20;
const ACCEPTABLE_STALE_PERCENT = 25;
/** Drop parked iterators after this long without a cycle (cycles run by hand). */
const CURSOR_IDLE_MS = 1000;

export class ActiveExpiry {
  private timer: NodeJS.Timeout | undefined;
  /** Per database index: the parked iterator and the expires map it walks. */
  private readonly its: (Iterator<[string, number]> | undefined)[] = [];
  private readonly maps: (Map<string, number> | undefined)[] = [];
  /** Drops the iterators once hand-run cycles stop (only while the timer is off). */
  private idleTimer: NodeJS.Timeout | undefined;
  private used = false;

  constructor(
    private readonly engine: Engine,
    private readonly hz: number,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.cycle(), Math.max(1, Math.round(1000 / this.hz)));
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.dropCursors();
  }

  /** Forgets every parked iterator (they restart from the head when needed). */
  private dropCursors(): void {
    if (this.idleTimer !== undefined) clearInterval(this.idleTimer);
    this.idleTimer = undefined;
    this.its.length = 0;
    this.maps.length = 0;
  }

  /** Arms the idle timer for cycles run without the interval timer (as eviction.ts does). */
  private markUsed(): void {
    this.used = true;
    if (this.idleTimer !== undefined || this.timer !== undefined) return;
    this.idleTimer = setInterval(() => {
      if (this.used) {
        this.used = false;
        return;
      }
      this.dropCursors();
    }, CURSOR_IDLE_MS);
    this.idleTimer.unref();
  }

  /** One cycle over all databases. */
  cycle(): void {
    const started = performance.now();
    const budgetMs = 250 / this.hz;
    const now = this.engine.clock.now();
    let sampledTotal = 0;
    let expiredTotal = 0;
    const dbs = this.engine.dbs;
    const its = this.its;
    const maps = this.maps;
    for (let i = 0; i < dbs.length; i++) {
      const db = dbs[i];
      for (;;) {
        const expires = db.expires;
        if (expires.size === 0) {
          // Nothing to do here: let go of the table the iterator last saw.
          if (its[i] !== undefined) its[i] = maps[i] = undefined;
          break;
        }
        let it = its[i];
        if (it === undefined || maps[i] !== expires) {
          it = its[i] = expires.entries();
          maps[i] = expires;
        }
        let sampled = 0;
        let expired = 0;
        const limit = Math.min(KEYS_PER_LOOP, expires.size);
        while (sampled < limit) {
          const next = it.next();
          if (next.done) {
            it = its[i] = expires.entries();
            if (sampled === 0 && expires.size === 0) break;
            continue;
          }
          sampled++;
          const [key, at] = next.value;
          if (at < now && db.expires.get(key) === at) {
            db.expire(key);
            expired++;
          }
        }
        sampledTotal += sampled;
        expiredTotal += expired;
        if (sampled === 0 || (expired * 100) / sampled <= ACCEPTABLE_STALE_PERCENT) break;
        if (performance.now() - started > budgetMs) break;
      }
      if (performance.now() - started > budgetMs) break;
    }
    if (this.timer === undefined) this.markUsed();
    const stats = this.engine.stats;
    if (sampledTotal > 0) {
      stats.expiredStalePerc = (expiredTotal / sampledTotal) * 0.05 + stats.expiredStalePerc * 0.95;
    }
    const elapsed = performance.now() - started;
    stats.expireCycleCpuMs += elapsed;
    if (this.engine.latencyMonitorThreshold > 0)
      this.engine.latencySample('expire-cycle', Math.floor(elapsed));
  }
}
