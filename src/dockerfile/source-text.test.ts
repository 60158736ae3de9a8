import { describe, expect, it } from 'vitest';
import { SourceText } from './source-text.js';

// How docker reads a continued line, on which the offsets of every rewrite depend.
const logical = (text: string, escapeChar = '\\') => new SourceText(text).logical(0, text.length, escapeChar);

describe('SourceText.logical', () => {
  it.each([
    ['LF', 'a\\\nb', 'ab'],
    ['CRLF', 'a\\\r\nb', 'ab'],
    ['CR alone', 'a\\\rb', 'ab'],
    ['blanks after the escape', 'a\\ \t \nb', 'ab'],
    ['a comment line inside', 'a\\\n# note\nb', 'ab'],
    ['an indented comment line', 'a\\\n   # note\nb', 'ab'],
    ['a blank line inside', 'a\\\n\nb', 'ab'],
    ['blank and comment lines with CRLF', 'a\\\r\n\r\n # x\r\nb', 'ab'],
    ['an escape that does not end the line', 'a\\b', 'a\\b'],
    ['an escape followed by blanks and text', 'a\\ b', 'a\\ b'],
  ])('joins %s', (_, text, joined) => {
    expect(logical(text).text).toBe(joined);
  });

  it('keeps the offset of every character it keeps, and the end', () => {
    const text = 'ab\\\n# c\n  de';
    const { text: joined, offsets } = logical(text);
    expect(joined).toBe('ab  de');
    expect(offsets).toEqual([0, 1, 8, 9, 10, 11, text.length]);
    expect([...joined].map((_c, i) => text[offsets[i]!])).toEqual([...joined]);
  });

  it('uses the escape character it is given (`# escape=`)', () => {
    expect(logical('a`\nb', '`').text).toBe('ab');
    expect(logical('a\\\nb', '`').text).toBe('a\\\nb');
  });

  it('stops at the end it is given, even inside skipped lines', () => {
    const text = 'a\\\n# comment to the end';
    const { text: joined, offsets } = logical(text);
    expect(joined).toBe('a');
    expect(offsets).toEqual([0, text.length]);
    const cut = new SourceText('ab\\\n#x\ncd').logical(0, 6, '\\');
    expect(cut.text).toBe('ab');
    expect(cut.offsets).toEqual([0, 1, 6]);
  });
});

describe('SourceText positions', () => {
  it('maps offsets to 1-based lines and columns and back, across LF and CRLF', () => {
    const source = new SourceText('ab\r\ncd\nef');
    expect(source.positionAt(0)).toEqual({ line: 1, column: 1 });
    expect(source.positionAt(4)).toEqual({ line: 2, column: 1 });
    expect(source.positionAt(8)).toEqual({ line: 3, column: 2 });
    expect(source.offsetsOf({ start: { line: 2, column: 1 }, end: { line: 3, column: 3 } })).toEqual({
      start: 4,
      end: 9,
    });
  });
});
