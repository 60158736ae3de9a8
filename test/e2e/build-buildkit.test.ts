import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuildReport } from '../../src/report/build/index.js';
import { loggedInEnv } from '../helpers/logged-in-env.js';
import { runCli } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';
import { reseedUpstream, type SecondEngine, startSecondEngine, worldFromEnv } from '../world/index.js';

const world = worldFromEnv();
const { dev } = world.users;
/** The build secret: it must be found nowhere but inside the one RUN step that mounts it. */
const SECRET = 'pinyard-bk-secret-7f3a9c1e5d';
const ROTATED = 'pinyard-bk-secret-rotated-42';
let run = 0;
const mirror = `mirrors: { docker.io: ["${world.upstream.host}"] }`;

/**
 * A tree of the Dockerfiles teams write since BuildKit became docker's default builder: cache, bind (from a
 * tree image), tmpfs and secret mounts, COPY --chmod/--chown, a stage chosen by a platform arg (`FROM stage-$TARGETOS`). (`COPY --link` and
 * heredocs need the dockerfile 1.4 frontend, which dockerd 20.10 has built in only through `# syntax=`, and
 * no frontend image can be pulled here: see the test of the refusal below.)
 */
function bkProject(extra: { manifest?: string } = {}) {
  const registry = `${world.tokenRegistry.host}/dev/bk${Date.now()}-${run++}`;
  const dir = tempProject({
    'images.yml': [
      'version: 1',
      `registry: ${registry}`,
      mirror,
      'secrets:',
      '  token: { env: PINYARD_TEST_TOKEN }',
      extra.manifest ?? '',
      'images:',
      '  base: { context: base, tags: ["1"] }',
      '  tool: { context: tool, tags: ["1"] }',
      '  app: { context: app, tags: ["1"] }',
      '',
    ].join('\n'),
    'base/Dockerfile': [
      'FROM alpine:3.20',
      "RUN --mount=type=cache,target=/var/cache/demo sh -c 'echo warm >> /var/cache/demo/log && cp /var/cache/demo/log /cache-log'",
      'COPY --chmod=751 hello.sh /usr/local/bin/hello',
      'COPY motd /etc/motd',
      'RUN --mount=type=tmpfs,target=/scratch touch /scratch/x && test ! -e /etc/x',
      '',
    ].join('\n'),
    'base/hello.sh': 'echo hello\n',
    'base/motd': 'welcome\n',
    'tool/Dockerfile': 'FROM alpine:3.20\nRUN echo made-by-tool > /tool.txt\n',
    'app/Dockerfile': [
      'FROM base AS stage-linux',
      'RUN echo linux > /os',
      'FROM base AS stage-windows',
      'RUN echo windows > /os',
      // The stage chosen by the platform arg the builder sets, as `docker build` would.
      'FROM stage-$TARGETOS',
      'RUN --mount=type=bind,from=tool,source=/tool.txt,target=/mnt/tool.txt cp /mnt/tool.txt /from-tool',
      'RUN --mount=type=secret,id=token,required=true sh -c \'wc -c < /run/secrets/token | tr -d " " > /secret-length\'',
      'COPY --chown=1000:1000 app.txt /home/app.txt',
      '',
    ].join('\n'),
    'app/app.txt': 'app\n',
  });
  return { dir, registry };
}

async function envFor(dir: string, token: string | undefined): Promise<NodeJS.ProcessEnv> {
  const env = await loggedInEnv(world, dir, dev);
  delete env.PINYARD_TEST_TOKEN;
  if (token !== undefined) env.PINYARD_TEST_TOKEN = token;
  return env;
}

async function build(dir: string, env: NodeJS.ProcessEnv, ...args: string[]) {
  const result = await runCli(['--json', 'build', ...args], dir, env);
  const report = result.stdout ? (JSON.parse(result.stdout) as BuildReport) : undefined;
  return { ...result, report };
}

/** Runs a command in the pushed image, as a user checking what was built would. */
async function inImage(env: NodeJS.ProcessEnv, ref: string, script: string): Promise<string> {
  await execa('docker', ['pull', ref], { env });
  const { stdout } = await execa('docker', ['run', '--rm', '--entrypoint', 'sh', ref, '-c', script], { env });
  return stdout;
}

async function logs(dir: string): Promise<string> {
  const logDir = path.join(dir, '.pinyard', 'logs');
  const files = await readdir(logDir);
  return (await Promise.all(files.map((f) => readFile(path.join(logDir, f), 'utf8')))).join('\n');
}

