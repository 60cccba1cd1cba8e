/**
 * The redis.conf syntax: one directive per line, arguments split as Redis's
 * `sdssplitargs` splits them ("double quotes" with C escapes, 'single quotes'
 * with only \'), `#` comments and blank lines skipped. Used to load a config
 * file (the CLI) and to rewrite one (CONFIG REWRITE).
 */
import { applyDirective, type ConfigTarget, ConfigValueError } from './config-registry.js';

/** A configuration error, reported as redis-server reports it: the message, the line number and text. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    message: string,
    readonly line: number,
    readonly text: string,
  ) {
    super(message);
  }
}

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\n' || c === '\r' || c === '\t' || c === '\v' || c === '\f';
}

function isHex(c: string | undefined): boolean {
  return c !== undefined && /^[0-9a-fA-F]$/.test(c);
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' };

/** sdssplitargs for one config line; undefined for unbalanced quotes. */
export function splitConfigLine(line: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    while (i < n && isSpace(line[i])) i++;
    if (i >= n) return out;
    let tok = '';
    let inq = false;
    let insq = false;
    for (;;) {
      const c = line[i];
      if (inq) {
        if (c === undefined) return undefined;
        if (c === '\\' && line[i + 1] === 'x' && isHex(line[i + 2]) && isHex(line[i + 3])) {
          tok += String.fromCharCode(Number.parseInt(line.slice(i + 2, i + 4), 16));
          i += 3;
        } else if (c === '\\' && i + 1 < n) {
          const e = line[++i];
          tok += ESCAPES[e] ?? e;
        } else if (c === '"') {
          // The closing quote must be followed by a space or the end.
          if (i + 1 < n && !isSpace(line[i + 1])) return undefined;
          i++;
          break;
        } else {
          tok += c;
        }
      } else if (insq) {
        if (c === undefined) return undefined;
        if (c === '\\' && line[i + 1] === "'") {
          tok += "'";
          i++;
        } else if (c === "'") {
          if (i + 1 < n && !isSpace(line[i + 1])) return undefined;
          i++;
          break;
        } else {
          tok += c;
        }
      } else if (c === undefined || c === ' ' || c === '\n' || c === '\r' || c === '\t') {
        break;
      } else if (c === '"') {
        inq = true;
      } else if (c === "'") {
        insq = true;
      } else {
        tok += c;
      }
      i++;
    }
    out.push(tok);
  }
}

/** One directive to apply: its arguments, and where it came from for error reports. */
export interface Directive {
  readonly args: string[];
  /** 1-based line number in the combined configuration (file lines, then flags). */
  readonly line: number;
  /** The line as redis-server prints it in `>>> '...'`. */
  readonly text: string;
}

/**
 * The directives of a config file's text, as loadServerConfigFromString reads it:
 * lines trimmed, comments and blank lines skipped (but counted).
 */
export function parseConfigText(text: string): Directive[] {
  const out: Directive[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const trimmed = lines[i].replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const args = splitConfigLine(trimmed);
    if (args === undefined) throw new ConfigError('Unbalanced quotes in configuration line', i + 1, trimmed);
    if (args.length === 0) continue;
    out.push({ args, line: i + 1, text: trimmed });
  }
  return out;
}

/** Applies directives in order; the first refused one throws a {@link ConfigError} naming its line. */
export function applyDirectives(t: ConfigTarget, directives: readonly Directive[]): void {
  for (const d of directives) {
    try {
      applyDirective(t, d.args);
    } catch (e) {
      if (e instanceof ConfigValueError) throw new ConfigError(e.message, d.line, d.text);
      throw e;
    }
  }
}
