/**
 * One Lua state and everything that runs in it: the sandbox, the `redis` API
 * (its functions are JS functions registered as Lua C functions), compiling
 * scripts and function libraries into registry references, running them under
 * the time limit, and turning their results and errors into replies exactly as
 * Redis 7.0 does (script_lua.c, script.c, eval.c, function_lua.c).
 *
 * Time limit: with a limit set, a count hook runs every 100,000 VM
 * instructions and compares the clock with the deadline; without one there is
 * no hook at all. A script past its deadline is stopped by a JS exception that
 * unwinds the VM at once (no `pcall`, `xpcall` handler or coroutine can catch or
 * outlast it); the Lua state is then replaced by a fresh one. Writes the script
 * made before the abort stay, as in Redis, which never rolls back.
 *
 * Memory: the wasm heap is capped (LuaWasm); an allocation past the cap fails
 * inside Lua, which raises "not enough memory" cleanly and collects garbage.
 */
import { channel } from 'node:diagnostics_channel';
import { Err, ReplyError } from '../errors.js';
import type { Reply } from '../protocol/reply.js';
import type { Arg } from '../util/bytes.js';
import { formatG } from '../util/numbers.js';
import { big, formatArgNumber, luaToReply, oneLine, pushErrorTable, pushReply } from './conversion.js';
import type { ScriptClient, ScriptCommand, ScriptHost } from './host.js';
import { LUA_COMPAT_SOURCE, LUA_LIBS } from './libs/index.js';
import {
  LUA_MASKCOUNT,
  LUA_REGISTRYINDEX,
  LUA_RIDX_GLOBALS,
  type LuaState,
  LuaStatus,
  LuaType,
  LuaWasm,
} from './lua-wasm.js';
import { lua51Message } from './messages.js';
import type { Rand48 } from './rand48.js';
import { type RegisteredFunction, readRegistration } from './register-function.js';
import { SANDBOX_CHUNKNAME, SANDBOX_SOURCE } from './sandbox.js';
import { sha1hex } from './sha1.js';

/** The Redis release whose behaviour we match, as scripts see it. */
export const REDIS_VERSION = '7.0.15';
/** `redis.REDIS_VERSION_NUM`: 0x00MMmmpp. */
export const REDIS_VERSION_NUM = 0x07000f;

/** Instructions between two time checks (Redis uses the same count). */
const HOOK_COUNT = 100000;
/** FUNCTION LOAD's own time limit (functions.c LOAD_TIMEOUT_MS). */
const LOAD_TIMEOUT_MS = 500;
/** Redis's default log verbosity (notice): redis.log below it is dropped. */
const LOG_VERBOSITY = 2;

/** Diagnostics channel receiving `redis.log` records ({ level, message }). */
export const scriptLogChannel = channel('cachee:script-log');

/** Script flags (shebang `flags=` or register_function `flags`), in Redis's order. */
export const SCRIPT_FLAGS = [
  'no-writes',
  'allow-oom',
  'allow-stale',
  'no-cluster',
  'allow-cross-slot-keys',
] as const;
export const FLAG_NO_WRITES = 1;
export const FLAG_ALLOW_OOM = 2;

/** State of one script execution (Redis's scriptRunCtx). */
export interface RunContext {
  /** The client commands run on: starts at the caller's database, RESP2. */
  readonly client: ScriptClient;
  /** EVAL_RO / FCALL_RO, or a no-writes script: write commands are rejected. */
  readonly readOnly: boolean;
  /** Script name in error texts: the SHA1 (EVAL) or the function name (FCALL). */
  readonly name: string;
  /** Protocol the script reads replies in (redis.setresp). */
  resp: 2 | 3;
  /** A write command ran. */
  writeDirty: boolean;
  /**
   * Used memory was over maxmemory when the script started (Redis's script_oom), and the
   * script lacks allow-oom: the first write may not be a denyoom command.
   */
  readonly oom: boolean;
}

/** Options for {@link LuaEngine}. */
export interface LuaEngineOptions {
  /** Abort scripts running longer than this (ms); 0 disables the limit and its hook. */
  timeLimitMs: number;
  /** Cap of the Lua heap in bytes. */
  maxMemoryBytes: number;
}

