/**
 * Unit tests for the configuration registry and the operator commands, driven
 * in-process: CONFIG GET / SET / RESETSTAT / REWRITE, SLOWLOG, LATENCY, MEMORY,
 * DEBUG, TIME, LASTSAVE, WAIT, SHUTDOWN and the INFO sections fed by dispatch.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import '../../src/commands/registry.js';
import { rewriteConfigText } from '../../src/commands/config.js';
import {
  CONFIG_NAMES,
  CONFIG_PARAMS,
  type ConfigTarget,
  lookupConfig,
  memtoull,
  quoteConfigValue,
} from '../../src/commands/config-registry.js';
import { dispatch } from '../../src/commands/dispatch.js';
import { infoSections, infoString } from '../../src/commands/server.js';
import { Session } from '../../src/commands/session.js';
import { ManualClock } from '../../src/engine/clock.js';
import { Engine, type EngineOptions } from '../../src/engine/engine.js';
import { LatencyHistogram } from '../../src/engine/monitor.js';
import { ReplyError } from '../../src/errors.js';
import { Cachee } from '../../src/index.js';
import { DoubleReply, type MapReply, OK, StatusReply, type VerbatimReply } from '../../src/protocol/reply.js';
import { hashLimits } from '../../src/types/hash.js';
import { setLimits } from '../../src/types/set.js';
import { zsetLimits } from '../../src/types/zset.js';

function session(options: EngineOptions = {}): Session {
  const engine = new Engine({ clock: new ManualClock(), activeExpiry: false, ...options });
  return new Session(engine, { requirepass: null }, 'local');
}

/** Runs a command; errors come back as ReplyError values. */
function run(s: Session, ...argv: string[]): unknown {
  return dispatch(s, argv);
}

function errorText(r: unknown): string {
  expect(r).toBeInstanceOf(ReplyError);
  return (r as ReplyError).message;
}

/** A CONFIG GET map as a plain object. */
function configGet(s: Session, ...names: string[]): Record<string, string> {
  const r = run(s, 'CONFIG', 'GET', ...names) as MapReply;
  const out: Record<string, string> = {};
  for (let i = 0; i < r.items.length; i += 2) out[r.items[i] as string] = r.items[i + 1] as string;
  return out;
}

afterEach(() => {
  // The encoding limits are process-wide.
  hashLimits.maxListpackEntries = 512;
  hashLimits.maxListpackValue = 64;
  setLimits.maxIntsetEntries = 512;
  zsetLimits.maxListpackEntries = 128;
  zsetLimits.maxListpackValue = 64;
});

describe('memtoull', () => {
  it('reads digits and a unit as Redis does', () => {
    expect(memtoull('0')).toBe(0n);
    expect(memtoull('100')).toBe(100n);
    expect(memtoull('1k')).toBe(1000n);
    expect(memtoull('1KB')).toBe(1024n);
    expect(memtoull('2m')).toBe(2_000_000n);
    expect(memtoull('2mb')).toBe(2n * 1024n * 1024n);
    expect(memtoull('3g')).toBe(3_000_000_000n);
    expect(memtoull('3Gb')).toBe(3n * 1024n ** 3n);
    expect(memtoull('7b')).toBe(7n);
    expect(memtoull('')).toBe(0n);
    expect(memtoull('mb')).toBe(0n);
    expect(memtoull('99999999999999999999')).toBe((1n << 64n) - 1n);
    expect(memtoull('18446744073709551615gb')).toBe(BigInt.asUintN(64, ((1n << 64n) - 1n) * 1024n ** 3n));
    for (const bad of ['-1', ' 1', '+1', '1x', '1 mb', '1.5mb', '1tb'])
      expect(memtoull(bad), bad).toBeUndefined();
  });

  it('quotes values as sdscatrepr', () => {
    expect(quoteConfigValue('a b')).toBe('"a b"');
    expect(quoteConfigValue('q"\\\n\r\t\x07\b\x01é')).toBe('"q\\"\\\\\\n\\r\\t\\a\\b\\x01\\xc3\\xa9"');
  });
});

