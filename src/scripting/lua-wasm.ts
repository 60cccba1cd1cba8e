/**
 * Lua 5.4 in WebAssembly, instantiated synchronously.
 *
 * wasmoon ships Lua compiled by emscripten (`glue.wasm`) with an async JS
 * factory. We use only the binary: Node compiles and instantiates a module
 * synchronously (`new WebAssembly.Module` / `new WebAssembly.Instance`), and the
 * module's imports are a small set (libc syscalls, heap growth, setjmp/longjmp
 * support) that we provide here. So the first script runs without any await and
 * the sync API stays sync. The `.wasm` is read and compiled once per process;
 * each engine gets its own instance (its own memory and Lua state).
 *
 * Lua errors are longjmps: emscripten lowers them to a JS exception (`throw
 * Infinity`) caught by the `invoke_*` import that wraps the setjmp point. JS
 * functions we register as Lua C functions therefore let numeric exceptions
 * pass through untouched (see {@link LuaWasm.cfunction}).
 *
 * Strings cross as bytes: we copy into a scratch area of the wasm heap and call
 * `lua_pushlstring` with an explicit length, and read back with `lua_tolstring`
 * and the length it reports, so embedded NULs and non-UTF-8 bytes survive.
 */
import { constants, isUtf8 } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { RedisValue } from '../util/bytes.js';

// Node has WebAssembly; the TypeScript libs this project uses do not declare it.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmTable {
  readonly length: number;
  grow(n: number): number;
  set(index: number, fn: unknown): void;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (
    module: object,
    imports: Record<string, Record<string, unknown>>,
  ) => { exports: Record<string, unknown> };
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** A `lua_State*`. */
export type LuaState = number;

/** The C API functions of the wasm module we call (pointers and sizes are numbers; lua_Integer is bigint). */
export interface LuaExports {
  memory: WasmMemory;
  __indirect_function_table: WasmTable;
  __wasm_call_ctors(): void;
  emscripten_stack_init(): void;
  stackSave(): number;
  stackRestore(sp: number): void;
  setThrew(threw: number, value: number): void;
  malloc(size: number): number;
  free(ptr: number): void;
  luaL_newstate(): LuaState;
  luaL_openlibs(L: LuaState): void;
  lua_close(L: LuaState): void;
  lua_gettop(L: LuaState): number;
  lua_settop(L: LuaState, idx: number): void;
  lua_absindex(L: LuaState, idx: number): number;
  lua_pushvalue(L: LuaState, idx: number): void;
  lua_rotate(L: LuaState, idx: number, n: number): void;
  lua_copy(L: LuaState, from: number, to: number): void;
  lua_checkstack(L: LuaState, n: number): number;
  lua_type(L: LuaState, idx: number): number;
  lua_isinteger(L: LuaState, idx: number): number;
  lua_isnumber(L: LuaState, idx: number): number;
  lua_isstring(L: LuaState, idx: number): number;
  lua_tonumberx(L: LuaState, idx: number, isnum: number): number;
  lua_toboolean(L: LuaState, idx: number): number;
  lua_tolstring(L: LuaState, idx: number, len: number): number;
  lua_rawlen(L: LuaState, idx: number): number;
  lua_pushnil(L: LuaState): void;
  lua_pushnumber(L: LuaState, n: number): void;
  lua_pushinteger(L: LuaState, n: bigint): void;
  lua_pushlstring(L: LuaState, s: number, len: number): number;
  lua_pushstring(L: LuaState, s: number): number;
  lua_pushcclosure(L: LuaState, fn: number, n: number): void;
  lua_pushboolean(L: LuaState, b: number): void;
  lua_pushlightuserdata(L: LuaState, p: number): void;
  lua_getfield(L: LuaState, idx: number, k: number): number;
  lua_rawget(L: LuaState, idx: number): number;
  lua_rawgeti(L: LuaState, idx: number, n: bigint): number;
  lua_createtable(L: LuaState, narr: number, nrec: number): void;
  lua_setfield(L: LuaState, idx: number, k: number): void;
  lua_rawset(L: LuaState, idx: number): void;
  lua_rawseti(L: LuaState, idx: number, n: bigint): void;
  lua_pcallk(L: LuaState, nargs: number, nresults: number, errfunc: number, ctx: number, k: number): number;
  lua_error(L: LuaState): number;
  lua_next(L: LuaState, idx: number): number;
  lua_concat(L: LuaState, n: number): void;
  lua_setupvalue(L: LuaState, funcindex: number, n: number): number;
  lua_sethook(L: LuaState, fn: number, mask: number, count: number): void;
  lua_getstack(L: LuaState, level: number, ar: number): number;
  lua_getinfo(L: LuaState, what: number, ar: number): number;
  luaL_loadbufferx(L: LuaState, buf: number, size: number, name: number, mode: number): number;
  luaL_ref(L: LuaState, t: number): number;
  luaL_unref(L: LuaState, t: number, ref: number): void;
  luaL_checknumber(L: LuaState, arg: number): number;
  luaL_optnumber(L: LuaState, arg: number, def: number): number;
  luaL_checkinteger(L: LuaState, arg: number): bigint;
  luaL_argerror(L: LuaState, arg: number, msg: number): number;
  luaL_where(L: LuaState, level: number): void;
}

