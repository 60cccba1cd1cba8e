import { LUA_PRELUDE } from './prelude.js';

/**
 * `bit`: LuaBitOp 1.0.2 as Redis ships it. Every argument goes through `barg`,
 * the library's conversion of a Lua 5.1 number to 32 bits: add 2^52+2^51 to the
 * double and keep the low 32 bits of its representation, which rounds to the
 * nearest integer (ties to even) and wraps modulo 2^32, and gives 0 for NaN and
 * infinities. Results are signed 32-bit integers (Lua 5.4 integers here). Shift
 * counts use their low 5 bits; band/bor/bxor convert the first argument and then
 * the others from last to first, as the C loop does (this decides which bad
 * argument is reported).
 */
export const BIT_SOURCE = `${LUA_PRELUDE}
local MAGIC = 6755399441055744.0

local function barg(lvl, narg, v, present)
  if mtype(v) == 'integer' and v > -2251799813685248 and v < 2251799813685248 then
    return v & 0xffffffff
  end
  local d = tonum51(v)
  if d == nil then typeerror(lvl + 1, narg, 'number', v, present) end
  d = d * 1.0
  if d > -2251799813685248.0 and d < 2251799813685248.0 then
    return tointeger((d + MAGIC) - MAGIC) & 0xffffffff
  end
  return (sunpack('<I4', spack('<d', d + MAGIC)))
end

local function ret(b)
  if b >= 0x80000000 then return b - 0x100000000 end
  return b
end

local M = {}

function M.tobit(...)
  local x = ...
  return ret(barg(0, 1, x, select('#', ...) >= 1))
end

function M.bnot(...)
  local x = ...
  return ret(~barg(0, 1, x, select('#', ...) >= 1) & 0xffffffff)
end

function M.bswap(...)
  local x = ...
  local b = barg(0, 1, x, select('#', ...) >= 1)
  return ret(((b >> 24) | ((b >> 8) & 0xff00) | ((b & 0xff00) << 8) | (b << 24)) & 0xffffffff)
end

function M.band(...)
  local n = select('#', ...)
  local b = barg(0, 1, (...), n >= 1)
  for i = n, 2, -1 do b = b & barg(0, i, (select(i, ...)), true) end
  return ret(b)
end

function M.bor(...)
  local n = select('#', ...)
  local b = barg(0, 1, (...), n >= 1)
  for i = n, 2, -1 do b = b | barg(0, i, (select(i, ...)), true) end
  return ret(b)
end

function M.bxor(...)
  local n = select('#', ...)
  local b = barg(0, 1, (...), n >= 1)
  for i = n, 2, -1 do b = b ~ barg(0, i, (select(i, ...)), true) end
  return ret(b)
end

local function shiftargs(...)
  local n = select('#', ...)
  local x, s = ...
  local b = barg(1, 1, x, n >= 1)
  return b, barg(1, 2, s, n >= 2) & 31
end

function M.lshift(...)
  local b, s = shiftargs(...)
  return ret((b << s) & 0xffffffff)
end

function M.rshift(...)
  local b, s = shiftargs(...)
  return ret(b >> s)
end

function M.arshift(...)
  local b, s = shiftargs(...)
  if b >= 0x80000000 then b = b - 0x100000000 end
  return ret((b >> s) & 0xffffffff)
end

function M.rol(...)
  local b, s = shiftargs(...)
  return ret(((b << s) | (b >> (32 - s))) & 0xffffffff)
end

function M.ror(...)
  local b, s = shiftargs(...)
  return ret(((b >> s) | (b << (32 - s))) & 0xffffffff)
end

local LOWER, UPPER = '0123456789abcdef', '0123456789ABCDEF'
function M.tohex(...)
  local n = select('#', ...)
  local x, w = ...
  local b = barg(0, 1, x, n >= 1)
  local digits = 8
  if n >= 2 then digits = ret(barg(0, 2, w, true)) end
  local hex = LOWER
  if digits < 0 then digits = -digits; hex = UPPER end
  if digits > 8 then digits = 8 end
  local out = {}
  for i = digits, 1, -1 do
    local d = (b & 15) + 1
    out[i] = sub(hex, d, d)
    b = b >> 4
  end
  return concat(out, '', 1, digits)
end

return M
`;
