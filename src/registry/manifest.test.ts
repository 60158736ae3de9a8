import { describe, expect, it } from 'vitest';
import { parseManifest, platformsOf } from './manifest.js';
import { MediaType } from './media-types.js';
import type { ImageIndex } from './schema.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const source = { host: 'r.example.com', what: 'reading manifest r.example.com/app:1' };

const index: ImageIndex = {
  schemaVersion: 2,
  mediaType: MediaType.ociIndex,
  manifests: [
    {
      mediaType: MediaType.ociManifest,
      digest: d('a'),
      size: 1,
      platform: { os: 'linux', architecture: 'amd64' },
    },
    {
      mediaType: MediaType.ociManifest,
      digest: d('b'),
      size: 1,
      platform: { os: 'linux', architecture: 'arm', variant: 'v7' },
    },
    {
      mediaType: MediaType.ociManifest,
      digest: d('c'),
      size: 1,
      platform: { os: 'unknown', architecture: 'unknown' },
      annotations: { 'vnd.docker.reference.type': 'attestation-manifest' },
    },
  ],
};
const image = {
  schemaVersion: 2,
  mediaType: MediaType.dockerManifest,
  config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: d('e'), size: 2 },
  layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: d('f'), size: 3 }],
};

describe('parseManifest', () => {
  it.each([
    [
      'an OCI index by Content-Type',
      index,
      `${MediaType.ociIndex}; charset=utf-8`,
      'index',
      MediaType.ociIndex,
    ],
    ['a Docker manifest by Content-Type', image, MediaType.dockerManifest, 'image', MediaType.dockerManifest],
    ['an index served as application/json', index, 'application/json', 'index', MediaType.ociIndex],
    ['a manifest with no Content-Type', image, null, 'image', MediaType.dockerManifest],
  ])('reads %s', (_, body, contentType, kind, mediaType) => {
    expect(parseManifest(bytes(body), contentType, source)).toMatchObject({ kind, mediaType });
  });

  it.each([
    [
      'not JSON',
      new TextEncoder().encode('<html>'),
      'text/html',
      /sent a malformed answer: the manifest is not JSON/,
    ],
    [
      'schema 1',
      bytes({ schemaVersion: 1, name: 'app' }),
      'application/vnd.docker.distribution.manifest.v1+prettyjws',
      /unsupported manifest type "application\/vnd.docker.distribution.manifest.v1\+prettyjws"/,
    ],
    [
      'an index without manifests',
      bytes({ ...index, manifests: undefined }),
      MediaType.ociIndex,
      /manifests:/,
    ],
    // zod's own English texts, named by the field: the mini API has none unless src/zod.ts sets them.
    [
      'a config digest that is a number',
      bytes({ ...image, config: { ...image.config, digest: 5 } }),
      MediaType.dockerManifest,
      /sent a malformed answer: config\.digest: Invalid input: expected string, received number$/,
    ],
    [
      'a layer of negative size',
      bytes({ ...image, layers: [{ ...image.layers[0], size: -1 }] }),
      MediaType.dockerManifest,
      /sent a malformed answer: layers\.0\.size: Too small: expected number to be >=0$/,
    ],
    [
      'a layer of fractional size',
      bytes({ ...image, layers: [{ ...image.layers[0], size: 1.5 }] }),
      MediaType.dockerManifest,
      /sent a malformed answer: layers\.0\.size: Invalid input: expected int, received number$/,
    ],
  ])('refuses %s', (_, body, contentType, message) => {
    expect(() => parseManifest(body, contentType, source)).toThrow(
      expect.objectContaining({ code: 'PINYARD_REGISTRY', message: expect.stringMatching(message) }),
    );
  });
});

describe('platformsOf', () => {
  it('lists runnable platforms, without attestations', () => {
    expect(platformsOf(index)).toEqual([
      { os: 'linux', architecture: 'amd64', digest: d('a') },
      { os: 'linux', architecture: 'arm', variant: 'v7', digest: d('b') },
    ]);
  });
});