describe('pinyard build with BuildKit', () => {
  let project: { dir: string; registry: string };
  let env: NodeJS.ProcessEnv;
  let first: Awaited<ReturnType<typeof build>>;
  beforeAll(async () => {
    project = bkProject();
    env = await envFor(project.dir, SECRET);
    first = await build(project.dir, env, '--push');
  });

  it('builds and pushes every image with BuildKit, and says so in the report', () => {
    expect(first.stderr).not.toMatch(/classic builder/);
    expect(first.code).toBe(0);
    const images = first.report?.images.map((i) => [i.name, i.status, i.builder]);
    expect(images?.sort()).toEqual([
      ['app', 'built', 'buildkit'],
      ['base', 'built', 'buildkit'],
      ['tool', 'built', 'buildkit'],
    ]);
  });

  it('makes a RUN --mount=…,from= image of the tree a parent, pinned to this run’s digest', () => {
    const app = first.report!.images.find((i) => i.name === 'app')!;
    expect(app.parents.sort()).toEqual(['base', 'tool']);
  });

  it('gives the image what each BuildKit feature does', async () => {
    const out = await inImage(
      env,
      `${project.registry}/app:1`,
      'cat /cache-log /from-tool /os /secret-length; stat -c "%a %u" /usr/local/bin/hello /home/app.txt; cat /etc/motd',
    );
    expect(out.split('\n')).toEqual([
      'warm', // the cache mount's output, copied out of the mount
      'made-by-tool', // the bind mount from the tool image
      'linux', // the stage FROM stage-$TARGETOS chose
      String(SECRET.length), // the secret's length, written by the step that mounted it
      '751 0', // COPY --chmod
      '644 1000', // COPY --chown
      'welcome',
    ]);
  });

  it('keeps the secret out of the image, its history, the output, the report and the logs', async () => {
    const ref = `${project.registry}/app:1`;
    const { stdout: history } = await execa('docker', ['history', '--no-trunc', ref], { env });
    const { stdout: inspect } = await execa('docker', ['image', 'inspect', ref], { env });
    const saved = await execa('docker', ['save', ref], { env, encoding: 'buffer' });
    expect(history).toContain('/run/secrets/token');
    for (const text of [history, inspect, first.stdout, first.stderr, await logs(project.dir)]) {
      expect(text).not.toContain(SECRET);
    }
    expect(Buffer.from(saved.stdout).includes(SECRET)).toBe(false);
  });

  it('skips everything when only the secret’s value changed: a rotated token rebuilds nothing', async () => {
    const rerun = await build(project.dir, await envFor(project.dir, ROTATED), '--push');
    expect(rerun.code).toBe(0);
    expect(rerun.report?.images.map((i) => i.status)).toEqual(['skipped', 'skipped', 'skipped']);
  });

  it('refuses a missing secret source before anything is built (exit 2)', async () => {
    await writeFile(path.join(project.dir, 'app/app.txt'), 'changed\n');
    const result = await runCli(['build', '--push'], project.dir, await envFor(project.dir, undefined));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/app: secret "token" reads \$PINYARD_TEST_TOKEN, which is not set/);
    expect(result.stdout).not.toMatch(/built|building/i);
  });

  it('changes nothing when it refuses a missing secret: not even images.lock is written', async () => {
    const fresh = bkProject();
    const result = await runCli(['build', '--push'], fresh.dir, await envFor(fresh.dir, undefined));
    expect(result.code).toBe(2);
    expect(existsSync(path.join(fresh.dir, 'images.lock'))).toBe(false);
  });
});