describe('the parameter table', () => {
  it('reports every default on a fresh engine', () => {
    const s = session();
    const t: ConfigTarget = { engine: s.engine, settings: s.settings, server: null };
    for (const p of CONFIG_PARAMS) expect(p.get(t), p.name).toBe(p.defaultValue);
  });

  it('finds names and aliases in any case', () => {
    expect(lookupConfig('MAXMEMORY')?.name).toBe('maxmemory');
    expect(lookupConfig('lua-time-limit')?.name).toBe('busy-reply-threshold');
    expect(lookupConfig('hash-max-ziplist-entries')?.name).toBe('hash-max-listpack-entries');
    expect(lookupConfig('loglevel')).toBeUndefined();
    expect(CONFIG_NAMES).toContain('zset-max-ziplist-value');
    expect(new Set(CONFIG_NAMES).size).toBe(CONFIG_NAMES.length);
  });

  it('round-trips every settable parameter through CONFIG SET and GET', () => {
    const s = session();
    const values: Record<string, [string, string]> = {
      port: ['7000', '7000'],
      bind: ['0.0.0.0', '0.0.0.0'],
      requirepass: ['secret', 'secret'],
      maxclients: ['50', '50'],
      timeout: ['30', '30'],
      'tcp-keepalive': ['60', '60'],
      'protected-mode': ['NO', 'no'],
      'proto-max-bulk-len': ['2mb', '2097152'],
      'client-query-buffer-limit': ['1gb', '1073741824'],
      'client-output-buffer-limit': [
        'pubsub 64mb 16mb 30',
        'normal 0 0 0 slave 268435456 67108864 60 pubsub 67108864 16777216 30',
      ],
      hz: ['600', '500'],
      maxmemory: ['100mb', '104857600'],
      'maxmemory-policy': ['ALLKEYS-LFU', 'allkeys-lfu'],
      'maxmemory-samples': ['10', '10'],
      'lfu-log-factor': ['20', '20'],
      'lfu-decay-time': ['0', '0'],
      'track-access-time': ['yes', 'yes'],
      'notify-keyspace-events': ['KEA', 'AKE'],
      'busy-reply-threshold': ['100', '100'],
      'slowlog-log-slower-than': ['-1', '-1'],
      'slowlog-max-len': ['5', '5'],
      'latency-monitor-threshold': ['3', '3'],
      'latency-tracking': ['no', 'no'],
      'latency-tracking-info-percentiles': ['50 99.9 0.5', '50 99.9 0.5'],
      'hash-max-listpack-entries': ['10', '10'],
      'hash-max-listpack-value': ['1k', '1000'],
      'set-max-intset-entries': ['20', '20'],
      'zset-max-listpack-entries': ['30', '30'],
      'zset-max-listpack-value': ['1kb', '1024'],
      'list-max-listpack-size': ['-3', '-3'],
      save: ['', ''],
      appendonly: ['no', 'no'],
    };
    for (const p of CONFIG_PARAMS) {
      if (p.immutable) continue;
      expect(values[p.name], `a value for ${p.name}`).toBeDefined();
    }
    for (const [name, [set, get]] of Object.entries(values)) {
      expect(run(s, 'CONFIG', 'SET', name, set), name).toBe(OK);
      expect(configGet(s, name), name).toEqual({ [name]: get });
    }
    // The engine and the type modules use what was set.
    expect(s.engine.maxmemory).toBe(100 * 1024 * 1024);
    expect(s.engine.lfu).toBe(true);
    expect(s.engine.hz).toBe(500);
    expect(s.engine.scriptTimeLimitMs).toBe(100);
    expect(hashLimits).toEqual({ maxListpackEntries: 10, maxListpackValue: 1000 });
    expect(setLimits.maxIntsetEntries).toBe(20);
    expect(zsetLimits).toEqual({ maxListpackEntries: 30, maxListpackValue: 1024 });
    expect(s.settings.requirepass).toBe('secret');
    expect(run(s, 'CONFIG', 'SET', 'requirepass', '')).toBe(OK);
    expect(s.settings.requirepass).toBeNull();
  });

  it('keeps exact values beyond 2^53', () => {
    const s = session();
    run(
      s,
      'CONFIG',
      'SET',
      'maxmemory',
      '18446744073709551615',
      'slowlog-log-slower-than',
      '9223372036854775807',
    );
    expect(configGet(s, 'maxmemory', 'slowlog-log-slower-than')).toEqual({
      maxmemory: '18446744073709551615',
      'slowlog-log-slower-than': '9223372036854775807',
    });
    run(s, 'CONFIG', 'SET', 'maxmemory', '99999999999999999999');
    expect(configGet(s, 'maxmemory').maxmemory).toBe('18446744073709551615');
    run(s, 'CONFIG', 'SET', 'maxmemory', '5');
    expect(configGet(s, 'maxmemory').maxmemory).toBe('5');
  });
});

describe('CONFIG GET', () => {
  it('matches names, aliases and glob patterns, each once', () => {
    const s = session();
    expect(configGet(s, 'hash-max-*')).toEqual({
      'hash-max-listpack-entries': '512',
      'hash-max-ziplist-entries': '512',
      'hash-max-listpack-value': '64',
      'hash-max-ziplist-value': '64',
    });
    expect(configGet(s, 'PORT', 'port', 'p?rt')).toEqual({ PORT: '6379' });
    expect(configGet(s, 'nosuch', 'loglevel')).toEqual({});
    expect(Object.keys(configGet(s, '*')).length).toBe(CONFIG_NAMES.length);
    expect(configGet(s, 'LUA-*')).toEqual({ 'lua-time-limit': '5000' });
  });
});

