import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bearer, MediaType, pushBlob, putManifest, type World } from '../test/world/index.js';
import { type Layer, reproducibleLayer, sha256 } from '../test/world/layer.js';

export interface BenchImage {
  /** Where it was pushed: `<registry>/<repository>:<tag>`. */
  registry: string;
  repository: string;
  tag: string;
  /** The index digest: what every tool must land at the target. */
  digest: string;
  /** Bytes of blob content, each blob once. */
  bytes: number;
}

/** Random, so incompressible: each layer is this big on the wire. */
const layerBytes = 800_000;
const layersPerPlatform = 3;

/**
 * A release-sized multi-arch image no tool has seen before: an index of two platforms, each of three layers
 * of random data (about 4.8 MB of blobs in all), valid enough for `docker pull` to unpack. A fresh one for
 * every timed run, so that no tool gains from what an earlier run left behind (skopeo's blob-info cache
 * and the engine's layer store would otherwise mount or skip the blobs of a repeated image).
 */
export async function seedBenchImage(
  world: World,
  registry: string,
  repository: string,
  tag = '1.0',
): Promise<BenchImage> {
  const call = {
    url: `http://${registry}`,
    repository,
    headers: await bearer(world, world.users.admin, [`repository:${repository}:pull,push`]),
  };
  let bytes = 0;
  const children = await Promise.all(
    ['amd64', 'arm64'].map(async (architecture) => {
      const layers = await Promise.all(Array.from({ length: layersPerPlatform }, randomLayer));
      const config = Buffer.from(
        JSON.stringify({
          architecture,
          os: 'linux',
          config: { Cmd: ['/bin/sh'] },
          rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
        }),
      );
      await Promise.all([
        ...layers.map((layer) => pushBlob(call, layer.data, layer.digest)),
        pushBlob(call, config),
      ]);
      bytes += config.length + layers.reduce((sum, l) => sum + l.data.length, 0);
      const manifest = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MediaType.manifest,
          config: { mediaType: MediaType.config, size: config.length, digest: sha256(config) },
          layers: layers.map((l) => ({ mediaType: MediaType.layer, size: l.data.length, digest: l.digest })),
        }),
      );
      const digest = await putManifest(call, sha256(manifest), MediaType.manifest, manifest);
      return { architecture, digest, size: manifest.length };
    }),
  );
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.manifestList,
      manifests: children.map(({ architecture, digest, size }) => ({
        mediaType: MediaType.manifest,
        size,
        digest,
        platform: { architecture, os: 'linux' },
      })),
    }),
  );
  const digest = await putManifest(call, tag, MediaType.manifestList, index);
  return { registry, repository, tag, digest, bytes };
}

async function randomLayer(): Promise<Layer> {
  const dir = await mkdtemp(join(tmpdir(), 'pinyard-bench-layer-'));
  try {
    await writeFile(join(dir, 'data.bin'), randomBytes(layerBytes));
    return await reproducibleLayer(dir, ['data.bin']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
