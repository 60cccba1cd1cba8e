/**
 * COMMAND and its subcommands: the command table described to clients. COMMAND
 * INFO re-emits Redis 7.0's own facts (flags, key positions, ACL categories,
 * tips, key specs) for the commands Cachee implements, so a client that plans
 * its calls from COMMAND (cluster routing, key extraction) sees what it would
 * see from redis-server. COMMAND DOCS carries our summaries with Redis's
 * `since` and `group`. COMMAND GETKEYS follows Redis's getKeysFromCommandWithSpecs:
 * key specs first, then the command's own key finder where specs cannot tell.
 */
import { Err, ReplyError } from '../errors.js';
import { MapReply, type Reply, SetReply, StatusReply } from '../protocol/reply.js';
import { type Arg, argText, isOption } from '../util/bytes.js';
import { Glob } from '../util/glob.js';
import { helpReply } from './connection.js';
import { lookupCommand } from './dispatch.js';
import type { RedisCommandMeta, TaggedValue } from './meta/types.js';
import { COMMAND_TABLE } from './registry.js';
import type { Command } from './table.js';
import type { CommandDef } from './types.js';

/** A Redis COMMAND reply value, kept with its shape, back to a reply. */
function fromTagged(v: TaggedValue): Reply {
  if (v === null || typeof v !== 'object') return v;
  switch (v.t) {
    case 'status':
      return new StatusReply(v.v);
    case 'arr':
      return v.v.map(fromTagged);
    case 'set':
      return new SetReply(v.v.map(fromTagged));
    case 'map':
      return new MapReply(v.v.map(fromTagged));
  }
}

const infoCache = new WeakMap<Command, Reply>();

/** One COMMAND INFO entry (addReplyCommandInfo). */
function commandInfo(cmd: Command): Reply {
  let reply = infoCache.get(cmd);
  if (reply !== undefined) return reply;
  const m = cmd.meta;
  reply = [
    cmd.fullName,
    m.arity,
    new SetReply(m.flags.map((f) => new StatusReply(f))),
    m.firstKey,
    m.lastKey,
    m.step,
    new SetReply(m.acl.map((c) => new StatusReply(c))),
    new SetReply([...m.tips]),
    fromTagged(m.keySpecs),
    cmd.subcommands ? [...cmd.subcommands.values()].map(commandInfo) : new SetReply([]),
  ];
  infoCache.set(cmd, reply);
  return reply;
}

/** One COMMAND DOCS entry (addReplyCommandDocs), with what Cachee has: summary, since, group. */
function commandDocs(cmd: Command): MapReply {
  const items: Reply[] = [];
  if (cmd.summary !== '') items.push('summary', cmd.summary);
  items.push('since', cmd.meta.since, 'group', cmd.meta.group);
  if (cmd.subcommands) {
    const subs: Reply[] = [];
    for (const sub of cmd.subcommands.values()) subs.push(sub.fullName, commandDocs(sub));
    items.push('subcommands', new MapReply(subs));
  }
  return new MapReply(items);
}

/** A command by full name (`get`, `client|list`), case-insensitively, as lookupCommandBySds. */
function commandByName(name: Arg): Command | undefined {
  const parts = argText(name).toLowerCase().split('|');
  if (parts.length > 2) return undefined;
  const base = COMMAND_TABLE.get(parts[0]);
  if (parts.length === 1 || base === undefined) return base;
  return base.subcommands?.get(parts[1]);
}

function* allCommands(): Generator<Command> {
  for (const cmd of COMMAND_TABLE.values()) {
    yield cmd;
    if (cmd.subcommands) yield* cmd.subcommands.values();
  }
}

// ---- key extraction ---------------------------------------------------------

/** A key found in argv: its index and the access flags Redis reports for it. */
export interface KeyReference {
  pos: number;
  flags: readonly string[];
}

interface KeySpec {
  flags: string[];
  begin:
    | { type: 'index'; index: number }
    | { type: 'keyword'; keyword: string; startfrom: number }
    | { type: 'unknown' };
  find:
    | { type: 'range'; lastkey: number; keystep: number; limit: number }
    | { type: 'keynum'; keynumidx: number; firstkey: number; keystep: number }
    | { type: 'unknown' };
}

function taggedMap(v: TaggedValue): Map<string, TaggedValue> {
  const out = new Map<string, TaggedValue>();
  if (v !== null && typeof v === 'object' && v.t === 'map') {
    for (let i = 0; i + 1 < v.v.length; i += 2) out.set(String(v.v[i]), v.v[i + 1]);
  }
  return out;
}

