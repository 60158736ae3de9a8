import { describe, expect, it } from 'vitest';
import type { PinyardError } from '../../errors.js';
import { qualify, qualifyPrefix, underPrefix } from './qualify.js';

const base = 'registry.example.com/acme';

describe('qualify', () => {
  it.each([
    ['app:1.4', base, 'registry.example.com/acme/app:1.4'],
    ['team/app@sha256:abc', base, 'registry.example.com/acme/team/app@sha256:abc'],
    ['registry.example.com/other/app:1', base, 'registry.example.com/other/app:1'],
    ['127.0.0.1:5000/app:1', base, '127.0.0.1:5000/app:1'],
    ['localhost/app', base, 'localhost/app'],
    ['docker.io/library/alpine:3.20', undefined, 'docker.io/library/alpine:3.20'],
    ['app', '127.0.0.1:5000', '127.0.0.1:5000/app'],
  ])('%s under %s → %s', (text, registry, expected) => {
    expect(qualify(text, registry)).toBe(expected);
  });

  it('refuses a relative reference when images.yml names no registry, and says how to write it', () => {
    const error = (() => {
      try {
        qualify('app:1.4', undefined);
      } catch (e) {
        return e as PinyardError;
      }
    })();
    expect(error?.code).toBe('PINYARD_USAGE');
    expect(error?.message).toContain('"app:1.4" names no registry');
    expect(error?.hint).toContain('registry.example.com/acme/app:1.4');
  });
});

describe('qualifyPrefix', () => {
  it.each([
    [undefined, base, { registry: 'registry.example.com', prefix: 'acme' }],
    ['', base, { registry: 'registry.example.com', prefix: 'acme' }],
    ['staging', base, { registry: 'registry.example.com', prefix: 'acme/staging' }],
    ['staging/', base, { registry: 'registry.example.com', prefix: 'acme/staging' }],
    ['127.0.0.1:5000', base, { registry: '127.0.0.1:5000', prefix: '' }],
    ['127.0.0.1:5000/dev', undefined, { registry: '127.0.0.1:5000', prefix: 'dev' }],
    [undefined, 'localhost:5000', { registry: 'localhost:5000', prefix: '' }],
  ])('%s under %s', (text, registry, expected) => {
    expect(qualifyPrefix(text, registry)).toEqual(expected);
  });

  it.each([
    [undefined, 'PINYARD_USAGE'],
    ['dev', 'PINYARD_USAGE'],
    ['registry.example.com/Upper', 'PINYARD_BAD_REFERENCE'],
  ])('refuses %s without a registry to read it against, or malformed', (text, code) => {
    expect(() => qualifyPrefix(text, undefined)).toThrow(
      expect.objectContaining({ code }) as unknown as Error,
    );
  });
});

describe('underPrefix', () => {
  it.each([
    ['dev/app', 'dev', true],
    ['dev', 'dev', true],
    ['devops/app', 'dev', false],
    ['acme/staging/app', 'acme/staging', true],
    ['anything', '', true],
  ])('%s under %s: %s', (repository, prefix, expected) => {
    expect(underPrefix(repository, prefix)).toBe(expected);
  });
});
