import { describe, expect, it } from 'vitest';
import type { PinyardError } from '../errors.js';
import { diffLocks, parseLock } from './index.js';

// A hand-edited images.lock, as the user reads the refusal: where, what, and the one hint.
const d = (c: string) => `sha256:${c.repeat(64)}`;
const HINT = 'images.lock is generated: restore it from version control or run `pinyard lock --update`';

function refusal(text: string): PinyardError {
  try {
    parseLock(text, 'images.lock');
  } catch (e) {
    return e as PinyardError;
  }
  throw new Error('expected the lock to be refused');
}
const entry = (ref: string, body: string) => `  ${ref}:\n${body}`;

describe('parseLock refusals', () => {
  it('a wrong version says which one it reads', () => {
    const error = refusal('version: 2\nupstream: {}\n');
    expect(error.located).toBe('images.lock:1:10: version: version must be 1');
    expect(error.hint).toBe(HINT);
    expect(error.details).toEqual([]);
  });

  it.each(['linux', 'Linux/amd64', 'linux/amd64/v8/x', 'linux/', '/amd64', 'linux/amd-64', 'linux/amd64/V8'])(
    'a platform key %s that is not os/arch[/variant]',
    (platform) => {
      const error = refusal(
        `version: 1\nupstream:\n${entry('docker.io/library/alpine:3.20', `    digest: ${d('a')}\n    platforms:\n      ${platform}: ${d('b')}\n`)}`,
      );
      expect(error.code).toBe('PINYARD_LOCK_INVALID');
      expect(error.located).toMatch(
        /^images\.lock:6:\d+: upstream\."docker\.io\/library\/alpine:3\.20"\.platforms/,
      );
    },
  );

  it('accepts os/arch and os/arch/variant platform keys', () => {
    const lock = parseLock(
      `version: 1\nupstream:\n${entry('docker.io/library/alpine:3.20', `    digest: ${d('a')}\n    platforms:\n      linux/amd64: ${d('b')}\n      linux/arm64/v8: ${d('c')}\n      linux/arm_64: ${d('e')}\n`)}`,
      'images.lock',
    );
    expect(Object.keys(lock.upstream['docker.io/library/alpine:3.20']!.platforms!)).toEqual([
      'linux/amd64',
      'linux/arm64/v8',
      'linux/arm_64',
    ]);
  });

  it('a bad platform digest says what a digest is', () => {
    const error = refusal(
      `version: 1\nupstream:\n${entry('docker.io/library/alpine:3.20', `    digest: ${d('a')}\n    platforms:\n      linux/amd64: sha256:x\n`)}`,
    );
    expect(error.message).toBe(
      'upstream."docker.io/library/alpine:3.20".platforms."linux/amd64": not a digest (expected sha256:<64 hex characters>)',
    );
  });

  it('several problems are reported together, each at its place', () => {
    const error = refusal(
      `version: 2\nupstream:\n${entry('docker.io/library/alpine:3.20', '    digest: nope\n    extra: 1\n')}`,
    );
    expect(error.message).toBe('images.lock has 3 problems');
    expect(error.hint).toBe(HINT);
    expect(error.details.map((e) => e.located)).toEqual([
      'images.lock:1:10: version: version must be 1',
      'images.lock:4:13: upstream."docker.io/library/alpine:3.20".digest: not a digest (expected sha256:<64 hex characters>)',
      'images.lock:5:5: upstream."docker.io/library/alpine:3.20".extra: unknown key "extra"',
    ]);
  });

  it('a ref written twice is a YAML error at the second', () => {
    const error = refusal(
      `version: 1\nupstream:\n${entry('docker.io/library/alpine:3.20', `    digest: ${d('a')}\n`)}${entry('docker.io/library/alpine:3.20', `    digest: ${d('b')}\n`)}`,
    );
    expect(error.located).toBe(
      'images.lock:5:3: duplicate key "docker.io/library/alpine:3.20": a key may appear only once in a map',
    );
  });

  it('several bad refs are all named', () => {
    const error = refusal(
      `version: 1\nupstream:\n${entry('alpine:3.20', `    digest: ${d('a')}\n`)}${entry('Bad Ref', `    digest: ${d('b')}\n`)}`,
    );
    expect(error.message).toBe('images.lock has 2 problems');
    expect(error.details.map((e) => e.located)).toEqual([
      'images.lock:3:3: upstream."alpine:3.20": "alpine:3.20" is not in canonical form (docker.io/library/alpine:3.20)',
      expect.stringMatching(/^images\.lock:5:3: upstream\."Bad Ref": \S/),
    ]);
  });

  it('an empty file is a lock with no version, not a crash', () => {
    expect(refusal('').message).toMatch(/problems|version/);
  });
});

describe('diffLocks order', () => {
  it('lists changes by ref, whatever order either lock holds them in', () => {
    const before = { version: 1 as const, upstream: { 'docker.io/library/z:1': { digest: d('1') } } };
    const after = {
      version: 1 as const,
      upstream: {
        'docker.io/library/m:1': { digest: d('2') },
        'docker.io/library/a:1': { digest: d('3') },
      },
    };
    expect(diffLocks(before, after).map((c) => c.ref)).toEqual([
      'docker.io/library/a:1',
      'docker.io/library/m:1',
      'docker.io/library/z:1',
    ]);
  });
});
