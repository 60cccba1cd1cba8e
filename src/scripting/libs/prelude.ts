/**
 * Lua source shared by every library chunk (prepended to each): Lua 5.1 C-API
 * behaviours re-expressed in Lua 5.4, so the libraries fail exactly as Redis's C
 * libraries do.
 *
 * - Errors. A C library raises with `luaL_error`, which prefixes the position of
 *   the Lua code that called the library function (`user_script:3: ...`), or with
 *   `luaL_argerror` ("bad argument #2 to 'pack' (number expected, got nil)"), whose
 *   function name is how the caller named it ('?' when called through pcall).
 *   Flat functions raise directly with an explicit frame count (`lvl`: frames
 *   between the raising helper's caller and the library function; 0 when the library
 *   function calls the helper itself, never in tail position). Recursive functions
 *   run their body under `pcall`, throw marker tables, and re-raise them from
 *   `finish` (tail-called by the library function, so one level above is the
 *   script). Errors that are not markers (memory, the engine's time limit) pass
 *   through untouched.
 * - Numbers. 5.1 has only doubles: `num` turns a double into the 5.4 value that
 *   prints like 5.1 did (integral values within ±2^53 as integers), and the
 *   `d2*` helpers reproduce C's double-to-integer casts on x86-64 (truncation;
 *   out of range or NaN gives the "integer indefinite" value).
 * - Strings. `luaL_checklstring` accepts numbers, converted with `%.14g`.
 * - `STACK`: Lua 5.1's LUAI_MAXCSTACK. The C libraries hit it on deep nesting or
 *   many results ("stack overflow (...)", "excessive nesting"); the libraries
 *   count the slots the C code would use and fail at the same point.
 *
 * The chunk reads `debug` from its environment when present (function names in
 * argument errors; see index.ts) and keeps working without it.
 */
export const LUA_PRELUDE = `
local LIB_NAME, LIB_NULL = ...
local type, select, tostring, tonumber, error, pcall, next, rawget, rawset, rawlen, rawequal =
      type, select, tostring, tonumber, error, pcall, next, rawget, rawset, rawlen, rawequal
local setmetatable, getmetatable = setmetatable, getmetatable
local mtype, tointeger, floor, ceil, huge, mininteger, ult, fmod =
      math.type, math.tointeger, math.floor, math.ceil, math.huge, math.mininteger, math.ult, math.fmod
local fmt, byte, char, sub, find, gsub, rep, lower, spack, sunpack =
      string.format, string.byte, string.char, string.sub, string.find, string.gsub, string.rep,
      string.lower, string.pack, string.unpack
local concat, tunpack = table.concat, table.unpack
local dbg = debug
local getinfo = dbg and dbg.getinfo
local STACK = 8000
local TWO53 = 9007199254740992

local function numstr(n) return fmt('%.14g', n) end

local function num(d)
  if mtype(d) == 'integer' then
    if d >= -TWO53 and d <= TWO53 then return d end
    return d * 1.0
  end
  if d == d and d >= -TWO53 and d <= TWO53 then
    local i = tointeger(d)
    if i and (i ~= 0 or 1 / d > 0) then return i end
  end
  return d
end

local function d2i64(d)
  d = d * 1.0
  if d ~= d or d >= 0x1p63 or d < -0x1p63 then return mininteger end
  if d >= 0 then return tointeger(floor(d)) end
  return tointeger(ceil(d))
end

local function d2u64(d)
  d = d * 1.0
  if d ~= d then return mininteger end
  if d < 0x1p63 then return d2i64(d) end
  if d < 0x1p64 then return d2i64(d - 0x1p63) ~ mininteger end
  return 0
end

local function i32(i)
  i = i & 0xffffffff
  if i >= 0x80000000 then return i - 0x100000000 end
  return i
end

local function u2d(u)
  if u >= 0 then return u * 1.0 end
  return (u >> 32) * 4294967296.0 + (u & 0xffffffff)
end

local function tonum51(v)
  local t = type(v)
  if t == 'number' then return v end
  if t == 'string' then return tonumber(v) end
  return nil
end

local function argmsg(level, narg, extramsg)
  local name, what
  if getinfo then
    local ar = getinfo(level, 'n')
    if ar then name, what = ar.name, ar.namewhat end
  end
  if what == 'method' then
    narg = narg - 1
    if narg == 0 then return fmt("calling '%s' on bad self (%s)", name, extramsg) end
  end
  return fmt("bad argument #%d to '%s' (%s)", narg, name or '?', extramsg)
end

local function lerror(lvl, msg) error(msg, lvl + 3) end

local function argerror(lvl, narg, extramsg)
  local msg = argmsg(lvl + 3, narg, extramsg)
  error(msg, lvl + 3)
end

local function typeerror(lvl, narg, tname, v, present)
  argerror(lvl + 1, narg, fmt('%s expected, got %s', tname, present and type(v) or 'no value'))
end

local function checknumber(lvl, narg, v, present)
  local n = tonum51(v)
  if n == nil then typeerror(lvl + 1, narg, 'number', v, present) end
  return n
end

local function checkstring(lvl, narg, v, present)
  local t = type(v)
  if t == 'string' then return v end
  if t == 'number' then return numstr(v) end
  typeerror(lvl + 1, narg, 'string', v, present)
end

local MARK = {}
local function throw(msg) error({MARK, msg, true}, 0) end
local function throw_raw(msg) error({MARK, msg, false}, 0) end

local function deep_argerror(narg, extramsg)
  local level = 3
  if getinfo then
    while true do
      local ar = getinfo(level, 'f')
      if ar == nil then level = nil break end
      if rawequal(ar.func, pcall) then level = level + 1 break end
      level = level + 1
    end
  else
    level = nil
  end
  local msg
  if level then msg = argmsg(level + 1, narg, extramsg)
  else msg = fmt("bad argument #%d to '?' (%s)", narg, extramsg) end
  throw(msg)
end

local function deep_typeerror(narg, tname, v, present)
  deep_argerror(narg, fmt('%s expected, got %s', tname, present and type(v) or 'no value'))
end

local function rethrow(e)
  if type(e) == 'table' and rawequal(rawget(e, 1), MARK) then
    if rawget(e, 3) then lerror(1, rawget(e, 2)) end
    error(rawget(e, 2), 0)
  end
  error(e, 0)
end

local function finish(ok, ...)
  if ok then return ... end
  rethrow((...))
end
`;
