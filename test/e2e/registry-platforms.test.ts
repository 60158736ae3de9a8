import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BuildReport } from '../../src/report/build/index.js';
import type { PruneResult, RmResult } from '../../src/report/registry/types.js';
import { runCli } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';
import {
  anyManifest,
  bearer,
  getManifest,
  MediaType,
  putManifest,
  worldFromEnv,
  writeDockerConfig,
} from '../world/index.js';

/**
 * `registry prune` and `registry rm` on multi-platform images built for real: a two-image tree for
 * linux/amd64 and linux/arm64 (the test world's arm64 upstream stand-ins hold this machine's own busybox,
 * so the arm64 builds run here without emulation), built twice with a change to the leaf. Each build of
 * `app` leaves an index under its content tag and a manifest per platform under each platform's content
 * tag; what is checked is what the registry itself answers afterwards (tags and manifests).
 */
const world = worldFromEnv();
const { admin } = world.users;
const token = world.tokenRegistry.host;
/** Repositories are unique per run: the world outlives one test file. */
const ns = `rp-${randomBytes(3).toString('hex')}`;
const appRepo = `${ns}/app`;
const baseRepo = `${ns}/base`;

let project: { dir: string; env: NodeJS.ProcessEnv };
const pinyard = (...args: string[]) => runCli(args, project.dir, project.env);
const json = async <T>(...args: string[]) => {
  const result = await pinyard('--json', ...args);
  return { ...result, body: (result.stdout ? JSON.parse(result.stdout) : undefined) as T };
};

/** The registry's own answers, asked without pinyard. */
const peer = {
  headers: (repository: string, actions = 'pull') =>
    bearer(world, admin, [`repository:${repository}:${actions}`]),
  async tags(repository: string): Promise<string[]> {
    const response = await fetch(`${world.tokenRegistry.url}/v2/${repository}/tags/list`, {
      headers: await peer.headers(repository),
    });
    if (response.status === 404) return [];
    const body = (await response.json()) as { tags: string[] | null };
    return (body.tags ?? []).sort();
  },
  /** The digest a tag or digest resolves to, or undefined when the registry has no such manifest. */
  async digest(repository: string, reference: string): Promise<string | undefined> {
    const response = await fetch(`${world.tokenRegistry.url}/v2/${repository}/manifests/${reference}`, {
      method: 'HEAD',
      headers: { ...(await peer.headers(repository)), accept: anyManifest.join(', ') },
    });
    return response.status === 200 ? (response.headers.get('docker-content-digest') ?? undefined) : undefined;
  },
  /** Tag → digest, for every tag of the repository. */
  async tagMap(repository: string): Promise<Map<string, string>> {
    const tags = await peer.tags(repository);
    return new Map(
      await Promise.all(tags.map(async (t) => [t, (await peer.digest(repository, t))!] as const)),
    );
  },
  async call(repository: string) {
    return {
      url: world.tokenRegistry.url,
      repository,
      headers: await peer.headers(repository, 'pull,push'),
    };
  },
};

/** One build of a multi-platform image: its index, each platform's manifest, and their content tags. */
interface Built {
  index: string;
  indexTag: string;
  amd64: string;
  amd64Tag: string;
  arm64: string;
  arm64Tag: string;
}

/** The content tag the registry has on `digest` (build pushes each platform under one). */
function contentTagOn(tags: Map<string, string>, digest: string): string {
  const found = [...tags].filter(([t, d]) => d === digest && t.startsWith('pinyard-')).map(([t]) => t);
  expect(found, `content tags on ${digest}`).toHaveLength(1);
  return found[0]!;
}

async function buildApp(version: string): Promise<{ app: Built; base: Built }> {
  await writeFile(path.join(project.dir, 'app/version.txt'), `${version}\n`);
  const result = await json<BuildReport>('build', '--push');
  expect(result.code, result.stderr).toBe(0);
  const of = async (name: string, repository: string): Promise<Built> => {
    const image = result.body.images.find((i) => i.name === name)!;
    const tags = await peer.tagMap(repository);
    const amd64 = image.platforms!['linux/amd64']!;
    const arm64 = image.platforms!['linux/arm64']!;
    return {
      index: image.digest!,
      indexTag: contentTagOn(tags, image.digest!),
      amd64,
      amd64Tag: contentTagOn(tags, amd64),
      arm64,
      arm64Tag: contentTagOn(tags, arm64),
    };
  };
  return { app: await of('app', appRepo), base: await of('base', baseRepo) };
}

