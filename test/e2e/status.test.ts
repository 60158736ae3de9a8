import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StatusRow } from '../../src/status/index.js';
import { type ExampleProject, exampleProject } from '../helpers/example-project.js';
import { labelledImage, pushLabelledImage } from '../helpers/labelled-image.js';
import { runCli } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';
import { bearer, reseedUpstream, worldFromEnv, writeDockerConfig } from '../world/index.js';

const world = worldFromEnv();

interface StatusJson {
  version: number;
  environments: string[];
  images: StatusRow[];
  untagged: string[];
}

async function cli(project: ExampleProject, ...args: string[]) {
  const result = await runCli(args, project.dir, project.env);
  if (result.code !== 0 && !args.includes('status')) {
    throw new Error(`pinyard ${args.join(' ')} exited ${result.code}: ${result.stderr}${result.stdout}`);
  }
  return result;
}

async function status(project: ExampleProject, ...args: string[]) {
  const result = await runCli(['--json', 'status', ...args], project.dir, project.env);
  const json = JSON.parse(result.stdout) as StatusJson;
  const row = (name: string) => json.images.find((r) => r.name === name && r.tag === '1.4')!;
  return { ...result, json, row };
}

describe('pinyard status', () => {
  it('after an upstream moves and the tree is rebuilt: staging =, prod behind on a stale upstream, until prod is promoted', async () => {
    const id = `s${Date.now()}`;
    const project = await exampleProject(world, { namespace: `dev/${id}`, user: dev() });
    // An upstream of this test's own (a repository of the upstream stand-in no other test uses), which the
    // engine pulls straight from the loopback registry: moving it disturbs no one.
    const base = `${id}/alpine`;
    await reseedUpstream(world, base, '3.20', { generation: 0 });
    const dockerfile = path.join(project.dir, 'images/base-alpine/Dockerfile');
    const text = await readFile(dockerfile, 'utf8');
    await writeFile(
      dockerfile,
      text.replace(/^FROM alpine:3\.20$/m, `FROM ${world.upstream.host}/${base}:3.20`),
    );
    const upstreamRef = `${world.upstream.host}/${base}:3.20`;

    await cli(project, 'build', '--push', '--only', 'app', 'cli');
    await cli(project, 'promote', 'app:1.4', 'cli:1.4', '--to', 'staging');
    await cli(project, 'promote', 'app:1.4', '--to', 'prod');

    const first = await status(project);
    expect(first.code).toBe(0);
    expect(first.json.version).toBe(1);
    expect(first.json.environments).toEqual(['staging', 'prod']);
    const built1 = first.row('app').built.digest!;
    expect(built1).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(first.row('app').environments.map((e) => [e.environment, e.state, e.digest])).toEqual([
      ['staging', 'same', built1],
      ['prod', 'same', built1],
    ]);
    expect(first.row('app').built.upstream).toMatchObject({ ref: upstreamRef, stale: false });
    expect(first.row('cli').environments.map((e) => e.state)).toEqual(['same', 'absent']);
    // Not built in this project: nothing anywhere.
    expect(first.json.images.find((r) => r.name === 'proxy')!.built.digest).toBeUndefined();

    // The upstream's security update: lock sees it, the tree is rebuilt on it, staging takes the new app.
    const moved = await reseedUpstream(world, base, '3.20');
    await cli(project, 'lock', '--update');
    // Locked but not rebuilt yet: the build itself stands on the old upstream.
    const locked = await status(project, 'app');
    expect(locked.row('app').built).toMatchObject({
      digest: built1,
      upstream: { ref: upstreamRef, pinned: moved.indexDigest, stale: true },
    });
    await cli(project, 'build', '--push', '--only', 'app', 'cli');
    await cli(project, 'promote', 'app:1.4', '--to', 'staging', '--force');

    const second = await status(project);
    expect(second.code).toBe(0);
    const app = second.row('app');
    expect(app.built.digest).not.toBe(built1);
    expect(app.built.upstream).toMatchObject({ ref: upstreamRef, digest: moved.indexDigest, stale: false });
    const [staging, prod] = app.environments;
    expect(staging).toMatchObject({ state: 'same', digest: app.built.digest });
    expect(staging!.upstream?.stale).toBe(false);
    expect(prod).toMatchObject({ state: 'behind', buildsBehind: 1, digest: built1 });
    expect(prod!.upstream).toMatchObject({ ref: upstreamRef, pinned: moved.indexDigest, stale: true });
    // cli was rebuilt but staging still has the old one: behind too, and on the old upstream.
    expect(second.row('cli').environments[0]).toMatchObject({ state: 'behind', buildsBehind: 1 });

    const table = await runCli(['status', 'app', 'cli:1.4'], project.dir, project.env);
    expect(table.code).toBe(0);
    const lines = table.stdout.split('\n');
    expect(lines[0]).toMatch(/^image:tag +registry +staging +prod$/);
    expect(lines[1]).toMatch(/^app:1\.4 +sha256:[0-9a-f]{12} += +behind 1, stale upstream$/);
    expect(lines[2]).toMatch(/^cli:1\.4 +sha256:[0-9a-f]{12} +behind 1, stale upstream +-$/);
    expect(table.stdout).toMatch(
      new RegExp(
        `  prod app:1\\.4 is built on ${regexpText(upstreamRef)}@sha256:[0-9a-f]{12} \\(images\\.lock pins ${moved.indexDigest.slice(0, 19)}\\)`,
      ),
    );

    // In GitHub Actions the same table goes to the job summary.
    const summary = path.join(project.dir, 'summary.md');
    await writeFile(summary, '');
    const env = { ...project.env, GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary };
    expect((await runCli(['status', 'app'], project.dir, env)).code).toBe(0);
    const markdown = await readFile(summary, 'utf8');
    expect(markdown).toContain('| image:tag | registry | staging | prod |');
    expect(markdown).toMatch(/\| `app:1\.4` \| `sha256:[0-9a-f]{12}` \| = \| behind 1, stale upstream \|/);

    const failStale = await runCli(['status', '--fail-on', 'stale', 'app'], project.dir, project.env);
    expect(failStale.code).toBe(1);
    const failBehind = await runCli(['status', '--fail-on', 'behind', 'app'], project.dir, project.env);
    expect(failBehind.code).toBe(1);

    // Another update and rebuild: prod is two builds back now (the build in between is found by its
    // content tag), staging one.
    const movedAgain = await reseedUpstream(world, base, '3.20');
    await cli(project, 'lock', '--update');
    await cli(project, 'build', '--push', '--only', 'app');
    const again = await status(project, 'app');
    expect(again.row('app').environments.map((e) => [e.state, e.buildsBehind, e.upstream?.stale])).toEqual([
      ['behind', 1, true],
      ['behind', 2, true],
    ]);
    expect(again.row('app').built.upstream).toMatchObject({ digest: movedAgain.indexDigest, stale: false });

    // Promote to staging and prod: it clears.
    await cli(project, 'promote', 'app:1.4', '--to', 'staging', '--force');
    await cli(project, 'promote', 'app:1.4', '--to', 'prod', '--force');
    const third = await status(project, 'app');
    expect(third.row('app').environments.map((e) => [e.state, e.upstream?.stale])).toEqual([
      ['same', false],
      ['same', false],
    ]);
    const cleared = await runCli(['status', '--fail-on', 'behind,stale', 'app'], project.dir, project.env);
    expect(cleared.code).toBe(0);
    expect(cleared.stdout).not.toContain('stale upstream');
  });

  it('a digest pinyard did not build is other; label text that is no reference is neither shown nor judged', async () => {
    const id = `s${Date.now()}-h`;
    const registry = `${world.tokenRegistry.host}/dev/${id}`;
    const dir = tempProject({
      'images.yml': [
        'version: 1',
        `registry: ${registry}`,
        'environments: { staging: { repository: "staging/{name}" } }',
        'images: { app: { context: app, tags: ["1.4"] } }',
        '',
      ].join('\n'),
      'images.lock': `version: 1\nupstream:\n  docker.io/library/alpine:3.20:\n    digest: sha256:${'1'.repeat(64)}\n`,
      'app/Dockerfile': 'FROM alpine:3.20\n',
    });
    const env = {
      ...process.env,
      DOCKER_CONFIG: await writeDockerConfig(path.join(dir, '.docker'), [
        { host: world.tokenRegistry.host, user: dev() },
      ]),
    };
    // Built by "pinyard" as far as its labels go, with a base name a hostile registry wrote.
    const built = await pushImage(`dev/${id}/app`, {
      'dev.pinyard.input-hash': 'f'.repeat(64),
      'org.opencontainers.image.base.name': 'docker.io/library/alpine:3.20\u001b[2J\u001b]0;owned\u0007',
      'org.opencontainers.image.base.digest': `sha256:${'2'.repeat(64)}`,
    });
    // Pushed to staging by hand: no pinyard labels.
    const foreign = await pushImage(`dev/${id}/staging/app`, { maintainer: 'someone' });

    const json = await runCli(['--json', 'status', '--fail-on', 'behind,stale'], dir, env);
    expect(json.code).toBe(0);
    const [row] = (JSON.parse(json.stdout) as StatusJson).images;
    expect(row!.built).toEqual({ reference: `${registry}/app:1.4`, digest: built });
    expect(row!.environments).toEqual([
      { environment: 'staging', reference: `${registry}/staging/app:1.4`, digest: foreign, state: 'other' },
    ]);
    const text = await runCli(['status'], dir, env);
    expect(text.stdout).toMatch(/^app:1\.4 +sha256:[0-9a-f]{12} +other$/m);
    // No control character of the label reaches the terminal.
    expect([...text.stdout].filter((c) => c !== '\n' && c.charCodeAt(0) < 0x20)).toEqual([]);
  });
});

function dev() {
  return world.users.dev;
}

function regexpText(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A one-layer image with these labels pushed as `<repository>:1.4` of the token registry, as dev. */
async function pushImage(repository: string, labels: Record<string, string>): Promise<string> {
  const headers = await bearer(world, dev(), [`repository:${repository}:pull,push`]);
  const call = { url: world.tokenRegistry.url, repository, headers };
  return pushLabelledImage(call, labelledImage(labels, repository), '1.4');
}