/** A script-level rejection (Redis's `err` out-parameter of scriptCall): text without a code gets ERR. */
class Rejection {
  constructor(readonly text: string) {}
}

/** Thrown when the Lua state is no longer usable (a JS failure escaped the VM); the owner rebuilds it. */
export class LuaStateLost extends Error {}

/** Thrown when a script runs past the time limit; the message is the error reply's text. */
export class ScriptKilled extends Error {}

/** A Lua state with Redis's sandbox and API. */
export class LuaEngine {
  readonly vm: LuaWasm;
  readonly L: LuaState;
  /** The running script, or null. */
  private current: RunContext | null = null;
  /** Registered functions of the library being loaded (FUNCTION LOAD), or null. */
  private loading: RegisteredFunction[] | null = null;
  /** Limit of the current run (ms; 0 none), its deadline (0 until the first time check), its kind. */
  private runLimit = 0;
  private deadline = 0;
  private hookInstalled = false;
  /** A lua_Debug for the hook's position lookups. */
  private readonly debugInfo: number;
  private readonly hook: number;
  private readonly client: ScriptClient;
  /** Registry references made by the sandbox. */
  private readonly errHandlerRef: number;
  private readonly evalGlobalsRef: number;
  private readonly funcEnvRef: number;
  private readonly functionModeRef: number;
  private readonly classifierRef: number;
  private readonly collectRef: number;
  /** Set when a JS exception escaped the VM: the state may be inconsistent. */
  lost = false;

  constructor(
    private readonly host: ScriptHost,
    client: ScriptClient,
    readonly options: LuaEngineOptions,
    /** Redis's script PRNG: one per engine, surviving Lua state resets as Redis's does. */
    private readonly random: Rand48,
  ) {
    this.client = client;
    this.vm = new LuaWasm({ maxHeapBytes: options.maxMemoryBytes });
    const vm = this.vm;
    const x = vm.x;
    const L = x.luaL_newstate();
    this.L = L;
    x.luaL_openlibs(L);
    this.hook = vm.register((HL: number) => this.onHook(HL), 'vii');
    this.debugInfo = x.malloc(256);

    // The sandbox chunk gets (api, libs, compat, null, version, versionNum). The
    // libraries are compiled under the sandbox's chunk name: the error handler skips
    // their frames when it looks for the script position, as it skips the sandbox's.
    this.load(SANDBOX_SOURCE, SANDBOX_CHUNKNAME);
    this.pushApi(L);
    x.lua_createtable(L, LUA_LIBS.length, 0);
    for (let i = 0; i < LUA_LIBS.length; i++) {
      const lib = LUA_LIBS[i];
      x.lua_createtable(L, 0, 2);
      vm.pushBytes(L, lib.name);
      x.lua_setfield(L, -2, vm.cstr('name'));
      this.load(lib.source, SANDBOX_CHUNKNAME);
      x.lua_setfield(L, -2, vm.cstr('fn'));
      x.lua_rawseti(L, -2, big(i + 1));
    }
    this.load(LUA_COMPAT_SOURCE, SANDBOX_CHUNKNAME);
    // cjson.null: a NULL light userdata, as Redis's (tostring gives "userdata: (nil)").
    x.lua_pushlightuserdata(L, 0);
    vm.pushBytes(L, REDIS_VERSION);
    x.lua_pushinteger(L, BigInt(REDIS_VERSION_NUM));
    this.callInit(6, 'the scripting sandbox');
    const field = (name: string): number => {
      x.lua_getfield(L, -1, vm.cstr(name));
      return x.luaL_ref(L, LUA_REGISTRYINDEX);
    };
    this.errHandlerRef = field('err_handler');
    this.evalGlobalsRef = field('eval_globals');
    this.funcEnvRef = field('func_env');
    this.functionModeRef = field('function_mode');
    this.collectRef = field('collectgarbage');
    this.classifierRef = field('classify');
    // From now on the state's global table (what `load` gives a chunk) is the read-only proxy.
    x.lua_getfield(L, -1, vm.cstr('eval_env'));
    x.lua_rawseti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
    x.lua_settop(L, 0);
  }

  /** A script or a library load is running (a nested call would corrupt the state). */
  get busy(): boolean {
    return this.current !== null || this.loading !== null;
  }

