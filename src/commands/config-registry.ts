/**
 * The configuration parameters Cachee honours, as data (Redis's config.c
 * `standardConfig` table): name, alias, kind, default, bounds, and how each is
 * read and written on the engine, the server-wide settings, or the type
 * modules' encoding limits. CONFIG GET / SET / REWRITE and the CLI's config
 * file and `--flags` all go through this one table.
 *
 * Parsing follows Redis's rules exactly: yes/no booleans, case-insensitive
 * enums, `string2ll` integers, `memtoull` memory values (`512mb`, `1gb`,
 * `100k`), bounds checked as the C field's signedness checks them, and the
 * same error texts. Parameters Redis has but Cachee does not implement are
 * not listed: CONFIG GET does not match them and CONFIG SET rejects them as
 * unknown, so nothing pretends to be configured that is not.
 *
 * A value is stored by `set` and takes effect in `apply` (Redis's apply
 * functions): CONFIG SET stores every pair first, restoring the old values
 * if one fails, then applies each distinct apply once.
 */

import type { Engine } from '../engine/engine.js';
import { getNotifyKeyspaceEvents, setNotifyKeyspaceEvents } from '../pubsub/keyspace-events.js';
import { hashLimits } from '../types/hash.js';
import { setLimits } from '../types/set.js';
import { zsetLimits } from '../types/zset.js';
import { type Arg, argText } from '../util/bytes.js';
import { tryParseDouble, tryParseInt64 } from '../util/numbers.js';
import { repr } from '../util/repr.js';
import type {
  ClientOutputBufferLimits,
  OutputBufferLimit,
  ServerSettings,
  ServerView,
  Session,
} from './session.js';

/** What a parameter reads and writes: the engine, the server-wide settings, the RESP server if any. */
export interface ConfigTarget {
  readonly engine: Engine;
  readonly settings: ServerSettings;
  readonly server: ServerView | null;
}

/** The target a session's CONFIG commands act on: its server's settings when it has a server. */
export function configTarget(s: Session): ConfigTarget {
  return { engine: s.engine, settings: s.server ? s.server.settings : s.settings, server: s.server };
}

/** A value a parameter refuses, with Redis's reason text (`argument must be ...`). */
export class ConfigValueError extends Error {
  override name = 'ConfigValueError';
}

/** One CONFIG REWRITE line of a parameter; `force` writes it even when the file does not mention it. */
export interface RewriteLine {
  readonly line: string;
  readonly force: boolean;
}

/** A configuration parameter. */
export interface ConfigParam {
  readonly name: string;
  readonly alias?: string;
  readonly kind: 'bool' | 'integer' | 'memory' | 'enum' | 'string' | 'special';
  /** CONFIG SET refuses it ("can't set immutable config"); only the config file sets it. */
  readonly immutable?: boolean;
  /** Its CONFIG SET value is redacted in the slow log. */
  readonly sensitive?: boolean;
  /** Takes several arguments: split on spaces in CONFIG SET, several words in the file. */
  readonly multiArg?: boolean;
  /** The value CONFIG GET shows by default. */
  readonly defaultValue: string;
  /** The value as CONFIG GET shows it. */
  get(t: ConfigTarget): string;
  /** Parses and stores a value; throws {@link ConfigValueError} with Redis's reason. */
  set(t: ConfigTarget, args: readonly string[]): void;
  /** Makes stored values take effect (after every pair of a CONFIG SET is stored). */
  readonly apply?: (t: ConfigTarget) => void;
  /** CONFIG REWRITE's lines; null marks the option handled without writing a line. */
  rewrite(t: ConfigTarget): RewriteLine[] | null;
}

// ---------------------------------------------------------------------------
// Redis's value parsers

const ULLONG_MAX = (1n << 64n) - 1n;
const LLONG_MAX = (1n << 63n) - 1n;
const LONG_MAX = LLONG_MAX;
const INT_MAX = 2147483647n;
const INT_MIN = -2147483648n;
const UINT_MAX = 4294967295n;

