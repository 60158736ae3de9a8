import { PinyardError } from '../../errors.js';
import { type Reference, repositoryName } from '../../reference/index.js';
import { isContentTag } from '../../retention/index.js';
import type { TagDigest } from './tag-digests.js';

/** An index that lists the digest as one of its manifests, and the tags on that index. */
export interface Container {
  digest: string;
  tags: string[];
}

/** A platform build of the index that goes, and the content tags on it. */
export interface PlatformRemoval {
  digest: string;
  tags: string[];
}

/** A content-tagged platform build of the index that stays, and what still uses it. */
export interface PlatformKept {
  digest: string;
  tags: string[];
  /** Its tags that are not content tags. */
  others: string[];
  /** The other tagged indexes that list it. */
  containers: Container[];
}

export type RemovalPlan =
  /**
   * The digest goes, and every tag on it; for an index, with the platform builds only its content tags
   * held (`platforms`), while those something else still uses stay (`keptPlatforms`). Both are present
   * only for an index that lists content-tagged manifests.
   */
  | {
      kind: 'delete';
      digest: string;
      tags: string[];
      platforms?: PlatformRemoval[];
      keptPlatforms?: PlatformKept[];
    }
  /** Only the tag goes; the digest stays for the other tags and indexes that use it. */
  | { kind: 'untag'; tag: string; digest: string; others: string[]; containers: Container[] };

/**
 * What `registry rm` does, decided from the registry's state. Pure.
 *
 * A tag whose digest nothing else uses goes with its digest. A tag whose digest other tags share, or that
 * is a platform of a tagged index, goes alone. A digest goes with every tag on it, unless a tagged index
 * lists it: deleting it would break that index, so that is refused.
 *
 * An index that goes takes along its platform builds that only pinyard's content tags hold (`build`
 * pushed each platform under one), so that none is left orphaned; a platform that another tagged index
 * lists, or that a tag of another kind points at, stays. `listed` holds what each tagged index of the
 * repository lists (the digest removed included, when it is an index).
 */
export function planRemoval(
  ref: Reference,
  digest: string,
  tags: TagDigest[],
  containers: Container[],
  listed: ReadonlyMap<string, readonly string[]> = new Map(),
): RemovalPlan {
  const tagsOn = (d: string) =>
    tags
      .filter((t) => t.digest === d)
      .map((t) => t.tag)
      .sort();
  const onDigest = tagsOn(digest);
  const withPlatforms = (plan: { kind: 'delete'; digest: string; tags: string[] }): RemovalPlan => {
    const platforms: PlatformRemoval[] = [];
    const keptPlatforms: PlatformKept[] = [];
    for (const child of new Set(listed.get(digest) ?? [])) {
      const on = tagsOn(child);
      // Only pinyard's own platform builds: an untagged manifest leaves no tag behind.
      if (child === digest || !on.some(isContentTag)) continue;
      const others = on.filter((t) => !isContentTag(t));
      const users = [...listed]
        .filter(([index, children]) => index !== digest && index !== child && children.includes(child))
        .map(([index]) => ({ digest: index, tags: tagsOn(index) }));
      if (others.length || users.length)
        keptPlatforms.push({ digest: child, tags: on, others, containers: users });
      else platforms.push({ digest: child, tags: on });
    }
    return {
      ...plan,
      ...(platforms.length ? { platforms } : {}),
      ...(keptPlatforms.length ? { keptPlatforms } : {}),
    };
  };
  if (ref.tag === undefined) {
    if (containers.length) {
      const [first] = containers;
      throw new PinyardError(
        'PINYARD_UNSAFE_DELETE',
        `refusing to delete ${repositoryName(ref)}@${digest}: it is a platform of ${containers
          .map((c) => `index ${c.digest} (tagged ${c.tags.join(', ')})`)
          .join(' and ')}, which would break without it`,
        {
          hint: `delete the index first (pinyard registry rm ${repositoryName(ref)}@${first!.digest}), or remove its tags`,
        },
      );
    }
    return withPlatforms({ kind: 'delete', digest, tags: onDigest });
  }
  const others = onDigest.filter((t) => t !== ref.tag);
  if (others.length === 0 && containers.length === 0)
    return withPlatforms({ kind: 'delete', digest, tags: [ref.tag] });
  return { kind: 'untag', tag: ref.tag, digest, others, containers };
}

/** Why a platform build of a deleted index stays: `still tagged debug; a platform of index sha256:… (1.0)`. */
export function platformKeptBy(platform: PlatformKept): string {
  return [
    ...(platform.others.length ? [`still tagged ${platform.others.join(', ')}`] : []),
    ...platform.containers.map(
      (c) => `a platform of index ${c.digest}${c.tags.length ? ` (${c.tags.join(', ')})` : ''}`,
    ),
  ].join('; ');
}

/** What keeps a digest that stays: `still tagged latest; a platform of index sha256:… (multi)`. */
export function keptBy(plan: Extract<RemovalPlan, { kind: 'untag' }>): string {
  return [
    ...(plan.others.length ? [`still tagged ${plan.others.join(', ')}`] : []),
    ...plan.containers.map((c) => `a platform of index ${c.digest} (${c.tags.join(', ')})`),
  ].join('; ');
}
