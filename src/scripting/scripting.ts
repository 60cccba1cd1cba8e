/**
 * Scripting for one engine: the EVAL script cache, the FUNCTION libraries and
 * the Lua state they run in, created on first use (no top-level await: the
 * WebAssembly module is compiled and instantiated synchronously).
 *
 * Scripts are cached by the SHA1 of their body and compiled once per Lua state
 * into a registry reference. Scripts that came in through EVAL are bounded
 * (500, least recently used evicted, as Redis 7.4 does: a client generating
 * unique scripts cannot grow the cache forever); SCRIPT LOAD'ed scripts stay
 * until SCRIPT FLUSH.
 *
 * The Lua state is replaced on SCRIPT FLUSH (which frees its heap, as Redis
 * resets its interpreter) and if a JS failure ever leaves it inconsistent; the
 * libraries are loaded into the new state, and cached scripts compile again on
 * their next call.
 */
import type { Engine } from '../engine/engine.js';
import { Err, ReplyError } from '../errors.js';
import type { Reply } from '../protocol/reply.js';
import { type Arg, argText } from '../util/bytes.js';
import { FLAG_ALLOW_OOM, FLAG_NO_WRITES } from './flags.js';
import { FunctionRegistry } from './functions.js';
import type { ScriptClient, ScriptHost } from './host.js';
import { LuaEngine, LuaStateLost, ScriptKilled } from './lua-engine.js';
import { lua51Message } from './messages.js';
import { Rand48 } from './rand48.js';
import { sha1hex } from './sha1.js';
import { parseScriptShebang } from './shebang.js';

/** Scripting limits of an engine. */
export interface ScriptingOptions {
  /**
   * busy-reply-threshold (alias lua-time-limit): scripts running longer are aborted; 0 disables.
   * Lives on the engine (`engine.scriptTimeLimitMs`, CONFIG SET busy-reply-threshold). Default 5000 ms.
   */
  timeLimitMs: number;
  /** Upper bound of the Lua heap in bytes. Default 256 MB. */
  maxMemoryBytes: number;
}

const DEFAULT_MAX_MEMORY = 256 * 1024 * 1024;
/** Scripts kept from EVAL before the least recently used is evicted. */
export const EVAL_CACHE_LIMIT = 500;

/** A cached script. */
interface Script {
  /** SHA1 of the body, lower-case hex. */
  readonly sha: string;
  /** The code compiled: the body without its shebang line (its newline kept, so line numbers hold). */
  readonly code: string | Buffer;
  /** Shebang flags (a script without shebang runs in EVAL compatibility mode: flags ignored). */
  readonly flags: number;
  readonly shebang: boolean;
  /** Registry reference in the Lua state of `generation`. */
  ref: number;
  generation: number;
}

/** The scripting state of one engine. */
export class Scripting {
  /** Read live by the Lua state at each run. */
  readonly options: ScriptingOptions;
  readonly functions = new FunctionRegistry();
  private lua: LuaEngine | null = null;
  private generation = 0;
  private client: ScriptClient | null = null;
  private readonly random = new Rand48();
  private readonly scripts = new Map<string, Script>();
  /** Scripts added by EVAL (not SCRIPT LOAD), least recently used first. */
  private readonly evalOrder = new Map<string, Script>();

  constructor(
    private readonly engine: Engine,
    private readonly host: ScriptHost,
    maxMemoryBytes = DEFAULT_MAX_MEMORY,
  ) {
    this.options = {
      get timeLimitMs() {
        return engine.scriptTimeLimitMs;
      },
      set timeLimitMs(ms: number) {
        engine.scriptTimeLimitMs = ms;
      },
      maxMemoryBytes,
    };
  }

  /** The Lua state, created (and libraries loaded into it) on first use. */
  private state(): LuaEngine {
    let lua = this.lua;
    if (lua === null || lua.lost) {
      this.client ??= this.host.createClient(this.engine);
      lua = new LuaEngine(this.host, this.client, this.options, this.random);
      this.lua = lua;
      this.generation++;
      this.functions.reload(lua);
    }
    return lua;
  }

  /** True once a Lua state exists. */
  get started(): boolean {
    return this.lua !== null;
  }

  /** The Lua state when it exists (for memory figures and tests). */
  get engineState(): LuaEngine | null {
    return this.lua;
  }

  private busy(): ReplyError | null {
    return this.lua?.busy ? new ReplyError(Err.busyScript) : null;
  }

  // --- EVAL ---------------------------------------------------------------------------------

