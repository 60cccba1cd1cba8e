import { LUA_PRELUDE } from './prelude.js';

/**
 * The Lua 5.1 functions Redis scripts see that Lua 5.4 lacks or changed, written
 * in Lua 5.4 to behave as Redis 7.0's Lua 5.1 does (same results, same error
 * texts). Run once per state, it adds to the `string`, `table` and `math` tables
 * of its environment:
 *
 * - string.format (5.1 rules: `%d`/`%x`/`%c` truncate non-integral numbers as C
 *   casts do, `%s`/`%q` print numbers with `%.14g`, `%s` stops at a NUL byte,
 *   5.1's `%q` escapes, 5.1's flag/width checks and error texts), string.gfind;
 * - table.getn, setn (an error, as in Redis), maxn, foreach, foreachi, and 5.1's
 *   raw, unchecked insert/remove/concat (numbers concatenated with `%.14g`);
 * - math.pow, mod, fmod (C fmod on doubles), log and atan (one argument),
 *   log10, atan2, cosh, sinh, tanh, frexp, ldexp, modf; results that are
 *   integral come back as integers so they print as 5.1 printed them.
 *
 * It returns the table of 5.1 globals for the caller to install: `unpack`
 * (raw, Lua 5.1's "too many results to unpack" at 8000 stack slots), `loadstring`
 * and 5.1 `load` (reader function only; text only: a chunk starting with ESC fails
 * as Redis 7.0's patched parser fails, "unexpected symbol near 'char(27)'"), and
 * `gcinfo`. math.random/randomseed (Redis's rand48) and `tostring` are the
 * engine's.
 */
export const COMPAT_SOURCE = `${LUA_PRELUDE}
${String.raw`
local ofmt, olog, oatan, oexp, ogmatch = fmt, math.log, math.atan, math.exp, string.gmatch
local load54, collectgarbage = load, collectgarbage

local function checktable(lvl, narg, v, present)
  if type(v) ~= 'table' then typeerror(lvl + 1, narg, 'table', v, present) end
  return v
end

-- (int) of a lua_Integer, as luaL_checkint does.
local function checkint(lvl, narg, v, present)
  return i32(d2i64(checknumber(lvl + 1, narg, v, present)))
end

-- string ------------------------------------------------------------------------------

local FLAGS = '-+ #0'
local ALLOWED = {d = '-+0 ', i = '-+0 ', o = '-#0', x = '-#0', X = '-#0', u = '-0', c = '-', s = '-',
  e = FLAGS, E = FLAGS, f = FLAGS, g = FLAGS, G = FLAGS}

local function isdigit(f, p)
  local c = byte(f, p)
  return c ~= nil and c >= 48 and c <= 57
end

-- Splits a format into literal strings and conversion items {conv, format for 5.4};
-- an item {false, message} stands where 5.1's scanner raises.
local function parse_format(f)
  local items, n = {}, 0
  local i, len = 1, #f
  while i <= len do
    local j = find(f, '%', i, true)
    if not j then
      n = n + 1; items[n] = sub(f, i)
      break
    end
    if j > i then n = n + 1; items[n] = sub(f, i, j - 1) end
    if byte(f, j + 1) == 37 then
      n = n + 1; items[n] = '%'
      i = j + 2
    else
      local p = j + 1
      while p <= len and find(FLAGS, sub(f, p, p), 1, true) do p = p + 1 end
      if p - (j + 1) >= 6 then
        n = n + 1; items[n] = {false, 'invalid format (repeated flags)'}
        items.slow = true
        return items
      end
      local flags = sub(f, j + 1, p - 1)
      local ws = p
      if isdigit(f, p) then p = p + 1 end
      if isdigit(f, p) then p = p + 1 end
      local width = sub(f, ws, p - 1)
      local prec = ''
      if byte(f, p) == 46 then
        local ps = p
        p = p + 1
        if isdigit(f, p) then p = p + 1 end
        if isdigit(f, p) then p = p + 1 end
        prec = sub(f, ps, p - 1)
      end
      if isdigit(f, p) then
        n = n + 1; items[n] = {false, 'invalid format (width or precision too long)'}
        items.slow = true
        return items
      end
      local conv = sub(f, p, p)
      local allowed = ALLOWED[conv]
      if conv == 'q' then
        n = n + 1; items[n] = {'q'}
        items.slow = true
      elseif allowed then
        local kept = gsub(flags, '.', function(c)
          if find(allowed, c, 1, true) then return c end
          return ''
        end)
        if conv == 'c' then prec = '' end
        local c54 = conv
        if c54 == 'i' then c54 = 'd' end
        local spec = '%' .. kept .. width .. prec .. c54
        n = n + 1; items[n] = {conv, spec, prec ~= ''}
        if spec ~= '%' .. flags .. width .. prec .. conv then items.slow = true end
      else
        if conv == '\0' then conv = '' end
        n = n + 1; items[n] = {false, "invalid option '%" .. conv .. "' to 'format'"}
        items.slow = true
        return items
      end
      i = p + 1
    end
  end
  return items
