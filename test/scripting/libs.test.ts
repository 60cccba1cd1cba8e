/**
 * The Lua libraries (cjson, cmsgpack, bit, struct) and the 5.1 shims, run in a
 * plain wasmoon Lua 5.4 state and checked against the replies redis-server 7.0.15
 * gave for the same snippets (test/scripting/libs-cases.ts), then the Lua 5.4
 * specifics: integer results, cjson.null, the engine contract, documented
 * differences, and that malformed input only ever raises a Lua error.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LuaEngine } from 'wasmoon';
import { LUA_LIBS } from '../../src/scripting/libs/index.js';
import { LIB_CASES } from './libs-cases.js';
import { createLibsState, escapeHigh, runCase } from './libs-harness.js';

let lua: LuaEngine;
beforeAll(async () => {
  lua = await createLibsState();
});

/** Evaluates a Lua chunk in the test state and returns its first result. */
function ev(src: string): unknown {
  return (lua.global.get('__lua') as (s: string) => unknown)(src);
}

describe('libraries against redis-server 7.0.15 replies', () => {
  for (const [section, cases] of Object.entries(LIB_CASES)) {
    describe(section, () => {
      it.each(
        cases.map(([expr, reply]) => [expr.length > 100 ? `${expr.slice(0, 97)}...` : expr, expr, reply]),
      )('%s', (_name, expr, reply) => {
        expect(runCase(lua, expr as string)).toBe(escapeHigh(reply as string | null));
      });
    });
  }
});

describe('Lua 5.4 specifics', () => {
  it('returns integers for integral values so they print as Lua 5.1 printed them', () => {
    expect(
      ev(`return table.concat({
        math.type(cjson.decode('[5]')[1]), math.type(cjson.decode('1.5')), math.type(cjson.decode('-0')),
        math.type(cjson.decode('1e3')), math.type(cjson.decode('1e300')), math.type(cjson.decode('9007199254740993')),
        math.type(cmsgpack.unpack('\\202\\63\\128\\0\\0')), math.type(cmsgpack.unpack('\\207\\0\\0\\0\\1\\0\\0\\0\\0')),
        math.type(bit.band(7, 3)), math.type(bit.tobit(1.5)),
        math.type((struct.unpack('>d', struct.pack('>d', 2)))), math.type((struct.unpack('>I', '\\0\\0\\0\\7'))),
        math.type(math.pow(2, 10)), math.type(unpack({3.0})), math.type(table.maxn({[2.0] = 1})),
      }, ' ')`),
    ).toBe(
      'integer float float integer float integer integer integer integer integer integer integer integer float integer',
    );
    expect(ev(`return 'n=' .. cjson.decode('{"n":10}').n .. ',' .. cjson.decode('2.5')`)).toBe('n=10,2.5');
    expect(ev(`return cjson.encode({10 / 2, 2^53, 0.5, -0.0, 1e14, 99999999999999})`)).toBe(
      '[5,9.007199254741e+15,0.5,-0,1e+14,99999999999999]',
    );
  });

  it('keeps cjson.null a unique light userdata shared by cjson.new() instances', () => {
    expect(
      ev(`local c = cjson.new()
        return table.concat({type(cjson.null), tostring(c.null == cjson.null), tostring(cjson.null ~= nil),
          tostring(getmetatable(cjson.null)), cjson.encode({cjson.null}), tostring(cjson.decode('null') == cjson.null)}, ' ')`),
    ).toBe('userdata true true nil [null] true');
  });

  it('uses a light userdata passed as the second chunk argument as cjson.null', () => {
    expect(
      ev(`local ud = debug.upvalueid(function() return cjsrc end, 1)
        local lib = assert(__load54(cjsrc, '=cjson', 't'))('cjson', ud)
        return tostring(lib.null == ud) .. ' ' .. lib.encode({ud, 1})`),
    ).toBe('true [null,1]');
  });

  it('works without debug in its environment: names read ? and cjson.null is still unique', () => {
    expect(
      ev(`local env = setmetatable({debug = false}, {__index = _G})
        local lib = assert(__load54(cjsrc, '=cjson', 't', env))('cjson')
        local ok, err = pcall(function() local x = lib.encode() return x end)
        return type(lib.null) .. ' ' .. lib.encode({lib.null}) .. ' ' .. err`),
    ).toBe("thread [null] test:3: bad argument #1 to '?' (expected 1 argument)");
  });

  it('wraps in tail position without the caller position (documented difference)', () => {
    // Redis: "user_script:1: Expected value but found T_END at character 2" (Lua 5.1 keeps the caller frame).
    expect(ev(`local ok, e = pcall(__load54("return cjson.decode('[')", '@user_script')) return e`)).toBe(
      'Expected value but found T_END at character 2',
    );
    expect(
      ev(`local ok, e = pcall(__load54("local r = cjson.decode('[') return r", '@user_script')) return e`),
    ).toBe('user_script:1: Expected value but found T_END at character 2');
  });

  it('round-trips values through cjson and cmsgpack whatever the key order', () => {
    expect(
      ev(`local t = {a = 1, b = {1, 2, {c = 'x', d = false}}, e = 'é', f = 1.5, g = {}}
        local j = cjson.decode(cjson.encode(t))
        local m = cmsgpack.unpack(cmsgpack.pack(t))
        return table.concat({j.a, j.b[3].c, tostring(j.b[3].d), j.e, j.f, m.a, m.b[2], m.b[3].c, m.e, m.f}, ',')`),
    ).toBe('1,x,false,é,1.5,1,2,x,é,1.5');
  });
});

