import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuildReport } from '../../src/report/build/index.js';
import { loggedInEnv } from '../helpers/logged-in-env.js';
import { runCli } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';
import { type SecondEngine, startSecondEngine, worldFromEnv } from '../world/index.js';

/**
 * Multi-platform images, built for real on the test world's one engine: its arm64 upstream stand-ins hold
 * this machine's own busybox (see test/world/upstream-seed.ts), so arm64 builds run their RUN steps here
 * without emulation. What is checked is what docker, skopeo and a registry see of the result.
 */
const world = worldFromEnv();
const { dev } = world.users;
let run = 0;

function platformsProject(manifestExtra = '') {
  const registry = `${world.tokenRegistry.host}/dev/mp${Date.now()}-${run++}`;
  const dir = tempProject({
    'images.yml': [
      'version: 1',
      `registry: ${registry}`,
      `mirrors: { docker.io: ["${world.upstream.host}"] }`,
      'platforms: [linux/amd64, linux/arm64]',
      'images:',
      '  base: { context: base, tags: ["1"] }',
      '  mid: { context: mid, tags: ["1"] }',
      '  leaf: { context: leaf, tags: ["1"] }',
      '  amd-only: { context: amd-only, platforms: [linux/amd64], tags: ["1"] }',
      manifestExtra,
      'environments:',
      '  staging: { repository: "staging/{name}" }',
      '',
    ].join('\n'),
    'base/Dockerfile': 'FROM alpine:3.20\nARG TARGETARCH\nRUN echo "base for $TARGETARCH" > /base-arch\n',
    'mid/Dockerfile': 'FROM base\nRUN echo mid > /mid\n',
    'leaf/Dockerfile': 'FROM mid\nARG TARGETARCH\nRUN echo "$TARGETARCH" > /leaf-arch\n',
    'amd-only/Dockerfile': 'FROM base\nRUN echo amd > /amd\n',
  });
  return { dir, registry };
}

const envFor = (dir: string) => loggedInEnv(world, dir, dev);

async function build(dir: string, env: NodeJS.ProcessEnv, ...args: string[]) {
  const result = await runCli(['--json', 'build', '--push', ...args], dir, env);
  return { ...result, report: result.stdout ? (JSON.parse(result.stdout) as BuildReport) : undefined };
}

/** `skopeo inspect` as the dev user, as a user checking the registry would. */
async function inspect(ref: string, ...flags: string[]) {
  const creds = `${dev.username}:${dev.password}`;
  const args = ['inspect', ...flags, '--tls-verify=false', '--creds', creds, `docker://${ref}`];
  return JSON.parse((await execa('skopeo', args)).stdout);
}

/** The manifest exactly as the registry serves it. */
const raw = (ref: string) => inspect(ref, '--raw');

/** One platform's image config. */
async function config(ref: string, platform: string) {
  const [os, arch] = platform.split('/');
  return (await inspect(ref, '--config', `--override-os=${os}`, `--override-arch=${arch}`)) as {
    architecture: string;
    config: { Labels: Record<string, string> };
  };
}

