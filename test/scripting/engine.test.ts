/**
 * Scripting through the sync API: results, binary safety, the script cache,
 * defineCommand, functions, the time limit, the memory cap, and that the engine
 * keeps serving after every kind of failure.
 */
import { createHash } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { describe, expect, it } from 'vitest';
import { Cachee } from '../../src/client/cachee.js';
import { scripting } from '../../src/commands/scripting.js';
import type { Session } from '../../src/commands/session.js';
import { ReplyError } from '../../src/errors.js';
import { configureScripting, EVAL_CACHE_LIMIT } from '../../src/scripting/scripting.js';

const sha1 = (s: string): string => createHash('sha1').update(s).digest('hex');

/** The error message a call throws. */
function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof ReplyError) return e.message;
    throw e;
  }
  throw new Error('expected a ReplyError');
}

describe('EVAL through the sync API', () => {
  it('runs scripts synchronously, with KEYS and ARGV', () => {
    const c = new Cachee();
    expect(c.eval('return 1 + 1', 0)).toBe(2);
    expect(c.eval('return {KEYS[1], KEYS[2], ARGV[1]}', 2, 'a', 'b', 'c')).toEqual(['a', 'b', 'c']);
    expect(c.eval("return redis.call('SET', KEYS[1], ARGV[1])", 1, 'k', 'v')).toBe('OK');
    expect(c.get('k')).toBe('v');
    expect(c.eval("return redis.call('GET', KEYS[1])", '1', 'k')).toBe('v');
  });

  it('runs on the caller database and SELECT stays inside the script', () => {
    const c = new Cachee();
    c.call('select', 3);
    c.eval("redis.call('SET', 'x', 'in3') redis.call('SELECT', 5) redis.call('SET', 'x', 'in5')", 0);
    expect(c.get('x')).toBe('in3');
    c.call('select', 5);
    expect(c.get('x')).toBe('in5');
  });

  it('throws Redis error replies as ReplyError', () => {
    const c = new Cachee();
    expect(errorOf(() => c.eval("error('boom')", 0))).toBe(
      `ERR user_script:1: boom script: ${sha1("error('boom')")}, on @user_script:1.`,
    );
    expect(errorOf(() => c.eval('return 1', -1))).toBe("ERR Number of keys can't be negative");
    expect(errorOf(() => c.evalsha('0'.repeat(40), 0))).toBe('NOSCRIPT No matching script. Please use EVAL.');
  });
});

describe('binary safety', () => {
  it('moves bytes in and out of Lua unchanged', () => {
    const c = new Cachee();
    c.eval("redis.call('SET', KEYS[1], string.char(255, 0, 1, 200))", 1, 'bin');
    expect(c.call('strlen', 'bin')).toBe(4);
    expect(c.call('getrange', 'bin', 0, -1)).toEqual(Buffer.from([255, 0, 1, 200]));
    const back = c.eval("return redis.call('GET', KEYS[1])", 1, 'bin');
    expect(back).toEqual(Buffer.from([255, 0, 1, 200]));
    expect(c.eval('return {string.byte(ARGV[1], 1, -1)}', 0, Buffer.from([0, 0xff, 0x80]))).toEqual([
      0, 255, 128,
    ]);
    const key = Buffer.from([0xc3, 0x28, 0x00]);
    c.eval("return redis.call('SET', KEYS[1], ARGV[1])", 1, key, Buffer.from([1, 2]));
    expect(c.call('get', key)).toBe('\x01\x02');
    expect(c.eval('return KEYS[1]', 1, key)).toEqual(key);
    expect(c.eval("return 'h\\0llo \\xe2\\x82\\xac'", 0)).toBe('h\0llo €');
  });

  it('passes numbers to commands as Redis does (%.17g)', () => {
    const c = new Cachee();
    const get = (expr: string) => c.eval(`redis.call('SET', 'n', ${expr}) return redis.call('GET', 'n')`, 0);
    expect(get('10/2')).toBe('5');
    expect(get('0.1')).toBe('0.10000000000000001');
    expect(get('1e20')).toBe('1e+20');
    expect(get('-0.0')).toBe('-0');
    expect(get('2^53')).toBe('9007199254740992');
    expect(get('1/0')).toBe('inf');
  });
});

