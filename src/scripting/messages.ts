/**
 * Lua 5.4 words some error messages differently from the Lua 5.1 inside Redis.
 * Error replies carry these texts, so the common ones are rewritten to 5.1's:
 *
 * - runtime: `attempt to index a nil value (local 't')` → `attempt to index local 't' (a nil value)`
 * - syntax: `near <eof>` → `near '<eof>'`, `<name> expected` → `'<name>' expected`,
 *   `syntax error near X` → `'=' expected near X`, and no `(starting at line N)`.
 *
 * Messages with no 5.1 counterpart (string arithmetic, goto, integer division)
 * stay as Lua 5.4 words them.
 */
const VARINFO =
  /attempt to (index|call|get length of|concatenate|perform arithmetic on|perform bitwise operation on) a (\w+) value \((local|global|field|upvalue|method|constant) ('(?:[^'\\]|\\.)*')\)/g;
const BARE_TOKEN_EXPECTED = /(^|: )<(eof|name|string|number|integer)> expected/;
const NEAR_EOF = / near <eof>$/;
const SYNTAX_ERROR = /: syntax error near /;
const LONG_STRING = /(unfinished long (?:string|comment)) \(starting at line \d+\)/;

/** An error message from the Lua 5.4 VM or compiler, worded as Lua 5.1 words it. */
export function lua51Message(message: string): string {
  if (!message.includes('attempt to') && !message.includes('near') && !message.includes('expected'))
    return message;
  return message
    .replace(VARINFO, 'attempt to $1 $3 $4 (a $2 value)')
    .replace(BARE_TOKEN_EXPECTED, "$1'<$2>' expected")
    .replace(SYNTAX_ERROR, ": '=' expected near ")
    .replace(LONG_STRING, '$1')
    .replace(NEAR_EOF, " near '<eof>'");
}