describe('CONFIG SET', () => {
  it("refuses with Redis's texts", () => {
    const s = session();
    expect(errorText(run(s, 'CONFIG', 'SET', 'foo', 'bar'))).toBe(
      "ERR Unknown option or number of arguments for CONFIG SET - 'foo'",
    );
    expect(errorText(run(s, 'CONFIG', 'SET', 'maxclients', 'abc'))).toBe(
      "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument couldn't be parsed into an integer",
    );
    expect(errorText(run(s, 'CONFIG', 'SET', 'maxmemory-policy', 'foo'))).toBe(
      "ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction",
    );
    expect(errorText(run(s, 'CONFIG', 'SET', 'maxmemory', '1x'))).toMatch(
      /- argument must be a memory value$/,
    );
    expect(errorText(run(s, 'CONFIG', 'SET', 'databases', '4'))).toBe(
      "ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config",
    );
    expect(errorText(run(s, 'CONFIG', 'SET', 'maxmemory', '1', 'MAXMEMORY', '2'))).toBe(
      "ERR CONFIG SET failed (possibly related to argument 'MAXMEMORY') - duplicate parameter",
    );
    expect(errorText(run(s, 'CONFIG', 'SET', 'lua-time-limit', 'x'))).toMatch(/argument 'lua-time-limit'/);
    expect(errorText(run(s, 'CONFIG', 'SET', 'a', 'b', 'c'))).toBe('ERR syntax error');
    expect(errorText(run(s, 'CONFIG', 'SET', 'hash-max-listpack-entries', '-1'))).toMatch(
      /between 0 and 9223372036854775807 inclusive$/,
    );
    expect(errorText(run(s, 'CONFIG', 'SET', 'proto-max-bulk-len', '10000000000000000000'))).toMatch(
      /between 1048576 and 9223372036854775807 inclusive$/,
    );
    expect(errorText(run(s, 'CONFIG', 'SET', 'notify-keyspace-events', 'Q'))).toMatch(
      /- Invalid event class character. Use 'Ag\$lshzxeKEtmdn'.$/,
    );
    expect(errorText(run(s, 'CONFIG', 'SET', 'save', '3600 1'))).toMatch(/Cachee does not persist data/);
    expect(errorText(run(s, 'CONFIG', 'SET', 'save', '3600'))).toMatch(/- Invalid save parameters$/);
    expect(errorText(run(s, 'CONFIG', 'SET', 'appendonly', 'yes'))).toMatch(/Cachee does not persist data/);
    expect(errorText(run(s, 'CONFIG', 'SET', 'bind', '127.0.0.1 ::1'))).toMatch(/binds exactly one address/);
    expect(errorText(run(s, 'CONFIG', 'SET', 'enable-debug-command', 'yes'))).toMatch(/immutable/);
    expect(errorText(run(s, 'CONFIG', 'SET', 'latency-tracking-info-percentiles', '101'))).toMatch(
      /should sit between \[0.0,100.0\]$/,
    );
    expect(errorText(run(s, 'CONFIG', 'SET', 'client-output-buffer-limit', 'master 1 2 3'))).toMatch(
      /Invalid client class specified in buffer limit configuration\.$/,
    );
    run(s, 'CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
    expect(errorText(run(s, 'CONFIG', 'SET', 'track-access-time', 'no'))).toMatch(/always tracked/);
  });

  it('sets several parameters atomically: one bad value leaves all unchanged', () => {
    const s = session();
    expect(
      errorText(run(s, 'CONFIG', 'SET', 'maxmemory', '10mb', 'hz', '50', 'maxmemory-policy', 'x')),
    ).toMatch(/argument 'maxmemory-policy'/);
    expect(configGet(s, 'maxmemory', 'hz', 'maxmemory-policy')).toEqual({
      maxmemory: '0',
      hz: '10',
      'maxmemory-policy': 'noeviction',
    });
    expect(
      run(
        s,
        'CONFIG',
        'SET',
        'maxmemory',
        '10mb',
        'hz',
        '50',
        'lua-time-limit',
        '1',
        'busy-reply-threshold',
        '2',
      ),
    ).toBe(OK);
    expect(configGet(s, 'maxmemory', 'hz', 'busy-reply-threshold')).toEqual({
      maxmemory: '10485760',
      hz: '50',
      'busy-reply-threshold': '2',
    });
  });

  it('changes encodings through the type modules', () => {
    const cache = new Cachee({ activeExpiry: false });
    cache.call('CONFIG', 'SET', 'hash-max-ziplist-entries', '2');
    cache.call('HSET', 'h', 'a', '1', 'b', '2', 'c', '3');
    expect(cache.call('OBJECT', 'ENCODING', 'h')).toBe('hashtable');
    cache.call('CONFIG', 'SET', 'set-max-intset-entries', '1');
    cache.call('SADD', 's', '1', '2');
    expect(cache.call('OBJECT', 'ENCODING', 's')).toBe('hashtable');
  });
});

describe('CONFIG RESETSTAT', () => {
  it('zeroes the command, error and keyspace counters', () => {
    const s = session();
    run(s, 'SET', 'k', 'v');
    run(s, 'GET', 'k');
    run(s, 'GET');
    run(s, 'INCR', 'k');
    expect(s.engine.commandStats.get('get')).toMatchObject({ calls: 1, rejectedCalls: 1, failedCalls: 0 });
    expect(s.engine.commandStats.get('incr')).toMatchObject({ calls: 1, failedCalls: 1 });
    expect(s.engine.errorStats.total).toBe(2);
    expect(s.engine.stats.keyspaceHits).toBe(1);
    run(s, 'CONFIG', 'RESETSTAT');
    expect([...s.engine.commandStats.keys()]).toEqual(['config|resetstat']);
    expect(s.engine.errorStats.total).toBe(0);
    expect(s.engine.stats.keyspaceHits).toBe(0);
  });
});

describe('CONFIG REWRITE', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cachee-rewrite-'));

  it('is refused without a config file', () => {
    expect(errorText(run(session(), 'CONFIG', 'REWRITE'))).toBe(
      'ERR The server is running without a config file',
    );
  });

  it('rewrites the file as Redis does: lines reused, stale ones blanked, new ones appended', () => {
    const s = session();
    const file = path.join(dir, 'a.conf');
    writeFileSync(
      file,
      '# my comment\nport 23458\nsave ""\nappendonly no\nhash-max-ziplist-entries 100\n\n\n# another\nmaxmemory 100mb\nmaxmemory 200mb\nrequirepass "secret"\nclient-output-buffer-limit slave 1mb 1mb 60\ndaemonize no\nbind 127.0.0.1\nfoo-bar baz\n',
    );
    Object.assign(s.settings, { configFile: file, port: 23458, requirepass: 'secret' });
    run(
      s,
      'CONFIG',
      'SET',
      'maxmemory',
      '200mb',
      'hash-max-listpack-entries',
      '100',
      'maxmemory-policy',
      'allkeys-lru',
      'notify-keyspace-events',
      'KEA',
      'slowlog-max-len',
      '64',
      'hz',
      '20',
      'hash-max-listpack-value',
      '1024',
      'latency-tracking-info-percentiles',
      '50 99.9',
      'client-output-buffer-limit',
      'slave 1mb 1mb 60 pubsub 64mb 16mb 30',
    );
    expect(run(s, 'CONFIG', 'REWRITE')).toBe(OK);
    expect(readFileSync(file, 'utf8')).toBe(
      [
        '# my comment',
        'port 23458',
        'save ""',
        'appendonly no',
        'hash-max-listpack-entries 100',
        '',
        '# another',
        'maxmemory 200mb',
        '',
        'requirepass "secret"',
        'client-output-buffer-limit normal 0 0 0',
        'daemonize no',
        '',
        '# ??? foo-bar baz',
        '',
        '# Generated by CONFIG REWRITE',
        'client-output-buffer-limit replica 1mb 1mb 60',
        'client-output-buffer-limit pubsub 64mb 16mb 30',
        'hz 20',
        'maxmemory-policy allkeys-lru',
        'notify-keyspace-events "AKE"',
        'slowlog-max-len 64',
        'latency-tracking-info-percentiles 50 99.9',
        'hash-max-listpack-value 1kb',
        '',
      ].join('\n'),
    );
    // As with Redis, the file's final newline becomes a blank line at the next rewrite, then it is stable.
    const once = readFileSync(file, 'utf8');
    run(s, 'CONFIG', 'REWRITE');
    expect(readFileSync(file, 'utf8')).toBe(`${once}\n`);
    run(s, 'CONFIG', 'REWRITE');
    expect(readFileSync(file, 'utf8')).toBe(`${once}\n`);
  });

  it('creates a missing file and reports write errors', () => {
    const s = session();
    const t: ConfigTarget = { engine: s.engine, settings: s.settings, server: null };
    expect(rewriteConfigText('', t)).toBe(
      '# Generated by CONFIG REWRITE\nlatency-tracking-info-percentiles 50 99 99.9\nsave ""\n',
    );
    s.settings.configFile = path.join(dir, 'new.conf');
    expect(run(s, 'CONFIG', 'REWRITE')).toBe(OK);
    expect(readFileSync(s.settings.configFile, 'utf8')).toContain('save ""');
    s.settings.configFile = path.join(dir, 'no-such-dir', 'x.conf');
    expect(errorText(run(s, 'CONFIG', 'REWRITE'))).toBe(
      'ERR Rewriting config file: No such file or directory',
    );
  });
});