describe('the script cache', () => {
  it('SCRIPT LOAD, EVALSHA (any case), EXISTS, FLUSH', () => {
    const c = new Cachee();
    const sha = c.scriptLoad('return ARGV[1]');
    expect(sha).toBe(sha1('return ARGV[1]'));
    expect(c.evalsha(sha.toUpperCase(), 0, 'x')).toBe('x');
    expect(c.call('script', 'exists', sha, 'nope')).toEqual([1, 0]);
    expect(c.call('script', 'flush')).toBe('OK');
    expect(c.call('script', 'exists', sha)).toEqual([0]);
  });

  it('keeps at most 500 EVAL scripts, least recently used out; SCRIPT LOAD ones stay', () => {
    const c = new Cachee();
    const loaded = c.scriptLoad('return "loaded"');
    c.eval('return 0', 0);
    for (let i = 1; i <= EVAL_CACHE_LIMIT; i++) {
      c.eval(`return ${i}`, 0);
      if (i % 100 === 0) c.evalsha(sha1('return 0'), 0); // keeps 'return 0' recently used
    }
    expect(c.call('script', 'exists', sha1('return 0'), sha1('return 1'), sha1('return 2'), loaded)).toEqual([
      1, 0, 1, 1,
    ]);
    expect(c.evalsha(loaded, 0)).toBe('loaded');
    expect(scripting(sessionOf(c)).cachedScripts).toBe(EVAL_CACHE_LIMIT + 1);
  });

  it('SCRIPT FLUSH gives a fresh Lua state; functions are loaded into it again', () => {
    const c = new Cachee();
    c.call('function', 'load', "#!lua name=lib\nredis.register_function('f', function() return 'f' end)");
    c.eval('return 1', 0);
    const before = scripting(sessionOf(c)).engineState;
    c.call('script', 'flush');
    expect(c.fcall('f', 0)).toBe('f');
    expect(scripting(sessionOf(c)).engineState).not.toBe(before);
  });
});

describe('defineCommand', () => {
  it('adds a method that uses EVALSHA and falls back to EVAL', () => {
    const c = new Cachee();
    c.defineCommand('incrTwice', {
      numberOfKeys: 1,
      lua: "redis.call('INCR', KEYS[1]) return redis.call('INCR', KEYS[1])",
    });
    const m = c as unknown as { incrTwice(...a: unknown[]): unknown };
    expect(m.incrTwice('counter')).toBe(2);
    expect(m.incrTwice('counter')).toBe(4);
    c.call('script', 'flush');
    expect(m.incrTwice('counter')).toBe(6);
  });

  it('takes numkeys from the first argument without numberOfKeys, and readOnly', () => {
    const c = new Cachee();
    c.defineCommand('echoKeys', { lua: 'return {#KEYS, #ARGV}' });
    c.defineCommand('roSet', {
      numberOfKeys: 1,
      lua: "return redis.call('SET', KEYS[1], 'x')",
      readOnly: true,
    });
    const m = c as unknown as { echoKeys(...a: unknown[]): unknown; roSet(...a: unknown[]): unknown };
    expect(m.echoKeys(2, 'a', 'b', 'c')).toEqual([2, 1]);
    expect(errorOf(() => m.roSet('k'))).toMatch(
      /^ERR Write commands are not allowed from read-only scripts\./,
    );
  });
});

