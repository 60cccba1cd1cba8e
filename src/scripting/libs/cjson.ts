import { LUA_PRELUDE } from './prelude.js';

/**
 * `cjson`: lua-cjson 2.1.0 as Redis ships it (defaults: max depth 1000 both
 * ways, `%.14g` numbers, NaN/Inf refused when encoding and accepted when
 * decoding, sparse arrays with more than half holes beyond index 10 refused).
 *
 * Encoding: a table whose keys are all positive integral numbers is an array of
 * length max key (holes are `null`), anything else an object with `next` order
 * keys (numbers become `"%.14g"` strings); `{}` is `{}`. The array test copies
 * the C code's `int max = k` cast, so a key of 2^31 or more turns the table into
 * an object. Strings escape `"`, `\`, `/`, control characters and DEL.
 *
 * Decoding: the 2.1.0 tokenizer, including its leniency (numbers are whatever C
 * `strtod` accepts when they start with `-`, a digit, or with `+`, `inf`, `nan`
 * while invalid numbers are allowed: hex, `1.`, leading zeros, `nan(...)`), its
 * error texts ("Expected value but found T_END at character 2"), its stop at the
 * first NUL byte and its UTF-16/32 refusal. `null` decodes to `cjson.null`, a
 * light userdata (see index.ts). Numbers come back as integers when integral and
 * within ±2^53 (so they print as Lua 5.1 prints them), floats otherwise.
 *
 * Depth: "Cannot serialise, excessive nesting (N)" and "Found too many nested
 * data structures (N) at character P" fire at the configured depth or where the C
 * code's `lua_checkstack` would fail against Lua 5.1's 8000-slot limit.
 */
export const CJSON_SOURCE = `${LUA_PRELUDE}
${String.raw`
local NULL = LIB_NULL
local null_anchor
if type(NULL) ~= 'userdata' then
  NULL = nil
  local upvalueid = dbg and dbg.upvalueid
  if upvalueid then
    local anchor = {}
    null_anchor = function() return anchor end
    NULL = upvalueid(null_anchor, 1)
  end
  if NULL == nil then NULL = coroutine.create(function() end) end
end

local ESC = {}
for i = 0, 31 do ESC[char(i)] = fmt('\\u%04x', i) end
ESC['\b'] = '\\b'
ESC['\t'] = '\\t'
ESC['\n'] = '\\n'
ESC['\f'] = '\\f'
ESC['\r'] = '\\r'
ESC['"'] = '\\"'
ESC['\\'] = '\\\\'
ESC['/'] = '\\/'
ESC['\127'] = '\\u007f'
local ESC_PAT = '[\0-\31"/\\\127]'

local UNESC = {[34] = '"', [92] = '\\', [47] = '/', [98] = '\b', [116] = '\t', [110] = '\n', [102] = '\f', [114] = '\r'}

local T_OBJ_BEGIN, T_OBJ_END, T_ARR_BEGIN, T_ARR_END, T_STRING, T_NUMBER, T_BOOLEAN, T_NULL,
      T_COLON, T_COMMA, T_END, T_ERROR = 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13
local TOKEN_NAME = {'T_OBJ_BEGIN', 'T_OBJ_END', 'T_ARR_BEGIN', 'T_ARR_END', 'T_STRING', 'T_NUMBER',
  'T_BOOLEAN', 'T_NULL', 'T_COLON', 'T_COMMA', 'T_END', 'T_WHITESPACE', 'T_ERROR', 'T_UNKNOWN'}
local SINGLE = {[123] = T_OBJ_BEGIN, [125] = T_OBJ_END, [91] = T_ARR_BEGIN, [93] = T_ARR_END,
  [44] = T_COMMA, [58] = T_COLON}

local POS_NAN = sunpack('>d', '\127\248\0\0\0\0\0\0')
local NEG_NAN = sunpack('>d', '\255\248\0\0\0\0\0\0')
local INT_MAX = 2147483647

local function utf8char(cp)
  if cp <= 0x7f then return char(cp) end
  if cp <= 0x7ff then return char(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f)) end
  if cp <= 0xffff then return char(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)) end
  return char(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f))
end

