import { gzipSync } from 'node:zlib';
import { MediaType, pushBlob, putManifest, type RegistryCall } from '../world/index.js';
import { sha256 } from '../world/layer.js';

/** A one-layer amd64 image whose config carries `labels`, as bytes ready to push anywhere. */
export interface LabelledImage {
  layer: Buffer;
  config: Buffer;
  manifest: Buffer;
}

/**
 * An image as a build would leave it for what reads labels (status, registry inspect): `seed` makes its
 * layer its own, `created` is its config's creation time. Nothing in it runs.
 */
export function labelledImage(labels: Record<string, string>, seed: string, created?: string): LabelledImage {
  const content = Buffer.from(`${seed}\n`);
  const layer = gzipSync(content);
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      ...(created ? { created } : {}),
      config: { Labels: labels },
      rootfs: { type: 'layers', diff_ids: [sha256(content)] },
    }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.manifest,
      config: { mediaType: MediaType.config, size: config.length, digest: sha256(config) },
      layers: [{ mediaType: MediaType.layer, size: layer.length, digest: sha256(layer) }],
    }),
  );
  return { layer, config, manifest };
}

/** Pushes the image's blobs and its manifest under `tag` through the registry API; returns its digest. */
export async function pushLabelledImage(
  call: RegistryCall,
  image: LabelledImage,
  tag: string,
): Promise<string> {
  await Promise.all([pushBlob(call, image.layer), pushBlob(call, image.config)]);
  return putManifest(call, tag, MediaType.manifest, image.manifest);
}
