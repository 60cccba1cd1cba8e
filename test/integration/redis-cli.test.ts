/**
 * Debian's redis-cli against Cachee's RESP server. Wherever the output is
 * deterministic, the same invocation runs against a real redis-server too and
 * the two outputs (stdout, stderr, exit code) must be identical.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisProcess, startRedis } from '../diff/harness.js';
import { resp, type Started, startServer } from '../server/helpers.js';

interface CliResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** Runs redis-cli against `port`; never rejects on a non-zero exit (that is part of the result). */
function cli(port: number, args: string[], input?: string | Buffer, timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'redis-cli',
      ['-p', String(port), ...args],
      { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: 'latin1' },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') reject(err);
        else resolve({ stdout, stderr, code: err ? (err.code as unknown as number) : 0 });
      },
    );
    if (input !== undefined) child.stdin?.end(input);
    else child.stdin?.end();
  });
}

let s: Started;
let redis: RedisProcess;

beforeAll(async () => {
  [s, redis] = await Promise.all([startServer(), startRedis()]);
});
afterAll(async () => {
  await Promise.all([s.stop(), redis.stop()]);
});

/** The same redis-cli invocation against both servers; returns Cachee's result after comparing. */
async function same(args: string[], input?: string): Promise<CliResult> {
  const [ours, theirs] = await Promise.all([cli(s.port, args, input), cli(redis.port, args, input)]);
  expect(ours, `redis-cli ${args.join(' ')}`).toEqual(theirs);
  return ours;
}

