import type { Descriptor, FetchedManifest } from '../registry/index.js';

/** A manifest as fetched, with the manifests an index lists below it. */
export type ManifestNode = FetchedManifest & { children: ManifestNode[] };

/**
 * Layers a registry never stores: Windows foreign layers and OCI non-distributable layers live at their
 * `urls`, so they are neither copied nor checked (a registry would answer 404 for them).
 */
const externalLayer = /\.foreign\.|\.nondistributable\./;

/** The manifests an index lists (an image manifest lists none). */
export function childDescriptors(manifest: FetchedManifest): Descriptor[] {
  return manifest.kind === 'index' ? manifest.parsed.manifests : [];
}

/** Every blob of the tree (configs and layers), each once, in the order first met. */
export function blobsOf(root: ManifestNode): Descriptor[] {
  const blobs = new Map<string, Descriptor>();
  for (const blob of manifestsOf(root).flatMap(ownBlobs))
    if (!blobs.has(blob.digest)) blobs.set(blob.digest, blob);
  return [...blobs.values()];
}

/** Every manifest of the tree once, each after the manifests it lists: the order a registry accepts them. */
export function manifestsOf(root: ManifestNode): ManifestNode[] {
  const ordered = new Map<string, ManifestNode>();
  const visit = (node: ManifestNode) => {
    if (ordered.has(node.digest)) return;
    for (const child of node.children) visit(child);
    ordered.set(node.digest, node);
  };
  visit(root);
  return [...ordered.values()];
}

/** The blobs an image manifest itself needs in the target before it can be stored there. */
export function ownBlobs(node: ManifestNode): Descriptor[] {
  if (node.kind !== 'image') return [];
  return [node.parsed.config, ...node.parsed.layers].filter((blob) => !externalLayer.test(blob.mediaType));
}
