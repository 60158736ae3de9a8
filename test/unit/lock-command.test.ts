import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';
import { FakeRegistry } from './fakes/fake-registry.js';

// `pinyard lock` wired whole, with the registry client replaced by an in-memory registry: what it asks
// the registry, and the images.lock it leaves.
const fakes = vi.hoisted(() => ({ registry: undefined as unknown }));
vi.mock('../../src/registry/index.js', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  RegistryClient: function RegistryClient() {
    return fakes.registry;
  },
}));

const ALPINE = 'docker.io/library/alpine:3.20';
const DEBIAN = 'docker.io/library/debian:bookworm-slim';
const d = (c: string) => `sha256:${c.repeat(64)}`;
const lockText = (upstream: Record<string, string>) =>
  `version: 1\nupstream:\n${Object.entries(upstream)
    .map(([ref, digest]) => `  ${ref}:\n    digest: ${digest}\n`)
    .join('')}`;

let registry: FakeRegistry;
let dir: string;
const lockFile = () => readFile(path.join(dir, 'images.lock'), 'utf8');
/** images.lock as ref → digest, as a reader of the file sees it. */
const pins = async () =>
  Object.fromEntries(
    Object.entries(
      (parse(await lockFile()) as { upstream: Record<string, { digest: string }> }).upstream,
    ).map(([ref, { digest }]) => [ref, digest]),
  );
const lock = (...args: string[]) => runCli(['lock', ...args], dir, { PATH: process.env.PATH });

beforeEach(() => {
  registry = new FakeRegistry();
  fakes.registry = registry;
  registry.upstream.set(ALPINE, d('a'));
  registry.upstream.set(DEBIAN, d('b'));
  dir = tempProject({
    'images.yml': 'version: 1\nimages:\n  base: { context: base }\n  deb: { context: deb }\n',
    'base/Dockerfile': 'FROM alpine:3.20\n',
    'deb/Dockerfile': 'FROM debian:bookworm-slim\n',
  });
});

describe('pinyard lock, wired to a fake registry', () => {
  it('resolves only the refs the lock lacks; a pinned ref stays as pinned, even when its tag moved', async () => {
    await writeFile(path.join(dir, 'images.lock'), lockText({ [ALPINE]: d('0') }));
    const { code } = await lock();
    expect(code).toBe(0);
    expect(registry.calls).toEqual([`resolve ${DEBIAN}`]);
    expect(await pins()).toEqual({ [ALPINE]: d('0'), [DEBIAN]: d('b') });
  });

  it('drops the refs no image uses any more', async () => {
    const gone = 'docker.io/library/busybox:1';
    await writeFile(
      path.join(dir, 'images.lock'),
      lockText({ [ALPINE]: d('a'), [gone]: d('c'), [DEBIAN]: d('b') }),
    );
    const { code } = await lock();
    expect(code).toBe(0);
    expect(await pins()).toEqual({ [ALPINE]: d('a'), [DEBIAN]: d('b') });
  });

  it('--update re-resolves every ref; --update NAME only the upstreams of that image', async () => {
    await writeFile(path.join(dir, 'images.lock'), lockText({ [ALPINE]: d('0'), [DEBIAN]: d('1') }));
    expect((await lock('--update', 'deb')).code).toBe(0);
    expect(await pins()).toEqual({ [ALPINE]: d('0'), [DEBIAN]: d('b') });
    expect((await lock('--update')).code).toBe(0);
    expect(await pins()).toEqual({ [ALPINE]: d('a'), [DEBIAN]: d('b') });
  });

  it('--check exits 1 on a moved tag, names it old → new, and leaves the lock as it was', async () => {
    const stale = lockText({ [ALPINE]: d('0'), [DEBIAN]: d('b') });
    await writeFile(path.join(dir, 'images.lock'), stale);
    const { code, stdout } = await lock('--check');
    expect(code).toBe(1);
    expect(stdout).toContain(ALPINE.replace('docker.io/library/', ''));
    expect(stdout).toContain(d('0').slice(7, 19));
    expect(stdout).toContain(d('a').slice(7, 19));
    expect(await lockFile()).toBe(stale);
  });

  it('--check exits 0 on a current lock and writes nothing', async () => {
    const current = lockText({ [ALPINE]: d('a'), [DEBIAN]: d('b') });
    await writeFile(path.join(dir, 'images.lock'), current);
    expect((await lock('--check')).code).toBe(0);
    expect(await lockFile()).toBe(current);
  });

  it('refuses --check with --update as bad input (exit 2), touching nothing', async () => {
    const { code, stderr } = await lock('--check', '--update');
    expect(code).toBe(2);
    expect(stderr).toMatch(/--check and --update cannot be combined/);
    expect(registry.calls).toEqual([]);
    await expect(lockFile()).rejects.toThrow(/ENOENT/);
  });
});