describe('SLOWLOG', () => {
  it('logs commands past the threshold, newest first, truncated as Redis', () => {
    const s = session();
    s.name = 'me';
    run(s, 'CONFIG', 'SET', 'slowlog-log-slower-than', '0');
    run(s, 'SLOWLOG', 'RESET');
    const long = 'x'.repeat(200);
    run(s, 'SET', 'k', long);
    const many = Array.from({ length: 40 }, (_, i) => `a${i}`);
    run(s, 'RPUSH', 'l', ...many);
    run(s, 'AUTH', 'default', 'pw');
    run(s, 'CONFIG', 'SET', 'requirepass', 'pw', 'maxmemory', '0');
    run(s, 'CONFIG', 'SET', 'requirepass', '');
    run(s, 'HELLO', '2', 'AUTH', 'default', '', 'SETNAME', 'me');
    const entries = run(s, 'SLOWLOG', 'GET', '-1') as unknown[][];
    expect(entries.length).toBe(7);
    const argvs = entries.map((e) => e[3]);
    expect(argvs[0]).toEqual(['HELLO', '2', 'AUTH', '(redacted)', '(redacted)', 'SETNAME', 'me']);
    expect(argvs[2]).toEqual(['CONFIG', 'SET', 'requirepass', '(redacted)', 'maxmemory', '0']);
    expect(argvs[3]).toEqual(['AUTH', '(redacted)', '(redacted)']);
    const rpush = argvs[4] as string[];
    expect(rpush.length).toBe(32);
    expect(rpush[31]).toBe('... (11 more arguments)');
    expect(argvs[5]).toEqual(['SET', 'k', `${'x'.repeat(128)}... (72 more bytes)`]);
    expect(argvs[6]).toEqual(['SLOWLOG', 'RESET']);
    const [id, time, duration, , addr, name] = entries[0];
    expect(typeof id).toBe('number');
    expect(time).toBe(1_700_000_000);
    expect(duration).toBeGreaterThanOrEqual(0);
    expect(addr).toBe('');
    expect(name).toBe('me');
    expect((run(s, 'SLOWLOG', 'GET') as unknown[]).length).toBe(8);
    expect((run(s, 'SLOWLOG', 'GET', '1') as unknown[]).length).toBe(1);
    expect(run(s, 'SLOWLOG', 'GET', '0')).toEqual([]);
    expect(errorText(run(s, 'SLOWLOG', 'GET', '-2'))).toBe('ERR count should be greater than or equal to -1');
    expect(errorText(run(s, 'SLOWLOG', 'GET', '1', '2'))).toBe(
      "ERR unknown subcommand or wrong number of arguments for 'GET'. Try SLOWLOG HELP.",
    );
  });

  it('trims to slowlog-max-len, skips EXEC, stops when disabled', () => {
    const s = session();
    run(s, 'CONFIG', 'SET', 'slowlog-log-slower-than', '0', 'slowlog-max-len', '3');
    for (let i = 0; i < 10; i++) run(s, 'PING');
    expect(run(s, 'SLOWLOG', 'LEN')).toBe(3);
    run(s, 'SLOWLOG', 'RESET');
    run(s, 'MULTI');
    run(s, 'PING');
    run(s, 'EXEC');
    const names = (run(s, 'SLOWLOG', 'GET') as unknown[][]).map((e) => (e[3] as string[])[0]);
    expect(names).toEqual(['PING', 'MULTI', 'SLOWLOG']);
    run(s, 'CONFIG', 'SET', 'slowlog-log-slower-than', '-1');
    run(s, 'SLOWLOG', 'RESET');
    run(s, 'PING');
    expect(run(s, 'SLOWLOG', 'LEN')).toBe(0);
    run(s, 'CONFIG', 'SET', 'slowlog-log-slower-than', '10000000');
    run(s, 'PING');
    expect(run(s, 'SLOWLOG', 'LEN')).toBe(0);
  });
});

