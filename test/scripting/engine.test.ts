import { describe, expect, it } from 'vitest';
import '../../src/commands/dispatch.js';
import { scripting } from '../../src/commands/scripting.js';
import { Session } from '../../src/commands/session.js';
import { Engine } from '../../src/engine/engine.js';

const show = (r: unknown) => console.log(r instanceof Error ? 'ERR> ' + r.message : JSON.stringify(r));
describe('smoke', () => {
  it('runs a script', () => {
    const engine = new Engine({ activeExpiry: false });
    const s = new Session(engine, { requirepass: null }, 'local');
    const sc = scripting(s);
    const t0 = performance.now();
    console.log(sc.eval(s, ['eval', 'return 1 + 1', '0'], 0, false), performance.now() - t0);
    show(sc.eval(s, ['eval', "redis.call('set', KEYS[1], ARGV[1]) return redis.call('get', KEYS[1])", '1', 'k', 'v'], 1, false));
    show(sc.eval(s, ['eval', 'return x', '0'], 0, false));
    show(sc.eval(s, ['eval', 'x = 1', '0'], 0, false));
    show(sc.eval(s, ["eval", "return {1,2,{3,'x'},{ok='fine'},{err='bad'}, true, false, 3.7}", '0'], 0, false));
    show(sc.eval(s, ["eval", "return redis.call('nosuch')", '0'], 0, false));
    show(sc.eval(s, ["eval", "return tostring(10/2) .. ' ' .. (10/2)", '0'], 0, false));
    show(sc.eval(s, ["eval", "error('boom')", '0'], 0, false));
    show(sc.eval(s, ["eval", "error({err='tbl'})", '0'], 0, false));
    show(sc.eval(s, ["eval", "return rawset(_G, 'x', 1)", '0'], 0, false));
    show(sc.eval(s, ["eval", "string.x = 1", '0'], 0, false));
    show(sc.eval(s, ["eval", "getmetatable('').__index = {}", '0'], 0, false));
    show(sc.eval(s, ["eval", "return {pcall(function() redis.call('nosuch') end)}", '0'], 0, false));
    show(sc.eval(s, ["eval", "math.randomseed(42) return tostring(math.random())", '0'], 0, false));
    show(sc.eval(s, ["eval", "local t = {} for k,v in pairs(_G) do t[#t+1]=k..':'..type(v) end table.sort(t) return t", '0'], 0, false));
  });
});