/** Lua type tags (`lua_type`). */
export const LuaType = {
  None: -1,
  Nil: 0,
  Boolean: 1,
  LightUserdata: 2,
  Number: 3,
  String: 4,
  Table: 5,
  Function: 6,
  Userdata: 7,
  Thread: 8,
} as const;

/** `lua_pcall` status codes. */
export const LuaStatus = { Ok: 0, Yield: 1, ErrRun: 2, ErrSyntax: 3, ErrMem: 4, ErrErr: 5 } as const;

/** LUAI_MAXSTACK in this build, and the pseudo-index of the registry. */
export const LUA_REGISTRYINDEX = -1000000 - 1000;
/** Registry slot of the globals table (LUA_RIDX_GLOBALS). */
export const LUA_RIDX_GLOBALS = 2n;
export const LUA_MASKCALL = 1;
export const LUA_MASKRET = 2;
export const LUA_MASKLINE = 4;
export const LUA_MASKCOUNT = 8;
const ESPIPE = 70;
const ENOENT = 44;
const EPERM = 63;
const PAGE = 65536;

/** C strings kept ready for the hot paths (see {@link LuaWasm.k}). */
const FIELD_NAMES = [
  'ok',
  'err',
  'double',
  'map',
  'set',
  'big_number',
  'verbatim_string',
  'string',
  'format',
  'ignore_error_stats_update',
  'KEYS',
  'ARGV',
  't',
  'Sl',
] as const;

let compiled: object | undefined;

/** The compiled module, shared by every engine of the process. */
function wasmModule(): object {
  if (compiled === undefined) {
    const path = createRequire(import.meta.url).resolve('wasmoon/dist/glue.wasm');
    compiled = new WA.Module(readFileSync(path));
  }
  return compiled;
}

/** Options for {@link LuaWasm}. */
export interface LuaWasmOptions {
  /** Upper bound of the wasm heap in bytes; allocations beyond it fail with Lua's "not enough memory". */
  maxHeapBytes: number;
}

/**
 * One instance of the Lua wasm module: its exports, views of its memory, and
 * helpers to move bytes in and out and to register JS functions as C functions.
 */
export class LuaWasm {
  readonly x: LuaExports;
  private readonly table: WasmTable;
  /** A Buffer over the whole wasm memory; replaced when the memory grows. */
  mem: Buffer;
  /** 32-bit view of the memory, for reading `size_t` out-parameters. */
  u32: Uint32Array;
  /** A heap area for moving strings in, and a `size_t` for lengths coming out. */
  private scratch: number;
  private scratchSize = 64 * 1024;
  readonly lenPtr: number;
  private readonly cstrings = new Map<string, number>();
  /** Field names and modes used on hot paths, as C strings. */
  readonly k: Record<(typeof FIELD_NAMES)[number], number>;
  /** Function-table entries by index, cached (entries we read are never replaced). */
  private readonly functions: unknown[] = [];
  maxHeapBytes: number;

