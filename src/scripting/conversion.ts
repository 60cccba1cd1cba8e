/**
 * Reply ⇄ Lua conversion, with Redis 7.0's rules (script_lua.c).
 *
 * Redis → Lua (what `redis.call` returns), by the script's protocol
 * (`redis.setresp`): integer → number, bulk → string, nil bulk / nil array →
 * false (RESP2) or nil (RESP3), array → table, status → {ok=}, error → {err=};
 * RESP3 only: map → {map={k=v}}, set → {set={m=true}}, double → {double=n},
 * boolean → boolean, big number → {big_number=s}, verbatim →
 * {verbatim_string={format=, string=}}. Under RESP2 those come as Redis sends
 * them to a RESP2 client (flat arrays, bulk strings, integers).
 *
 * Lua → Redis (what a script returns): string → bulk, number → integer
 * (truncated, as a C cast), true → 1 and false → nil (RESP2) or booleans
 * (RESP3), table → {err=} error, {ok=} status, {double=}, {big_number=},
 * {verbatim_string=}, {map=}, {set=}, else an array up to the first nil; any
 * other type → nil. Nesting deeper than Lua 5.1's 8000-slot C stack allows
 * turns into Redis's "reached lua stack limit" error at that depth (the stack
 * heights at each step mirror Redis's), and so does nesting beyond
 * {@link MAX_REPLY_NESTING} levels, where Cachee cuts earlier than Redis.
 */
import { Err, ReplyError } from '../errors.js';
import {
  BigNumberReply,
  DoubleReply,
  MapReply,
  NilArrayReply,
  PairsReply,
  PushReply,
  type Reply,
  SetReply,
  StatusReply,
  VerbatimReply,
} from '../protocol/reply.js';
import { formatDouble, formatG } from '../util/numbers.js';
import { LUA_REGISTRYINDEX, type LuaState, LuaType, type LuaWasm } from './lua-wasm.js';

/** Lua 5.1's LUAI_MAXCSTACK: Redis's lua_checkstack fails beyond it. */
const LUA51_MAX_STACK = 8000;
/**
 * Nesting Cachee converts before answering "reached lua stack limit" itself: Redis
 * allows about 8000 levels, but replies that deep would exhaust the JS stack of the
 * (recursive) reply encoders, so deeper tables stop here.
 */
export const MAX_REPLY_NESTING = 1000;

/** Small lua_Integer values, to avoid a BigInt allocation per array index or small integer. */
const SMALL_INTS: bigint[] = Array.from({ length: 1025 }, (_, i) => BigInt(i));

/** The BigInt for an integer (cached for 0..1024). */
export function big(n: number): bigint {
  return n >= 0 && n <= 1024 ? SMALL_INTS[n] : BigInt(n);
}

const TWO_53 = 2 ** 53;
const TWO_63 = 2 ** 63;
const INT64_MIN = -(2n ** 63n);

/**
 * A Lua number as `redis.call` passes it: `%.17g` of the double (Redis's
 * luaArgsToRedisArgv), so 10/2 is "5" and 0.1 is "0.10000000000000001".
 */
export function formatArgNumber(d: number): string {
  if (Number.isInteger(d) && Math.abs(d) < 1e17) return Object.is(d, -0) ? '-0' : String(d);
  // glibc prints the NaN produced by 0/0 on x86 as "-nan".
  if (Number.isNaN(d)) return '-nan';
  return d === Number.POSITIVE_INFINITY || d === Number.NEGATIVE_INFINITY ? formatDouble(d) : formatG(d, 17);
}

/** A Lua number as a Redis integer reply: `(long long)` of the double, as x86 converts (out of range → INT64_MIN). */
export function numberToInteger(d: number): number | bigint {
  if (Number.isNaN(d) || d >= TWO_63 || d < -TWO_63) return INT64_MIN;
  const t = Math.trunc(d);
  return Math.abs(t) <= TWO_53 ? t : BigInt(t);
}

/** Replaces CR and LF with spaces, as Redis does for status and error lines. */
export function oneLine(s: string): string {
  return s.includes('\r') || s.includes('\n') ? s.replace(/[\r\n]/g, ' ') : s;
}

