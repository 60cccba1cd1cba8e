/**
 * What the instance records about itself while it runs, as Redis does: the
 * slow log (slowlog.c), latency events (latency.c), per-command call counters
 * and latency histograms (INFO commandstats / latencystats), and error replies
 * by code (INFO errorstats). Plain data with bounded memory: the slow log is
 * trimmed to its configured length, each latency event keeps 160 samples, and
 * a histogram is a fixed array of counters, created on a command's first call.
 *
 * Command dispatch feeds these; the engine owns them so that every way in
 * (RESP server, sync API, scripts) shares one record, as one redis-server does.
 */
import { isUtf8 } from 'node:buffer';
import { byteLength, type RedisValue, valueToBytes } from '../util/bytes.js';

// ---------------------------------------------------------------------------
// Slow log

/** SLOWLOG_ENTRY_MAX_ARGC and SLOWLOG_ENTRY_MAX_STRING. */
const SLOWLOG_MAX_ARGC = 32;
const SLOWLOG_MAX_STRING = 128;

/** One SLOWLOG GET entry. */
export interface SlowlogEntry {
  readonly id: number;
  /** Unix time in seconds when the command was logged. */
  readonly time: number;
  /** Execution time in microseconds. */
  readonly duration: number;
  /** The arguments, truncated as Redis truncates them. */
  readonly argv: readonly RedisValue[];
  /** The client's ip:port ('' for in-process callers). */
  readonly addr: string;
  /** The client's name, or ''. */
  readonly name: string;
}

/** Redis's slowlogCreateEntry argument trimming: 32 arguments, 128 bytes each. */
function slowlogArgv(argv: readonly RedisValue[]): RedisValue[] {
  const argc = Math.min(argv.length, SLOWLOG_MAX_ARGC);
  const out: RedisValue[] = new Array(argc);
  for (let j = 0; j < argc; j++) {
    if (argc !== argv.length && j === argc - 1) {
      out[j] = `... (${argv.length - argc + 1} more arguments)`;
      continue;
    }
    const a = argv[j];
    const len = byteLength(a);
    if (len > SLOWLOG_MAX_STRING) {
      const head = valueToBytes(a).subarray(0, SLOWLOG_MAX_STRING);
      const tail = Buffer.from(`... (${len - SLOWLOG_MAX_STRING} more bytes)`);
      const bytes = Buffer.concat([head, tail]);
      out[j] = isUtf8(bytes) ? bytes.toString('utf8') : bytes;
    } else {
      out[j] = a;
    }
  }
  return out;
}

/** The slow log: newest entry first, trimmed to `maxLen` on each push. */
export class SlowLog {
  /** Newest first. */
  entries: SlowlogEntry[] = [];
  private nextId = 0;

  /** slowlogPushEntryIfNeeded, once the caller has compared the duration with the threshold. */
  push(
    argv: readonly RedisValue[],
    duration: number,
    timeSec: number,
    addr: string,
    name: string,
    maxLen: number,
  ): void {
    this.entries.unshift({ id: this.nextId++, time: timeSec, duration, argv: slowlogArgv(argv), addr, name });
    if (this.entries.length > maxLen) this.entries.length = maxLen;
  }

  /** SLOWLOG RESET (ids keep counting). */
  reset(): void {
    this.entries = [];
  }
}

// ---------------------------------------------------------------------------
// Latency monitor

/** LATENCY_TS_LEN: samples kept per event. */
export const LATENCY_TS_LEN = 160;

/** One event's samples: a ring of (second, worst latency in that second). */
export class LatencySeries {
  readonly times = new Float64Array(LATENCY_TS_LEN);
  readonly latencies = new Float64Array(LATENCY_TS_LEN);
  /** Next slot to write. */
  idx = 0;
  /** All-time maximum, in ms. */
  max = 0;

  /** The samples, oldest first, as [unix seconds, ms] pairs. */
  samples(): [number, number][] {
    const out: [number, number][] = [];
    for (let j = 0; j < LATENCY_TS_LEN; j++) {
      const i = (this.idx + j) % LATENCY_TS_LEN;
      if (this.times[i] === 0) continue;
      out.push([this.times[i], this.latencies[i]]);
    }
    return out;
  }

  /** The most recent sample. */
  latest(): [number, number] {
    const last = (this.idx + LATENCY_TS_LEN - 1) % LATENCY_TS_LEN;
    return [this.times[last], this.latencies[last]];
  }
}

/** Latency events by name ('command', 'fast-command', 'expire-cycle', ...), in creation order. */
export class LatencyMonitor {
  readonly events = new Map<string, LatencySeries>();

  /** latencyAddSample: one sample per second per event, keeping the worst. */
  add(event: string, latencyMs: number, nowSec: number): void {
    let ts = this.events.get(event);
    if (ts === undefined) {
      ts = new LatencySeries();
      this.events.set(event, ts);
    }
    if (latencyMs > ts.max) ts.max = latencyMs;
    const prev = (ts.idx + LATENCY_TS_LEN - 1) % LATENCY_TS_LEN;
    if (ts.times[prev] === nowSec) {
      if (latencyMs > ts.latencies[prev]) ts.latencies[prev] = latencyMs;
      return;
    }
    ts.times[ts.idx] = nowSec;
    ts.latencies[ts.idx] = latencyMs;
    ts.idx = (ts.idx + 1) % LATENCY_TS_LEN;
  }

