/**
 * Differential tests for scripting: EVAL/EVALSHA (and _RO), SCRIPT, FUNCTION,
 * FCALL against a real redis-server, byte for byte, in RESP2 and RESP3. The
 * corpus covers the scripts applications run (rate limiters, locks, token
 * buckets, leaderboards), Redis's reply conversion rules in both directions and
 * its error texts. Lua tables with several hash keys iterate in a different
 * order in Lua 5.4, so maps and sets returned from Lua have one key here.
 */
import { createHash } from 'node:crypto';
import { describe, it } from 'vitest';
import type { Arg } from '../../src/util/bytes.js';
import { type Compare, DiffPair, useRedis } from './harness.js';

const redis = useRedis();

type Step = Arg[] | { cmd: Arg[]; compare: Compare };
const shape = (...cmd: Arg[]): Step => ({ cmd, compare: 'type' });
const sha1 = (s: string): string => createHash('sha1').update(s).digest('hex');
const ev = (script: string, ...rest: Arg[]): Arg[] => ['EVAL', script, ...rest];

const FIXED_WINDOW = `
local current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
if current > tonumber(ARGV[2]) then return 0 end
return 1`;

const SLIDING_WINDOW = `
local key = KEYS[1]
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, 0, now - window)
local count = redis.call('ZCARD', key)
if count < limit then
  redis.call('ZADD', key, now, ARGV[4])
  redis.call('PEXPIRE', key, window)
  return {1, count + 1}
end
return {0, count}`;

const UNLOCK = `
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
else
  return 0
end`;

const TOKEN_BUCKET = `
local key = KEYS[1]
local rate = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local requested = tonumber(ARGV[4])
local data = redis.call('HMGET', key, 'tokens', 'ts')
local tokens = tonumber(data[1]) or capacity
local ts = tonumber(data[2]) or now
local delta = math.max(0, now - ts)
tokens = math.min(capacity, tokens + delta * rate)
local allowed = tokens >= requested
if allowed then tokens = tokens - requested end
redis.call('HSET', key, 'tokens', tokens, 'ts', now)
return {allowed and 1 or 0, tostring(tokens), tokens}`;

const LEADERBOARD = `
local out = {}
for _, key in ipairs(KEYS) do
  out[#out + 1] = redis.call('ZREVRANGE', key, 0, 2, 'WITHSCORES')
  out[#out + 1] = redis.call('ZCARD', key)
  out[#out + 1] = redis.call('ZSCORE', key, ARGV[1])
end
return out`;

const LIBRARY = `#!lua name=mylib
local function get(keys, args) return redis.call('GET', keys[1]) end
local function set(keys, args) return redis.call('SET', keys[1], args[1]) end
redis.register_function('myget', get)
redis.register_function{function_name='myget_ro', callback=get, flags={'no-writes'}, description='reads'}
redis.register_function{function_name='myset_ro', callback=set, flags={'no-writes'}}
redis.register_function('myset', set)
redis.register_function('boom', function() error('bad') end)
redis.register_function('echo', function(keys, args) return {#keys, #args, keys[1] or false, args[1] or false} end)`;

