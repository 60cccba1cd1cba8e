/**
 * INFO: the server's state in Redis's text format (`# Section` headers, `field:value`
 * lines, CRLF line ends, a blank line between sections), with Redis 7.0's section
 * selection (`default`, `all`, `everything`, names in any case and order).
 *
 * Cachee reports the Redis release whose behaviour it matches as `redis_version`
 * (clients gate features on it) and its own release as `cachee_version`. Fields
 * describe what is true of Cachee: memory is the V8 heap, persistence is off, the
 * role is master; fields for machinery Cachee does not have (forks, io threads,
 * defragmentation, replication links) are left out rather than invented.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { VerbatimReply } from '../protocol/reply.js';
import { peekPubSub } from '../pubsub/registry.js';
import { argText } from '../util/bytes.js';
import type { ServerView, Session } from './session.js';
import type { CommandDef } from './types.js';

/** The Redis release whose replies Cachee matches. */
export const REDIS_VERSION = '7.0.15';

/** Cachee's own version, from package.json (read once, synchronously: no top-level await). */
export const CACHEE_VERSION: string = (() => {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
})();

/** run_id for sessions that are not on a RESP server. */
const LOCAL_RUN_ID = randomBytes(20).toString('hex');
/** Peak heap seen by INFO for in-process sessions (a server samples its own). */
let localPeakMemory = 0;

/** Sections in Redis's output order. */
const ALL_SECTIONS = [
  'server',
  'clients',
  'memory',
  'persistence',
  'stats',
  'replication',
  'cpu',
  'modules',
  'commandstats',
  'errorstats',
  'latencystats',
  'cluster',
  'keyspace',
] as const;
type Section = (typeof ALL_SECTIONS)[number];
/** `default` (and no argument): all but commandstats and latencystats. */
const DEFAULT_SECTIONS: readonly Section[] = ALL_SECTIONS.filter(
  (s) => s !== 'commandstats' && s !== 'latencystats',
);

/** Redis's bytesToHuman. */
export function bytesToHuman(n: number): string {
  if (n < 1024) return `${n}B`;
  const units = ['K', 'M', 'G', 'T', 'P'];
  let d = n / 1024;
  for (const u of units) {
    if (d < 1024 || u === 'P') return `${d.toFixed(2)}${u}`;
    d /= 1024;
  }
  return `${n}B`;
}

/** Which sections a list of INFO arguments selects (genInfoSectionDict). */
export function infoSections(args: readonly string[]): Set<Section> {
  const want = new Set<Section>();
  if (args.length === 0) {
    for (const s of DEFAULT_SECTIONS) want.add(s);
    return want;
  }
  for (const raw of args) {
    const a = raw.toLowerCase();
    if (a === 'default') {
      for (const s of DEFAULT_SECTIONS) want.add(s);
    } else if (a === 'all' || a === 'everything') {
      for (const s of ALL_SECTIONS) want.add(s);
    } else if ((ALL_SECTIONS as readonly string[]).includes(a)) {
      want.add(a as Section);
    }
  }
  return want;
}

/** Average remaining TTL in ms over (a sample of) the database's volatile keys. */
function averageTtl(expires: Map<string, number>, now: number): number {
  if (expires.size === 0) return 0;
  let sum = 0;
  let n = 0;
  for (const at of expires.values()) {
    if (at > now) {
      sum += at - now;
      n++;
    }
    if (n >= 1000) break;
  }
  return n === 0 ? 0 : Math.round(sum / n);
}

/** `%f` with trailing zeros trimmed (latency-tracking-info-percentiles labels). */
function formatPercentile(p: number): string {
  return p.toFixed(6).replace(/\.?0+$/, '');
}

/**
 * The peak of `used_memory` seen so far (the server's sampler also raises it),
 * raised to `used`: INFO's used_memory_peak and MEMORY STATS's peak.allocated.
 */
export function trackPeakMemory(s: Session, used: number): number {
  const server = s.server;
  if (server) return (server.stats.peakMemory = Math.max(server.stats.peakMemory, used));
  return (localPeakMemory = Math.max(localPeakMemory, used));
}

function fixed(v: number, digits: number): string {
  return Number.isFinite(v) ? v.toFixed(digits) : '0.00';
}

type Lines = (string | number)[][];

