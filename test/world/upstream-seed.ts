import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Layer, reproducibleLayer, sha256 } from './layer.js';
import { getBlob, getManifest, MediaType, pushBlob, putManifest, type RegistryCall } from './registry-api.js';
import { busyboxRootfs } from './rootfs.js';
import type { SeededImage, SeededPlatform, World } from './types.js';

/** The Docker Hub tags the stand-in serves. Add a line to serve another. */
export const upstreamTags = [
  'library/alpine:3.20',
  'library/alpine:3.19',
  'library/debian:bookworm-slim',
  'library/registry:2',
  'cesanta/docker_auth:1',
  'library/nginx:1.27-alpine',
  'library/postgres:16-alpine',
  'library/golang:1.23-alpine',
  'library/node:20-alpine',
  'library/caddy:2-alpine',
  'library/busybox:1.36',
];

const platforms: Array<{ platform: SeededPlatform; architecture: string; variant?: string }> = [
  { platform: 'linux/amd64', architecture: 'amd64' },
  // Docker Hub's arm64 images carry variant v8; resolvers must cope with it, so the stand-in does too.
  { platform: 'linux/arm64', architecture: 'arm64', variant: 'v8' },
];

/** Fixed so that a tag seeded twice, in any world, has the same digests. */
const epoch = '1970-01-01T00:00:00Z';
const historyPrefix = 'pinyard test world: ';

/** Seeds every upstream tag at generation 0, in parallel. */
export async function seedUpstream(upstreamUrl: string): Promise<Record<string, SeededImage>> {
  const rootfs = await busyboxRootfs();
  const seeded = await Promise.all(
    upstreamTags.map((key) => {
      const [repository, tag] = splitKey(key);
      return seedImage(upstreamUrl, repository, tag, 0, rootfs);
    }),
  );
  return Object.fromEntries(seeded.map((image) => [`${image.repository}:${image.tag}`, image]));
}

/**
 * The "security update" of an upstream tag: the same image with its own small layer at the next generation,
 * so the tag moves to a new index digest and exactly one layer per platform changes. `generation: 0` puts the
 * tag back to its state at start (the same digests as `world.upstreamImages`).
 */
export async function reseedUpstream(
  world: World,
  repository: string,
  tag: string,
  options: { generation?: number } = {},
): Promise<SeededImage> {
  const generation = options.generation ?? (await currentGeneration(world.upstream.url, repository, tag)) + 1;
  return seedImage(world.upstream.url, repository, tag, generation, await busyboxRootfs());
}

/** Puts the tag back to the state `world.upstreamImages` recorded at start. */
export function resetUpstream(world: World, repository: string, tag: string): Promise<SeededImage> {
  return reseedUpstream(world, repository, tag, { generation: 0 });
}

async function seedImage(
  upstreamUrl: string,
  repository: string,
  tag: string,
  generation: number,
  rootfs: Layer,
): Promise<SeededImage> {
  const call: RegistryCall = { url: upstreamUrl, repository };
  const own = await marker(`${repository}:${tag} generation ${generation}\n`);
  await Promise.all([pushBlob(call, rootfs.data, rootfs.digest), pushBlob(call, own.data, own.digest)]);

  const children = await Promise.all(
    platforms.map(async ({ platform, architecture, variant }) => {
      const config = json({
        architecture,
        os: 'linux',
        ...(variant ? { variant } : {}),
        created: epoch,
        config: {
          Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
          Cmd: ['/bin/sh'],
        },
        rootfs: { type: 'layers', diff_ids: [rootfs.diffId, own.diffId] },
        history: [
          { created: epoch, created_by: `${historyPrefix}busybox rootfs` },
          { created: epoch, created_by: `${historyPrefix}${repository}:${tag} generation ${generation}` },
        ],
      });
      await pushBlob(call, config);
      const manifest = json({
        schemaVersion: 2,
        mediaType: MediaType.manifest,
        config: { mediaType: MediaType.config, size: config.length, digest: sha256(config) },
        layers: [rootfs, own].map((layer) => ({
          mediaType: MediaType.layer,
          size: layer.data.length,
          digest: layer.digest,
        })),
      });
      const digest = await putManifest(call, sha256(manifest), MediaType.manifest, manifest);
      return { platform, architecture, variant, digest, size: manifest.length };
    }),
  );

  const index = json({
    schemaVersion: 2,
    mediaType: MediaType.manifestList,
    manifests: children.map(({ architecture, variant, digest, size }) => ({
      mediaType: MediaType.manifest,
      size,
      digest,
      platform: { architecture, os: 'linux', ...(variant ? { variant } : {}) },
    })),
  });
  const indexDigest = await putManifest(call, tag, MediaType.manifestList, index);
  const byPlatform = {} as Record<SeededPlatform, string>;
  for (const child of children) byPlatform[child.platform] = child.digest;
  return { repository, tag, indexDigest, platforms: byPlatform };
}

/** The generation the tag is at, read back from its amd64 config; -1 when it is not a seeded image. */
async function currentGeneration(upstreamUrl: string, repository: string, tag: string): Promise<number> {
  const call: RegistryCall = { url: upstreamUrl, repository };
  try {
    const index = (await getManifest(call, tag, [MediaType.manifestList])).json as {
      manifests: Array<{ digest: string; platform: { architecture: string } }>;
    };
    const amd64 = index.manifests.find((m) => m.platform.architecture === 'amd64');
    const manifest = (await getManifest(call, amd64?.digest ?? '', [MediaType.manifest])).json as {
      config: { digest: string };
    };
    const config = JSON.parse((await getBlob(call, manifest.config.digest)).toString('utf8')) as {
      history?: Array<{ created_by?: string }>;
    };
    const match = / generation (\d+)$/.exec(config.history?.at(-1)?.created_by ?? '');
    return match ? Number(match[1]) : -1;
  } catch {
    return -1;
  }
}

/** The per-image layer: one file naming the image and its generation. */
async function marker(text: string): Promise<Layer> {
  const dir = await mkdtemp(join(tmpdir(), 'pinyard-marker-'));
  try {
    await mkdir(join(dir, 'etc'));
    await writeFile(join(dir, 'etc/pinyard-upstream'), text);
    await chmod(join(dir, 'etc/pinyard-upstream'), 0o644);
    return await reproducibleLayer(dir, ['etc/pinyard-upstream']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

function splitKey(key: string): [string, string] {
  const colon = key.lastIndexOf(':');
  return [key.slice(0, colon), key.slice(colon + 1)];
}
