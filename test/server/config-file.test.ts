/**
 * Configuration of a running server: the CLI's config file and flags go through
 * the same parameter table as CONFIG SET; CONFIG SET changes what the RESP
 * server does (port, maxclients, requirepass, timeout); CONFIG REWRITE writes
 * the file the server was started with; SHUTDOWN ends the CLI's server.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, main } from '../../src/cli/main.js';
import { ManualClock } from '../../src/engine/clock.js';
import { Engine } from '../../src/engine/engine.js';
import { hashLimits } from '../../src/types/hash.js';
import { freePort } from '../diff/harness.js';
import { RawClient, resp, startServer } from './helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'cachee-config-'));
let n = 0;
function confFile(text: string): string {
  const f = path.join(dir, `c${n++}.conf`);
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

afterEach(() => {
  hashLimits.maxListpackEntries = 512;
  hashLimits.maxListpackValue = 64;
});

describe('config file and flags, through the parameter table', () => {
  it('accepts every honoured directive, aliases and units included', () => {
    const file = confFile(
      [
        'maxmemory 2gb',
        'maxmemory-policy ALLKEYS-LFU',
        'hash-max-ziplist-entries 64',
        'notify-keyspace-events "KEA"',
        'client-output-buffer-limit pubsub 64mb 16mb 30 normal 0 0 0',
        'slowlog-log-slower-than 0',
        'lua-time-limit 100',
        'list-max-ziplist-entries 5',
        'enable-debug-command local',
        'databases 4',
        'save ""',
        'hz 1000',
      ].join('\n'),
    );
    const cfg = loadConfig([file, '--port', '7001']);
    expect(cfg).toMatchObject({
      port: 7001,
      maxmemory: 2 * 1024 ** 3,
      maxmemoryPolicy: 'allkeys-lfu',
      databases: 4,
      enableDebugCommand: 'local',
      hz: 500,
    });
    expect(cfg.directives.map((d) => d.args[0])).toEqual([
      'maxmemory',
      'maxmemory-policy',
      'hash-max-ziplist-entries',
      'notify-keyspace-events',
      'client-output-buffer-limit',
      'slowlog-log-slower-than',
      'lua-time-limit',
      'list-max-ziplist-entries',
      'enable-debug-command',
      'databases',
      'save',
      'hz',
      'port',
    ]);
  });

  it("refuses with redis-server's texts and line numbers", () => {
    let e = configError([confFile('port 1\n\ninclude other.conf\n')]);
    expect([e.message, e.line, e.text]).toEqual([
      'Bad directive or wrong number of arguments',
      3,
      'include other.conf',
    ]);
    e = configError([confFile('maxmemory-policy nope')]);
    expect(e.message).toBe(
      'argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction',
    );
    expect(configError([confFile('maxmemory 1x')]).message).toBe('argument must be a memory value');
    expect(configError([confFile('notify-keyspace-events Q')]).message).toBe(
      "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.",
    );
    expect(configError([confFile('notify-keyspace-events K E')]).message).toBe('wrong number of arguments');
    expect(configError([confFile('client-output-buffer-limit normal 1 2')]).message).toBe(
      'Wrong number of arguments in buffer limit configuration.',
    );
    expect(configError([confFile('port "1')]).message).toBe('Unbalanced quotes in configuration line');
    expect(configError(['--save', '900', '1']).message).toMatch(/does not persist/);
    expect(configError(['--daemonize', 'yes']).message).toMatch(/does not daemonize/);
    expect(configError(['--bind', '127.0.0.1', '::1']).message).toBe('Cachee binds exactly one address');
  });
});

describe('CONFIG SET on a running server', () => {
  it('moves the listener on CONFIG SET port; connected clients stay', async () => {
    const s = await startServer();
    try {
      const a = await RawClient.connect(s.port);
      const next = await freePort();
      expect(await a.request(resp('CONFIG', 'SET', 'port', String(next)))).toEqual(['+OK\r\n']);
      for (let i = 0; i < 50 && s.server.port !== next; i++) await new Promise((r) => setTimeout(r, 20));
      expect(s.server.port).toBe(next);
      expect(await a.request(resp('CONFIG', 'GET', 'port'))).toEqual([
        `*2\r\n$4\r\nport\r\n$${String(next).length}\r\n${next}\r\n`,
      ]);
      const b = await RawClient.connect(next);
      expect(await b.request(resp('PING'))).toEqual(['+PONG\r\n']);
      a.close();
      b.close();
    } finally {
      await s.stop();
    }
  });

  it('applies maxclients and requirepass to new connections', async () => {
    const s = await startServer();
    try {
      const a = await RawClient.connect(s.port);
      expect(await a.request(resp('CONFIG', 'SET', 'maxclients', '1', 'requirepass', 'pw'))).toEqual([
        '+OK\r\n',
      ]);
      const b = await RawClient.connect(s.port);
      await b.until(() => b.closed);
      expect(b.received.toString()).toBe('-ERR max number of clients reached\r\n');
      expect(await a.request(resp('GET', 'k'))).toEqual(['$-1\r\n']);
      await a.request(resp('CONFIG', 'SET', 'maxclients', '10'));
      const c = await RawClient.connect(s.port);
      expect(await c.request(resp('GET', 'k'))).toEqual(['-NOAUTH Authentication required.\r\n']);
      expect(await c.request(resp('AUTH', 'pw'))).toEqual(['+OK\r\n']);
      a.close();
      c.close();
    } finally {
      await s.stop();
    }
  });

  it('closes clients idle longer than timeout, not subscribers', async () => {
    const clock = new ManualClock(Date.now());
    const s = await startServer({}, new Engine({ clock, activeExpiry: false }));
    try {
      const a = await RawClient.connect(s.port);
      const sub = await RawClient.connect(s.port);
      await a.request(resp('CONFIG', 'SET', 'timeout', '5'));
      await sub.request(resp('SUBSCRIBE', 'ch'));
      clock.advance(6000);
      await a.until(() => a.closed, 3000);
      await new Promise((r) => setTimeout(r, 50));
      expect(sub.closed).toBe(false);
      sub.close();
    } finally {
      await s.stop();
    }
  });
});

describe('CONFIG REWRITE and SHUTDOWN with the CLI', () => {
  it('rewrites the config file the server was started with, and SHUTDOWN ends main()', async () => {
    const port = await freePort();
    const file = confFile(
      `# Cachee\nport ${port}\nhash-max-ziplist-entries 100\nmaxmemory 1mb\nmaxmemory 2mb\n`,
    );
    const stderr = process.stderr.write;
    process.stderr.write = () => true;
    try {
      const done = main([file, '--enable-debug-command', 'yes']);
      let a: RawClient | undefined;
      for (let i = 0; i < 100 && a === undefined; i++) {
        a = await RawClient.connect(port).catch(() => undefined);
        if (a === undefined) await new Promise((r) => setTimeout(r, 20));
      }
      if (a === undefined) throw new Error('the server did not start');
      expect(await a.request(resp('CONFIG', 'GET', 'maxmemory'))).toEqual([
        '*2\r\n$9\r\nmaxmemory\r\n$7\r\n2097152\r\n',
      ]);
      expect(await a.request(resp('DEBUG', 'SLEEP', '0'))).toEqual(['+OK\r\n']);
      expect(await a.request(resp('CONFIG', 'SET', 'maxmemory', '3mb', 'timeout', '7'))).toEqual(['+OK\r\n']);
      expect(await a.request(resp('CONFIG', 'REWRITE'))).toEqual(['+OK\r\n']);
      expect(readFileSync(file, 'utf8')).toBe(
        `# Cachee\nport ${port}\nhash-max-listpack-entries 100\nmaxmemory 3mb\n\n# Generated by CONFIG REWRITE\ntimeout 7\nlatency-tracking-info-percentiles 50 99 99.9\nenable-debug-command yes\nsave ""\n`,
      );
      await a.write(resp('SHUTDOWN', 'NOW'));
      expect(await done).toBe(0);
      await a.until(() => a.closed);
    } finally {
      process.stderr.write = stderr;
    }
  });
});