/**
 * Pushes Redis's error table for an error text (luaPushErrorBuff): "-CODE msg" or "CODE msg"
 * keep their code; a text without one gets "ERR". `ignoreStats` adds the
 * `ignore_error_stats_update` field Redis sets on errors coming from commands.
 */
export function pushErrorTable(
  vm: LuaWasm,
  L: LuaState,
  text: string,
  hasCode: boolean,
  ignoreStats: boolean,
): void {
  const x = vm.x;
  let msg: string;
  if (hasCode) {
    const body = text.startsWith('-') ? text.slice(1) : text;
    const space = body.indexOf(' ');
    msg = space < 0 ? `ERR ${body}` : body;
  } else {
    msg = `ERR ${text}`;
  }
  msg = msg.replace(/[\r\n]+$/, '');
  x.lua_createtable(L, 0, ignoreStats ? 2 : 1);
  vm.pushBytes(L, msg);
  x.lua_setfield(L, -2, vm.k.err);
  if (ignoreStats) {
    x.lua_pushboolean(L, 1);
    x.lua_setfield(L, -2, vm.k.ignore_error_stats_update);
  }
}

/** Pushes an integer reply as Redis does: a number (exact below 2^53, a double beyond, as Lua 5.1 holds it). */
function pushInteger(vm: LuaWasm, L: LuaState, n: number | bigint): void {
  if (typeof n === 'number') {
    if (Number.isSafeInteger(n)) vm.x.lua_pushinteger(L, big(n));
    else vm.x.lua_pushnumber(L, n);
    return;
  }
  if (n >= -9007199254740992n && n <= 9007199254740992n) vm.x.lua_pushinteger(L, n);
  else vm.x.lua_pushnumber(L, Number(n));
}

/** Pushes a one-field table {field = value-on-top}: the value must already be pushed. */
function wrapField(vm: LuaWasm, L: LuaState, field: number): void {
  const x = vm.x;
  x.lua_createtable(L, 0, 1);
  x.lua_rotate(L, -2, 1);
  x.lua_setfield(L, -2, field);
}

/** Pushes a Lua array of the replies. */
function pushArray(vm: LuaWasm, L: LuaState, items: readonly Reply[], resp: 2 | 3): void {
  const x = vm.x;
  const n = items.length;
  x.lua_checkstack(L, 4);
  x.lua_createtable(L, n, 0);
  for (let i = 0; i < n; i++) {
    pushReply(vm, L, items[i], resp);
    x.lua_rawseti(L, -2, big(i + 1));
  }
}

