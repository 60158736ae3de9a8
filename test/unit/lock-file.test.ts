import { spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeLock } from '../../src/lock/index.js';
import { runCli } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

const lock = { version: 1 as const, upstream: {} };

describe('writing images.lock', () => {
  it('never writes through a file or symlink planted under a temporary name', async () => {
    const dir = tempProject({ 'victim.txt': 'precious\n' });
    const file = path.join(dir, 'images.lock');
    // The name the lock used to be written under first: predictable from the pid.
    symlinkSync(path.join(dir, 'victim.txt'), `${file}.${process.pid}.tmp`);
    await writeLock(file, lock);
    expect(readFileSync(path.join(dir, 'victim.txt'), 'utf8')).toBe('precious\n');
    expect(lstatSync(file).isFile()).toBe(true);
    expect(readFileSync(file, 'utf8')).toMatch(/^version: 1$/m);
  });
});

describe('two runs updating images.lock at once', () => {
  const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
  afterAll(() => {
    sleeper.kill();
  });
  const project = () =>
    tempProject({
      'images.yml': 'version: 1\nimages:\n  app: { context: images/app }\n',
      'images/app/Dockerfile': 'FROM scratch\nCOPY . /\n',
    });
  const holdAs = (dir: string, pid: number) =>
    writeFileSync(
      path.join(dir, '.images.lock.lock'),
      JSON.stringify({ pid, host: hostname(), since: '2026-12-01T00:00:00.000Z' }),
    );

  it('the second refuses while the first holds the lock file, and changes nothing', async () => {
    const dir = project();
    holdAs(dir, sleeper.pid!);
    const { code, stdout } = await runCli(['--json', 'lock'], dir);
    expect(code).toBe(1);
    const { error } = JSON.parse(stdout);
    expect(error.code).toBe('PINYARD_LOCK_BUSY');
    expect(error.message).toBe(
      `images.lock is being updated by another pinyard run (pid ${sleeper.pid} on ${hostname()}, since 2026-12-01T00:00:00.000Z): nothing was changed`,
    );
    expect(error.hint).toMatch(/delete \.images\.lock\.lock$/);
    expect(existsSync(path.join(dir, 'images.lock'))).toBe(false);
  });

  it('takes over a lock file whose pinyard died, and lets go of it when done', async () => {
    const dir = project();
    const dead = spawnSync('true').pid;
    holdAs(dir, dead);
    const { code } = await runCli(['lock'], dir);
    expect(code).toBe(0);
    expect(readFileSync(path.join(dir, 'images.lock'), 'utf8')).toMatch(/^version: 1$/m);
    expect(existsSync(path.join(dir, '.images.lock.lock'))).toBe(false);
  });
});