  /** Compiles trusted source (sandbox, libraries) and leaves the function on the stack. */
  private load(source: string, chunkname: string): void {
    const vm = this.vm;
    const n = vm.stage(source);
    const status = vm.x.luaL_loadbufferx(this.L, vm.scratchPtr, n, vm.cstr(chunkname), vm.cstr('t'));
    if (status !== LuaStatus.Ok) {
      throw new Error(`scripting: cannot compile ${chunkname}: ${vm.readString(this.L, -1)}`);
    }
  }

  /** Calls the function below `nargs` arguments, expecting one result; throws with Lua's message on failure. */
  private callInit(nargs: number, what: string): void {
    const x = this.vm.x;
    if (x.lua_pcallk(this.L, nargs, 1, 0, 0, 0) !== LuaStatus.Ok) {
      throw new Error(`scripting: ${what} failed: ${this.vm.readString(this.L, -1)}`);
    }
  }

  // --- the redis API ------------------------------------------------------------------------

  /** Registers a JS implementation as a Lua C function; JS failures become Lua errors. */
  private cfunction(impl: (L: LuaState) => number): number {
    const vm = this.vm;
    return vm.register((L: number) => {
      try {
        return impl(L);
      } catch (e) {
        // A Lua error (a longjmp, thrown as a number) or a kill is on its way up: let it pass.
        if (typeof e === 'number' || e instanceof ScriptKilled) throw e;
        pushErrorTable(vm, L, e instanceof Error ? e.message : String(e), e instanceof ReplyError, false);
        return vm.x.lua_error(L);
      }
    }, 'ii');
  }

  /** Raises Redis's error table for an error text (luaPushError + luaError). */
  private raise(L: LuaState, message: string): number {
    pushErrorTable(this.vm, L, message, true, false);
    return this.vm.x.lua_error(L);
  }

  /** Raises a plain Lua error with the caller's position (luaL_error). */
  private raisePositioned(L: LuaState, message: string): number {
    const x = this.vm.x;
    x.luaL_where(L, 1);
    this.vm.pushBytes(L, message);
    x.lua_concat(L, 2);
    return x.lua_error(L);
  }