describe('redis-cli', () => {
  it('runs plain commands with the same output as against redis-server', async () => {
    await same(['FLUSHALL']);
    expect((await same(['PING'])).stdout).toBe('PONG\n');
    await same(['SET', 'cli:s', 'hello world']);
    expect((await same(['GET', 'cli:s'])).stdout).toBe('hello world\n');
    await same(['GET', 'cli:missing']);
    await same(['INCR', 'cli:n']);
    await same(['INCRBYFLOAT', 'cli:f', '2.5e3']);
    await same(['RPUSH', 'cli:l', 'a', 'b c', '', 'd']);
    await same(['LRANGE', 'cli:l', '0', '-1']);
    await same(['HSET', 'cli:h', 'f1', 'v1', 'f2', 'v2']);
    await same(['HGETALL', 'cli:h']);
    await same(['ZADD', 'cli:z', '1', 'one', '2.5', 'two', '-inf', 'min']);
    await same(['ZRANGE', 'cli:z', '0', '-1', 'WITHSCORES']);
    await same(['SADD', 'cli:set', 'only']);
    await same(['SMEMBERS', 'cli:set']);
    await same(['TYPE', 'cli:z']);
    await same(['EXISTS', 'cli:s', 'cli:l', 'cli:nope']);
    // Errors: same text on stdout, same exit code.
    const wrong = await same(['INCR', 'cli:s']);
    expect(wrong.stdout).toMatch(/ERR value is not an integer/);
    const unknown = await same(['NOSUCHCOMMAND', 'x']);
    expect(unknown.stdout).toMatch(/unknown command/);
    await same(['GET']);
    // -n selects a database first (SELECT on connect).
    await same(['-n', '3', 'SET', 'cli:db3', 'x']);
    await same(['-n', '3', 'GET', 'cli:db3']);
    await same(['GET', 'cli:db3']);
  });

  it('formats replies the same with --raw, --no-raw and --csv', async () => {
    for (const mode of ['--raw', '--no-raw', '--csv']) {
      await same([mode, 'LRANGE', 'cli:l', '0', '-1']);
      await same([mode, 'ZRANGE', 'cli:z', '0', '-1', 'WITHSCORES']);
      await same([mode, 'GET', 'cli:missing']);
      await same([mode, 'INCR', 'cli:n2']);
      await same([mode, 'HGETALL', 'cli:h']);
      await same([mode, 'SET', 'cli:nl', 'line1\nline2']);
      await same([mode, 'GET', 'cli:nl']);
      await same([mode, 'ECHO', 'quote"and\\backslash']);
    }
  });

  it('speaks RESP3 with -3 (HELLO 3 on connect): maps, sets, doubles, nulls', async () => {
    for (const mode of ['--no-raw', '--raw']) {
      await same(['-3', mode, 'HGETALL', 'cli:h']);
      await same(['-3', mode, 'SMEMBERS', 'cli:set']);
      await same(['-3', mode, 'ZSCORE', 'cli:z', 'two']);
      await same(['-3', mode, 'ZRANGE', 'cli:z', '0', '-1', 'WITHSCORES']);
      await same(['-3', mode, 'GET', 'cli:missing']);
      await same(['-3', mode, 'EXISTS', 'cli:h']);
      await same(['-3', mode, 'CONFIG', 'GET', 'maxmemory']);
    }
    const hello = await cli(s.port, ['-3', 'HELLO']);
    expect(hello.stdout).toMatch(/^proto 3$/m);
  });

  it('-x reads the last argument from stdin, byte for byte', async () => {
    const text = 'line one\nline two\r\n\ttabs and \u00e9\n';
    await same(['-x', 'SET', 'cli:stdin'], text);
    expect((await cli(s.port, ['--raw', 'STRLEN', 'cli:stdin'])).stdout).toBe(`${Buffer.byteLength(text)}\n`);
    const back = await same(['--raw', 'GET', 'cli:stdin']);
    expect(back.stdout).toBe(`${Buffer.from(text).toString('latin1')}\n`);
    await same(['-x', 'HSET', 'cli:stdin-h', 'field'], 'from stdin');
    await same(['HGET', 'cli:stdin-h', 'field']);
  });

  it('--scan --pattern lists the matching keys', async () => {
    await cli(s.port, ['-n', '9', 'FLUSHDB']);
    let mass = '';
    for (let i = 0; i < 700; i++) mass += resp('SET', i % 2 ? `odd:${i}` : `even:${i}`, 'v');
    mass += resp('SET', 'odd:[x]', 'v');
    const loaded = await cli(s.port, ['-n', '9', '--pipe'], mass);
    expect(loaded.stdout).toMatch(/errors: 0, replies: 701/);
    const scanned = await cli(s.port, ['-n', '9', '--scan', '--pattern', 'odd:*']);
    expect(scanned.code).toBe(0);
    const keys = scanned.stdout.trim().split('\n');
    expect(keys).toHaveLength(351);
    expect(new Set(keys).size).toBe(351);
    expect(keys.every((k) => k.startsWith('odd:'))).toBe(true);
    const escaped = await cli(s.port, ['-n', '9', '--scan', '--pattern', 'odd:\\[x\\]']);
    expect(escaped.stdout).toBe('odd:[x]\n');
    const all = await cli(s.port, ['-n', '9', '--scan']);
    expect(all.stdout.trim().split('\n')).toHaveLength(701);
  });

  it('--pipe mass-inserts a generated file (errors: 0, replies: N)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cachee-pipe-'));
    const file = path.join(dir, 'mass.resp');
    const n = 100_000;
    const parts: string[] = [];
    for (let i = 0; i < n; i++) {
      switch (i % 4) {
        case 0:
          parts.push(resp('SET', `mass:${i}`, `value-${i}`));
          break;
        case 1:
          parts.push(resp('RPUSH', 'mass:list', String(i)));
          break;
        case 2:
          parts.push(resp('HSET', 'mass:hash', `f${i}`, String(i)));
          break;
        default:
          parts.push(resp('INCR', 'mass:counter'));
      }
    }
    writeFileSync(file, parts.join(''));
    const data = readFileSync(file);
    const out = await cli(s.port, ['-n', '10', '--pipe'], data);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(new RegExp(`errors: 0, replies: ${n}\\b`));
    expect((await cli(s.port, ['-n', '10', 'LLEN', 'mass:list'])).stdout).toBe(`${n / 4}\n`);
    expect((await cli(s.port, ['-n', '10', 'HLEN', 'mass:hash'])).stdout).toBe(`${n / 4}\n`);
    expect((await cli(s.port, ['-n', '10', 'GET', 'mass:counter'])).stdout).toBe(`${n / 4}\n`);
    expect((await cli(s.port, ['-n', '10', 'DBSIZE'])).stdout).toBe(`${n / 4 + 3}\n`);
    // Errors in a pipe are counted, not fatal.
    const bad = await cli(s.port, ['-n', '10', '--pipe'], resp('INCR', 'mass:list') + resp('PING'));
    expect(bad.stdout).toMatch(/errors: 1, replies: 2/);
  });

  it('authenticates with -a and --user against requirepass, as against redis-server', async () => {
    const [locked, lockedRedis] = await Promise.all([
      startServer({ requirepass: 'pw' }),
      startRedis(['--requirepass', 'pw']),
    ]);
    const both = async (args: string[]) => {
      const [ours, theirs] = await Promise.all([cli(locked.port, args), cli(lockedRedis.port, args)]);
      expect(ours, `redis-cli ${args.join(' ')}`).toEqual(theirs);
      return ours;
    };
    try {
      expect((await both(['GET', 'x'])).stdout).toBe('NOAUTH Authentication required.\n\n');
      expect((await both(['--no-auth-warning', '-a', 'pw', 'PING'])).stdout).toBe('PONG\n');
      await both(['--no-auth-warning', '--user', 'default', '--pass', 'pw', 'PING']);
      const wrong = await both(['--no-auth-warning', '-a', 'nope', 'PING']);
      expect(wrong.stderr).toMatch(/AUTH failed: WRONGPASS/);
      await both(['--no-auth-warning', '-3', '-a', 'pw', 'HGETALL', 'none']);
      await both(['--no-auth-warning', '-3', '-a', 'nope', 'PING']);
      await both(['--no-auth-warning', '-a', 'pw', '-n', '2', 'DBSIZE']);
    } finally {
      await Promise.all([locked.stop(), lockedRedis.stop()]);
    }
  });

  it('repeats with -r and reads INFO', async () => {
    const rep = await cli(s.port, ['-r', '5', 'INCR', 'cli:rep']);
    expect(rep.stdout).toBe('1\n2\n3\n4\n5\n');
    const info = await cli(s.port, ['INFO', 'server']);
    expect(info.stdout).toMatch(/redis_version:7\.0\.15/);
  });
});
