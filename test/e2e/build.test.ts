import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuildReport } from '../../src/report/build/index.js';
import { type ExampleProject, exampleProject } from '../helpers/example-project.js';
import { loggedInEnv } from '../helpers/logged-in-env.js';
import { runCli } from '../helpers/run-cli.js';
import { skopeoInspect, skopeoTags } from '../helpers/skopeo.js';
import { tempProject } from '../helpers/temp-project.js';
import { reseedUpstream, resetUpstream, type WorldUser, worldFromEnv } from '../world/index.js';

const world = worldFromEnv();
const { dev, reader } = world.users;
let run = 0;
/** A fresh namespace under dev/ per project, so tests never see each other's tags. */
const fresh = (user: WorldUser = dev) =>
  exampleProject(world, { namespace: `dev/b${Date.now()}-${run++}`, user });

async function build(project: ExampleProject, ...args: string[]) {
  const result = await runCli(['--json', 'build', ...args], project.dir, project.env);
  return { ...result, report: JSON.parse(result.stdout) as BuildReport };
}

/** The registry's tags of a repository, as `skopeo list-tags` shows them. */
const tagsOf = (repository: string, user: WorldUser = dev) => skopeoTags(repository, user);

const statuses = (report: BuildReport) => Object.fromEntries(report.images.map((i) => [i.name, i.status]));

/** What a user would check with skopeo: the tag's digest and the image's labels. */
const inspect = (ref: string, user: WorldUser = dev) => skopeoInspect(ref, user);

describe('pinyard build --push on the example tree', () => {
  let project: ExampleProject;
  let first: Awaited<ReturnType<typeof build>>;
  let copied: number;
  beforeAll(async () => {
    project = await fresh();
    copied = Date.now();
    first = await build(project, '--push');
  });

  it('builds every image in order and pushes content tags and human tags', async () => {
    expect(first.code).toBe(0);
    expect(first.report.status).toBe('succeeded');
    expect(Object.values(statuses(first.report))).toEqual(Array(10).fill('built'));
    const app = first.report.images.find((i) => i.name === 'app')!;
    expect(app.tags).toEqual([
      `${project.registry}/app:${app.tags[0]!.split(':').pop()}`,
      `${project.registry}/app:1.4`,
    ]);
    expect(app.tags[0]).toMatch(/:pinyard-[0-9a-f]{24}$/);
    expect((await inspect(`${project.registry}/app:1.4`)).Digest).toBe(app.digest);
    expect((await inspect(app.tags[0]!)).Digest).toBe(app.digest);
  });

  it('labels each image with its immediate parent, its input hash and its version (OCI annotations)', async () => {
    const base = first.report.images.find((i) => i.name === 'base-alpine')!;
    const app = first.report.images.find((i) => i.name === 'app')!;
    const alpine = world.upstreamImages['library/alpine:3.20']!;
    const baseLabels = (await inspect(`${project.registry}/base-alpine:3.20`)).Labels;
    expect(baseLabels).toMatchObject({
      'org.opencontainers.image.base.name': 'docker.io/library/alpine:3.20',
      'org.opencontainers.image.base.digest': alpine.indexDigest,
      'org.opencontainers.image.version': '3.20',
      'dev.pinyard.input-hash': base.hash,
    });
    expect(Date.parse(baseLabels['org.opencontainers.image.created']!)).toBeGreaterThan(
      Date.now() - 3_600_000,
    );
    const appLabels = (await inspect(`${project.registry}/app:1.4`)).Labels;
    expect(appLabels).toMatchObject({
      'org.opencontainers.image.base.name': base.tags[0],
      'org.opencontainers.image.base.digest': base.digest,
      'dev.pinyard.input-hash': app.hash,
    });
  });

  it('pins every FROM: the pushed app names its parent by digest, the user files stay as they were', async () => {
    const base = first.report.images.find((i) => i.name === 'base-alpine')!;
    const app = first.report.images.find((i) => i.name === 'app')!;
    const alpine = world.upstreamImages['library/alpine:3.20']!;
    // The engine's own build log (kept in .pinyard/logs) shows the FROM it was given.
    expect(await readFile(app.log!, 'utf8')).toContain(`FROM ${project.registry}/base-alpine@${base.digest}`);
    expect(await readFile(base.log!, 'utf8')).toContain(`alpine:3.20@${alpine.indexDigest}`);
    const dockerfile = await readFile(path.join(project.dir, 'images/app/Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM base-alpine$/m);
    expect(dockerfile).not.toContain('@sha256:');
    expect(await readFile(path.join(project.dir, 'images.lock'), 'utf8')).toContain(
      'docker.io/library/alpine:3.20:',
    );
  });

  it('rebuilds nothing on a second run: every content tag is found in the registry', async () => {
    // Files copied less than 3 s before a run are not recorded in the digest cache (checked below).
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, copied + 3500 - Date.now())));
    const second = await build(project, '--push');
    expect(second.code).toBe(0);
    expect(Object.values(statuses(second.report))).toEqual(Array(10).fill('skipped'));
    expect(second.report.images.map((i) => i.digest)).toEqual(first.report.images.map((i) => i.digest));
    // Context files' digests are kept for the next run, for files settled for a few seconds (the example's
    // files are, by now) and outside pinyard's own .pinyard/.
    const cache = JSON.parse(
      await readFile(path.join(project.dir, '.pinyard/cache/file-digests.json'), 'utf8'),
    );
    expect(cache.version).toBe(1);
    expect(Object.keys(cache.entries)).toContain(path.join(project.dir, 'images/app/Dockerfile'));
    expect(Object.keys(cache.entries).filter((file) => file.includes('/.pinyard/'))).toEqual([]);
  });

  it('--dry-run says what a change would rebuild (the image and its descendants) and builds nothing', async () => {
    const served = path.join(project.dir, 'images/base-alpine/motd');
    const original = await readFile(served, 'utf8');
    await writeFile(served, `${original}a change under review\n`);
    try {
      const dry = await build(project, '--push', '--dry-run', '--tag', 'dry-run-candidate');
      expect(dry.code).toBe(0);
      expect(dry.report.status).toBe('succeeded');
      expect(statuses(dry.report)).toMatchObject({
        'base-alpine': 'planned',
        app: 'planned',
        cli: 'planned',
        builder: 'planned',
        proxy: 'planned',
        'base-debian': 'skipped',
        registry: 'skipped',
      });
      const base = first.report.images.find((i) => i.name === 'base-alpine')!;
      expect((await inspect(`${project.registry}/base-alpine:3.20`)).Digest).toBe(base.digest);
      // Unchanged images are found by their content tag, yet not even a new --tag is written to them.
      expect(await tagsOf(`${project.registry}/base-debian`)).not.toContain('dry-run-candidate');
      expect(await tagsOf(`${project.registry}/registry`)).not.toContain('dry-run-candidate');
    } finally {
      await writeFile(served, original);
    }
  });

  describe('when one upstream tag moves', () => {
    afterAll(() => resetUpstream(world, 'library/alpine', '3.20'));

    it('rebuilds exactly the subtree on it, after lock --update', async () => {
      await reseedUpstream(world, 'library/alpine', '3.20');
      expect((await runCli(['lock', '--update'], project.dir, project.env)).code).toBe(0);
      const third = await build(project, '--push');
      expect(third.code).toBe(0);
      expect(statuses(third.report)).toEqual({
        auth: 'skipped',
        'base-alpine': 'built',
        app: 'built',
        'base-debian': 'skipped',
        builder: 'built',
        cli: 'built',
        'db-dev': 'skipped',
        proxy: 'built',
        'proxy-dev': 'skipped',
        registry: 'skipped',
      });
    });
  });
});

