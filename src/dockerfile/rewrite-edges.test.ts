import { describe, expect, it } from 'vitest';
import { parseDockerfile } from './parse-dockerfile.js';
import { rewriteImageRefs } from './rewrite-image-refs.js';

const at = (line: number, column: number) => ({ line, column });

describe('rewriteImageRefs, ranges as given', () => {
  const text = 'FROM a AS x\nFROM b\n';
  const a = { start: at(1, 6), end: at(1, 7) };
  const b = { start: at(2, 6), end: at(2, 7) };
  it('applies replacements given in any order', () => {
    expect(
      rewriteImageRefs(text, [
        { range: b, replacement: 'B' },
        { range: a, replacement: 'A' },
      ]),
    ).toBe('FROM A AS x\nFROM B\n');
  });

  it('leaves the text as it was without replacements', () => {
    expect(rewriteImageRefs(text, [])).toBe(text);
  });

  it('refuses overlapping ranges, naming the offset', () => {
    expect(() =>
      rewriteImageRefs(text, [
        { range: { start: at(1, 1), end: at(1, 7) }, replacement: 'x' },
        { range: a, replacement: 'y' },
      ]),
    ).toThrow(new RangeError('overlapping replacement ranges at offset 5'));
  });

  it('accepts ranges that touch', () => {
    expect(
      rewriteImageRefs(text, [
        { range: { start: at(1, 1), end: at(1, 6) }, replacement: 'from ' },
        { range: a, replacement: 'A' },
      ]),
    ).toBe('from A AS x\nFROM b\n');
  });

  it.each([
    ['past the end of a line', { start: at(1, 6), end: at(1, 40) }],
    ['past the last line', { start: at(9, 1), end: at(9, 2) }],
    ['ending before it starts', { start: at(1, 7), end: at(1, 6) }],
    ['on line 0', { start: at(0, 1), end: at(1, 2) }],
  ])('refuses a range %s', (_, range) => {
    expect(() => rewriteImageRefs(text, [{ range, replacement: 'x' }])).toThrow(
      new RangeError(`replacement range ${JSON.stringify(range)} is not inside the text`),
    );
  });
});

describe('platform ARGs docker sets itself', () => {
  // As BuildKit sets them for a build of linux/arm64/v8 on a linux/amd64 engine.
  const platforms = { target: 'linux/arm64/v8', build: 'linux/amd64' };
  it.each([
    ['BUILDPLATFORM', 'linux/amd64'],
    ['BUILDOS', 'linux'],
    ['BUILDARCH', 'amd64'],
    ['TARGETPLATFORM', 'linux/arm64/v8'],
    ['TARGETOS', 'linux'],
    ['TARGETARCH', 'arm64'],
    ['TARGETVARIANT', 'v8'],
  ])('$%s is %s in FROM --platform and in a FROM image', (name, value) => {
    const parsed = parseDockerfile(`FROM --platform=$${name} alpine\nFROM alpine-$${name}\n`, {
      file: 'Dockerfile',
      platforms,
    });
    expect(parsed.stages[0]).toMatchObject({ platform: value });
    expect(parsed.stages[1]?.image.resolved).toBe(`alpine-${value}`);
  });

  it('another unset ARG in FROM --platform is refused', () => {
    expect(() => parseDockerfile('FROM --platform=$MYARCH alpine\n', { file: 'Dockerfile' })).toThrow(
      /MYARCH/,
    );
  });
});