const MEMORY_UNITS: Record<string, bigint> = {
  '': 1n,
  b: 1n,
  k: 1000n,
  kb: 1024n,
  m: 1000n * 1000n,
  mb: 1024n * 1024n,
  g: 1000n * 1000n * 1000n,
  gb: 1024n * 1024n * 1024n,
};

/**
 * Redis's memtoull: digits then an optional unit (b, k, kb, m, mb, g, gb, any case),
 * nothing else; no digits reads as 0; the product wraps at 2^64 as the C does.
 */
export function memtoull(s: string): bigint | undefined {
  if (s.startsWith('-')) return undefined;
  let i = 0;
  while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
  const mul = MEMORY_UNITS[s.slice(i).toLowerCase()];
  if (mul === undefined || i >= 128) return undefined;
  let val = i === 0 ? 0n : BigInt(s.slice(0, i));
  if (val > ULLONG_MAX) val = ULLONG_MAX; // strtoull saturates on overflow
  return BigInt.asUintN(64, val * mul);
}

/** yesnotoi. */
function yesNo(s: string): boolean {
  const l = s.toLowerCase();
  if (l === 'yes') return true;
  if (l === 'no') return false;
  throw new ConfigValueError("argument must be 'yes' or 'no'");
}

/** rewriteConfigFormatMemory: the largest of gb / mb / kb that divides the value. */
function formatMemory(v: bigint): string {
  const gb = 1024n * 1024n * 1024n;
  const mb = 1024n * 1024n;
  if (v !== 0n && v % gb === 0n) return `${v / gb}gb`;
  if (v !== 0n && v % mb === 0n) return `${v / mb}mb`;
  if (v !== 0n && v % 1024n === 0n) return `${v / 1024n}kb`;
  return v.toString();
}

/** sdscatrepr: a double-quoted string with C escapes. */
export function quoteConfigValue(s: string): string {
  return repr(s);
}

/** strtoll with the end pointer required at the end: optional blanks and sign, then digits. */
function strtollStrict(s: string): bigint | undefined {
  const m = /^[\t\n\v\f\r ]*([+-]?)(\d*)$/.exec(s);
  if (m === null) return undefined;
  if (m[2] === '') return s === '' ? 0n : undefined; // no digits: the end pointer stays at the start
  const v = BigInt(m[1] + m[2]);
  return v > LLONG_MAX ? LLONG_MAX : v < -LLONG_MAX - 1n ? -LLONG_MAX - 1n : v;
}

// ---------------------------------------------------------------------------
// Exact values: numbers are stored as JS numbers where they are used, so a value
// beyond 2^53 (maxmemory 18446744073709551615) keeps its exact text here for CONFIG GET.

const exactValues = new WeakMap<object, Map<string, bigint>>();
const GLOBAL_HOLDER = {};

function rememberExact(holder: object, name: string, v: bigint, stored: number): void {
  let m = exactValues.get(holder);
  if (Number.isSafeInteger(stored)) {
    m?.delete(name);
    return;
  }
  if (m === undefined) exactValues.set(holder, (m = new Map()));
  m.set(name, v);
}

function exactText(holder: object, name: string, stored: number): bigint {
  const v = exactValues.get(holder)?.get(name);
  return v !== undefined && Number(v) === stored ? v : BigInt(stored);
}

// ---------------------------------------------------------------------------
// Parameter builders, one per Redis config type

interface Common {
  name: string;
  alias?: string;
  immutable?: boolean;
  apply?: (t: ConfigTarget) => void;
}

