/**
 * The Lua libraries Redis scripts get (cjson, cmsgpack, bit, struct) and the Lua
 * 5.1 shims, as Lua 5.4 source run inside the WebAssembly Lua state. Each file
 * documents its library; all were checked call by call against redis-server
 * 7.0.15 (test/scripting/libs-cases.ts holds the captured answers).
 *
 * Contract with the engine:
 *
 * - `LUA_LIBS`: each `source` is a chunk that, called as `chunk(name[, null])`,
 *   returns the library table. Run it with the standard libraries, including
 *   `debug`, in its environment: it keeps private references to `debug.getinfo`
 *   (the function name in "bad argument #1 to 'encode'") and, for cjson, to
 *   `debug.upvalueid` (a light userdata for `cjson.null`); scripts never see them,
 *   so `debug` can be removed afterwards. Without `debug` the names read '?' and
 *   `cjson.null` degrades to a coroutine (still unique, and packed and replied as
 *   nil). A light userdata passed as `null` (e.g. a NULL pointer) is used as
 *   `cjson.null` instead.
 * - `LUA_COMPAT_SOURCE`: a chunk run once, after the libraries (they capture 5.4's
 *   `string.format`), with the same environment. It patches `string`, `table` and
 *   `math` in place and returns `{unpack, loadstring, load, gcinfo}`, the 5.1
 *   globals to install (`load` is 5.1's: a reader function, not a string).
 *   `tostring`, `math.random`/`randomseed`, `error` and `pcall` are the engine's.
 * - Errors are raised at the level of the script code that called the library
 *   function (`user_script:3: ...`), like `luaL_error`; the library frames below it
 *   belong to these chunks, so an error handler looking for the script position
 *   should skip them as it skips the sandbox's own (e.g. load them under the
 *   sandbox's internal chunk name).
 *
 * Lua 5.4 vs Lua 5.1: what a Redis script can still notice
 * (README material; "fixed" items are handled here or by the engine)
 *
 * Numbers
 * - 5.4 has integer and float subtypes. `10/2` is the float 5.0: `tostring` prints
 *   "5" (the engine formats numbers with `%.14g` like 5.1), but concatenation
 *   prints "5.0" (`'n=' .. 10/2` is "n=5.0", 5.1 gives "n=5"), and integers of
 *   15+ digits concatenate in full where 5.1 printed `%.14g` ("1e+14").
 *   `string.format('%s')` and `table.concat` are fixed (5.1 formatting).
 * - Integer arithmetic wraps around at 2^63 (5.1 loses precision instead);
 *   integer literals above 2^53 are exact; `x // 0` and `x % 0` with integers raise
 *   "attempt to perform 'n//0'" / "'n%%0'" (5.1: inf or nan); int/float
 *   comparisons are exact (2^53 + 1 ~= 2^53 as integers).
 * - Functions taking integer arguments (`string.sub`, `rep`, `byte`, `char`,
 *   `find`'s init, `select`, `tonumber`'s base) raise "number has no integer
 *   representation" for a non-integral float where 5.1 truncates. Fixed for
 *   `string.format`, `unpack`, `table.insert`/`remove`/`concat`, `math.ldexp` and
 *   the four libraries.
 * - `tonumber('inf')` / `tonumber('nan')` are nil (5.1's strtod accepted them).
 * - Values from cjson.decode, cmsgpack.unpack, struct.unpack and bit are integers
 *   when integral within ±2^53, so they print as in 5.1; math.floor/ceil return
 *   integers; math.sqrt, `^` and the other float functions return floats.
 *
 * Tables
 * - `pairs`/`next` order differs: cjson.encode object key order, cmsgpack map
 *   order and anything a script builds from `pairs` can come out in another order.
 * - `#t` on a table with holes may return another border; `table.sort` uses
 *   another algorithm (equal elements, inconsistent comparators).
 * - 5.4 honours `__pairs`, `__len` on tables, `__close`, `__index` in `ipairs`,
 *   and has no `__le` fallback through `__lt`.
 * - The library tables and `_G` are read-only proxies: the four libraries and
 *   `unpack` read tables raw, so passing them a library table (`cjson.encode(redis)`)
 *   sees an empty table where Redis would see the functions.
 *
 * Syntax and loading
 * - 5.4 accepts `goto` and labels (so `goto` is no longer a valid name), `//`,
 *   `& | ~ << >>`, `<const>`/`<close>`, hex floats, and the string escapes `\x41`,
 *   `\z`, `\u{...}` (5.1 reads `\x41` as "x41"). 5.1 allows 60 upvalues per
 *   function, 5.4 255.
 * - Syntax error texts are mostly identical; `loadstring` maps 5.4's "near '<\1>'"
 *   to 5.1's "near 'char(1)'" and refuses bytecode as Redis does, but chunk names
 *   of sources longer than 43 characters are shortened differently.
 * - `string.dump` produces 5.4 bytecode; loading any bytecode fails in both.
 *
 * Libraries
 * - 5.4-only functions remain visible unless the sandbox removes them
 *   (`string.pack`, `table.move`, `math.type`, `coroutine.close`, ...), and some
 *   take extra arguments 5.1 ignored (`string.rep`'s separator, `xpcall`'s
 *   arguments). `coroutine.running()` returns the main coroutine and `true`.
 * - `string.gsub` raises "invalid use of '%' in replacement string" where 5.1
 *   copied the character.
 * - math.cosh/sinh/tanh follow fdlibm and may differ from glibc in the last bit.
 * - The four libraries and the shims are Lua functions, not C functions:
 *   `coroutine.create(cjson.encode)` and `string.dump(cjson.encode)` work where
 *   Redis refuses them, and they count against the script's time limit.
 * - `getfenv`, `setfenv`, `module`, `newproxy`, `print` are absent, as in Redis 7.
 *
 * Errors
 * - 5.4 error messages name more variables ("attempt to index a nil value (field
 *   'x')") and some texts differ.
 * - A library function called in tail position (`return cjson.decode(x)`) loses
 *   the "user_script:1: " prefix of its errors and argument errors name it '?':
 *   5.4 drops the caller's frame on a tail call.
 * - Limits differ: 5.1 failed at 8000 stack slots (`unpack`, `select`, deep
 *   recursion in C) and 200 C levels; the libraries reproduce their own limits,
 *   plain Lua recursion goes deeper in 5.4. `collectgarbage('count')`/`gcinfo`
 *   report this state's heap.
 * - `tostring(cjson.null)` shows an address, not "userdata: (nil)" (unless the
 *   engine passes a NULL light userdata).
 */

import { BIT_SOURCE } from './bit.js';
import { CJSON_SOURCE } from './cjson.js';
import { CMSGPACK_SOURCE } from './cmsgpack.js';
import { COMPAT_SOURCE } from './compat.js';
import { STRUCT_SOURCE } from './struct.js';

/** A library chunk: returns the library table when called with its name. */
export interface LuaLib {
  name: string;
  source: string;
}

/** The libraries Redis 7.0 preloads, in the order Redis opens them. */
export const LUA_LIBS: LuaLib[] = [
  { name: 'cjson', source: CJSON_SOURCE },
  { name: 'struct', source: STRUCT_SOURCE },
  { name: 'cmsgpack', source: CMSGPACK_SOURCE },
  { name: 'bit', source: BIT_SOURCE },
];

/** The Lua 5.1 shims; see the contract above. */
export const LUA_COMPAT_SOURCE: string = COMPAT_SOURCE;
