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
import { applyDirectives, ConfigError, type Directive, parseConfigText } from '../commands/config-file.js';
import { CACHEE_VERSION, REDIS_VERSION } from '../commands/server.js';
import type { ServerSettings } from '../commands/session.js';
import { Engine } from '../engine/engine.js';

export { ConfigError, splitConfigLine } from '../commands/config-file.js';

import {
  CacheeServer,
  type CacheeServerOptions,
  SERVER_CHANNEL,
  type ServerEvent,
} from '../server/server.js';

/** The settings the directives produce, and the directives themselves. */
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
  enableDebugCommand: 'no' | 'yes' | 'local';
  configFile: string;
  /** Every directive, file lines then flags, in order: replayed on the server's engine and settings. */
  directives: Directive[];
}

/**
 * Builds the configuration as redis-server does: the config file's lines, then
 * each `--name value...` flag appended as one more line. Every directive goes
 * through the parameter table (commands/config-registry.ts), the one CONFIG
 * GET / SET use; a refused one throws a {@link ConfigError} naming its line.
 */
export function loadConfig(argv: readonly string[]): CliConfig {
  const { positionals, tokens } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  const directives: Directive[] = [];
  let lineCount = 0;
  let configFile = '';
  let file: string | undefined;
  if (positionals.length > 0 && tokens[0]?.kind === 'positional') file = positionals[0];
  if (file !== undefined) {
    configFile = path.resolve(file);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new Error(`Fatal error, can't open config file '${configFile}': ${(e as Error).message}`);
    }
    directives.push(...parseConfigText(text));
    lineCount = text.split('\n').length;
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
        throw new ConfigError('Bad directive or wrong number of arguments', lineCount + 1, t.value);
      }
      current.push(t.value);
    }
  }
  for (const args of flagLines) {
    lineCount++;
    directives.push({
      args,
      line: lineCount,
      text: [args[0], ...args.slice(1).map((a) => JSON.stringify(a))].join(' '),
    });
  }
  // Validate everything on a scratch engine, so that a bad line stops the start before anything runs.
  const engine = new Engine({ activeExpiry: false });
  const settings: ServerSettings = { requirepass: null };
  applyDirectives({ engine, settings, server: null }, directives);
  engine.close();
  return {
    port: settings.port ?? 6379,
    bind: settings.bind ?? '127.0.0.1',
    databases: settings.databases ?? 16,
    requirepass: settings.requirepass,
    maxclients: settings.maxclients ?? 10000,
    hz: engine.hz,
    protectedMode: settings.protectedMode ?? true,
    maxmemory: engine.maxmemory,
    maxmemoryPolicy: engine.maxmemoryPolicy,
    protoMaxBulkLen: settings.protoMaxBulkLen ?? 512 * 1024 * 1024,
    clientQueryBufferLimit: settings.clientQueryBufferLimit ?? 1024 * 1024 * 1024,
    enableDebugCommand: settings.enableDebugCommand ?? 'no',
    configFile,
    directives,
  };
}

function logLine(level: string, event: string, fields: Record<string, unknown> = {}): void {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level, event, ...fields })}\n`);
}

const USAGE = `Usage: cachee-server [/path/to/cachee.conf] [options]
       cachee-server -v or --version
       cachee-server -h or --help

Options are the redis.conf directives Cachee honours (CONFIG GET * lists them), e.g.
  --port 6379 --bind 127.0.0.1 --requirepass <password> --maxclients 10000
  --databases 16 --hz 10 --protected-mode yes --timeout 0 --tcp-keepalive 300
  --maxmemory <bytes> --maxmemory-policy noeviction --notify-keyspace-events KEA
  --slowlog-log-slower-than 10000 --latency-monitor-threshold 0
  --proto-max-bulk-len 512mb --client-query-buffer-limit 1gb --enable-debug-command no
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

  const engine = new Engine({
    databases: cfg.databases,
    hz: cfg.hz,
    enableDebugCommand: cfg.enableDebugCommand,
  });
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
  // The same directives again, now on the real engine and the server's settings (validated above).
  applyDirectives({ engine, settings: server.settings, server: null }, cfg.directives);
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
    server.onShutdown(() => stop('SHUTDOWN'));
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