  /** Parses the shebang and compiles a script body; adds it to the cache. */
  private create(body: Arg, sha: string, fromEval: boolean): Script {
    const { code, flags, shebang } = parseScriptShebang(body);
    const script: Script = { sha, code, flags, shebang, ref: -1, generation: 0 };
    this.compile(script);
    this.scripts.set(sha, script);
    if (fromEval) this.touch(script);
    return script;
  }

  /** Compiles the script into the current Lua state. */
  private compile(script: Script): void {
    const lua = this.state();
    const ref = lua.compile(script.code, '@user_script', false);
    if (typeof ref === 'string') {
      throw new ReplyError(Err.scriptCompile(lua51Message(ref)).replace(/[\r\n]/g, ' '));
    }
    script.ref = ref;
    script.generation = this.generation;
  }

  /** Marks an EVAL script as just used, evicting the least recently used beyond the limit. */
  private touch(script: Script): void {
    this.evalOrder.delete(script.sha);
    this.evalOrder.set(script.sha, script);
    if (this.evalOrder.size > EVAL_CACHE_LIMIT) {
      const [oldest] = this.evalOrder.values();
      this.evalOrder.delete(oldest.sha);
      this.scripts.delete(oldest.sha);
      if (oldest.generation === this.generation) this.lua?.release(oldest.ref);
    }
  }

  /**
   * EVAL / EVAL_RO script numkeys [key ...] [arg ...] with argv as the command has it
   * (argv[1] the body, keys from argv[3]). `numkeys` is already validated.
   */
  eval(caller: ScriptClient, argv: readonly Arg[], numkeys: number, readOnly: boolean): Reply {
    const busy = this.busy();
    if (busy) return busy;
    const body = argv[1];
    const sha = sha1hex(body);
    let script = this.scripts.get(sha);
    if (script === undefined) script = this.create(body, sha, true);
    else if (this.evalOrder.has(sha)) this.touch(script);
    return this.run(script, caller, argv, numkeys, readOnly);
  }

  /** EVALSHA / EVALSHA_RO sha1 numkeys [key ...] [arg ...]; `numkeys` already validated. */
  evalsha(caller: ScriptClient, argv: readonly Arg[], numkeys: number, readOnly: boolean): Reply {
    const busy = this.busy();
    if (busy) return busy;
    const sha = argv[1];
    const script =
      (typeof sha === 'string' ? this.scripts.get(sha) : undefined) ??
      this.scripts.get(argText(sha).toLowerCase());
    if (script === undefined) return new ReplyError(Err.noScript);
    if (this.evalOrder.has(script.sha)) this.touch(script);
    return this.run(script, caller, argv, numkeys, readOnly);
  }

  private run(
    script: Script,
    caller: ScriptClient,
    argv: readonly Arg[],
    numkeys: number,
    ro: boolean,
  ): Reply {
    const noWrites = script.shebang && (script.flags & FLAG_NO_WRITES) !== 0;
    const oom = this.scriptOom(script.shebang ? script.flags : 0, script.shebang);
    if (oom instanceof ReplyError) return oom;
    if (script.shebang && !noWrites && ro) return new ReplyError(Err.roWithWriteFlag);
    const lua = this.state();
    if (script.generation !== this.generation) this.compile(script);
    const ctx = lua.newContext(caller, script.sha, ro || noWrites, oom);
    try {
      return lua.runEval(script.ref, ctx, argv, 3, 3 + numkeys);
    } catch (e) {
      if (e instanceof ScriptKilled) return new ReplyError(e.message);
      if (e instanceof LuaStateLost) return new ReplyError(Err.scriptRun(script.sha, e.message));
      throw e;
    }
  }

  /**
   * Redis's out-of-memory rules for scripts. Over maxmemory when the command started, a
   * script with flags (shebang, or a function) that may write and lacks allow-oom is
   * refused as a denyoom command (its command flags come from the script's); otherwise
   * the result says whether its first write may not be a denyoom command (scriptVerifyOOM).
   */
  private scriptOom(flags: number, shebang: boolean): boolean | ReplyError {
    const engine = this.engine;
    if (engine.maxmemory === 0 || !engine.oomAtCommandStart || (flags & FLAG_ALLOW_OOM) !== 0) return false;
    return shebang && (flags & FLAG_NO_WRITES) === 0 ? new ReplyError(Err.oom) : true;
  }

