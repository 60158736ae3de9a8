import { createHash } from 'node:crypto';
import type { ContextEntry } from './types.js';

/**
 * The input hash of an image: everything a build depends on, so that the same hash means an image that
 * need not be built again. Pure.
 *
 * Encoding v2 (changing anything here means bumping the version, and every image rebuilds once): the
 * sha256 of the UTF-8 text made of these lines, joined by "\n":
 *
 *   pinyard-input-hash/v2
 *   JSON [dockerfile, target | null, platform | null, [[arg, value], …] sorted by arg, salt | null]
 *   JSON [path, type, mode, content]  one line per context entry, sorted by path, where mode is the octal
 *                                     permission string ("0644") and content is the file's "sha256:…",
 *                                     the symlink's target, or null for a directory
 *
 * JSON values cannot hold a raw newline, so the lines cannot run into each other. Modification times are
 * left out: docker's build cache ignores them, and a fresh checkout must hash like the old one.
 */
const INPUT_HASH_VERSION = 'pinyard-input-hash/v2';

/** The image label (OCI annotation style key) that records the full input hash. */
export const INPUT_HASH_LABEL = 'dev.pinyard.input-hash';

export interface ImageInputs {
  /**
   * The Dockerfile with every image it names pinned: upstream refs to their digests in images.lock, images
   * of the tree to their content tags (`repository:pinyard-…`, their own input hashes), so a parent whose
   * inputs changed changes the hash of every image below it. v1 named tree parents by their digests, which
   * are only known once each parent is found or built: a tree's hashes took one round trip per level.
   */
  dockerfileText: string;
  /** The context as contextFiles returns it (any order). */
  files: ContextEntry[];
  args?: Record<string, string>;
  target?: string;
  platform?: string;
  /** Anything else that must force a new image when it changes, e.g. the day for `rebuild: daily`. */
  salt?: string;
}

/** `sha256:<64 hex>` over the canonical encoding above. */
export function inputHash(inputs: ImageInputs): string {
  const hash = createHash('sha256');
  const args = Object.entries(inputs.args ?? {}).sort(([a], [b]) => compare(a, b));
  hash.update(INPUT_HASH_VERSION);
  hash.update(
    `\n${JSON.stringify([
      inputs.dockerfileText,
      inputs.target ?? null,
      inputs.platform ?? null,
      args,
      inputs.salt ?? null,
    ])}`,
  );
  for (const entry of [...inputs.files].sort((a, b) => compare(a.path, b.path))) {
    hash.update(`\n${JSON.stringify([entry.path, entry.type, octal(entry.mode), contentOf(entry)])}`);
  }
  return `sha256:${hash.digest('hex')}`;
}

/** Hex digits of the hash kept in the content tag: 96 bits, collision-free for any real registry. */
const CONTENT_TAG_HEX = 24;

/** The immutable tag an image is pushed under: `pinyard-<first 24 hex of its input hash>`. */
export function contentTag(hash: string): string {
  const hex = /^sha256:([0-9a-f]{64})$/.exec(hash)?.[1];
  if (!hex) throw new RangeError(`not an input hash: ${hash}`);
  return `pinyard-${hex.slice(0, CONTENT_TAG_HEX)}`;
}

function contentOf(entry: ContextEntry): string | null {
  if (entry.type === 'file') {
    if (!entry.digest) throw new RangeError(`context entry ${entry.path} is a file without a digest`);
    return entry.digest;
  }
  if (entry.type === 'symlink') return entry.target ?? null;
  return null;
}

function octal(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
