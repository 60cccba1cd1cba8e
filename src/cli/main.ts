#!/usr/bin/env node
/**
 * `cachee-server`: Cachee's RESP server from the command line, configured the
 * way redis-server is: an optional config file (redis.conf syntax) as the first
 * argument, then `--directive value` flags that override it.
 *
 *   cachee-server [/path/to/cachee.conf] [--port 6379] [--bind 127.0.0.1]
 *                 [--requirepass secret] [--maxclients 10000] [--databases 16] [--hz 10]
 *
 * Logs are JSON lines on stderr. SIGINT and SIGTERM close the server gracefully.
 */
import diagnostics_channel from 'node:diagnostics_channel';
import { readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CACHEE_VERSION, REDIS_VERSION } from '../commands/server.js';
import { Engine } from '../engine/engine.js';
import {
  CacheeServer,
  type CacheeServerOptions,
  SERVER_CHANNEL,
  type ServerEvent,
} from '../server/server.js';

/** The settings the directives produce. */
export interface CliConfig {
  port: number;
  bind: string;
  databases: number;
  requirepass: string | null;
  maxclients: number;
  hz: number;
  protectedMode: boolean;
  maxmemory: number;
  maxmemoryPolicy: string;
  protoMaxBulkLen: number;
  clientQueryBufferLimit: number;
  configFile: string;
}

/** A configuration error, reported as redis-server reports it. */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly text: string,
  ) {
    super(message);
  }
}

function defaults(): CliConfig {
  return {
    port: 6379,
    bind: '127.0.0.1',
    databases: 16,
    requirepass: null,
    maxclients: 10000,
    hz: 10,
    protectedMode: true,
    maxmemory: 0,
    maxmemoryPolicy: 'noeviction',
    protoMaxBulkLen: 512 * 1024 * 1024,
    clientQueryBufferLimit: 1024 * 1024 * 1024,
    configFile: '',
  };
}

const POLICIES = new Set([
  'volatile-lru',
  'volatile-lfu',
  'volatile-random',
  'volatile-ttl',
  'allkeys-lru',
  'allkeys-lfu',
  'allkeys-random',
  'noeviction',
]);