describe('pinyard build for several platforms', () => {
  let project: { dir: string; registry: string };
  let env: NodeJS.ProcessEnv;
  let first: Awaited<ReturnType<typeof build>>;
  beforeAll(async () => {
    project = platformsProject();
    env = await envFor(project.dir);
    first = await build(project.dir, env);
  });

  it('pushes one image index per image, with each platform', async () => {
    expect(first.code).toBe(0);
    for (const name of ['base', 'mid', 'leaf']) {
      const image = first.report!.images.find((i) => i.name === name)!;
      const index = await raw(`${project.registry}/${name}:1`);
      expect(index.mediaType).toBe('application/vnd.oci.image.index.v1+json');
      expect(
        index.manifests.map((m: { platform: { architecture: string } }) => m.platform.architecture),
      ).toEqual(['amd64', 'arm64']);
      // The report gives the index digest and each platform's, and the registry agrees.
      expect(Object.keys(image.platforms!)).toEqual(['linux/amd64', 'linux/arm64']);
      expect(index.manifests.map((m: { digest: string }) => m.digest)).toEqual(
        Object.values(image.platforms!),
      );
    }
    expect((await raw(`${project.registry}/base:1`)).annotations).toMatchObject({
      'org.opencontainers.image.version': '1',
    });
  });

  it('builds arm64 as arm64: TARGETARCH, the config, and base.digest naming the parent’s arm64 manifest', async () => {
    const mid = first.report!.images.find((i) => i.name === 'mid')!;
    const leaf = await config(`${project.registry}/leaf:1`, 'linux/arm64');
    expect(leaf.architecture).toBe('arm64');
    expect(leaf.config.Labels['org.opencontainers.image.base.digest']).toBe(mid.platforms!['linux/arm64']);
    const amd = await config(`${project.registry}/leaf:1`, 'linux/amd64');
    expect(amd.config.Labels['org.opencontainers.image.base.digest']).toBe(mid.platforms!['linux/amd64']);
    await execa('docker', ['pull', '--platform', 'linux/arm64', `${project.registry}/leaf:1`], { env });
    const { stdout } = await execa(
      'docker',
      [
        'run',
        '--rm',
        '--platform',
        'linux/arm64',
        `${project.registry}/leaf:1`,
        'cat',
        '/leaf-arch',
        '/base-arch',
      ],
      { env },
    );
    expect(stdout.split('\n')).toEqual(['arm64', 'base for arm64']);
  });

  it('keeps an amd64-only image beside them a one-platform index', async () => {
    const index = await raw(`${project.registry}/amd-only:1`);
    expect(index.manifests).toHaveLength(1);
    expect(index.manifests[0].platform).toEqual({ architecture: 'amd64', os: 'linux' });
  });

  it('promotes the whole index: every platform, same digest', async () => {
    const leaf = first.report!.images.find((i) => i.name === 'leaf')!;
    const promoted = await runCli(['promote', 'leaf:1', '--to', 'staging'], project.dir, env);
    expect(promoted.code).toBe(0);
    const index = await raw(`${project.registry}/staging/leaf:1`);
    expect(index.manifests.map((m: { digest: string }) => m.digest)).toEqual(Object.values(leaf.platforms!));
    expect((await raw(`${project.registry}/staging/leaf@${leaf.digest}`)).manifests).toHaveLength(2);
  });

  it('rebuilds nothing on a second run: each index is found by its content tag', async () => {
    const again = await build(project.dir, env);
    expect(again.code).toBe(0);
    expect(again.report!.images.map((i) => i.status)).toEqual(Array(4).fill('skipped'));
    expect(again.report!.images.find((i) => i.name === 'leaf')!.digest).toBe(
      first.report!.images.find((i) => i.name === 'leaf')!.digest,
    );
  });

  it('builds only the new platform when one is added, and a new index', async () => {
    const manifest = path.join(project.dir, 'images.yml');
    const text = await readFile(manifest, 'utf8');
    await writeFile(
      manifest,
      text.replace(
        'amd-only: { context: amd-only, platforms: [linux/amd64]',
        'amd-only: { context: amd-only, platforms: [linux/amd64, linux/arm64]',
      ),
    );
    const added = await build(project.dir, env);
    expect(added.code).toBe(0);
    const amdOnly = added.report!.images.find((i) => i.name === 'amd-only')!;
    expect(amdOnly.status).toBe('built');
    const log = await readFile(path.join(project.dir, '.pinyard/logs/amd-only.log'), 'utf8');
    expect(log).toMatch(/linux\/amd64: reusing /);
    expect(log).toMatch(/linux\/arm64: building on /);
    expect((await raw(`${project.registry}/amd-only:1`)).manifests).toHaveLength(2);
  });
});