  constructor(options: LuaWasmOptions) {
    this.maxHeapBytes = options.maxHeapBytes;
    const view = (): DataView => new DataView(this.x.memory.buffer);
    const env = {
      abort: () => {
        throw new Error('Lua wasm called abort()');
      },
      // setjmp/longjmp: call a table function, turning a longjmp (a thrown number) into setThrew.
      invoke_vii: (index: number, a: number, b: number) => {
        const sp = this.x.stackSave();
        try {
          (this.tableGet(index) as (a: number, b: number) => void)(a, b);
        } catch (e) {
          this.x.stackRestore(sp);
          if (typeof e !== 'number') throw e;
          this.x.setThrew(1, 0);
        }
      },
      _emscripten_throw_longjmp: () => {
        throw Number.POSITIVE_INFINITY;
      },
      emscripten_resize_heap: (requested: number) => this.growHeap(requested >>> 0),
      emscripten_date_now: () => Date.now(),
      _emscripten_get_now_is_monotonic: () => 1,
      // The sandbox removes io, os (but clock), package: files, processes and time zones are never reached.
      strftime: () => 0,
      system: () => 0,
      exit: (code: number) => {
        throw new Error(`Lua wasm called exit(${code})`);
      },
      _mktime_js: () => -1n,
      _localtime_js: () => {},
      _gmtime_js: () => {},
      _tzset_js: () => {},
      __syscall_openat: () => -ENOENT,
      __syscall_fcntl64: () => 0,
      __syscall_ioctl: () => 0,
      __syscall_dup3: () => -EPERM,
      __syscall_unlinkat: () => -EPERM,
      __syscall_rmdir: () => -EPERM,
      __syscall_renameat: () => -EPERM,
      __syscall_readlinkat: () => -EPERM,
    };
    const wasi = {
      // Output (lua_writestring for warnings) is discarded; input is always at EOF.
      fd_write: (_fd: number, iov: number, iovcnt: number, pnum: number) => {
        const dv = view();
        let n = 0;
        for (let i = 0; i < iovcnt; i++) n += dv.getUint32(iov + i * 8 + 4, true);
        dv.setUint32(pnum, n, true);
        return 0;
      },
      fd_read: (_fd: number, _iov: number, _iovcnt: number, pnum: number) => {
        view().setUint32(pnum, 0, true);
        return 0;
      },
      fd_close: () => 0,
      fd_seek: () => ESPIPE,
      environ_sizes_get: (count: number, size: number) => {
        const dv = view();
        dv.setUint32(count, 0, true);
        dv.setUint32(size, 0, true);
        return 0;
      },
      environ_get: () => 0,
    };
    const instance = new WA.Instance(wasmModule(), { env, wasi_snapshot_preview1: wasi });
    this.x = instance.exports as unknown as LuaExports;
    this.table = this.x.__indirect_function_table;
    this.mem = Buffer.from(this.x.memory.buffer);
    this.u32 = new Uint32Array(this.x.memory.buffer);
    this.x.emscripten_stack_init();
    this.x.__wasm_call_ctors();
    this.scratch = this.x.malloc(this.scratchSize);
    this.lenPtr = this.x.malloc(8);
    const k = {} as Record<(typeof FIELD_NAMES)[number], number>;
    for (const name of FIELD_NAMES) k[name] = this.cstr(name);
    this.k = k;
  }

  private tableGet(index: number): unknown {
    let fn = this.functions[index];
    if (fn === undefined) {
      fn = (this.table as unknown as { get(i: number): unknown }).get(index);
      this.functions[index] = fn;
    }
    return fn;
  }

  /** emscripten_resize_heap: grows the memory up to the cap; 0 makes malloc fail (Lua then raises "not enough memory"). */
  private growHeap(requested: number): number {
    const current = this.x.memory.buffer.byteLength;
    if (requested > this.maxHeapBytes) return 0;
    // Grow geometrically (as emscripten does) so that a growing table does not grow the heap page by page.
    const target = Math.min(this.maxHeapBytes, Math.max(requested, current + Math.floor(current / 4)));
    try {
      this.x.memory.grow(Math.ceil((target - current) / PAGE));
    } catch {
      return 0;
    }
    this.refreshViews();
    return 1;
  }

  private refreshViews(): void {
    this.mem = Buffer.from(this.x.memory.buffer);
    this.u32 = new Uint32Array(this.x.memory.buffer);
  }

  /** Current size of the wasm heap in bytes. */
  get heapBytes(): number {
    return this.x.memory.buffer.byteLength;
  }

  /**
   * Registers a JS function as a `lua_CFunction` (`int f(lua_State*)`, signature 'ii') or a
   * `lua_Hook` (`void f(lua_State*, lua_Debug*)`, 'vii'); returns its function-table index.
   * The wrapper is a tiny wasm module importing the JS function, as emscripten's addFunction does.
   */
  register(fn: (...args: number[]) => number | undefined, signature: 'ii' | 'vii'): number {
    const I32 = 0x7f;
    const type = signature === 'ii' ? [1, 0x60, 1, I32, 1, I32] : [1, 0x60, 2, I32, I32, 0];
    const bytes = new Uint8Array([
      0,
      97,
      115,
      109,
      1,
      0,
      0,
      0, // magic, version
      1,
      type.length,
      ...type, // type section
      2,
      7,
      1,
      1,
      101,
      1,
      102,
      0,
      0, // import "e" "f" as func of type 0
      7,
      5,
      1,
      1,
      102,
      0,
      0, // export "f" = func 0
    ]);
    const wrapped = new WA.Instance(new WA.Module(bytes), { e: { f: fn } }).exports.f;
    const index = this.table.grow(1);
    this.table.set(index, wrapped);
    return index;
  }

