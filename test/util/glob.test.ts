import { describe, expect, it } from 'vitest';
import { toKey } from '../../src/util/bytes.js';
import { Glob, stringMatch } from '../../src/util/glob.js';

const m = (p: string, s: string, nocase = false) => stringMatch(p, s, nocase);

describe('stringMatch (Redis 7.0 stringmatchlen)', () => {
  it('matches literals, ? and *', () => {
    expect(m('hello', 'hello')).toBe(true);
    expect(m('hello', 'hell')).toBe(false);
    expect(m('h?llo', 'hallo')).toBe(true);
    expect(m('h?llo', 'hllo')).toBe(false);
    expect(m('h*llo', 'hllo')).toBe(true);
    expect(m('h*llo', 'heeeello')).toBe(true);
    expect(m('*', 'anything')).toBe(true);
    expect(m('**', 'x')).toBe(true);
    expect(m('a*', 'a')).toBe(true);
    expect(m('a**', 'a')).toBe(true);
    expect(m('*a', 'ba')).toBe(true);
    expect(m('*a', 'ab')).toBe(false);
    expect(m('user:*:name', 'user:42:name')).toBe(true);
  });

  it('never matches the empty subject except with the empty pattern', () => {
    expect(m('', '')).toBe(true);
    expect(m('*', '')).toBe(false);
    expect(m('?', '')).toBe(false);
    expect(m('', 'a')).toBe(false);
  });

  it('handles classes, negation, ranges and reversed ranges', () => {
    expect(m('h[ae]llo', 'hello')).toBe(true);
    expect(m('h[ae]llo', 'hillo')).toBe(false);
    expect(m('h[^e]llo', 'hallo')).toBe(true);
    expect(m('h[^e]llo', 'hello')).toBe(false);
    expect(m('h[a-b]llo', 'hbllo')).toBe(true);
    expect(m('h[b-a]llo', 'hallo')).toBe(true);
    expect(m('[a-]', ']')).toBe(true); // range 'a'..']' swapped to ']'..'a'
    expect(m('[a-]', '^')).toBe(true);
    expect(m('[a-]', '-')).toBe(false);
  });

  it('reads unterminated classes as Redis does', () => {
    expect(m('[abc', 'a')).toBe(true);
    expect(m('[abc', 'd')).toBe(false);
    expect(m('[', 'a')).toBe(false);
    expect(m('[^', 'a')).toBe(true); // negation of an empty class
    expect(m('[^', 'ab')).toBe(false);
    expect(m('[\\', '\\')).toBe(true);
    expect(m('a[', 'a')).toBe(false);
  });

  it('handles escapes', () => {
    expect(m('\\*', '*')).toBe(true);
    expect(m('\\*', 'a')).toBe(false);
    expect(m('\\?', '?')).toBe(true);
    expect(m('a\\', 'a\\')).toBe(true); // trailing backslash is literal
    expect(m('[\\]]', ']')).toBe(true);
    expect(m('[\\-]', '-')).toBe(true);
  });

  it('nocase folds ASCII only, and not escaped class members', () => {
    expect(m('HELLO', 'hello', true)).toBe(true);
    expect(m('HELLO', 'hello', false)).toBe(false);
    expect(m('[A-C]', 'b', true)).toBe(true);
    expect(m('[\\A]', 'a', true)).toBe(false);
    expect(m('[A]', 'a', true)).toBe(true);
    expect(m('É', 'é', true)).toBe(false);
  });

  it('compares bytes: UTF-8 text and signed chars in ranges', () => {
    expect(m('?', 'é')).toBe(false); // two bytes
    expect(m('??', 'é')).toBe(true);
    expect(m('caf?', 'café')).toBe(false);
    expect(m('caf*', 'café')).toBe(true);
    const hi = Buffer.from([0xff]);
    // As signed chars, [\x80-a] is -128..97: it holds 0xff (-1) and 'A' but not 'b'
    // (unsigned, it would be 0x61..0x80 and hold 'b' but not 0xff).
    const range = Buffer.from('[\x80-a]', 'latin1');
    expect(stringMatch(range, hi)).toBe(true);
    expect(stringMatch(range, 'A')).toBe(true);
    expect(stringMatch(range, 'b')).toBe(false);
    expect(stringMatch('[a-z]', hi)).toBe(false);
  });

  it('matches binary keys on their original bytes', () => {
    const key = toKey(Buffer.from([0x61, 0xff, 0x62]));
    const g = new Glob(Buffer.from([0x61, 0x3f, 0x62]));
    expect(g.matchKey(key)).toBe(true);
    expect(new Glob('a*').matchKey(key)).toBe(true);
    expect(new Glob('a??b').matchKey(key)).toBe(false);
    expect(new Glob(Buffer.from([0x2a, 0xff, 0x2a])).matchKey(key)).toBe(true);
  });

  it('Glob.matchesAll is only the exact pattern *', () => {
    expect(new Glob('*').matchesAll).toBe(true);
    expect(new Glob('**').matchesAll).toBe(false);
    expect(new Glob('').matchesAll).toBe(false);
  });

  it('stops at nesting depth 1000', () => {
    const s = 'a'.repeat(1100);
    expect(m('*a'.repeat(1000), s)).toBe(true);
    expect(m('*a'.repeat(1001), s)).toBe(false);
  });

  it('returns promptly on abusive patterns, without overflowing the stack', () => {
    const started = Date.now();
    expect(m('*?'.repeat(50_000), 'a'.repeat(100_000))).toBe(false);
    expect(m(`${'a*'.repeat(30)}b`, 'a'.repeat(5000))).toBe(false);
    expect(m('*?'.repeat(400), 'a'.repeat(1000))).toBe(true);
    // Generous bound: exponential backtracking would take far longer.
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