describe('a run split by platform (native runners), then merged', () => {
  it('builds each platform in its own job, and the merge job writes the indexes and moves the tags', async () => {
    const { dir, registry } = platformsProject();
    const env = await envFor(dir);
    const amd = await build(dir, env, '--platform', 'linux/amd64', '--only', 'leaf');
    expect(amd.code).toBe(0);
    expect(amd.report!.tagsMoved).toBe(false);
    const leafAmd = amd.report!.images.find((i) => i.name === 'leaf')!;
    expect(Object.keys(leafAmd.platforms!)).toEqual(['linux/amd64']);
    // No index yet, and no human tag: only the platform builds' content tags.
    await expect(raw(`${registry}/leaf:1`)).rejects.toThrow(/manifest unknown/);

    // Merging before every platform's job has run names what is missing, and writes nothing.
    const early = await build(dir, env, '--merge-platforms', '--only', 'leaf');
    expect(early.code).toBe(1);
    expect(early.report!.images.find((i) => i.name === 'base')!.error?.message).toMatch(
      /base: its linux\/arm64 build \(.*:pinyard-[0-9a-f]{24}\) is not in the registry/,
    );
    await expect(raw(`${registry}/base:1`)).rejects.toThrow(/manifest unknown/);

    const arm = await build(dir, env, '--platform', 'linux/arm64', '--only', 'leaf');
    expect(arm.code).toBe(0);
    const merged = await build(dir, env, '--merge-platforms', '--only', 'leaf');
    expect(merged.code).toBe(0);
    expect(merged.report!.tagsMoved).toBe(true);
    const leaf = merged.report!.images.find((i) => i.name === 'leaf')!;
    expect(leaf.platforms).toEqual({
      'linux/amd64': leafAmd.platforms!['linux/amd64'],
      'linux/arm64': arm.report!.images.find((i) => i.name === 'leaf')!.platforms!['linux/arm64'],
    });
    const index = await raw(`${registry}/leaf:1`);
    expect(index.manifests.map((m: { digest: string }) => m.digest)).toEqual(Object.values(leaf.platforms!));
    // The same tree built in one run finds everything the split run made.
    const whole = await build(dir, env, '--only', 'leaf');
    expect(whole.report!.images.map((i) => i.status)).toEqual(['skipped', 'skipped', 'skipped']);
  });

  it('refuses --platform or --merge-platforms without --push, and both at once (exit 2)', async () => {
    const { dir } = platformsProject();
    const env = await envFor(dir);
    for (const args of [
      ['--platform', 'linux/arm64'],
      ['--merge-platforms'],
      ['--push', '--platform', 'linux/arm64', '--merge-platforms'],
      ['--push', '--platform', 'arm64'],
    ]) {
      const result = await runCli(['build', ...args], dir, env);
      expect(result.code).toBe(2);
    }
  });
});

describe('engines that declare the platforms they build', () => {
  let second: SecondEngine;
  beforeAll(async () => {
    second = await startSecondEngine(world, (line) => process.stderr.write(`[world] ${line}\n`));
  });
  afterAll(async () => {
    await second?.stop();
  });

  it('sends each platform build to the engine that declares it', async () => {
    const { dir } = platformsProject();
    const manifest = path.join(dir, 'images.yml');
    const text = await readFile(manifest, 'utf8');
    await writeFile(
      manifest,
      text.replace(
        'platforms: [linux/amd64, linux/arm64]',
        // Declared the other way round from what the least busy engine would get: both engines run amd64
        // (and this machine's arm64 stand-ins), so only the declaration can put each build where it goes.
        `platforms: [linux/amd64, linux/arm64]\nengines:\n  - { host: "${world.dockerHost}", platforms: [linux/arm64] }\n  - { host: "${second.dockerHost}", platforms: [linux/amd64] }`,
      ),
    );
    const result = await build(dir, await envFor(dir), '--only', 'mid');
    expect(result.code).toBe(0);
    for (const name of ['base', 'mid']) {
      const log = await readFile(path.join(dir, `.pinyard/logs/${name}.log`), 'utf8');
      expect(log).toContain(`linux/arm64: building on ${world.dockerHost}`);
      expect(log).toContain(`linux/amd64: building on ${second.dockerHost}`);
    }
  });
});

describe('platforms a parent lacks', () => {
  it('refuses a child built for a platform its parent lacks (exit 2), before anything is built', async () => {
    const { dir } = platformsProject('  odd: { context: odd, platforms: [linux/arm64, linux/s390x] }');
    await writeFile(path.join(dir, 'odd-Dockerfile'), '');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(path.join(dir, 'odd'));
    await writeFile(path.join(dir, 'odd/Dockerfile'), 'FROM amd-only\n');
    const result = await runCli(['build', '--push'], dir, await envFor(dir));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /odd\/Dockerfile:1:1: odd is built for linux\/arm64, linux\/s390x, but its parent amd-only has no linux\/arm64, linux\/s390x/,
    );
    const plan = await runCli(['plan'], dir, await envFor(dir));
    expect(plan.code).toBe(2);
  });

  it('refuses an upstream image the lock records without the platform (exit 2)', async () => {
    const { dir } = platformsProject('  zarch: { context: zarch, platforms: [linux/s390x] }');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(path.join(dir, 'zarch'));
    await writeFile(path.join(dir, 'zarch/Dockerfile'), 'FROM alpine:3.20\n');
    const result = await runCli(['build', '--push'], dir, await envFor(dir));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /zarch is built for linux\/s390x, but docker\.io\/library\/alpine:3\.20 has no linux\/s390x/,
    );
  });

  it('refuses a multi-platform build without --push (exit 2)', async () => {
    const { dir } = platformsProject();
    const result = await runCli(['build'], dir, await envFor(dir));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/built for several platforms, which makes an image index in a registry/);
    // Refused before anything was done: not even images.lock was written.
    expect(existsSync(path.join(dir, 'images.lock'))).toBe(false);
  });
});
