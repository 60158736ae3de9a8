import { createHash } from 'node:crypto';

const INDEX_HASH_VERSION = 'pinyard-index-hash/v1';

/**
 * The input hash of a multi-platform image: its platform list and each platform build's own input hash.
 * Adding or dropping a platform changes it (a new index), while each platform build keeps its own hash and
 * content tag, so only the new platform is built. Pure.
 */
export function indexHash(platformHashes: ReadonlyArray<{ platform: string; hash: string }>): string {
  const hash = createHash('sha256');
  hash.update(`${INDEX_HASH_VERSION}\n`);
  for (const { platform, hash: h } of [...platformHashes].sort((a, b) =>
    a.platform < b.platform ? -1 : 1,
  )) {
    hash.update(`${platform}\t${h}\n`);
  }
  return `sha256:${hash.digest('hex')}`;
}