function boolParam(
  spec: Common & {
    default: boolean;
    read: (t: ConfigTarget) => boolean;
    write: (t: ConfigTarget, v: boolean) => void;
    validate?: (t: ConfigTarget, v: boolean) => void;
  },
): ConfigParam {
  const defaultValue = spec.default ? 'yes' : 'no';
  return {
    name: spec.name,
    alias: spec.alias,
    kind: 'bool',
    immutable: spec.immutable,
    defaultValue,
    apply: spec.apply,
    get: (t) => (spec.read(t) ? 'yes' : 'no'),
    set(t, args) {
      const v = yesNo(args[0]);
      spec.validate?.(t, v);
      spec.write(t, v);
    },
    rewrite(t) {
      const v = this.get(t);
      return [{ line: `${spec.name} ${v}`, force: v !== defaultValue }];
    },
  };
}

function numericParam(
  spec: Common & {
    /** Parsed with memtoull (`512mb`), else as a plain integer. */
    memory?: boolean;
    /** Bounds are checked on the unsigned value (size_t, unsigned int, unsigned long long fields). */
    unsigned?: boolean;
    min: bigint;
    max: bigint;
    default: bigint;
    /** Where the exact value of a huge number is remembered (the engine or the settings). */
    holder: (t: ConfigTarget) => object;
    read: (t: ConfigTarget) => number;
    write: (t: ConfigTarget, v: number) => void;
  },
): ConfigParam {
  const { name, min, max } = spec;
  const value = (t: ConfigTarget): bigint => exactText(spec.holder(t), name, spec.read(t));
  return {
    name,
    alias: spec.alias,
    kind: spec.memory ? 'memory' : 'integer',
    immutable: spec.immutable,
    defaultValue: spec.default.toString(),
    apply: spec.apply,
    get: (t) => value(t).toString(),
    set(t, args) {
      const text = args[0];
      let parsed: bigint | undefined;
      if (spec.memory) {
        parsed = memtoull(text);
      } else {
        const n = tryParseInt64(text);
        parsed = n === undefined ? undefined : BigInt(n);
      }
      if (parsed === undefined) {
        throw new ConfigValueError(
          spec.memory ? 'argument must be a memory value' : "argument couldn't be parsed into an integer",
        );
      }
      // The parser's result is a C long long; unsigned fields compare it as unsigned.
      let v = BigInt.asIntN(64, parsed);
      if (spec.unsigned) v = BigInt.asUintN(64, v);
      if (v < min || v > max)
        throw new ConfigValueError(`argument must be between ${min} and ${max} inclusive`);
      const stored = Number(v);
      spec.write(t, stored);
      rememberExact(spec.holder(t), name, v, stored);
    },
    rewrite(t) {
      const v = value(t);
      return [{ line: `${name} ${spec.memory ? formatMemory(v) : v}`, force: v !== spec.default }];
    },
  };
}

function enumParam(
  spec: Common & {
    values: readonly string[];
    default: string;
    read: (t: ConfigTarget) => string;
    write: (t: ConfigTarget, v: string) => void;
  },
): ConfigParam {
  return {
    name: spec.name,
    alias: spec.alias,
    kind: 'enum',
    immutable: spec.immutable,
    defaultValue: spec.default,
    apply: spec.apply,
    get: spec.read,
    set(t, args) {
      const v = args[0].toLowerCase();
      if (!spec.values.includes(v)) {
        throw new ConfigValueError(`argument(s) must be one of the following: ${spec.values.join(', ')}`);
      }
      spec.write(t, v);
    },
    rewrite(t) {
      const v = spec.read(t);
      return [{ line: `${spec.name} ${v}`, force: v !== spec.default }];
    },
  };
}

// ---------------------------------------------------------------------------
// Server-level values (settings), with Redis's defaults

const DEFAULT_OUTPUT_LIMITS: ClientOutputBufferLimits = {
  normal: { hard: 0, soft: 0, softSeconds: 0 },
  replica: { hard: 256 * 1024 * 1024, soft: 64 * 1024 * 1024, softSeconds: 60 },
  pubsub: { hard: 32 * 1024 * 1024, soft: 8 * 1024 * 1024, softSeconds: 60 },
};