const SCENARIOS: Record<string, Step[]> = {
  'Lua to Redis conversion': [
    ev('return 1', '0'),
    ev('return -7', '0'),
    ev('return 3.99', '0'),
    ev('return -3.99', '0'),
    ev('return 1e300', '0'),
    ev('return 1/0', '0'),
    ev('return 0/0', '0'),
    ev('return 2^63', '0'),
    ev('return 9007199254740993', '0'),
    ev("return 'hello'", '0'),
    ev("return ''", '0'),
    ev('return true', '0'),
    ev('return false', '0'),
    ev('return nil', '0'),
    ev('return', '0'),
    ev('return {}', '0'),
    ev("return {1, 'two', {3, {4, 'five'}}, true, false, 6.5}", '0'),
    ev('return {1, 2, nil, 4}', '0'),
    ev('return {nil, 2}', '0'),
    ev('return {[1]=1, [3]=3}', '0'),
    ev('return {a=1}', '0'),
    ev("return {ok='fine'}", '0'),
    ev("return {ok='a\\r\\nb'}", '0'),
    ev('return {ok=1}', '0'),
    ev("return {err='bad thing'}", '0'),
    ev("return {err='-X bad thing'}", '0'),
    ev("return {err='x\\ny'}", '0'),
    ev('return {err=123}', '0'),
    ev("return {ok='a', err='b'}", '0'),
    ev("return {1, {err='inner'}, {ok='OK'}, 3}", '0'),
    ev('return {double=1.5}', '0'),
    ev('return {double=3}', '0'),
    ev("return {double='1.5'}", '0'),
    ev("return {big_number='123456789012345678901234567890'}", '0'),
    ev("return {big_number='12\\r\\n3'}", '0'),
    ev("return {verbatim_string={format='txt', string='hello'}}", '0'),
    ev('return {map={a=1}}', '0'),
    ev("return {map={a={1, 'x'}}}", '0'),
    ev('return {set={a=true}}', '0'),
    ev('return {set={}}', '0'),
    ev('return {map={}}', '0'),
    ev('redis.setresp(3) return true', '0'),
    ev('redis.setresp(3) return false', '0'),
    ev('redis.setresp(3) return {true, false}', '0'),
    ev('return function() end', '0'),
    ev('return coroutine.create(function() end)', '0'),
    ev("return redis.status_reply('FINE')", '0'),
    ev("return redis.error_reply('My Error')", '0'),
    ev("return redis.error_reply('-My Error')", '0'),
    ev("return redis.error_reply('')", '0'),
    ev('return redis.error_reply(1)', '0'),
    ev('return redis.status_reply(1)', '0'),
    ev("return redis.error_reply('X').err", '0'),
    ev("return redis.error_reply('X Y').err", '0'),
    ev("return redis.status_reply('X').ok", '0'),
    ev('local t = {} local c = t for i = 1, 500 do local n = {i} c[2] = n c = n end return t', '0'),
  ],
  'Redis to Lua conversion': [
    ['SET', 's', 'v'],
    ['HSET', 'h', 'f', 'v'],
    ['SADD', 'set', 'm'],
    ['RPUSH', 'l', 'a', 'b'],
    ev("return redis.call('GET', 's')", '0'),
    ev("return redis.call('GET', 'nokey')", '0'),
    ev("return type(redis.call('GET', 'nokey'))", '0'),
    ev("return {redis.call('GET', 'nokey')}", '0'),
    ev("return redis.call('INCR', 'n')", '0'),
    ev("return type(redis.call('INCR', 'n'))", '0'),
    ev("return redis.call('PING')", '0'),
    ev("return redis.call('PING').ok", '0'),
    ev("return redis.call('SET', 'x', 'y')", '0'),
    ev("return redis.call('LRANGE', 'l', 0, -1)", '0'),
    ev("return redis.call('HGETALL', 'h')", '0'),
    ev("return redis.call('SMEMBERS', 'set')", '0'),
    ev("return redis.call('INCRBYFLOAT', 'fl', '1.5')", '0'),
    ev("return redis.call('EXISTS', 's', 'h', 'nokey')", '0'),
    ev("return redis.pcall('INCR', 's')", '0'),
    ev("return type(redis.pcall('INCR', 's'))", '0'),
    ev("return redis.pcall('INCR', 's').err", '0'),
    ev("return redis.pcall('HGET', 's', 'f')", '0'),
    ev("return redis.call('MGET', 's', 'nokey', 'h')", '0'),
    // RESP3 inside the script.
    ev("redis.setresp(3) return type(redis.call('GET', 'nokey'))", '0'),
    ev("redis.setresp(3) return redis.call('HGETALL', 'h')", '0'),
    ev("redis.setresp(3) return redis.call('HGETALL', 'h').map.f", '0'),
    ev("redis.setresp(3) local r = redis.call('SMEMBERS', 'set') return {r.set.m, type(r.set)}", '0'),
    ev("redis.setresp(3) return redis.call('SMEMBERS', 'set')", '0'),
    ev("redis.setresp(3) return redis.call('INCRBYFLOAT', 'fl', '1.5')", '0'),
    ev("redis.setresp(3) return redis.call('INCRBYFLOAT', 'fl', '1.5').double", '0'),
    ev("redis.setresp(3) return redis.call('EXISTS', 's')", '0'),
    ev("redis.setresp(3) return redis.call('PING')", '0'),
    ev("redis.setresp(3) return redis.call('HGETALL', 'nokey')", '0'),
    ev("redis.setresp(3) return {redis.call('GET', 'nokey'), 1}", '0'),
    ev("redis.setresp(2) return redis.call('HGETALL', 'h')", '0'),
    ev("return redis.call('TYPE', 'h')", '0'),
    ev("return redis.call('OBJECT', 'ENCODING', 'h')", '0'),
  ],
  'arguments to redis.call': [
    ev("return redis.call('SET', 'a', 10/2) and redis.call('GET', 'a')", '0'),
    ev("return redis.call('SET', 'a', 0.1) and redis.call('GET', 'a')", '0'),
    ev("return redis.call('SET', 'a', 1/3) and redis.call('GET', 'a')", '0'),
    ev("return redis.call('SET', 'a', 1e20) and redis.call('GET', 'a')", '0'),
    ev("return redis.call('SET', 'a', 1e300) and redis.call('GET', 'a')", '0'),
    ev("return redis.call('SET', 'a', -0.0) and redis.call('GET', 'a')", '0'),
    ev("return redis.call('SET', 'a', 1/0) and redis.call('GET', 'a')", '0'),
    ev("return redis.call('SET', 'a', 123456789) and redis.call('GET', 'a')", '0'),
    ev("return redis.call('SET', 'a', 2^53) and redis.call('GET', 'a')", '0'),
    ev("return redis.call('SET', 'a', 1.5e-7) and redis.call('GET', 'a')", '0'),
    ev("return redis.call('SET', 'bin', string.char(255, 0, 1, 200)) and redis.call('STRLEN', 'bin')", '0'),
    ['GET', 'bin'],
    ev("return redis.call('GET', 'bin')", '0'),
    ev("return string.len(redis.call('GET', 'bin'))", '0'),
    ev("return {string.byte(redis.call('GET', 'bin'), 1, -1)}", '0'),
    ev('return redis.call(KEYS[1], KEYS[2])', '2', 'GET', Buffer.from([0xff, 0xfe])),
    ev(
      "return redis.call('SET', KEYS[1], ARGV[1])",
      '1',
      Buffer.from([0xc3, 0x28]),
      Buffer.from([0, 1, 0xff]),
    ),
    ['GET', Buffer.from([0xc3, 0x28])],
    ev('return {KEYS[1], ARGV[1], #KEYS, #ARGV}', '1', 'k', Buffer.from([0x80, 0x00])),
    ev("return redis.call('SET', 'a', true)", '0'),
    ev("return redis.call('SET', 'a', nil)", '0'),
    ev("return redis.call('SET', 'a', {})", '0'),
    ev("return redis.pcall('SET', 'a', {})", '0'),
    ev('return redis.call()', '0'),
    ev('return redis.pcall()', '0'),
    ev("return redis.call('nosuch')", '0'),
    ev("return redis.pcall('nosuch')", '0'),
    ev("return redis.call('GET')", '0'),
    ev("return redis.call('INCR', 'k', 'x')", '0'),
    ev("return redis.call('OBJECT')", '0'),
    ev("return redis.call('OBJECT', 'nosuch')", '0'),
    ev("return redis.call('SUBSCRIBE', 'x')", '0'),
    ev("return redis.call('EVAL', 'return 1', 0)", '0'),
    ev("return redis.call('MULTI')", '0'),
    ev("return redis.call('BLPOP', 'l', 0)", '0'),
    ev("return redis.call('CLIENT', 'ID')", '0'),
    ev("return redis.call('HELLO')", '0'),
    ev("return redis.call('SCRIPT', 'LOAD', 'return 1')", '0'),
    ev("redis.call('SET', 's', 'a') return redis.call('INCR', 's')", '0'),
    ev("return redis.call('sEt', 'cased', 'ok')", '0'),
  ],
  'script errors': [
    ev('return x', '0'),
    ev('x = 1', '0'),
    ev("error('boom')", '0'),
    ev("return error('boom')", '0'),
    ev("error('boom', 0)", '0'),
    ev("error('boom', 2)", '0'),
    ev('error(12)', '0'),
    ev('error(1.5)', '0'),
    ev('error(true)', '0'),
    ev('error()', '0'),
    ev("error({err='tbl'})", '0'),
    ev("error({err='ERR custom message'})", '0'),
    ev("error({err='a', source='s', line=3})", '0'),
    ev("error('a\\nb')", '0'),
    ev('local t = nil; return t.x', '0'),
    ev('return 1 + {}', '0'),
    ev('return #nil', '0'),
    ev('local a = ; return 1', '0'),
    ev('return 1 +', '0'),
    ev('x', '0'),
    ev('for', '0'),
    ev("return 'unterminated", '0'),
    ev('\n\nerror("line three")', '0'),
    ev("return {pcall(error, 'x')}", '0'),
    ev("return {pcall(function() redis.call('nosuch') end)}", '0'),
    ev("local ok, e = pcall(function() redis.call('nosuch') end) return type(e)", '0'),
    ev("local ok, e = pcall(function() error({err='ERR custom'}) end) return e", '0'),
    ev('return {pcall(function() return 1, 2 end)}', '0'),
    ev("return {xpcall(function() error('x') end, function(e) return 'handled: ' .. e end)}", '0'),
    ev('return redis.sha1hex()', '0'),
    ev("return redis.sha1hex('abc')", '0'),
    ev('return redis.sha1hex(1)', '0'),
    ev("return redis.sha1hex('')", '0'),
    ev('return redis.setresp(4)', '0'),
    ev('return redis.setresp()', '0'),
    ev('return redis.setresp(3)', '0'),
    ev('return redis.log(1)', '0'),
    ev("return redis.log('x', 'y')", '0'),
    ev("return redis.log(9, 'y')", '0'),
    ev("redis.log(redis.LOG_WARNING, 'hello', 1, 2.5) return 1", '0'),
    ev('return redis.set_repl()', '0'),
    ev('return redis.set_repl(8)', '0'),
    ev('return redis.set_repl(redis.REPL_ALL)', '0'),
    ev('return redis.replicate_commands()', '0'),
    ev('return redis.breakpoint()', '0'),
    ev("return redis.debug('x')", '0'),
    ev("return redis.acl_check_cmd('get', 'k')", '0'),
    ev("return redis.acl_check_cmd('nosuch')", '0'),
    ev('return redis.acl_check_cmd()', '0'),
    ev('return {redis.REDIS_VERSION, redis.REDIS_VERSION_NUM}', '0'),
    ev(
      'return {redis.REPL_ALL, redis.REPL_AOF, redis.REPL_SLAVE, redis.REPL_REPLICA, redis.REPL_NONE, redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING}',
      '0',
    ),
    ev('return redis.nosuch == nil', '0'),
  ],
  'numkeys and the script cache': [
    ev('return 1', '-1'),
    ev('return 1', '2', 'a'),
    ev('return 1', 'x'),
    ev('return 1', '1.5'),
    ev('return {KEYS[1], KEYS[2], ARGV[1], ARGV[2]}', '2', 'k1', 'k2', 'a1', 'a2'),
    ev('return {#KEYS, #ARGV}', '0', 'a1', 'a2'),
    ['EVALSHA', 'abc', '0'],
    ['EVALSHA', 'abc', 'x'],
    ['EVALSHA', 'ffffffffffffffffffffffffffffffffffffffff', '0'],
    ['EVALSHA', 'ffffffffffffffffffffffffffffffffffffffff', 'x'],
    ['EVALSHA', 'ffffffffffffffffffffffffffffffffffffffff', '-1'],
    ['SCRIPT', 'LOAD', 'return {KEYS[1], ARGV[1]}'],
    ['EVALSHA', sha1('return {KEYS[1], ARGV[1]}'), '1', 'k', 'a'],
    ['SCRIPT', 'EXISTS', sha1('return {KEYS[1], ARGV[1]}'), 'ffffffffffffffffffffffffffffffffffffffff'],
    ['SCRIPT', 'EXISTS', sha1('return {KEYS[1], ARGV[1]}').toUpperCase()],
    ['EVALSHA', sha1('return {KEYS[1], ARGV[1]}').toUpperCase(), '1', 'k', 'a'],
    ev('return 42', '0'),
    ['EVALSHA', sha1('return 42'), '0'],
    ['SCRIPT', 'LOAD', 'return 1 +'],
    ['SCRIPT', 'LOAD', 'return 42'],
    ['SCRIPT', 'FLUSH'],
    ['SCRIPT', 'EXISTS', sha1('return 42')],
    ['EVALSHA', sha1('return 42'), '0'],
    ['SCRIPT', 'FLUSH', 'SYNC'],
    ['SCRIPT', 'FLUSH', 'async'],
    ['SCRIPT', 'FLUSH', 'x'],
    ['SCRIPT', 'FLUSH', 'ASYNC', 'x'],
    ['SCRIPT', 'LOAD'],
    ['SCRIPT', 'EXISTS'],
    ['SCRIPT', 'KILL'],
    ['SCRIPT', 'BOGUS'],
    ['SCRIPT', 'HELP'],
    ['EVAL'],
    ['EVAL', 'return 1'],
    ['EVALSHA'],
  ],
  // Needs dispatch's DEBUG gate to test the full name ('debug'), not the subcommand's.
  'SCRIPT DEBUG': [
    ['SCRIPT', 'DEBUG', 'NO'],
    ['SCRIPT', 'DEBUG', 'maybe'],
  ],
  'shebang flags and read-only scripts': [
    ev('#!lua\nreturn 1', '0'),
    ev('#!lua\n\nerror("x")', '0'),
    ev('#!lua flags=no-writes\nreturn redis.call("SET", "a", "b")', '0'),
    ev('#!lua flags=no-writes\nreturn redis.call("GET", "a")', '0'),
    ev('#!lua flags=bogus\nreturn 1', '0'),
    ev('#!lua flags=no-writes,\nreturn 1', '0'),
    ev('#!lua flags=\nreturn 1', '0'),
    ev('#!lua flags=no-writes,allow-oom,allow-stale,no-cluster,allow-cross-slot-keys\nreturn 1', '0'),
    ev('#!lua x=y\nreturn 1', '0'),
    ev('#!lua  flags=no-writes\nreturn 1', '0'),
    ev('#!luax\nreturn 1', '0'),
    ev('#! lua\nreturn 1', '0'),
    ev('#!lua', '0'),
    ['EVAL_RO', 'return redis.call("SET", "a", "b")', '0'],
    ['EVAL_RO', 'return redis.pcall("SET", "a", "b")', '0'],
    ['EVAL_RO', 'return redis.call("GET", "a")', '0'],
    ['EVAL_RO', '#!lua\nreturn redis.call("GET", "a")', '0'],
    ['EVAL_RO', '#!lua flags=no-writes\nreturn redis.call("SET", "a", "b")', '0'],
    ['SCRIPT', 'LOAD', 'return redis.call("SET", "a", "b")'],
    ['EVALSHA_RO', sha1('return redis.call("SET", "a", "b")'), '0'],
    ['EVALSHA', sha1('return redis.call("SET", "a", "b")'), '0'],
    ['SCRIPT', 'LOAD', '#!lua flags=no-writes\nreturn redis.call("GET", "a")'],
    ['EVALSHA_RO', sha1('#!lua flags=no-writes\nreturn redis.call("GET", "a")'), '0'],
  ],
  sandbox: [
    // os (clock only) is Cachee's addition (DESIGN.md §5); everything else is Redis 7.0.15's list.
    ev(
      "local t = {} for k in pairs(_G) do if k ~= 'os' then t[#t + 1] = k end end table.sort(t) return t",
      '0',
    ),
    ev('return type(print)', '0'),
    ev('return type(io)', '0'),
    ev('return type(debug)', '0'),
    ev('return type(require)', '0'),
    ev('return type(dofile)', '0'),
    ev('return type(loadfile)', '0'),
    ev('return type(package)', '0'),
    ev('return type(getfenv)', '0'),
    ev('return type(newproxy)', '0'),
    ev('string.x = 1', '0'),
    ev('string.len = nil', '0'),
    ev('redis.call = nil', '0'),
    ev('math.pi = 3', '0'),
    ev('table.insert = nil', '0'),
    ev('_G.x = 1', '0'),
    ev("rawset(_G, 'x', 1)", '0'),
    ev('setmetatable(_G, nil)', '0'),
    ev('getmetatable(_G).__index = nil', '0'),
    ev("return type(getmetatable(''))", '0'),
    ev("getmetatable('').__index = {}", '0'),
    ev("local mt = getmetatable('') mt.x = 1", '0'),
    ev("return getmetatable('').__index == string", '0'),
    ev("setmetatable('', {})", '0'),
    ev("return rawget(_G, 'x') == nil", '0'),
    ev('return _G == _G._G', '0'),
    ev('KEYS = {}', '0'),
    ev("return ('x'):rep(3)", '0'),
    ev('return tostring(setmetatable({}, {__index = function() return 5 end}).x)', '0'),
    ev('local t = setmetatable({}, {__gc = function() end}) return 1', '0'),
    ev("return loadstring('return 7')()", '0'),
    ev("return {loadstring('return 1 +')}", '0'),
    ev('return loadstring(string.dump(function() end))', '0'),
    ev("return select('#', 1, 2, 3)", '0'),
    ev('return tonumber("0x10")', '0'),
    ev('return tostring(10/2)', '0'),
    ev('return tostring(2^53)', '0'),
    ev('return tostring(1e15)', '0'),
    ev('return tostring(0.1)', '0'),
    ev('return tostring(-0.5)', '0'),
    ev('return tostring(3)', '0'),
    ev('return tostring(nil) .. tostring(true)', '0'),
    ev('return collectgarbage("count") > 0', '0'),
    ev('return gcinfo() > 0', '0'),
    ev('math.randomseed(42) return tostring(math.random())', '0'),
    ev('math.randomseed(7) return {math.random(10), math.random(5, 8), math.random(100)}', '0'),
    ev('return math.random(0)', '0'),
    ev('return math.random(1, 2, 3)', '0'),
    ev("return math.random('x')", '0'),
    ev('local co = coroutine.create(function() coroutine.yield(1) end) return {coroutine.resume(co)}', '0'),
    ev('local t = {} t[1] = t return 1', '0'),
    ev("return {string.find('hello world', 'o w')}", '0'),
    ev("return string.format('%d %s %5.2f', 3, 'x', 1.5)", '0'),
    ev("return {string.byte('ABC', 1, 3)}", '0'),
  ],
  'SELECT inside a script': [
    ev("redis.call('SELECT', 1) redis.call('SET', 'indb1', 'x') return redis.call('GET', 'indb1')", '0'),
    ['GET', 'indb1'],
    ev("return redis.call('GET', 'indb1')", '0'),
    ['SELECT', '1'],
    ['GET', 'indb1'],
    ev("return redis.call('GET', 'indb1')", '0'),
    ev("redis.call('SELECT', 0) return redis.call('GET', 'indb1')", '0'),
    ['GET', 'indb1'],
    ['SELECT', '0'],
  ],
  'scripts over maxmemory': [
    ['SET', 'a', 'b'],
    ['CONFIG', 'SET', 'maxmemory', '1'],
    ev("return redis.call('SET', 'a', 'x')", '0'),
    ev("return redis.pcall('SET', 'a', 'x')", '0'),
    ev("return redis.call('GET', 'a')", '0'),
    ev("redis.call('DEL', 'zz') return redis.call('SET', 'a', 'c')", '0'),
    ev('#!lua\nreturn redis.call("GET", "a")', '0'),
    ev('#!lua flags=no-writes\nreturn redis.call("GET", "a")', '0'),
    ev('#!lua flags=allow-oom\nreturn redis.call("SET", "a", "d")', '0'),
    [
      'FUNCTION',
      'LOAD',
      '#!lua name=oom\nredis.register_function("w", function() return redis.call("SET", "a", "e") end)',
    ],
    ['FCALL', 'w', '0'],
    ['CONFIG', 'SET', 'maxmemory', '0'],
    [
      'FUNCTION',
      'LOAD',
      '#!lua name=oom\nredis.register_function("w", function() return redis.call("SET", "a", "e") end)',
    ],
    ['CONFIG', 'SET', 'maxmemory', '1'],
    ['FCALL', 'w', '0'],
    ['CONFIG', 'SET', 'maxmemory', '0'],
    ['GET', 'a'],
  ],
  'fixed-window rate limiter': [
    ev(FIXED_WINDOW, '1', 'rl:user1', '60', '3'),
    ev(FIXED_WINDOW, '1', 'rl:user1', '60', '3'),
    ev(FIXED_WINDOW, '1', 'rl:user1', '60', '3'),
    ev(FIXED_WINDOW, '1', 'rl:user1', '60', '3'),
    ['GET', 'rl:user1'],
    ['TTL', 'rl:user1'],
    ev(FIXED_WINDOW, '1', 'rl:user2', '10', '1'),
    ['TTL', 'rl:user2'],
  ],
  'sliding-window rate limiter': [
    ev(SLIDING_WINDOW, '1', 'sw', '1000', '100', '2', 'r1'),
    ev(SLIDING_WINDOW, '1', 'sw', '1010', '100', '2', 'r2'),
    ev(SLIDING_WINDOW, '1', 'sw', '1020', '100', '2', 'r3'),
    ev(SLIDING_WINDOW, '1', 'sw', '1101', '100', '2', 'r4'),
    ['ZRANGE', 'sw', '0', '-1', 'WITHSCORES'],
    shape('PTTL', 'sw'),
  ],
  'redlock compare-and-delete': [
    ['SET', 'lock', 'token-1', 'NX', 'PX', '30000'],
    ev(UNLOCK, '1', 'lock', 'token-2'),
    ['GET', 'lock'],
    ev(UNLOCK, '1', 'lock', 'token-1'),
    ['EXISTS', 'lock'],
    ev(UNLOCK, '1', 'lock', 'token-1'),
  ],
  'token bucket': [
    ev(TOKEN_BUCKET, '1', 'tb', '0.5', '10', '100', '3'),
    ev(TOKEN_BUCKET, '1', 'tb', '0.5', '10', '101', '3'),
    ev(TOKEN_BUCKET, '1', 'tb', '0.5', '10', '102', '5'),
    ev(TOKEN_BUCKET, '1', 'tb', '0.5', '10', '103', '5'),
    ev(TOKEN_BUCKET, '1', 'tb', '0.25', '10', '110.5', '1'),
    ['HGETALL', 'tb'],
  ],
  leaderboard: [
    ['ZADD', 'lb:a', '10', 'alice', '20', 'bob', '15.5', 'carol', '5', 'dave'],
    ['ZADD', 'lb:b', '1', 'alice', '2', 'erin'],
    ev(LEADERBOARD, '3', 'lb:a', 'lb:b', 'lb:none', 'alice'),
    ev(`redis.setresp(3)\n${LEADERBOARD}`, '3', 'lb:a', 'lb:b', 'lb:none', 'alice'),
    ev("return redis.call('ZINCRBY', KEYS[1], 2.5, 'dave')", '1', 'lb:a'),
    ev("redis.setresp(3) return redis.call('ZINCRBY', KEYS[1], 2.5, 'dave')", '1', 'lb:a'),
    ev("return redis.call('ZRANK', KEYS[1], 'dave')", '1', 'lb:a'),
  ],
  functions: [
    ['FUNCTION', 'LOAD', LIBRARY],
    ['FUNCTION', 'LOAD', LIBRARY],
    ['FCALL', 'myset', '1', 'fk', 'fv'],
    ['FCALL', 'myget', '1', 'fk'],
    ['FCALL', 'MYGET', '1', 'fk'],
    ['FCALL_RO', 'myget_ro', '1', 'fk'],
    ['FCALL_RO', 'myget', '1', 'fk'],
    ['FCALL', 'myset_ro', '1', 'fk', 'x'],
    ['FCALL', 'boom', '0'],
    ['FCALL', 'echo', '2', 'k1', 'k2', 'a1'],
    ['FCALL', 'echo', '0'],
    ['FCALL', 'nosuch', '0'],
    ['FCALL', 'nosuch', 'x'],
    ['FCALL', 'myget', 'x'],
    ['FCALL', 'myget', '-1'],
    ['FCALL', 'myget', '5', 'a'],
    // Redis lists a library's functions in hash order: compared by shape here, exactly below.
    shape('FUNCTION', 'LIST', 'LIBRARYNAME', 'my*'),
    ['FUNCTION', 'LIST', 'LIBRARYNAME', 'nomatch'],
    ['FUNCTION', 'LIST', 'LIBRARYNAME'],
    ['FUNCTION', 'LIST', 'bogus'],
    ['FUNCTION', 'LIST', 'WITHCODE', 'WITHCODE'],
    ['FUNCTION', 'STATS'],
    ['FUNCTION', 'LOAD', '#!lua name=other\nredis.register_function("myget", function() return 1 end)'],
    [
      'FUNCTION',
      'LOAD',
      'REPLACE',
      '#!lua name=mylib\nredis.register_function("myget", function() return 2 end)',
    ],
    ['FCALL', 'myget', '0'],
    ['FCALL', 'myset', '0'],
    ['FUNCTION', 'LIST'],
    ['FUNCTION', 'LIST', 'libraryname', 'MY*', 'withcode'],
    ['FUNCTION', 'LIST', 'WITHCODE', 'LIBRARYNAME', 'other'],
    ['FUNCTION', 'LOAD', 'BOGUS', '#!lua name=x\nredis.register_function("f", function() end)'],
    ['FUNCTION', 'LOAD', 'REPLACE'],
    ['FUNCTION', 'DELETE', 'nosuch'],
    ['FUNCTION', 'DELETE', 'mylib'],
    ['FCALL', 'myget', '0'],
    ['FUNCTION', 'LIST'],
    ['FUNCTION', 'FLUSH', 'x'],
    ['FUNCTION', 'FLUSH', 'SYNC', 'x'],
    ['FUNCTION', 'FLUSH', 'async'],
    ['FUNCTION', 'FLUSH'],
    ['FUNCTION', 'KILL'],
    ['FUNCTION', 'HELP'],
    ['FUNCTION', 'BOGUS'],
    ['FUNCTION', 'DELETE'],
    ['FUNCTION', 'STATS', 'x'],
    ['FUNCTION', 'STATS'],
  ],
  'function library errors': [
    ['FUNCTION', 'LOAD', '#!lua name=x\nreturn 1'],
    ['FUNCTION', 'LOAD', '#!lua\nreturn 1'],
    ['FUNCTION', 'LOAD', 'return 1'],
    ['FUNCTION', 'LOAD', '#!lua name=x'],
    ['FUNCTION', 'LOAD', '#!lua name=x y=z\n'],
    ['FUNCTION', 'LOAD', '#!lua name=x name=y\n'],
    ['FUNCTION', 'LOAD', '#!lua NAME=x\nredis.register_function("f", function() end)'],
    ['FUNCTION', 'LOAD', '#!lua name=x-y\n'],
    ['FUNCTION', 'LOAD', '#!lua name=\n'],
    ['FUNCTION', 'LOAD', '#!js name=x\n'],
    ['FUNCTION', 'LOAD', '#!LUA name=up\nredis.register_function("up_f", function() end)'],
    ['FUNCTION', 'LOAD', '#!lua name=x\nredis.register_function("a-b", function() end)'],
    ['FUNCTION', 'LOAD', '#!lua name=x\nredis.register_function("ab")'],
    ['FUNCTION', 'LOAD', '#!lua name=x\nredis.register_function()'],
    ['FUNCTION', 'LOAD', '#!lua name=x\nredis.register_function("a", "b", "c")'],
    ['FUNCTION', 'LOAD', '#!lua name=x\nredis.register_function("a", "b")'],
    ['FUNCTION', 'LOAD', '#!lua name=x\nredis.register_function{function_name="a"}'],
    ['FUNCTION', 'LOAD', '#!lua name=x\nredis.register_function{callback=function() end}'],
    [
      'FUNCTION',
      'LOAD',
      '#!lua name=x\nredis.register_function{function_name="a", callback=function() end, flags={"bad"}}',
    ],
    [
      'FUNCTION',
      'LOAD',
      '#!lua name=x\nredis.register_function{function_name="a", callback=function() end, flags="no-writes"}',
    ],
    [
      'FUNCTION',
      'LOAD',
      '#!lua name=x\nredis.register_function{function_name="a", callback=function() end, bogus=1}',
    ],
    ['FUNCTION', 'LOAD', '#!lua name=x\nredis.register_function{function_name={}, callback=function() end}'],
    [
      'FUNCTION',
      'LOAD',
      '#!lua name=x\nredis.register_function{function_name="a", callback=function() end, description={}}',
    ],
    ['FUNCTION', 'LOAD', '#!lua name=x\nredis.register_function{function_name="a", callback=1}'],
    ['FUNCTION', 'LOAD', '#!lua name=x\nredis.register_function{[1]=2}'],
    [
      'FUNCTION',
      'LOAD',
      '#!lua name=x\nredis.register_function("a", function() end)\nredis.register_function("a", function() end)',
    ],
    ['FUNCTION', 'LOAD', '#!lua name=x\nredis.call("ping")'],
    ['FUNCTION', 'LOAD', '#!lua name=x\nlocal a = redis.setresp'],
    ['FUNCTION', 'LOAD', '#!lua name=x\nerror("boom")'],
    ['FUNCTION', 'LOAD', '#!lua name=x\nreturn +'],
    ['FUNCTION', 'LOAD', '#!lua name=x\nfoo = 1'],
    ['FUNCTION', 'LOAD', '#!lua name=x\nlocal y = foo'],
    ['FUNCTION', 'LOAD', '#!lua name=x\nlocal y = string'],
    ['FUNCTION', 'LOAD', '#!lua name=x\nredis.register_function(1, function() return 1 end)'],
    ['FCALL', '1', '0'],
    [
      'FUNCTION',
      'LOAD',
      '#!lua name=flags\nredis.register_function{function_name="g", callback=function() return redis.setresp(3) end, flags={"no-writes","allow-stale","no-cluster","allow-oom","allow-cross-slot-keys"}, description="hello"}',
    ],
    ['FCALL_RO', 'g', '0'],
    ['FUNCTION', 'LIST', 'LIBRARYNAME', 'flags'],
    [
      'FUNCTION',
      'LOAD',
      '#!lua name=rt\nredis.register_function("k", function() return KEYS end)\nredis.register_function("n", function() return redis.register_function end)\nredis.register_function("v", function() return redis.REDIS_VERSION end)\nredis.register_function("t", function() return type(redis.breakpoint) end)',
    ],
    ['FCALL', 'k', '0'],
    ['FCALL', 'n', '0'],
    ['FCALL', 'v', '0'],
    ['FCALL', 't', '0'],
  ],
};

for (const protocol of [2, 3] as const) {
  describe(`scripting (RESP${protocol})`, () => {
    for (const [name, steps] of Object.entries(SCENARIOS)) {
      it(name, async () => {
        const pair = await DiffPair.open(redis.port, protocol);
        try {
          await pair.both(['SCRIPT', 'FLUSH']);
          await pair.both(['FUNCTION', 'FLUSH']);
          for (const step of steps) {
            if (Array.isArray(step)) await pair.check(step);
            else await pair.check(step.cmd, step.compare);
          }
        } finally {
          await pair.close();
        }
      });
    }
  });
}
