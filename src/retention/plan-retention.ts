/** One digest of a repository that content tags point at, and only content tags. */
export interface RetentionCandidate {
  digest: string;
  /** Its content tags (deleting the digest removes them). */
  tags: string[];
  /** When the image was created (ISO 8601); an image without one counts as the oldest. */
  created?: string;
}

export interface RetentionInput {
  /** One entry per digest. */
  candidates: RetentionCandidate[];
  /** Digest → what points at it besides content tags (`tag 1.4`, `staging`): those are always kept. */
  protectedBy: ReadonlyMap<string, readonly string[]>;
  /** How many of the newest candidates are kept whatever points at them. */
  keep: number;
  /**
   * `--min-age`: a candidate created less than this many milliseconds before `now` is kept, so that a
   * build that has just pushed (and whose human tags have not moved yet) is never pruned under it.
   */
  minAgeMs?: number;
  /** Milliseconds since the epoch; needed with `minAgeMs`. */
  now?: number;
  /**
   * Candidate index → the manifests it lists (its platform builds). A candidate one of these lists is a
   * platform of that index: it goes with its index, and does not count as a build of its own.
   */
  platformsOf?: ReadonlyMap<string, readonly string[]>;
}

export interface RetentionDecision extends RetentionCandidate {
  action: 'keep' | 'delete';
  /** 1 for the newest candidate, when it is among the `keep` newest. */
  newest?: number;
  /** What keeps it besides its age; empty when nothing does. */
  protectedBy: string[];
  /** Created less than `minAgeMs` ago. */
  recent?: true;
  /** Set on a platform build: the candidate indexes that list it, newest first. */
  platformOf?: string[];
}

/**
 * prune's decision for one repository, newest first: the `keep` newest digests stay, and so does every
 * digest a human tag or an environment points at, counted apart from those `keep` (a release tagged a
 * year ago never pushes a recent nightly out). Everything else is deleted.
 *
 * The platform builds of a multi-platform image are part of its index, not builds of their own: a
 * candidate that a candidate index lists is left out of the count and follows the (last) index that
 * lists it, kept while any index listing it is kept (an index without its platforms is broken), deleted with the
 * last of them unless something points at it directly. Pure.
 */
export function planRetention(input: RetentionInput): RetentionDecision[] {
  const { candidates, protectedBy, keep, minAgeMs } = input;
  // An image without a readable time has no age: it counts as old, as it sorts as the oldest.
  const recentSince =
    minAgeMs === undefined ? Number.POSITIVE_INFINITY : (input.now ?? Date.now()) - minAgeMs;
  const byDigest = new Map(candidates.map((c) => [c.digest, c]));
  const listedBy = new Map<string, string[]>();
  for (const [index, children] of input.platformsOf ?? []) {
    if (!byDigest.has(index)) continue;
    for (const child of new Set(children))
      if (child !== index && byDigest.has(child))
        listedBy.set(child, [...(listedBy.get(child) ?? []), index]);
  }
  const builds = candidates.filter((c) => !listedBy.has(c.digest)).sort(newestFirst);

  const decided = new Map<string, RetentionDecision>();
  const out: RetentionDecision[] = [];
  // Digests name their content, so an index can never list itself through its platforms: no cycles.
  const platformsAfter = (index: RetentionDecision) => {
    for (const child of new Set(input.platformsOf?.get(index.digest) ?? [])) {
      const indexes = listedBy.get(child);
      // Decided once all its indexes are: it stays if any of them stays.
      if (!indexes || decided.has(child) || !indexes.every((i) => decided.has(i))) continue;
      const by = [...(protectedBy.get(child) ?? [])];
      const kept = indexes.some((i) => decided.get(i)!.action === 'keep') || by.length > 0;
      const order = (a: string, b: string) => out.indexOf(decided.get(a)!) - out.indexOf(decided.get(b)!);
      const decision: RetentionDecision = {
        ...byDigest.get(child)!,
        action: kept ? 'keep' : 'delete',
        protectedBy: by,
        platformOf: [...indexes].sort(order),
      };
      decided.set(child, decision);
      out.push(decision);
      platformsAfter(decision);
    }
  };
  for (const [i, candidate] of builds.entries()) {
    const by = [...(protectedBy.get(candidate.digest) ?? [])];
    const newest = i < keep ? i + 1 : undefined;
    const recent = createdTime(candidate.created) > recentSince;
    const decision: RetentionDecision = {
      ...candidate,
      action: newest !== undefined || by.length > 0 || recent ? 'keep' : 'delete',
      ...(newest !== undefined ? { newest } : {}),
      protectedBy: by,
      ...(recent ? { recent: true as const } : {}),
    };
    decided.set(candidate.digest, decision);
    out.push(decision);
    platformsAfter(decision);
  }
  return out;
}

/**
 * `--min-age` as written: whole numbers with a unit, `90s`, `30m`, `24h`, `7d`, `2w`, or several
 * (`1h30m`). Undefined when it is not one.
 */
export function parseDuration(text: string): number | undefined {
  const units: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
  if (!/^(?:\d+[smhdw])+$/.test(text)) return undefined;
  let ms = 0;
  for (const [, n, unit] of text.matchAll(/(\d+)([smhdw])/g)) ms += Number(n) * units[unit!]!;
  return ms;
}

function newestFirst(a: RetentionCandidate, b: RetentionCandidate): number {
  const ta = createdTime(a.created);
  const tb = createdTime(b.created);
  if (ta !== tb) return tb - ta;
  // Equal times (or none): by digest, so the same registry state always gives the same plan.
  return a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0;
}

/** Milliseconds since the epoch; -Infinity for no time or an unreadable one, so it sorts as the oldest. */
export function createdTime(created: string | undefined): number {
  const t = created === undefined ? Number.NaN : Date.parse(created);
  return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
}
