/**
 * LATENCY LATEST / HISTORY / RESET / DOCTOR / GRAPH / HISTOGRAM / HELP, as
 * Redis's latency.c: events ('command', 'fast-command', 'expire-cycle') are
 * recorded by the engine when they reach `latency-monitor-threshold`; the
 * per-command histograms come from dispatch while `latency-tracking` is on.
 */
import { readFileSync } from 'node:fs';
import type { Engine } from '../engine/engine.js';
import type { LatencyHistogram, LatencySeries } from '../engine/monitor.js';
import { Err, ReplyError } from '../errors.js';
import { MapReply, type Reply, VerbatimReply } from '../protocol/reply.js';
import { argText } from '../util/bytes.js';
import { helpReply } from './connection.js';
import type { CommandDef } from './types.js';

// ---------------------------------------------------------------------------
// LATENCY DOCTOR (createLatencyReport)

interface LatencyStats {
  samples: number;
  avg: number;
  mad: number;
  period: number;
}

/** analyzeLatencyForEvent. */
function analyze(ts: LatencySeries, nowSec: number): LatencyStats {
  const samples = ts.samples();
  let sum = 0;
  let oldest = 0;
  for (const [time, latency] of samples) {
    sum += latency;
    if (oldest === 0 || time < oldest) oldest = time;
  }
  const n = samples.length;
  const avg = n ? Math.floor(sum / n) : 0;
  let period = n ? nowSec - oldest : 0;
  if (n && period === 0) period = 1;
  let dev = 0;
  for (const [, latency] of samples) dev += Math.abs(avg - latency);
  return { samples: n, avg, mad: n ? Math.floor(dev / n) : 0, period };
}