  /** Pushes the table of JS-implemented functions the sandbox wires into `redis`, math and os. */
  private pushApi(L: LuaState): void {
    const vm = this.vm;
    const x = vm.x;
    const api: Record<string, (L: LuaState) => number> = {
      call: (L) => this.redisCall(L, true),
      pcall: (L) => this.redisCall(L, false),
      sha1hex: (L) => {
        if (x.lua_gettop(L) !== 1) return this.raise(L, Err.luaWrongArgs);
        let data: string | Buffer = '';
        const t = x.lua_type(L, 1);
        if (t === LuaType.Number) data = formatG(x.lua_tonumberx(L, 1, 0), 14);
        else if (t === LuaType.String) data = vm.readValue(L, 1)!;
        vm.pushBytes(L, sha1hex(data));
        return 1;
      },
      error_reply: (L) => {
        if (x.lua_gettop(L) !== 1 || x.lua_type(L, -1) !== LuaType.String) {
          pushErrorTable(vm, L, Err.luaWrongArgsOrType, true, false);
          return 1;
        }
        // lua_tostring as C reads it: up to the first NUL.
        const full = vm.readString(L, -1);
        const nul = full.indexOf('\0');
        const text = nul < 0 ? full : full.slice(0, nul);
        pushErrorTable(vm, L, text.startsWith('-') ? text : `-${text}`, true, false);
        return 1;
      },
      status_reply: (L) => {
        if (x.lua_gettop(L) !== 1 || x.lua_type(L, -1) !== LuaType.String) {
          pushErrorTable(vm, L, Err.luaWrongArgsOrType, true, false);
          return 1;
        }
        x.lua_createtable(L, 0, 1);
        x.lua_pushvalue(L, -2);
        x.lua_setfield(L, -2, vm.k.ok);
        return 1;
      },
      log: (L) => {
        const argc = x.lua_gettop(L);
        if (argc < 2) return this.raise(L, Err.luaLogArgs);
        if (!x.lua_isnumber(L, 1)) return this.raise(L, Err.luaLogLevelType);
        const level = Math.trunc(x.lua_tonumberx(L, 1, 0));
        if (!(level >= 0 && level <= 3)) return this.raise(L, Err.luaLogLevel);
        if (level < LOG_VERBOSITY || !scriptLogChannel.hasSubscribers) return 0;
        const parts: string[] = [];
        for (let i = 2; i <= argc; i++) {
          const t = x.lua_type(L, i);
          if (t === LuaType.Number) parts.push(formatG(x.lua_tonumberx(L, i, 0), 14));
          else if (t === LuaType.String) parts.push(vm.readString(L, i));
        }
        scriptLogChannel.publish({ level, message: parts.join(' ') });
        return 0;
      },
      setresp: (L) => {
        const ctx = this.current;
        if (ctx === null) return this.raise(L, Err.luaOutsideScript('redis.setresp'));
        if (x.lua_gettop(L) !== 1) return this.raise(L, Err.luaSetrespArgs);
        const resp = Math.trunc(x.lua_tonumberx(L, 1, 0));
        if (resp !== 2 && resp !== 3) return this.raise(L, Err.luaSetrespVersion);
        ctx.resp = resp;
        ctx.client.protocol = resp;
        return 0;
      },
      set_repl: (L) => {
        if (this.current === null) return this.raise(L, Err.luaOutsideScript('redis.set_repl'));
        if (x.lua_gettop(L) !== 1) return this.raise(L, Err.luaSetReplArgs);
        const flags = Math.trunc(x.lua_tonumberx(L, -1, 0));
        if ((flags & ~3) !== 0) return this.raise(L, Err.luaSetReplFlags);
        // No replication or AOF here: accepted, nothing to change.
        return 0;
      },
      replicate_commands: (L) => {
        x.lua_pushboolean(L, 1);
        return 1;
      },
      // The debugger (SCRIPT DEBUG) is not active: as Redis outside a debugging session.
      breakpoint: (L) => {
        x.lua_pushboolean(L, 0);
        return 1;
      },
      debug: () => 0,
      acl_check_cmd: (L) => {
        if (this.current === null) return this.raise(L, Err.luaOutsideScript('redis.acl_check_cmd'));
        const argv = this.readArgv(L);
        if (typeof argv === 'string') return this.raise(L, argv);
        if (this.host.lookup(argv) === undefined) return this.raise(L, Err.luaAclCheckCommand);
        // Without ACL users, the caller may run every command.
        x.lua_pushboolean(L, 1);
        return 1;
      },
      // Lua 5.1's error: a number message gets the position too (5.4 adds it to strings only).
      // A C function, so that `return error(...)` keeps the script's frame for the position.
      error: (L) => {
        const level = Math.trunc(x.luaL_optnumber(L, 2, 1));
        x.lua_settop(L, 1);
        const t = x.lua_type(L, 1);
        if ((t === LuaType.String || t === LuaType.Number) && level > 0) {
          x.luaL_where(L, level);
          if (t === LuaType.Number) vm.pushBytes(L, formatG(x.lua_tonumberx(L, 1, 0), 14));
          else x.lua_pushvalue(L, 1);
          x.lua_concat(L, 2);
        }
        return x.lua_error(L);
      },
      register_function: (L) => this.registerFunction(L),
      random: (L) => {
        const r = (this.random.next() % 0x7fffffff) / 0x7fffffff;
        switch (x.lua_gettop(L)) {
          case 0:
            x.lua_pushnumber(L, r);
            return 1;
          case 1: {
            const u = toCInt(x.luaL_checknumber(L, 1));
            if (!(1 <= u)) return x.luaL_argerror(L, 1, vm.cstr('interval is empty'));
            x.lua_pushinteger(L, BigInt(Math.floor(r * u) + 1));
            return 1;
          }
          case 2: {
            const l = toCInt(x.luaL_checknumber(L, 1));
            const u = toCInt(x.luaL_checknumber(L, 2));
            if (!(l <= u)) return x.luaL_argerror(L, 2, vm.cstr('interval is empty'));
            x.lua_pushinteger(L, BigInt(Math.floor(r * (u - l + 1)) + l));
            return 1;
          }
          default:
            return this.raisePositioned(L, 'wrong number of arguments');
        }
      },
      randomseed: (L) => {
        this.random.seed(toCInt(x.luaL_checknumber(L, 1)));
        return 0;
      },
      clock: (L) => {
        const u = process.cpuUsage();
        x.lua_pushnumber(L, (u.user + u.system) / 1e6);
        return 1;
      },
    };
    x.lua_createtable(L, 0, Object.keys(api).length);
    for (const [name, impl] of Object.entries(api)) {
      x.lua_pushcclosure(L, this.cfunction(impl), 0);
      x.lua_setfield(L, -2, vm.cstr(name));
    }
  }

