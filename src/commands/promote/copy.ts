import { PinyardError } from '../../errors.js';
import { type BlobCounts, type ManifestNode, ownBlobs } from '../../promote/index.js';
import { formatReference, type Reference } from '../../reference/index.js';
import type { RegistryClient } from '../../registry/index.js';
import type { Inspection } from './inspect.js';

export interface Copied {
  blobs: BlobCounts;
  /** Bytes of blob content sent to the target (mounts and skips send none). */
  bytes: number;
  /** Manifests stored by digest below the root. */
  manifests: number;
}

/**
 * Brings an image's content into the target without naming it: every blob (mounted, or streamed when the
 * registry cannot mount or is another one; skipped when the target has it), then every manifest below the
 * root by digest. Nothing is visible under a tag yet. Each manifest goes out as soon as its own blobs and
 * children are in, so the platforms of an index do not wait for each other.
 */
export async function copyContent(registry: RegistryClient, inspection: Inspection): Promise<Copied> {
  const { request, tree, present, presentKnown } = inspection;
  const copied: Copied = { blobs: { mounted: 0, copied: 0, skipped: 0 }, bytes: 0, manifests: 0 };
  if (!tree) return copied;
  const { source, target } = request;

  const blobs = new Map(
    inspection.blobs.map((blob) => [
      blob.digest,
      (async () => {
        if (present.has(blob.digest)) {
          copied.blobs.skipped++;
          return;
        }
        if (
          request.strategy === 'mount' &&
          (await registry.mountBlob(source, target, blob.digest)) === 'mounted'
        ) {
          copied.blobs.mounted++;
          return;
        }
        // A refused mount left an upload session open, which the copy continues.
        const outcome = await registry.copyBlob(source, target, blob.digest, blob.size, {
          unlessPresent: !presentKnown,
        });
        if (outcome === 'present') {
          copied.blobs.skipped++;
          return;
        }
        copied.blobs.copied++;
        copied.bytes += blob.size;
      })(),
    ]),
  );
  const stored = new Map<string, Promise<void>>();
  const store = (node: ManifestNode): Promise<void> => {
    let done = stored.get(node.digest);
    if (!done) {
      done = (async () => {
        await Promise.all([...ownBlobs(node).map((b) => blobs.get(b.digest)), ...node.children.map(store)]);
        await registry.putManifest(target, node.digest, node.bytes, node.mediaType);
        copied.manifests++;
      })();
      stored.set(node.digest, done);
    }
    return done;
  };
  try {
    // The root waits for the tag phase; its blobs (a single-platform image) and children must be in first.
    await Promise.all([...ownBlobs(tree).map((b) => blobs.get(b.digest)), ...tree.children.map(store)]);
  } finally {
    // A failure returns only once every request it started has ended: nothing keeps writing behind it.
    await Promise.allSettled([...blobs.values(), ...stored.values()]);
  }
  return copied;
}

/**
 * Points each target reference at the root manifest (its bytes as served, so the digest is the source's),
 * then reads every one back: success is reported only for what the registry now serves.
 */
export async function pointTargets(registry: RegistryClient, inspection: Inspection): Promise<Reference[]> {
  const { decision, root, request } = inspection;
  if (decision.kind !== 'promote') return [];
  await Promise.all(
    decision.write.map((ref) =>
      registry.putManifest(request.target, ref.tag ?? root.digest, root.bytes, root.mediaType),
    ),
  );
  const found = await Promise.all(decision.write.map((ref) => registry.headManifest(ref)));
  for (const [i, ref] of decision.write.entries()) {
    const digest = found[i]?.digest;
    if (digest === root.digest) continue;
    throw new PinyardError(
      'PINYARD_REGISTRY',
      `${formatReference(ref)} points at ${digest ?? 'nothing'} right after it was set to ${root.digest}`,
      { hint: 'another push to the same tag may have raced this one; check the tag and promote again' },
    );
  }
  return decision.write;
}