describe('functions', () => {
  it('loads a library and calls its functions', () => {
    const c = new Cachee();
    const lib = `#!lua name=counters
local function bump(keys, args) return redis.call('INCRBY', keys[1], args[1] or 1) end
redis.register_function('bump', bump)
redis.register_function{function_name='peek', callback=function(keys) return redis.call('GET', keys[1]) end, flags={'no-writes'}}`;
    expect(c.call('function', 'load', lib)).toBe('counters');
    expect(c.fcall('bump', 1, 'n', 5)).toBe(5);
    expect(c.call('fcall_ro', 'peek', 1, 'n')).toBe('5');
    expect(errorOf(() => c.call('fcall_ro', 'bump', 1, 'n'))).toBe(
      'ERR Can not execute a script with write flag using *_ro command.',
    );
    expect(c.call('function', 'list')).toEqual([
      [
        'library_name',
        'counters',
        'engine',
        'LUA',
        'functions',
        [
          ['name', 'bump', 'description', null, 'flags', []],
          ['name', 'peek', 'description', null, 'flags', ['no-writes']],
        ],
      ],
    ]);
    expect(c.call('function', 'stats')).toEqual([
      'running_script',
      null,
      'engines',
      ['LUA', ['libraries_count', 1, 'functions_count', 2]],
    ]);
    expect(c.call('function', 'delete', 'counters')).toBe('OK');
    expect(errorOf(() => c.fcall('bump', 0))).toBe('ERR Function not found');
  });
});

describe('time limit', () => {
  const runaway: Record<string, string> = {
    'a busy loop': 'while true do end',
    'a loop in pcall': 'while true do pcall(function() while true do end end) end',
    'pcall around the loop': 'local ok, e = pcall(function() while true do end end) return {ok, e}',
    'xpcall with a looping handler':
      'xpcall(function() error("x") end, function() while true do end end) return 1',
    'a coroutine loop': 'local co = coroutine.wrap(function() while true do end end) co() return 1',
    'resume in a loop':
      'while true do coroutine.resume(coroutine.create(function() while true do end end)) end',
    'error in the loop caught by pcall': 'while true do pcall(error, "x") end',
  };
  for (const [name, script] of Object.entries(runaway)) {
    it(`aborts ${name}, and the engine keeps serving`, () => {
      const c = new Cachee();
      c.engine.scriptTimeLimitMs = 50;
      const t0 = performance.now();
      const message = errorOf(() => c.eval(script, 0));
      expect(message).toMatch(
        /^ERR Script killed after running longer than the time limit of 50 ms \(busy-reply-threshold\)/,
      );
      expect(performance.now() - t0).toBeLessThan(5000);
      expect(c.eval('return 42', 0)).toBe(42);
      expect(c.eval('local n = 0 for i = 1, 1000 do n = n + i end return n', 0)).toBe(500500);
    });
  }

  it('keeps the writes made before the abort (Redis does not roll back)', () => {
    const c = new Cachee();
    c.engine.scriptTimeLimitMs = 30;
    errorOf(() => c.eval("redis.call('SET', 'before', '1') while true do end", 0));
    expect(c.get('before')).toBe('1');
  });

  it('can be disabled (0), and is read at each run (CONFIG SET busy-reply-threshold)', () => {
    const c = new Cachee();
    c.engine.scriptTimeLimitMs = 0;
    expect(c.eval('local n = 0 for i = 1, 3e6 do n = n + 1 end return n', 0)).toBe(3e6);
    configureScripting(c.engine, { timeLimitMs: 20 });
    expect(errorOf(() => c.eval('while true do end', 0))).toMatch(/time limit of 20 ms/);
  });

  it('applies to FUNCTION LOAD (500 ms) and to functions', () => {
    const c = new Cachee();
    c.engine.scriptTimeLimitMs = 30;
    expect(errorOf(() => c.call('function', 'load', '#!lua name=slow\nwhile true do end'))).toBe(
      'ERR Error registering functions: ERR FUNCTION LOAD timeout',
    );
    c.call(
      'function',
      'load',
      "#!lua name=spin\nredis.register_function('spin', function() while true do end end)",
    );
    expect(errorOf(() => c.fcall('spin', 0))).toMatch(
      /^ERR Script killed .* script: spin, on @user_function:2\.$/,
    );
    expect(c.eval('return 1', 0)).toBe(1);
  });
});