  /**
   * A NUL-terminated copy of an ASCII string in the heap, kept for the life of the
   * instance (field names, chunk names, modes: a fixed small set).
   */
  cstr(s: string): number {
    let p = this.cstrings.get(s);
    if (p === undefined) {
      const n = Buffer.byteLength(s);
      p = this.x.malloc(n + 1);
      this.mem.write(s, p, n, 'utf8');
      this.mem[p + n] = 0;
      this.cstrings.set(s, p);
    }
    return p;
  }

  /** Makes the scratch area at least `n` bytes. */
  private ensureScratch(n: number): number {
    if (n > this.scratchSize) {
      const p = this.x.malloc(n);
      if (p === 0) return 0;
      this.x.free(this.scratch);
      this.scratch = p;
      this.scratchSize = n;
    }
    return this.scratch;
  }

  /** Copies a value's bytes into the scratch area; returns the byte length (-1 when the heap is exhausted). */
  stage(v: string | Buffer): number {
    if (typeof v === 'string') {
      const n = v.length;
      // Short ASCII strings are the common case (command names, keys, numbers): copy by hand.
      if (n <= 32) {
        const mem = this.mem;
        const p = this.scratch;
        let i = 0;
        for (; i < n; i++) {
          const c = v.charCodeAt(i);
          if (c >= 0x80) break;
          mem[p + i] = c;
        }
        if (i === n) return n;
      }
      const max = n * 3;
      if (max > this.scratchSize) {
        const exact = Buffer.byteLength(v, 'utf8');
        if (this.ensureScratch(exact) === 0) return -1;
        return this.mem.write(v, this.scratch, exact, 'utf8');
      }
      return this.mem.write(v, this.scratch, max, 'utf8');
    }
    if (this.ensureScratch(v.length) === 0) return -1;
    this.mem.set(v, this.scratch);
    return v.length;
  }

  /** Pushes a string or Buffer as a Lua string (bytes as they are). */
  pushBytes(L: LuaState, v: string | Buffer): void {
    const n = this.stage(v);
    if (n < 0) {
      this.pushAscii(L, 'not enough memory');
      this.x.lua_error(L);
      return;
    }
    this.x.lua_pushlstring(L, this.scratch, n);
  }

  /** Pushes an ASCII/UTF-8 JS string. */
  pushAscii(L: LuaState, s: string): void {
    this.pushBytes(L, s);
  }

  /** Address of the scratch area (valid until the next stage call). */
  get scratchPtr(): number {
    return this.scratch;
  }

  /**
   * The string at `idx` (a string or a number, which Lua converts in place) as a value:
   * a JS string when its bytes are valid UTF-8, else a Buffer. Undefined for other types.
   */
  readValue(L: LuaState, idx: number): RedisValue | undefined {
    const p = this.x.lua_tolstring(L, idx, this.lenPtr);
    if (p === 0) return undefined;
    return this.decode(p, this.u32[this.lenPtr >> 2]);
  }

  /** Like {@link readValue} but always a JS string (lossy for non-UTF-8 bytes); '' for non-strings. */
  readString(L: LuaState, idx: number): string {
    const p = this.x.lua_tolstring(L, idx, this.lenPtr);
    if (p === 0) return '';
    const n = this.u32[this.lenPtr >> 2];
    return this.mem.toString('utf8', p, p + n);
  }

  /** Bytes at [p, p+n) as a value (string when valid UTF-8, else a copied Buffer), as valueFromBytes decides. */
  decode(p: number, n: number): RedisValue {
    const mem = this.mem;
    if (n <= 16) {
      let s = '';
      let i = 0;
      for (; i < n; i++) {
        const c = mem[p + i];
        if (c >= 0x80) break;
        s += String.fromCharCode(c);
      }
      if (i === n) return s;
    }
    const view = mem.subarray(p, p + n);
    return n <= constants.MAX_STRING_LENGTH && isUtf8(view)
      ? mem.toString('utf8', p, p + n)
      : Buffer.from(view);
  }
}