describe('LATENCY', () => {
  it('records events past the threshold, one sample per second', () => {
    const s = session();
    const clock = s.engine.clock as ManualClock;
    const latency = s.engine.latency;
    s.engine.latencySample('command', 50);
    expect(latency.events.size).toBe(0);
    run(s, 'CONFIG', 'SET', 'latency-monitor-threshold', '10');
    s.engine.latencySample('command', 5);
    s.engine.latencySample('command', 20);
    s.engine.latencySample('command', 30);
    clock.advance(2000);
    s.engine.latencySample('command', 12);
    s.engine.latencySample('expire-cycle', 11);
    expect(run(s, 'LATENCY', 'LATEST')).toEqual([
      ['command', 1_700_000_002, 12, 30],
      ['expire-cycle', 1_700_000_002, 11, 11],
    ]);
    expect(run(s, 'LATENCY', 'HISTORY', 'command')).toEqual([
      [1_700_000_000, 30],
      [1_700_000_002, 12],
    ]);
    expect(run(s, 'LATENCY', 'HISTORY', 'nosuch')).toEqual([]);
    const doctor = (run(s, 'LATENCY', 'DOCTOR') as VerbatimReply).text;
    expect(doctor).toContain(
      "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n1. command: 2 latency spikes (average 21ms, mean deviation 9ms, period 1.00 sec). Worst all time event 30ms.\n2. expire-cycle: 1 latency spikes (average 11ms, mean deviation 0ms, period 1.00 sec). Worst all time event 11ms.\n\nI have a few advices for you:\n\n",
    );
    expect(doctor).toContain(
      '- Check your Slow Log to understand what are the commands you are running which are too slow to execute.',
    );
    expect(doctor).toContain("try to set the 'hz' configuration parameter to 100");
    const graph = (run(s, 'LATENCY', 'GRAPH', 'command') as VerbatimReply).text;
    expect(graph).toBe(
      `command - high 30 ms, low 12 ms (all time high 30 ms)\n${'-'.repeat(80)}\n# \n| \n| \n|_\n  \n20\nss\n`,
    );
    expect(errorText(run(s, 'LATENCY', 'GRAPH', 'nosuch'))).toBe(
      "ERR No samples available for event 'nosuch'",
    );
    expect(run(s, 'LATENCY', 'RESET', 'COMMAND', 'nosuch')).toBe(1);
    expect(run(s, 'LATENCY', 'RESET')).toBe(1);
    expect(run(s, 'LATENCY', 'LATEST')).toEqual([]);
    expect((run(s, 'LATENCY', 'DOCTOR') as VerbatimReply).text).toMatch(
      /^Dave, no latency spike was observed/,
    );
    run(s, 'CONFIG', 'SET', 'latency-monitor-threshold', '0');
    expect((run(s, 'LATENCY', 'DOCTOR') as VerbatimReply).text).toMatch(/^I'm sorry, Dave, I can't do that/);
  });

  it('keeps per-command histograms with HdrHistogram buckets', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 10; i++) h.record(4000);
    h.record(9000);
    expect(h.valueAtPercentile(50) / 1000).toBe(4.015);
    expect(h.valueAtPercentile(99.9) / 1000).toBe(9.023);
    expect(h.cumulative()).toEqual([
      [4, 10],
      [16, 11],
    ]);
    const s = session();
    run(s, 'PING');
    run(s, 'PING');
    run(s, 'CONFIG', 'GET', 'hz');
    const all = run(s, 'LATENCY', 'HISTOGRAM') as MapReply;
    expect(all.items.filter((_, i) => i % 2 === 0)).toEqual(['ping', 'config|get']);
    const ping = run(s, 'LATENCY', 'HISTOGRAM', 'PING', 'nosuch') as MapReply;
    expect(ping.items[0]).toBe('ping');
    expect((ping.items[1] as MapReply).items.slice(0, 2)).toEqual(['calls', 2]);
    const config = run(s, 'LATENCY', 'HISTOGRAM', 'config') as MapReply;
    expect(config.items.filter((_, i) => i % 2 === 0)).toEqual(['config|get']);
    const info = infoString(s, infoSections(['latencystats']));
    expect(info).toMatch(
      /^# Latencystats\r\nlatency_percentiles_usec_ping:p50=\d+\.\d{3},p99=\d+\.\d{3},p99\.9=\d+\.\d{3}\r\n/,
    );
  });
});

