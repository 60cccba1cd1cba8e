// The command table must load before a group module is imported on its own (registry ↔ group cycle).
import '../../src/commands/registry.js';
import { describe, expect, it } from 'vitest';
import { Cachee } from '../../src/client/cachee.js';
import { commandHasKeys, commandKeys } from '../../src/commands/introspection.js';
import { COMMAND_TABLE } from '../../src/commands/registry.js';
import { bytesToHuman, CACHEE_VERSION, infoSections, infoString } from '../../src/commands/server.js';
import { Session } from '../../src/commands/session.js';
import { redisMeta } from '../../src/commands/table.js';
import { ManualClock } from '../../src/engine/clock.js';
import { Engine } from '../../src/engine/engine.js';

describe('COMMAND', () => {
  it('COUNT is the number of commands in the table', () => {
    expect(new Cachee().call('command', 'count')).toBe(COMMAND_TABLE.size);
  });

  it('COMMAND and COMMAND INFO describe every command, with Redis facts', () => {
    const c = new Cachee();
    const all = c.call('command') as unknown[][];
    expect(all).toHaveLength(COMMAND_TABLE.size);
    const get = all.find((e) => e[0] === 'get')!;
    expect(get.slice(0, 8)).toEqual([
      'get',
      2,
      ['readonly', 'fast'],
      1,
      1,
      1,
      ['@read', '@string', '@fast'],
      [],
    ]);
    const [info, missing] = c.call('command', 'info', 'GET', 'nosuch') as unknown[][];
    expect(info).toEqual(get);
    expect(missing).toBeNull();
    const client = (c.call('command', 'info', 'client') as unknown[][])[0];
    const subs = client[9] as unknown[][];
    expect(subs.map((s) => s[0])).toEqual(
      [...COMMAND_TABLE.get('client')!.subcommands!.keys()].map((k) => `client|${k}`),
    );
    expect((c.call('command', 'info', 'client|getname') as unknown[][])[0][0]).toBe('client|getname');
  });

  it('DOCS gives our summary with Redis since and group', () => {
    const c = new Cachee();
    const docs = c.call('command', 'docs', 'echo', 'nosuch') as unknown[];
    expect(docs[0]).toBe('echo');
    expect(docs[1]).toEqual([
      'summary',
      'Returns the given message.',
      'since',
      '1.0.0',
      'group',
      'connection',
    ]);
    expect(docs).toHaveLength(2);
    const all = c.call('command', 'docs') as unknown[];
    expect(all.length).toBe(COMMAND_TABLE.size * 2);
    const client = c.call('command', 'docs', 'client') as unknown[][];
    const fields = client[1] as unknown[];
    expect(fields).toContain('subcommands');
  });

  it('LIST lists commands and subcommands, with filters', () => {
    const c = new Cachee();
    const names = c.call('command', 'list') as string[];
    expect(names).toContain('get');
    expect(names).toContain('client|list');
    expect(c.call('command', 'list', 'filterby', 'pattern', 'CLIENT|[gs]etname')).toEqual([
      'client|getname',
      'client|setname',
    ]);
    const conn = c.call('command', 'list', 'filterby', 'aclcat', 'Connection') as string[];
    expect(conn).toContain('ping');
    expect(conn).not.toContain('get');
    expect(c.call('command', 'list', 'filterby', 'module', 'any')).toEqual([]);
    expect(() => c.call('command', 'list', 'filterby', 'other', 'x')).toThrow('ERR syntax error');
  });

  it('GETKEYS / GETKEYSANDFLAGS extract keys from key specs', () => {
    const c = new Cachee();
    expect(c.call('command', 'getkeys', 'mset', 'a', '1', 'b', '2')).toEqual(['a', 'b']);
    expect(c.call('command', 'getkeysandflags', 'set', 'k', 'v', 'GET')).toEqual([
      ['k', ['RW', 'access', 'update']],
    ]);
    expect(c.call('command', 'getkeysandflags', 'set', 'k', 'v')).toEqual([['k', ['OW', 'update']]]);
    expect(() => c.call('command', 'getkeys', 'ping', 'x')).toThrow('ERR The command has no key arguments');
    expect(() => c.call('command', 'getkeys', 'nosuch', 'x')).toThrow('ERR Invalid command specified');
    expect(() => c.call('command', 'getkeys', 'get', 'a', 'b')).toThrow(
      'ERR Invalid number of arguments specified for command',
    );
  });

  it('derives keys for commands Cachee does not implement yet, from Redis metadata', () => {
    const zunionstore = redisMeta('zunionstore')!;
    expect(commandKeys(zunionstore, ['zunionstore', 'd', '2', 'a', 'b']).map((k) => k.pos)).toEqual([
      1, 3, 4,
    ]);
    expect(
      commandKeys(redisMeta('xread')!, ['xread', 'COUNT', '1', 'STREAMS', 's1', 's2', '0', '0']).map(
        (k) => k.pos,
      ),
    ).toEqual([4, 5]);
    expect(commandKeys(redisMeta('sort')!, ['sort', 'k', 'BY', 'x', 'STORE', 'd']).map((k) => k.pos)).toEqual(
      [1, 5],
    );
    expect(commandKeys(redisMeta('eval')!, ['eval', 's', '0'])).toEqual([]);
    expect(commandHasKeys(redisMeta('ping')!)).toBe(false);
    expect(commandHasKeys(redisMeta('publish')!)).toBe(false);
  });

  it('HELP', () => {
    const help = new Cachee().call('command', 'help') as string[];
    expect(help[0]).toBe('COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    expect(help).toHaveLength(21);
  });
});

describe('INFO', () => {
  it('selects sections as Redis 7.0 does', () => {
    expect([...infoSections([])]).toEqual([
      'server',
      'clients',
      'memory',
      'persistence',
      'stats',
      'replication',
      'cpu',
      'modules',
      'errorstats',
      'cluster',
      'keyspace',
    ]);
    expect([...infoSections(['everything'])]).toEqual([
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
    ]);
    expect([...infoSections(['all'])]).toEqual([...infoSections(['everything'])]);
    expect([...infoSections(['KEYSPACE', 'Server', 'nosuch'])]).toEqual(['keyspace', 'server']);
    expect([...infoSections(['nosuch'])]).toEqual([]);
  });

  it("formats sections in Redis's text layout", () => {
    const engine = new Engine({ clock: new ManualClock(), activeExpiry: false });
    const s = new Session(engine, { requirepass: null }, 'local');
    const text = infoString(s, infoSections([]));
    expect(text).toMatch(/^# Server\r\nredis_version:7\.0\.15\r\ncachee_version:\S+\r\n/);
    expect(text).toContain(`cachee_version:${CACHEE_VERSION}\r\n`);
    expect(text).toMatch(/\r\nredis_mode:standalone\r\n/);
    expect(text).toMatch(/\r\nos:\S+ \S+ \S+\r\narch_bits:(64|32)\r\n/);
    expect(text).toMatch(/\r\nprocess_id:\d+\r\n/);
    expect(text).toMatch(/\r\n\r\n# Clients\r\nconnected_clients:0\r\n/);
    expect(text).toMatch(/\r\nused_memory:\d+\r\nused_memory_human:[\d.]+[BKMG]\r\n/);
    expect(text).toMatch(/\r\nmaxmemory:0\r\nmaxmemory_human:0B\r\nmaxmemory_policy:noeviction\r\n/);
    expect(text).toMatch(/\r\n# Persistence\r\nloading:0\r\n/);
    expect(text).toMatch(/\r\n# Replication\r\nrole:master\r\n/);
    expect(text).toMatch(
      /\r\n# Modules\r\n\r\n# Errorstats\r\n\r\n# Cluster\r\ncluster_enabled:0\r\n\r\n# Keyspace\r\n$/,
    );
    expect(text.split('\r\n').every((l) => l === '' || l.startsWith('# ') || /^[a-z_0-9]+:/.test(l))).toBe(
      true,
    );
  });

  it('reports keyspace stats and the keyspace per database', () => {
    const clock = new ManualClock();
    const c = new Cachee({ clock, activeExpiry: false });
    c.call('set', 'a', '1');
    c.call('set', 'b', '2', 'PX', 10_000);
    c.call('get', 'a');
    c.call('get', 'nope');
    c.call('select', 5);
    c.call('set', 'x', 'y');
    clock.advance(4000);
    const info = c.call('info', 'keyspace', 'stats') as string;
    expect(info).toContain('\r\nkeyspace_hits:1\r\nkeyspace_misses:1\r\n');
    expect(info).toMatch(
      /# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=6000\r\ndb5:keys=1,expires=0,avg_ttl=0\r\n$/,
    );
  });

  it('is a verbatim string in RESP3', async () => {
    const { encodeToBuffer } = await import('../../src/protocol/encoder.js');
    const { dispatch } = await import('../../src/commands/dispatch.js');
    const s = new Session(new Engine({ activeExpiry: false }), { requirepass: null }, 'tcp');
    s.protocol = 3;
    expect(encodeToBuffer(dispatch(s, ['INFO', 'cluster']), 3).toString()).toBe(
      '=34\r\ntxt:# Cluster\r\ncluster_enabled:0\r\n\r\n',
    );
    s.protocol = 2;
    expect(encodeToBuffer(dispatch(s, ['INFO', 'cluster']), 2).toString()).toBe(
      '$30\r\n# Cluster\r\ncluster_enabled:0\r\n\r\n',
    );
  });

  it('bytesToHuman matches Redis', () => {
    expect(bytesToHuman(0)).toBe('0B');
    expect(bytesToHuman(1023)).toBe('1023B');
    expect(bytesToHuman(1024)).toBe('1.00K');
    expect(bytesToHuman(917024)).toBe('895.53K');
    expect(bytesToHuman(25276502016)).toBe('23.54G');
    expect(bytesToHuman(1024 ** 5 * 3)).toBe('3.00P');
  });
});
