import {
  blobsOf,
  childDescriptors,
  type Decision,
  decide,
  type ManifestNode,
  type PromotionRequest,
  type RefState,
  requiredRefs,
  targetRefs,
} from '../../promote/index.js';
import type { Reference } from '../../reference/index.js';
import type { Descriptor, FetchedManifest, RegistryClient } from '../../registry/index.js';

/** Everything a promotion will do, read from the registries; nothing written yet. */
export interface Inspection {
  request: PromotionRequest;
  /** The manifest (or index) the source names, as served: its digest is what gets promoted. */
  root: FetchedManifest;
  decision: Decision;
  /** The source's manifests, when the target lacks them (a tag on the same repository never does). */
  tree?: ManifestNode;
  /** The blobs to bring over, each once. */
  blobs: Descriptor[];
  /** Blobs the target already has, when that was asked here (a dry run between registries). */
  present: Set<string>;
  /**
   * False when the target was not asked yet which blobs it has (a real run between registries): each
   * blob's copy asks in the same round trip as it starts, rather than one round trip before.
   */
  presentKnown: boolean;
}

/**
 * Reads what a promotion needs, with the requests that do not depend on each other in flight together:
 * the source manifest, each target tag and each required tag at once; then, when content has to go over,
 * the manifests an index lists (siblings together); then, between registries and for a dry run's report,
 * which blobs the target already has.
 */
export async function inspect(
  registry: RegistryClient,
  request: PromotionRequest,
  options: { force: boolean; dryRun: boolean },
): Promise<Inspection> {
  const { force, dryRun } = options;
  const [root, target, required] = await Promise.all([
    registry.getManifest(request.source),
    headAll(registry, targetRefs(request)),
    headAll(registry, requiredRefs(request)),
  ]);
  const decision = decide(request, root.digest, target, required, force);
  const base = { request, root, decision, blobs: [], present: new Set<string>(), presentKnown: true };
  if (decision.kind !== 'promote' || decision.contentPresent || request.strategy === 'tag') return base;

  const tree = await fetchTree(registry, request.source, root);
  const blobs = blobsOf(tree);
  const ask = request.strategy === 'copy' && dryRun;
  const present = ask ? await presentBlobs(registry, request.target, blobs) : new Set<string>();
  return { ...base, tree, blobs, present, presentKnown: request.strategy !== 'copy' || ask };
}

async function headAll(registry: RegistryClient, refs: Reference[]): Promise<RefState[]> {
  return Promise.all(refs.map(async (ref) => ({ ref, digest: (await registry.headManifest(ref))?.digest })));
}

/** The manifests below `manifest`, fetched by digest from the source repository, siblings in parallel. */
async function fetchTree(
  registry: RegistryClient,
  source: Reference,
  manifest: FetchedManifest,
): Promise<ManifestNode> {
  const children = await Promise.all(
    childDescriptors(manifest).map(async ({ digest }) =>
      fetchTree(
        registry,
        source,
        await registry.getManifest({ registry: source.registry, repository: source.repository, digest }),
      ),
    ),
  );
  return { ...manifest, children };
}

async function presentBlobs(
  registry: RegistryClient,
  target: Reference,
  blobs: Descriptor[],
): Promise<Set<string>> {
  const found = await Promise.all(
    blobs.map(async ({ digest }) => (await registry.headBlob(target, digest)) && digest),
  );
  return new Set(found.filter((digest): digest is string => digest !== undefined));
}
