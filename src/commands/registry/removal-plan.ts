import { PinyardError } from '../../errors.js';
import { type Reference, repositoryName } from '../../reference/index.js';
import type { TagDigest } from './tag-digests.js';

/** An index that lists the digest as one of its manifests, and the tags on that index. */
export interface Container {
  digest: string;
  tags: string[];
}

export type RemovalPlan =
  /** The digest goes, and every tag on it. */
  | { kind: 'delete'; digest: string; tags: string[] }
  /** Only the tag goes; the digest stays for the other tags and indexes that use it. */
  | { kind: 'untag'; tag: string; digest: string; others: string[]; containers: Container[] };

/**
 * What `registry rm` does, decided from the registry's state. Pure.
 *
 * A tag whose digest nothing else uses goes with its digest. A tag whose digest other tags share, or that
 * is a platform of a tagged index, goes alone. A digest goes with every tag on it, unless a tagged index
 * lists it: deleting it would break that index, so that is refused.
 */
export function planRemoval(
  ref: Reference,
  digest: string,
  tags: TagDigest[],
  containers: Container[],
): RemovalPlan {
  const onDigest = tags
    .filter((t) => t.digest === digest)
    .map((t) => t.tag)
    .sort();
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
    return { kind: 'delete', digest, tags: onDigest };
  }
  const others = onDigest.filter((t) => t !== ref.tag);
  if (others.length === 0 && containers.length === 0) return { kind: 'delete', digest, tags: [ref.tag] };
  return { kind: 'untag', tag: ref.tag, digest, others, containers };
}

/** What keeps a digest that stays: `still tagged latest; a platform of index sha256:… (multi)`. */
export function keptBy(plan: Extract<RemovalPlan, { kind: 'untag' }>): string {
  return [
    ...(plan.others.length ? [`still tagged ${plan.others.join(', ')}`] : []),
    ...plan.containers.map((c) => `a platform of index ${c.digest} (${c.tags.join(', ')})`),
  ].join('; ');
}
