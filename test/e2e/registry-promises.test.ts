import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InspectResult, PruneResult, TagsResult } from '../../src/report/registry/types.js';
import { runCli } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';
import { worldFromEnv, writeDockerConfig } from '../world/index.js';
import { sha256 } from '../world/layer.js';
import { MediaType, pushBlob, putManifest, type RegistryCall } from '../world/registry-api.js';

// README promises of `pinyard registry` that need images the seeded world does not have: images with
// creation dates of their own, and an index whose platforms differ. They are pushed to the plain upstream
// registry under a namespace of this run, over the registry API (not through pinyard).
const world = worldFromEnv();
const upstream = world.upstream.host;
const ns = `rp-${randomBytes(3).toString('hex')}`;

/** One single-platform image pushed as `repository:tag`; its config says `created` and a label. */
async function pushImage(
  repository: string,
  tag: string,
  config: { created: string; architecture?: string; label: string },
): Promise<{ digest: string; size: number; bytes: Uint8Array }> {
  const call: RegistryCall = { url: `http://${upstream}`, repository };
  const tar = Buffer.alloc(1024);
  const layer = gzipSync(tar);
  await pushBlob(call, layer);
  const configBytes = Buffer.from(
    JSON.stringify({
      architecture: config.architecture ?? 'amd64',
      os: 'linux',
      created: config.created,
      config: { Labels: { which: config.label } },
      rootfs: { type: 'layers', diff_ids: [sha256(tar)] },
    }),
  );
  await pushBlob(call, configBytes);
  const bytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.manifest,
      config: { mediaType: MediaType.config, digest: sha256(configBytes), size: configBytes.length },
      layers: [{ mediaType: MediaType.layer, digest: sha256(layer), size: layer.length }],
    }),
  );
  const digest = await putManifest(call, tag, MediaType.manifest, bytes);
  return { digest, size: bytes.length, bytes };
}

const pinyard = async <T>(dir: string, ...args: string[]) => {
  const result = await runCli(['--json', ...args], dir, { ...process.env, DOCKER_HOST: world.dockerHost });
  return { ...result, body: (result.stdout ? JSON.parse(result.stdout) : undefined) as T };
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pinyard-registry-promises-'));
  await writeDockerConfig(path.join(dir, '.docker'), []);
});

describe('pinyard registry tags', () => {
  it('lists the newest image first, by the creation date in its config, not by tag name or push order', async () => {
    const repository = `${ns}/dated`;
    await pushImage(repository, 'b-middle', { created: '2022-06-01T00:00:00Z', label: 'middle' });
    await pushImage(repository, 'c-oldest', { created: '2020-01-01T00:00:00Z', label: 'oldest' });
    await pushImage(repository, 'a-newest', { created: '2024-03-01T00:00:00Z', label: 'newest' });
    const { code, body } = await pinyard<TagsResult>(dir, 'registry', 'tags', `${upstream}/${repository}`);
    expect(code).toBe(0);
    expect(body.tags.map((t) => [t.tag, t.created])).toEqual([
      ['a-newest', '2024-03-01T00:00:00Z'],
      ['b-middle', '2022-06-01T00:00:00Z'],
      ['c-oldest', '2020-01-01T00:00:00Z'],
    ]);
    const text = await runCli(['registry', 'tags', `${upstream}/${repository}`], dir, process.env);
    const order = ['a-newest', 'b-middle', 'c-oldest'].map((tag) => text.stdout.indexOf(tag));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });
});