  /**
   * The arguments of a redis.call as argv (luaArgsToRedisArgv): numbers as `%.17g`,
   * strings as their bytes; pops them. Returns the error text for bad arguments.
   */
  private readArgv(L: LuaState): Arg[] | string {
    const vm = this.vm;
    const x = vm.x;
    const argc = x.lua_gettop(L);
    if (argc === 0) return Err.luaNoArgs;
    const argv: Arg[] = new Array(argc);
    let ok = true;
    for (let i = 0; i < argc; i++) {
      const t = x.lua_type(L, i + 1);
      if (t === LuaType.String) {
        argv[i] = vm.readValue(L, i + 1)!;
      } else if (t === LuaType.Number) {
        argv[i] = formatArgNumber(x.lua_tonumberx(L, i + 1, 0));
      } else {
        ok = false;
        break;
      }
    }
    x.lua_settop(L, 0);
    return ok ? argv : Err.luaArgType;
  }

  /** redis.call (raise = true) and redis.pcall: luaRedisGenericCommand. */
  private redisCall(L: LuaState, raise: boolean): number {
    const vm = this.vm;
    const x = vm.x;
    const ctx = this.current;
    if (ctx === null) return this.raise(L, Err.luaOutsideScript('redis.call/pcall'));
    const argv = this.readArgv(L);
    if (typeof argv === 'string') {
      pushErrorTable(vm, L, argv, true, false);
      return raise ? x.lua_error(L) : 1;
    }
    const reply = this.runCommand(ctx, argv);
    if (reply instanceof Rejection) {
      pushErrorTable(vm, L, reply.text, true, true);
      return raise ? x.lua_error(L) : 1;
    }
    pushReply(vm, L, reply, ctx.resp);
    return raise && reply instanceof ReplyError ? x.lua_error(L) : 1;
  }

  /** scriptCall: the checks Redis makes before running a command from a script, then the command. */
  private runCommand(ctx: RunContext, argv: Arg[]): Reply | Rejection {
    const cmd: ScriptCommand | undefined = this.host.lookup(argv);
    if (cmd === undefined) return new Rejection(Err.luaUnknownCommand);
    const a = cmd.arity;
    if (a > 0 ? argv.length !== a : argv.length < -a) {
      return new Rejection(Err.luaWrongArity);
    }
    if (cmd.flags.has('noscript')) return new Rejection(Err.luaNoScriptCommand);
    if (cmd.isWrite && ctx.readOnly) return new Rejection(Err.luaReadOnly);
    if (ctx.oom && cmd.denyOom && !ctx.writeDirty) return new Rejection(Err.oom);
    if (cmd.isWrite) ctx.writeDirty = true;
    return this.host.execute(ctx.client, cmd, argv);
  }

  /** redis.register_function during FUNCTION LOAD (luaRegisterFunction). */
  private registerFunction(L: LuaState): number {
    const registered = this.loading;
    if (registered === null) return this.raise(L, Err.registerOutsideLoad);
    const result = readRegistration(this.vm, L, registered);
    if (typeof result === 'string') return this.raise(L, result);
    registered.push(result);
    return 0;
  }

  // --- time limit ----------------------------------------------------------------------------

  /**
   * The count hook. The clock is first read at the first check of a run (within its
   * first 100,000 instructions), which saves a clock read per call on the fast path.
   *
   * A script past its deadline is stopped by a JS exception thrown from the hook: it
   * unwinds the whole VM at once, so no `pcall`, `xpcall` handler, coroutine or
   * metamethod in the script can catch it or keep running (a Lua error raised from a
   * hook would run the script's message handlers with hooks disabled, out of reach).
   * The Lua state is then abandoned, and the owner starts a new one.
   */
  private onHook(L: LuaState): undefined {
    if (this.runLimit === 0) return undefined;
    const now = performance.now();
    if (this.deadline === 0) {
      this.deadline = now + this.runLimit;
      return undefined;
    }
    if (now < this.deadline) return undefined;
    throw new ScriptKilled(this.killText(L));
  }

