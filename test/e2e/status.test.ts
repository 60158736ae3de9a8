import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StatusRow } from '../../src/status/index.js';
import { type ExampleProject, exampleProject } from '../helpers/example-project.js';
import { runCli } from '../helpers/run-cli.js';
import { reseedUpstream, worldFromEnv } from '../world/index.js';

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

    // Promote to prod: it clears.
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

  it('an unknown image is bad input (exit 2) with a suggestion', async () => {
    const project = await exampleProject(world, { namespace: `dev/s${Date.now()}-x`, user: dev() });
    const { code, stderr } = await runCli(['status', 'ap'], project.dir, project.env);
    expect(code).toBe(2);
    expect(stderr).toContain('unknown image "ap" (did you mean "app"?)');
  });
});

function dev() {
  return world.users.dev;
}

function regexpText(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