describe('pinyard registry inspect --platform', () => {
  it("shows the chosen platform's config of a multi-platform image, linux/amd64 by default", async () => {
    const repository = `${ns}/multi`;
    const amd = await pushImage(repository, 'amd64-only', {
      created: '2023-01-01T00:00:00Z',
      label: 'built for amd64',
    });
    const arm = await pushImage(repository, 'arm64-only', {
      created: '2023-01-02T00:00:00Z',
      architecture: 'arm64',
      label: 'built for arm64',
    });
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.manifestList,
        manifests: [
          {
            ...amd,
            bytes: undefined,
            mediaType: MediaType.manifest,
            platform: { os: 'linux', architecture: 'amd64' },
          },
          {
            ...arm,
            bytes: undefined,
            mediaType: MediaType.manifest,
            platform: { os: 'linux', architecture: 'arm64' },
          },
        ],
      }),
    );
    await putManifest({ url: `http://${upstream}`, repository }, '1', MediaType.manifestList, index);
    const ref = `${upstream}/${repository}:1`;

    const arm64 = await pinyard<InspectResult>(dir, 'registry', 'inspect', ref, '--platform', 'linux/arm64');
    expect(arm64.code).toBe(0);
    expect(arm64.body.config).toMatchObject({
      digest: arm.digest,
      platform: 'linux/arm64',
      labels: { which: 'built for arm64' },
    });
    const byDefault = await pinyard<InspectResult>(dir, 'registry', 'inspect', ref);
    expect(byDefault.body.config).toMatchObject({ digest: amd.digest, labels: { which: 'built for amd64' } });
    const missing = await pinyard<InspectResult>(
      dir,
      'registry',
      'inspect',
      ref,
      '--platform',
      'linux/s390x',
    );
    expect(missing.code).not.toBe(0);
  });
});

describe('pinyard registry prune', () => {
  it('keeps the 10 newest content-tagged builds by default and deletes the rest, with their tags', async () => {
    const repository = `${ns}/pruned/app`;
    const tags: string[] = [];
    // Twelve builds, pushed out of date order; the two oldest are 2020-01-01 and 2020-01-02.
    for (const day of [5, 1, 12, 3, 7, 2, 9, 11, 4, 6, 10, 8]) {
      const tag = `pinyard-${day.toString(16).padStart(24, '0')}`;
      tags.push(tag);
      await pushImage(repository, tag, {
        created: `2020-01-${String(day).padStart(2, '0')}T00:00:00Z`,
        label: `build ${day}`,
      });
    }
    const project = tempProject({
      'images.yml': `version: 1\nregistry: ${upstream}/${ns}/pruned\nimages:\n  app: { context: app }\n`,
      'app/Dockerfile': 'FROM alpine:3.20\n',
    });
    const { code, body } = await pinyard<PruneResult>(project, 'registry', 'prune', '--yes');
    expect(code).toBe(0);
    expect(body).toMatchObject({ keep: 10, deleted: 2 });
    const left = await fetch(`http://${upstream}/v2/${repository}/tags/list`).then(
      (r) => r.json() as Promise<{ tags: string[] | null }>,
    );
    const oldest = [1, 2].map((day) => `pinyard-${day.toString(16).padStart(24, '0')}`);
    expect((left.tags ?? []).sort()).toEqual(tags.filter((t) => !oldest.includes(t)).sort());
  });
});

describe('pinyard registry rm, checked after the fact', () => {
  let proxy: Server;
  let proxied: string;
  /** Set once the placeholder's DELETE has gone through: from then on, tag `q` answers 404. */
  let deleted = false;
  beforeAll(async () => {
    const [hostname, port] = upstream.split(':');
    proxy = createServer((req, res) => {
      if (deleted && req.method === 'HEAD' && req.url?.endsWith('/manifests/q')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end();
        return;
      }
      const forwarded = request(
        { hostname, port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          if (req.method === 'DELETE' && answer.statusCode === 202) deleted = true;
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forwarded.on('error', () => res.destroy());
      req.pipe(forwarded);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxied = `127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    proxy.closeAllConnections();
    await new Promise((resolve) => proxy.close(resolve));
  });

  it('fails (exit 1) when a tag that was to stay no longer resolves to the digest after the removal', async () => {
    const repository = `${ns}/shared`;
    const { digest } = await pushImage(repository, 'p', { created: '2023-01-01T00:00:00Z', label: 'shared' });
    await pushImage(repository, 'q', { created: '2023-01-01T00:00:00Z', label: 'shared' });
    const { code, stderr } = await runCli(
      ['registry', 'rm', `${proxied}/${repository}:p`, '--yes'],
      dir,
      process.env,
    );
    expect(deleted).toBe(true);
    expect(code).toBe(1);
    expect(stderr).toContain(`q → gone no longer point at ${digest}`);
  });
});
