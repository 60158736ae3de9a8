import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GithubMatrix } from '../../src/report/plan/index.js';
import { type ExampleProject, exampleProject } from '../helpers/example-project.js';
import { readOutputs } from '../helpers/github-files.js';
import { runCli } from '../helpers/run-cli.js';
import { worldFromEnv } from '../world/index.js';

const world = worldFromEnv();
const { dev } = world.users;
let run = 0;

/** One step of a job: pinyard run with the runner's variables and its own output and summary files. */
async function step(project: ExampleProject, args: string[]) {
  const dir = await mkdtemp(path.join(tmpdir(), 'pinyard-gh-step-'));
  const files = {
    GITHUB_OUTPUT: path.join(dir, 'output'),
    GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md'),
  };
  await Promise.all(Object.values(files).map((file) => writeFile(file, '')));
  const env = { ...project.env, ...files, GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: project.dir };
  const result = await runCli(args, project.dir, env);
  return {
    ...result,
    outputs: readOutputs(await readFile(files.GITHUB_OUTPUT, 'utf8')),
    summary: await readFile(files.GITHUB_STEP_SUMMARY, 'utf8'),
  };
}

describe('pinyard build in GitHub Actions, fanned out by plan --format github-matrix', () => {
  let project: ExampleProject;
  let matrix: GithubMatrix;
  let bases: Awaited<ReturnType<typeof step>>[];
  let images: Awaited<ReturnType<typeof step>>[];

  beforeAll(async () => {
    project = await exampleProject(world, { namespace: `dev/gh${Date.now()}-${run++}`, user: dev });
    expect((await runCli(['lock'], project.dir, project.env)).code).toBe(0);
    matrix = JSON.parse((await step(project, ['plan', '--format', 'github-matrix'])).stdout);
    // Within a wave the jobs are independent; here they run one after the other.
    const job = (only: string[]) => step(project, ['build', '--push', '--frozen', '--only', ...only]);
    bases = [];
    for (const { only } of matrix.bases.include) bases.push(await job(only));
    images = [];
    for (const { only } of matrix.images.include) images.push(await job(only));
  });

  it('builds every image exactly once across the jobs, each job succeeding', () => {
    for (const result of [...bases, ...images]) {
      expect({ code: result.code, status: result.outputs.status }).toEqual({ code: 0, status: 'succeeded' });
    }
    const builtBy = (results: typeof images) =>
      results.flatMap((r) => [...r.summary.matchAll(/^\| `([^`]+)` \| ✅ built/gm)].map((m) => m[1]));
    expect(builtBy(bases)).toEqual(['base-alpine']);
    expect([...builtBy(images)].sort()).toEqual(
      ['app', 'auth', 'base-debian', 'builder', 'cli', 'db-dev', 'proxy', 'proxy-dev', 'registry'].sort(),
    );
  });

  it('gives each job the digests as a JSON output; later jobs reuse the base by its digest', () => {
    const base = JSON.parse(bases[0]!.outputs.digests!)['base-alpine'];
    expect(base).toMatch(/^sha256:[0-9a-f]{64}$/);
    const app = images.find((r) => JSON.parse(r.outputs.digests!).app)!;
    expect(JSON.parse(app.outputs.digests!)).toEqual({ 'base-alpine': base, app: expect.any(String) });
    expect(app.summary).toContain(`| \`base-alpine\` | ⏭️ unchanged | \`${base}\` |`);
  });

  it('folds each built image log in a group and masks the registry password before using it', () => {
    const app = images.find((r) => JSON.parse(r.outputs.digests!).app)!;
    expect(app.stdout).toMatch(/^::group::app: built sha256:[0-9a-f]{12} in [\d.]+s\n::stop-commands::/m);
    expect(app.stdout).toContain('::endgroup::');
    // On the stream of the groups, so that no mask can reach the runner inside a stop-commands window.
    expect(app.stdout).toContain(`::add-mask::${dev.password}\n`);
    const withPassword = app.stdout.split('\n').filter((line) => line.includes(dev.password));
    expect(withPassword.every((line) => line.startsWith('::add-mask::'))).toBe(true);
    expect(app.stderr).not.toContain(dev.password);
  });

  it('writes the job summary with the run’s graph', () => {
    const app = images.find((r) => JSON.parse(r.outputs.digests!).app)!;
    expect(app.summary).toMatch(/^### pinyard build succeeded in /);
    expect(app.summary).toContain('```mermaid\nflowchart TD\n');
    expect(app.summary).toMatch(/class i\d+ built/);
  });

  it('annotates a failed image on the Dockerfile line of the failing step (BuildKit numbers it per stage)', async () => {
    const dockerfile = path.join(project.dir, 'images/cli/Dockerfile');
    const lines = (await readFile(dockerfile, 'utf8')).trimEnd().split('\n');
    await writeFile(dockerfile, `${[...lines, 'RUN echo boom && exit 3'].join('\n')}\n`);
    const result = await step(project, ['build', '--push', '--frozen', '--only', 'cli']);
    expect(result.code).toBe(1);
    expect(result.outputs.status).toBe('failed');
    const annotation = result.stdout.split('\n').find((l) => l.startsWith('::error '));
    expect(annotation).toMatch(
      new RegExp(
        `^::error file=images/cli/Dockerfile,line=${lines.length + 1},col=1,title=cli failed after [\\d.]+s at \\[stage-1 \\d+/\\d+\\] RUN echo boom && exit 3::.*exit code: 3`,
      ),
    );
    expect(result.summary).toContain('| `cli` | ❌ failed after');
  });
});
