import { describe, expect, it } from 'vitest';
import type { Descriptor } from '../registry/index.js';
import { blobsOf, type ManifestNode, manifestsOf } from './content.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const layer = (c: string, mediaType = 'application/vnd.oci.image.layer.v1.tar+gzip'): Descriptor => ({
  mediaType,
  digest: d(c),
  size: 10,
});

function image(digest: string, config: string, layers: Descriptor[]): ManifestNode {
  return {
    kind: 'image',
    digest,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    bytes: new Uint8Array(),
    parsed: {
      schemaVersion: 2,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: d(config), size: 5 },
      layers,
    },
    children: [],
  };
}

function index(digest: string, children: ManifestNode[]): ManifestNode {
  return {
    kind: 'index',
    digest,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    bytes: new Uint8Array(),
    parsed: {
      schemaVersion: 2,
      manifests: children.map((c) => ({ mediaType: c.mediaType, digest: c.digest, size: 1 })),
    },
    children,
  };
}

describe('the content of a multi-arch image', () => {
  const amd64 = image(d('1'), 'a', [layer('c'), layer('d')]);
  const arm64 = image(d('2'), 'b', [layer('c'), layer('e')]);
  const root = index(d('0'), [amd64, arm64]);

  it('lists every platform manifest before the index that names them', () => {
    expect(manifestsOf(root).map((m) => m.digest)).toEqual([d('1'), d('2'), d('0')]);
  });

  it('lists each blob once, configs and layers, shared layers included once', () => {
    expect(blobsOf(root).map((b) => b.digest)).toEqual([d('a'), d('c'), d('d'), d('b'), d('e')]);
  });

  it('leaves out layers a registry never stores (foreign and non-distributable)', () => {
    const windows = image(d('3'), 'f', [
      layer('9', 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip'),
      layer('8', 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip'),
      layer('7', 'application/vnd.docker.image.rootfs.diff.tar.gzip'),
    ]);
    expect(blobsOf(windows).map((b) => b.digest)).toEqual([d('f'), d('7')]);
  });

  it('walks an index of indexes bottom up, each manifest once', () => {
    const nested = index(d('5'), [index(d('4'), [amd64]), amd64]);
    expect(manifestsOf(nested).map((m) => m.digest)).toEqual([d('1'), d('4'), d('5')]);
  });
});