end

local format_cache, cached = {}, 0

local QUOTE = {['\0'] = '\\000', ['\r'] = '\\r', ['\n'] = '\\\n', ['"'] = '\\"', ['\\'] = '\\\\'}
local function quoted(s)
  return '"' .. gsub(s, '[\0\r\n"\\]', QUOTE) .. '"'
end

local function cstr(s)
  local z = find(s, '\0', 1, true)
  if z then return sub(s, 1, z - 1) end
  return s
end

-- Whether 5.4's string.format prints these arguments exactly as 5.1's would: integers
-- for integer conversions, numbers for float ones, strings without NUL for %s.
local function fast_format(items, top, ...)
  local arg = 1
  for k = 1, #items do
    local it = items[k]
    if type(it) ~= 'string' then
      arg = arg + 1
      if arg > top then return false end
      local v = (select(arg, ...))
      local conv = it[1]
      if conv == 's' then
        if type(v) ~= 'string' or find(v, '\0', 1, true) then return false end
      elseif conv == 'e' or conv == 'E' or conv == 'f' or conv == 'g' or conv == 'G' then
        if type(v) ~= 'number' then return false end
      elseif mtype(v) ~= 'integer' or (conv == 'c' and (v < -2147483648 or v > 2147483647 or v & 0xff == 0)) then
        return false
      end
    end
  end
  return true
end