describe('INFO commandstats and errorstats', () => {
  it("reports calls and errors in Redis's format", () => {
    const s = session();
    run(s, 'SET', 'a', '1');
    run(s, 'SET', 'b');
    run(s, 'LPUSH', 'a', 'x');
    run(s, 'NOSUCH');
    const info = infoString(s, infoSections(['commandstats', 'errorstats']));
    expect(info).toMatch(
      /^# Commandstats\r\ncmdstat_set:calls=1,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=1,failed_calls=0\r\ncmdstat_lpush:calls=1,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=1\r\n\r\n# Errorstats\r\nerrorstat_ERR:count=2\r\nerrorstat_WRONGTYPE:count=1\r\n$/,
    );
    expect(infoString(s, infoSections(['stats']))).toContain('\r\ntotal_error_replies:3\r\n');
  });
});

describe('MEMORY', () => {
  it('estimates every type, growing with the value', () => {
    const s = session();
    run(s, 'SET', 's', 'x');
    run(s, 'SET', 'big', 'x'.repeat(1000));
    run(s, 'HSET', 'h', 'f', 'v');
    run(s, 'RPUSH', 'l', 'a', 'b');
    run(s, 'SADD', 'st', '1', '2');
    run(s, 'ZADD', 'z', '1', 'a');
    const usage = (k: string, ...rest: string[]) => run(s, 'MEMORY', 'USAGE', k, ...rest) as number;
    for (const k of ['s', 'big', 'h', 'l', 'st', 'z']) expect(usage(k), k).toBeGreaterThan(16);
    expect(usage('big')).toBeGreaterThan(usage('s') + 900);
    for (let i = 0; i < 100; i++) run(s, 'HSET', 'h', `field:${i}`, 'v'.repeat(i));
    expect(usage('h', 'SAMPLES', '1')).toBeGreaterThan(100);
    expect(usage('h', 'SAMPLES', '0')).toBeGreaterThan(5000);
    const before = usage('s');
    run(s, 'EXPIRE', 's', '100');
    expect(usage('s')).toBeGreaterThan(before);
    expect(run(s, 'MEMORY', 'USAGE', 'nokey')).toBeNull();
    expect(errorText(run(s, 'MEMORY', 'USAGE', 's', 'SAMPLES', '-1'))).toBe('ERR syntax error');
    expect(errorText(run(s, 'MEMORY', 'USAGE', 's', 'SAMPLES'))).toBe('ERR syntax error');
    expect(errorText(run(s, 'MEMORY', 'USAGE', 's', 'SAMPLES', 'x'))).toBe(
      'ERR value is not an integer or out of range',
    );
  });

  it("answers STATS, DOCTOR, MALLOC-STATS and PURGE in Redis's shapes", () => {
    const s = session();
    run(s, 'SET', 'k', 'v');
    const stats = run(s, 'MEMORY', 'STATS') as MapReply;
    const keys = stats.items.filter((_, i) => i % 2 === 0);
    expect(keys).toEqual([
      'peak.allocated',
      'total.allocated',
      'startup.allocated',
      'replication.backlog',
      'clients.slaves',
      'clients.normal',
      'cluster.links',
      'aof.buffer',
      'lua.caches',
      'functions.caches',
      'db.0',
      'overhead.total',
      'keys.count',
      'keys.bytes-per-key',
      'dataset.bytes',
      'dataset.percentage',
      'peak.percentage',
      'allocator.allocated',
      'allocator.active',
      'allocator.resident',
      'allocator-fragmentation.ratio',
      'allocator-fragmentation.bytes',
      'allocator-rss.ratio',
      'allocator-rss.bytes',
      'rss-overhead.ratio',
      'rss-overhead.bytes',
      'fragmentation',
      'fragmentation.bytes',
    ]);
    expect(stats.items[keys.indexOf('keys.count') * 2 + 1]).toBe(1);
    expect(stats.items[keys.indexOf('fragmentation') * 2 + 1]).toBeInstanceOf(DoubleReply);
    expect((run(s, 'MEMORY', 'DOCTOR') as VerbatimReply).text).toMatch(/^(Hi )?Sam, /);
    expect(run(s, 'MEMORY', 'MALLOC-STATS')).toBe('Stats not supported for the current allocator');
    expect(run(s, 'MEMORY', 'PURGE')).toBe(OK);
  });
});