describe('memory cap', () => {
  for (const [name, script] of Object.entries({
    'string.rep': "local s = string.rep('x', 512 * 1024 * 1024) return #s",
    'string doubling': "local s = 'x' while true do s = s .. s end",
    'table growth': 'local t = {} for i = 1, 1e9 do t[i] = i end return #t',
    'table of strings': "local t = {} for i = 1, 1e9 do t[i] = string.rep('y', 1000) .. i end",
    'in pcall': 'local ok, e = pcall(function() local t = {} for i = 1, 1e9 do t[i] = {i} end end) return e',
  })) {
    it(`stops ${name} cleanly`, () => {
      const c = new Cachee();
      c.engine.scriptTimeLimitMs = 0;
      configureScripting(c.engine, { maxMemoryBytes: 64 * 1024 * 1024 });
      let result: unknown;
      try {
        result = c.eval(script, 0);
      } catch (e) {
        result = (e as Error).message;
      }
      expect(String(result)).toMatch(/not enough memory/);
      expect(c.eval("return #string.rep('z', 1000)", 0)).toBe(1000);
      expect(scripting(sessionOf(c)).engineState!.vm.heapBytes).toBeLessThanOrEqual(64 * 1024 * 1024);
    });
  }

  it('refuses to unpack huge ranges', () => {
    const c = new Cachee();
    expect(errorOf(() => c.eval('return unpack({}, 1, 1e8)', 0))).toMatch(/too many results to unpack/);
    expect(c.eval('return 1', 0)).toBe(1);
  });
});

describe('robustness', () => {
  it('cuts very deep replies with "reached lua stack limit" and keeps working', () => {
    const c = new Cachee();
    let r = c.eval(
      'local t = {} local c = t for i = 1, 10000 do local n = {} c[1] = n c = n end return t',
      0,
    );
    let depth = 0;
    while (Array.isArray(r) && r.length === 1) {
      r = r[0];
      depth++;
    }
    expect(depth).toBe(1000);
    expect((r as ReplyError).message).toBe('ERR reached lua stack limit');
    const self = c.eval('local t = {1} t[2] = t return t', 0);
    expect(Array.isArray(self)).toBe(true);
    expect(c.eval('return 7', 0)).toBe(7);
  });

  it('rejects a script started while another runs (a keyspace listener calling EVAL)', () => {
    const c = new Cachee();
    let inner = '';
    const off = c.engine.onKeyModified(() => {
      try {
        c.eval('return 1', 0);
      } catch (e) {
        inner = (e as Error).message;
      }
    });
    c.eval("return redis.call('SET', 'k', 'v')", 0);
    off();
    expect(inner).toBe(
      'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.',
    );
    expect(c.eval('return 2', 0)).toBe(2);
  });

  it('reports redis.log to a diagnostics channel', () => {
    const c = new Cachee();
    const seen: unknown[] = [];
    const listener = (m: unknown) => seen.push(m);
    subscribe('cachee:script-log', listener);
    try {
      c.eval("redis.log(redis.LOG_WARNING, 'hello', 42, 1.5) redis.log(redis.LOG_DEBUG, 'dropped')", 0);
    } finally {
      unsubscribe('cachee:script-log', listener);
    }
    expect(seen).toEqual([{ level: 3, message: 'hello 42 1.5' }]);
  });

  it('SCRIPT KILL and FUNCTION KILL find nothing running', () => {
    const c = new Cachee();
    expect(errorOf(() => c.call('script', 'kill'))).toBe('NOTBUSY No scripts in execution right now.');
    expect(errorOf(() => c.call('function', 'kill'))).toBe('NOTBUSY No scripts in execution right now.');
  });
});

/** The session behind a Cachee handle (protected field), for the scripting state. */
function sessionOf(c: Cachee): Session {
  return (c as unknown as { session: Session }).session;
}
