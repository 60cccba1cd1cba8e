/**
 * A plain wasmoon Lua 5.4 state with the Lua libraries installed as the engine
 * installs them, and the runner for the cases of libs-cases.ts (the same text a
 * redis-server EVAL gets, so results and error positions compare directly).
 */
import type { LuaEngine } from 'wasmoon';
import { LUA_COMPAT_SOURCE, LUA_LIBS } from '../../src/scripting/libs/index.js';
import { CASE_HELPERS } from './libs-cases.js';

/** A Lua 5.4 state with the libraries as globals and the 5.1 shims installed, as the engine sets them up. */
export async function createLibsState(): Promise<LuaEngine> {
  const { LuaFactory } = await import('wasmoon');
  const lua = await new LuaFactory().createEngine();
  lua.global.set(
    '__LIBS',
    LUA_LIBS.map((l) => l.source),
  );
  lua.global.set(
    '__NAMES',
    LUA_LIBS.map((l) => l.name),
  );
  lua.global.set('__COMPAT', LUA_COMPAT_SOURCE);
  lua.global.set('__HELPERS', CASE_HELPERS);
  lua.global.set('cjsrc', LUA_LIBS[0].source);
  lua.global.set('compatsrc', LUA_COMPAT_SOURCE);
  lua.doStringSync(`
    for i = 1, #__LIBS do _G[__NAMES[i]] = assert(load(__LIBS[i], '=' .. __NAMES[i], 't'))(__NAMES[i]) end
    __load54 = load
    for k, v in pairs(assert(load(__COMPAT, '=compat', 't'))()) do _G[k] = v end
    -- Runs a case as Redis runs an EVAL body (chunk "@user_script"); bytes >= 0x80 escaped for the JS side.
    function __case(expr)
      local f, err = __load54(__HELPERS .. ' return ' .. expr, '@user_script', 't')
      local r
      if not f then
        r = 'ERRREPLY ERR Error compiling script (new function): ' .. err
      else
        local ok, v = pcall(f)
        if ok then r = v else r = 'ERRREPLY ERR ' .. tostring(v) end
      end
      if type(r) ~= 'string' then return r end
      return (r:gsub('[\\128-\\255]', function(c) return ('\\\\x%02x'):format(c:byte()) end))
    end
    function __lua(src) return assert(__load54(src, '=test', 't'))() end
    function HX(h) return (h:gsub('%x%x', function(x) return string.char(tonumber(x, 16)) end)) end
  `);
  return lua;
}

/** Escapes bytes >= 0x80 as the Lua side does, for a reply read as latin1. */
export function escapeHigh(s: string | null): string | null {
  return s === null
    ? null
    : s.replace(/[\x80-\xff]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Runs one case; returns its text result. */
export function runCase(lua: LuaEngine, expr: string): string | null {
  const run = lua.global.get('__case') as (e: string) => string | null;
  return run(expr) ?? null;
}