  /** latencyResetEvent: drops the named event (ASCII case-insensitive), or all when undefined; returns how many. */
  reset(event?: string): number {
    let n = 0;
    for (const name of [...this.events.keys()]) {
      if (event === undefined || name.toLowerCase() === event.toLowerCase()) {
        this.events.delete(name);
        n++;
      }
    }
    return n;
  }
}

// ---------------------------------------------------------------------------
// Latency histograms (the layout of the HdrHistogram Redis uses: 2 significant
// figures, values 1 ns .. 1 s, so percentiles print exactly as Redis's do)

const SUB_BUCKET_HALF_COUNT_MAGNITUDE = 7;
const SUB_BUCKET_HALF_COUNT = 1 << SUB_BUCKET_HALF_COUNT_MAGNITUDE; // 128
const SUB_BUCKET_MASK = (SUB_BUCKET_HALF_COUNT << 1) - 1; // 255
/** LATENCY_HISTOGRAM_MIN_VALUE / MAX_VALUE, in ns. */
export const HISTOGRAM_MIN_NS = 1;
export const HISTOGRAM_MAX_NS = 1_000_000_000;
/** 23 buckets cover 1e9 with 256 sub-buckets each: (23 + 1) * 128 counters. */
const BUCKET_COUNT = 23;
const COUNTS_LEN = (BUCKET_COUNT + 1) * SUB_BUCKET_HALF_COUNT;

function bucketIndex(v: number): number {
  return 32 - Math.clz32(v | SUB_BUCKET_MASK) - (SUB_BUCKET_HALF_COUNT_MAGNITUDE + 1);
}

function countsIndex(v: number): number {
  const b = bucketIndex(v);
  const sub = v >>> b;
  return ((b + 1) << SUB_BUCKET_HALF_COUNT_MAGNITUDE) + sub - SUB_BUCKET_HALF_COUNT;
}

/** The lowest value counted at a counts index. */
function valueFromIndex(index: number): number {
  let b = (index >> SUB_BUCKET_HALF_COUNT_MAGNITUDE) - 1;
  let sub = (index & (SUB_BUCKET_HALF_COUNT - 1)) + SUB_BUCKET_HALF_COUNT;
  if (b < 0) {
    sub -= SUB_BUCKET_HALF_COUNT;
    b = 0;
  }
  return sub * 2 ** b;
}

/** highest_equivalent_value: the top of the bucket holding `v`. */
function highestEquivalent(v: number): number {
  const b = bucketIndex(v);
  const sub = v >>> b;
  const adjusted = sub >= SUB_BUCKET_HALF_COUNT << 1 ? b + 1 : b;
  return sub * 2 ** b + 2 ** adjusted - 1;
}

/** A latency histogram in nanoseconds. */
export class LatencyHistogram {
  readonly counts = new Uint32Array(COUNTS_LEN);
  total = 0;

  /** Records one value (clamped to 1 ns .. 1 s, as updateCommandLatencyHistogram). */
  record(ns: number): void {
    const v = ns < HISTOGRAM_MIN_NS ? HISTOGRAM_MIN_NS : ns > HISTOGRAM_MAX_NS ? HISTOGRAM_MAX_NS : ns | 0;
    this.counts[countsIndex(v)]++;
    this.total++;
  }

  /** hdr_value_at_percentile, in ns. */
  valueAtPercentile(p: number): number {
    let target = Math.floor((Math.min(p, 100) / 100) * this.total + 0.5);
    if (target < 1) target = 1;
    let seen = 0;
    for (let i = 0; i < COUNTS_LEN; i++) {
      seen += this.counts[i];
      if (seen >= target) return p === 0 ? valueFromIndex(i) : highestEquivalent(valueFromIndex(i));
    }
    return 0;
  }

  /**
   * The cumulative distribution LATENCY HISTOGRAM replies (hdr_iter_log from 1024 ns,
   * doubling): [µs, calls at or below it] at each level where the count grew.
   */
  cumulative(): [number, number][] {
    const out: [number, number][] = [];
    let i = -1;
    let value = 0;
    let seen = 0;
    let previous = 0;
    for (let level = 1024; seen < this.total; level *= 2) {
      while (value < level) {
        if (++i >= COUNTS_LEN) return out;
        seen += this.counts[i];
        value = valueFromIndex(i);
      }
      if (seen > previous) out.push([Math.floor(highestEquivalent(value) / 1000), seen]);
      previous = seen;
    }
    return out;
  }

  reset(): void {
    this.counts.fill(0);
    this.total = 0;
  }
}

// ---------------------------------------------------------------------------
// Per-command and per-error counters

/** One command's INFO commandstats counters. */
export class CommandStat {
  calls = 0;
  usec = 0;
  rejectedCalls = 0;
  failedCalls = 0;
  /** Created on the first timed call while latency tracking is on. */
  histogram: LatencyHistogram | null = null;
}

/** Error replies by code (the first word of the message), as INFO errorstats. */
export class ErrorStats {
  total = 0;
  readonly codes = new Map<string, number>();

  /** Counts one error reply (Redis's afterErrorReply / incrementErrorCount). */
  count(message: string): void {
    this.total++;
    const sp = message.indexOf(' ');
    const code = sp < 0 ? message : message.slice(0, sp);
    this.codes.set(code, (this.codes.get(code) ?? 0) + 1);
  }

  reset(): void {
    this.total = 0;
    this.codes.clear();
  }
}
