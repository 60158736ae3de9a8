import { describe, expect, it } from 'vitest';
import { isPinyardError } from '../errors.js';
import { canonicalReference, parseReference, tryParseReference } from './parse.js';
import type { Reference } from './types.js';

const hex = '0123456789abcdef'.repeat(4);
const digest = `sha256:${hex}`;

describe('tryParseReference accepts what docker accepts, normalized', () => {
  const cases: [string, Reference][] = [
    ['alpine', { registry: 'docker.io', repository: 'library/alpine' }],
    ['alpine:3.20', { registry: 'docker.io', repository: 'library/alpine', tag: '3.20' }],
    ['library/alpine', { registry: 'docker.io', repository: 'library/alpine' }],
    ['docker.io/alpine', { registry: 'docker.io', repository: 'library/alpine' }],
    [
      'index.docker.io/library/alpine:3.20',
      { registry: 'docker.io', repository: 'library/alpine', tag: '3.20' },
    ],
    ['user/repo', { registry: 'docker.io', repository: 'user/repo' }],
    ['docker.io/user/repo:v1', { registry: 'docker.io', repository: 'user/repo', tag: 'v1' }],
    ['localhost/foo', { registry: 'localhost', repository: 'foo' }],
    [
      `localhost:5000/a/b/c:tag@${digest}`,
      { registry: 'localhost:5000', repository: 'a/b/c', tag: 'tag', digest },
    ],
    ['127.0.0.1:5000/x', { registry: '127.0.0.1:5000', repository: 'x' }],
    ['[::1]:5000/x:t', { registry: '[::1]:5000', repository: 'x', tag: 't' }],
    [`ghcr.io/org/img@${digest}`, { registry: 'ghcr.io', repository: 'org/img', digest }],
    [
      'registry.example.com/acme/app:1.4',
      { registry: 'registry.example.com', repository: 'acme/app', tag: '1.4' },
    ],
    ['HOST.example.com/foo', { registry: 'HOST.example.com', repository: 'foo' }],
    // normalize.go: an upper-case first component cannot be a namespace, so it is a registry host.
    ['Foo/bar', { registry: 'Foo', repository: 'bar' }],
    // A bare name with a port-like suffix is a tag, as in docker: docker.io/library/localhost:5000.
    ['localhost:5000', { registry: 'docker.io', repository: 'library/localhost', tag: '5000' }],
    ['a-b__c---e/f_g.h', { registry: 'docker.io', repository: 'a-b__c---e/f_g.h' }],
    [
      `alpine:${'t'.repeat(128)}`,
      { registry: 'docker.io', repository: 'library/alpine', tag: 't'.repeat(128) },
    ],
    ['alpine:_x', { registry: 'docker.io', repository: 'library/alpine', tag: '_x' }],
    [
      `app@sha512:${'ab'.repeat(64)}`,
      { registry: 'docker.io', repository: 'library/app', digest: `sha512:${'ab'.repeat(64)}` },
    ],
    // Algorithms go-digest does not know only have to satisfy the grammar.
    [`app@blake3:${hex}`, { registry: 'docker.io', repository: 'library/app', digest: `blake3:${hex}` }],
  ];
  it.each(cases)('%s', (input, expected) => {
    expect(tryParseReference(input)).toEqual({ ok: true, ref: expected });
  });
});

