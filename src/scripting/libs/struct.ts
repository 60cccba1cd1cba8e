import { LUA_PRELUDE } from './prelude.js';

/**
 * `struct`: Roberto Ierusalimschy's struct 0.2 as Redis ships it (with Redis's
 * guard against oversized counts: "integral size overflow"). Formats are read as
 * C strings (up to the first NUL), on x86-64 sizes: h=2, i=4, l/L/T=8, f=4,
 * d=8, native order little-endian, `!` alone aligns to 8. Integers are packed
 * from the 5.1 double through C's casts (so 2^64 packs as 0, -1e30 as
 * 0x8000000000000000), sizes above 8 bytes only carry the low 64 bits, and
 * unpacking sign-extends with the shift count taken modulo 64, as the x86 `shl`
 * the C code compiles to does. `c0` in `unpack` takes its length from the
 * previous value, which it then drops. `unpack` fails with Lua 5.1's "stack
 * overflow (too many results)" where the C stack check would.
 */
export const STRUCT_SOURCE = `${LUA_PRELUDE}
${String.raw`
local MAXINTSIZE, MAXALIGN = 32, 8
local SIZES = {b = 1, B = 1, h = 2, H = 2, l = 8, L = 8, T = 8, f = 4, d = 8, x = 1}
local INTOPT = {b = true, B = true, h = true, H = true, l = true, L = true, T = true, i = true, I = true}
local SIGNED = {b = true, h = true, l = true, i = true}

local function getnum(f, i, df)
  local c = byte(f, i)
  if not c or c < 48 or c > 57 then return df, i end
  local a = 0
  repeat
    local d = c - 48
    if a > 214748364 or a * 10 > 2147483647 - d then throw('integral size overflow') end
    a = a * 10 + d
    i = i + 1
    c = byte(f, i)
  until not c or c < 48 or c > 57
  return a, i
end

local function optsize(opt, f, i)
  local s = SIZES[opt]
  if s then return s, i end
  if opt == 'c' then return getnum(f, i, 1) end
  if opt == 'i' or opt == 'I' then
    local sz
    sz, i = getnum(f, i, 4)
    if sz > MAXINTSIZE then throw(fmt('integral size %d is larger than limit of %d', sz, MAXINTSIZE)) end
    return sz, i
  end
  return 0, i
end

local function gettoalign(len, align, opt, size)
  if size == 0 or opt == 'c' then return 0 end
  if size > align then size = align end
  return (size - (len & (size - 1))) & (size - 1)
end

local function control(opt, f, i, little, align)
  if opt == ' ' then
  elseif opt == '>' then little = false
  elseif opt == '<' then little = true
  elseif opt == '!' then
    local a
    a, i = getnum(f, i, MAXALIGN)
    if not (a > 0 and (a & (a - 1)) == 0) then throw(fmt('alignment %d is not a power of 2', a)) end
    align = a
  else
    deep_argerror(1, fmt("invalid format option '%s'", opt))
  end
  return little, align, i
end

local function cformat(v, present)
  local f
  if type(v) == 'string' then f = v
  elseif type(v) == 'number' then f = numstr(v)
  else deep_typeerror(1, 'string', v, present) end
  local z = find(f, '\0', 1, true)
  if z then f = sub(f, 1, z - 1) end
  return f
end

local function number_arg(narg, v, present)
  local d = tonum51(v)
  if d == nil then deep_typeerror(narg, 'number', v, present) end
  return d * 1.0
end

local function string_arg(narg, v, present)
  local t = type(v)
  if t == 'string' then return v end
  if t == 'number' then return numstr(v) end
  deep_typeerror(narg, 'string', v, present)
end

local function putinteger(d, little, size)
  local u
  if d < 0 then u = d2i64(d) else u = d2u64(d) end
  if size <= 8 then
    if little then return sub(spack('<i8', u), 1, size) end
    return sub(spack('>i8', u), 9 - size)
  end
  if little then return spack('<i8', u) .. rep('\0', size - 8) end
  return rep('\0', size - 8) .. spack('>i8', u)
end

local function getinteger(data, pos, little, signed, size)
  local l
  if size == 0 then
    l = 0
  elseif size <= 8 then
    l = sunpack((little and '<I' or '>I') .. size, data, pos + 1)
  elseif little then
    l = sunpack('<i8', data, pos + 1)
  else
    l = sunpack('>i8', data, pos + size - 7)
  end
  if not signed then return num(u2d(l)) end
  local mask = -1 << ((size * 8 - 1) & 63)
  if l & mask ~= 0 then l = l | mask end
  return num(l * 1.0)
end