/** Redis's string2ll-strict integer parse, or undefined. */
function integer(s: string): number | undefined {
  if (!/^(0|-?[1-9][0-9]*)$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** memtoll: a byte count with an optional k/kb/m/mb/g/gb unit (case-insensitive). */
function memory(s: string): number | undefined {
  const m = /^(-?[0-9]+)(k|kb|m|mb|g|gb|b)?$/i.exec(s);
  if (!m) return undefined;
  const units: Record<string, number> = {
    b: 1,
    k: 1e3,
    kb: 1024,
    m: 1e6,
    mb: 1024 ** 2,
    g: 1e9,
    gb: 1024 ** 3,
  };
  return Number(m[1]) * (m[2] ? units[m[2].toLowerCase()] : 1);
}

function ranged(v: string, min: number, max: number): number {
  const n = integer(v);
  if (n === undefined) throw new Error("argument couldn't be parsed into an integer");
  if (n < min || n > max) throw new Error(`argument must be between ${min} and ${max} inclusive`);
  return n;
}

function yesNo(v: string): boolean {
  const l = v.toLowerCase();
  if (l === 'yes') return true;
  if (l === 'no') return false;
  throw new Error("argument must be 'yes' or 'no'");
}

/** Applies one directive (name lower-cased, its arguments) to the config; throws Error with Redis's text. */
function applyDirective(cfg: CliConfig, name: string, args: string[]): void {
  const one = (): string => {
    if (args.length !== 1) throw new Error('wrong number of arguments');
    return args[0];
  };
  switch (name) {
    case 'port':
      cfg.port = ranged(one(), 0, 65535);
      return;
    case 'bind':
      if (args.length !== 1) throw new Error('Cachee binds exactly one address');
      cfg.bind = args[0];
      return;
    case 'databases':
      cfg.databases = ranged(one(), 1, 2147483647);
      return;
    case 'requirepass':
      cfg.requirepass = one() === '' ? null : args[0];
      return;
    case 'maxclients':
      cfg.maxclients = ranged(one(), 1, 4294967295);
      return;
    case 'hz':
      cfg.hz = ranged(one(), 1, 500);
      return;
    case 'protected-mode':
      cfg.protectedMode = yesNo(one());
      return;
    case 'maxmemory': {
      const n = memory(one());
      if (n === undefined || n < 0) throw new Error('argument must be a memory value');
      cfg.maxmemory = n;
      return;
    }
    case 'maxmemory-policy':
      if (!POLICIES.has(one().toLowerCase()))
        throw new Error(`argument(s) must be one of the following: ${[...POLICIES].join(', ')}`);
      cfg.maxmemoryPolicy = args[0].toLowerCase();
      return;
    case 'proto-max-bulk-len': {
      const n = memory(one());
      if (n === undefined || n < 1024 * 1024)
        throw new Error('argument must be a memory value of at least 1mb');
      cfg.protoMaxBulkLen = n;
      return;
    }
    case 'client-query-buffer-limit': {
      const n = memory(one());
      if (n === undefined || n < 1024 * 1024)
        throw new Error('argument must be a memory value of at least 1mb');
      cfg.clientQueryBufferLimit = n;
      return;
    }
    // Persistence is not a Cachee feature: only the settings that turn it off are accepted.
    case 'save':
      if (args.length === 1 && args[0] === '') return;
      throw new Error('Cachee does not persist data: only save "" is accepted');
    case 'appendonly':
      if (yesNo(one())) throw new Error('Cachee does not persist data: appendonly must be no');
      return;
    case 'daemonize':
      if (yesNo(one())) throw new Error('Cachee does not daemonize: run it under a supervisor');
      return;
    default:
      throw new Error('Bad directive or wrong number of arguments');
  }
}

/** sdssplitargs for one config line: blanks separate; "double" quotes take escapes, 'single' quotes only \'. */
export function splitConfigLine(line: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    while (i < n && /\s/.test(line[i])) i++;
    if (i >= n) return out;
    let tok = '';
    let inq = false;
    let insq = false;
    for (;;) {
      const c = line[i];
      if (inq) {
        if (c === undefined) return undefined;
        if (c === '\\' && line[i + 1] === 'x' && /^[0-9a-fA-F]{2}$/.test(line.slice(i + 2, i + 4))) {
          tok += String.fromCharCode(Number.parseInt(line.slice(i + 2, i + 4), 16));
          i += 3;
        } else if (c === '\\' && i + 1 < n) {
          const e = line[++i];
          tok +=
            e === 'n'
              ? '\n'
              : e === 'r'
                ? '\r'
                : e === 't'
                  ? '\t'
                  : e === 'b'
                    ? '\b'
                    : e === 'a'
                      ? '\x07'
                      : e;
        } else if (c === '"') {
          if (i + 1 < n && !/\s/.test(line[i + 1])) return undefined;
          i++;
          break;
        } else {
          tok += c;
        }
      } else if (insq) {
        if (c === undefined) return undefined;
        if (c === '\\' && line[i + 1] === "'") {
          tok += "'";
          i++;
        } else if (c === "'") {
          if (i + 1 < n && !/\s/.test(line[i + 1])) return undefined;
          i++;
          break;
        } else {
          tok += c;
        }
      } else if (c === undefined || c === ' ' || c === '\n' || c === '\r' || c === '\t') {
        break;
      } else if (c === '"') {
        inq = true;
      } else if (c === "'") {
        insq = true;
      } else {
        tok += c;
      }
      i++;
    }
    out.push(tok);
  }
}

/**
 * Builds the configuration as redis-server does: the config file's lines,
 * then each `--name value...` flag appended as one more line.
 */
export function loadConfig(argv: readonly string[]): CliConfig {
  const { values, positionals, tokens } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  void values;
  const cfg = defaults();
  const lines: { text: string; args: string[] }[] = [];
  let file: string | undefined;
  if (positionals.length > 0 && tokens[0]?.kind === 'positional') file = positionals[0];
  if (file !== undefined) {
    cfg.configFile = path.resolve(file);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new Error(`Fatal error, can't open config file '${cfg.configFile}': ${(e as Error).message}`);
    }
    for (const raw of text.split('\n')) {
      const trimmed = raw.trim();
      if (trimmed === '' || trimmed.startsWith('#')) {
        lines.push({ text: raw, args: [] });
        continue;
      }
      const args = splitConfigLine(trimmed);
      if (args === undefined)
        throw new ConfigError('Unbalanced quotes in configuration line', lines.length + 1, raw);
      lines.push({ text: trimmed, args });
    }
  }
  // Flags: every `--name` starts a directive; the values up to the next `--name` are its arguments.
  let current: string[] | undefined;
  const flagLines: string[][] = [];
  for (const t of tokens) {
    if (t.kind === 'option' && current !== undefined && !t.rawName.startsWith('--')) {
      // `-1` and the like are values (of the directive before), not options.
      current.push(t.rawName + (t.value ?? ''));
    } else if (t.kind === 'option') {
      current = [t.name];
      flagLines.push(current);
      if (t.value !== undefined) current.push(t.value);
    } else if (t.kind === 'positional') {
      if (current === undefined) {
        if (t.index === 0 && file !== undefined) continue;
        throw new ConfigError('Bad directive or wrong number of arguments', lines.length + 1, t.value);
      }
      current.push(t.value);
    }
  }
  for (const args of flagLines) {
    lines.push({ text: [args[0], ...args.slice(1).map((a) => JSON.stringify(a))].join(' '), args });
  }
  for (let i = 0; i < lines.length; i++) {
    const { text, args } = lines[i];
    if (args.length === 0) continue;
    try {
      applyDirective(cfg, args[0].toLowerCase(), args.slice(1));
    } catch (e) {
      throw new ConfigError((e as Error).message, i + 1, text);
    }
  }
  return cfg;
}

