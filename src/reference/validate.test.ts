import { describe, expect, it } from 'vitest';
import { isValidDigest, isValidRepositoryPath, isValidTag } from './validate.js';

const hex = '0123456789abcdef'.repeat(4);

describe('isValidTag', () => {
  it.each([
    ['3.20', true],
    ['latest', true],
    ['_x', true],
    ['A-b.C_1', true],
    ['x'.repeat(128), true],
    ['x'.repeat(129), false],
    ['', false],
    ['.x', false],
    ['-x', false],
    ['a:b', false],
    ['a/b', false],
  ])('%s → %s', (tag, valid) => {
    expect(isValidTag(tag)).toBe(valid);
  });
});

describe('isValidDigest', () => {
  it.each([
    [`sha256:${hex}`, true],
    [`sha512:${hex}${hex}`, true],
    [`sha384:${hex}${hex.slice(0, 32)}`, true],
    [`multihash+base58:${hex}`, true],
    [`sha256:${hex.slice(1)}`, false],
    [`sha256:${hex}0`, false],
    [`sha256:${hex.toUpperCase()}`, false],
    [`sha512:${hex}`, false],
    ['sha256:', false],
    [hex, false],
    [`:${hex}`, false],
  ])('%s → %s', (digest, valid) => {
    expect(isValidDigest(digest)).toBe(valid);
  });
});

describe('isValidRepositoryPath', () => {
  it.each([
    ['alpine', true],
    ['library/alpine', true],
    ['a/b/c/d', true],
    ['a__b/c-----d/e.f/g_h', true],
    ['x'.repeat(255), true],
    ['x'.repeat(256), false],
    ['Alpine', false],
    ['a//b', false],
    ['a/', false],
    ['', false],
    ['a___b', false],
    ['a.-b', false],
    ['localhost:5000/a', false],
  ])('%s → %s', (path, valid) => {
    expect(isValidRepositoryPath(path)).toBe(valid);
  });
});