/** The `client-output-buffer-limit` in effect. */
export function outputBufferLimits(settings: ServerSettings): ClientOutputBufferLimits {
  return settings.clientOutputBufferLimit ?? DEFAULT_OUTPUT_LIMITS;
}

const OUTPUT_CLASSES = ['normal', 'replica', 'pubsub'] as const;

/** updateClientOutputBufferLimit: `<class> <hard> <soft> <seconds>` groups, all validated before any is stored. */
function setOutputBufferLimits(t: ConfigTarget, args: readonly string[]): void {
  if (args.length % 4 !== 0)
    throw new ConfigValueError('Wrong number of arguments in buffer limit configuration.');
  const next: ClientOutputBufferLimits = { ...outputBufferLimits(t.settings) };
  for (let j = 0; j < args.length; j += 4) {
    const cls = args[j].toLowerCase();
    const key =
      cls === 'normal'
        ? 'normal'
        : cls === 'slave' || cls === 'replica'
          ? 'replica'
          : cls === 'pubsub'
            ? 'pubsub'
            : null;
    if (key === null)
      throw new ConfigValueError('Invalid client class specified in buffer limit configuration.');
    const hard = memtoull(args[j + 1]);
    const soft = memtoull(args[j + 2]);
    const seconds = strtollStrict(args[j + 3]);
    if (hard === undefined || soft === undefined || seconds === undefined || seconds < 0n) {
      throw new ConfigValueError(
        'Error in hard, soft or soft_seconds setting in buffer limit configuration.',
      );
    }
    next[key] = { hard: Number(hard), soft: Number(soft), softSeconds: Number(seconds) };
  }
  t.settings.clientOutputBufferLimit = next;
}

function sameLimit(a: OutputBufferLimit, b: OutputBufferLimit): boolean {
  return a.hard === b.hard && a.soft === b.soft && a.softSeconds === b.softSeconds;
}

/** How one percentile prints (`%f` with trailing zeros trimmed). */
function formatPercentile(p: number): string {
  const s = p.toFixed(6);
  return s.replace(/\.?0+$/, '');
}

const MAXMEMORY_POLICIES = [
  'volatile-lru',
  'volatile-lfu',
  'volatile-random',
  'volatile-ttl',
  'allkeys-lru',
  'allkeys-lfu',
  'allkeys-random',
  'noeviction',
] as const;

const engineHolder = (t: ConfigTarget): object => t.engine;
const settingsHolder = (t: ConfigTarget): object => t.settings;
const globalHolder = (): object => GLOBAL_HOLDER;

const relisten = (t: ConfigTarget): void => t.server?.relisten();

/** An LRU or LFU maxmemory-policy, which always tracks access times. */
function policyTracksAccess(t: ConfigTarget): boolean {
  const p = t.engine.maxmemoryPolicy;
  return p.endsWith('-lru') || p.endsWith('-lfu');
}

