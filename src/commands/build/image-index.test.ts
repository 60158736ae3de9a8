import { describe, expect, it } from 'vitest';
import { imageIndexBytes, indexAnnotations, platformKey } from './image-index.js';

const docker = 'application/vnd.docker.distribution.manifest.v2+json';
const entry = (platform: string, digest: string) => ({ platform, digest, size: 500, mediaType: docker });

describe('imageIndexBytes', () => {
  it('writes an OCI index: platforms in a fixed order with their variant, the annotations sorted', () => {
    const bytes = imageIndexBytes([entry('linux/arm64/v8', 'sha256:bb'), entry('linux/amd64', 'sha256:aa')], {
      'org.opencontainers.image.version': '1.4',
      'dev.pinyard.input-hash': 'sha256:ff',
    });
    const index = JSON.parse(new TextDecoder().decode(bytes));
    expect(index).toEqual({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        {
          mediaType: docker,
          digest: 'sha256:aa',
          size: 500,
          platform: { architecture: 'amd64', os: 'linux' },
        },
        {
          mediaType: docker,
          digest: 'sha256:bb',
          size: 500,
          platform: { architecture: 'arm64', os: 'linux', variant: 'v8' },
        },
      ],
      annotations: { 'dev.pinyard.input-hash': 'sha256:ff', 'org.opencontainers.image.version': '1.4' },
    });
    // The same builds make the same bytes, whatever order they come in.
    expect(
      imageIndexBytes([entry('linux/amd64', 'sha256:aa'), entry('linux/arm64/v8', 'sha256:bb')], {
        'dev.pinyard.input-hash': 'sha256:ff',
        'org.opencontainers.image.version': '1.4',
      }),
    ).toEqual(bytes);
  });

  it('keeps the labels that hold for the whole image, and the input hash', () => {
    expect(
      indexAnnotations({
        'org.opencontainers.image.created': 't',
        'org.opencontainers.image.base.digest': 'sha256:per-platform',
        'org.opencontainers.image.revision': 'abc',
        'dev.pinyard.input-hash': 'sha256:ff',
      }),
    ).toEqual({
      'org.opencontainers.image.created': 't',
      'org.opencontainers.image.revision': 'abc',
      'dev.pinyard.input-hash': 'sha256:ff',
    });
    expect(platformKey({ os: 'linux', architecture: 'arm', variant: 'v7' })).toBe('linux/arm/v7');
  });
});
