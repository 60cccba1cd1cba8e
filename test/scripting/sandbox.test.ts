/**
 * The sandbox and the conversions, checked from inside scripts: what scripts can
 * reach, what they cannot change, how replies look in both directions, the Lua
 * 5.1 wording of error messages, and the WebAssembly layer itself.
 */
import { describe, expect, it } from 'vitest';
import { Cachee } from '../../src/client/cachee.js';
import { dispatch } from '../../src/commands/dispatch.js';
import { Session } from '../../src/commands/session.js';
import { Engine } from '../../src/engine/engine.js';
import { ReplyError } from '../../src/errors.js';
import {
  BigNumberReply,
  DoubleReply,
  MapReply,
  SetReply,
  StatusReply,
  VerbatimReply,
} from '../../src/protocol/reply.js';
import { formatArgNumber, numberToInteger } from '../../src/scripting/conversion.js';
import { LuaWasm } from '../../src/scripting/lua-wasm.js';
import { lua51Message } from '../../src/scripting/messages.js';
import { Rand48 } from '../../src/scripting/rand48.js';
import { parseLibraryHeader, parseScriptShebang, splitArgs } from '../../src/scripting/shebang.js';

function run(c: Cachee, script: string, ...args: (string | number | Buffer)[]): unknown {
  try {
    return c.eval(script, 0, ...args);
  } catch (e) {
    if (e instanceof ReplyError) return `ERR> ${e.message}`;
    throw e;
  }
}

/** A raw reply (by meaning) to EVAL on a session, for checking reply classes. */
function evalReply(session: Session, script: string): unknown {
  return dispatch(session, ['EVAL', script, '0']);
}

describe('sandbox', () => {
  const c = new Cachee();

  it('offers only what Redis offers (plus os.clock)', () => {
    for (const name of [
      'io',
      'debug',
      'require',
      'package',
      'dofile',
      'loadfile',
      'print',
      'utf8',
      'getfenv',
    ]) {
      expect(run(c, `return ${name}`)).toMatch(
        new RegExp(`Script attempted to access nonexistent global variable '${name}'`),
      );
    }
    expect(run(c, 'local t = {} for k in pairs(os) do t[#t + 1] = k end return t')).toEqual(['clock']);
    expect(run(c, 'return type(os.clock())')).toBe('number');
  });

  it('makes globals and library tables read-only, rawset and setmetatable included', () => {
    for (const script of [
      'x = 1',
      'redis = nil',
      'string.len = nil',
      'cjson.encode = nil',
      'redis.call = nil',
      'coroutine.wrap = nil',
      "getmetatable('').__index = nil",
      'getmetatable(_G).__index = nil',
      "rawset(string, 'x', 1)",
      "rawset(_G, 'x', 1)",
      'setmetatable(_G, nil)',
      'setmetatable(math, {})',
    ]) {
      expect(run(c, script)).toMatch(/Attempt to modify a readonly table/);
    }
    // Reads still see through: pairs, rawget, next, #.
    expect(run(c, "return rawget(string, 'rep') == string.rep")).toBe(1);
    expect(run(c, 'return next(math) ~= nil')).toBe(1);
    expect(run(c, 'local n = 0 for _ in pairs(table) do n = n + 1 end return n > 5')).toBe(1);
  });

  it('loads text only', () => {
    expect(run(c, 'return loadstring(string.dump(function() return 1 end))')).toBeNull();
    expect(
      run(c, 'local f, e = loadstring(string.dump(function() return 1 end)) return {f == nil, type(e)}'),
    ).toEqual([1, 'string']);
    expect(run(c, 'return load(function() return nil end) ~= nil')).toBe(1);
    expect(run(c, "return loadstring('return 1 + 1')()")).toBe(2);
  });

  it('never runs __gc finalizers (no redis.call from a collected object later)', () => {
    c.call('del', 'from-gc');
    run(
      c,
      "for i = 1, 100 do setmetatable({}, {__gc = function() redis.call('INCR', 'from-gc') end}) end collectgarbage() return 1",
    );
    run(c, 'collectgarbage() collectgarbage() return 1');
    expect(c.get('from-gc')).toBeNull();
  });

  it('keeps KEYS and ARGV per call, and they are plain tables', () => {
    expect(c.eval("KEYS[2] = 'x' table.insert(ARGV, 'y') return {#KEYS, #ARGV}", 1, 'k', 'a')).toEqual([
      2, 2,
    ]);
    expect(c.eval('return {#KEYS, #ARGV}', 0)).toEqual([0, 0]);
  });

  it('exposes no host objects: only Lua values, and cjson.null as a NULL light userdata', () => {
    const seen = run(
      c,
      `local seen, out = {}, {}
       local function walk(t, depth)
         if seen[t] or depth > 3 then return end
         seen[t] = true
         for k, v in pairs(t) do
           local ty = type(v)
           if ty == 'userdata' or ty == 'thread' then out[#out + 1] = tostring(k) .. ':' .. tostring(v) end
           if ty == 'table' then walk(v, depth + 1) end
         end
       end
       walk(_G, 0)
       return out`,
    );
    expect(seen).toEqual(['null:userdata: (nil)']);
  });

  it('keeps the string metatable read-only and shared', () => {
    expect(run(c, "return getmetatable('').__index == string")).toBe(1);
    expect(run(c, "return ('abc'):upper()")).toBe('ABC');
    expect(run(c, "local mt = getmetatable('') mt.__add = nil")).toMatch(/readonly/);
  });

  it('formats numbers as Lua 5.1 in tostring, and errors like 5.1', () => {
    expect(run(c, 'return {tostring(10/2), tostring(1e15), tostring(0.1), tostring(2^63)}')).toEqual([
      '5',
      '1e+15',
      '0.1',
      '9.2233720368548e+18',
    ]);
    expect(run(c, 'local t = nil return t.x')).toMatch(/attempt to index local 't' \(a nil value\)/);
    expect(run(c, 'local x = 1 x()')).toMatch(/attempt to call local 'x' \(a number value\)/);
  });
});

