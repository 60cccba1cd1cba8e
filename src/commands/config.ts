/**
 * CONFIG GET / SET / RESETSTAT / REWRITE / HELP over the parameter table in
 * config-registry.ts, with Redis 7.0's semantics: GET takes several names or
 * glob patterns (aliases included, exact names echoed as typed); SET takes
 * several pairs and is atomic (every value is stored, then applied; on any
 * failure the old values come back); REWRITE rewrites the config file the
 * server was started with, keeping its comments and layout as Redis does.
 */
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { Err, ReplyError } from '../errors.js';
import { MapReply, OK, type Reply } from '../protocol/reply.js';
import { argText } from '../util/bytes.js';
import { stringMatch } from '../util/glob.js';
import { splitConfigLine } from './config-file.js';
import {
  CONFIG_NAMES,
  CONFIG_PARAMS,
  type ConfigParam,
  type ConfigTarget,
  ConfigValueError,
  configTarget,
  lookupConfig,
  splitMultiArg,
} from './config-registry.js';
import { helpReply } from './connection.js';
import type { Session } from './session.js';
import type { CommandDef } from './types.js';

/** addReplyErrorFormat: CR and LF become spaces. */
function oneLine(text: string): string {
  return text.replace(/[\r\n]/g, ' ');
}

