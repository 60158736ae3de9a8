import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/run.js';
import type { BuildReport } from '../../src/report/build/index.js';
import { readOutputs } from '../helpers/github-files.js';
import { runCli } from '../helpers/run-cli.js';
import { FakeEngine } from './fakes/fake-engine.js';
import { FakeRegistry } from './fakes/fake-registry.js';
import { ALPINE, ALPINE_DIGEST, buildProject, REGISTRY } from './fakes/project.js';

// `pinyard build` wired whole, from the argv to the adapters, with the registry client and the Docker
// engine replaced by in-memory ones: the CLI's flags, the command and its ports run as they do for a user.
const fakes = vi.hoisted(() => ({
  registry: undefined as unknown,
  engines: new Map<string, unknown>(),
}));
vi.mock('../../src/registry/index.js', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  RegistryClient: function RegistryClient() {
    return fakes.registry;
  },
}));
vi.mock('../../src/engine/docker-engine.js', () => ({
  // The address comes from `endpoint` where the engine is resolved before construction, else DOCKER_HOST.
  DockerEngine: function DockerEngine({
    env,
    endpoint,
  }: {
    env: NodeJS.ProcessEnv;
    endpoint?: { dockerHost: string };
  }) {
    const host = endpoint?.dockerHost ?? env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
    if (!fakes.engines.has(host))
      fakes.engines.set(host, new FakeEngine(host, fakes.registry as FakeRegistry));
    return fakes.engines.get(host);
  },
}));

const HOST = 'unix:///fake/docker.sock';
let registry: FakeRegistry;
let engine: FakeEngine;
let dir: string;
const env = () => ({ PATH: process.env.PATH, DOCKER_HOST: HOST, DOCKER_CONFIG: path.join(dir, '.docker') });
const repo = (name: string) => `${REGISTRY}/${name}`;

/** An empty registry and engine. */
function fresh() {
  registry = new FakeRegistry();
  registry.upstream.set(ALPINE, ALPINE_DIGEST);
  fakes.registry = registry;
  fakes.engines.clear();
  engine = new FakeEngine(HOST, registry);
  fakes.engines.set(HOST, engine);
}

beforeEach(() => {
  fresh();
  dir = buildProject(registry);
});

async function build(...args: string[]) {
  const result = await runCli(['--json', 'build', ...args], dir, env());
  return { ...result, report: JSON.parse(result.stdout) as BuildReport };
}

/** The human tags of every image, as the registry holds them (content tags left out). */
const humanTags = () =>
  Object.fromEntries(
    ['base', 'app', 'tool'].map((name) => [
      name,
      Object.keys(registry.tagsOf(repo(name))).filter((t) => !t.startsWith('pinyard-')),
    ]),
  );