/** Pushes a reply converted to Lua as `redis.call` returns it to a script using protocol `resp`. */
export function pushReply(vm: LuaWasm, L: LuaState, reply: Reply, resp: 2 | 3): void {
  const x = vm.x;
  if (reply === null) {
    if (resp === 2) x.lua_pushboolean(L, 0);
    else x.lua_pushnil(L);
    return;
  }
  switch (typeof reply) {
    case 'string':
      vm.pushBytes(L, reply);
      return;
    case 'number':
    case 'bigint':
      pushInteger(vm, L, reply);
      return;
    case 'boolean':
      if (resp === 2) x.lua_pushinteger(L, reply ? SMALL_INTS[1] : SMALL_INTS[0]);
      else x.lua_pushboolean(L, reply ? 1 : 0);
      return;
  }
  if (Buffer.isBuffer(reply)) {
    vm.pushBytes(L, reply);
    return;
  }
  if (Array.isArray(reply)) {
    pushArray(vm, L, reply, resp);
    return;
  }
  if (reply instanceof StatusReply) {
    vm.pushBytes(L, reply.text);
    wrapField(vm, L, vm.k.ok);
  } else if (reply instanceof ReplyError) {
    pushErrorTable(vm, L, reply.message, true, true);
  } else if (reply instanceof DoubleReply) {
    if (resp === 2) {
      vm.pushBytes(L, formatDouble(reply.value));
    } else {
      x.lua_pushnumber(L, reply.value);
      wrapField(vm, L, vm.k.double);
    }
  } else if (reply instanceof MapReply) {
    if (resp === 2) {
      pushArray(vm, L, reply.items, resp);
      return;
    }
    const items = reply.items;
    x.lua_checkstack(L, 4);
    x.lua_createtable(L, 0, items.length >> 1);
    for (let i = 0; i + 1 < items.length; i += 2) {
      pushReply(vm, L, items[i], resp);
      pushReply(vm, L, items[i + 1], resp);
      x.lua_rawset(L, -3);
    }
    wrapField(vm, L, vm.k.map);
  } else if (reply instanceof SetReply) {
    if (resp === 2) {
      pushArray(vm, L, reply.items, resp);
      return;
    }
    x.lua_checkstack(L, 4);
    x.lua_createtable(L, 0, reply.items.length);
    for (const item of reply.items) {
      pushReply(vm, L, item, resp);
      x.lua_pushboolean(L, 1);
      x.lua_rawset(L, -3);
    }
    wrapField(vm, L, vm.k.set);
  } else if (reply instanceof PairsReply) {
    const items = reply.items;
    if (resp === 2) {
      pushArray(vm, L, items, resp);
      return;
    }
    const pairs: Reply[][] = [];
    for (let i = 0; i + 1 < items.length; i += 2) pairs.push([items[i], items[i + 1]]);
    pushArray(vm, L, pairs, resp);
  } else if (reply instanceof VerbatimReply) {
    if (resp === 2) {
      vm.pushBytes(L, reply.text);
      return;
    }
    x.lua_createtable(L, 0, 2);
    vm.pushBytes(L, reply.text);
    x.lua_setfield(L, -2, vm.k.string);
    vm.pushBytes(L, reply.format);
    x.lua_setfield(L, -2, vm.k.format);
    wrapField(vm, L, vm.k.verbatim_string);
  } else if (reply instanceof BigNumberReply) {
    vm.pushBytes(L, reply.digits);
    if (resp === 3) wrapField(vm, L, vm.k.big_number);
  } else if (reply instanceof PushReply) {
    pushArray(vm, L, reply.items, resp);
  } else if (reply instanceof NilArrayReply) {
    if (resp === 2) x.lua_pushboolean(L, 0);
    else x.lua_pushnil(L);
  } else {
    // NoReply: nothing was sent; Redis would parse an empty buffer as nothing either.
    x.lua_pushnil(L);
  }
}

/** Table kinds the classifier (`classify` in the sandbox) reports, in Redis's order of checks. */
export const TableKind = {
  Array: 0,
  Err: 1,
  Ok: 2,
  Double: 3,
  BigNumber: 4,
  Verbatim: 5,
  Map: 6,
  Set: 7,
} as const;

const STACK_LIMIT = new ReplyError(Err.luaStackLimit);

/** A table being converted: an array, or a map / set being iterated with lua_next. */
interface Frame {
  readonly kind: 0 | 6 | 7;
  /** Stack index of the table (for maps and sets, the inner table is at base + 1). */
  readonly base: number;
  readonly items: Reply[];
  /** Next array index. */
  j: number;
  /** Map: the key was converted, its value is next. */
  valueNext: boolean;
}

/**
 * Converts the value on top of the stack to a reply, as Redis's luaReplyToRedisReply
 * does, and pops it. `classifier` is a registry reference to the classifier function;
 * `resp` is the script's protocol (it decides how booleans go out). Iterative (an
 * explicit stack of frames, not JS recursion), so nesting as deep as Redis allows
 * (about 8000 levels) does not exhaust the JS stack; the Lua stack heights are Redis's.
 */
export function luaToReply(vm: LuaWasm, L: LuaState, classifier: number, resp: 2 | 3): Reply {
  const x = vm.x;
  const frames: Frame[] = [];
  let value: Reply | Frame = convertTop(vm, L, classifier, resp);
  for (;;) {
    if (isFrame(value)) {
      if (frames.length >= MAX_REPLY_NESTING) {
        x.lua_settop(L, value.base - 1);
        value = STACK_LIMIT;
        frames[frames.length - 1].items.push(value);
      } else {
        frames.push(value);
      }
    } else {
      if (frames.length === 0) return value;
      frames[frames.length - 1].items.push(value);
    }
    // Put the top frame's next element on the stack, or finish the frame.
    const f = frames[frames.length - 1];
    let more: boolean;
    if (f.kind === TableKind.Array) {
      more = x.lua_rawgeti(L, f.base, big(f.j++)) !== LuaType.Nil;
      if (!more) x.lua_settop(L, f.base - 1);
    } else if (f.kind === TableKind.Map) {
      if (f.valueNext) {
        // The value is on top (under it the key, which lua_next continues from).
        f.valueNext = false;
        more = true;
      } else {
        more = x.lua_next(L, f.base + 1) !== 0;
        if (more) {
          x.lua_pushvalue(L, -2);
          f.valueNext = true;
        } else {
          x.lua_settop(L, f.base - 1);
        }
      }
    } else {
      more = x.lua_next(L, f.base + 1) !== 0;
      if (more) {
        x.lua_settop(L, -2);
        x.lua_pushvalue(L, -1);
      } else {
        x.lua_settop(L, f.base - 1);
      }
    }
    if (more) {
      value = convertTop(vm, L, classifier, resp);
    } else {
      frames.pop();
      value =
        f.kind === TableKind.Array
          ? f.items
          : f.kind === TableKind.Map
            ? new MapReply(f.items)
            : new SetReply(f.items);
    }
  }
}

