import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, splitConfigLine } from '../../src/cli/main.js';
import { freePort } from '../diff/harness.js';
import { run } from './helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'cachee-cli-'));
function confFile(text: string): string {
  const f = path.join(dir, `c${Math.random().toString(36).slice(2)}.conf`);
  writeFileSync(f, text);
  return f;
}

function configError(argv: string[]): ConfigError {
  try {
    loadConfig(argv);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('cachee-server configuration', () => {
  it('has redis-server defaults', () => {
    const cfg = loadConfig([]);
    expect(cfg).toMatchObject({
      port: 6379,
      bind: '127.0.0.1',
      databases: 16,
      requirepass: null,
      maxclients: 10000,
      hz: 10,
      protectedMode: true,
      configFile: '',
    });
  });

  it('reads flags in redis-server style', () => {
    const cfg = loadConfig([
      '--port',
      '7000',
      '--bind',
      '0.0.0.0',
      '--databases',
      '4',
      '--requirepass',
      'pw',
      '--maxclients=50',
      '--hz',
      '20',
      '--protected-mode',
      'no',
      '--maxmemory',
      '100mb',
      '--maxmemory-policy',
      'allkeys-lru',
      '--save',
      '',
      '--appendonly',
      'no',
    ]);
    expect(cfg).toMatchObject({
      port: 7000,
      bind: '0.0.0.0',
      databases: 4,
      requirepass: 'pw',
      maxclients: 50,
      hz: 20,
      protectedMode: false,
      maxmemory: 100 * 1024 * 1024,
      maxmemoryPolicy: 'allkeys-lru',
    });
  });

  it('reads a redis.conf-style file, flags overriding it', () => {
    const file = confFile('# a comment\n\nport 7001\nrequirepass "with space"\nDATABASES 8\nmaxmemory 1gb\n');
    const cfg = loadConfig([file, '--port', '7002']);
    expect(cfg.port).toBe(7002);
    expect(cfg.requirepass).toBe('with space');
    expect(cfg.databases).toBe(8);
    expect(cfg.maxmemory).toBe(1024 ** 3);
    expect(cfg.configFile).toBe(path.resolve(file));
  });

  it('reports bad directives as redis-server does, with the line', () => {
    const file = confFile('port 7001\nfoo bar baz\n');
    let e = configError([file]);
    expect(e.message).toBe('Bad directive or wrong number of arguments');
    expect(e.line).toBe(2);
    expect(e.text).toBe('foo bar baz');
    e = configError(['--port', '1', '--nosuch', 'x']);
    expect(e.message).toBe('Bad directive or wrong number of arguments');
    expect(e.text).toBe('nosuch "x"');
    expect(e.line).toBe(2);
    expect(configError(['--port', 'abc']).message).toBe("argument couldn't be parsed into an integer");
    expect(configError(['--port']).message).toBe('wrong number of arguments');
    expect(configError(['--port', '1', '2']).message).toBe('wrong number of arguments');
    expect(configError(['--maxclients', '0']).message).toBe(
      'argument must be between 1 and 4294967295 inclusive',
    );
    expect(configError(['--databases', '0']).message).toBe(
      'argument must be between 1 and 2147483647 inclusive',
    );
    expect(configError(['--protected-mode', 'maybe']).message).toBe("argument must be 'yes' or 'no'");
    expect(configError(['--appendonly', 'yes']).message).toMatch(/does not persist/);
    expect(() => loadConfig([path.join(dir, 'missing.conf')])).toThrow(/can't open config file/);
  });

  it('splits config lines as sdssplitargs does', () => {
    expect(splitConfigLine('a  b\t"c d" \'e f\'')).toEqual(['a', 'b', 'c d', 'e f']);
    expect(splitConfigLine('x "a\\nb\\x41"')).toEqual(['x', 'a\nbA']);
    expect(splitConfigLine('x "unterminated')).toBeUndefined();
    expect(splitConfigLine('x "a"b')).toBeUndefined();
    expect(splitConfigLine('save ""')).toEqual(['save', '']);
  });
});

const MAIN = path.resolve('dist/cli/main.js');

describe.skipIf(!existsSync(MAIN))('cachee-server process (dist/cli/main.js)', () => {
  it('starts, serves redis-cli, logs JSON lines, and stops on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [MAIN, '--port', String(port), '--save', ''], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const deadline = Date.now() + 10_000;
    while (!stderr.includes('"event":"listening"')) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect((await run('redis-cli', ['-p', String(port), 'PING'])).trim()).toBe('PONG');
    const info = await run('redis-cli', ['-p', String(port), 'INFO', 'server']);
    expect(info).toContain(`tcp_port:${port}`);
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const lines = stderr
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.event)).toEqual(['starting', 'listening', 'shutdown', 'stopped']);
    expect(lines[1]).toMatchObject({ level: 'notice', host: '127.0.0.1', port });
  });

  it('exits with an error on a bad directive', async () => {
    const child = spawn(process.execPath, [MAIN, '--bogus', 'x'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(1);
    expect(stderr).toContain('Bad directive or wrong number of arguments');
    expect(stderr).toContain('>>> \'bogus "x"\'');
  });
});
