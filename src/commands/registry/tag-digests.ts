import { whenNotFound } from '../../errors.js';
import type { Reference } from '../../reference/index.js';
import { collect, type ManifestDescriptor, type RegistryClient } from '../../registry/index.js';

/** A tag and what it points at now. */
export interface TagDigest extends ManifestDescriptor {
  tag: string;
}

/**
 * Every tag of a repository with its digest: the tag list, then one HEAD per tag (a registry has no call
 * that answers both). The client's per-host limit keeps the HEADs from flooding the registry. A tag
 * deleted between the list and its HEAD is left out.
 */
export async function tagDigests(client: RegistryClient, repo: Reference): Promise<TagDigest[]> {
  const tags = await collect(client.listTags(bare(repo)));
  const heads = await Promise.all(
    tags.map(async (tag) => {
      const head = await client.headManifest({ ...bare(repo), tag });
      return head ? { tag, ...head } : undefined;
    }),
  );
  return heads.filter((h): h is TagDigest => h !== undefined);
}

/** Like tagDigests, but a repository that does not exist has no tags (an environment not promoted to yet). */
export async function tagDigestsIfAny(client: RegistryClient, repo: Reference): Promise<TagDigest[]> {
  return tagDigests(client, repo).catch(whenNotFound([]));
}

/** The repository of a reference, without its tag or digest. */
export function bare(ref: Reference): Reference {
  return { registry: ref.registry, repository: ref.repository };
}
