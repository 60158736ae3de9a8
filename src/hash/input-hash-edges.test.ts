import { describe, expect, it } from 'vitest';
import { parseDockerignore } from './dockerignore.js';
import { contentTag, inputHash } from './input-hash.js';

const hash = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('contentTag', () => {
  it('is pinyard- and the first 24 hex digits of the hash', () => {
    expect(contentTag(hash)).toBe('pinyard-0123456789abcdef01234567');
  });

  it.each([`x${hash}`, `${hash}0`, hash.toUpperCase(), 'sha256:abc'])('refuses %s, naming it', (bad) => {
    expect(() => contentTag(bad)).toThrow(new RangeError(`not an input hash: ${bad}`));
  });
});

describe('inputHash', () => {
  it('refuses a file entry without a content digest, naming its path', () => {
    expect(() =>
      inputHash({ dockerfileText: 'FROM scratch\n', files: [{ path: 'a.txt', type: 'file', mode: 0o644 }] }),
    ).toThrow(new RangeError('context entry a.txt is a file without a digest'));
  });

  it('hashes a symlink by its target and a directory by nothing', () => {
    const base = { dockerfileText: 'FROM scratch\n' };
    const link = (target: string) =>
      inputHash({ ...base, files: [{ path: 'l', type: 'symlink', mode: 0o777, target }] });
    expect(link('a')).not.toBe(link('b'));
    const directory = inputHash({ ...base, files: [{ path: 'l', type: 'directory', mode: 0o777 }] });
    expect(directory).not.toBe(link('a'));
  });
});

describe('parseDockerignore', () => {
  it('keeps a lone `/` as docker does (Clean leaves it, and it is not stripped to nothing)', () => {
    expect(parseDockerignore('/\n')).toEqual([{ pattern: '/', exception: false }]);
    expect(parseDockerignore('!/\n')).toEqual([{ pattern: '/', exception: true }]);
  });

  it('drops a byte-order mark only at the start of the file', () => {
    expect(parseDockerignore('\uFEFFa\nb\uFEFFc\n')).toEqual([
      { pattern: 'a', exception: false },
      { pattern: 'b\uFEFFc', exception: false },
    ]);
  });
});
