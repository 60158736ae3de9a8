import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The built CLI (dist/, made by `npm test` and `npm ci` before the tests) as a user starts it: the code
 * cache it keeps between runs in their cache directory, one file per command, and never a byte more
 * output or a changed answer because of it.
 */
const repo = fileURLToPath(new URL('../..', import.meta.url));
const cli = path.join(repo, 'dist/cli/main.js');
const cache = mkdtempSync(path.join(tmpdir(), 'pinyard-cache-'));
afterAll(() => rmSync(cache, { recursive: true, force: true }));

const pinyard = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  execFileSync(process.execPath, [cli, ...args], {
    cwd: repo,
    env: { ...process.env, XDG_CACHE_HOME: cache, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });

describe('the built CLI', () => {
  it('finds the files of its package from the bundle: init points images.yml at the JSON Schema', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pinyard-init-'));
    try {
      mkdirSync(path.join(dir, 'app'));
      writeFileSync(path.join(dir, 'app', 'Dockerfile'), 'FROM alpine:3.20\n');
      const out = pinyard(['init', dir, '--dry-run']);
      const schema = /\$schema=(\S+)/.exec(out)?.[1];
      expect(schema && existsSync(path.resolve(dir, schema))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the CLI start', () => {
  it('keeps a code cache per command in the user cache directory, and answers the same with it', () => {
    const first = pinyard(['plan', '--format', 'json']);
    // Node 22 and later keep it in their own layout (module.enableCompileCache); Node 20 one file per command.
    expect(readdirSync(path.join(cache, 'pinyard', 'v8')).length).toBeGreaterThan(0);
    expect(pinyard(['plan', '--format', 'json'])).toBe(first);
    expect(JSON.parse(first).images.length).toBeGreaterThan(0);
    expect(pinyard(['--help'])).toMatch(/^Usage: pinyard/);
  });

  it('writes no cache with PINYARD_COMPILE_CACHE=0', () => {
    const none = mkdtempSync(path.join(tmpdir(), 'pinyard-nocache-'));
    try {
      pinyard(['--help'], { XDG_CACHE_HOME: none, PINYARD_COMPILE_CACHE: '0' });
      expect(readdirSync(none)).toEqual([]);
    } finally {
      rmSync(none, { recursive: true, force: true });
    }
  });
});