describe('engine contract', () => {
  it('lists the four libraries by their Redis names', () => {
    expect(LUA_LIBS.map((l) => l.name)).toEqual(['cjson', 'struct', 'cmsgpack', 'bit']);
  });

  it('compat returns the 5.1 globals and patches the standard tables', () => {
    expect(
      ev(`local env = setmetatable({}, {__index = _G})
        for _, lib in ipairs({'string', 'table', 'math'}) do
          env[lib] = {}
          for k, v in pairs(_G[lib]) do env[lib][k] = v end
        end
        local g = assert(__load54(compatsrc, '=compat', 't', env))()
        local names = {}
        for k, v in pairs(g) do names[#names + 1] = k .. ':' .. type(v) end
        for _, lib in ipairs({'string', 'table', 'math'}) do
          for k, v in pairs(env[lib]) do
            if v ~= _G[lib][k] then names[#names + 1] = lib .. '.' .. k end
          end
        end
        table.sort(names)
        assert(env.string.gfind == env.string.gmatch)
        return table.concat(names, ' ')`),
    ).toBe(
      'gcinfo:function load:function loadstring:function math.atan math.atan2 math.cosh math.fmod math.frexp ' +
        'math.ldexp math.log math.log10 math.mod math.modf math.pow math.sinh math.tanh string.format ' +
        'table.concat table.foreach table.foreachi table.getn table.insert table.maxn table.remove ' +
        'table.setn unpack:function',
    );
  });
});

describe('malformed input raises a Lua error and never breaks the state', () => {
  const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
  const outcome = (src: string): string => {
    const r = ev(`local ok, e = pcall(function() ${src} end)
      if ok then return 'ok' end
      if type(e) ~= 'string' then return 'non-string error: ' .. type(e) end
      return 'err'`);
    return r as string;
  };

  it('cmsgpack.unpack and unpack_limit on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.integer({ min: -2, max: 5 }), (bytes, n) => {
        const h = hex(bytes);
        expect(outcome(`cmsgpack.unpack(HX('${h}'))`)).toMatch(/^(ok|err)$/);
        expect(outcome(`cmsgpack.unpack_limit(HX('${h}'), ${n}, ${Math.max(n, 0)})`)).toMatch(/^(ok|err)$/);
      }),
      { numRuns: 300 },
    );
  });

  it('cjson.decode on random text', () => {
    const piece = fc.constantFrom(
      '[',
      ']',
      '{',
      '}',
      ',',
      ':',
      '"',
      '\\\\',
      'u',
      '1',
      '-',
      'e',
      '.',
      'n',
      't',
      ' ',
      'x',
      '0x',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (parts) => {
        expect(outcome(`cjson.decode('${parts.join('')}')`)).toMatch(/^(ok|err)$/);
      }),
      { numRuns: 300 },
    );
  });

  it('struct.unpack and struct.size on random formats and data', () => {
    const opt = fc.constantFrom(
      'b',
      'B',
      'h',
      'i',
      'I9',
      'i33',
      'l',
      'f',
      'd',
      'x',
      'c0',
      'c3',
      's',
      '!',
      '!3',
      '<',
      '>',
      'z',
      '9',
    );
    fc.assert(
      fc.property(fc.array(opt, { maxLength: 6 }), fc.uint8Array({ maxLength: 24 }), (opts, bytes) => {
        const f = opts.join('');
        expect(outcome(`struct.unpack('${f}', HX('${hex(bytes)}'))`)).toMatch(/^(ok|err)$/);
        expect(outcome(`struct.size('${f}')`)).toMatch(/^(ok|err)$/);
        expect(outcome(`struct.pack('${f}', 1, 'ab', 2.5)`)).toMatch(/^(ok|err)$/);
      }),
      { numRuns: 200 },
    );
  });

  it('still works after all of that', () => {
    expect(ev(`return cjson.encode(cjson.decode('{"a":[1,2]}'))`)).toBe('{"a":[1,2]}');
  });
});
