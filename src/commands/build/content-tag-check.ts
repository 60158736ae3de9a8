import { INPUT_HASH_LABEL } from '../../hash/index.js';
import type { Reference } from '../../reference/index.js';
import type { RegistryClient } from '../../registry/index.js';
import { ImageDescriber } from '../registry/image-summary.js';

/**
 * Whether the image under a content tag was built from `hash`: every runnable image of it carries that
 * `dev.pinyard.input-hash` label. A content tag is only a name: anyone who may push can put any image
 * under `pinyard-<hash>`, and a run that took it on trust would skip the build and pin every child to it.
 */
export async function carriesInputHash(
  registry: RegistryClient,
  repository: Reference,
  digest: string,
  hash: string,
): Promise<boolean> {
  const summary = await new ImageDescriber(registry).describe(repository, digest);
  return (
    summary.images.length > 0 &&
    summary.images.every((image) => image.config?.labels[INPUT_HASH_LABEL] === hash)
  );
}