function isFrame(v: Reply | Frame): v is Frame {
  return typeof v === 'object' && v !== null && (v as Frame).valueNext !== undefined;
}

/**
 * Converts the value on top: a scalar reply (the value popped), or for an array,
 * map or set table a frame whose table(s) stay on the stack.
 */
function convertTop(vm: LuaWasm, L: LuaState, classifier: number, resp: 2 | 3): Reply | Frame {
  const x = vm.x;
  const t = x.lua_type(L, -1);
  const top = x.lua_gettop(L);
  // Redis's lua_checkstack(lua, 4) fails once Lua 5.1's C stack limit would be passed.
  if (top + 4 > LUA51_MAX_STACK) {
    x.lua_settop(L, -2);
    return STACK_LIMIT;
  }
  let out: Reply;
  switch (t) {
    case LuaType.String:
      out = vm.readValue(L, -1)!;
      break;
    case LuaType.Boolean:
      if (resp === 2) out = x.lua_toboolean(L, -1) ? 1 : null;
      else out = x.lua_toboolean(L, -1) !== 0;
      break;
    case LuaType.Number:
      out = numberToInteger(x.lua_tonumberx(L, -1, 0));
      break;
    case LuaType.Table:
      return classifyTable(vm, L, classifier, top);
    default:
      out = null;
  }
  x.lua_settop(L, -2);
  return out;
}

/** The table at `base` (the top): a scalar reply (table popped) or a frame to iterate. */
function classifyTable(vm: LuaWasm, L: LuaState, classifier: number, base: number): Reply | Frame {
  const x = vm.x;
  x.lua_checkstack(L, 8);
  x.lua_rawgeti(L, LUA_REGISTRYINDEX, big(classifier));
  x.lua_pushvalue(L, base);
  if (x.lua_pcallk(L, 1, 3, 0, 0, 0) !== 0) {
    x.lua_settop(L, base - 1);
    return null;
  }
  const kind = x.lua_tonumberx(L, base + 1, 0);
  let out: Reply;
  switch (kind) {
    case TableKind.Err: {
      const msg = vm.readValue(L, base + 2)!;
      out = new ReplyError(oneLine(typeof msg === 'string' ? msg : msg.toString('latin1')));
      break;
    }
    case TableKind.Ok:
      out = new StatusReply(oneLine(vm.readString(L, base + 2)));
      break;
    case TableKind.Double:
      out = new DoubleReply(x.lua_tonumberx(L, base + 2, 0));
      break;
    case TableKind.BigNumber:
      out = new BigNumberReply(oneLine(vm.readString(L, base + 2)));
      break;
    case TableKind.Verbatim:
      out = new VerbatimReply(vm.readString(L, base + 2), vm.readString(L, base + 3));
      break;
    case TableKind.Map:
    case TableKind.Set:
      // As Redis has it while iterating: the table, the inner table, then the key.
      x.lua_settop(L, base + 2);
      x.lua_rotate(L, base + 1, -1);
      x.lua_settop(L, base + 1);
      x.lua_pushnil(L);
      return { kind, base, items: [], j: 1, valueNext: false };
    default:
      x.lua_settop(L, base);
      return { kind: TableKind.Array, base, items: [], j: 1, valueNext: false };
  }
  x.lua_settop(L, base - 1);
  return out;
}
