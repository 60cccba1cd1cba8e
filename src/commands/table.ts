/**
 * The command table: data that drives dispatch, COMMAND, the README's command
 * list and the coverage tests. Facts (arity, flags, key positions, ACL
 * categories, key specs, group, since) come from Redis 7.0's own COMMAND INFO
 * and COMMAND DOCS (generated into meta/); each group module supplies the
 * handlers and our summaries. A command is in the table only if it has a handler.
 */
import { REDIS_COMMANDS } from './meta/redis-commands.generated.js';
import type { RedisCommandMeta } from './meta/types.js';
import type { CommandDef, Handler } from './types.js';

/** A command as dispatch sees it. */
export interface Command {
  /** Lower-case name (`get`, `object`). */
  readonly name: string;
  /** Full name: `object|encoding` for subcommands, else the name. */
  readonly fullName: string;
  readonly arity: number;
  readonly flags: ReadonlySet<string>;
  readonly meta: RedisCommandMeta;
  readonly summary: string;
  /** Undefined for containers, which dispatch to `subcommands`. */
  readonly handler: Handler | undefined;
  /** Implemented subcommands by lower-case name. */
  readonly subcommands: Map<string, Command> | undefined;
  /** Flag shortcuts used on every dispatch. */
  readonly isWrite: boolean;
  readonly denyOom: boolean;
  readonly noAuth: boolean;
}

const metaByName = new Map<string, RedisCommandMeta>();
function indexMeta(list: readonly RedisCommandMeta[]): void {
  for (const m of list) {
    metaByName.set(m.name, m);
    indexMeta(m.subcommands);
  }
}
indexMeta(REDIS_COMMANDS);

/** Redis's facts for a command or subcommand (`object|encoding`), if Redis 7.0 has it. */
export function redisMeta(fullName: string): RedisCommandMeta | undefined {
  return metaByName.get(fullName);
}

function makeCommand(
  meta: RedisCommandMeta,
  def: CommandDef | undefined,
  subs?: Map<string, Command>,
): Command {
  const flags = new Set(meta.flags);
  const bar = meta.name.indexOf('|');
  return {
    name: bar < 0 ? meta.name : meta.name.slice(bar + 1),
    fullName: meta.name,
    arity: meta.arity,
    flags,
    meta,
    summary: def?.summary ?? '',
    handler: def?.handler,
    subcommands: subs,
    isWrite: flags.has('write'),
    denyOom: flags.has('denyoom'),
    noAuth: flags.has('no_auth'),
  };
}

/** Builds the table from group definitions; throws on a name Redis 7.0 does not have or a duplicate. */
export function buildTable(defs: readonly CommandDef[]): Map<string, Command> {
  const byName = new Map<string, CommandDef>();
  for (const d of defs) {
    if (byName.has(d.name)) throw new Error(`command ${d.name} defined twice`);
    if (!metaByName.has(d.name)) throw new Error(`command ${d.name} is not a Redis 7.0 command`);
    byName.set(d.name, d);
  }
  const table = new Map<string, Command>();
  const containers = new Map<string, Map<string, Command>>();
  for (const d of defs) {
    const bar = d.name.indexOf('|');
    if (bar < 0) continue;
    const parent = d.name.slice(0, bar);
    let subs = containers.get(parent);
    if (!subs) containers.set(parent, (subs = new Map()));
    subs.set(d.name.slice(bar + 1), makeCommand(metaByName.get(d.name)!, d));
  }
  for (const [parent, subs] of containers) {
    table.set(parent, makeCommand(metaByName.get(parent)!, byName.get(parent), subs));
  }
  for (const d of defs) {
    if (d.name.includes('|') || table.has(d.name)) continue;
    const meta = metaByName.get(d.name)!;
    if (meta.subcommands.length > 0)
      throw new Error(`command ${d.name} is a container: define its subcommands`);
    table.set(d.name, makeCommand(meta, d));
  }
  return new Map([...table].sort(([a], [b]) => (a < b ? -1 : 1)));
}