describe('pinyard build --push, wired to fake adapters', () => {
  it('pushes every content tag, then points the human tags and every --tag at the same digests', async () => {
    const { code } = await build('--push', '--tag', 'candidate', 'nightly');
    expect(code).toBe(0);
    expect(humanTags()).toEqual({
      base: ['1', 'candidate', 'nightly'],
      app: ['2', 'candidate', 'nightly'],
      tool: ['3', 'candidate', 'nightly'],
    });
    for (const name of ['base', 'app', 'tool']) {
      const tags = registry.tagsOf(repo(name));
      const content = Object.keys(tags).find((t) => t.startsWith('pinyard-'))!;
      expect(tags.candidate).toBe(tags[content]);
      expect(tags.nightly).toBe(tags[content]);
    }
  });

  it("sends the engine each Dockerfile pinned: upstream refs to the lock's digest, parents to their pushed digest", async () => {
    await build('--push');
    const sent = (name: string) => engine.builds.find((b) => b.tags[0]!.startsWith(`${repo(name)}:`))!;
    expect(sent('base').dockerfile).toMatch(
      new RegExp(`^FROM docker\\.io/library/alpine:3\\.20@${ALPINE_DIGEST}$`, 'm'),
    );
    const baseDigest = registry.tagsOf(repo('base'))['1'];
    expect(sent('app').dockerfile).toContain(`FROM ${repo('base')}@${baseDigest} AS runtime`);
  });

  it("passes the image's target and platform to the engine", async () => {
    await build('--push');
    const app = engine.builds.find((b) => b.tags[0]!.startsWith(`${repo('app')}:`))!;
    expect(app).toMatchObject({ target: 'runtime', platform: 'linux/arm64' });
    const tool = engine.builds.find((b) => b.tags[0]!.startsWith(`${repo('tool')}:`))!;
    expect(tool.target).toBeUndefined();
    expect(tool.platform).toBeUndefined();
  });

  it('checks each pushed digest against the registry: a mismatch fails the run and moves no tag', async () => {
    engine.misreportPush = true;
    const { code, report } = await build('--push');
    expect(code).toBe(1);
    expect(report.images.find((i) => i.name === 'base')?.error?.message).toMatch(/but the registry has/);
    expect(humanTags()).toEqual({ base: [], app: [], tool: [] });
  });

  it('rebuilds nothing on a second run, and everything with --force', async () => {
    await build('--push');
    expect(engine.builds).toHaveLength(3);
    const again = await build('--push');
    expect(again.code).toBe(0);
    expect(engine.builds).toHaveLength(3);
    const forced = await build('--push', '--force');
    expect(forced.code).toBe(0);
    expect(engine.builds).toHaveLength(6);
  });

  it('--dry-run moves no human tag, not even where every content tag exists (a --tag stays unwritten)', async () => {
    await build('--push');
    const before = registry.calls.filter((c) => c.startsWith('PUT')).length;
    const dry = await build('--push', '--dry-run', '--tag', 'candidate');
    expect(dry.code).toBe(0);
    expect(registry.calls.filter((c) => c.startsWith('PUT'))).toHaveLength(before);
    expect(humanTags()).toEqual({ base: ['1'], app: ['2'], tool: ['3'] });
  });

  it('--dry-run writes no human tag for images found by content tag only (a run that failed after pushing)', async () => {
    const first = await build('--push', '--only', 'tool');
    expect(first.code).toBe(0);
    // The human tag is gone (as if never moved): the content tag alone is in the registry.
    registry.repos.get(repo('tool'))!.delete('3');
    const dry = await build('--push', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.report.images.find((i) => i.name === 'tool')!.status).toBe('skipped');
    expect(humanTags().tool).toEqual([]);
    expect(engine.builds).toHaveLength(1);
  });

  it('a failed image blocks its children and no human tag moves, while the independent branch is still built', async () => {
    engine.buildHook = (b) => {
      if (b.tags[0]!.startsWith(`${repo('base')}:`)) throw new Error('RUN echo base: exit 1');
    };
    const { code, report } = await build('--push');
    expect(code).toBe(1);
    expect(Object.fromEntries(report.images.map((i) => [i.name, i.status]))).toEqual({
      base: 'failed',
      app: 'blocked',
      tool: 'built',
    });
    expect(humanTags()).toEqual({ base: [], app: [], tool: [] });
    expect(Object.keys(registry.tagsOf(repo('tool')))).toEqual([expect.stringMatching(/^pinyard-/)]);
  });

  it('--fail-fast stops the builds still running when one fails; without it they finish', async () => {
    const failBaseWhileToolBuilds = () => {
      let failed!: () => void;
      const baseFailed = new Promise<void>((resolve) => {
        failed = resolve;
      });
      engine.buildHook = async (b, signal) => {
        if (b.tags[0]!.startsWith(`${repo('base')}:`)) {
          failed();
          throw new Error('RUN echo base: exit 1');
        }
        await baseFailed;
        // Let the run react to base's failure before this build finishes.
        await new Promise((resolve) => setImmediate(resolve));
        if (signal?.aborted) throw signal.reason;
      };
    };
    failBaseWhileToolBuilds();
    const patient = await build('--push');
    expect(patient.report.images.find((i) => i.name === 'tool')!.status).toBe('built');

    fresh();
    failBaseWhileToolBuilds();
    const fast = await build('--push', '--fail-fast');
    expect(fast.code).toBe(1);
    expect(fast.report.images.find((i) => i.name === 'tool')!.status).not.toBe('built');
    expect(registry.tagsOf(repo('tool'))).toEqual({});
  });

  it('builds at most 2 images at once on an engine by default, and --concurrency N at most N', async () => {
    dir = buildProject(registry, {
      'images.yml': `version: 1\nregistry: ${REGISTRY}\nimages:\n${['a', 'b', 'c', 'd']
        .map((n) => `  ${n}: { context: tool, args: { N: "${n}" } }`)
        .join('\n')}\n`,
    });
    /**
     * The first build is held until every image's content tag has been looked up (after that an image
     * only waits for a slot), then the images the progress shows as building are the engine's slots.
     */
    const slotsTaken = async (...args: string[]) => {
      fresh();
      let progress = '';
      let taken: number | undefined;
      engine.buildHook = async () => {
        if (taken !== undefined) return;
        while (registry.calls.filter((c) => /^HEAD .*:pinyard-/.test(c)).length < 4) {
          await new Promise((resolve) => setImmediate(resolve));
        }
        await new Promise((resolve) => setImmediate(resolve));
        taken ??= progress.split('\n').filter((l) => / building$/.test(l)).length;
      };
      const code = await run(['--json', 'build', '--push', ...args], {
        cwd: dir,
        env: env(),
        stdout: { write: () => {} },
        stderr: {
          write: (text) => {
            progress += text;
          },
        },
      });
      expect(code).toBe(0);
      expect(engine.builds).toHaveLength(4);
      return taken;
    };
    expect(await slotsTaken()).toBe(2);
    expect(await slotsTaken('--concurrency', '3')).toBe(3);
    expect(await slotsTaken('--concurrency', '1')).toBe(1);
  });

  it('labels each build with the revision and source from GitHub Actions variables', async () => {
    const result = await runCli(['build', '--push', '--only', 'tool'], dir, {
      ...env(),
      GITHUB_ACTIONS: 'true',
      GITHUB_SHA: 'f'.repeat(40),
      GITHUB_SERVER_URL: 'https://github.example',
      GITHUB_REPOSITORY: 'acme/platform',
    });
    expect(result.code).toBe(0);
    expect(engine.builds[0]!.dockerfile).toContain(`"org.opencontainers.image.revision"="${'f'.repeat(40)}"`);
    expect(engine.builds[0]!.dockerfile).toContain(
      '"org.opencontainers.image.source"="https://github.example/acme/platform"',
    );
  });

  it('in GitHub Actions, sets the digests and status step outputs the composite action passes on', async () => {
    const output = path.join(dir, 'github-output');
    await writeFile(output, '');
    const run = (...args: string[]) =>
      runCli(['build', '--push', ...args], dir, { ...env(), GITHUB_ACTIONS: 'true', GITHUB_OUTPUT: output });
    expect((await run('--only', 'tool')).code).toBe(0);
    const digest = registry.tagsOf(repo('tool'))['3'];
    let outputs = readOutputs(await readFile(output, 'utf8'));
    expect(outputs).toEqual({ digests: JSON.stringify({ tool: digest }), status: 'succeeded' });
    await writeFile(output, '');
    engine.buildHook = () => {
      throw new Error('RUN echo base: exit 1');
    };
    expect((await run('--only', 'base')).code).toBe(1);
    outputs = readOutputs(await readFile(output, 'utf8'));
    expect(outputs.status).toBe('failed');
  });

  it('labels each build with the git revision and the remote, without the credentials in its URL', async () => {
    const git = (...args: string[]) => execa('git', args, { cwd: dir });
    await git('init', '-q');
    await git(
      '-c',
      'user.email=t@example.com',
      '-c',
      'user.name=t',
      'commit',
      '-q',
      '--allow-empty',
      '-m',
      'x',
    );
    await git('remote', 'add', 'origin', 'https://ci-bot:s3cr3t-token@git.example.com/acme/platform.git');
    const revision = (await git('rev-parse', 'HEAD')).stdout.trim();
    const result = await runCli(['build', '--push', '--only', 'tool'], dir, env());
    expect(result.code).toBe(0);
    const sent = engine.builds[0]!.dockerfile;
    expect(sent).toContain(`"org.opencontainers.image.revision"="${revision}"`);
    expect(sent).toContain('"org.opencontainers.image.source"="https://git.example.com/acme/platform.git"');
    expect(sent).not.toContain('s3cr3t-token');
  });
});