  /** The error text for a script stopped by the time limit, with the script position as Redis words errors. */
  private killText(L: LuaState): string {
    if (this.current === null) return Err.functionLoadTimeout;
    let text = Err.scriptTimeout(this.runLimit);
    const vm = this.vm;
    const x = vm.x;
    const ar = this.debugInfo;
    for (let level = 0; x.lua_getstack(L, level, ar) !== 0; level++) {
      x.lua_getinfo(L, vm.k.Sl, ar);
      const source = vm.mem.toString(
        'latin1',
        vm.u32[(ar + 16) >> 2],
        vm.u32[(ar + 16) >> 2] + vm.u32[(ar + 20) >> 2],
      );
      const line = vm.u32[(ar + 24) >> 2] | 0;
      if (line > 0 && source !== SANDBOX_CHUNKNAME) {
        text += ` script: ${this.current.name}, on ${source}:${line}.`;
        break;
      }
    }
    return text;
  }

  /**
   * Calls the function on the stack (above the error handler at index 1, or without
   * handler when `handler` is false) under the time limit. Returns the pcall status.
   * Throws {@link ScriptKilled} past the limit, {@link LuaStateLost} if a JS failure
   * crossed the VM; in both cases this state is no longer used.
   */
  private protectedCall(nargs: number, nresults: number, handler: boolean, limitMs: number): number {
    const x = this.vm.x;
    const L = this.L;
    // The hook stays installed while a limit is set: it costs nothing between its checks.
    if (limitMs > 0) {
      if (!this.hookInstalled) {
        x.lua_sethook(L, this.hook, LUA_MASKCOUNT, HOOK_COUNT);
        this.hookInstalled = true;
      }
      this.deadline = 0;
    } else if (this.hookInstalled) {
      x.lua_sethook(L, 0, 0, 0);
      this.hookInstalled = false;
    }
    this.runLimit = limitMs;
    try {
      return x.lua_pcallk(L, nargs, nresults, handler ? 1 : 0, 0, 0);
    } catch (e) {
      // A JS exception crossed the VM (not a Lua error): the state can no longer be trusted.
      this.lost = true;
      if (e instanceof ScriptKilled) throw e;
      throw new LuaStateLost(e instanceof Error ? e.message : String(e));
    } finally {
      this.runLimit = 0;
    }
  }

  // --- compiling and running --------------------------------------------------------------------

  /**
   * Compiles a chunk (text only) under `chunkname`; for function libraries its
   * globals are the function environment. Returns a registry reference, or Lua's
   * error message.
   */
  compile(code: string | Buffer, chunkname: string, functionEnv: boolean): number | string {
    const vm = this.vm;
    const x = vm.x;
    const L = this.L;
    const n = vm.stage(code);
    if (n < 0) return 'not enough memory';
    const status = x.luaL_loadbufferx(L, vm.scratchPtr, n, vm.cstr(chunkname), vm.k.t);
    if (status !== LuaStatus.Ok) {
      const message = vm.readString(L, -1);
      x.lua_settop(L, -2);
      return message;
    }
    if (functionEnv) {
      x.lua_rawgeti(L, LUA_REGISTRYINDEX, big(this.funcEnvRef));
      x.lua_setupvalue(L, -2, 1);
    }
    return x.luaL_ref(L, LUA_REGISTRYINDEX);
  }

  /** Releases a compiled script or function. */
  release(ref: number): void {
    this.vm.x.luaL_unref(this.L, LUA_REGISTRYINDEX, ref);
  }

  /** A fresh run context on the engine's script client, starting at the caller's database. */
  newContext(caller: ScriptClient, name: string, readOnly: boolean, oom: boolean): RunContext {
    const client = this.client;
    client.db = caller.db;
    client.protocol = 2;
    return { client, readOnly, name, resp: 2, writeDirty: false, oom };
  }

