/**
 * The sandbox, written in Lua and run once when a Lua state is created, with
 * every standard library still open. It builds what Redis 7.0 scripts see:
 *
 * - Globals exactly as Redis lists them (base functions, string, table, math,
 *   coroutine, cjson, cmsgpack, bit, struct, redis, KEYS/ARGV for EVAL), plus
 *   `os.clock`. No io, os (beyond clock), debug, package, require, dofile,
 *   loadfile, print, utf8; reading any other global raises Redis's "Script
 *   attempted to access nonexistent global variable" error.
 * - Redis 7.0 makes globals and every library table read-only ("Attempt to
 *   modify a readonly table"). Lua 5.4 has no read-only flag, so scripts see
 *   proxies: empty tables whose metatable reads through to the real table and
 *   rejects writes; `rawset`, `rawget`, `next`, `setmetatable`, `getmetatable`
 *   are wrapped to honour them, and `pairs`/`#` see through them.
 * - The globals proxy is also put in the registry as the state's global table,
 *   so `load` without an explicit env cannot reach the real table.
 * - Lua 5.1 behaviours Redis scripts rely on: `tostring` of numbers with
 *   `%.14g` (10/2 is "5"), `error(n)` with a number adding the position,
 *   Redis's `pcall` (an error table's `err` string is returned instead of the
 *   table), `loadstring`, `gcinfo`, `__gc` on tables never running (5.1 only
 *   finalizes userdata; this also keeps finalizers from calling redis later).
 * - `load`/`loadstring` accept text only (bytecode is rejected).
 * - Function libraries (FUNCTION LOAD) get their own globals: while loading, only
 *   `redis.register_function`, `redis.log` and the version fields; when called,
 *   the runtime globals without KEYS/ARGV and without the EVAL-only redis fields.
 *
 * The chunk is called with (api, libs, compat, null, version, versionNum): the JS
 * functions, the library chunks (cjson, struct, cmsgpack, bit) and the 5.1 shims
 * chunk (libs/index.ts describes their contract), and the NULL light userdata
 * that becomes cjson.null. It returns a table of what the engine keeps in the
 * registry (see lua-engine.ts).
 */

/** Chunk name of the sandbox; the error handler skips frames from this chunk. */
export const SANDBOX_CHUNKNAME = '=[cachee]';

/** Globals a Redis 7.0.15 EVAL script sees (checked against redis-server), plus os (clock only). */
const EVAL_GLOBALS = [
  'ARGV',
  'KEYS',
  '_G',
  '_VERSION',
  '__redis__err__handler',
  'assert',
  'bit',
  'cjson',
  'cmsgpack',
  'collectgarbage',
  'coroutine',
  'error',
  'gcinfo',
  'getmetatable',
  'ipairs',
  'load',
  'loadstring',
  'math',
  'next',
  'os',
  'pairs',
  'pcall',
  'rawequal',
  'rawget',
  'rawset',
  'redis',
  'select',
  'setmetatable',
  'string',
  'struct',
  'table',
  'tonumber',
  'tostring',
  'type',
  'unpack',
  'xpcall',
];