/** The parameters, in the order CONFIG REWRITE appends them. */
export const CONFIG_PARAMS: readonly ConfigParam[] = [
  // --- network and clients (server-wide settings) ---
  numericParam({
    name: 'port',
    min: 0n,
    max: 65535n,
    default: 6379n,
    holder: settingsHolder,
    // As configured; port 0 (any free port) shows the port actually bound.
    read: (t) => {
      const port = t.settings.port ?? 6379;
      return port === 0 && t.server ? t.server.port : port;
    },
    write: (t, v) => {
      t.settings.port = v;
    },
    apply: relisten,
  }),
  {
    name: 'bind',
    kind: 'special',
    multiArg: true,
    defaultValue: '127.0.0.1',
    get: (t) => t.settings.bind ?? '127.0.0.1',
    set(t, args) {
      if (args.length > 16) throw new ConfigValueError('Too many bind addresses specified.');
      if (args.length !== 1 || args[0] === '') throw new ConfigValueError('Cachee binds exactly one address');
      t.settings.bind = args[0];
    },
    apply: relisten,
    rewrite(t) {
      const v = this.get(t);
      return v === this.defaultValue ? null : [{ line: `bind ${v}`, force: true }];
    },
  },
  {
    name: 'requirepass',
    kind: 'string',
    sensitive: true,
    defaultValue: '',
    get: (t) => t.settings.requirepass ?? '',
    set(t, args) {
      t.settings.requirepass = args[0] === '' ? null : args[0];
    },
    rewrite(t) {
      const v = t.settings.requirepass;
      return v === null ? null : [{ line: `requirepass ${quoteConfigValue(v)}`, force: true }];
    },
  },
  numericParam({
    name: 'maxclients',
    unsigned: true,
    min: 1n,
    max: UINT_MAX,
    default: 10000n,
    holder: settingsHolder,
    read: (t) => t.settings.maxclients ?? 10000,
    write: (t, v) => {
      t.settings.maxclients = v;
    },
  }),
  numericParam({
    name: 'timeout',
    min: 0n,
    max: INT_MAX,
    default: 0n,
    holder: settingsHolder,
    read: (t) => t.settings.timeout ?? 0,
    write: (t, v) => {
      t.settings.timeout = v;
    },
  }),
  numericParam({
    name: 'tcp-keepalive',
    min: 0n,
    max: INT_MAX,
    default: 300n,
    holder: settingsHolder,
    read: (t) => t.settings.tcpKeepalive ?? 300,
    write: (t, v) => {
      t.settings.tcpKeepalive = v;
    },
  }),
  boolParam({
    name: 'protected-mode',
    default: true,
    read: (t) => t.settings.protectedMode ?? true,
    write: (t, v) => {
      t.settings.protectedMode = v;
    },
  }),
  numericParam({
    name: 'proto-max-bulk-len',
    memory: true,
    min: 1024n * 1024n,
    max: LONG_MAX,
    default: 512n * 1024n * 1024n,
    holder: settingsHolder,
    read: (t) => t.settings.protoMaxBulkLen ?? 512 * 1024 * 1024,
    write: (t, v) => {
      t.settings.protoMaxBulkLen = v;
    },
  }),
  numericParam({
    name: 'client-query-buffer-limit',
    memory: true,
    unsigned: true,
    min: 1024n * 1024n,
    max: LONG_MAX,
    default: 1024n * 1024n * 1024n,
    holder: settingsHolder,
    read: (t) => t.settings.clientQueryBufferLimit ?? 1024 * 1024 * 1024,
    write: (t, v) => {
      t.settings.clientQueryBufferLimit = v;
    },
  }),
  {
    name: 'client-output-buffer-limit',
    kind: 'special',
    multiArg: true,
    defaultValue: 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60',
    get(t) {
      const l = outputBufferLimits(t.settings);
      return OUTPUT_CLASSES.map((c) => {
        const x = l[c];
        return `${c === 'replica' ? 'slave' : c} ${x.hard} ${x.soft} ${x.softSeconds}`;
      }).join(' ');
    },
    set: setOutputBufferLimits,
    rewrite(t) {
      const l = outputBufferLimits(t.settings);
      return OUTPUT_CLASSES.map((c) => ({
        line: `client-output-buffer-limit ${c} ${formatMemory(BigInt(l[c].hard))} ${formatMemory(BigInt(l[c].soft))} ${l[c].softSeconds}`,
        force: !sameLimit(l[c], DEFAULT_OUTPUT_LIMITS[c]),
      }));
    },
  },

  // --- the keyspace and its machinery (engine) ---
  numericParam({
    name: 'databases',
    immutable: true,
    min: 1n,
    max: INT_MAX,
    default: 16n,
    holder: settingsHolder,
    read: (t) => t.settings.databases ?? t.engine.dbs.length,
    write: (t, v) => {
      t.settings.databases = v;
    },
  }),
  numericParam({
    name: 'hz',
    min: 0n,
    max: INT_MAX,
    default: 10n,
    holder: engineHolder,
    read: (t) => t.engine.hz,
    write: (t, v) => t.engine.setHz(v),
  }),
  numericParam({
    name: 'maxmemory',
    memory: true,
    unsigned: true,
    min: 0n,
    max: ULLONG_MAX,
    default: 0n,
    holder: engineHolder,
    read: (t) => t.engine.maxmemory,
    write: (t, v) => {
      t.engine.maxmemory = v;
    },
  }),
  enumParam({
    name: 'maxmemory-policy',
    values: MAXMEMORY_POLICIES,
    default: 'noeviction',
    read: (t) => t.engine.maxmemoryPolicy,
    write: (t, v) => {
      t.engine.maxmemoryPolicy = v;
    },
  }),
  numericParam({
    name: 'maxmemory-samples',
    min: 1n,
    max: INT_MAX,
    default: 5n,
    holder: engineHolder,
    read: (t) => t.engine.maxmemorySamples,
    write: (t, v) => {
      t.engine.maxmemorySamples = v;
    },
  }),
  numericParam({
    name: 'lfu-log-factor',
    min: 0n,
    max: INT_MAX,
    default: 10n,
    holder: engineHolder,
    read: (t) => t.engine.lfuLogFactor,
    write: (t, v) => {
      t.engine.lfuLogFactor = v;
    },
  }),
  numericParam({
    name: 'lfu-decay-time',
    min: 0n,
    max: INT_MAX,
    default: 1n,
    holder: engineHolder,
    read: (t) => t.engine.lfuDecayTime,
    write: (t, v) => {
      t.engine.lfuDecayTime = v;
    },
  }),
  {
    ...boolParam({
      name: 'track-access-time',
      default: false,
      read: (t) => t.engine.trackAccess,
      write: (t, v) => t.engine.setTrackAccess(v),
      validate(t, v) {
        if (!v && policyTracksAccess(t)) {
          throw new ConfigValueError('access times are always tracked under an LRU or LFU maxmemory-policy');
        }
      },
    }),
    // Implied by an LRU / LFU policy: written only when asked for on its own.
    rewrite: (t) => [
      {
        line: `track-access-time ${t.engine.trackAccess ? 'yes' : 'no'}`,
        force: t.engine.trackAccess && !policyTracksAccess(t),
      },
    ],
  },
  {
    name: 'notify-keyspace-events',
    kind: 'special',
    defaultValue: '',
    get: (t) => getNotifyKeyspaceEvents(t.engine),
    set(t, args) {
      try {
        setNotifyKeyspaceEvents(t.engine, args[0]);
      } catch (e) {
        throw new ConfigValueError((e as Error).message);
      }
    },
    rewrite(t) {
      const v = getNotifyKeyspaceEvents(t.engine);
      return [{ line: `notify-keyspace-events ${quoteConfigValue(v)}`, force: t.engine.notifyFlags !== 0 }];
    },
  },
  numericParam({
    name: 'busy-reply-threshold',
    alias: 'lua-time-limit',
    min: 0n,
    max: LONG_MAX,
    default: 5000n,
    holder: engineHolder,
    read: (t) => t.engine.scriptTimeLimitMs,
    write: (t, v) => {
      t.engine.scriptTimeLimitMs = v;
    },
  }),

  // --- observability (engine) ---
  numericParam({
    name: 'slowlog-log-slower-than',
    min: -1n,
    max: LLONG_MAX,
    default: 10000n,
    holder: engineHolder,
    read: (t) => t.engine.slowlogLogSlowerThan,
    write: (t, v) => {
      t.engine.slowlogLogSlowerThan = v;
    },
  }),
  numericParam({
    name: 'slowlog-max-len',
    min: 0n,
    max: LONG_MAX,
    default: 128n,
    holder: engineHolder,
    read: (t) => t.engine.slowlogMaxLen,
    write: (t, v) => {
      t.engine.slowlogMaxLen = v;
    },
  }),
  numericParam({
    name: 'latency-monitor-threshold',
    min: 0n,
    max: LLONG_MAX,
    default: 0n,
    holder: engineHolder,
    read: (t) => t.engine.latencyMonitorThreshold,
    write: (t, v) => {
      t.engine.latencyMonitorThreshold = v;
    },
  }),
  boolParam({
    name: 'latency-tracking',
    default: true,
    read: (t) => t.engine.latencyTracking,
    write: (t, v) => {
      t.engine.latencyTracking = v;
    },
  }),
  {
    name: 'latency-tracking-info-percentiles',
    kind: 'special',
    multiArg: true,
    defaultValue: '50 99 99.9',
    get: (t) => t.engine.latencyTrackingPercentiles.map(formatPercentile).join(' '),
    set(t, args) {
      const list = args.length === 1 && args[0] === '' ? [] : args;
      const out: number[] = [];
      for (const a of list) {
        const p = a.length === 0 || /^\s/.test(a) ? undefined : tryParseDouble(a);
        if (p === undefined || Number.isNaN(p)) {
          throw new ConfigValueError('Invalid latency-tracking-info-percentiles parameters');
        }
        if (p > 100 || p < 0) {
          throw new ConfigValueError(
            'latency-tracking-info-percentiles parameters should sit between [0.0,100.0]',
          );
        }
        out.push(p);
      }
      t.engine.latencyTrackingPercentiles = out;
    },
    rewrite(t) {
      const v = this.get(t);
      return [{ line: `latency-tracking-info-percentiles ${v === '' ? '""' : v}`, force: true }];
    },
  },

  // --- encodings (the type modules' limits, process-wide) ---
  numericParam({
    name: 'hash-max-listpack-entries',
    alias: 'hash-max-ziplist-entries',
    unsigned: true,
    min: 0n,
    max: LONG_MAX,
    default: 512n,
    holder: globalHolder,
    read: () => hashLimits.maxListpackEntries,
    write: (_t, v) => {
      hashLimits.maxListpackEntries = v;
    },
  }),
  numericParam({
    name: 'hash-max-listpack-value',
    alias: 'hash-max-ziplist-value',
    memory: true,
    unsigned: true,
    min: 0n,
    max: LONG_MAX,
    default: 64n,
    holder: globalHolder,
    read: () => hashLimits.maxListpackValue,
    write: (_t, v) => {
      hashLimits.maxListpackValue = v;
    },
  }),
  numericParam({
    name: 'set-max-intset-entries',
    unsigned: true,
    min: 0n,
    max: LONG_MAX,
    default: 512n,
    holder: globalHolder,
    read: () => setLimits.maxIntsetEntries,
    write: (_t, v) => {
      setLimits.maxIntsetEntries = v;
    },
  }),
  numericParam({
    name: 'zset-max-listpack-entries',
    alias: 'zset-max-ziplist-entries',
    unsigned: true,
    min: 0n,
    max: LONG_MAX,
    default: 128n,
    holder: globalHolder,
    read: () => zsetLimits.maxListpackEntries,
    write: (_t, v) => {
      zsetLimits.maxListpackEntries = v;
    },
  }),
  numericParam({
    name: 'zset-max-listpack-value',
    alias: 'zset-max-ziplist-value',
    memory: true,
    unsigned: true,
    min: 0n,
    max: LONG_MAX,
    default: 64n,
    holder: globalHolder,
    read: () => zsetLimits.maxListpackValue,
    write: (_t, v) => {
      zsetLimits.maxListpackValue = v;
    },
  }),
  numericParam({
    name: 'list-max-listpack-size',
    alias: 'list-max-ziplist-size',
    min: INT_MIN,
    max: INT_MAX,
    default: -2n,
    holder: engineHolder,
    read: (t) => t.engine.listMaxListpackSize,
    write: (t, v) => {
      t.engine.listMaxListpackSize = v;
    },
  }),

  // --- what Cachee does not do: only the values that say so are accepted ---
  enumParam({
    name: 'enable-debug-command',
    immutable: true,
    values: ['no', 'yes', 'local'],
    default: 'no',
    read: (t) => t.settings.enableDebugCommand ?? t.engine.enableDebugCommand,
    write: (t, v) => {
      t.settings.enableDebugCommand = v as 'no' | 'yes' | 'local';
    },
  }),
  {
    name: 'save',
    kind: 'special',
    multiArg: true,
    defaultValue: '',
    get: () => '',
    set(_t, args) {
      // setConfigSaveOption's validation first, so malformed values get Redis's text.
      const list = args.length === 1 && args[0] === '' ? [] : args;
      if (list.length % 2 !== 0) throw new ConfigValueError('Invalid save parameters');
      for (let j = 0; j < list.length; j++) {
        const v = strtollStrict(list[j]);
        if (v === undefined || (j % 2 === 0 && v < 1n) || (j % 2 === 1 && v < 0n)) {
          throw new ConfigValueError('Invalid save parameters');
        }
      }
      if (list.length > 0)
        throw new ConfigValueError('Cachee does not persist data: only save "" is accepted');
    },
    rewrite: () => [{ line: 'save ""', force: true }],
  },
  boolParam({
    name: 'appendonly',
    default: false,
    read: () => false,
    write: () => {},
    validate(_t, v) {
      if (v) throw new ConfigValueError('Cachee does not persist data: appendonly must be no');
    },
  }),
  boolParam({
    name: 'daemonize',
    immutable: true,
    default: false,
    read: () => false,
    write: () => {},
    validate(_t, v) {
      if (v) throw new ConfigValueError('Cachee does not daemonize: run it under a supervisor');
    },
  }),
];