function num(v: TaggedValue | undefined): number {
  return typeof v === 'number' ? v : 0;
}

const specCache = new WeakMap<RedisCommandMeta, KeySpec[]>();

/** The command's key specs, decoded from their COMMAND INFO form. */
function keySpecs(meta: RedisCommandMeta): KeySpec[] {
  let specs = specCache.get(meta);
  if (specs) return specs;
  specs = [];
  const list = meta.keySpecs;
  if (list !== null && typeof list === 'object' && 'v' in list && Array.isArray(list.v)) {
    for (const raw of list.v) {
      const m = taggedMap(raw);
      const flagsV = m.get('flags');
      const flags =
        flagsV !== null && typeof flagsV === 'object' && flagsV !== undefined && Array.isArray(flagsV.v)
          ? flagsV.v.map((f) => (f !== null && typeof f === 'object' && f.t === 'status' ? f.v : String(f)))
          : [];
      const bs = taggedMap(m.get('begin_search') ?? null);
      const bsSpec = taggedMap(bs.get('spec') ?? null);
      const fk = taggedMap(m.get('find_keys') ?? null);
      const fkSpec = taggedMap(fk.get('spec') ?? null);
      const bsType = bs.get('type');
      const fkType = fk.get('type');
      specs.push({
        flags,
        begin:
          bsType === 'index'
            ? { type: 'index', index: num(bsSpec.get('index')) }
            : bsType === 'keyword'
              ? {
                  type: 'keyword',
                  keyword: String(bsSpec.get('keyword')),
                  startfrom: num(bsSpec.get('startfrom')),
                }
              : { type: 'unknown' },
        find:
          fkType === 'range'
            ? {
                type: 'range',
                lastkey: num(fkSpec.get('lastkey')),
                keystep: num(fkSpec.get('keystep')),
                limit: num(fkSpec.get('limit')),
              }
            : fkType === 'keynum'
              ? {
                  type: 'keynum',
                  keynumidx: num(fkSpec.get('keynumidx')),
                  firstkey: num(fkSpec.get('firstkey')),
                  keystep: num(fkSpec.get('keystep')),
                }
              : { type: 'unknown' },
      });
    }
  }
  specCache.set(meta, specs);
  return specs;
}

