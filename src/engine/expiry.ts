/**
 * Active expiry, as Redis's `activeExpireCycle`: every 1/hz seconds, per database
 * with volatile keys, check keys 20 at a time and delete the expired ones; repeat
 * while more than 25% of a sample was expired, within a time budget (25% of the
 * period). Instead of random buckets, each database keeps a live iterator over
 * its expires map and resumes where it stopped, so every volatile key is visited
 * in turn. The timer is `unref()`'d: it never keeps the process alive.
 */
import type { Engine } from './engine.js';

const KEYS_PER_LOOP = 20;
const ACCEPTABLE_STALE_PERCENT = 25;

export class ActiveExpiry {
  private timer: NodeJS.Timeout | undefined;
  private cursors = new WeakMap<Map<string, number>, Iterator<[string, number]>>();

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
  }

  /** One cycle over all databases. */
  cycle(): void {
    const started = performance.now();
    const budgetMs = 250 / this.hz;
    const now = this.engine.clock.now();
    let sampledTotal = 0;
    let expiredTotal = 0;
    for (const db of this.engine.dbs) {
      for (;;) {
        const expires = db.expires;
        if (expires.size === 0) break;
        let it = this.cursors.get(expires);
        if (!it) {
          it = expires.entries();
          this.cursors.set(expires, it);
        }
        let sampled = 0;
        let expired = 0;
        const limit = Math.min(KEYS_PER_LOOP, expires.size);
        while (sampled < limit) {
          const next = it.next();
          if (next.done) {
            it = expires.entries();
            this.cursors.set(expires, it);
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