export const SANDBOX_SOURCE = `
local api, libs, compat, NULL, REDIS_VERSION, REDIS_VERSION_NUM = ...
local G = _G
local getinfo, setupvalue = debug.getinfo, debug.setupvalue
local type, tostring, rawget, rawset, next, select, ipairs =
      type, tostring, rawget, rawset, next, select, ipairs
local real_error, real_pcall = error, pcall
local real_setmetatable, real_getmetatable = setmetatable, getmetatable
local collectgarbage = collectgarbage
local fmt, math_type = string.format, math.type

-- Libraries (cjson, cmsgpack, bit, struct, 5.1 shims) run in a private copy of the
-- standard globals: what they capture keeps working after the script globals are pruned.
local libenv = {}
for k, v in next, G do libenv[k] = v end
for _, k in ipairs({'io', 'os', 'debug', 'package', 'require', 'dofile', 'loadfile', 'print'}) do libenv[k] = nil end
-- From debug, libraries get getinfo (function names in argument errors, as luaL_argerror
-- gives them) and upvalueid; scripts never see either.
libenv.debug = {getinfo = getinfo, upvalueid = debug.upvalueid}
libenv._G = libenv
for i = 1, #libs do
  local lib = libs[i]
  setupvalue(lib.fn, 1, libenv)
  local value = lib.fn(lib.name, NULL)
  if value ~= nil then
    G[lib.name] = value
    libenv[lib.name] = value
  end
end
-- The Lua 5.1 shims patch string, table and math in place and return 5.1 globals.
setupvalue(compat, 1, libenv)
local compat_globals = compat()

-- Read-only proxies ------------------------------------------------------------------
local readonly = real_setmetatable({}, {__mode = 'k'})   -- proxy -> the table it shows
local fake_meta = real_setmetatable({}, {__mode = 'k'})  -- proxy -> what getmetatable returns (false: nil)
local READONLY = 'Attempt to modify a readonly table'
local function ro_newindex() return real_error(READONLY, 2) end

local protect
local function make_proxy(t, meta)
  local p = {}
  local mt = {
    __index = t,
    __newindex = ro_newindex,
    __len = function() return #t end,
    __pairs = function() return next, t, nil end,
    __metatable = false,
  }
  real_setmetatable(p, mt)
  readonly[p] = t
  fake_meta[p] = meta or false
  return p, mt
end
-- A read-only view of t and, recursively, of the tables it holds (as Redis protects recursively).
protect = function(t, seen)
  if readonly[t] then return t end
  seen = seen or {}
  if seen[t] then return seen[t] end
  local p = make_proxy(t)
  seen[t] = p
  for k, v in next, t do
    if type(v) == 'table' then rawset(t, k, protect(v, seen)) end
  end
  return p
end

local function tostring51(...)
  local v = ...
  if math_type(v) then return fmt('%.14g', v) end
  if v == NULL and NULL ~= nil then return 'userdata: (nil)' end
  return tostring(...)
end

local function nonexistent(_, name)
  return real_error("Script attempted to access nonexistent global variable '" .. tostring51(name) .. "'", 2)
end

-- Lua 5.1 / Redis behaviours -------------------------------------------------------------
local function pcall_result(ok, ...)
  if ok then return ok, ... end
  local e = ...
  if type(e) == 'table' then
    local m = rawget(e, 'err')
    if type(m) == 'string' or math_type(m) then return false, m end
  end
  return false, e
end
local function pcall51(f, ...)
  return pcall_result(real_pcall(f, ...))
end

-- Argument checks worded and positioned as Lua 5.1's C functions word them: these
-- wrappers are Lua functions, so the real functions' own errors would name the wrapper.
-- Called as statements (not tail calls): \`level\` counts the frames up to the script.
local function argerror(level, n, fname, msg)
  real_error(fmt("bad argument #%d to '%s' (%s)", n, fname, msg), level)
end
local function checktable(fname, n, nargs, v)
  if type(v) ~= 'table' then
    argerror(4, n, fname, fmt('table expected, got %s', nargs < n and 'no value' or type(v)))
  end
end
local function checkany(fname, n, nargs)
  if nargs < n then argerror(4, n, fname, 'value expected') end
end

local function setmetatable51(...)
  local t, mt = ...
  local nargs = select('#', ...)
  checktable('setmetatable', 1, nargs, t)
  if nargs < 2 or (mt ~= nil and type(mt) ~= 'table') then argerror(3, 2, 'setmetatable', 'nil or table expected') end
  if readonly[t] then return real_error(READONLY, 0) end
  local old = real_getmetatable(t)
  if old ~= nil and rawget(old, '__metatable') ~= nil then
    real_error('cannot change a protected metatable', 2)
  end
  if mt ~= nil and not readonly[mt] then
    local gc = rawget(mt, '__gc')
    if gc ~= nil then
      -- Lua 5.1 never finalizes tables: set the metatable without __gc so none is scheduled.
      rawset(mt, '__gc', nil)
      real_setmetatable(t, mt)
      rawset(mt, '__gc', gc)
      return t
    end
  end
  return real_setmetatable(t, mt)
end
local function getmetatable51(...)
  checkany('getmetatable', 1, select('#', ...))
  local o = ...
  local f = fake_meta[o]
  if f ~= nil then
    if f == false then return nil end
    return f
  end
  return real_getmetatable(o)
end
local function rawset51(...)
  local t, k, v = ...
  local nargs = select('#', ...)
  checktable('rawset', 1, nargs, t)
  checkany('rawset', 2, nargs)
  checkany('rawset', 3, nargs)
  if readonly[t] then return real_error(READONLY, 0) end
  return rawset(t, k, v)
end
local function rawget51(...)
  local t, k = ...
  local nargs = select('#', ...)
  checktable('rawget', 1, nargs, t)
  checkany('rawget', 2, nargs)
  local target = readonly[t]
  if target then return rawget(target, k) end
  return rawget(t, k)
end
local function next51(...)
  local t, k = ...
  checktable('next', 1, select('#', ...), t)
  local target = readonly[t]
  if target then return next(target, k) end
  return next(t, k)
end

-- The error handler (Redis's __redis__err__handler): turns any error into a table
-- {err=, source=, line=} naming the script position that raised it.
local INTERNAL = '${SANDBOX_CHUNKNAME}'
local function err_handler(err)
  local level = 2
  local i = getinfo(level, 'nSl')
  if i and i.what == 'C' then level = 3; i = getinfo(level, 'nSl') end
  while i and i.source == INTERNAL do level = level + 1; i = getinfo(level, 'nSl') end
  if type(err) ~= 'table' or readonly[err] then err = {err = 'ERR ' .. tostring51(err)} end
  if i then
    rawset(err, 'source', i.source)
    rawset(err, 'line', i.currentline)
  end
  return err
end

-- The redis API tables ------------------------------------------------------------------------
local function redis_base(t)
  t.call = api.call
  t.pcall = api.pcall
  t.log = api.log
  t.LOG_DEBUG = 0
  t.LOG_VERBOSE = 1
  t.LOG_NOTICE = 2
  t.LOG_WARNING = 3
  t.REDIS_VERSION = REDIS_VERSION
  t.REDIS_VERSION_NUM = REDIS_VERSION_NUM
  t.setresp = api.setresp
  t.sha1hex = api.sha1hex
  t.error_reply = api.error_reply
  t.status_reply = api.status_reply
  t.set_repl = api.set_repl
  t.REPL_NONE = 0
  t.REPL_AOF = 1
  t.REPL_SLAVE = 2
  t.REPL_REPLICA = 2
  t.REPL_ALL = 3
  t.acl_check_cmd = api.acl_check_cmd
  return t
end
local redis_eval = redis_base({})
redis_eval.breakpoint = api.breakpoint
redis_eval.debug = api.debug
redis_eval.replicate_commands = api.replicate_commands
local redis_function = redis_base({})

-- Eval globals ------------------------------------------------------------------------------
math.random = api.random
math.randomseed = api.randomseed
G.os = {clock = api.clock}
G.error = api.error
G.pcall = pcall51
G.tostring = tostring51
for k, v in next, compat_globals do G[k] = v end
G.setmetatable = setmetatable51
G.getmetatable = getmetatable51
G.rawset = rawset51
G.rawget = rawget51
G.next = next51
G.redis = redis_eval
G.__redis__err__handler = err_handler
local allowed = {}
for _, k in ipairs({${EVAL_GLOBALS.map((g) => `'${g}'`).join(', ')}}) do allowed[k] = true end
for k in next, G do
  if not allowed[k] then G[k] = nil end
end

-- The string metatable reads through the string proxy and is itself read-only.
local string_mt = real_getmetatable('')
for k, v in next, G do
  if type(v) == 'table' and k ~= '_G' then G[k] = protect(v) end
end
string_mt.__index = G.string
string_mt.__metatable = make_proxy(string_mt)

-- The globals proxy; reads of missing names raise Redis's error.
real_setmetatable(G, {__index = nonexistent})
local eval_env = make_proxy(G, make_proxy({__index = nonexistent}))
G._G = eval_env

-- Function libraries' globals: the same libraries, no KEYS/ARGV, the function redis API.
local func_globals = {}
for k, v in next, G do
  if k ~= 'KEYS' and k ~= 'ARGV' and k ~= '__redis__err__handler' then func_globals[k] = v end
end
func_globals.redis = protect(redis_function)
real_setmetatable(func_globals, {__index = nonexistent})
local load_api = real_setmetatable({}, {__index = nonexistent})
local redis_load = real_setmetatable({
  register_function = api.register_function,
  log = api.log,
  LOG_DEBUG = 0, LOG_VERBOSE = 1, LOG_NOTICE = 2, LOG_WARNING = 3,
  REDIS_VERSION = REDIS_VERSION,
  REDIS_VERSION_NUM = REDIS_VERSION_NUM,
}, {__index = nonexistent})
rawset(load_api, 'redis', protect(redis_load))
local func_env, func_env_mt = make_proxy(func_globals, make_proxy({__index = nonexistent}))
func_globals._G = func_env
local function function_mode(loading)
  local target = loading and load_api or func_globals
  rawset(func_env_mt, '__index', target)
  readonly[func_env] = target
end

-- The reply classifier (conversion.ts): the kind of a table a script returns, checking
-- the fields in Redis's order with raw access. Tables without a metatable (nearly all)
-- are read with plain indexing, which is raw for them and needs no function call.
local function classify(t)
  local v1, v2, v3, v4, v5, v6, v7
  if real_getmetatable(t) == nil then
    v1, v2, v3, v4, v5, v6, v7 = t.err, t.ok, t.double, t.big_number, t.verbatim_string, t.map, t.set
  else
    v1, v2, v3, v4 = rawget(t, 'err'), rawget(t, 'ok'), rawget(t, 'double'), rawget(t, 'big_number')
    v5, v6, v7 = rawget(t, 'verbatim_string'), rawget(t, 'map'), rawget(t, 'set')
  end
  if v1 == nil and v2 == nil and v3 == nil and v4 == nil and v5 == nil and v6 == nil and v7 == nil then return 0 end
  if type(v1) == 'string' then return 1, v1 end
  if type(v2) == 'string' then return 2, v2 end
  if type(v3) == 'number' then return 3, v3 end
  if type(v4) == 'string' then return 4, v4 end
  if type(v5) == 'table' then
    local f, s = rawget(v5, 'format'), rawget(v5, 'string')
    if type(f) == 'string' and type(s) == 'string' then return 5, f, s end
  end
  if type(v6) == 'table' then return 6, v6 end
  if type(v7) == 'table' then return 7, v7 end
  return 0
end

-- Scripts make short-lived garbage (KEYS, ARGV, replies): the generational collector suits them.
collectgarbage('generational')

return {
  err_handler = err_handler,
  eval_env = eval_env,
  eval_globals = G,
  func_env = func_env,
  function_mode = function_mode,
  collectgarbage = collectgarbage,
  classify = classify,
}
`;
