/** Redis's sdscatrepr: how MONITOR and CONFIG REWRITE quote a value. */
import type { Arg } from './bytes.js';

/** sdscatrepr: a quoted string, `\\ \" \n \r \t \a \b` escaped, other bytes outside 0x20-0x7e as `\xhh`. */
export function repr(arg: Arg): string {
  if (typeof arg === 'string') {
    let plain = true;
    for (let i = 0; i < arg.length; i++) {
      const c = arg.charCodeAt(i);
      if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) {
        plain = false;
        break;
      }
    }
    if (plain) return `"${arg}"`;
    arg = Buffer.from(arg, 'utf8');
  }
  let out = '"';
  for (let i = 0; i < arg.length; i++) {
    const b = arg[i];
    switch (b) {
      case 0x5c:
        out += '\\\\';
        break;
      case 0x22:
        out += '\\"';
        break;
      case 0x0a:
        out += '\\n';
        break;
      case 0x0d:
        out += '\\r';
        break;
      case 0x09:
        out += '\\t';
        break;
      case 0x07:
        out += '\\a';
        break;
      case 0x08:
        out += '\\b';
        break;
      default:
        out += b >= 0x20 && b <= 0x7e ? String.fromCharCode(b) : `\\x${b < 16 ? '0' : ''}${b.toString(16)}`;
    }
  }
  return `${out}"`;
}
