import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PinyardError } from '../errors.js';
import { contextFiles } from './context-files.js';

// What a user reads when a context is refused: the code, the message and the hint that says what to do.
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pinyard-context-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
}

async function refusal(dockerfile = 'Dockerfile', context = dir): Promise<PinyardError> {
  const error = await contextFiles(context, { dockerfile }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PinyardError);
  expect((error as PinyardError).code).toBe('PINYARD_CONTEXT_INVALID');
  return error as PinyardError;
}

describe('contextFiles refusals, as the user reads them', () => {
  it('a missing context says where to point "context"', async () => {
    const error = await refusal('Dockerfile', join(dir, 'nope'));
    expect(error.hint).toBe(
      'point the image\'s "context" in images.yml at the directory that holds its files',
    );
  });

  it.each([
    ['../Dockerfile', 'in the parent directory'],
    ['..', 'the parent directory itself'],
    ['.', 'the context itself'],
    ['/etc/Dockerfile', 'elsewhere, absolute'],
  ])('a Dockerfile at %s (%s) is outside the context', async (dockerfile) => {
    await write({ Dockerfile: 'FROM scratch\n' });
    const error = await refusal(dockerfile);
    expect(error.message).toMatch(/^Dockerfile .* is outside its build context /);
    expect(error.hint).toBe(
      'move the Dockerfile into the context directory, or make the context a directory that holds it',
    );
  });

  it('a Dockerfile whose name only starts with two dots is inside', async () => {
    await write({ '..Dockerfile': 'FROM scratch\n' });
    expect((await contextFiles(dir, { dockerfile: '..Dockerfile' })).map((e) => e.path)).toEqual([
      '..Dockerfile',
    ]);
  });

  it('a FIFO is named with the .dockerignore line that leaves it out', async () => {
    await write({ Dockerfile: 'FROM scratch\n' });
    await execa('mkfifo', [join(dir, 'pipe')]);
    const error = await refusal();
    expect(error.hint).toBe(`add pipe to ${join(dir, '.dockerignore')}`);
  });

  it('a symlink out of the context says why and what to do', async () => {
    await write({ Dockerfile: 'FROM scratch\n' });
    await symlink('../../etc/passwd', join(dir, 'passwd'));
    const error = await refusal();
    expect(error.message).toBe(
      `passwd in build context ${dir} is a symlink to ../../etc/passwd, outside the context`,
    );
    expect(error.hint).toBe(
      'docker sends the link, not what it points to, so the image would get a dangling link: copy the file into the context, point the link inside it, or add passwd to .dockerignore',
    );
  });

  it('a .dockerignore that cannot be read as a file is refused, not taken as empty', async () => {
    await write({ Dockerfile: 'FROM scratch\n', '.dockerignore/x': '' });
    const error = await refusal();
    expect(error.message).toMatch(new RegExp(`^cannot read \\.dockerignore in build context ${dir}: `));
    expect(error.hint).toBe(`fix its permissions, or add it to ${join(dir, '.dockerignore')}`);
  });
});

describe('contextFiles entries', () => {
  it('skips a socket, as docker does', async () => {
    await write({ Dockerfile: 'FROM scratch\n' });
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(join(dir, 'agent.sock'), resolve));
    try {
      expect((await contextFiles(dir, { dockerfile: 'Dockerfile' })).map((e) => e.path)).toEqual([
        'Dockerfile',
      ]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('sorts by the whole path, byte by byte: `a-b` before `a/x`, though the walk meets `a/x` first', async () => {
    await write({ Dockerfile: 'FROM scratch\n', 'a/x': '', 'a-b': '', 'a.c': '' });
    expect((await contextFiles(dir, { dockerfile: 'Dockerfile' })).map((e) => e.path)).toEqual([
      'Dockerfile',
      'a',
      'a-b',
      'a.c',
      'a/x',
    ]);
  });
});