describe('reply conversion', () => {
  it('Lua to Redis, by meaning', () => {
    const s = new Session(new Engine(), { requirepass: null }, 'local');
    expect(evalReply(s, "return {ok='fine'}")).toEqual(new StatusReply('fine'));
    expect(evalReply(s, 'return {double=1.5}')).toEqual(new DoubleReply(1.5));
    expect(evalReply(s, "return {big_number='123'}")).toEqual(new BigNumberReply('123'));
    expect(evalReply(s, "return {verbatim_string={format='txt', string='x'}}")).toEqual(
      new VerbatimReply('txt', 'x'),
    );
    expect(evalReply(s, "return {map={a='b'}}")).toEqual(new MapReply(['a', 'b']));
    expect(evalReply(s, 'return {set={a=true}}')).toEqual(new SetReply(['a']));
    expect(evalReply(s, 'return {1, {err="x"}}')).toEqual([1, new ReplyError('x')]);
    expect(evalReply(s, 'redis.setresp(3) return {true, false}')).toEqual([true, false]);
    expect(evalReply(s, 'return {true, false}')).toEqual([1, null]);
  });

  it('Redis to Lua: integers beyond 2^53 arrive as Lua 5.1 doubles', () => {
    const c = new Cachee();
    c.set('big', '9007199254740993');
    expect(c.eval("return tostring(redis.call('INCRBY', 'big', 0))", 0)).toBe('9.007199254741e+15');
    expect(c.eval("return redis.call('INCRBY', 'big', 0)", 0)).toBe(9007199254740992);
  });

  it('RESP3 replies become tables when the script asks for RESP3', () => {
    const c = new Cachee();
    c.call('hset', 'h', 'f', 'v');
    expect(c.eval("redis.setresp(3) return redis.call('HGETALL', 'h').map.f", 0)).toBe('v');
    expect(
      c.eval(
        "redis.setresp(3) local r = redis.call('INFO', 'server') return type(r.verbatim_string.string)",
        0,
      ),
    ).toBe('string');
    expect(c.eval("redis.setresp(3) return redis.call('INFO', 'server').verbatim_string.format", 0)).toBe(
      'txt',
    );
    expect(c.eval("return type(redis.call('INFO', 'server'))", 0)).toBe('string');
  });

  it('formats numbers for commands and replies as Redis casts them', () => {
    expect(formatArgNumber(5)).toBe('5');
    expect(formatArgNumber(0.1)).toBe('0.10000000000000001');
    expect(formatArgNumber(1e17)).toBe('1e+17');
    expect(formatArgNumber(-0)).toBe('-0');
    expect(formatArgNumber(Number.NaN)).toBe('-nan');
    expect(formatArgNumber(Number.NEGATIVE_INFINITY)).toBe('-inf');
    expect(numberToInteger(3.99)).toBe(3);
    expect(numberToInteger(-3.99)).toBe(-3);
    expect(numberToInteger(2 ** 63)).toBe(-(2n ** 63n));
    expect(numberToInteger(Number.NaN)).toBe(-(2n ** 63n));
    expect(numberToInteger(2 ** 60)).toBe(2n ** 60n);
  });
});