function logLine(level: string, event: string, fields: Record<string, unknown> = {}): void {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level, event, ...fields })}\n`);
}

const USAGE = `Usage: cachee-server [/path/to/cachee.conf] [options]
       cachee-server -v or --version
       cachee-server -h or --help

Options are redis.conf directives: --port 6379 --bind 127.0.0.1 --requirepass <password>
  --maxclients 10000 --databases 16 --hz 10 --protected-mode yes
  --maxmemory <bytes> --maxmemory-policy noeviction
  --proto-max-bulk-len 512mb --client-query-buffer-limit 1gb
`;

/** Runs the server until SIGINT or SIGTERM. */
export async function main(argv: readonly string[]): Promise<number> {
  if (argv[0] === '-v' || argv[0] === '--version') {
    process.stdout.write(
      `Cachee server v=${CACHEE_VERSION} redis_version=${REDIS_VERSION} node=${process.version}\n`,
    );
    return 0;
  }
  if (argv[0] === '-h' || argv[0] === '--help') {
    process.stdout.write(USAGE);
    return 0;
  }
  let cfg: CliConfig;
  try {
    cfg = loadConfig(argv);
  } catch (e) {
    if (e instanceof ConfigError) {
      logLine('fatal', 'config-error', { line: e.line, directive: e.text, error: e.message });
      process.stderr.write(
        `\n*** FATAL CONFIG FILE ERROR (Cachee ${CACHEE_VERSION}) ***\nReading the configuration file, at line ${e.line}\n>>> '${e.text}'\n${e.message}\n`,
      );
    } else {
      logLine('fatal', 'config-error', { error: (e as Error).message });
    }
    return 1;
  }

  diagnostics_channel.subscribe(SERVER_CHANNEL, (message) => {
    const { level, event, ...fields } = message as ServerEvent;
    if (level === 'debug') return;
    logLine(level, event, fields);
  });

  const engine = new Engine({ databases: cfg.databases, hz: cfg.hz });
  engine.maxmemory = cfg.maxmemory;
  engine.maxmemoryPolicy = cfg.maxmemoryPolicy;
  const options: CacheeServerOptions = {
    port: cfg.port,
    host: cfg.bind,
    requirepass: cfg.requirepass,
    maxclients: cfg.maxclients,
    protoMaxBulkLen: cfg.protoMaxBulkLen,
    clientQueryBufferLimit: cfg.clientQueryBufferLimit,
    protectedMode: cfg.protectedMode,
    hz: cfg.hz,
    configFile: cfg.configFile,
  };
  const server = new CacheeServer(engine, options);
  logLine('notice', 'starting', {
    version: CACHEE_VERSION,
    redis_version: REDIS_VERSION,
    pid: process.pid,
    config_file: cfg.configFile || null,
  });
  try {
    await server.listen();
  } catch (e) {
    logLine('fatal', 'listen-error', { host: cfg.bind, port: cfg.port, error: (e as Error).message });
    engine.close();
    return 1;
  }

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logLine('notice', 'shutdown', { signal });
      server.close().then(() => {
        engine.close();
        logLine('notice', 'stopped');
        resolve(0);
      });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}

/** True when this module is the program (not imported, e.g. by tests). */
function isMain(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      logLine('fatal', 'crash', { error: e instanceof Error ? e.stack : String(e) });
      process.exitCode = 1;
    },
  );
}