local function format51(...)
  local top = select('#', ...)
  local f = checkstring(0, 1, (...), top >= 1)
  local items = format_cache[f]
  if not items then
    items = parse_format(f)
    if cached >= 512 then format_cache, cached = {}, 0 end
    format_cache[f] = items
    cached = cached + 1
  end
  if not items.slow and fast_format(items, top, ...) then return ofmt(f, select(2, ...)) end
  local out, arg = {}, 1
  for k = 1, #items do
    local it = items[k]
    if type(it) == 'string' then
      out[k] = it
    else
      arg = arg + 1
      if arg > top then argerror(0, arg, 'no value') end
      local conv = it[1]
      if not conv then lerror(0, it[2]) end
      local v = (select(arg, ...))
      local piece
      if conv == 's' or conv == 'q' then
        local s = checkstring(0, arg, v, true)
        if conv == 'q' then
          piece = quoted(s)
        elseif not it[3] and #s >= 100 then
          piece = s
        else
          piece = cstr(ofmt(it[2], cstr(s)))
        end
      else
        local d = checknumber(0, arg, v, true)
        if conv == 'd' or conv == 'i' then
          d = d2i64(d)
        elseif conv == 'c' then
          d = d * 1.0
          if d > -2147483649.0 and d < 2147483648.0 then d = d2i64(d) & 0xff else d = 0 end
        elseif conv == 'o' or conv == 'u' or conv == 'x' or conv == 'X' then
          d = d2u64(d)
        else
          d = d * 1.0
        end
        piece = cstr(ofmt(it[2], d))
      end
      out[k] = piece
    end
  end
  return concat(out, '', 1, #items)
end

string.format = format51
string.gfind = ogmatch

-- table -------------------------------------------------------------------------------

function table.getn(...)
  return rawlen(checktable(0, 1, (...), select('#', ...) >= 1))
end

function table.setn(...)
  checktable(0, 1, (...), select('#', ...) >= 1)
  lerror(0, "'setn' is obsolete")
end

function table.maxn(...)
  local t = checktable(0, 1, (...), select('#', ...) >= 1)
  local max = 0
  for k in next, t do
    if type(k) == 'number' and k > max then max = k end
  end
  return num(max)
end

function table.foreach(...)
  local n = select('#', ...)
  local t, f = ...
  checktable(0, 1, t, n >= 1)
  if type(f) ~= 'function' then typeerror(0, 2, 'function', f, n >= 2) end
  for k, v in next, t do
    local r = f(k, v)
    if r ~= nil then return r end
  end
end

function table.foreachi(...)
  local n = select('#', ...)
  local t, f = ...
  local e = rawlen(checktable(0, 1, t, n >= 1))
  if type(f) ~= 'function' then typeerror(0, 2, 'function', f, n >= 2) end
  for i = 1, e do
    local r = f(i, rawget(t, i))
    if r ~= nil then return r end
  end
end

function table.insert(...)
  local n = select('#', ...)
  local t, a, b = ...
  local e = rawlen(checktable(0, 1, t, n >= 1)) + 1
  if n == 2 then
    rawset(t, e, a)
    return
  end
  if n ~= 3 then lerror(0, "wrong number of arguments to 'insert'") end
  local pos = checkint(0, 2, a, true)
  if pos > e then e = pos end
  for i = e, pos + 1, -1 do rawset(t, i, rawget(t, i - 1)) end
  rawset(t, pos, b)
end

function table.remove(...)
  local n = select('#', ...)
  local t, p = ...
  local e = rawlen(checktable(0, 1, t, n >= 1))
  local pos = e
  if p ~= nil then pos = checkint(0, 2, p, true) end
  if not (1 <= pos and pos <= e) then return end
  local r = rawget(t, pos)
  for i = pos, e - 1 do rawset(t, i, rawget(t, i + 1)) end
  rawset(t, e, nil)
  return r
end

function table.concat(...)
  local n = select('#', ...)
  local t, sep, i, j = ...
  if sep == nil then sep = '' else sep = checkstring(0, 2, sep, true) end
  checktable(0, 1, t, n >= 1)
  if i == nil then i = 1 else i = checkint(0, 3, i, true) end
  if j == nil then j = rawlen(t) else j = checkint(0, 4, j, true) end
  if i > j then return '' end
  local parts, np = {}, 0
  for k = i, j do
    local v = rawget(t, k)
    local tv = type(v)
    if tv == 'number' then v = numstr(v)
    elseif tv ~= 'string' then lerror(0, fmt("invalid value (%s) at index %d in table for 'concat'", tv, k)) end
    np = np + 1
    parts[np] = v
  end
  return concat(parts, sep, 1, np)
end

-- math --------------------------------------------------------------------------------

local function arg1(...)
  return checknumber(1, 1, (...), select('#', ...) >= 1) * 1.0
end

-- Two numbers, the second checked first (the order gcc evaluates pow(check(1), check(2)) in).
local function arg2(...)
  local n = select('#', ...)
  local x, y = ...
  y = checknumber(1, 2, y, n >= 2) * 1.0
  return checknumber(1, 1, x, n >= 1) * 1.0, y
end

local function expm1(x)
  local u = oexp(x)
  if u == 1.0 then return x end
  local um = u - 1.0
  if um == -1.0 then return -1.0 end
  if u == huge then return huge end
  return um * x / olog(u)
end

local LN_MAX = 709.782712893383973096
local OVERFLOW = 710.4758600739439

local function cosh(x)
  local ax = x < 0 and -x or x
  if ax ~= ax then return x end
  if ax < 0.3465735902799726 then
    if ax < 0x1p-55 then return 1.0 end
    local t = expm1(ax)
    local w = 1.0 + t
    return 1.0 + (t * t) / (w + w)
  end
  if ax < 22 then
    local t = oexp(ax)
    return 0.5 * t + 0.5 / t
  end
  if ax < LN_MAX then return 0.5 * oexp(ax) end
  if ax <= OVERFLOW then
    local w = oexp(0.5 * ax)
    return (0.5 * w) * w
  end
  return huge
end

local function sinh(x)
  if x ~= x then return x end
  local h = x < 0 and -0.5 or 0.5
  local ax = x < 0 and -x or x
  if ax < 22 then
    if ax < 0x1p-28 then return x end
    local t = expm1(ax)
    if ax < 1 then return h * (2.0 * t - t * t / (t + 1.0)) end
    return h * (t + t / (t + 1.0))
  end
  if ax < LN_MAX then return h * oexp(ax) end
  if ax <= OVERFLOW then
    local w = oexp(0.5 * ax)
    return (h * w) * w
  end
  return x * huge
end

local function tanh(x)
  if x ~= x then return x end
  local ax = x < 0 and -x or x
  local z
  if ax < 22 then
    if ax < 0x1p-55 then return x end
    if ax >= 1 then
      z = 1.0 - 2.0 / (expm1(2.0 * ax) + 2.0)
    else
      local t = expm1(-2.0 * ax)
      z = -t / (t + 2.0)
    end
  else
    z = 1.0
  end
  if x < 0 then return -z end
  return z
end

local function frexp(x)
  if x ~= x or x == huge or x == -huge or x == 0 then return x, 0 end
  local bits = sunpack('<i8', spack('<d', x))
  local e = (bits >> 52) & 0x7ff
  local adjust = 0
  if e == 0 then
    bits = sunpack('<i8', spack('<d', x * 0x1p54))
    e = (bits >> 52) & 0x7ff
    adjust = -54
  end
  bits = (bits & ~(0x7ff << 52)) | (1022 << 52)
  return sunpack('<d', spack('<i8', bits)), e - 1022 + adjust
end

local function ldexp(m, e)
  if e > 2200 then e = 2200 elseif e < -2200 then e = -2200 end
  while e > 1023 do
    m = m * 0x1p1023
    e = e - 1023
  end
  while e < -1022 do
    m = m * 0x1p-1022
    e = e + 1022
  end
  return m * 2.0 ^ e
end

function math.pow(...)
  local x, y = arg2(...)
  return num(x ^ y)
end

local function fmod51(...)
  local x, y = arg2(...)
  return num(fmod(x, y))
end
math.fmod = fmod51
math.mod = fmod51

function math.log(...) return num(olog(arg1(...))) end
function math.log10(...) return num(olog(arg1(...), 10)) end
function math.atan(...) return num(oatan(arg1(...))) end
function math.atan2(...)
  local y, x = arg2(...)
  return num(oatan(y, x))
end
function math.cosh(...) return num(cosh(arg1(...))) end
function math.sinh(...) return num(sinh(arg1(...))) end
function math.tanh(...) return num(tanh(arg1(...))) end

function math.frexp(...)
  local m, e = frexp(arg1(...))
  return num(m), e
end

function math.ldexp(...)
  local n = select('#', ...)
  local m, e = ...
  e = checkint(0, 2, e, n >= 2)
  m = checknumber(0, 1, m, n >= 1) * 1.0
  return num(ldexp(m, e))
end

function math.modf(...)
  local x = arg1(...)
  if x ~= x then return x, x end
  if x == huge or x == -huge then return x, x < 0 and -0.0 or 0.0 end
  local frac = fmod(x, 1.0)
  local ip = x - frac
  if ip == 0 and (x < 0 or 1 / x < 0) then ip = -0.0 end
  return num(ip), num(frac)
end

-- globals -----------------------------------------------------------------------------

local function unpack51(...)
  local n = select('#', ...)
  local t, i, e = ...
  checktable(0, 1, t, n >= 1)
  if i == nil then i = 1 else i = checkint(0, 2, i, true) end
  if e == nil then e = rawlen(t) else e = checkint(0, 3, e, true) end
  if i > e then return end
  local count = i32(e - i + 1)
  if count <= 0 or n + count > STACK then lerror(0, 'too many results to unpack') end
  if getmetatable(t) == nil then return tunpack(t, i, e) end
  local raw = {}
  for k = 1, count do raw[k] = rawget(t, i + k - 1) end
  return tunpack(raw, 1, count)
end

-- Lua 5.1's luaO_chunkid over a C string (Redis builds it with LUA_IDSIZE 80).
local function chunkid51(source)
  source = cstr(source)
  local first = byte(source, 1)
  if first == 61 then return sub(source, 2, 80) end
  if first == 64 then
    source = sub(source, 2)
    if #source > 72 then return '...' .. sub(source, -72) end
    return source
  end
  local len = (find(source, '[\n\r]') or (#source + 1)) - 1
  if len > 63 then len = 63 end
  if len < #source then return '[string "' .. sub(source, 1, len) .. '..."]' end
  return '[string "' .. source .. '"]'
end

-- Lua 5.4's luaO_chunkid (LUA_IDSIZE 60), as it appears in messages.
local function chunkid54(source)
  local len = #source
  local first = byte(source, 1)
  if first == 61 then
    if len <= 60 then return cstr(sub(source, 2)) end
    return cstr(sub(source, 2, 60))
  end
  if first == 64 then
    if len <= 60 then return cstr(sub(source, 2)) end
    return '...' .. cstr(sub(source, len - 55))
  end
  local nl = find(cstr(source), '\n', 1, true)
  if len < 45 and not nl then return '[string "' .. cstr(source) .. '"]' end
  if nl then len = nl - 1 end
  if len > 45 then len = 45 end
  return '[string "' .. cstr(sub(source, 1, len)) .. '..."]'
end

-- A 5.4 syntax error as Lua 5.1 words it: 5.1's chunk name, quoted '<eof>' and
-- '<name>', 'char(N)' for control characters, and "'=' expected" where 5.4 says
-- "syntax error" after an expression that is not a call.
local function syntax51(msg, name)
  local id = chunkid54(name)
  if sub(msg, 1, #id + 1) ~= id .. ':' then return msg end
  local line, rest = string.match(msg, '^(%d+): (.*)$', #id + 2)
  if not line then return msg end
  rest = gsub(rest, "near '<\\(%d+)>'", function(d)
    local c = tonumber(d)
    if c < 32 or c == 127 then return "near 'char(" .. c .. ")'" end
    return "near '" .. char(c) .. "'"
  end)
  rest = gsub(rest, ' near <eof>$', " near '<eof>'")
  rest = gsub(rest, '^(unfinished long %a+) %(starting at line %d+%)', '%1')
  rest = gsub(rest, '^<(%a+)> expected', "'<%1>' expected")
  if find(rest, '^syntax error near ') and not find(rest, "^syntax error near '[=,]'$") then
    rest = "'=' expected" .. sub(rest, 13)
  end
  return chunkid51(name) .. ':' .. line .. ': ' .. rest
end

local function compile(s, name)
  if byte(s, 1) == 27 then return nil, chunkid51(name) .. ":1: unexpected symbol near 'char(27)'" end
  local f, err = load54(s, name, 't')
  if f then return f end
  return nil, syntax51(err, name)
end

local function loadstring51(...)
  local n = select('#', ...)
  local s, name = ...
  s = checkstring(0, 1, s, n >= 1)
  if name == nil then name = s else name = checkstring(0, 2, name, true) end
  return compile(s, name)
end

local function where(level)
  if getinfo then
    local ar = getinfo(level + 1, 'Sl')
    if ar and ar.currentline > 0 then return ar.short_src .. ':' .. ar.currentline .. ': ' end
  end
  return ''
end

local function load51(...)
  local n = select('#', ...)
  local reader, name = ...
  if name == nil then name = '=(load)' else name = checkstring(0, 2, name, true) end
  if type(reader) ~= 'function' then typeerror(0, 1, 'function', reader, n >= 1) end
  local parts, np = {}, 0
  while true do
    local ok, piece = pcall(reader)
    if not ok then return nil, piece end
    if piece == nil then break end
    local tp = type(piece)
    if tp == 'number' then piece = numstr(piece)
    elseif tp ~= 'string' then return nil, where(2) .. 'reader function must return a string' end
    if piece == '' then break end
    np = np + 1
    parts[np] = piece
    if np == 1 and byte(piece, 1) == 27 then break end
  end
  return compile(concat(parts, '', 1, np), name)
end

local function gcinfo() return floor(collectgarbage('count')) end

return {unpack = unpack51, loadstring = loadstring51, load = load51, gcinfo = gcinfo}
`}`;