describe('DEBUG', () => {
  it('is refused unless enable-debug-command allows it', () => {
    expect(errorText(run(session(), 'DEBUG', 'HELP'))).toBe(
      'ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.',
    );
    expect(run(session({ enableDebugCommand: 'local' }), 'DEBUG', 'CHANGE-REPL-ID')).toBe(OK);
    const remote = new Session(
      new Engine({ activeExpiry: false, enableDebugCommand: 'local' }),
      { requirepass: null },
      'tcp',
    );
    expect(errorText(run(remote, 'DEBUG', 'HELP'))).toMatch(/^ERR DEBUG command not allowed/);
    expect(configGet(session({ enableDebugCommand: 'local' }), 'enable-debug-command')).toEqual({
      'enable-debug-command': 'local',
    });
  });

  it('describes objects, populates keys, sleeps, switches active expiry', () => {
    const s = session({ enableDebugCommand: 'yes' });
    run(s, 'SET', 'k', 'v');
    run(s, 'SET', 'n', '123');
    run(s, 'RPUSH', 'l', 'a', 'b');
    run(s, 'HSET', 'h', 'a', 'b');
    run(s, 'SADD', 's', '1', '2');
    run(s, 'ZADD', 'z', '1', 'a');
    const obj = (k: string) => (run(s, 'DEBUG', 'OBJECT', k) as StatusReply).text;
    expect(obj('k')).toMatch(
      /^Value at:0x[0-9a-f]+ refcount:1 encoding:embstr serializedlength:2 lru:\d+ lru_seconds_idle:0$/,
    );
    expect(obj('n')).toMatch(/ refcount:2147483647 encoding:int serializedlength:2 /);
    expect(obj('l')).toMatch(
      / encoding:quicklist serializedlength:16 lru:\d+ lru_seconds_idle:0 ql_nodes:1 ql_avg_node:2\.00 ql_listpack_max:-2 ql_compressed:0 ql_uncompressed_size:13$/,
    );
    expect(obj('h')).toMatch(/ encoding:listpack serializedlength:14 /);
    expect(obj('s')).toMatch(/ encoding:intset serializedlength:13 /);
    expect(obj('z')).toMatch(/ encoding:listpack serializedlength:13 /);
    expect(errorText(run(s, 'DEBUG', 'OBJECT', 'nokey'))).toBe('ERR no such key');
    expect(run(s, 'DEBUG', 'POPULATE', '3')).toBe(OK);
    expect(run(s, 'MGET', 'key:0', 'key:2')).toEqual(['value:0', 'value:2']);
    run(s, 'DEBUG', 'POPULATE', '2', 'p', '10');
    expect(run(s, 'GET', 'p:1')).toBe('value:1\0\0\0');
    run(s, 'DEBUG', 'POPULATE', '1', 'q', '2');
    expect(run(s, 'GET', 'q:0')).toBe('va');
    run(s, 'SET', 'key:0', 'mine');
    run(s, 'DEBUG', 'POPULATE', '1');
    expect(run(s, 'GET', 'key:0')).toBe('mine');
    expect(errorText(run(s, 'DEBUG', 'POPULATE', '-1'))).toBe('ERR value is out of range, must be positive');
    const t = performance.now();
    expect(run(s, 'DEBUG', 'SLEEP', '0.05')).toBe(OK);
    expect(performance.now() - t).toBeGreaterThanOrEqual(45);
    expect(run(s, 'DEBUG', 'SLEEP', 'abc')).toBe(OK);
    expect(run(s, 'DEBUG', 'SET-ACTIVE-EXPIRE', '1')).toBe(OK);
    expect(run(s, 'DEBUG', 'SET-ACTIVE-EXPIRE', '0')).toBe(OK);
    expect(errorText(run(s, 'DEBUG', 'ERROR', 'MYERR boom'))).toBe('MYERR boom');
    expect(errorText(run(s, 'DEBUG', 'FOO'))).toBe(
      "ERR unknown subcommand or wrong number of arguments for 'FOO'. Try DEBUG HELP.",
    );
    expect(errorText(run(s, 'DEBUG', 'SLEEP'))).toBe(
      "ERR unknown subcommand or wrong number of arguments for 'SLEEP'. Try DEBUG HELP.",
    );
    expect((run(s, 'DEBUG', 'HELP') as StatusReply[])[0].text).toBe(
      'DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
    );
  });
});