describe('a Dockerfile the engine’s frontend cannot parse', () => {
  it('fails the image at its file and line, with a hint at # syntax=', async () => {
    const dir = tempProject({
      'images.yml': `version: 1\n${mirror}\nimages:\n  linked: { context: linked }\n`,
      'linked/Dockerfile': 'FROM alpine:3.20\nCOPY --link motd /etc/motd\n',
      'linked/motd': 'hi\n',
    });
    const result = await build(dir, await envFor(dir, undefined));
    expect(result.code).toBe(1);
    expect(result.report?.images[0]?.error).toMatchObject({
      code: 'PINYARD_DOCKERFILE_INVALID',
      message: expect.stringMatching(/^the engine cannot parse the Dockerfile: Unknown flag: link/),
    });
    expect(result.stderr).toMatch(/linked\/Dockerfile:2:1/);
    expect(result.stderr).toMatch(/# syntax=docker\/dockerfile:1/);
  });
});

describe('# syntax= frontends', () => {
  it('pins the frontend image in images.lock, through the mirrors, like any upstream ref', async () => {
    // A stand-in for docker/dockerfile:1 (no real frontend image can be pulled here): what is tested is
    // that pinyard pins it, not that BuildKit runs it. The rewrite to its digest is unit-tested.
    const seeded = await reseedUpstream(world, 'docker/dockerfile', '1', { generation: 0 });
    const dir = tempProject({
      'images.yml': `version: 1\n${mirror}\nimages:\n  fe: { context: fe }\n`,
      'fe/Dockerfile': '# syntax=docker/dockerfile:1\nFROM alpine:3.20\n',
    });
    const result = await runCli(['lock'], dir, await envFor(dir, undefined));
    expect(result.code).toBe(0);
    const lock = await readFile(path.join(dir, 'images.lock'), 'utf8');
    expect(lock).toContain(`docker.io/docker/dockerfile:1:\n    digest: ${seeded.indexDigest}`);
    const plan = await runCli(['plan', '--json'], dir, await envFor(dir, undefined));
    expect(JSON.parse(plan.stdout).images[0].upstream).toEqual([
      'docker.io/docker/dockerfile:1',
      'docker.io/library/alpine:3.20',
    ]);
  });
});

describe('pinyard build with the classic builder', () => {
  it('builds with builder: classic, and reports it', async () => {
    const dir = tempProject({
      'images.yml': `version: 1\n${mirror}\nbuilder: classic\nimages:\n  plain: { context: plain }\n`,
      // Unique per run: the engine is shared, and an image it has already is skipped.
      'plain/Dockerfile': `FROM alpine:3.20\nRUN echo classic ${Date.now()} > /built-by\n`,
    });
    const env = { ...(await envFor(dir, undefined)) };
    const result = await build(dir, env);
    expect(result.code).toBe(0);
    expect(result.report?.images[0]).toMatchObject({ status: 'built', builder: 'classic' });
    // The classic builder's own way of printing steps reached the log.
    expect(await logs(dir)).toMatch(/^Step 2\/\d+ : RUN echo classic/m);
  });

  it('refuses secrets with the classic builder (exit 2), naming the images', async () => {
    const { dir } = bkProject({ manifest: 'builder: classic' });
    const result = await runCli(['build'], dir, await envFor(dir, SECRET));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /base, tool, app have build secrets, which the classic builder cannot serve/,
    );
  });

  it('refuses --builder with a value it does not know (exit 2)', async () => {
    const { dir } = bkProject();
    const result = await runCli(['build', '--builder', 'kaniko'], dir, await envFor(dir, SECRET));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/buildkit, classic/);
  });
});

describe('the registry layer cache, on a fresh engine', () => {
  let second: SecondEngine;
  beforeAll(async () => {
    second = await startSecondEngine(world, (line) => process.stderr.write(`[world] ${line}\n`));
  });
  afterAll(async () => {
    await second?.stop();
  });

  it('reuses the layers of the image’s last build from the registry; --no-cache does not', async () => {
    const { dir } = bkProject();
    const env = await envFor(dir, SECRET);
    expect((await build(dir, env, '--push', '--only', 'base')).code).toBe(0);
    // A late edit: the RUN before it is unchanged and can come from the registry's inline cache.
    await writeFile(path.join(dir, 'base/motd'), 'welcome, edited\n');
    const fresh = { ...env, DOCKER_HOST: second.dockerHost };
    const cached = await build(dir, fresh, '--push', '--only', 'base');
    expect(cached.code).toBe(0);
    const log = await readFile(path.join(dir, '.pinyard/logs/base.log'), 'utf8');
    expect(log).toMatch(/importing cache manifest from .*\/base:1/);
    expect(log).toMatch(/^CACHED \[(stage-0 )?2\/5\] RUN --mount=type=cache/m);

    await writeFile(path.join(dir, 'base/motd'), 'welcome, edited twice\n');
    expect((await build(dir, fresh, '--push', '--only', 'base', '--no-cache')).code).toBe(0);
    const uncached = await readFile(path.join(dir, '.pinyard/logs/base.log'), 'utf8');
    expect(uncached).not.toMatch(/importing cache manifest/);
    expect(uncached).not.toMatch(/^CACHED \[(stage-0 )?2\/5\] RUN/m);
  });
});