const all = (b: Built) => [b.indexTag, b.amd64Tag, b.arm64Tag];
const short = (digest: string) => digest.slice(0, 'sha256:'.length + 12);

describe('registry prune and rm on multi-platform images', () => {
  const app: Built[] = [];
  let base: Built;

  beforeAll(async () => {
    const dir = tempProject({
      'images.yml': [
        'version: 1',
        `registry: ${token}/${ns}`,
        `mirrors: { docker.io: ["${world.upstream.host}"] }`,
        'platforms: [linux/amd64, linux/arm64]',
        'images:',
        '  base: { context: base, tags: ["1"] }',
        // No human tag: only content tags keep the app's builds, so --keep decides alone.
        '  app: { context: app }',
        '',
      ].join('\n'),
      'base/Dockerfile': 'FROM alpine:3.20\nCOPY base.txt /base.txt\n',
      'base/base.txt': 'base\n',
      'app/Dockerfile':
        'FROM base\nARG TARGETARCH\nCOPY version.txt /version.txt\nRUN echo "$TARGETARCH" > /arch\n',
      'app/version.txt': 'v1\n',
    });
    const config = await writeDockerConfig(path.join(dir, '.docker'), [{ host: token, user: admin }]);
    project = { dir, env: { ...process.env, DOCKER_CONFIG: config, DOCKER_HOST: world.dockerHost } };
    for (const version of ['v1', 'v2']) {
      const built = await buildApp(version);
      app.push(built.app);
      base = built.base;
    }
    expect(await peer.tags(appRepo)).toEqual([...all(app[0]!), ...all(app[1]!)].sort());
  });

  it('prune --dry-run counts each index with its platform builds as one build', async () => {
    const { code, body } = await json<PruneResult>('registry', 'prune', '--keep', '1', '--dry-run');
    expect(code).toBe(0);
    const plan = body.repositories.find((r) => r.repository === `${token}/${appRepo}`)!;
    const [older, newer] = [app[0]!, app[1]!];
    expect(plan.decisions.map((d) => [d.digest, d.action, d.newest, d.platformOf])).toEqual([
      [newer.index, 'keep', 1, undefined],
      [newer.amd64, 'keep', undefined, [newer.index]],
      [newer.arm64, 'keep', undefined, [newer.index]],
      [older.index, 'delete', undefined, undefined],
      [older.amd64, 'delete', undefined, [older.index]],
      [older.arm64, 'delete', undefined, [older.index]],
    ]);
    // base did not change: one build, its platforms with it.
    const basePlan = body.repositories.find((r) => r.repository === `${token}/${baseRepo}`)!;
    expect(basePlan.decisions.map((d) => [d.digest, d.action])).toEqual([
      [base.index, 'keep'],
      [base.amd64, 'keep'],
      [base.arm64, 'keep'],
    ]);

    const text = await pinyard('registry', 'prune', '--keep', '1', '--dry-run');
    expect(text.stdout).toContain(`platform of ${short(older.index)}`);
    expect(text.stdout).toContain('dry run: would delete 3 digests; nothing was changed');
    expect(await peer.tags(appRepo)).toEqual([...all(older), ...all(newer)].sort());
  });

  it('prune --keep 1 deletes the old index with its platform builds and leaves the kept index whole', async () => {
    const { code, stdout, stderr } = await pinyard('registry', 'prune', '--keep', '1', '--yes');
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('deleted 3 content-tagged digests');
    const [older, newer] = [app[0]!, app[1]!];
    expect(await peer.tags(appRepo)).toEqual(all(newer).sort());
    for (const digest of [older.index, older.amd64, older.arm64])
      expect(await peer.digest(appRepo, digest)).toBeUndefined();
    // The kept index is whole: it and every manifest it lists are still there.
    const index = await getManifest(await peer.call(appRepo), newer.indexTag);
    const listed = (index.json.manifests as Array<{ digest: string }>).map((m) => m.digest);
    expect(listed).toEqual([newer.amd64, newer.arm64]);
    for (const digest of listed) expect(await peer.digest(appRepo, digest)).toBe(digest);
    expect(await peer.tags(baseRepo)).toEqual(['1', ...all(base)].sort());
  });

  describe('rm of an index', () => {
    let third: Built;
    /** An index pushed by hand that lists the third build's amd64 manifest. */
    let handMade: string;

    beforeAll(async () => {
      third = (await buildApp('v3')).app;
      // Someone tagged the second build's amd64 manifest by hand to debug it.
      const call = await peer.call(appRepo);
      const amd64 = await getManifest(call, app[1]!.amd64);
      await putManifest(call, 'amd64-debug', amd64.mediaType, amd64.body);
      const a3 = await getManifest(call, third.amd64);
      const index = {
        schemaVersion: 2,
        mediaType: MediaType.ociIndex,
        manifests: [
          {
            mediaType: a3.mediaType,
            digest: third.amd64,
            size: a3.body.length,
            platform: { os: 'linux', architecture: 'amd64' },
          },
        ],
      };
      handMade = await putManifest(call, 'hand-made', MediaType.ociIndex, Buffer.from(JSON.stringify(index)));
    });

    it('lists the platform builds that would go and those that stay before asking, and changes nothing unasked', async () => {
      const before = await peer.tags(appRepo);
      const { code, stderr } = await pinyard('registry', 'rm', `app@${app[1]!.index}`);
      expect(code).toBe(2);
      expect(stderr).toContain(`${token}/${appRepo}:${app[1]!.indexTag}`);
      expect(stderr).toContain(`platform ${token}/${appRepo}@${app[1]!.arm64} (${app[1]!.arm64Tag})`);
      expect(stderr).toContain(`platform ${app[1]!.amd64} stays: still tagged amd64-debug`);
      expect(await peer.tags(appRepo)).toEqual(before);
    });

    it('by digest: deletes the index and the platform builds only its content tags held', async () => {
      const second = app[1]!;
      const { code, body, stderr } = await json<RmResult>('registry', 'rm', `app@${second.index}`, '--yes');
      expect(code, stderr).toBe(0);
      expect(body).toMatchObject({
        deletedDigest: second.index,
        removedTags: [second.indexTag],
        deletedPlatforms: [{ digest: second.arm64, tags: [second.arm64Tag] }],
        keptPlatforms: [
          {
            digest: second.amd64,
            tags: ['amd64-debug', second.amd64Tag].sort(),
            keptBy: 'still tagged amd64-debug',
          },
        ],
      });
      expect(await peer.digest(appRepo, second.index)).toBeUndefined();
      expect(await peer.digest(appRepo, second.arm64)).toBeUndefined();
      // The hand-tagged platform stays, with its content tag; the third build is untouched.
      expect(await peer.digest(appRepo, 'amd64-debug')).toBe(second.amd64);
      expect(await peer.tags(appRepo)).toEqual(
        ['amd64-debug', second.amd64Tag, 'hand-made', ...all(third)].sort(),
      );
    });

    it('by its last tag: takes the platform builds along, and leaves one another index lists', async () => {
      const { code, stdout, stderr } = await pinyard('registry', 'rm', `app:${third.indexTag}`, '--yes');
      expect(code, stderr).toBe(0);
      expect(stdout).toContain(`deleted ${token}/${appRepo}@${third.index} with 1 tag: ${third.indexTag}`);
      expect(stdout).toContain(
        `deleted its platform build ${token}/${appRepo}@${third.arm64} with ${third.arm64Tag}`,
      );
      expect(stdout).toContain(
        `kept its platform build ${third.amd64}: a platform of index ${handMade} (hand-made)`,
      );
      expect(await peer.digest(appRepo, third.index)).toBeUndefined();
      expect(await peer.digest(appRepo, third.arm64)).toBeUndefined();
      expect(await peer.digest(appRepo, 'hand-made')).toBe(handMade);
      expect(await peer.digest(appRepo, third.amd64Tag)).toBe(third.amd64);
      expect(await peer.tags(appRepo)).toEqual(
        ['amd64-debug', app[1]!.amd64Tag, 'hand-made', third.amd64Tag].sort(),
      );
    });

    it('by a human tag while the content tag holds the index: only the tag goes, the platforms stay', async () => {
      const { code, stderr } = await pinyard('registry', 'rm', 'base:1', '--yes');
      expect(code, stderr).toBe(0);
      expect(await peer.tags(baseRepo)).toEqual(all(base).sort());
      expect(await peer.digest(baseRepo, base.indexTag)).toBe(base.index);
    });
  });
});
