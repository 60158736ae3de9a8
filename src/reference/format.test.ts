import { describe, expect, it } from 'vitest';
import { familiarReference, formatReference, repositoryName, withDefaultTag } from './format.js';
import { parseReference } from './parse.js';

const digest = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('formatReference and familiarReference', () => {
  // input, canonical form, what docker prints
  const cases: [string, string, string][] = [
    ['alpine', 'docker.io/library/alpine', 'alpine'],
    ['alpine:3.20', 'docker.io/library/alpine:3.20', 'alpine:3.20'],
    ['docker.io/library/alpine:3.20', 'docker.io/library/alpine:3.20', 'alpine:3.20'],
    ['index.docker.io/user/app', 'docker.io/user/app', 'user/app'],
    // Only one level under library/ is an official image; deeper paths keep their namespace.
    ['library/distros/ubuntu', 'docker.io/library/distros/ubuntu', 'library/distros/ubuntu'],
    ['ghcr.io/x/y:1', 'ghcr.io/x/y:1', 'ghcr.io/x/y:1'],
    ['localhost/foo', 'localhost/foo', 'localhost/foo'],
    [`localhost:5000/a/b:t@${digest}`, `localhost:5000/a/b:t@${digest}`, `localhost:5000/a/b:t@${digest}`],
    [`alpine@${digest}`, `docker.io/library/alpine@${digest}`, `alpine@${digest}`],
    ['[::1]:5000/x:t', '[::1]:5000/x:t', '[::1]:5000/x:t'],
  ];

  it.each(cases)('%s', (input, canonical, familiar) => {
    const ref = parseReference(input);
    expect(formatReference(ref)).toBe(canonical);
    expect(familiarReference(ref)).toBe(familiar);
  });

  it.each(cases)('%s survives a round-trip through both forms', (input) => {
    const ref = parseReference(input);
    expect(parseReference(formatReference(ref))).toEqual(ref);
    expect(parseReference(familiarReference(ref))).toEqual(ref);
  });
});

describe('repositoryName', () => {
  it('drops tag and digest', () => {
    expect(repositoryName(parseReference(`alpine:3.20@${digest}`))).toBe('docker.io/library/alpine');
  });
});

describe('withDefaultTag', () => {
  it.each([
    ['alpine', 'latest'],
    ['alpine:3.20', '3.20'],
    [`alpine@${digest}`, undefined],
  ])('%s gets tag %s', (input, tag) => {
    expect(withDefaultTag(parseReference(input)).tag).toBe(tag);
  });

  it('leaves the reference it was given unchanged', () => {
    const ref = parseReference('alpine');
    withDefaultTag(ref);
    expect(ref.tag).toBeUndefined();
  });
});