  /** Pushes argv values as a Lua array (luaCreateArray). */
  private pushArray(L: LuaState, values: readonly Arg[], from: number, to: number): void {
    const x = this.vm.x;
    x.lua_createtable(L, to - from, 0);
    for (let i = from; i < to; i++) {
      this.vm.pushBytes(L, values[i]);
      x.lua_rawseti(L, -2, big(i - from + 1));
    }
  }

  /**
   * Runs a compiled EVAL script: KEYS = argv[keysFrom, argsFrom), ARGV = argv[argsFrom, end).
   * Returns the reply (errors as ReplyError values).
   */
  runEval(ref: number, ctx: RunContext, argv: readonly Arg[], keysFrom: number, argsFrom: number): Reply {
    const vm = this.vm;
    const x = vm.x;
    const L = this.L;
    if (this.current !== null) return new ReplyError(Err.busyScript);
    // The stack is empty between runs (every run ends with settop(0)).
    x.lua_rawgeti(L, LUA_REGISTRYINDEX, big(this.evalGlobalsRef));
    this.pushArray(L, argv, keysFrom, argsFrom);
    x.lua_setfield(L, -2, vm.k.KEYS);
    this.pushArray(L, argv, argsFrom, argv.length);
    x.lua_setfield(L, -2, vm.k.ARGV);
    x.lua_settop(L, 0);
    x.lua_rawgeti(L, LUA_REGISTRYINDEX, big(this.errHandlerRef));
    x.lua_rawgeti(L, LUA_REGISTRYINDEX, big(ref));
    return this.finishRun(ctx, 0);
  }

  /** Runs a registered function with its keys and args tables. */
  runFunction(ref: number, ctx: RunContext, argv: readonly Arg[], keysFrom: number, argsFrom: number): Reply {
    const x = this.vm.x;
    const L = this.L;
    if (this.current !== null) return new ReplyError(Err.busyScript);
    x.lua_rawgeti(L, LUA_REGISTRYINDEX, big(this.errHandlerRef));
    x.lua_rawgeti(L, LUA_REGISTRYINDEX, big(ref));
    this.pushArray(L, argv, keysFrom, argsFrom);
    this.pushArray(L, argv, argsFrom, argv.length);
    return this.finishRun(ctx, 2);
  }

  private finishRun(ctx: RunContext, nargs: number): Reply {
    const x = this.vm.x;
    const L = this.L;
    const limit = this.options.timeLimitMs;
    this.vm.maxHeapBytes = this.options.maxMemoryBytes;
    this.current = ctx;
    let status: number;
    try {
      status = this.protectedCall(nargs, 1, true, limit);
    } finally {
      this.current = null;
    }
    let reply: Reply;
    try {
      if (status === LuaStatus.Ok) {
        reply = luaToReply(this.vm, L, this.classifierRef, ctx.resp);
      } else {
        reply = this.errorReply(ctx.name);
        if (status === LuaStatus.ErrMem) this.collect();
      }
    } catch (e) {
      // Not a Lua error: a JS failure (such as a stack overflow) may have cut through the VM.
      this.lost = true;
      throw new LuaStateLost(e instanceof Error ? e.message : String(e));
    }
    x.lua_settop(L, 0);
    return reply;
  }

  /** The reply for the error object on top of the stack (luaCallFunction's error branch). */
  private errorReply(name: string): ReplyError {
    const vm = this.vm;
    const x = vm.x;
    const L = this.L;
    if (x.lua_type(L, -1) !== LuaType.Table) {
      const msg = x.lua_isstring(L, -1) ? vm.readString(L, -1) : 'execution failure';
      return new ReplyError(oneLine(Err.scriptRun(name, truncateBytes(lua51Message(msg), 100))));
    }
    const msg = rawStringField(vm, L, 'err');
    const source = rawStringField(vm, L, 'source');
    const line = rawStringField(vm, L, 'line');
    let text = msg === null ? Err.scriptUnknownError : lua51Message(msg);
    if (source !== null && line !== null) text += ` script: ${name}, on ${source}:${line}.`;
    return new ReplyError(oneLine(text));
  }