/** string2ll strictness for numkeys in key specs. */
function strictInt(arg: Arg): number | undefined {
  const s = argText(arg);
  if (!/^(0|-?[1-9][0-9]{0,18})$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** C's atoi, as the native key finders use it. */
function atoi(arg: Arg): number {
  const m = /^[ \t\n\v\f\r]*([+-]?[0-9]+)/.exec(argText(arg));
  if (!m) return 0;
  const n = Number(m[1]);
  return n > 2147483647 || n < -2147483648 ? -1 : n;
}

/** getKeysUsingKeySpecs: the keys, or undefined when a spec cannot tell (Redis then asks the command's own finder). */
function keysFromSpecs(specs: KeySpec[], argv: readonly Arg[]): KeyReference[] | undefined {
  const argc = argv.length;
  const keys: KeyReference[] = [];
  for (const spec of specs) {
    if (spec.flags.includes('not_key')) continue;
    let first = 0;
    const b = spec.begin;
    if (b.type === 'index') {
      first = b.index;
    } else if (b.type === 'keyword') {
      const start = b.startfrom > 0 ? b.startfrom : argc + b.startfrom;
      const end = b.startfrom > 0 ? argc - 1 : 1;
      for (let i = start; i !== end; i = start <= end ? i + 1 : i - 1) {
        if (i >= argc || i < 1) break;
        if (argText(argv[i]).toLowerCase() === b.keyword.toLowerCase()) {
          first = i + 1;
          break;
        }
      }
      if (first === 0) continue;
    } else {
      return undefined;
    }
    let last: number;
    let step: number;
    const f = spec.find;
    if (f.type === 'range') {
      step = f.keystep;
      if (f.lastkey >= 0) last = first + f.lastkey;
      else if (f.limit === 0) last = argc + f.lastkey;
      else last = first + (Math.trunc((argc - first) / f.limit) + f.lastkey);
    } else if (f.type === 'keynum') {
      step = f.keystep;
      if (first + f.keynumidx >= argc) return undefined;
      const n = strictInt(argv[first + f.keynumidx]);
      if (n === undefined || n < 0) return undefined;
      first += f.firstkey;
      last = first + n - 1;
    } else {
      return undefined;
    }
    if (last >= argc || last < first || first >= argc) return undefined;
    for (let i = first; i <= last; i += step) keys.push({ pos: i, flags: spec.flags });
    if (spec.flags.includes('incomplete')) return undefined;
  }
  return keys;
}

const RO_ACCESS = ['RO', 'access'];
const RW_ACCESS_UPDATE = ['RW', 'access', 'update'];
const OW_UPDATE = ['OW', 'update'];
const RW_ACCESS_DELETE = ['RW', 'access', 'delete'];
const NO_FLAGS: string[] = [];

/** genericGetKeys: `numkeys` at keyCountOfs, keys from firstKeyOfs, an optional destination key. */
function genericKeys(
  storeOfs: number,
  countOfs: number,
  firstOfs: number,
  step: number,
  argv: readonly Arg[],
) {
  const n = atoi(argv[countOfs]);
  if (n < 1 || n > Math.trunc((argv.length - firstOfs) / step)) return [];
  const keys: KeyReference[] = [];
  for (let i = 0; i < n; i++) keys.push({ pos: firstOfs + i * step, flags: NO_FLAGS });
  if (storeOfs) keys.push({ pos: storeOfs, flags: NO_FLAGS });
  return keys;
}

type KeyFinder = (argv: readonly Arg[]) => KeyReference[];

/** The native getkeys_proc functions of Redis 7.0, for the commands that have one. */
const KEY_FINDERS: Record<string, KeyFinder> = {
  zunion: (a) => genericKeys(0, 1, 2, 1, a),
  zinter: (a) => genericKeys(0, 1, 2, 1, a),
  zdiff: (a) => genericKeys(0, 1, 2, 1, a),
  zunionstore: (a) => genericKeys(1, 2, 3, 1, a),
  zinterstore: (a) => genericKeys(1, 2, 3, 1, a),
  zdiffstore: (a) => genericKeys(1, 2, 3, 1, a),
  eval: (a) => genericKeys(0, 2, 3, 1, a),
  evalsha: (a) => genericKeys(0, 2, 3, 1, a),
  eval_ro: (a) => genericKeys(0, 2, 3, 1, a),
  evalsha_ro: (a) => genericKeys(0, 2, 3, 1, a),
  fcall: (a) => genericKeys(0, 2, 3, 1, a),
  fcall_ro: (a) => genericKeys(0, 2, 3, 1, a),
  lmpop: (a) => genericKeys(0, 1, 2, 1, a),
  blmpop: (a) => genericKeys(0, 2, 3, 1, a),
  zmpop: (a) => genericKeys(0, 1, 2, 1, a),
  bzmpop: (a) => genericKeys(0, 2, 3, 1, a),
  sintercard: (a) => genericKeys(0, 1, 2, 1, a),
  zintercard: (a) => genericKeys(0, 1, 2, 1, a),
  set: (a) => {
    for (let i = 3; i < a.length; i++)
      if (isOption(a[i], 'GET')) return [{ pos: 1, flags: RW_ACCESS_UPDATE }];
    return [{ pos: 1, flags: OW_UPDATE }];
  },
  bitfield: (a) => {
    let readonly = true;
    for (let i = 2; i < a.length; i++) {
      const rem = a.length - i - 1;
      if (isOption(a[i], 'GET') && rem >= 2) i += 2;
      else if ((isOption(a[i], 'SET') || isOption(a[i], 'INCRBY')) && rem >= 3) {
        readonly = false;
        break;
      } else if (isOption(a[i], 'OVERFLOW') && rem >= 1) i += 1;
      else {
        readonly = false;
        break;
      }
    }
    return [{ pos: 1, flags: readonly ? RO_ACCESS : RW_ACCESS_UPDATE }];
  },
  sort: (a) => {
    const keys: KeyReference[] = [{ pos: 1, flags: RO_ACCESS }];
    let store = 0;
    for (let i = 2; i < a.length; i++) {
      if (isOption(a[i], 'LIMIT')) i += 2;
      else if (isOption(a[i], 'GET') || isOption(a[i], 'BY')) i += 1;
      else if (isOption(a[i], 'STORE') && i + 1 < a.length) store = i + 1;
    }
    if (store) keys.push({ pos: store, flags: OW_UPDATE });
    return keys;
  },
  sort_ro: () => [{ pos: 1, flags: RO_ACCESS }],
  migrate: (a) => {
    let first = 3;
    let n = 1;
    if (a.length > 6) {
      for (let i = 6; i < a.length; i++) {
        if (isOption(a[i], 'KEYS')) {
          if (argText(a[3]).length > 0) return [];
          first = i + 1;
          n = a.length - first;
          break;
        }
        if (isOption(a[i], 'AUTH')) i += 1;
        else if (isOption(a[i], 'AUTH2')) i += 2;
      }
    }
    const keys: KeyReference[] = [];
    for (let i = 0; i < n; i++) keys.push({ pos: first + i, flags: RW_ACCESS_DELETE });
    return keys;
  },
  georadius: georadiusKeys,
  georadiusbymember: georadiusKeys,
  xread: xreadKeys,
  xreadgroup: xreadKeys,
};

function georadiusKeys(a: readonly Arg[]): KeyReference[] {
  let stored = -1;
  for (let i = 5; i < a.length; i++) {
    if ((isOption(a[i], 'STORE') || isOption(a[i], 'STOREDIST')) && i + 1 < a.length) {
      stored = i + 1;
      i++;
    }
  }
  const keys: KeyReference[] = [{ pos: 1, flags: RO_ACCESS }];
  if (stored !== -1) keys.push({ pos: stored, flags: OW_UPDATE });
  return keys;
}

function xreadKeys(a: readonly Arg[]): KeyReference[] {
  let streams = -1;
  for (let i = 1; i < a.length; i++) {
    if (isOption(a[i], 'BLOCK') || isOption(a[i], 'COUNT')) i++;
    else if (isOption(a[i], 'GROUP')) i += 2;
    else if (isOption(a[i], 'NOACK')) continue;
    else if (isOption(a[i], 'STREAMS')) {
      streams = i;
      break;
    } else break;
  }
  const n = streams === -1 ? 0 : a.length - streams - 1;
  if (streams === -1 || n === 0 || n % 2 !== 0) return [];
  const keys: KeyReference[] = [];
  for (let i = streams + 1; i < a.length - n / 2; i++) keys.push({ pos: i, flags: NO_FLAGS });
  return keys;
}

/** doesCommandHaveKeys: a key spec for real keys, or a native key finder. */
export function commandHasKeys(meta: RedisCommandMeta): boolean {
  return meta.name in KEY_FINDERS || keySpecs(meta).some((s) => !s.flags.includes('not_key'));
}

/**
 * The keys of a full command line (argv[0] is the command name), as Redis's
 * getKeysFromCommandWithSpecs finds them: key specs when they are complete and
 * their flags fixed, else the command's native finder. Empty when none are found.
 */
export function commandKeys(meta: RedisCommandMeta, argv: readonly Arg[]): KeyReference[] {
  const specs = keySpecs(meta);
  const hasKeySpec = specs.some((s) => !s.flags.includes('not_key'));
  const hasVarFlags = specs.some((s) => s.flags.includes('variable_flags'));
  if (hasKeySpec && !hasVarFlags) {
    const keys = keysFromSpecs(specs, argv);
    if (keys !== undefined) return keys;
  }
  const finder = Object.hasOwn(KEY_FINDERS, meta.name) ? KEY_FINDERS[meta.name] : undefined;
  return finder ? finder(argv) : [];
}

/**
 * COMMAND GETKEYS / GETKEYSANDFLAGS for a command line (argv[0] is the command name)
 * of the command `meta` describes: the keys (with their flags), or Redis's errors.
 */
export function commandKeysReply(meta: RedisCommandMeta, line: readonly Arg[], withFlags: boolean): Reply {
  if (!commandHasKeys(meta)) throw new ReplyError(Err.commandHasNoKeys);
  const a = meta.arity;
  if ((a > 0 && a !== line.length) || line.length < -a) throw new ReplyError(Err.invalidCommandArgCount);
  const keys = commandKeys(meta, line);
  if (keys.length === 0) {
    if (meta.flags.includes('no_mandatory_keys')) return [];
    throw new ReplyError(Err.invalidCommandArgs);
  }
  return keys.map((k) =>
    withFlags ? [line[k.pos], new SetReply(k.flags.map((f) => new StatusReply(f)))] : line[k.pos],
  );
}

// COMMAND GETKEYS command [arg [arg ...]] / COMMAND GETKEYSANDFLAGS command [arg [arg ...]]
function getKeysReply(argv: Arg[], withFlags: boolean): Reply {
  const line = argv.slice(2);
  const cmd = lookupCommand(line);
  if (cmd === undefined) throw new ReplyError(Err.invalidCommandSpecified);
  return commandKeysReply(cmd.meta, line, withFlags);
}

const COMMAND_HELP = [
  'COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  '(no subcommand)',
  '    Return details about all Redis commands.',
  'COUNT',
  '    Return the total number of commands in this Redis server.',
  'LIST',
  '    Return a list of all commands in this Redis server.',
  'INFO [<command-name> ...]',
  '    Return details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'DOCS [<command-name> ...]',
  '    Return documentation details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'GETKEYS <full-command>',
  '    Return the keys from a full Redis command.',
  'GETKEYSANDFLAGS <full-command>',
  '    Return the keys and the access flags from a full Redis command.',
  'HELP',
  '    Prints this help.',
];

export const introspectionCommands: CommandDef[] = [
  {
    name: 'command',
    summary: 'Describes every command the server implements, as COMMAND INFO does.',
    // COMMAND
    // (dispatch runs the container's own handler only when no subcommand is given)
    handler: () => [...COMMAND_TABLE.values()].map(commandInfo),
  },
  {
    name: 'command|count',
    summary: 'Returns how many commands the server implements.',
    // COMMAND COUNT
    handler: () => COMMAND_TABLE.size,
  },
  {
    name: 'command|info',
    summary: 'Describes the given commands (all when none is named); unknown names give nil.',
    // COMMAND INFO [command-name [command-name ...]]
    handler: (_s, argv) => {
      if (argv.length === 2) return [...COMMAND_TABLE.values()].map(commandInfo);
      const out: Reply[] = [];
      for (let i = 2; i < argv.length; i++) {
        const cmd = commandByName(argv[i]);
        out.push(cmd ? commandInfo(cmd) : null);
      }
      return out;
    },
  },
  {
    name: 'command|docs',
    summary: 'Returns the documentation of the given commands (all when none is named).',
    // COMMAND DOCS [command-name [command-name ...]]
    handler: (_s, argv) => {
      const items: Reply[] = [];
      if (argv.length === 2) {
        for (const cmd of COMMAND_TABLE.values()) items.push(cmd.fullName, commandDocs(cmd));
      } else {
        for (let i = 2; i < argv.length; i++) {
          const cmd = commandByName(argv[i]);
          if (cmd) items.push(cmd.fullName, commandDocs(cmd));
        }
      }
      return new MapReply(items);
    },
  },
  {
    name: 'command|list',
    summary: 'Lists the names of the commands and subcommands, optionally filtered.',
    // COMMAND LIST [FILTERBY MODULE module-name | ACLCAT category | PATTERN pattern]
    handler: (_s, argv) => {
      let filter: ((cmd: Command) => boolean) | undefined;
      for (let i = 2; i < argv.length; i++) {
        if (!isOption(argv[i], 'FILTERBY') || argv.length - 1 - i !== 2) throw new ReplyError(Err.syntax);
        const type = argv[i + 1];
        const arg = argv[i + 2];
        if (isOption(type, 'MODULE')) {
          filter = () => false;
        } else if (isOption(type, 'ACLCAT')) {
          const cat = `@${argText(arg).toLowerCase()}`;
          filter = (cmd) => cmd.meta.acl.includes(cat);
        } else if (isOption(type, 'PATTERN')) {
          const glob = new Glob(arg, true);
          filter = (cmd) => glob.matchValue(cmd.fullName);
        } else {
          throw new ReplyError(Err.syntax);
        }
        i += 2;
      }
      const out: Reply[] = [];
      for (const cmd of allCommands()) if (filter === undefined || filter(cmd)) out.push(cmd.fullName);
      return out;
    },
  },
  {
    name: 'command|getkeys',
    summary: 'Extracts the key names from a full command line.',
    handler: (_s, argv) => getKeysReply(argv, false),
  },
  {
    name: 'command|getkeysandflags',
    summary: 'Extracts the key names from a full command line, with their access flags.',
    handler: (_s, argv) => getKeysReply(argv, true),
  },
  {
    name: 'command|help',
    summary: 'Describes the COMMAND subcommands.',
    // COMMAND HELP
    handler: () => helpReply(COMMAND_HELP),
  },
];
