import { LUA_PRELUDE } from './prelude.js';

/**
 * `cmsgpack`: lua-cmsgpack 0.4.0 as Redis ships it.
 *
 * Packing: `pack(...)` concatenates the encodings of its arguments. Numbers are
 * 5.1 doubles: integral values in the int64 range use the smallest integer
 * format, others float32 when the conversion is exact, else float64 (so 1.5 is
 * `ca 3fc00000` and 2^63 `ca 5f000000`). A table is an array when its keys are
 * exactly 1..n (as ints), else a map; tables nested 16 deep, and anything that
 * is not a string/number/boolean/table, pack as nil.
 *
 * Unpacking: `unpack(s)` returns every value, `unpack_one(s, offset)` and
 * `unpack_limit(s, limit, offset)` return the next offset (-1 at the end) and the
 * values. uint64 values are read as signed (as the C code pushes them), bin/ext
 * formats are "Bad data format in input.", truncation "Missing bytes in input.",
 * and the C stack checks fail where Lua 5.1's 8000-slot limit would.
 */
export const CMSGPACK_SOURCE = `${LUA_PRELUDE}
${String.raw`
local MAX_NESTING = 16

local B, N

local function put_bytes(s)
  local len = #s
  if len < 32 then B[N + 1] = char(0xa0 | len)
  elseif len <= 0xff then B[N + 1] = char(0xd9, len)
  elseif len <= 0xffff then B[N + 1] = spack('>BI2', 0xda, len)
  else B[N + 1] = spack('>BI4', 0xdb, len & 0xffffffff) end
  B[N + 2] = s
  N = N + 2
end

local function put_int(i)
  local s
  if i >= 0 then
    if i <= 127 then s = char(i)
    elseif i <= 0xff then s = char(0xcc, i)
    elseif i <= 0xffff then s = spack('>BI2', 0xcd, i)
    elseif i <= 0xffffffff then s = spack('>BI4', 0xce, i)
    else s = spack('>Bi8', 0xcf, i) end
  else
    if i >= -32 then s = char(i & 0xff)
    elseif i >= -128 then s = spack('>Bb', 0xd0, i)
    elseif i >= -32768 then s = spack('>Bi2', 0xd1, i)
    elseif i >= -2147483648 then s = spack('>Bi4', 0xd2, i)
    else s = spack('>Bi8', 0xd3, i) end
  end
  N = N + 1
  B[N] = s
end

local function put_number(v)
  local d = v * 1.0
  if d == d and d >= -0x1p63 and d < 0x1p63 and floor(d) == d then
    put_int(tointeger(d))
    return
  end
  local f = spack('>f', d)
  N = N + 1
  if sunpack('>f', f) == d then B[N] = '\202' .. f
  else B[N] = '\203' .. spack('>d', d) end
end

local function put_header(n, fix, h16, h32)
  N = N + 1
  if n <= 15 then B[N] = char(fix | n)
  elseif n <= 65535 then B[N] = spack('>BI2', h16, n)
  else B[N] = spack('>BI4', h32, n & 0xffffffff) end
end

-- The length of t when its keys are exactly 1..n, else nil (table_is_an_array).
local function array_len(t)
  local count, max = 0, 0
  for k in next, t do
    if type(k) ~= 'number' or not (k > 0) or k > 2147483647 or floor(k) ~= k then return nil end
    if k > max then max = k end
    count = count + 1
  end
  if max == count then return count end
  return nil
end

local function enc(v, level)
  local t = type(v)
  if t == 'string' then
    put_bytes(v)
  elseif t == 'number' then
    put_number(v)
  elseif t == 'boolean' then
    N = N + 1
    B[N] = v and '\195' or '\194'
  elseif t == 'table' and level < MAX_NESTING then
    local len = array_len(v)
    if len then
      put_header(len, 0x90, 0xdc, 0xdd)
      for j = 1, len do enc(rawget(v, j), level + 1) end
    else
      local count = 0
      for _ in next, v do count = count + 1 end
      put_header(count, 0x80, 0xde, 0xdf)
      for k, val in next, v do
        enc(k, level + 1)
        enc(val, level + 1)
      end
    end
  else
    N = N + 1
    B[N] = '\192'
  end
end

local D, DLEN, DP, SLOTS
local dec

local function need(k)
  if DLEN - DP + 1 < k then throw('Missing bytes in input.') end
end

local function dec_array(len)
  local base = SLOTS
  if base + 2 > STACK then throw('stack overflow (in function mp_decode_to_lua_array)') end
  local t = {}
  SLOTS = base + 2
  for i = 1, len do t[i] = dec() end
  SLOTS = base
  return t
end

local function dec_map(len)
  local base = SLOTS
  local t = {}
  for _ = 1, len do
    SLOTS = base + 1
    local k = dec()
    SLOTS = base + 2
    local v = dec()
    if k == nil then throw_raw('table index is nil') end
    if k ~= k then throw_raw('table index is NaN') end
    t[k] = v
  end
  SLOTS = base
  return t
end

