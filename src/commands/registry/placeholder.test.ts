import { describe, expect, it } from 'vitest';
import { computeDigest, MediaType } from '../../registry/index.js';
import { ImageManifest } from '../../registry/schema.js';
import { PLACEHOLDER_ANNOTATION, placeholderManifest } from './placeholder.js';

describe('placeholderManifest', () => {
  const placeholder = placeholderManifest('1.4 removed by pinyard at 2026-11-30T00:00:00Z (0123)');
  const json = JSON.parse(new TextDecoder().decode(placeholder.manifest));

  it('is a valid OCI image manifest with no layers, naming its config blob by digest and size', () => {
    expect(ImageManifest.safeParse(json).success).toBe(true);
    expect(json).toMatchObject({
      mediaType: MediaType.ociManifest,
      layers: [],
      config: { digest: placeholder.configDigest, size: placeholder.config.length },
    });
    expect(placeholder.mediaType).toBe(MediaType.ociManifest);
    expect(computeDigest(placeholder.config)).toBe(placeholder.configDigest);
    expect(computeDigest(placeholder.manifest)).toBe(placeholder.digest);
  });

  it('has an image config a registry and docker accept: an os, an architecture, an empty rootfs', () => {
    expect(JSON.parse(new TextDecoder().decode(placeholder.config))).toEqual({
      architecture: 'amd64',
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: [] },
    });
  });

  it('gets a digest of its own per note, so deleting it can take no other tag', () => {
    const other = placeholderManifest('1.4 removed by pinyard at 2026-11-30T00:00:00Z (4567)');
    expect(other.digest).not.toBe(placeholder.digest);
    expect(other.configDigest).toBe(placeholder.configDigest);
    expect(json.annotations[PLACEHOLDER_ANNOTATION]).toContain('1.4 removed by pinyard');
  });
});
