/**
 * MEMORY USAGE / STATS / DOCTOR / MALLOC-STATS / PURGE / HELP. Cachee's memory is
 * the V8 heap, and the keyspace's share of it is the engine's running estimate
 * (engine/memory.ts), the figure `maxmemory` bounds and INFO reports as
 * `used_memory`: USAGE gives one key's share of it (O(1); SAMPLES is accepted and
 * validated but nothing is sampled), STATS reports it as `total.allocated` and
 * `dataset.bytes` (the keyspace tables' overheads are part of it, not added to
 * it), with the V8 heap's figures in place of the allocator's, and MALLOC-STATS /
 * PURGE answer as a Redis built without jemalloc does.
 */
import v8 from 'node:v8';
import type { Engine } from '../engine/engine.js';
import { EXPIRE_ENTRY, estimateKeyMemory, KEY_ENTRY } from '../engine/memory.js';
import { Err, ReplyError } from '../errors.js';
import { DoubleReply, MapReply, OK, type Reply, VerbatimReply } from '../protocol/reply.js';
import { isOption, toKey } from '../util/bytes.js';
import { parseInt64 } from '../util/numbers.js';
import { helpReply } from './connection.js';
import { trackPeakMemory } from './server.js';
import type { Session } from './session.js';
import type { CommandDef } from './types.js';

/** The figures MEMORY STATS and MEMORY DOCTOR work from (getMemoryOverheadData). */
interface MemoryOverhead {
  peak: number;
  total: number;
  clientsNormal: number;
  numClients: number;
  dbs: { index: number; main: number; expires: number }[];
  overheadTotal: number;
  keys: number;
  dataset: number;
  datasetPerc: number;
  peakPerc: number;
  allocated: number;
  active: number;
  resident: number;
  rss: number;
}

function memoryOverhead(s: Session): MemoryOverhead {
  const engine: Engine = s.engine;
  // The keyspace estimate: INFO's used_memory, and what its peak tracks.
  const total = engine.usedBytes;
  const peak = trackPeakMemory(s, total);
  const heap = v8.getHeapStatistics();
  let clientsNormal = 0;
  let numClients = 0;
  if (s.server) {
    for (const c of s.server.clients.values()) {
      const info = c.connectionInfo();
      clientsNormal += info.qbuf + info.qbufFree + info.rbs + info.omem;
      numClients++;
    }
  }
  let overheadTotal = clientsNormal;
  const dbs: MemoryOverhead['dbs'] = [];
  let keys = 0;
  for (const db of engine.dbs) {
    if (db.size === 0) continue;
    keys += db.size;
    // The tables' entries, as the estimate costs them (inside dataset.bytes).
    const main = db.size * KEY_ENTRY;
    const expires = db.expires.size * EXPIRE_ENTRY;
    dbs.push({ index: db.index, main, expires });
    overheadTotal += main + expires;
  }
  return {
    peak,
    total,
    clientsNormal,
    numClients,
    dbs,
    overheadTotal,
    keys,
    dataset: total,
    datasetPerc: total === 0 ? 0 : 100,
    peakPerc: peak === 0 ? 0 : Math.fround((total * 100) / peak),
    allocated: heap.used_heap_size,
    active: heap.total_heap_size,
    resident: heap.total_physical_size,
    rss: process.memoryUsage.rss(),
  };
}

/** Redis's ratios are C floats printed as doubles. */
function ratio(a: number, b: number): DoubleReply {
  return new DoubleReply(Math.fround(b === 0 ? 0 : a / b));
}

/** getMemoryDoctorReport, on the heap's figures. */
function memoryDoctor(s: Session): string {
  const mh = memoryOverhead(s);
  const empty = mh.total < 5 * 1024 * 1024 || mh.keys === 0;
  let reports = 0;
  let bigPeak = false;
  let highFrag = false;
  let bigClientBuf = false;
  if (!empty) {
    if (mh.peak / mh.total > 1.5) {
      bigPeak = true;
      reports++;
    }
    if (mh.active / mh.allocated > 1.4 && mh.active - mh.allocated > 10 << 20) {
      highFrag = true;
      reports++;
    }
    if (mh.numClients > 0 && mh.clientsNormal / mh.numClients > 1024 * 200) {
      bigClientBuf = true;
      reports++;
    }
  }
  if (empty) {
    return "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n";
  }
  if (reports === 0) {
    return "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n";
  }
  let out = 'Sam, I detected a few issues in this Redis instance memory implants:\n\n';
  if (bigPeak) {
    out +=
      ' * Peak memory: In the past this instance used more than 150% the memory that is currently using. The allocator is normally not able to release memory after a peak, so you can expect to see a big fragmentation ratio, however this is actually harmless and is only due to the memory peak, and if the Redis instance Resident Set Size (RSS) is currently bigger than expected, the memory will be used as soon as you fill the Redis instance with more data. If the memory peak was only occasional and you want to try to reclaim memory, please try the MEMORY PURGE command, otherwise the only other option is to shutdown and restart the instance.\n\n';
  }
  if (highFrag) {
    out +=
      ' * High total RSS: This instance has a memory fragmentation and RSS overhead greater than 1.4 (this means that the Resident Set Size of the Redis process is much larger than the sum of the logical allocations Redis performed). This problem is usually due either to a large peak memory (check if there is a peak memory entry above in the report) or may result from a workload that causes the allocator to fragment memory a lot. If the problem is a large peak memory, then there is no issue. Otherwise, make sure you are using the Jemalloc allocator and not the default libc malloc. Note: The currently used allocator is "libc".\n\n';
  }
  if (bigClientBuf) {
    out +=
      ' * Big client buffers: The clients output buffers in this instance are greater than 200K per client (on average). This may result from different causes, like Pub/Sub clients subscribed to channels bot not receiving data fast enough, so that data piles on the Redis instance output buffer, or clients sending commands with large replies or very large sequences of commands in the same pipeline. Please use the CLIENT LIST command in order to investigate the issue if it causes problems in your instance, or to understand better why certain clients are using a big amount of memory.\n\n';
  }
  return `${out}I'm here to keep you safe, Sam. I want to help you.\n`;
}

