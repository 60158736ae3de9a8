import { describe, expect, it } from 'vitest';
import { printable } from './printable.js';

describe('printable', () => {
  it('drops ANSI escape sequences: colours, cursor moves, screen clears, OSC titles and links', () => {
    expect(printable('\u001b[31mred\u001b[0m \u001b[2J\u001b[1;1Hdone')).toBe('red done');
    expect(printable('a\u001b]0;owned\u0007b')).toBe('ab');
    expect(printable('\u001b]8;;https://evil.example\u001b\\click\u001b]8;;\u001b\\')).toBe('click');
    expect(printable('x\u009b2Jy')).toBe('xy');
  });

  it('puts text on one line: line breaks, tabs and other controls become one space', () => {
    expect(printable('denied\n::error file=a::forged\r\nmore')).toBe('denied ::error file=a::forged more');
    expect(printable('a\u0000\u0007\u0008b\tc')).toBe('a b c');
    expect(printable('a\u2028b')).toBe('a b');
  });

  it('removes bidirectional overrides that make text read otherwise', () => {
    expect(printable('file\u202egnp.exe')).toBe('file gnp.exe');
  });

  it('leaves ordinary text alone, non-ASCII included', () => {
    expect(printable('manifest unknown: café — ☃ 1.4')).toBe('manifest unknown: café — ☃ 1.4');
  });
});