dec = function()
  if DP > DLEN then throw('Missing bytes in input.') end
  if SLOTS + 1 > STACK then
    throw('stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)')
  end
  local p = DP
  local c = byte(D, p)
  if c < 0x80 then
    DP = p + 1
    return c
  elseif c >= 0xe0 then
    DP = p + 1
    return c - 256
  elseif c < 0x90 then
    DP = p + 1
    return dec_map(c & 0xf)
  elseif c < 0xa0 then
    DP = p + 1
    return dec_array(c & 0xf)
  elseif c < 0xc0 then
    local l = c & 0x1f
    need(1 + l)
    DP = p + 1 + l
    return sub(D, p + 1, p + l)
  elseif c == 0xc0 then
    DP = p + 1
    return nil
  elseif c == 0xc2 then
    DP = p + 1
    return false
  elseif c == 0xc3 then
    DP = p + 1
    return true
  elseif c == 0xcc then
    need(2)
    DP = p + 2
    return byte(D, p + 1)
  elseif c == 0xcd then
    need(3)
    DP = p + 3
    return (sunpack('>I2', D, p + 1))
  elseif c == 0xce then
    need(5)
    DP = p + 5
    return (sunpack('>I4', D, p + 1))
  elseif c == 0xcf or c == 0xd3 then
    need(9)
    DP = p + 9
    return num((sunpack('>i8', D, p + 1)))
  elseif c == 0xd0 then
    need(2)
    DP = p + 2
    return (sunpack('>b', D, p + 1))
  elseif c == 0xd1 then
    need(3)
    DP = p + 3
    return (sunpack('>i2', D, p + 1))
  elseif c == 0xd2 then
    need(5)
    DP = p + 5
    return (sunpack('>i4', D, p + 1))
  elseif c == 0xca then
    need(5)
    DP = p + 5
    return num((sunpack('>f', D, p + 1)))
  elseif c == 0xcb then
    need(9)
    DP = p + 9
    return num((sunpack('>d', D, p + 1)))
  elseif c == 0xd9 then
    need(2)
    local l = byte(D, p + 1)
    need(2 + l)
    DP = p + 2 + l
    return sub(D, p + 2, p + 1 + l)
  elseif c == 0xda then
    need(3)
    local l = sunpack('>I2', D, p + 1)
    need(3 + l)
    DP = p + 3 + l
    return sub(D, p + 3, p + 2 + l)
  elseif c == 0xdb then
    need(5)
    local l = sunpack('>I4', D, p + 1)
    DP = p + 5
    need(l)
    DP = p + 5 + l
    return sub(D, p + 5, p + 4 + l)
  elseif c == 0xdc then
    need(3)
    DP = p + 3
    return dec_array((sunpack('>I2', D, p + 1)))
  elseif c == 0xdd then
    need(5)
    DP = p + 5
    return dec_array((sunpack('>I4', D, p + 1)))
  elseif c == 0xde then
    need(3)
    DP = p + 3
    return dec_map((sunpack('>I2', D, p + 1)))
  elseif c == 0xdf then
    need(5)
    DP = p + 5
    return dec_map((sunpack('>I4', D, p + 1)))
  end
  throw('Bad data format in input.')
end

local function unpack_full(s, limit, offset, base)
  local len = #s
  local decode_all = limit == 0 and offset == 0
  if offset < 0 or limit < 0 then
    throw(fmt('Invalid request to unpack with offset of %d and limit of %d.', i32(offset), i32(len)))
  elseif offset > len then
    throw(fmt('Start offset %d greater than input length %d.', i32(offset), i32(len)))
  end
  if decode_all then limit = 0x7fffffff end
  D, DLEN, DP, SLOTS = s, len, offset + 1, base
  local out, cnt = {}, 0
  while DP <= DLEN and cnt < limit do
    out[cnt + 1] = dec()
    cnt = cnt + 1
    SLOTS = SLOTS + 1
  end
  D = nil
  if not decode_all then
    if SLOTS + 1 > STACK then throw('stack overflow (in function mp_unpack_full)') end
    return DP > DLEN and -1 or DP - 1, tunpack(out, 1, cnt)
  end
  return tunpack(out, 1, cnt)
end

local M = {
  _NAME = 'cmsgpack',
  _VERSION = 'lua-cmsgpack 0.4.0',
  _COPYRIGHT = 'Copyright (C) 2012, Salvatore Sanfilippo',
  _DESCRIPTION = 'MessagePack C implementation for Lua',
}

function M.pack(...)
  local n = select('#', ...)
  if n == 0 then argerror(0, 0, 'MessagePack pack needs input.') end
  if n > STACK / 2 then argerror(0, 0, 'Too many arguments for MessagePack pack.') end
  B, N = {}, 0
  if n == 1 then
    enc((...), 0)
  else
    local args = {...}
    for i = 1, n do enc(args[i], 0) end
  end
  local s = concat(B, '', 1, N)
  B = nil
  return s
end

function M.unpack(...)
  local n = select('#', ...)
  local s = checkstring(0, 1, (...), n >= 1)
  return finish(pcall(unpack_full, s, 0, 0, n))
end

function M.unpack_one(...)
  local n = select('#', ...)
  local s, off = ...
  local offset = 0
  if off ~= nil then offset = d2i64(checknumber(0, 2, off, true)) end
  s = checkstring(0, 1, s, n >= 1)
  return finish(pcall(unpack_full, s, 1, offset, 1))
end

function M.unpack_limit(...)
  local n = select('#', ...)
  local s, lim, off = ...
  local limit = d2i64(checknumber(0, 2, lim, n >= 2))
  local offset = 0
  if off ~= nil then offset = d2i64(checknumber(0, 3, off, true)) end
  s = checkstring(0, 1, s, n >= 1)
  return finish(pcall(unpack_full, s, limit, offset, 1))
end

return M
`}`;