describe('Lua 5.1 wording of errors', () => {
  it('rewrites variable info and <eof> tokens', () => {
    expect(lua51Message("user_script:1: attempt to index a nil value (field 'a')")).toBe(
      "user_script:1: attempt to index field 'a' (a nil value)",
    );
    expect(lua51Message("user_script:1: attempt to call a nil value (method 'm')")).toBe(
      "user_script:1: attempt to call method 'm' (a nil value)",
    );
    expect(lua51Message("user_script:1: attempt to concatenate a nil value (upvalue 'u')")).toBe(
      "user_script:1: attempt to concatenate upvalue 'u' (a nil value)",
    );
    expect(lua51Message('user_script:1: unexpected symbol near <eof>')).toBe(
      "user_script:1: unexpected symbol near '<eof>'",
    );
    expect(lua51Message("user_script:1: <eof> expected near '2'")).toBe(
      "user_script:1: '<eof>' expected near '2'",
    );
    expect(lua51Message('user_script:1: syntax error near <eof>')).toBe(
      "user_script:1: '=' expected near '<eof>'",
    );
    expect(lua51Message('user_script:1: unfinished long string (starting at line 1) near <eof>')).toBe(
      "user_script:1: unfinished long string near '<eof>'",
    );
    expect(lua51Message('user_script:1: attempt to compare number with nil')).toBe(
      'user_script:1: attempt to compare number with nil',
    );
  });
});

describe('shebangs', () => {
  it('splits as sdssplitargs', () => {
    expect(splitArgs('#!lua  flags=a "b c" \'d\'')).toEqual(['#!lua', 'flags=a', 'b c', 'd']);
    expect(splitArgs('#!lua "unbalanced')).toBeNull();
    expect(splitArgs('"a\\x41\\n"')).toEqual(['aA\n']);
  });

  it('parses EVAL flags and keeps line numbers', () => {
    const p = parseScriptShebang('#!lua flags=no-writes,allow-oom\nreturn 1');
    expect(p).toEqual({ code: '\nreturn 1', flags: 3, shebang: true });
    expect(parseScriptShebang('return 1')).toEqual({ code: 'return 1', flags: 0, shebang: false });
    expect(() => parseScriptShebang('#!lua flags=x\n')).toThrow('ERR Unexpected flag in script shebang: x');
  });

  it('parses library headers', () => {
    const p = parseLibraryHeader(Buffer.from('#!lua name=lib\ncode'));
    expect(p.name).toBe('lib');
    expect(p.code.toString()).toBe('\ncode');
    expect(() => parseLibraryHeader(Buffer.from('#!lua name=a b\n'))).toThrow(
      'ERR Invalid metadata value given: b',
    );
  });
});

describe('Redis PRNG', () => {
  it('reproduces redisLrand48', () => {
    const r = new Rand48();
    r.seed(42);
    // math.random() after math.randomseed(42) in Redis 7.0.15 prints 0.74452500033403.
    expect(((r.next() % 0x7fffffff) / 0x7fffffff).toPrecision(14)).toBe('0.74452500033403');
  });
});

describe('the WebAssembly layer', () => {
  it('instantiates synchronously and moves bytes both ways', () => {
    const vm = new LuaWasm({ maxHeapBytes: 64 * 1024 * 1024 });
    const x = vm.x;
    const L = x.luaL_newstate();
    const bytes = Buffer.from([0, 255, 1, 200, 0]);
    vm.pushBytes(L, bytes);
    expect(vm.readValue(L, -1)).toEqual(bytes);
    vm.pushBytes(L, 'héllo');
    expect(vm.readValue(L, -1)).toBe('héllo');
    const long = `${'x'.repeat(100000)}é`;
    vm.pushBytes(L, long);
    expect(vm.readValue(L, -1)).toBe(long);
    x.lua_close(L);
  });
});
