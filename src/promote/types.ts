import type { Reference } from '../reference/index.js';

/**
 * How the bytes get to the target, cheapest first: a tag on the same repository (one manifest PUT), a
 * cross-repository mount on the same registry (no blob moves), a stream between registries.
 */
export type Strategy = 'tag' | 'mount' | 'copy';

/** One image to promote, with every reference the promotion touches. */
export interface PromotionRequest {
  /** The image's name in images.yml. */
  name: string;
  /** The environment it goes to. */
  environment: string;
  /** `<registry of images.yml>/<name>` with the tag and/or digest the user gave. */
  source: Reference;
  /** The environment's repository for the image (no tag or digest). */
  target: Reference;
  /** Tags the target gets; empty for a promotion of a digest alone. */
  tags: string[];
  /** Where the digest must already be under the same tags: the environment's `requires:`. */
  required?: { environment: string; repository: Reference };
  strategy: Strategy;
}

/** Blobs by how they reached the target. */
export interface BlobCounts {
  mounted: number;
  copied: number;
  skipped: number;
}
