import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PinyardError } from '../errors.js';
import { contextFiles } from './context-files.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pinyard-context-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes files (content strings), empty directories (null) and symlinks ({ link }) under `dir`. */
async function tree(entries: Record<string, string | null | { link: string }>): Promise<void> {
  for (const [path, content] of Object.entries(entries)) {
    const full = join(dir, path);
    await mkdir(content === null ? full : dirname(full), { recursive: true });
    if (typeof content === 'string') await writeFile(full, content);
    else if (content !== null) await symlink(content.link, full);
  }
}

const paths = async (dockerfile = 'Dockerfile') =>
  (await contextFiles(dir, { dockerfile })).map((e) => e.path);

async function refusal(promise: Promise<unknown>): Promise<PinyardError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PinyardError);
  return error as PinyardError;
}

describe('contextFiles', () => {
  it("leaves out pinyard's own directory, and only that one, when the context holds the project", async () => {
    await tree({
      Dockerfile: 'FROM scratch\n',
      'images.yml': 'version: 1\n',
      '.pinyard/logs/app.log': 'a log written while contexts are read\n',
      '.pinyard/cache/file-digests.json': '{}',
      'sub/.pinyard/kept': 'a user file\n',
    });
    const files = await contextFiles(dir, { dockerfile: 'Dockerfile', skipDir: join(dir, '.pinyard') });
    expect(files.map((e) => e.path)).toEqual([
      'Dockerfile',
      'images.yml',
      'sub',
      'sub/.pinyard',
      'sub/.pinyard/kept',
    ]);
  });

  it('sends the example app without test/ and logs, the Dockerfile and .dockerignore included', async () => {
    const files = await contextFiles(join(repoRoot, 'images/app'), { dockerfile: 'Dockerfile' });
    expect(files.map((f) => f.path)).toEqual([
      '.dockerignore',
      'Dockerfile',
      'src',
      'src/server.sh',
      'src/www',
      'src/www/healthz',
      'src/www/index.html',
    ]);
  });

  it('lists what `COPY . /ctx` put in an image built by docker 20.10 from the same tree', async () => {
    const files = [
      ...['a.log', 'a/b.log', 'a/b/cache/f', 'dir/keep', 'dir/other', 'dir/sub/keep'],
      ...['node_modules/x/keep.js', 'node_modules/y.js', 'docs/a/b.md', 'README.md', 'CHANGES.md'],
      ...['test/smoke.sh', 'src/test/x.sh', 'x.log/inside', 'build/out.o', 'sub2/Dockerfile.x'],
      ...['tempa', 'temporary.txt', '#c', 'Dockerfile'],
    ];
    await tree(Object.fromEntries(files.map((f) => [f, f])));
    await writeFile(
      join(dir, '.dockerignore'),
      [
        '# c',
        '**/*.log',
        'node_modules',
        '!**/keep.js',
        'test/',
        '/build',
        'docs/**',
        '*.md',
        '!README.md',
        'dir',
        '!dir/keep',
        '!dir/sub/keep',
        'temp?',
        '**/cache',
        'Dockerfile',
        '.dockerignore',
      ].join('\n'),
    );
    // Seen with `docker build` (classic builder) and `find /ctx`, less `dir` and `dir/sub`: docker sends
    // no entry for them, the daemon creates them as parents of dir/keep and dir/sub/keep.
    expect(await paths()).toEqual([
      '#c',
      'README.md',
      'a',
      'a/b',
      'dir/keep',
      'dir/sub/keep',
      'docs',
      'src',
      'src/test',
      'src/test/x.sh',
      'sub2',
      'sub2/Dockerfile.x',
      'temporary.txt',
    ]);
  });

  it('records type, permission bits, content digest and link target of each entry', async () => {
    await tree({ 'run.sh': 'echo hi\n', 'conf/app.ini': 'a=1\n', 'latest.sh': { link: 'run.sh' } });
    await chmod(join(dir, 'run.sh'), 0o4755);
    await chmod(join(dir, 'conf'), 0o750);
    await chmod(join(dir, 'conf/app.ini'), 0o600);
    expect(await contextFiles(dir, { dockerfile: 'Dockerfile' })).toEqual([
      { path: 'conf', type: 'directory', mode: 0o750 },
      { path: 'conf/app.ini', type: 'file', mode: 0o600, digest: sha256('a=1\n') },
      { path: 'latest.sh', type: 'symlink', mode: 0o777, target: 'run.sh' },
      { path: 'run.sh', type: 'file', mode: 0o4755, digest: sha256('echo hi\n') },
    ]);
  });

  it('sorts by path whatever order the files were made in', async () => {
    await tree({ 'z/a': '', b: '', 'a-b': '', a: null, 'a/c': '' });
    expect(await paths()).toEqual(['a', 'a-b', 'a/c', 'b', 'z', 'z/a']);
  });

  it('accepts a symlink that stays inside the context, however it gets there', async () => {
    await tree({ 'lib/real.txt': 'x', 'bin/tool': { link: '../lib/real.txt' }, 'bin/self': { link: '.' } });
    expect(await paths()).toContain('bin/tool');
  });

  it.each([
    { what: 'a relative link out of the context', link: '../../etc/passwd' },
    { what: 'an absolute link', link: '/etc/passwd' },
    { what: 'a link to the parent of the context', link: '../..' },
  ])('refuses $what, naming the link and its target', async ({ link }) => {
    await tree({ 'conf/passwd': { link } });
    const error = await refusal(paths());
    expect(error.code).toBe('PINYARD_CONTEXT_INVALID');
    expect(error.message).toBe(
      `conf/passwd in build context ${dir} is a symlink to ${link}, outside the context`,
    );
    expect(error.hint).toMatch(/\.dockerignore/);
  });

  it('does not mind an escaping symlink that .dockerignore leaves out', async () => {
    await tree({ 'cache/host': { link: '/var/cache' }, 'app.txt': 'x', '.dockerignore': 'cache\n' });
    expect(await paths()).toEqual(['.dockerignore', 'app.txt']);
  });

  it.each([
    { what: 'relative', dockerfile: '../Dockerfile' },
    { what: 'absolute', dockerfile: '/tmp/Dockerfile' },
  ])('refuses a Dockerfile outside the context ($what path)', async ({ dockerfile }) => {
    await tree({ 'ctx/a.txt': '' });
    const error = await refusal(contextFiles(join(dir, 'ctx'), { dockerfile }));
    expect(error.code).toBe('PINYARD_CONTEXT_INVALID');
    expect(error.message).toMatch(/^Dockerfile \/.*Dockerfile is outside its build context .*ctx$/);
  });

  it('accepts a Dockerfile in a subdirectory of the context', async () => {
    await tree({ 'build/Dockerfile.prod': 'FROM x', 'a.txt': '' });
    expect(await paths(join(dir, 'build/Dockerfile.prod'))).toEqual([
      'a.txt',
      'build',
      'build/Dockerfile.prod',
    ]);
  });

  it('refuses a context that does not exist or is a file', async () => {
    const missing = await refusal(contextFiles(join(dir, 'nope'), { dockerfile: 'Dockerfile' }));
    expect(missing.message).toBe(`build context ${join(dir, 'nope')} does not exist`);
    await tree({ file: '' });
    const file = await refusal(contextFiles(join(dir, 'file'), { dockerfile: 'Dockerfile' }));
    expect(file.message).toBe(`build context ${join(dir, 'file')} is not a directory`);
  });

  it('refuses a FIFO, which docker cannot put in an image', async () => {
    await execa('mkfifo', [join(dir, 'pipe')]);
    const error = await refusal(paths());
    expect(error.message).toBe(
      `pipe in build context ${dir} is a FIFO; a build context holds files, directories and symlinks`,
    );
  });
});

function sha256(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}
