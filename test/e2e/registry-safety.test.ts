import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandContext } from '../../src/cli/io.js';
import { registryRmCommand } from '../../src/commands/registry/rm.js';
import type { PinyardError } from '../../src/errors.js';
import type { PruneResult } from '../../src/report/registry/types.js';
import { type HoldingProxy, holdingProxy } from '../helpers/holding-proxy.js';
import { runCli } from '../helpers/run-cli.js';
import { skopeoCopy } from '../helpers/skopeo.js';
import { tempProject } from '../helpers/temp-project.js';
import { anyManifest, worldFromEnv } from '../world/index.js';

const world = worldFromEnv();
const upstream = world.upstream.host;
const busybox = world.upstreamImages['library/busybox:1.36']!;
const cli = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
/** Repositories are unique per run: the world outlives one test file. */
const ns = `safety-${randomBytes(3).toString('hex')}`;

/** The digest a tag resolves to on the anonymous registry, asked without pinyard. */
async function digestOf(repository: string, reference: string): Promise<string | undefined> {
  const response = await fetch(`http://${upstream}/v2/${repository}/manifests/${reference}`, {
    method: 'HEAD',
    headers: { accept: anyManifest.join(', ') },
  });
  return response.status === 200 ? (response.headers.get('docker-content-digest') ?? undefined) : undefined;
}

describe('pinyard registry rm, when the registry changes while it runs', () => {
  it('deletes nothing when a tag was put on the digest while the question was asked', async () => {
    const repository = `${ns}/asked`;
    await skopeoCopy(`${upstream}/library/busybox:1.36`, `${upstream}/${repository}:1`);
    const cwd = await mkdtemp(path.join(tmpdir(), 'pinyard-rm-asked-'));
    const input = Object.assign(new PassThrough(), { isTTY: true });
    let stderr = '';
    const ctx: CommandContext = {
      cwd,
      manifestFile: 'images.yml',
      json: false,
      env: { ...process.env, DOCKER_CONFIG: cwd },
      stdout: { write: () => {} },
      stderr: {
        isTTY: true,
        write(text: string) {
          stderr += text;
          // While the user reads the question, someone tags the digest for a release; then the user says yes.
          if (text.endsWith('[y/N] ')) {
            skopeoCopy(`${upstream}/library/busybox:1.36`, `${upstream}/${repository}:release`).then(() =>
              input.end('y\n'),
            );
          }
        },
      },
    };
    const error = (await registryRmCommand(
      ctx,
      `${upstream}/${repository}@${busybox.indexDigest}`,
      {},
      input,
    ).catch((e: unknown) => e)) as PinyardError;
    expect(stderr).toContain(
      `Delete ${upstream}/${repository}@${busybox.indexDigest} and 1 tag on it? [y/N] `,
    );
    expect(error.code).toBe('PINYARD_UNSAFE_DELETE');
    expect(error.message).toContain('has tags 1, release now, not');
    expect(error.message).toMatch(/nothing was removed$/);
    expect(await digestOf(repository, 'release')).toBe(busybox.indexDigest);
    expect(await digestOf(repository, '1')).toBe(busybox.indexDigest);
  });

  describe('interrupted between moving the tag to the placeholder and deleting the placeholder', () => {
    let proxy: HoldingProxy;
    beforeAll(async () => {
      // The first DELETE probes for the right to delete (an absent digest); the second is the
      // placeholder's, sent while the tag points at it: that one is held.
      let deletes = 0;
      proxy = await holdingProxy(upstream, (req) => req.method === 'DELETE' && ++deletes === 2);
    });
    afterAll(() => proxy.close());

    it('puts the tag back where it was on SIGINT, and says so', async () => {
      const repository = `${ns}/interrupted`;
      for (const tag of ['gone', 'kept']) {
        await skopeoCopy(`${upstream}/library/busybox:1.36`, `${upstream}/${repository}:${tag}`);
      }
      const cwd = await mkdtemp(path.join(tmpdir(), 'pinyard-rm-interrupted-'));
      const child = execa(
        process.execPath,
        [cli, 'registry', 'rm', `${proxy.host}/${repository}:gone`, '--yes'],
        {
          cwd,
          env: { ...process.env, DOCKER_CONFIG: cwd },
          reject: false,
        },
      );
      expect(await proxy.held()).toMatch(new RegExp(`^DELETE /v2/${repository}/manifests/sha256:`));
      // The window: the tag names the empty placeholder.
      expect(await digestOf(repository, 'gone')).not.toBe(busybox.indexDigest);
      child.kill('SIGINT');
      // pinyard says it heard the interrupt before the request it waits on is let through; a pinyard that
      // did not trap the signal has ended by then.
      const heard = new Promise<void>((resolve) => {
        child.stderr?.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('SIGINT: putting')) resolve();
        });
      });
      await Promise.race([heard, child]);
      proxy.release();
      const result = await child;
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain(
        `interrupted (SIGINT): ${proxy.host}/${repository}:gone points at ${busybox.indexDigest} again, as before; nothing was removed (PINYARD_INTERRUPTED)`,
      );
      expect(await digestOf(repository, 'gone')).toBe(busybox.indexDigest);
      expect(await digestOf(repository, 'kept')).toBe(busybox.indexDigest);
    });
  });
});

describe('pinyard registry prune --min-age', () => {
  it('keeps the content-tagged digests younger than the minimum age, and deletes the rest', async () => {
    const repository = `${ns}/young/app`;
    const contentTag = `pinyard-${'a'.repeat(24)}`;
    await skopeoCopy(`${upstream}/library/busybox:1.36`, `${upstream}/${repository}:${contentTag}`);
    const dir = tempProject({
      'images.yml': `version: 1\nregistry: ${upstream}/${ns}/young\nimages:\n  app: { context: app }\n`,
      'app/Dockerfile': 'FROM scratch\n',
    });
    const env = { ...process.env, DOCKER_CONFIG: dir };
    const prune = async (...args: string[]) => {
      const result = await runCli(
        ['--json', 'registry', 'prune', '--keep', '0', '--dry-run', ...args],
        dir,
        env,
      );
      return { code: result.code, body: JSON.parse(result.stdout) as PruneResult };
    };
    // The stand-in image says it was created in 1970: old for any age but a very long one.
    const old = await prune('--min-age', '1d');
    expect(old.code).toBe(0);
    expect(old.body.repositories[0]!.decisions.map((d) => d.action)).toEqual(['delete']);
    const young = await prune('--min-age', '100000w');
    expect(young.body.minAge).toBe('100000w');
    expect(young.body.repositories[0]!.decisions).toEqual([
      expect.objectContaining({ digest: busybox.indexDigest, action: 'keep', recent: true }),
    ]);
    const text = await runCli(
      ['registry', 'prune', '--keep', '0', '--dry-run', '--min-age', '100000w'],
      dir,
      env,
    );
    expect(text.stdout).toMatch(/keep\s+sha256:[0-9a-f]{12}.*younger than 100000w/);

    const bad = await runCli(['registry', 'prune', '--min-age', '1 day'], dir, env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--min-age must be a duration such as 30m, 24h or 7d, not "1 day"');
    expect(await digestOf(repository, contentTag)).toBe(busybox.indexDigest);
  });
});