  /**
   * Runs a function library's code (FUNCTION LOAD): it may only call
   * redis.register_function. Returns the functions it registered or the error text.
   */
  loadLibrary(code: string | Buffer): RegisteredFunction[] | string {
    const vm = this.vm;
    const x = vm.x;
    const L = this.L;
    if (this.current !== null || this.loading !== null) return Err.busyScript;
    this.functionMode(true);
    try {
      const ref = this.compile(code, '@user_function', true);
      if (typeof ref === 'string') return Err.functionCompile(lua51Message(ref));
      x.lua_settop(L, 0);
      x.lua_rawgeti(L, LUA_REGISTRYINDEX, big(ref));
      this.release(ref);
      const registered: RegisteredFunction[] = [];
      this.loading = registered;
      let status: number;
      try {
        status = this.protectedCall(0, 0, false, LOAD_TIMEOUT_MS);
      } catch (e) {
        if (e instanceof ScriptKilled) return Err.functionRegister(Err.functionLoadTimeout);
        throw e;
      } finally {
        this.loading = null;
      }
      if (status !== LuaStatus.Ok) {
        for (const f of registered) this.release(f.ref);
        let msg: string;
        if (x.lua_type(L, -1) === LuaType.Table) msg = rawStringField(vm, L, 'err') ?? '(null)';
        else msg = `ERR ${vm.readString(L, -1)}`;
        x.lua_settop(L, 0);
        if (status === LuaStatus.ErrMem) this.collect();
        return Err.functionRegister(lua51Message(msg));
      }
      x.lua_settop(L, 0);
      return registered;
    } finally {
      if (!this.lost) this.functionMode(false);
    }
  }

  /** Switches the function environment between load time and run time. */
  private functionMode(loading: boolean): void {
    const x = this.vm.x;
    const L = this.L;
    x.lua_rawgeti(L, LUA_REGISTRYINDEX, big(this.functionModeRef));
    x.lua_pushboolean(L, loading ? 1 : 0);
    x.lua_pcallk(L, 1, 0, 0, 0, 0);
    x.lua_settop(L, 0);
  }

  /** A full garbage collection (after a memory error, or on request). */
  collect(): void {
    const x = this.vm.x;
    const L = this.L;
    x.lua_settop(L, 0);
    x.lua_rawgeti(L, LUA_REGISTRYINDEX, big(this.collectRef));
    x.lua_pcallk(L, 0, 0, 0, 0, 0);
    x.lua_settop(L, 0);
  }

  /** Bytes used by Lua (collectgarbage('count')). */
  memoryUsed(): number {
    const x = this.vm.x;
    const L = this.L;
    x.lua_settop(L, 0);
    x.lua_rawgeti(L, LUA_REGISTRYINDEX, big(this.collectRef));
    this.vm.pushBytes(L, 'count');
    x.lua_pcallk(L, 1, 1, 0, 0, 0);
    const kb = x.lua_tonumberx(L, -1, 0);
    x.lua_settop(L, 0);
    return Math.round(kb * 1024);
  }
}

/** (int) of a double, as luaL_checkint does on x86 (out of range → INT_MIN). */
function toCInt(d: number): number {
  const t = Math.trunc(d);
  return t >= -2147483648 && t <= 2147483647 ? t : -2147483648;
}

/** A string or number field of the table on top (raw access), as text; null when absent or another type. */
function rawStringField(vm: LuaWasm, L: LuaState, field: string): string | null {
  const x = vm.x;
  x.lua_pushstring(L, vm.cstr(field));
  x.lua_rawget(L, -2);
  const t = x.lua_type(L, -1);
  let out: string | null = null;
  if (t === LuaType.String) {
    const v = vm.readValue(L, -1)!;
    out = typeof v === 'string' ? v : v.toString('latin1');
  } else if (t === LuaType.Number) {
    out = x.lua_isinteger(L, -1) ? vm.readString(L, -1) : formatG(x.lua_tonumberx(L, -1, 0), 14);
  }
  x.lua_settop(L, -2);
  return out;
}

/** The first `max` bytes of a string (C's `%.100s`). */
function truncateBytes(s: string, max: number): string {
  if (s.length <= max / 3) return s;
  const b = Buffer.from(s, 'utf8');
  return b.length <= max ? s : b.subarray(0, max).toString('utf8');
}