describe('a parent built again from the same inputs', () => {
  it('leaves its children as they are: they name it in their hash by its content tag, not its digest', async () => {
    const project = await fresh();
    const first = await build(project, '--push', '--only', 'app');
    expect(statuses(first.report)).toEqual({ 'base-alpine': 'built', app: 'built' });
    const digest = (report: BuildReport, name: string) => report.images.find((i) => i.name === name)!.digest;
    // Built again (a new `created` label, so a new digest) under the same content tag.
    const forced = await build(project, '--push', '--only', 'base-alpine', '--force');
    expect(statuses(forced.report)).toEqual({ 'base-alpine': 'built' });
    expect(digest(forced.report, 'base-alpine')).not.toBe(digest(first.report, 'base-alpine'));

    const again = await build(project, '--push', '--only', 'app');
    expect(statuses(again.report)).toEqual({ 'base-alpine': 'skipped', app: 'skipped' });
    expect(digest(again.report, 'base-alpine')).toBe(digest(forced.report, 'base-alpine'));
    expect(digest(again.report, 'app')).toBe(digest(first.report, 'app'));
    // app still says which build of base-alpine it was built on.
    const labels = (await inspect(`${project.registry}/app:1.4`)).Labels;
    expect(labels['org.opencontainers.image.base.digest']).toBe(digest(first.report, 'base-alpine'));
  });
});

