import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { COMMAND_TABLE } from '../../src/commands/registry.js';
import { buildTable, redisMeta } from '../../src/commands/table.js';

describe('command table', () => {
  it('has a handler for every command and subcommand it lists', () => {
    for (const cmd of COMMAND_TABLE.values()) {
      if (cmd.subcommands) {
        expect(cmd.subcommands.size, cmd.name).toBeGreaterThan(0);
        for (const sub of cmd.subcommands.values()) expect(typeof sub.handler, sub.fullName).toBe('function');
      } else {
        expect(typeof cmd.handler, cmd.name).toBe('function');
      }
    }
  });

  it("takes arity, flags and key positions from Redis 7.0's own COMMAND INFO", () => {
    const get = COMMAND_TABLE.get('get')!;
    expect(get.arity).toBe(2);
    expect([...get.flags]).toEqual(['readonly', 'fast']);
    expect(get.meta.firstKey).toBe(1);
    expect(redisMeta('object|encoding')?.arity).toBe(3);
  });

  it('gives every command our own summary', () => {
    for (const cmd of COMMAND_TABLE.values()) {
      for (const c of cmd.subcommands ? [...cmd.subcommands.values()] : [cmd]) {
        expect(c.summary.length, c.fullName).toBeGreaterThan(10);
      }
    }
  });

  it('rejects names Redis 7.0 does not have, and duplicates', () => {
    const handler = () => null;
    expect(() => buildTable([{ name: 'nosuch', summary: 'x', handler }])).toThrow(/not a Redis 7.0 command/);
    expect(() =>
      buildTable([
        { name: 'get', summary: 'x', handler },
        { name: 'get', summary: 'x', handler },
      ]),
    ).toThrow(/twice/);
  });

  it("matches the README's supported-command list", () => {
    // `npm test` builds dist/ first; the script reads the table from there.
    expect(() =>
      execFileSync('node', ['scripts/gen-readme-commands.mjs', '--check'], { stdio: 'pipe' }),
    ).not.toThrow();
  });
});