  /** SCRIPT LOAD script: returns the SHA1; the script stays cached until SCRIPT FLUSH. */
  load(body: Arg): string {
    const busy = this.busy();
    if (busy) throw busy;
    const sha = sha1hex(body);
    if (this.scripts.has(sha)) this.evalOrder.delete(sha);
    else this.create(body, sha, false);
    return sha;
  }

  /** SCRIPT EXISTS sha1 [sha1 ...]: 1 or 0 for each. */
  exists(shas: readonly Arg[]): number[] {
    return shas.map((s) => (this.scripts.has(argText(s).toLowerCase()) ? 1 : 0));
  }

  /** SCRIPT FLUSH: forgets every script and starts a new Lua state on next use (freeing the old heap). */
  flush(): void {
    if (this.lua?.busy) throw new ReplyError(Err.busyScript);
    this.scripts.clear();
    this.evalOrder.clear();
    this.lua = null;
  }

  /** Number of cached scripts (INFO's number_of_cached_scripts). */
  get cachedScripts(): number {
    return this.scripts.size;
  }

  // --- FUNCTION / FCALL ---------------------------------------------------------------------

  /** FUNCTION LOAD [REPLACE] function-code: returns the library name. */
  functionLoad(code: Arg, replace: boolean): string {
    const busy = this.busy();
    if (busy) throw busy;
    const payload = typeof code === 'string' ? Buffer.from(code, 'utf8') : code;
    try {
      return this.functions.load(this.state(), payload, code, replace);
    } catch (e) {
      if (e instanceof LuaStateLost) throw new ReplyError(Err.functionRegister(e.message));
      throw e;
    }
  }

  /** FUNCTION DELETE library-name */
  functionDelete(name: Arg): void {
    const busy = this.busy();
    if (busy) throw busy;
    this.functions.delete(this.lua, name);
  }

  /** FUNCTION FLUSH [ASYNC | SYNC] */
  functionFlush(): void {
    const busy = this.busy();
    if (busy) throw busy;
    this.functions.flush(this.lua);
  }

  /**
   * FCALL / FCALL_RO function numkeys [key ...] [arg ...]: argv as the command has it.
   * Checks the function first, then numkeys, as Redis does.
   */
  fcall(
    caller: ScriptClient,
    argv: readonly Arg[],
    readOnly: boolean,
    parseNumkeys: (arg: Arg) => number,
  ): Reply {
    const busy = this.busy();
    if (busy) return busy;
    const name = argText(argv[1]);
    if (this.functions.get(name) === undefined) return new ReplyError(Err.functionNotFound);
    const numkeys = parseNumkeys(argv[2]);
    const lua = this.state();
    // Looked up again: creating the Lua state reloads the libraries.
    const f = this.functions.get(name)!;
    const noWrites = (f.flags & FLAG_NO_WRITES) !== 0;
    const oom = this.scriptOom(f.flags, true);
    if (oom instanceof ReplyError) return oom;
    if (!noWrites && readOnly) return new ReplyError(Err.roWithWriteFlag);
    const ctx = lua.newContext(caller, f.name, readOnly || noWrites, oom);
    try {
      return lua.runFunction(f.ref, ctx, argv, 3, 3 + numkeys);
    } catch (e) {
      if (e instanceof ScriptKilled) return new ReplyError(e.message);
      if (e instanceof LuaStateLost) return new ReplyError(Err.scriptRun(f.name, e.message));
      throw e;
    }
  }
}

const states = new WeakMap<Engine, Scripting>();
const pendingMemory = new WeakMap<Engine, number>();

/** The scripting state of an engine (created on first use; the Lua state itself later still). */
export function scriptingFor(engine: Engine, host: ScriptHost): Scripting {
  let s = states.get(engine);
  if (s === undefined) {
    s = new Scripting(engine, host, pendingMemory.get(engine));
    states.set(engine, s);
  }
  return s;
}

/**
 * Sets an engine's scripting limits. The time limit is the engine's
 * `scriptTimeLimitMs` (CONFIG SET busy-reply-threshold) and applies to the next
 * script; the heap cap applies from the next script too, but a heap never shrinks.
 */
export function configureScripting(engine: Engine, options: Partial<ScriptingOptions>): void {
  if (options.timeLimitMs !== undefined) engine.scriptTimeLimitMs = options.timeLimitMs;
  if (options.maxMemoryBytes !== undefined) {
    const s = states.get(engine);
    if (s !== undefined) s.options.maxMemoryBytes = options.maxMemoryBytes;
    else pendingMemory.set(engine, options.maxMemoryBytes);
  }
}
