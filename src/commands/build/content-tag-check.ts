import { INPUT_HASH_LABEL } from '../../hash/index.js';
import type { Reference } from '../../reference/index.js';
import type { FetchedManifest, RegistryClient } from '../../registry/index.js';
import { ImageConfigBlob } from '../registry/image-config.js';
import { ImageDescriber } from '../registry/image-summary.js';

/**
 * Whether the image under a content tag (its manifest, already read by tag) was built from `hash`. A content
 * tag is only a name: anyone who may push can put any image under `pinyard-<hash>`, and a run that took it
 * on trust would skip the build and pin every child to it.
 * - an image: its config's `dev.pinyard.input-hash` label (one more read, the config);
 * - a multi-platform image pinyard wrote: the index's own annotation (its platform builds carry theirs);
 * - any other index: every runnable image of it carries the label.
 */
export async function carriesInputHash(
  registry: RegistryClient,
  repository: Reference,
  manifest: FetchedManifest,
  hash: string,
): Promise<boolean> {
  if (manifest.kind === 'image') {
    const config = await registry.getBlobBytes(repository, manifest.parsed.config.digest);
    return configLabels(config)[INPUT_HASH_LABEL] === hash;
  }
  if (manifest.parsed.annotations?.[INPUT_HASH_LABEL] === hash) return true;
  const summary = await new ImageDescriber(registry).describe(repository, manifest.digest);
  return (
    summary.images.length > 0 &&
    summary.images.every((image) => image.config?.labels[INPUT_HASH_LABEL] === hash)
  );
}

/** The labels of an image config's bytes; none when they are not an image config. */
function configLabels(bytes: Uint8Array): Record<string, string> {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return {};
  }
  const parsed = ImageConfigBlob.safeParse(json);
  return (parsed.success && parsed.data.config?.Labels) || {};
}
