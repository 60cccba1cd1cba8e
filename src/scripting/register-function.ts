/**
 * redis.register_function's arguments (function_lua.c), read from the Lua stack
 * while a library loads: positional `(name, callback)` or the table form
 * `{function_name=, callback=, flags={...}, description=}`, with Redis's checks
 * and texts. The callback is kept by a registry reference.
 */
import { Err } from '../errors.js';
import type { RedisValue } from '../util/bytes.js';
import { formatG } from '../util/numbers.js';
import { big } from './conversion.js';
import { SCRIPT_FLAGS } from './flags.js';
import { LUA_REGISTRYINDEX, type LuaState, LuaType, type LuaWasm } from './lua-wasm.js';

/** A function registered by a library being loaded. */
export interface RegisteredFunction {
  name: string;
  ref: number;
  description: RedisValue | null;
  flags: number;
}

/**
 * Reads one register_function call's arguments (the stack holds them): the function
 * to register, or the error text to raise (any callback reference taken is released).
 * `registered` holds the library's functions so far (names are unique per library).
 */
export function readRegistration(
  vm: LuaWasm,
  L: LuaState,
  registered: readonly RegisteredFunction[],
): RegisteredFunction | string {
  const x = vm.x;
  const argc = x.lua_gettop(L);
  if (argc < 1 || argc > 2) return Err.registerArgCount;
  let name: RedisValue | null = null;
  let description: RedisValue | null = null;
  let ref = -1;
  let flags = 0;
  const fail = (message: string): string => {
    if (ref >= 0) x.luaL_unref(L, LUA_REGISTRYINDEX, ref);
    return message;
  };
  if (argc === 1) {
    if (x.lua_type(L, 1) !== LuaType.Table) return fail(Err.registerSingleArg);
    x.lua_pushnil(L);
    while (x.lua_next(L, 1) !== 0) {
      if (!x.lua_isstring(L, -2)) return fail(Err.registerKeyType);
      const key = keyText(vm, L, -2).toLowerCase();
      if (key === 'function_name') {
        if (!x.lua_isstring(L, -1)) return fail(Err.registerNameType);
        name = valueAt(vm, L, -1);
      } else if (key === 'description') {
        if (!x.lua_isstring(L, -1)) return fail(Err.registerDescriptionType);
        description = valueAt(vm, L, -1);
      } else if (key === 'callback') {
        if (x.lua_type(L, -1) !== LuaType.Function) return fail(Err.registerCallbackType);
        if (ref >= 0) x.luaL_unref(L, LUA_REGISTRYINDEX, ref);
        // luaL_ref pops the value: the key stays for lua_next.
        ref = x.luaL_ref(L, LUA_REGISTRYINDEX);
        continue;
      } else if (key === 'flags') {
        if (x.lua_type(L, -1) !== LuaType.Table) return fail(Err.registerFlagsType);
        const parsed = readFlags(vm, L);
        if (parsed < 0) return fail(Err.registerUnknownFlag);
        flags = parsed;
      } else {
        return fail(Err.registerUnknownArg);
      }
      x.lua_settop(L, -2);
    }
    if (name === null) return fail(Err.registerNoName);
    if (ref < 0) return fail(Err.registerNoCallback);
  } else {
    if (!x.lua_isstring(L, 1)) return fail(Err.registerFirstArg);
    name = valueAt(vm, L, 1);
    if (x.lua_type(L, 2) !== LuaType.Function) return fail(Err.registerSecondArg);
    ref = x.luaL_ref(L, LUA_REGISTRYINDEX);
  }
  if (typeof name !== 'string' || !/^[a-zA-Z0-9_]+$/.test(name)) return fail(Err.functionNameRule);
  const fname = name;
  if (registered.some((f) => f.name === fname)) return fail(Err.registerDuplicate);
  return { name: fname, ref, description, flags };
}

/** A string value's text up to its first NUL (what C's string functions see). */
function cString(s: string): string {
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
}

/** Text of a string-or-number at idx as C code sees it through lua_tostring (to its first NUL). */
function keyText(vm: LuaWasm, L: LuaState, idx: number): string {
  const x = vm.x;
  if (x.lua_type(L, idx) === LuaType.Number) return formatG(x.lua_tonumberx(L, idx, 0), 14);
  return cString(vm.readString(L, idx));
}

/** A string (its bytes) or number (as Lua 5.1 prints it) at idx, without converting it in place. */
function valueAt(vm: LuaWasm, L: LuaState, idx: number): RedisValue {
  const x = vm.x;
  if (x.lua_type(L, idx) === LuaType.Number) return formatG(x.lua_tonumberx(L, idx, 0), 14);
  return vm.readValue(L, idx)!;
}

/** `flags` of the table form (the table on top), case-insensitive; -1 for an unknown or non-string flag. */
function readFlags(vm: LuaWasm, L: LuaState): number {
  const x = vm.x;
  let flags = 0;
  for (let j = 1; ; j++) {
    x.lua_rawgeti(L, -1, big(j));
    if (x.lua_type(L, -1) === LuaType.Nil) {
      x.lua_settop(L, -2);
      return flags;
    }
    if (!x.lua_isstring(L, -1)) {
      x.lua_settop(L, -2);
      return -1;
    }
    const flag = keyText(vm, L, -1).toLowerCase();
    x.lua_settop(L, -2);
    const bit = SCRIPT_FLAGS.indexOf(flag as (typeof SCRIPT_FLAGS)[number]);
    if (bit < 0) return -1;
    flags |= 1 << bit;
  }
}
