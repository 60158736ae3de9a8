import { computeDigest, MediaType } from '../../registry/index.js';

/**
 * The stand-in a tag is pointed at so that it can be deleted alone. Registries delete by digest only, and
 * deleting a digest drops every tag on it; moving the tag to a manifest of its own first, then deleting
 * that manifest, takes the one tag and nothing else. Pure.
 */
export interface Placeholder {
  /** An empty image config (no layers, no command), shared by every placeholder. */
  config: Uint8Array;
  configDigest: string;
  manifest: Uint8Array;
  digest: string;
  mediaType: string;
}

export const PLACEHOLDER_ANNOTATION = 'dev.pinyard.placeholder';

const config = new TextEncoder().encode(
  JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }),
);

/**
 * A valid OCI image manifest with no layers. `note` goes into an annotation and should be unique (the tag,
 * a time, a nonce): a placeholder's digest must be its own, or deleting it could take another tag that
 * happens to point at the same bytes.
 */
export function placeholderManifest(note: string): Placeholder {
  const configDigest = computeDigest(config);
  const manifest = new TextEncoder().encode(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: configDigest,
        size: config.length,
      },
      layers: [],
      annotations: { [PLACEHOLDER_ANNOTATION]: note },
    }),
  );
  return {
    config,
    configDigest,
    manifest,
    digest: computeDigest(manifest),
    mediaType: MediaType.ociManifest,
  };
}
