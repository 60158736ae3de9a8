import { chmod, mkdir, mkdtemp, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tarFs from 'tar-fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PinyardError } from '../errors.js';
import { contextFiles } from '../hash/index.js';
import { contextTar, INJECTED_DOCKERFILE } from './context-tar.js';

interface TarEntry {
  name: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
}

/** The headers of a tar stream in order, and the directory its files were extracted to. */
async function unpack(tar: Readable): Promise<{ entries: TarEntry[]; root: string }> {
  const root = await mkdtemp(join(tmpdir(), 'pinyard-untar-'));
  const entries: TarEntry[] = [];
  const extract = tarFs.extract(root, {
    map: (header) => {
      const { name, type, mode, uid, gid } = header;
      entries.push({ name, type, mode, uid, gid });
      return header;
    },
  });
  await pipeline(tar, extract);
  return { entries, root };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pinyard-tar-'));
  await mkdir(join(dir, 'src'));
  await writeFile(join(dir, 'src/run.sh'), '#!/bin/sh\necho hi\n');
  await chmod(join(dir, 'src/run.sh'), 0o775);
  await symlink('run.sh', join(dir, 'src/start'));
  await writeFile(join(dir, 'Dockerfile'), 'FROM base\nCOPY src/ /app/\n');
  await writeFile(join(dir, 'debug.log'), 'not sent');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const rewritten =
  'FROM reg.example/base@sha256:1111111111111111111111111111111111111111111111111111111111111111\nCOPY src/ /app/\n';

const unpacked: string[] = [];
afterEach(async () => {
  for (const root of unpacked.splice(0)) await rm(root, { recursive: true, force: true });
});

async function pack() {
  const files = await contextFiles(dir, { dockerfile: 'Dockerfile' });
  const { tar, dockerfile } = await contextTar(dir, { dockerfileText: rewritten, files });
  const { entries, root } = await unpack(tar);
  unpacked.push(root);
  const body = (name: string) => readFile(join(root, name), 'utf8');
  const link = (name: string) => readlink(join(root, name));
  return { entries, dockerfile, body, link };
}

describe('contextTar', () => {
  it('sends the listed files as root, with their own modes, then the .dockerignore and the rewritten Dockerfile', async () => {
    await writeFile(join(dir, '.dockerignore'), '*.log');
    const { entries, dockerfile, body, link } = await pack();
    expect(dockerfile).toBe(INJECTED_DOCKERFILE);
    expect(entries.map(({ name, type, mode, uid, gid }) => ({ name, type, mode, uid, gid }))).toEqual([
      { name: 'Dockerfile', type: 'file', mode: 0o644, uid: 0, gid: 0 },
      { name: 'src', type: 'directory', mode: 0o755, uid: 0, gid: 0 },
      { name: 'src/run.sh', type: 'file', mode: 0o775, uid: 0, gid: 0 },
      { name: 'src/start', type: 'symlink', mode: 0o777, uid: 0, gid: 0 },
      { name: '.dockerignore', type: 'file', mode: 0o644, uid: 0, gid: 0 },
      { name: INJECTED_DOCKERFILE, type: 'file', mode: 0o600, uid: 0, gid: 0 },
    ]);
    expect(await body(INJECTED_DOCKERFILE)).toBe(rewritten);
    expect(await body('src/run.sh')).toBe('#!/bin/sh\necho hi\n');
    expect(await link('src/start')).toBe('run.sh');
    // The engine drops the injected Dockerfile before the first step because the .dockerignore lists it.
    expect(await body('.dockerignore')).toBe(`*.log\n${INJECTED_DOCKERFILE}\n`);
  });

  it('leaves the user’s Dockerfile and .dockerignore as they were', async () => {
    await writeFile(join(dir, '.dockerignore'), '*.log');
    await pack();
    expect(await readFile(join(dir, 'Dockerfile'), 'utf8')).toBe('FROM base\nCOPY src/ /app/\n');
    expect(await readFile(join(dir, '.dockerignore'), 'utf8')).toBe('*.log');
  });

  it('without a .dockerignore, sends one that makes the engine drop both files it adds', async () => {
    const { entries, body } = await pack();
    expect(await body('.dockerignore')).toBe(`.dockerignore\n${INJECTED_DOCKERFILE}\n`);
    expect(entries.map((e) => e.name)).toContain('debug.log');
  });

  it('refuses a context that has a file by the injected name', async () => {
    await writeFile(join(dir, INJECTED_DOCKERFILE), 'mine');
    const files = await contextFiles(dir, { dockerfile: 'Dockerfile' });
    const error = await contextTar(dir, { dockerfileText: rewritten, files }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PinyardError);
    expect(error).toMatchObject({ code: 'PINYARD_CONTEXT_INVALID' });
  });

  it('streams on demand and can be abandoned half way', async () => {
    await writeFile(join(dir, 'big.bin'), Buffer.alloc(8 * 1024 * 1024, 1));
    const files = await contextFiles(dir, { dockerfile: 'Dockerfile' });
    const { tar } = await contextTar(dir, { dockerfileText: rewritten, files });
    const first = await new Promise<Buffer>((resolve) => tar.once('data', resolve));
    expect(first.length).toBeLessThan(8 * 1024 * 1024);
    tar.destroy();
    await new Promise((resolve) => tar.once('close', resolve));
    expect(tar.destroyed).toBe(true);
  });

  describe('a context that changes between hashing and sending', () => {
    const sendAfter = async (change: () => Promise<void>) => {
      const files = await contextFiles(dir, { dockerfile: 'Dockerfile' });
      await change();
      try {
        const { tar } = await contextTar(dir, { dockerfileText: rewritten, files });
        return await unpack(tar);
      } catch (e) {
        return e;
      }
    };

    it.each([
      ['its content, same size', () => writeFile(join(dir, 'src/run.sh'), '#!/bin/sh\necho HI\n')],
      ['its content, longer', () => writeFile(join(dir, 'src/run.sh'), '#!/bin/sh\necho hi; curl evil\n')],
      ['its mode', () => chmod(join(dir, 'src/run.sh'), 0o777)],
      [
        'its type: a symlink out of the context in its place',
        async () => {
          await rm(join(dir, 'src/run.sh'));
          await symlink('/etc/passwd', join(dir, 'src/run.sh'));
        },
      ],
    ])('fails the upload when a file changed %s, naming it', async (_, change) => {
      const error = await sendAfter(change);
      expect(error).toBeInstanceOf(PinyardError);
      expect(error).toMatchObject({ code: 'PINYARD_CONTEXT_INVALID' });
      expect((error as PinyardError).message).toMatch(
        /^src\/run\.sh in build context .* changed \(its (content|type or mode)\) after it was hashed/,
      );
    });

    it('refuses a .dockerignore changed since hashing', async () => {
      await writeFile(join(dir, '.dockerignore'), '*.log\n');
      const error = await sendAfter(() => writeFile(join(dir, '.dockerignore'), '*.log\n!debug.log\n'));
      expect(error).toMatchObject({ code: 'PINYARD_CONTEXT_INVALID' });
      expect((error as PinyardError).message).toMatch(/^\.dockerignore in build context .* changed/);
    });

    it('sends a file whose time alone changed', async () => {
      const result = await sendAfter(() => writeFile(join(dir, 'src/run.sh'), '#!/bin/sh\necho hi\n'));
      expect(result).not.toBeInstanceOf(Error);
    });
  });
});