/** THPGetAnonHugePagesSize: transparent huge pages backing this process, in bytes. */
function anonHugePages(): number {
  try {
    const m = /AnonHugePages:\s+(\d+) kB/.exec(readFileSync('/proc/self/smaps_rollup', 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** The LATENCY DOCTOR report. */
export function latencyReport(engine: Engine): string {
  const events = engine.latency.events;
  if (events.size === 0 && engine.latencyMonitorThreshold === 0) {
    return `I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use "CONFIG SET latency-monitor-threshold <milliseconds>." in order to enable it. If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n`;
  }
  const nowSec = Math.floor(engine.clock.now() / 1000);
  let report = '';
  let advices = 0;
  let slowlogEnabled = false;
  let slowlogTuning = false;
  let slowlogInspect = false;
  let scheduler = false;
  let hz = false;
  let largeObjects = false;
  let massEviction = false;
  let eventnum = 0;
  for (const [event, ts] of events) {
    eventnum++;
    if (eventnum === 1) {
      report +=
        "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n";
    }
    const ls = analyze(ts, nowSec);
    report += `${eventnum}. ${event}: ${ls.samples} latency spikes (average ${ls.avg}ms, mean deviation ${ls.mad}ms, period ${(ls.period / ls.samples).toFixed(2)} sec). Worst all time event ${ts.max}ms.`;
    const name = event.toLowerCase();
    if (name === 'command') {
      if (engine.slowlogLogSlowerThan < 0) {
        slowlogEnabled = true;
        advices++;
      } else if (Math.trunc(engine.slowlogLogSlowerThan / 1000) > engine.latencyMonitorThreshold) {
        slowlogTuning = true;
        advices++;
      }
      slowlogInspect = true;
      largeObjects = true;
      advices += 2;
    }
    if (name === 'fast-command') {
      scheduler = true;
      advices++;
    }
    if (name === 'expire-cycle') {
      hz = true;
      largeObjects = true;
      advices += 2;
    }
    if (name === 'eviction-del') {
      largeObjects = true;
      advices++;
    }
    if (name === 'eviction-cycle') {
      massEviction = true;
      advices++;
    }
    report += '\n';
  }
  const thp = anonHugePages() > 0;
  if (thp) advices++;

  if (eventnum === 0 && advices === 0) {
    return `${report}Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n`;
  }
  if (eventnum > 0 && advices === 0) {
    return `${report}\nWhile there are latency events logged, I'm not able to suggest any easy fix. Please use the Redis community to get some help, providing this report in your help request.\n`;
  }
  report += '\nI have a few advices for you:\n\n';
  const threshold = engine.latencyMonitorThreshold * 1000;
  if (slowlogEnabled) {
    report += `- There are latency issues with potentially slow commands you are using. Try to enable the Slow Log Redis feature using the command 'CONFIG SET slowlog-log-slower-than ${threshold}'. If the Slow log is disabled Redis is not able to log slow commands execution for you.\n`;
  }
  if (slowlogTuning) {
    report += `- Your current Slow Log configuration only logs events that are slower than your configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than ${threshold}'.\n`;
  }
  if (slowlogInspect) {
    report +=
      '- Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://redis.io/commands/slowlog for more information.\n';
  }
  if (scheduler) {
    report +=
      '- The system is slow to execute Redis code paths not containing system calls. This usually means the system does not provide Redis CPU time to run for long periods. You should try to:\n' +
      '  1) Lower the system load.\n' +
      '  2) Use a computer / VM just for Redis if you are running other software in the same system.\n' +
      '  3) Check if you have a "noisy neighbour" problem.\n' +
      "  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency in your system.\n" +
      '  5) Check if the problem is allocator-related by recompiling Redis with MALLOC=libc, if you are using Jemalloc. However this may create fragmentation problems.\n';
  }
  if (hz && engine.hz < 100) {
    report +=
      "- In order to make the Redis keys expiring process more incremental, try to set the 'hz' configuration parameter to 100 using 'CONFIG SET hz 100'.\n";
  }
  if (largeObjects) {
    report +=
      '- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects into multiple smaller objects.\n';
  }
  if (massEviction) {
    report +=
      "- Sudden changes to the 'maxmemory' setting via 'CONFIG SET', or allocation of large objects via sets or sorted sets intersections, STORE option of SORT, Redis Cluster large keys migrations (RESTORE command), may create sudden memory pressure forcing the server to block trying to evict keys. \n";
  }
  if (thp) {
    report +=
      "- I detected a non zero amount of anonymous huge pages used by your process. This creates very serious latency events in different conditions, especially when Redis is persisting on disk. To disable THP support use the command 'echo never > /sys/kernel/mm/transparent_hugepage/enabled', make sure to also add it into /etc/rc.local so that the command will be executed again after a reboot. Note that even if you have already disabled THP, you still need to restart the Redis process to get rid of the huge pages already created.\n";
  }
  return report;
}

// ---------------------------------------------------------------------------
// LATENCY GRAPH (sparkline.c)

const CHARSET_FILL = '_o#';
const LABEL_MARGIN_TOP = 1;

/** sparklineRender with SPARKLINE_FILL: rows of `_o#|`, then the labels written vertically. */
function sparkline(
  samples: readonly { value: number; label: string }[],
  columns: number,
  rows: number,
): string {
  let min = 0;
  let max = 0;
  samples.forEach((s, i) => {
    if (i === 0) min = max = s.value;
    else if (s.value < min) min = s.value;
    else if (s.value > max) max = s.value;
  });
  const labels = samples.some((s) => s.label !== '');
  let out = '';
  for (let offset = 0; offset < samples.length; offset += columns) {
    const len = Math.min(columns, samples.length - offset);
    if (offset !== 0) out += '\n';
    const relmax = max - min === 0 ? 1 : max - min;
    const steps = CHARSET_FILL.length * rows;
    let row = 0;
    let loop = true;
    while (loop) {
      loop = false;
      const chars = new Array<string>(len).fill(' ');
      for (let j = 0; j < len; j++) {
        const s = samples[j + offset];
        let step = Math.trunc(Math.trunc((s.value - min) * steps) / relmax);
        if (step < 0) step = 0;
        if (step >= steps) step = steps - 1;
        if (row < rows) {
          const idx = step - (rows - row - 1) * CHARSET_FILL.length;
          loop = true;
          if (idx >= 0 && idx < CHARSET_FILL.length) chars[j] = CHARSET_FILL[idx];
          else if (idx >= CHARSET_FILL.length) chars[j] = '|';
        } else {
          if (labels && row - rows < LABEL_MARGIN_TOP) {
            loop = true;
            break;
          }
          const labelChar = row - rows - LABEL_MARGIN_TOP;
          if (s.label.length > labelChar) {
            loop = true;
            chars[j] = s.label[labelChar];
          }
        }
      }
      if (loop) {
        row++;
        out += `${chars.join('')}\n`;
      }
    }
  }
  return out;
}

/** latencyCommandGenSparkeline. */
function latencyGraph(event: string, ts: LatencySeries, nowSec: number): string {
  const samples: { value: number; label: string }[] = [];
  let min = 0;
  let max = 0;
  for (const [time, latency] of ts.samples()) {
    if (samples.length === 0) min = max = latency;
    else {
      if (latency > max) max = latency;
      if (latency < min) min = latency;
    }
    const elapsed = nowSec - time;
    const label =
      elapsed < 60
        ? `${elapsed}s`
        : elapsed < 3600
          ? `${Math.trunc(elapsed / 60)}m`
          : elapsed < 86400
            ? `${Math.trunc(elapsed / 3600)}h`
            : `${Math.trunc(elapsed / 86400)}d`;
    samples.push({ value: latency, label });
  }
  return `${event} - high ${max} ms, low ${min} ms (all time high ${ts.max} ms)\n${'-'.repeat(80)}\n${sparkline(samples, 80, 4)}`;
}

// ---------------------------------------------------------------------------
// LATENCY HISTOGRAM

/** fillCommandCDF. */
function commandCdf(h: LatencyHistogram): Reply {
  const buckets: Reply[] = [];
  for (const [us, count] of h.cumulative()) buckets.push(us, count);
  return new MapReply(['calls', h.total, 'histogram_usec', new MapReply(buckets)]);
}

const LATENCY_HELP = [
  'LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'DOCTOR',
  '    Return a human readable latency analysis report.',
  'GRAPH <event>',
  '    Return an ASCII latency graph for the <event> class.',
  'HISTORY <event>',
  '    Return time-latency samples for the <event> class.',
  'LATEST',
  '    Return the latest latency samples for all events.',
  'RESET [<event> ...]',
  '    Reset latency data of one or more <event> classes.',
  '    (default: reset all data for all event classes)',
  'HISTOGRAM [COMMAND ...]',
  '    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.',
  '    If no commands are specified then all histograms are replied.',
  'HELP',
  '    Prints this help.',
];

export const latencyCommands: CommandDef[] = [
  {
    name: 'latency|latest',
    summary: 'Returns the latest sample and the all-time maximum of every latency event.',
    // LATENCY LATEST
    handler: (s) => {
      const out: Reply[] = [];
      for (const [event, ts] of s.engine.latency.events) {
        const [time, latency] = ts.latest();
        out.push([event, time, latency, ts.max]);
      }
      return out;
    },
  },
  {
    name: 'latency|history',
    summary: "Returns an event's latency samples, oldest first.",
    // LATENCY HISTORY event
    handler: (s, argv) => {
      const ts = s.engine.latency.events.get(argText(argv[2]));
      return ts === undefined ? [] : ts.samples();
    },
  },
  {
    name: 'latency|reset',
    summary: 'Forgets the samples of the named latency events, or of all of them.',
    // LATENCY RESET [event [event ...]]
    handler: (s, argv) => {
      const latency = s.engine.latency;
      if (argv.length === 2) return latency.reset();
      let n = 0;
      for (let i = 2; i < argv.length; i++) n += latency.reset(argText(argv[i]));
      return n;
    },
  },
  {
    name: 'latency|doctor',
    summary: 'Analyses the recorded latency events in prose.',
    // LATENCY DOCTOR
    handler: (s) => new VerbatimReply('txt', latencyReport(s.engine)),
  },
  {
    name: 'latency|graph',
    summary: "Draws an event's latency samples as an ASCII graph.",
    // LATENCY GRAPH event
    handler: (s, argv) => {
      const event = argText(argv[2]);
      const ts = s.engine.latency.events.get(event);
      if (ts === undefined) throw new ReplyError(Err.noLatencySamples(event).replace(/[\r\n]/g, ' '));
      return new VerbatimReply('txt', latencyGraph(event, ts, Math.floor(s.engine.clock.now() / 1000)));
    },
  },
  {
    name: 'latency|histogram',
    summary: 'Returns the cumulative latency distribution of the named commands, or of every command called.',
    // LATENCY HISTOGRAM [command [command ...]]
    handler: (s, argv) => {
      const stats = s.engine.commandStats;
      const items: Reply[] = [];
      if (argv.length === 2) {
        for (const [name, stat] of stats)
          if (stat.histogram !== null) items.push(name, commandCdf(stat.histogram));
        return new MapReply(items);
      }
      for (let i = 2; i < argv.length; i++) {
        const name = argText(argv[i]).toLowerCase();
        const h = stats.get(name)?.histogram;
        if (h) items.push(name, commandCdf(h));
        if (!name.includes('|')) {
          // A container: its subcommands' histograms too.
          for (const [sub, stat] of stats) {
            if (stat.histogram !== null && sub.startsWith(`${name}|`))
              items.push(sub, commandCdf(stat.histogram));
          }
        }
      }
      return new MapReply(items);
    },
  },
  {
    name: 'latency|help',
    summary: 'Describes the LATENCY subcommands.',
    // LATENCY HELP
    handler: () => helpReply(LATENCY_HELP),
  },
];
