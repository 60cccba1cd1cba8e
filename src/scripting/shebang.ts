/**
 * Shebang lines: `#!lua flags=no-writes,...` on EVAL scripts (eval.c) and
 * `#!lua name=<library>` on FUNCTION LOAD payloads (functions.c). Both split
 * the line as Redis's sdssplitargs does (blanks, quotes, escapes).
 */
import { Err, ReplyError } from '../errors.js';
import type { Arg } from '../util/bytes.js';
import { SCRIPT_FLAGS } from './flags.js';

/** An EVAL body: the code to compile (the shebang line removed, its newline kept) and the flags. */
export interface ParsedScript {
  readonly code: string | Buffer;
  readonly flags: number;
  /** A shebang was present: without one a script runs in EVAL compatibility mode (flags ignored). */
  readonly shebang: boolean;
}

/** Parses an EVAL body's shebang (luaCreateFunction), throwing Redis's errors. */
export function parseScriptShebang(body: Arg): ParsedScript {
  const bytes = typeof body === 'string' ? null : body;
  const hasShebang = bytes ? bytes[0] === 0x23 && bytes[1] === 0x21 : (body as string).startsWith('#!');
  if (!hasShebang) return { code: body, flags: 0, shebang: false };
  const eol = bytes ? bytes.indexOf(0x0a) : (body as string).indexOf('\n');
  if (eol < 0) throw new ReplyError(Err.invalidShebang);
  const parts = splitArgs(bytes ? bytes.subarray(0, eol).toString('latin1') : (body as string).slice(0, eol));
  if (parts === null || parts.length === 0) throw new ReplyError(Err.invalidShebangEngine);
  if (parts[0] !== '#!lua') throw new ReplyError(Err.shebangEngine(parts[0]));
  let flags = 0;
  for (let j = 1; j < parts.length; j++) {
    const part = parts[j];
    if (!part.startsWith('flags=')) throw new ReplyError(Err.shebangOption(part));
    const list = part.slice(6);
    if (list === '') continue;
    for (const flag of list.split(',')) {
      const bit = SCRIPT_FLAGS.indexOf(flag as (typeof SCRIPT_FLAGS)[number]);
      if (bit < 0) throw new ReplyError(Err.shebangFlag(flag));
      flags |= 1 << bit;
    }
  }
  return { code: bytes ? bytes.subarray(eol) : (body as string).slice(eol), flags, shebang: true };
}

/** The library name and the code after the shebang line (functionExtractLibMetaData). */
export function parseLibraryHeader(payload: Buffer): { name: string; code: Buffer } {
  if (payload.length < 2 || payload[0] !== 0x23 || payload[1] !== 0x21) {
    throw new ReplyError(Err.missingLibraryMetadata);
  }
  const eol = payload.indexOf(0x0a);
  if (eol < 0) throw new ReplyError(Err.invalidLibraryMetadata);
  const parts = splitArgs(payload.subarray(0, eol).toString('latin1'));
  if (parts === null || parts.length === 0) throw new ReplyError(Err.invalidLibraryMetadata);
  const engine = parts[0].slice(2);
  let name: string | null = null;
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i];
    if (part.slice(0, 5).toLowerCase() === 'name=') {
      if (name !== null) throw new ReplyError(Err.libraryNameTwice);
      name = part.slice(5);
      continue;
    }
    throw new ReplyError(Err.libraryMetadataValue(part));
  }
  if (name === null) throw new ReplyError(Err.libraryNameMissing);
  if (!/^[a-zA-Z0-9_]+$/.test(name)) throw new ReplyError(Err.functionNameRule);
  if (engine.toUpperCase() !== 'LUA') throw new ReplyError(Err.engineNotFound(engine));
  return { name, code: payload.subarray(eol) };
}

/**
 * Redis's sdssplitargs for the shebang line: words separated by blanks, with
 * "double" (escapes) and 'single' quotes; null on unbalanced quotes.
 */
export function splitArgs(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  const blank = (c: string) => c === ' ' || c === '\n' || c === '\r' || c === '\t' || c === '\0';
  while (true) {
    while (i < n && blank(line[i])) i++;
    if (i >= n) return out;
    let cur = '';
    let inq = false;
    let insq = false;
    for (;;) {
      const c = line[i];
      if (inq) {
        if (i >= n) return null;
        if (c === '\\' && line[i + 1] === 'x' && /^[0-9a-fA-F]{2}$/.test(line.slice(i + 2, i + 4))) {
          cur += String.fromCharCode(Number.parseInt(line.slice(i + 2, i + 4), 16));
          i += 3;
        } else if (c === '\\' && i + 1 < n) {
          i++;
          const e = line[i];
          cur +=
            e === 'n'
              ? '\n'
              : e === 'r'
                ? '\r'
                : e === 't'
                  ? '\t'
                  : e === 'b'
                    ? '\b'
                    : e === 'a'
                      ? '\x07'
                      : e;
        } else if (c === '"') {
          if (i + 1 < n && !blank(line[i + 1])) return null;
          i++;
          break;
        } else {
          cur += c;
        }
      } else if (insq) {
        if (i >= n) return null;
        if (c === '\\' && line[i + 1] === "'") {
          i++;
          cur += "'";
        } else if (c === "'") {
          if (i + 1 < n && !blank(line[i + 1])) return null;
          i++;
          break;
        } else {
          cur += c;
        }
      } else {
        if (i >= n || blank(c)) break;
        if (c === '"') inq = true;
        else if (c === "'") insq = true;
        else cur += c;
      }
      i++;
    }
    out.push(cur);
  }
}