function sectionLines(section: Section, s: Session, server: ServerView | null): Lines {
  const engine = s.engine;
  const now = engine.clock.now();
  switch (section) {
    case 'server': {
      const startedAt = server ? server.startedAt : engine.startedAt;
      const uptime = Math.max(0, Math.floor((now - startedAt) / 1000));
      return [
        ['redis_version', REDIS_VERSION],
        ['cachee_version', CACHEE_VERSION],
        ['redis_git_sha1', '00000000'],
        ['redis_git_dirty', 0],
        ['redis_mode', 'standalone'],
        ['os', `${os.type()} ${os.release()} ${os.machine()}`],
        ['arch_bits', /64/.test(process.arch) ? 64 : 32],
        ['process_id', process.pid],
        ['process_supervised', 'no'],
        ['run_id', server ? server.runId : LOCAL_RUN_ID],
        ['tcp_port', server ? server.port : 0],
        ['server_time_usec', now * 1000],
        ['uptime_in_seconds', uptime],
        ['uptime_in_days', Math.floor(uptime / 86400)],
        ['hz', engine.hz],
        ['configured_hz', engine.hz],
        ['lru_clock', engine.lruClock() & 0xffffff],
        ['executable', process.argv[1] ?? process.execPath],
        ['config_file', server ? server.configFile : ''],
        ['io_threads_active', 0],
      ];
    }
    case 'clients': {
      let maxIn = 0;
      let maxOut = 0;
      if (server) {
        for (const c of server.clients.values()) {
          const info = c.connectionInfo();
          if (info.qbuf > maxIn) maxIn = info.qbuf;
          if (info.omem > maxOut) maxOut = info.omem;
        }
      }
      return [
        ['connected_clients', server ? server.clients.size : 0],
        ['cluster_connections', 0],
        ['maxclients', server ? server.maxclients : 10000],
        ['client_recent_max_input_buffer', maxIn],
        ['client_recent_max_output_buffer', maxOut],
        ['blocked_clients', s.engine.blocking.blockedCount],
        ['tracking_clients', 0],
        ['clients_in_timeout_table', s.engine.blocking.timeoutCount],
      ];
    }
    case 'memory': {
      const mem = process.memoryUsage();
      // The keyspace's running estimate (engine/memory.ts), which maxmemory bounds.
      const used = engine.usedBytes;
      const peak = trackPeakMemory(s, used);
      const total = os.totalmem();
      return [
        ['used_memory', used],
        ['used_memory_human', bytesToHuman(used)],
        ['used_memory_rss', mem.rss],
        ['used_memory_rss_human', bytesToHuman(mem.rss)],
        ['used_memory_peak', peak],
        ['used_memory_peak_human', bytesToHuman(peak)],
        ['used_memory_peak_perc', `${fixed((used * 100) / peak, 2)}%`],
        ['total_system_memory', total],
        ['total_system_memory_human', bytesToHuman(total)],
        ['maxmemory', engine.maxmemory],
        ['maxmemory_human', bytesToHuman(engine.maxmemory)],
        ['maxmemory_policy', engine.maxmemoryPolicy],
        ['mem_fragmentation_ratio', fixed(used === 0 ? 0 : mem.rss / used, 2)],
        ['lazyfree_pending_objects', 0],
      ];
    }
    case 'persistence':
      return [
        ['loading', 0],
        ['async_loading', 0],
        ['rdb_changes_since_last_save', 0],
        ['rdb_bgsave_in_progress', 0],
        ['rdb_last_save_time', Math.floor((server ? server.startedAt : engine.startedAt) / 1000)],
        ['rdb_last_bgsave_status', 'ok'],
        ['rdb_last_bgsave_time_sec', -1],
        ['rdb_current_bgsave_time_sec', -1],
        ['rdb_saves', 0],
        ['aof_enabled', 0],
        ['aof_rewrite_in_progress', 0],
        ['aof_rewrite_scheduled', 0],
        ['aof_last_rewrite_time_sec', -1],
        ['aof_current_rewrite_time_sec', -1],
        ['aof_last_bgrewrite_status', 'ok'],
        ['aof_rewrites', 0],
        ['aof_last_write_status', 'ok'],
      ];
    case 'stats': {
      const st = server?.stats;
      const es = engine.stats;
      const ps = peekPubSub(engine);
      return [
        ['total_connections_received', st ? st.connectionsReceived : 0],
        ['total_commands_processed', st ? st.commandsProcessed : 0],
        ['instantaneous_ops_per_sec', st ? st.opsPerSec : 0],
        ['total_net_input_bytes', st ? st.netInputBytes : 0],
        ['total_net_output_bytes', st ? st.netOutputBytes : 0],
        ['instantaneous_input_kbps', fixed(st ? st.inputKbps : 0, 2)],
        ['instantaneous_output_kbps', fixed(st ? st.outputKbps : 0, 2)],
        ['rejected_connections', st ? st.rejectedConnections : 0],
        ['expired_keys', es.expiredKeys],
        ['expired_stale_perc', fixed(es.expiredStalePerc * 100, 2)],
        ['expire_cycle_cpu_milliseconds', Math.round(es.expireCycleCpuMs)],
        ['evicted_keys', es.evictedKeys],
        ['evicted_clients', 0],
        ['keyspace_hits', es.keyspaceHits],
        ['keyspace_misses', es.keyspaceMisses],
        ['pubsub_channels', ps ? ps.channels.size : 0],
        ['pubsub_patterns', ps ? ps.patterns.size : 0],
        ['pubsubshard_channels', ps ? ps.shardChannels.size : 0],
        ['total_forks', 0],
        ['total_error_replies', engine.errorStats.total],
        ['total_reads_processed', st ? st.readsProcessed : 0],
        ['total_writes_processed', st ? st.writesProcessed : 0],
      ];
    }
    case 'replication':
      return [
        ['role', 'master'],
        ['connected_slaves', 0],
        ['master_failover_state', 'no-failover'],
        ['master_replid', server ? server.runId : LOCAL_RUN_ID],
        ['master_replid2', '0000000000000000000000000000000000000000'],
        ['master_repl_offset', 0],
        ['second_repl_offset', -1],
        ['repl_backlog_active', 0],
        ['repl_backlog_size', 1048576],
        ['repl_backlog_first_byte_offset', 0],
        ['repl_backlog_histlen', 0],
      ];
    case 'cpu': {
      const cpu = process.cpuUsage();
      return [
        ['used_cpu_sys', fixed(cpu.system / 1e6, 6)],
        ['used_cpu_user', fixed(cpu.user / 1e6, 6)],
        ['used_cpu_sys_children', '0.000000'],
        ['used_cpu_user_children', '0.000000'],
      ];
    }
    case 'modules':
      return [];
    case 'commandstats': {
      // Redis lists a command once it was called, rejected or failed.
      const lines: Lines = [];
      for (const [name, c] of engine.commandStats) {
        if (c.calls === 0 && c.rejectedCalls === 0 && c.failedCalls === 0) continue;
        const perCall = c.calls === 0 ? 0 : c.usec / c.calls;
        lines.push([
          `cmdstat_${name}`,
          `calls=${c.calls},usec=${c.usec},usec_per_call=${fixed(perCall, 2)},rejected_calls=${c.rejectedCalls},failed_calls=${c.failedCalls}`,
        ]);
      }
      return lines;
    }
    case 'errorstats': {
      const codes = [...engine.errorStats.codes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return codes.map(([code, n]) => [`errorstat_${code}`, `count=${n}`]);
    }
    case 'latencystats': {
      const lines: Lines = [];
      const percentiles = engine.latencyTrackingPercentiles;
      for (const [name, c] of engine.commandStats) {
        const h = c.histogram;
        if (h === null || h.total === 0) continue;
        const parts = percentiles.map(
          (p) => `p${formatPercentile(p)}=${(h.valueAtPercentile(p) / 1000).toFixed(3)}`,
        );
        lines.push([`latency_percentiles_usec_${name}`, parts.join(',')]);
      }
      return lines;
    }
    case 'cluster':
      return [['cluster_enabled', 0]];
    case 'keyspace': {
      const lines: Lines = [];
      for (const db of engine.dbs) {
        if (db.size === 0) continue;
        lines.push([
          `db${db.index}`,
          `keys=${db.size},expires=${db.expires.size},avg_ttl=${averageTtl(db.expires, now)}`,
        ]);
      }
      return lines;
    }
  }
}

const HEADERS: Record<Section, string> = {
  server: 'Server',
  clients: 'Clients',
  memory: 'Memory',
  persistence: 'Persistence',
  stats: 'Stats',
  replication: 'Replication',
  cpu: 'CPU',
  modules: 'Modules',
  commandstats: 'Commandstats',
  errorstats: 'Errorstats',
  latencystats: 'Latencystats',
  cluster: 'Cluster',
  keyspace: 'Keyspace',
};

/** The INFO text for the given sections, as seen from a session. */
export function infoString(s: Session, sections: ReadonlySet<Section>): string {
  let out = '';
  let n = 0;
  for (const section of ALL_SECTIONS) {
    if (!sections.has(section)) continue;
    if (n++ > 0) out += '\r\n';
    out += `# ${HEADERS[section]}\r\n`;
    for (const [k, v] of sectionLines(section, s, s.server)) out += `${k}:${v}\r\n`;
  }
  return out;
}

export const serverCommands: CommandDef[] = [
  {
    name: 'info',
    summary: 'Reports information and statistics about the server, by section.',
    // INFO [section [section ...]]
    handler: (s, argv) => {
      const args: string[] = [];
      for (let i = 1; i < argv.length; i++) args.push(argText(argv[i]));
      return new VerbatimReply('txt', infoString(s, infoSections(args)));
    },
  },
];
