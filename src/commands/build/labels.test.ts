import { describe, expect, it } from 'vitest';
import { parseDockerfile } from '../../dockerfile/index.js';
import { finalBaseText } from './final-base.js';
import { versionOf } from './labels.js';
import { withoutCredentials } from './source-info.js';

describe('build labels', () => {
  it.each([
    ['the last stage', 'FROM golang AS build\nFROM alpine:3.20\n', undefined, 'alpine:3.20'],
    ['through stage names', 'FROM base AS a\nFROM a AS b\nFROM b\n', undefined, 'base'],
    ['the target stage', 'FROM golang AS build\nFROM alpine\n', 'BUILD', 'golang'],
    ['scratch', 'FROM alpine AS a\nFROM scratch\n', undefined, undefined],
  ])('finds the base of %s', (_, text, target, expected) => {
    expect(finalBaseText(parseDockerfile(text, { file: 'Dockerfile' }), target)).toBe(expected);
  });

  it.each([
    [['1.4'], '1.4'],
    [['latest', 'v2.8.1'], 'v2.8.1'],
    [['bookworm', '16'], '16'],
    [['latest', 'edge'], undefined],
  ])('takes the version from tags %j', (tags, expected) => {
    expect(versionOf(tags)).toBe(expected);
  });

  it('never puts credentials of a remote URL into the source label', () => {
    expect(withoutCredentials('https://x-access-token:ghs_secret@github.com/acme/images.git')).toBe(
      'https://github.com/acme/images.git',
    );
    expect(withoutCredentials('git@github.com:acme/images.git')).toBe('git@github.com:acme/images.git');
  });
});