const MEMORY_HELP = [
  'MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'DOCTOR',
  '    Return memory problems reports.',
  'MALLOC-STATS',
  '    Return internal statistics report from the memory allocator.',
  'PURGE',
  '    Attempt to purge dirty pages for reclamation by the allocator.',
  'STATS',
  '    Return information about the memory usage of the server.',
  'USAGE <key> [SAMPLES <count>]',
  '    Return memory in bytes used by <key> and its value. Nested values are',
  '    sampled up to <count> times (default: 5, 0 means sample all).',
  'HELP',
  '    Prints this help.',
];

export const memoryCommands: CommandDef[] = [
  {
    name: 'memory|usage',
    summary: "Estimates the bytes a key and its value take on the heap (the engine's per-key estimate).",
    // MEMORY USAGE key [SAMPLES count]
    handler: (s, argv) => {
      for (let j = 3; j < argv.length; j++) {
        if (isOption(argv[j], 'SAMPLES') && j + 1 < argv.length) {
          // Validated as Redis does; the estimate is exact in O(1), so nothing is sampled.
          if (parseInt64(argv[j + 1]) < 0) throw new ReplyError(Err.syntax);
          j++;
        } else {
          throw new ReplyError(Err.syntax);
        }
      }
      // Redis looks in the dict directly: a key past its TTL but not yet reclaimed still counts.
      const bytes = estimateKeyMemory(s.db, toKey(argv[2]));
      return bytes === 0 ? null : bytes;
    },
  },
  {
    name: 'memory|stats',
    summary: "Reports the server's memory use: totals, overheads, dataset and heap figures.",
    // MEMORY STATS
    handler: (s) => {
      const mh = memoryOverhead(s);
      const items: Reply[] = [
        'peak.allocated',
        mh.peak,
        'total.allocated',
        mh.total,
        'startup.allocated',
        0,
        'replication.backlog',
        0,
        'clients.slaves',
        0,
        'clients.normal',
        mh.clientsNormal,
        'cluster.links',
        0,
        'aof.buffer',
        0,
        'lua.caches',
        0,
        'functions.caches',
        0,
      ];
      for (const db of mh.dbs) {
        items.push(
          `db.${db.index}`,
          new MapReply([
            'overhead.hashtable.main',
            db.main,
            'overhead.hashtable.expires',
            db.expires,
            'overhead.hashtable.slot-to-keys',
            0,
          ]),
        );
      }
      items.push(
        'overhead.total',
        mh.overheadTotal,
        'keys.count',
        mh.keys,
        'keys.bytes-per-key',
        mh.keys ? Math.floor(mh.dataset / mh.keys) : 0,
        'dataset.bytes',
        mh.dataset,
        'dataset.percentage',
        new DoubleReply(mh.datasetPerc),
        'peak.percentage',
        new DoubleReply(mh.peakPerc),
        'allocator.allocated',
        mh.allocated,
        'allocator.active',
        mh.active,
        'allocator.resident',
        mh.resident,
        'allocator-fragmentation.ratio',
        ratio(mh.active, mh.allocated),
        'allocator-fragmentation.bytes',
        mh.active - mh.allocated,
        'allocator-rss.ratio',
        ratio(mh.resident, mh.active),
        'allocator-rss.bytes',
        mh.resident - mh.active,
        'rss-overhead.ratio',
        ratio(mh.rss, mh.resident),
        'rss-overhead.bytes',
        mh.rss - mh.resident,
        'fragmentation',
        ratio(mh.rss, mh.total),
        'fragmentation.bytes',
        mh.rss - mh.total,
      );
      return new MapReply(items);
    },
  },
  {
    name: 'memory|doctor',
    summary: 'Reports memory problems in prose.',
    // MEMORY DOCTOR
    handler: (s) => new VerbatimReply('txt', memoryDoctor(s)),
  },
  {
    name: 'memory|malloc-stats',
    summary: "Returns the allocator's statistics (not available: the heap belongs to V8).",
    // MEMORY MALLOC-STATS
    handler: () => 'Stats not supported for the current allocator',
  },
  {
    name: 'memory|purge',
    summary: 'Asks the allocator to release dirty pages (nothing to do outside jemalloc).',
    // MEMORY PURGE
    handler: () => OK,
  },
  {
    name: 'memory|help',
    summary: 'Describes the MEMORY subcommands.',
    // MEMORY HELP
    handler: () => helpReply(MEMORY_HELP),
  },
];