describe('tryParseReference explains what is wrong', () => {
  const cases: [string, string][] = [
    ['', 'the image reference is empty'],
    [' alpine', "image reference ' alpine' has leading or trailing whitespace"],
    ['Foo', "repository name must be lowercase: 'Foo'"],
    ['foo/Bar', "repository name must be lowercase: 'foo/Bar'"],
    ['docker.io/Alpine:3.20', "repository name must be lowercase: 'Alpine'"],
    [`alpine:${'t'.repeat(129)}`, `tag '${'t'.repeat(39)}…' is 129 characters; at most 128 are allowed`],
    [':tag', "image reference ':tag' has no repository name"],
    ['a//b', "empty path component in 'a//b'"],
    ['a/', "repository name 'a/' ends with '/'"],
    ['/a', "repository name '/a' starts with '/'"],
    ['alpine@', "the digest after '@' is empty; write it as sha256:<64 hexadecimal characters>"],
    ['alpine:', "the tag after ':' is empty"],
    ['alpine@sha256:abc', "digest 'sha256:abc' is not 64 hexadecimal characters"],
    [
      `alpine@sha256:${hex.toUpperCase()}`,
      `digest 'sha256:${hex.toUpperCase().slice(0, 32)}…' must be lower-case hexadecimal`,
    ],
    [`alpine@SHA256:${hex}`, "digest algorithm 'SHA256' must be lower-case"],
    [
      `alpine@${hex}`,
      `digest '${hex.slice(0, 39)}…' has no algorithm; write it as sha256:<64 hexadecimal characters>`,
    ],
    ['alpine@md5:abc', "digest 'md5:abc' needs at least 32 hexadecimal characters after ':'"],
    ['alpine@1x:abc', "digest algorithm '1x' is not valid; write it as sha256:<64 hexadecimal characters>"],
    ['a:b:c', "tag 'b:c' contains ':'; a tag may only contain letters, digits, '_', '.' and '-'"],
    ['alpine:3 20', "tag '3 20' contains a space; a tag may only contain letters, digits, '_', '.' and '-'"],
    ['-a', "path component '-a' must start with a lower-case letter or a digit"],
    ['a-', "path component 'a-' must end with a lower-case letter or a digit"],
    [
      'a..b',
      "path component 'a..b' has the separator '..'; use one '.', one or two '_', or any number of '-'",
    ],
    [
      'a___b',
      "path component 'a___b' has the separator '___'; use one '.', one or two '_', or any number of '-'",
    ],
    [
      'a$b',
      "path component 'a$b' contains '$'; only lower-case letters, digits, '.', '_' and '-' are allowed",
    ],
    ['alpine:.x', "tag '.x' must start with a letter, a digit or '_'"],
    ['alpine:-x', "tag '-x' must start with a letter, a digit or '_'"],
    ['host:port/a', "registry port 'port' is not a number"],
    ['host:/a', "registry 'host:' has an empty port after ':'"],
    // A '.' makes the first component a registry host, where '_' is not allowed. (docker's regex instead
    // reads it as a registry-less path, a reference nothing can pull from.)
    [
      'my_host.com/a',
      "registry host 'my_host.com' contains '_'; only letters, digits, '-' and '.' are allowed",
    ],
    ['-host.com/a', "registry host label '-host' must start and end with a letter or a digit"],
    ['host..com/a', "registry host 'host..com' has an empty label between dots"],
    ['[::1/a', "registry '[::1' is not a bracketed IPv6 address with an optional port, e.g. [::1]:5000"],
    [hex, `'${hex.slice(0, 39)}…' is an image id, not a repository name; use name@sha256:<id> instead`],
    [`a/${'b'.repeat(254)}`, 'repository name is 256 characters; at most 255 are allowed'],
    // 'library/' counts: Docker Hub measures the normalized path.
    ['b'.repeat(250), 'repository name is 258 characters; at most 255 are allowed'],
  ];
  it.each(cases)('%s', (input, reason) => {
    expect(tryParseReference(input)).toEqual({ ok: false, reason });
  });
});

describe('parseReference', () => {
  it('returns the reference when it is valid', () => {
    expect(parseReference('alpine:3.20')).toEqual({
      registry: 'docker.io',
      repository: 'library/alpine',
      tag: '3.20',
    });
  });

  it('throws PINYARD_BAD_REFERENCE with the reason, a hint and the position it was given', () => {
    const position = { file: 'images/app/Dockerfile', line: 3, column: 6 };
    try {
      parseReference('Alpine:3.20', { position });
      expect.unreachable();
    } catch (error) {
      if (!isPinyardError(error)) throw error;
      expect(error.code).toBe('PINYARD_BAD_REFERENCE');
      expect(error.exitCode).toBe(2);
      expect(error.message).toBe(
        "invalid image reference 'Alpine:3.20': repository name must be lowercase: 'Alpine'",
      );
      expect(error.hint).toContain('alpine:3.20');
      expect(error.located).toBe(`images/app/Dockerfile:3:6: ${error.message}`);
    }
  });
});

describe('canonicalReference', () => {
  it.each([
    ['alpine', 'docker.io/library/alpine:latest'],
    ['alpine:3.20', 'docker.io/library/alpine:3.20'],
    ['index.docker.io/user/app', 'docker.io/user/app:latest'],
    [`ghcr.io/org/img@${digest}`, `ghcr.io/org/img@${digest}`],
    [`localhost:5000/a:t@${digest}`, `localhost:5000/a:t@${digest}`],
  ])('%s → %s', (input, expected) => {
    expect(canonicalReference(input)).toBe(expected);
  });

  it('throws on a bad reference', () => {
    expect(() => canonicalReference('a//b')).toThrow("empty path component in 'a//b'");
  });
});