describe('TIME, LASTSAVE, WAIT, SHUTDOWN', () => {
  it('answers from the engine clock', () => {
    const s = session();
    (s.engine.clock as ManualClock).advance(1234);
    expect(run(s, 'TIME')).toEqual(['1700000001', '234000']);
    expect(run(s, 'LASTSAVE')).toBe(1_700_000_000);
    expect(run(s, 'WAIT', '0', '0')).toBe(0);
    // In-process callers never block: zero replicas answer at once.
    expect(run(s, 'WAIT', '1', '100')).toBe(0);
    expect(errorText(run(s, 'WAIT', '0', '-1'))).toBe('ERR timeout is negative');
    expect(errorText(run(s, 'WAIT', 'x', '0'))).toBe('ERR value is not an integer or out of range');
    expect(errorText(run(s, 'WAIT', '0', 'x'))).toBe('ERR timeout is not an integer or out of range');
  });

  it('refuses what Redis refuses, and stops in-process with NOW', () => {
    const s = session();
    expect(errorText(run(s, 'SHUTDOWN', 'ABORT'))).toBe('ERR No shutdown in progress.');
    expect(errorText(run(s, 'SHUTDOWN', 'NOSAVE', 'SAVE'))).toBe('ERR syntax error');
    expect(errorText(run(s, 'SHUTDOWN', 'NOW', 'ABORT'))).toBe('ERR syntax error');
    expect(errorText(run(s, 'SHUTDOWN', 'foo'))).toBe('ERR syntax error');
    expect(errorText(run(s, 'SHUTDOWN'))).toBe(
      "ERR SHUTDOWN without NOW or ABORT isn't allowed for DENY BLOCKING client",
    );
    expect(errorText(run(s, 'SHUTDOWN', 'SAVE', 'NOW'))).toBe('ERR Errors trying to SHUTDOWN. Check logs.');
    expect(run(s, 'SHUTDOWN', 'SAVE', 'NOW', 'FORCE')).toBe(OK);
    expect(run(s, 'SHUTDOWN', 'NOSAVE', 'NOW')).toBe(OK);
  });
});

describe('RESET and CLIENT subcommands', () => {
  it('resets the connection state', () => {
    const s = new Session(new Engine({ activeExpiry: false }), { requirepass: 'pw' }, 'tcp');
    run(s, 'AUTH', 'pw');
    run(s, 'SELECT', '3');
    run(s, 'HELLO', '3', 'SETNAME', 'x');
    run(s, 'CLIENT', 'REPLY', 'OFF');
    run(s, 'MULTI');
    expect(run(s, 'RESET')).toEqual(new StatusReply('RESET'));
    expect(s.dbIndex).toBe(0);
    expect(s.protocol).toBe(2);
    expect(s.name).toBeNull();
    expect(s.multi).toBeNull();
    expect(s.authenticated).toBe(false);
    expect(errorText(run(s, 'GET', 'k'))).toBe('NOAUTH Authentication required.');
  });

  it("answers CLIENT PAUSE / UNPAUSE / UNBLOCK with Redis's texts", () => {
    const s = session();
    expect(run(s, 'CLIENT', 'PAUSE', '100')).toBe(OK);
    expect(run(s, 'CLIENT', 'PAUSE', '100', 'write')).toBe(OK);
    expect(errorText(run(s, 'CLIENT', 'PAUSE', '100', 'foo'))).toBe(
      'ERR CLIENT PAUSE mode must be WRITE or ALL',
    );
    expect(errorText(run(s, 'CLIENT', 'PAUSE', '-1'))).toBe('ERR timeout is negative');
    expect(errorText(run(s, 'CLIENT', 'PAUSE', 'x'))).toBe('ERR timeout is not an integer or out of range');
    expect(run(s, 'CLIENT', 'UNPAUSE')).toBe(OK);
    expect(run(s, 'CLIENT', 'UNBLOCK', String(s.id))).toBe(0);
    expect(errorText(run(s, 'CLIENT', 'UNBLOCK', 'x', 'foo'))).toBe(
      'ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR',
    );
    expect(errorText(run(s, 'CLIENT', 'NO-TOUCH', 'on'))).toBe(
      "ERR unknown subcommand 'NO-TOUCH'. Try CLIENT HELP.",
    );
  });
});
