import { beforeAll, describe, expect, it } from 'vitest';
import type { BuildReport } from '../../src/report/build/index.js';
import type { PruneResult, TagsResult } from '../../src/report/registry/types.js';
import { runCli } from '../helpers/run-cli.js';
import { skopeoInspect } from '../helpers/skopeo.js';
import { tempProject } from '../helpers/temp-project.js';
import { worldFromEnv, writeDockerConfig } from '../world/index.js';

const world = worldFromEnv();
const { dev } = world.users;

/**
 * buildpack-deps' shape against the real world: three images in one repository, told apart by their tags,
 * each built on the one before it by tag. Built, pushed, promoted and pruned as one repository.
 */
describe('images that share a repository, built and promoted for real', () => {
  const namespace = `dev/shared${Date.now()}`;
  const registry = `${world.tokenRegistry.host}/${namespace}`;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let first: { code: number; stderr: string; report: BuildReport };

  const cli = async (...args: string[]) => runCli(args, dir, env);
  const json = async <T>(...args: string[]) => {
    const result = await cli('--json', ...args);
    return { ...result, body: JSON.parse(result.stdout) as T };
  };
  const skopeoFile = (ref: string) => skopeoInspect(ref, dev);

  beforeAll(async () => {
    dir = tempProject({
      'images.yml': [
        'version: 1',
        `registry: ${registry}`,
        `mirrors: { docker.io: ["${world.upstream.host}"] }`,
        'environments:',
        '  staging: { repository: "staging/{name}" }',
        'images:',
        '  deps-curl: { context: curl, repository: deps, tags: [bookworm-curl] }',
        '  deps-scm: { context: scm, repository: deps, tags: [bookworm-scm] }',
        '  deps: { context: full, tags: [bookworm] }',
      ].join('\n'),
      'curl/Dockerfile': 'FROM debian:bookworm-slim\nRUN echo curl > /curl\n',
      'scm/Dockerfile': 'FROM deps:bookworm-curl\nRUN echo scm > /scm\n',
      'full/Dockerfile': 'FROM deps:bookworm-scm\nRUN cat /curl /scm > /full\n',
    });
    const dockerConfig = await writeDockerConfig(`${dir}/.docker`, [
      { host: world.tokenRegistry.host, user: dev },
    ]);
    env = { ...process.env, DOCKER_CONFIG: dockerConfig, DOCKER_HOST: world.dockerHost };
    const result = await json<BuildReport>('build', '--push');
    first = { code: result.code, stderr: result.stderr, report: result.body };
  });

  it('builds the three in order, each on the one its FROM tag names', async () => {
    expect(first.code, first.stderr).toBe(0);
    expect(first.report.images.map((i) => [i.name, i.status, i.parents])).toEqual([
      ['deps-curl', 'built', []],
      ['deps-scm', 'built', ['deps-curl']],
      ['deps', 'built', ['deps-scm']],
    ]);
    const byName = new Map(first.report.images.map((i) => [i.name, i]));
    const full = await skopeoFile(`${registry}/deps:bookworm`);
    expect(full.Digest).toBe(byName.get('deps')!.digest);
    expect(full.Labels['org.opencontainers.image.base.digest']).toBe(byName.get('deps-scm')!.digest);
    expect(full.Labels['org.opencontainers.image.base.name']).toBe(byName.get('deps-scm')!.tags[0]);
  });

  it('pushes every human and content tag into the one repository', async () => {
    const { body } = await json<TagsResult>('registry', 'tags', 'deps');
    const tags = body.tags.map((t) => t.tag);
    expect(tags.filter((t) => !t.startsWith('pinyard-')).sort()).toEqual([
      'bookworm',
      'bookworm-curl',
      'bookworm-scm',
    ]);
    expect(tags.filter((t) => t.startsWith('pinyard-'))).toHaveLength(3);
    for (const image of first.report.images) {
      expect(image.tags.every((t) => t.startsWith(`${registry}/deps:`))).toBe(true);
    }
  });

  it('skips all three on a rerun: each finds its own content tag', async () => {
    const { code, body } = await json<BuildReport>('build', '--push');
    expect(code).toBe(0);
    expect(body.images.map((i) => i.status)).toEqual(['skipped', 'skipped', 'skipped']);
  });

  it('promotes one image by repository and tag into the environment’s one repository', async () => {
    const { code, stderr } = await cli('promote', 'deps:bookworm-scm', '--to', 'staging');
    expect(code, stderr).toBe(0);
    const promoted = await skopeoFile(`${registry}/staging/deps:bookworm-scm`);
    expect(promoted.Digest).toBe(first.report.images.find((i) => i.name === 'deps-scm')!.digest);
  });

  it('prunes the repository once, keeping every digest a tag of any of its images holds', async () => {
    const { code, body } = await json<PruneResult>('registry', 'prune', '--keep', '0', '--yes');
    expect(code).toBe(0);
    expect(body.repositories.map((r) => r.repository)).toEqual([`${registry}/deps`]);
    expect(body.deleted).toBe(0);
    expect(body.repositories[0]!.decisions.map((d) => d.action)).toEqual(['keep', 'keep', 'keep']);
  });

  it('gives the Actions matrix images, not repositories: one chain, one job', async () => {
    const { code, stdout } = await cli('plan', '--format', 'github-matrix');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      version: 1,
      bases: { include: [{ name: 'deps-curl', only: ['deps-curl'] }] },
      images: { include: [{ name: 'deps-scm +1', only: ['deps-scm', 'deps'] }] },
    });
  });
});
