/**
 * FUNCTION libraries (functions.c): a library is `#!lua name=<lib>` followed
 * by Lua code that registers functions with `redis.register_function`. We keep
 * each library's code, so that a rebuilt Lua state can load them again, and its
 * functions' registry references in the current state.
 *
 * Libraries and functions are listed in load order (Redis lists them in its
 * hash table's order, which is not meaningful).
 */
import { Err, ReplyError } from '../errors.js';
import { MapReply, type Reply, SetReply, StatusReply } from '../protocol/reply.js';
import { type Arg, argText } from '../util/bytes.js';
import { stringMatch } from '../util/glob.js';
import { SCRIPT_FLAGS } from './flags.js';
import type { LuaEngine } from './lua-engine.js';
import type { RegisteredFunction } from './register-function.js';
import { parseLibraryHeader } from './shebang.js';

/** A loaded function. */
export interface FunctionEntry extends RegisteredFunction {
  readonly library: Library;
}

/** A loaded library. */
export interface Library {
  readonly name: string;
  /** The whole FUNCTION LOAD payload, shebang included (FUNCTION LIST WITHCODE). */
  readonly code: string | Buffer;
  functions: FunctionEntry[];
}

/** The libraries and functions of one engine. */
export class FunctionRegistry {
  readonly libraries = new Map<string, Library>();
  /** By lower-case name: function names are case-insensitive (Redis's functions dict). */
  readonly functions = new Map<string, FunctionEntry>();

  /** The function named `name` (any case). */
  get(name: string): FunctionEntry | undefined {
    return this.functions.get(name.toLowerCase());
  }

  /**
   * FUNCTION LOAD: compiles and runs the library in `lua`, then links it (replacing
   * a library of the same name when `replace`). Returns the library name.
   */
  load(lua: LuaEngine, payload: Buffer, original: string | Buffer, replace: boolean): string {
    const { name, code } = parseLibraryHeader(payload);
    const old = this.libraries.get(name);
    if (old !== undefined && !replace) throw new ReplyError(Err.libraryExists(name));
    const result = lua.loadLibrary(code);
    if (typeof result === 'string') throw new ReplyError(result);
    if (result.length === 0) {
      throw new ReplyError(Err.noFunctionsRegistered);
    }
    for (const f of result) {
      const existing = this.get(f.name);
      if (existing !== undefined && existing.library !== old) {
        for (const g of result) lua.release(g.ref);
        throw new ReplyError(Err.functionExists(f.name));
      }
    }
    if (old !== undefined) this.unlink(lua, old);
    const library: Library = { name, code: original, functions: [] };
    library.functions = result.map((f) => ({ ...f, library }));
    this.link(library);
    return name;
  }

  private link(library: Library): void {
    this.libraries.set(library.name, library);
    for (const f of library.functions) this.functions.set(f.name.toLowerCase(), f);
  }

  private unlink(lua: LuaEngine | null, library: Library): void {
    this.libraries.delete(library.name);
    for (const f of library.functions) {
      this.functions.delete(f.name.toLowerCase());
      lua?.release(f.ref);
    }
  }

  /** FUNCTION DELETE library-name */
  delete(lua: LuaEngine | null, name: Arg): void {
    const library = this.libraries.get(argText(name));
    if (library === undefined) throw new ReplyError(Err.libraryNotFound);
    this.unlink(lua, library);
  }

  /** FUNCTION FLUSH */
  flush(lua: LuaEngine | null): void {
    for (const library of [...this.libraries.values()]) this.unlink(lua, library);
  }

  /** Loads every library again into a new Lua state (after SCRIPT FLUSH or a lost state). */
  reload(lua: LuaEngine): void {
    for (const library of this.libraries.values()) {
      const payload = typeof library.code === 'string' ? Buffer.from(library.code, 'utf8') : library.code;
      const result = lua.loadLibrary(parseLibraryHeader(payload).code);
      if (typeof result === 'string')
        throw new Error(`scripting: reloading library ${library.name}: ${result}`);
      library.functions = result.map((f) => ({ ...f, library }));
      for (const f of library.functions) this.functions.set(f.name.toLowerCase(), f);
    }
  }

  /** FUNCTION LIST [LIBRARYNAME library-name-pattern] [WITHCODE] */
  list(pattern: Arg | null, withCode: boolean): Reply {
    const out: Reply[] = [];
    for (const library of this.libraries.values()) {
      if (pattern !== null && !stringMatch(pattern, library.name, true)) continue;
      const functions: Reply[] = library.functions.map(
        (f) =>
          new MapReply([
            'name',
            f.name,
            'description',
            f.description,
            'flags',
            new SetReply(
              SCRIPT_FLAGS.filter((_, bit) => (f.flags & (1 << bit)) !== 0).map(
                (flag) => new StatusReply(flag),
              ),
            ),
          ]),
      );
      const items: Reply[] = ['library_name', library.name, 'engine', 'LUA', 'functions', functions];
      if (withCode) items.push('library_code', library.code);
      out.push(new MapReply(items));
    }
    return out;
  }

  /** FUNCTION STATS: nothing runs concurrently with a command here, so running_script is always nil. */
  stats(): Reply {
    return new MapReply([
      'running_script',
      null,
      'engines',
      new MapReply([
        'LUA',
        new MapReply(['libraries_count', this.libraries.size, 'functions_count', this.functions.size]),
      ]),
    ]);
  }
}
