import { describe, expect, it } from 'vitest';
import { readYamlDocument } from './yaml-document.js';

const bomb = (levels: number) => {
  const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i <= levels; i++)
    lines.push(
      `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(', ')}]`,
    );
  return `${lines.join('\n')}\n`;
};

describe('readYamlDocument (the `yaml` path, for files js-yaml refuses)', () => {
  it('refuses an alias bomb at its worst alias, and accepts the same aliases below the limit', () => {
    const { problems } = readYamlDocument(bomb(7), 'images.lock', 'PINYARD_LOCK_INVALID');
    expect(problems.map((p) => p.located)).toEqual([
      'images.lock:8:10: alias *a6 expands to 11,111,111 values: more than any pinyard file needs (an alias bomb?)',
    ]);
    expect(readYamlDocument(bomb(3), 'images.lock', 'PINYARD_LOCK_INVALID').problems).toEqual([]);
  });

  it('finds duplicate keys in linear time and reports each second key', () => {
    const { problems } = readYamlDocument(
      'a: 1\nb: 2\na: 3\nm: { x: 1, x: 2 }\n',
      'f.yml',
      'PINYARD_MANIFEST_SYNTAX',
    );
    expect(problems.map((p) => p.located)).toEqual([
      'f.yml:3:1: duplicate key "a": a key may appear only once in a map',
      'f.yml:4:12: duplicate key "x": a key may appear only once in a map',
    ]);
  });

  it('points an unclosed { or [ at the bracket, skipping brackets in quotes and comments', () => {
    const text = 'a: "[x"  # ]\nb: { c: [1, 2], d: 3\ne: 4\n';
    const { problems } = readYamlDocument(text, 'f.yml', 'PINYARD_MANIFEST_SYNTAX');
    expect(problems[0]?.located).toBe('f.yml:2:4: this { is never closed with }');
  });

  it.each([
    ['a:\n\tb: 1\n', 'f.yml:2:1: a tab indents this line: YAML indents with spaces'],
    ['a: 1\nb: "open\nc: 2\n', 'f.yml:2:4: this quoted text is never closed with "'],
    ['a: [1, 2]]\n', 'f.yml:1:10: YAML syntax: unexpected ] here'],
    ['a: @x\n', 'f.yml:1:4: YAML syntax: a plain value cannot start with @'],
  ])('says %j in its own words, where the slip is', (text, expected) => {
    const { problems } = readYamlDocument(text, 'f.yml', 'PINYARD_MANIFEST_SYNTAX');
    expect(problems[0]?.located).toBe(expected);
    expect(problems[0]?.hint).toBeTruthy();
  });
});