local function pack_impl(n, ...)
  local f = cformat((...), n >= 1)
  local little, align = true, 1
  local out, no = {}, 0
  local total, arg = 0, 2
  local i, flen = 1, #f
  while i <= flen do
    local opt = sub(f, i, i)
    i = i + 1
    local size
    size, i = optsize(opt, f, i)
    local toalign = gettoalign(total, align, opt, size)
    total = total + toalign
    if toalign > 0 then no = no + 1; out[no] = rep('\0', toalign) end
    if INTOPT[opt] then
      local d = number_arg(arg, (select(arg, ...)), arg <= n + 1)
      arg = arg + 1
      no = no + 1; out[no] = putinteger(d, little, size)
    elseif opt == 'x' then
      no = no + 1; out[no] = '\0'
    elseif opt == 'f' or opt == 'd' then
      local d = number_arg(arg, (select(arg, ...)), arg <= n + 1)
      arg = arg + 1
      no = no + 1; out[no] = spack((little and '<' or '>') .. opt, d)
    elseif opt == 'c' or opt == 's' then
      local s = string_arg(arg, (select(arg, ...)), arg <= n + 1)
      arg = arg + 1
      local l = #s
      if size == 0 then size = l end
      if l < size then deep_argerror(arg, 'string too short') end
      no = no + 1; out[no] = sub(s, 1, size)
      if opt == 's' then
        no = no + 1; out[no] = '\0'
        size = size + 1
      end
    else
      little, align, i = control(opt, f, i, little, align)
    end
    total = total + size
  end
  return concat(out, '', 1, no)
end

local function unpack_impl(n, f, data, init)
  f = cformat(f, n >= 1)
  data = string_arg(2, data, n >= 2)
  local pos = 1
  if init ~= nil then pos = d2i64(number_arg(3, init, true)) end
  if pos == 0 then deep_argerror(3, 'offset must be 1 or greater') end
  pos = pos - 1
  local ld = #data
  local out, cnt = {}, 0
  local little, align = true, 1
  local i, flen = 1, #f
  while i <= flen do
    local opt = sub(f, i, i)
    i = i + 1
    local size
    size, i = optsize(opt, f, i)
    pos = pos + gettoalign(pos, align, opt, size)
    if ult(ld, size) or ult(ld - size, pos) then deep_argerror(2, 'data string too short') end
    if n + cnt + 2 > STACK then throw('stack overflow (too many results)') end
    if INTOPT[opt] then
      cnt = cnt + 1; out[cnt] = getinteger(data, pos, little, SIGNED[opt], size)
    elseif opt == 'x' then
    elseif opt == 'f' or opt == 'd' then
      cnt = cnt + 1; out[cnt] = num((sunpack((little and '<' or '>') .. opt, data, pos + 1)))
    elseif opt == 'c' then
      if size == 0 then
        local prev = cnt > 0 and tonum51(out[cnt]) or nil
        if prev == nil then throw("format 'c0' needs a previous size") end
        size = d2u64(prev)
        out[cnt] = nil
        cnt = cnt - 1
        if ult(ld, size) or ult(ld - size, pos) then deep_argerror(2, 'data string too short') end
      end
      cnt = cnt + 1; out[cnt] = sub(data, pos + 1, pos + size)
    elseif opt == 's' then
      local e = find(data, '\0', pos + 1, true)
      if not e then throw('unfinished string in data') end
      size = e - pos
      cnt = cnt + 1; out[cnt] = sub(data, pos + 1, e - 1)
    else
      little, align, i = control(opt, f, i, little, align)
    end
    pos = pos + size
  end
  cnt = cnt + 1; out[cnt] = num(pos + 1)
  return tunpack(out, 1, cnt)
end

local function size_impl(n, f)
  f = cformat(f, n >= 1)
  local little, align = true, 1
  local pos = 0
  local i, flen = 1, #f
  while i <= flen do
    local opt = sub(f, i, i)
    i = i + 1
    local size
    size, i = optsize(opt, f, i)
    pos = pos + gettoalign(pos, align, opt, size)
    if opt == 's' then deep_argerror(1, "option 's' has no fixed size")
    elseif opt == 'c' and size == 0 then deep_argerror(1, "option 'c0' has no fixed size") end
    if not find(opt, '^%w') then little, align, i = control(opt, f, i, little, align) end
    pos = pos + size
  end
  return num(pos)
end

local M = {}
function M.pack(...) return finish(pcall(pack_impl, select('#', ...), ...)) end
function M.unpack(...) return finish(pcall(unpack_impl, select('#', ...), ...)) end
function M.size(...) return finish(pcall(size_impl, select('#', ...), ...)) end
return M
`}`;