-- Lua 5.1 luaL_checkoption over a C string.
local function checkoption(lvl, narg, v, options)
  local name = checkstring(lvl + 1, narg, v, true)
  local z = find(name, '\0', 1, true)
  if z then name = sub(name, 1, z - 1) end
  for i = 1, #options do
    if options[i] == name then return i - 1 end
  end
  argerror(lvl + 1, narg, fmt("invalid option '%s'", name))
end

local new_instance

new_instance = function()
  local cfg = {
    sparse_convert = 0, sparse_ratio = 2, sparse_safe = 10,
    encode_max_depth = 1000, decode_max_depth = 1000,
    encode_invalid = 0, decode_invalid = 1, keep_buffer = 1,
    precision = 14, number_fmt = '%.14g',
  }
  local M = {}

  local function arg_init(n, nargs)
    if n > nargs then argerror(1, nargs + 1, 'found too many arguments') end
  end

  local function integer_option(narg, v, key, min, max)
    if v ~= nil then
      local value = i32(d2i64(checknumber(1, narg, v, true)))
      if not (min <= value and value <= max) then
        argerror(1, 1, fmt('expected integer between %d and %d', min, max))
      end
      cfg[key] = value
    end
    return cfg[key]
  end

  local BOOL_OPTIONS = {'off', 'on'}
  local function enum_option(narg, v, key, options)
    if v ~= nil then
      if type(v) == 'boolean' then cfg[key] = v and 1 or 0
      else cfg[key] = checkoption(1, narg, v, options) end
    end
    local s = cfg[key]
    if s == 0 or s == 1 then return s == 1 end
    return options[s + 1]
  end

  function M.encode_sparse_array(...)
    local n = select('#', ...)
    arg_init(n, 3)
    local convert, ratio, safe = ...
    local r1 = enum_option(1, convert, 'sparse_convert', BOOL_OPTIONS)
    local r2 = integer_option(2, ratio, 'sparse_ratio', 0, INT_MAX)
    local r3 = integer_option(3, safe, 'sparse_safe', 0, INT_MAX)
    return r1, r2, r3
  end

  function M.encode_max_depth(...)
    arg_init(select('#', ...), 1)
    return (integer_option(1, (...), 'encode_max_depth', 1, INT_MAX))
  end

  function M.decode_max_depth(...)
    arg_init(select('#', ...), 1)
    return (integer_option(1, (...), 'decode_max_depth', 1, INT_MAX))
  end

  function M.encode_number_precision(...)
    arg_init(select('#', ...), 1)
    local r = integer_option(1, (...), 'precision', 1, 14)
    cfg.number_fmt = '%.' .. cfg.precision .. 'g'
    return r
  end

  function M.encode_keep_buffer(...)
    arg_init(select('#', ...), 1)
    return (enum_option(1, (...), 'keep_buffer', BOOL_OPTIONS))
  end

  local INVALID_OPTIONS = {'off', 'on', 'null'}
  function M.encode_invalid_numbers(...)
    arg_init(select('#', ...), 1)
    return (enum_option(1, (...), 'encode_invalid', INVALID_OPTIONS))
  end

  function M.decode_invalid_numbers(...)
    arg_init(select('#', ...), 1)
    return (enum_option(1, (...), 'decode_invalid', BOOL_OPTIONS))
  end

  -- Encoding ----------------------------------------------------------------------------

  local buf, nb

  local function put_number(d)
    if cfg.precision == 14 then
      -- Integral values of at most 14 digits print the same as '%.14g'; table.concat formats them.
      if mtype(d) == 'integer' then
        if d > -100000000000000 and d < 100000000000000 then
          nb = nb + 1
          buf[nb] = d
          return
        end
      elseif d > -1e14 and d < 1e14 and d ~= 0 then
        local i = tointeger(d)
        if i then
          nb = nb + 1
          buf[nb] = i
          return
        end
      end
    end
    if d ~= d or d == huge or d == -huge then
      local mode = cfg.encode_invalid
      if mode == 0 then throw('Cannot serialise number: must not be NaN or Inf') end
      if mode == 2 then
        nb = nb + 1
        buf[nb] = 'null'
        return
      end
      if d ~= d then
        nb = nb + 1
        buf[nb] = 'nan'
        return
      end
    end
    nb = nb + 1
    buf[nb] = fmt(cfg.number_fmt, d)
  end

  local function array_length(t)
    local max, items = 0, 0
    for k in next, t do
      if type(k) == 'number' and k ~= 0 and floor(k) == k and k >= 1 then
        if k > max then
          if k > INT_MAX then max = -2147483648 else max = tointeger(k) end
        end
        items = items + 1
      else
        return -1
      end
    end
    local ratio = cfg.sparse_ratio
    if ratio > 0 and max > i32(items * ratio) and max > cfg.sparse_safe then
      if cfg.sparse_convert == 0 then throw('Cannot serialise table: excessively sparse array') end
      return -1
    end
    return max
  end

  local function append(v, depth, slots)
    local t = type(v)
    if t == 'string' then
      nb = nb + 1
      if find(v, ESC_PAT) then buf[nb] = '"' .. gsub(v, ESC_PAT, ESC) .. '"'
      else buf[nb] = '"' .. v .. '"' end
    elseif t == 'number' then
      put_number(v)
    elseif t == 'boolean' then
      nb = nb + 1
      buf[nb] = v and 'true' or 'false'
    elseif t == 'table' and not rawequal(v, NULL) then
      depth = depth + 1
      if depth > cfg.encode_max_depth or slots + 3 > STACK then
        throw(fmt('Cannot serialise, excessive nesting (%d)', depth))
      end
      local len = array_length(v)
      if len > 0 then
        nb = nb + 1
        buf[nb] = '['
        for i = 1, len do
          if i > 1 then
            nb = nb + 1
            buf[nb] = ','
          end
          append(rawget(v, i), depth, slots + 1)
        end
        nb = nb + 1
        buf[nb] = ']'
      else
        nb = nb + 1
        buf[nb] = '{'
        local comma = false
        for k, val in next, v do
          if comma then
            nb = nb + 1
            buf[nb] = ','
          else
            comma = true
          end
          local kt = type(k)
          if kt == 'number' then
            nb = nb + 1
            buf[nb] = '"'
            put_number(k)
            nb = nb + 1
            buf[nb] = '":'
          elseif kt == 'string' then
            nb = nb + 1
            if find(k, ESC_PAT) then buf[nb] = '"' .. gsub(k, ESC_PAT, ESC) .. '":'
            else buf[nb] = '"' .. k .. '":' end
          else
            throw('Cannot serialise ' .. kt .. ': table key must be a number or string')
          end
          append(val, depth, slots + 2)
        end
        nb = nb + 1
        buf[nb] = '}'
      end
    elseif v == nil or rawequal(v, NULL) then
      nb = nb + 1
      buf[nb] = 'null'
    else
      throw('Cannot serialise ' .. t .. ': type not supported')
    end
  end

  local function encode_impl(v)
    buf, nb = {}, 0
    append(v, 0, 1)
    local s = concat(buf, '', 1, nb)
    buf = nil
    return s
  end

  function M.encode(...)
    if select('#', ...) ~= 1 then argerror(0, 1, 'expected 1 argument') end
    return finish(pcall(encode_impl, ...))
  end

  -- Decoding ----------------------------------------------------------------------------

  local S, LEN, P, depth

  local function is_invalid_number(p)
    local c = byte(S, p)
    if c == 43 then return true end
    if c == 45 then
      p = p + 1
      c = byte(S, p)
    end
    if c == 48 then
      local c2 = byte(S, p + 1)
      return c2 ~= nil and ((c2 | 0x20) == 120 or (c2 >= 48 and c2 <= 57))
    end
    if c == nil or c <= 57 then return false end
    local w = lower(sub(S, p, p + 2))
    return w == 'inf' or w == 'nan'
  end

  -- C strtod from p: the value and the position after it, or nil when nothing converts.
  local function strtod(p)
    local q = p
    local c = byte(S, q)
    local neg = false
    if c == 43 or c == 45 then
      neg = c == 45
      q = q + 1
      c = byte(S, q)
    end
    local v, e
    if c == 48 and ((byte(S, q + 1) or 0) | 0x20) == 120 then
      local _, he = find(S, '^%x*%.?%x*', q + 2)
      local mant = sub(S, q + 2, he)
      if find(mant, '%x') then
        local _, pe = find(S, '^[pP][+-]?%d+', he + 1)
        if pe then
          v = tonumber('0x' .. sub(S, q + 2, pe))
          e = pe + 1
        else
          v = tonumber('0x' .. mant .. 'p0')
          e = he + 1
        end
      end
    end
    if v == nil then
      local _, de = find(S, '^%d*%.?%d*', q)
      if find(sub(S, q, de), '%d') then
        local _, xe = find(S, '^[eE][+-]?%d+', de + 1)
        de = xe or de
        v = tonumber(sub(S, q, de)) * 1.0
        e = de + 1
      else
        local w = lower(sub(S, q, q + 7))
        if w == 'infinity' then
          v, e = huge, q + 8
        elseif sub(w, 1, 3) == 'inf' then
          v, e = huge, q + 3
        elseif sub(w, 1, 3) == 'nan' then
          e = q + 3
          local _, pe = find(S, '^%([%w_]*%)', e)
          if pe then e = pe + 1 end
          if neg then return NEG_NAN, e end
          return POS_NAN, e
        else
          return nil
        end
      end
    end
    if neg then v = -v end
    return v, e
  end

  local function number_token(p)
    local v, e = strtod(p)
    if v == nil then return T_ERROR, 'invalid number', p - 1 end
    P = e
    return T_NUMBER, num(v), p - 1
  end

  local function hex4(i)
    local h = sub(S, i, i + 3)
    if #h < 4 or find(h, '%X') then return nil end
    return tonumber(h, 16)
  end

  local function string_token(p)
    local q = p + 1
    local parts, np
    while true do
      local a = find(S, '["\\]', q)
      if not a then return T_ERROR, 'unexpected end of string', LEN end
      if byte(S, a) == 34 then
        P = a + 1
        if not parts then return T_STRING, sub(S, q, a - 1), p - 1 end
        np = np + 1
        parts[np] = sub(S, q, a - 1)
        return T_STRING, concat(parts, '', 1, np), p - 1
      end
      if not parts then parts, np = {}, 0 end
      np = np + 1
      parts[np] = sub(S, q, a - 1)
      local e = byte(S, a + 1)
      if e == 117 then
        local cp = hex4(a + 2)
        local adv = 6
        if cp and (cp & 0xF800) == 0xD800 then
          local low
          if (cp & 0x400) == 0 and sub(S, a + 6, a + 7) == '\\u' then low = hex4(a + 8) end
          if low and (low & 0xFC00) == 0xDC00 then
            cp = (((cp & 0x3FF) << 10) | (low & 0x3FF)) + 0x10000
            adv = 12
          else
            cp = nil
          end
        end
        if not cp then return T_ERROR, 'invalid unicode escape code', a - 1 end
        np = np + 1
        parts[np] = utf8char(cp)
        q = a + adv
      else
        local r = e and UNESC[e]
        if not r then return T_ERROR, 'invalid escape code', a - 1 end
        np = np + 1
        parts[np] = r
        q = a + 2
      end
    end
  end

  local function next_token()
    local p = P
    local c = byte(S, p)
    if c == 32 or c == 10 or c == 13 or c == 9 then
      p = find(S, '[^ \t\n\r]', p + 1)
      if not p then
        P = LEN + 1
        return T_END, nil, LEN
      end
      c = byte(S, p)
    elseif not c then
      return T_END, nil, LEN
    end
    P = p
    local single = SINGLE[c]
    if single then
      P = p + 1
      return single, nil, p - 1
    end
    if c == 34 then
      local a = find(S, '["\\]', p + 1)
      if a and byte(S, a) == 34 then
        P = a + 1
        return T_STRING, sub(S, p + 1, a - 1), p - 1
      end
      return string_token(p)
    end
    if c == 45 or (c >= 48 and c <= 57) then
      if cfg.decode_invalid == 0 and is_invalid_number(p) then return T_ERROR, 'invalid number', p - 1 end
      local _, e = find(S, '^-?%d+', p)
      if e then
        local nc = byte(S, e + 1)
        if not (nc == 46 or nc == 101 or nc == 69 or nc == 120 or nc == 88) and e - p < 15 then
          P = e + 1
          local v = tonumber(sub(S, p, e))
          if v == 0 and c == 45 then v = -0.0 end
          return T_NUMBER, v, p - 1
        end
      end
      return number_token(p)
    end
    if c == 116 and sub(S, p, p + 3) == 'true' then
      P = p + 4
      return T_BOOLEAN, true, p - 1
    end
    if c == 102 and sub(S, p, p + 4) == 'false' then
      P = p + 5
      return T_BOOLEAN, false, p - 1
    end
    if c == 110 and sub(S, p, p + 3) == 'null' then
      P = p + 4
      return T_NULL, nil, p - 1
    end
    if cfg.decode_invalid ~= 0 and is_invalid_number(p) then return number_token(p) end
    return T_ERROR, 'invalid token', p - 1
  end

  local function parse_error(expected, tt, v, idx)
    local found = tt == T_ERROR and v or TOKEN_NAME[tt]
    throw(fmt('Expected %s but found %s at character %d', expected, found, idx + 1))
  end

  local value

  local function descend(slots, need)
    depth = depth + 1
    if depth > cfg.decode_max_depth or slots + need > STACK then
      throw(fmt('Found too many nested data structures (%d) at character %d', depth, P - 1))
    end
  end

  local function parse_array(slots)
    descend(slots, 2)
    local t = {}
    local tt, v, idx = next_token()
    if tt == T_ARR_END then
      depth = depth - 1
      return t
    end
    local i = 1
    while true do
      t[i] = value(tt, v, idx, slots + 1)
      tt, v, idx = next_token()
      if tt == T_ARR_END then
        depth = depth - 1
        return t
      end
      if tt ~= T_COMMA then parse_error('comma or array end', tt, v, idx) end
      tt, v, idx = next_token()
      i = i + 1
    end
  end

  local function parse_object(slots)
    descend(slots, 3)
    local t = {}
    local tt, v, idx = next_token()
    if tt == T_OBJ_END then
      depth = depth - 1
      return t
    end
    while true do
      if tt ~= T_STRING then parse_error('object key string', tt, v, idx) end
      local key = v
      tt, v, idx = next_token()
      if tt ~= T_COLON then parse_error('colon', tt, v, idx) end
      tt, v, idx = next_token()
      t[key] = value(tt, v, idx, slots + 2)
      tt, v, idx = next_token()
      if tt == T_OBJ_END then
        depth = depth - 1
        return t
      end
      if tt ~= T_COMMA then parse_error('comma or object end', tt, v, idx) end
      tt, v, idx = next_token()
    end
  end

  value = function(tt, v, idx, slots)
    if tt == T_STRING or tt == T_NUMBER or tt == T_BOOLEAN then return v end
    if tt == T_NULL then return NULL end
    if tt == T_OBJ_BEGIN then return parse_object(slots) end
    if tt == T_ARR_BEGIN then return parse_array(slots) end
    parse_error('value', tt, v, idx)
  end

  local function decode_impl(s)
    local len = #s
    if len >= 2 and (byte(s, 1) == 0 or byte(s, 2) == 0) then
      throw('JSON parser does not support UTF-16 or UTF-32')
    end
    local z = find(s, '\0', 1, true)
    if z then s = sub(s, 1, z - 1) end
    S, LEN, P, depth = s, #s, 1, 0
    local tt, v, idx = next_token()
    local r = value(tt, v, idx, 1)
    tt, v, idx = next_token()
    if tt ~= T_END then parse_error('the end', tt, v, idx) end
    S = nil
    return r
  end

  function M.decode(...)
    if select('#', ...) ~= 1 then argerror(0, 1, 'expected 1 argument') end
    local s = checkstring(0, 1, (...), true)
    return finish(pcall(decode_impl, s))
  end

  function M.new() return new_instance() end

  M.null = NULL
  M._NAME = 'cjson'
  M._VERSION = '2.1.0'
  return M
end

return new_instance()
`}`;