// CONFIG GET parameter [parameter ...]
function configGet(s: Session, argv: Parameters<CommandDef['handler']>[1]): Reply {
  const t = configTarget(s);
  // Keyed by lower-case name: Redis's reply dict compares names case-insensitively.
  const matches = new Map<string, [string, ConfigParam]>();
  for (let i = 2; i < argv.length; i++) {
    const name = argText(argv[i]);
    if (!/[[*?]/.test(name)) {
      const lower = name.toLowerCase();
      if (matches.has(lower)) continue;
      const param = lookupConfig(name);
      if (param !== undefined) matches.set(lower, [name, param]);
      continue;
    }
    for (const key of CONFIG_NAMES) {
      if (matches.has(key)) continue;
      if (stringMatch(argv[i], key, true)) matches.set(key, [key, lookupConfig(key)!]);
    }
  }
  const items: Reply[] = [];
  for (const [key, param] of matches.values()) items.push(key, param.get(t));
  return new MapReply(items);
}

/** Stores a value from its CONFIG GET text (restoring after a failed CONFIG SET). */
function restore(t: ConfigTarget, param: ConfigParam, value: string): void {
  try {
    param.set(t, splitMultiArg(param, value));
  } catch {
    // Redis logs and carries on; the value was valid a moment ago.
  }
}

// CONFIG SET parameter value [parameter value ...]
function configSet(s: Session, argv: Parameters<CommandDef['handler']>[1]): Reply {
  if (argv.length % 2 !== 0) throw new ReplyError(Err.syntax);
  const t = configTarget(s);
  const params: ConfigParam[] = [];
  const names: string[] = [];
  let unknown: string | undefined;
  let failedName: string | undefined;
  let reason: string | undefined;
  for (let i = 2; i < argv.length; i += 2) {
    const name = argText(argv[i]);
    const param = lookupConfig(name);
    if (param === undefined) {
      if (failedName === undefined && unknown === undefined) unknown = name;
      continue;
    }
    if (failedName !== undefined || unknown !== undefined) continue;
    if (param.immutable) {
      failedName = name;
      reason = "can't set immutable config";
      continue;
    }
    // An alias is its own entry: `lua-time-limit` and `busy-reply-threshold` together are not duplicates.
    const key = name.toLowerCase();
    if (names.some((n) => n.toLowerCase() === key)) {
      failedName = name;
      reason = 'duplicate parameter';
      continue;
    }
    params.push(param);
    names.push(name);
  }
  if (unknown !== undefined) throw new ReplyError(oneLine(Err.configSetUnknown(unknown)));
  if (failedName !== undefined) throw new ReplyError(oneLine(Err.configSetFailed(failedName, reason!)));

  const old = params.map((p) => p.get(t));
  const applies: NonNullable<ConfigParam['apply']>[] = [];
  const applyNames: string[] = [];
  for (let i = 0; i < params.length; i++) {
    const param = params[i];
    try {
      param.set(t, splitMultiArg(param, argText(argv[3 + 2 * i])));
    } catch (e) {
      if (!(e instanceof ConfigValueError)) throw e;
      for (let j = 0; j <= i; j++) restore(t, params[j], old[j]);
      throw new ReplyError(oneLine(Err.configSetFailed(configName(names[i], param), e.message)));
    }
    if (param.apply !== undefined && param.get(t) !== old[i] && !applies.includes(param.apply)) {
      applies.push(param.apply);
      applyNames.push(configName(names[i], param));
    }
  }
  for (let i = 0; i < applies.length; i++) {
    try {
      applies[i](t);
    } catch (e) {
      if (!(e instanceof ConfigValueError)) throw e;
      for (let j = 0; j < params.length; j++) restore(t, params[j], old[j]);
      for (const apply of applies) apply(t);
      throw new ReplyError(oneLine(Err.configSetFailed(applyNames[i], e.message)));
    }
  }
  return OK;
}

/** The entry's own name, as Redis reports a failed value: the alias when the alias was used. */
function configName(typed: string, param: ConfigParam): string {
  return param.alias !== undefined && typed.toLowerCase() === param.alias ? param.alias : param.name;
}

// ---------------------------------------------------------------------------
// CONFIG REWRITE (rewriteConfig in config.c)

const SIGNATURE = '# Generated by CONFIG REWRITE';

/** strerror texts for the errors a rewrite can meet. */
const STRERROR: Record<string, string> = {
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  ENOENT: 'No such file or directory',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  EROFS: 'Read-only file system',
  ENOSPC: 'No space left on device',
  EEXIST: 'File exists',
  ENAMETOOLONG: 'File name too long',
};

function strerror(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return (code !== undefined && STRERROR[code]) || (e as Error).message;
}

/**
 * The new text of a config file: each option's line reused where the file has it,
 * options at a non-default value appended after a signature line, stale lines of
 * rewritten options blanked, unknown lines commented out with `# ???`, and runs of
 * empty lines collapsed.
 */
export function rewriteConfigText(old: string, t: ConfigTarget): string {
  const lines: string[] = [];
  const optionLines = new Map<string, number[]>();
  let needsSignature = true;
  if (old.length > 0) {
    for (const raw of old.split('\n')) {
      const line = raw.replace(/^[\r\n\t ]+|[\r\n\t ]+$/g, '');
      if (line === '' || line.startsWith('#')) {
        if (line === SIGNATURE) needsSignature = false;
        lines.push(line);
        continue;
      }
      const args = splitConfigLine(line);
      const param = args !== undefined && args.length > 0 ? lookupConfig(args[0]) : undefined;
      if (param === undefined) {
        lines.push(`# ??? ${line}`);
        continue;
      }
      // A line under an alias is a line of the option itself.
      const option = param.name;
      lines.push(line);
      let at = optionLines.get(option);
      if (at === undefined) optionLines.set(option, (at = []));
      at.push(lines.length - 1);
    }
  }
  const processed = new Set<string>();
  for (const param of CONFIG_PARAMS) {
    const entries = param.rewrite(t);
    processed.add(param.name);
    if (entries === null) continue;
    for (const { line, force } of entries) {
      const at = optionLines.get(param.name);
      if (at !== undefined && at.length > 0) {
        lines[at.shift()!] = line;
      } else if (force) {
        if (needsSignature) {
          lines.push(SIGNATURE);
          needsSignature = false;
        }
        lines.push(line);
      }
    }
  }
  for (const [option, at] of optionLines) {
    if (!processed.has(option)) continue;
    for (const i of at) lines[i] = '';
  }
  let out = '';
  let wasEmpty = false;
  for (const line of lines) {
    if (line === '') {
      if (wasEmpty) continue;
      wasEmpty = true;
    } else {
      wasEmpty = false;
    }
    out += `${line}\n`;
  }
  return out;
}

/** Rewrites `file` in place (write a temporary file, then rename it over the old one). */
export function rewriteConfigFile(file: string, t: ConfigTarget): void {
  let old = '';
  try {
    old = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const text = rewriteConfigText(old, t);
  const tmp = `${file}.${Math.random().toString(36).slice(2, 8)}`;
  try {
    writeFileSync(tmp, text, { mode: 0o644 });
    renameSync(tmp, file);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // Nothing was written.
    }
    throw e;
  }
}

const CONFIG_HELP = [
  'CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GET <pattern>',
  '    Return parameters matching the glob-like <pattern> and their values.',
  'SET <directive> <value>',
  '    Set the configuration <directive> to <value>.',
  'RESETSTAT',
  '    Reset statistics reported by the INFO command.',
  'REWRITE',
  '    Rewrite the configuration file.',
  'HELP',
  '    Prints this help.',
];

export const configCommands: CommandDef[] = [
  {
    name: 'config|get',
    summary: 'Returns the values of configuration parameters matching names or glob patterns.',
    handler: configGet,
  },
  {
    name: 'config|set',
    summary: 'Sets one or more configuration parameters, all or none.',
    handler: configSet,
  },
  {
    name: 'config|resetstat',
    summary: 'Resets the statistics INFO reports.',
    // CONFIG RESETSTAT
    handler: (s) => {
      const engine = s.engine;
      engine.stats.reset();
      engine.commandStats.clear();
      engine.errorStats.reset();
      s.server?.resetStats();
      return OK;
    },
  },
  {
    name: 'config|rewrite',
    summary: 'Rewrites the config file the server was started with to hold the current configuration.',
    // CONFIG REWRITE
    handler: (s) => {
      const t = configTarget(s);
      const file = t.settings.configFile;
      if (file === undefined || file === '') throw new ReplyError(Err.noConfigFile);
      try {
        rewriteConfigFile(file, t);
      } catch (e) {
        throw new ReplyError(oneLine(Err.configRewriteFailed(strerror(e))));
      }
      return OK;
    },
  },
  {
    name: 'config|help',
    summary: 'Describes the CONFIG subcommands.',
    // CONFIG HELP
    handler: () => helpReply(CONFIG_HELP),
  },
];