/** Every name and alias (lower case) → its parameter; an alias is its own entry, as in Redis. */
const BY_NAME = new Map<string, ConfigParam>();
/** Names and aliases in table order, for CONFIG GET patterns. */
export const CONFIG_NAMES: readonly string[] = (() => {
  const names: string[] = [];
  for (const p of CONFIG_PARAMS) {
    BY_NAME.set(p.name, p);
    names.push(p.name);
    if (p.alias !== undefined) {
      BY_NAME.set(p.alias, p);
      names.push(p.alias);
    }
  }
  return names;
})();

/** The parameter a name or alias (any case) refers to. */
export function lookupConfig(name: string): ConfigParam | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/** True for a parameter whose CONFIG SET value the slow log must not show (requirepass). */
export function isSensitiveConfig(name: Arg): boolean {
  return lookupConfig(argText(name))?.sensitive === true;
}

/** Directives redis-server still accepts and ignores (loadServerConfigFromString's deprecated_configs). */
const DEPRECATED_DIRECTIVES = new Set([
  'list-max-ziplist-entries',
  'list-max-ziplist-value',
  'lua-replicate-commands',
]);

/**
 * Applies one config-file directive (or `--name value` flag) as redis-server's
 * loader does; throws {@link ConfigValueError} with its text.
 */
export function applyDirective(t: ConfigTarget, args: readonly string[]): void {
  const name = args[0].toLowerCase();
  const param = lookupConfig(name);
  if (param === undefined) {
    if (DEPRECATED_DIRECTIVES.has(name) && args.length === 2) return;
    throw new ConfigValueError('Bad directive or wrong number of arguments');
  }
  if (!param.multiArg && args.length !== 2) throw new ConfigValueError('wrong number of arguments');
  param.set(t, args.slice(1));
}

/** Splits a CONFIG SET value of a multi-argument parameter as Redis does (on every single space). */
export function splitMultiArg(param: ConfigParam, value: string): string[] {
  return param.multiArg ? value.split(' ') : [value];
}