describe('pinyard build without --push, wired to a fake engine', () => {
  it('keeps images in the engine, moves human tags there, and reuses them on the next run', async () => {
    const { code } = await build('--only', 'tool');
    expect(code).toBe(0);
    expect(engine.namesIn(repo('tool'))).toEqual([
      `${repo('tool')}:3`,
      expect.stringMatching(new RegExp(`^${repo('tool')}:pinyard-[0-9a-f]{24}$`)),
    ]);
    expect(registry.calls.filter((c) => !c.startsWith('resolve'))).toEqual([]);
    await build('--only', 'tool');
    expect(engine.builds).toHaveLength(1);
  });

  it('writes images.lock before building, unless --dry-run', async () => {
    await build('--dry-run', '--only', 'tool');
    await expect(readFile(path.join(dir, 'images.lock'), 'utf8')).rejects.toThrow(/ENOENT/);
    await build('--only', 'tool');
    expect(await readFile(path.join(dir, 'images.lock'), 'utf8')).toContain(ALPINE_DIGEST);
  });

  it('leaves the Dockerfiles as they were', async () => {
    const before = await readFile(path.join(dir, 'app/Dockerfile'), 'utf8');
    await build();
    expect(engine.builds.find((b) => b.tags[0]!.includes('/app:'))!.dockerfile).not.toBe(before);
    expect(await readFile(path.join(dir, 'app/Dockerfile'), 'utf8')).toBe(before);
  });
});
