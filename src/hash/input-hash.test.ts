import { chmod, mkdir, mkdtemp, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contextFiles } from './context-files.js';
import { contentTag, type ImageInputs, INPUT_HASH_LABEL, inputHash } from './input-hash.js';
import type { ContextEntry } from './types.js';

const digestA = `sha256:${'a'.repeat(64)}`;
const digestB = `sha256:${'b'.repeat(64)}`;
const files: ContextEntry[] = [
  { path: 'src', type: 'directory', mode: 0o755 },
  { path: 'src/app.js', type: 'file', mode: 0o644, digest: digestA },
  { path: 'src/current', type: 'symlink', mode: 0o777, target: 'app.js' },
];
const base: ImageInputs = {
  dockerfileText: `FROM docker.io/library/alpine:3.20@${digestA}\nCOPY src/ /app/\n`,
  files,
  args: { NODE_ENV: 'production', APP_VERSION: '1.4' },
};
const baseHash = inputHash(base);

describe('inputHash', () => {
  // Computed independently from the encoding documented in input-hash.ts.
  it('is a sha256 digest, pinned for encoding v2 (a change here rebuilds every image once)', () => {
    expect(baseHash).toBe('sha256:060fbb8aadea4310621166c8f3c18a96dfde6315554630aaf7328e45eeee7404');
  });

  it('does not depend on the order of files or args', () => {
    expect(
      inputHash({
        ...base,
        files: [...files].reverse(),
        args: { APP_VERSION: '1.4', NODE_ENV: 'production' },
      }),
    ).toBe(baseHash);
  });

  it.each<{ change: string; inputs: ImageInputs }>([
    {
      change: 'a parent digest in the Dockerfile',
      inputs: { ...base, dockerfileText: base.dockerfileText.replace(digestA, digestB) },
    },
    {
      change: 'a byte of a file',
      inputs: { ...base, files: files.map((f) => (f.type === 'file' ? { ...f, digest: digestB } : f)) },
    },
    {
      change: 'a file mode',
      inputs: { ...base, files: files.map((f) => (f.type === 'file' ? { ...f, mode: 0o755 } : f)) },
    },
    {
      change: 'a directory mode',
      inputs: { ...base, files: files.map((f) => (f.type === 'directory' ? { ...f, mode: 0o700 } : f)) },
    },
    {
      change: 'a symlink target',
      inputs: { ...base, files: files.map((f) => (f.type === 'symlink' ? { ...f, target: 'x' } : f)) },
    },
    {
      change: 'a file path',
      inputs: { ...base, files: files.map((f) => (f.type === 'file' ? { ...f, path: 'src/main.js' } : f)) },
    },
    {
      change: 'a new empty directory',
      inputs: { ...base, files: [...files, { path: 'data', type: 'directory', mode: 0o755 }] },
    },
    { change: 'an arg value', inputs: { ...base, args: { ...base.args, APP_VERSION: '1.5' } } },
    { change: 'a new arg', inputs: { ...base, args: { ...base.args, EXTRA: '' } } },
    { change: 'the target', inputs: { ...base, target: 'runtime' } },
    { change: 'the platform', inputs: { ...base, platform: 'linux/arm64' } },
    { change: 'the salt', inputs: { ...base, salt: '2025-01-01' } },
  ])('changes with $change', ({ inputs }) => {
    expect(inputHash(inputs)).not.toBe(baseHash);
  });

  it('cannot be fooled by moving text between fields', () => {
    const a = inputHash({ dockerfileText: 'FROM x', files: [], args: { A: 'b' } });
    const b = inputHash({ dockerfileText: 'FROM x', files: [], args: { Ab: '' } });
    expect(a).not.toBe(b);
  });
});

describe('inputHash of a real context', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pinyard-hash-'));
    await mkdir(join(dir, 'src'));
    await writeFile(join(dir, 'src/app.js'), 'console.log(1);\n');
    await writeFile(join(dir, 'Dockerfile'), 'FROM scratch\n');
    await writeFile(join(dir, '.dockerignore'), '*.log\n');
    await symlink('app.js', join(dir, 'src/current'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const hashOf = async () =>
    inputHash({
      dockerfileText: 'FROM scratch\n',
      files: await contextFiles(dir, { dockerfile: 'Dockerfile' }),
    });

  it('ignores modification times', async () => {
    const before = await hashOf();
    await utimes(join(dir, 'src/app.js'), new Date(0), new Date(0));
    await utimes(join(dir, 'src'), new Date(1), new Date(1));
    expect(await hashOf()).toBe(before);
  });

  it('ignores a new file that .dockerignore leaves out', async () => {
    const before = await hashOf();
    await writeFile(join(dir, 'debug.log'), 'noise');
    expect(await hashOf()).toBe(before);
  });

  it.each([
    { change: 'a byte', edit: (d: string) => writeFile(join(d, 'src/app.js'), 'console.log(2);\n') },
    { change: 'a mode', edit: (d: string) => chmod(join(d, 'src/app.js'), 0o755) },
    { change: 'a new file', edit: (d: string) => writeFile(join(d, 'src/util.js'), '') },
    { change: 'the .dockerignore', edit: (d: string) => writeFile(join(d, '.dockerignore'), '*.tmp\n') },
  ])('changes with $change', async ({ edit }) => {
    const before = await hashOf();
    await edit(dir);
    expect(await hashOf()).not.toBe(before);
  });
});

describe('contentTag', () => {
  it('is pinyard- and the first 24 hex digits of the hash, a valid docker tag', () => {
    expect(contentTag(baseHash)).toBe(`pinyard-${baseHash.slice(7, 31)}`);
    expect(contentTag(baseHash)).toMatch(/^[\w][\w.-]{0,127}$/);
  });

  it('refuses something that is not an input hash', () => {
    expect(() => contentTag('sha256:abc')).toThrow(RangeError);
  });

  it('sits beside the label key that records the full hash', () => {
    expect(INPUT_HASH_LABEL).toBe('dev.pinyard.input-hash');
  });
});