describe('a project that is its own build context', () => {
  it("is not rebuilt on the next run: pinyard's own .pinyard/ (logs, cache) is no part of a context", async () => {
    const root = tempProject({
      'project/images.yml':
        `version: 1\nregistry: ${world.tokenRegistry.host}/dev/self${Date.now()}\n` +
        `mirrors: { docker.io: ["${world.upstream.host}"] }\nimages:\n  app: { context: ., tags: ["1.0"] }\n`,
      'project/Dockerfile': 'FROM alpine:3.20\nCOPY . /src/\n',
    });
    const dir = path.join(root, 'project');
    const env = await loggedInEnv(world, root, dev);
    const run = async () =>
      JSON.parse((await runCli(['--json', 'build', '--push'], dir, env)).stdout) as BuildReport;
    expect(statuses(await run())).toEqual({ app: 'built' });
    // The first run wrote .pinyard/logs/app.log and .pinyard/cache/ inside the context.
    expect(statuses(await run())).toEqual({ app: 'skipped' });
  });
});

describe('pinyard build failures', () => {
  it('a failing image blocks only its descendants, and no human tag moves', async () => {
    const project = await fresh();
    const dockerfile = path.join(project.dir, 'images/base-alpine/Dockerfile');
    await writeFile(dockerfile, `${await readFile(dockerfile, 'utf8')}\nRUN echo about to fail && false\n`);
    const { code, report, stderr } = await build(project, '--push');
    expect(code).toBe(1);
    expect(report.status).toBe('failed');
    expect(statuses(report)).toMatchObject({
      'base-alpine': 'failed',
      app: 'blocked',
      cli: 'blocked',
      builder: 'blocked',
      proxy: 'blocked',
      'base-debian': 'built',
      registry: 'built',
    });
    const failed = report.images.find((i) => i.name === 'base-alpine')!;
    expect(failed.error?.step).toMatch(/RUN echo about to fail && false/);
    expect(failed.error?.lastLines).toContain('about to fail');
    expect(report.images.find((i) => i.name === 'app')!.error?.message).toBe('blocked by base-alpine');
    expect(stderr).toContain('base-alpine');
    // The independent branch was built and pushed under its content tag, but its human tag did not move.
    const debian = report.images.find((i) => i.name === 'base-debian')!;
    expect((await inspect(debian.tags[0]!)).Digest).toBe(debian.digest);
    expect(await tagsOf(`${project.registry}/base-debian`)).toEqual([debian.tags[0]!.split(':').pop()]);
    expect(await tagsOf(`${project.registry}/registry`)).toEqual([
      expect.stringMatching(/^pinyard-[0-9a-f]{24}$/),
    ]);
  });

  it("refuses a read-only account's push, names the account and repository, and moves no tag", async () => {
    const project = await fresh(reader);
    const { code, report } = await build(project, '--push', '--only', 'base-debian');
    expect(code).toBe(1);
    const image = report.images.find((i) => i.name === 'base-debian')!;
    expect(image.status).toBe('failed');
    expect(image.error?.code).toBe('PINYARD_DENIED');
    expect(image.error?.message).toMatch(/reader/);
    expect(image.error?.message).toContain('base-debian');
    await expect(tagsOf(`${project.registry}/base-debian`)).rejects.toThrow(/name unknown|not found/i);
  });

  it('--frozen fails (exit 1) when images.lock lacks a ref, and builds nothing', async () => {
    const project = await fresh();
    const { code, stdout, stderr } = await runCli(['build', '--frozen'], project.dir, project.env);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/images\.lock lacks 8 upstream refs/);
    expect(stderr).toMatch(/PINYARD_LOCK_STALE/);
  });

  it('names an engine that is down, with a hint', async () => {
    const project = await fresh();
    const env = { ...project.env, DOCKER_HOST: 'unix:///nonexistent/docker.sock' };
    const { code, stderr } = await runCli(['build', '--only', 'auth'], project.dir, env);
    expect(code).toBe(1);
    expect(stderr).toContain('unix:///nonexistent/docker.sock');
    expect(stderr).toMatch(/PINYARD_ENGINE/);
  });
});

describe('pinyard build without --push', () => {
  it('keeps images in the local engine and skips them on the next run', async () => {
    const project = await fresh();
    const first = await build(project, '--only', 'app');
    expect(first.code).toBe(0);
    expect(statuses(first.report)).toEqual({ 'base-alpine': 'built', app: 'built' });
    const local = await execa('docker', ['image', 'inspect', `${project.registry}/app:1.4`], {
      env: { DOCKER_HOST: world.dockerHost },
    });
    expect(JSON.parse(local.stdout)[0].Id).toBe(first.report.images.find((i) => i.name === 'app')!.digest);
    const second = await build(project, '--only', 'app');
    expect(statuses(second.report)).toEqual({ 'base-alpine': 'skipped', app: 'skipped' });
  });
});
