import type { LockFile } from '../lock/index.js';
import { createdTime } from '../retention/index.js';
import type { FailOn, PlaceState, StatusRow, UpstreamEnd, UpstreamVerdict } from './types.js';

/**
 * An environment's digest of a tag against the digest of the same tag in `registry:`. An older digest is
 * `behind` only when pinyard built it (a hand-pushed or foreign image is `other`); `unknown` when the
 * environment could not be read, or what it holds could not be.
 */
export function placeState(input: {
  built?: string;
  here?: string;
  /** Undefined when its config could not be read. */
  herePinyard?: boolean;
  unreadable?: boolean;
}): PlaceState {
  if (input.unreadable) return 'unknown';
  if (input.here === undefined) return 'absent';
  if (input.here === input.built) return 'same';
  if (input.herePinyard === undefined) return 'unknown';
  return input.herePinyard && input.built !== undefined ? 'behind' : 'other';
}

/**
 * How many builds of an image are newer than `here`, counting up to `built`, from the digests its content
 * tags point at (each build pushes one) in the order they were created. Undefined when `here` or `built`
 * is not among them (pruned, or never content-tagged): the content tags do not tell.
 */
export function buildsBehind(
  history: ReadonlyArray<{ digest: string; created?: string }>,
  built: string,
  here: string,
): number | undefined {
  const newestFirst = [...new Map(history.map((h) => [h.digest, h])).values()].sort(
    (a, b) => createdTime(b.created) - createdTime(a.created) || (a.digest < b.digest ? -1 : 1),
  );
  const from = newestFirst.findIndex((h) => h.digest === built);
  const to = newestFirst.findIndex((h) => h.digest === here);
  return from === -1 || to === -1 || to <= from ? undefined : to - from;
}

/**
 * Whether the upstream a lineage ends in is still what images.lock pins for its ref: the tag's digest or
 * one of its platforms' (a single-platform build may record either). A ref images.lock no longer pins at
 * all is stale too. Without a lock there is nothing to judge by.
 */
export function upstreamVerdict(end: UpstreamEnd, lock: LockFile | undefined): UpstreamVerdict | undefined {
  if (!lock) return undefined;
  // A ref pinned in the Dockerfile is locked as written, `ref@sha256:…`.
  const entries = Object.entries(lock.upstream).filter(
    ([key]) => key === end.ref || key.startsWith(`${end.ref}@`),
  );
  const current = entries.some(
    ([, locked]) =>
      locked.digest === end.digest || Object.values(locked.platforms ?? {}).includes(end.digest),
  );
  const pinned = lock.upstream[end.ref]?.digest ?? entries[0]?.[1].digest;
  return { ...end, ...(pinned ? { pinned } : {}), stale: !current };
}

/** `--fail-on`: exit 1 when a row shows what was asked for, or when what it would show could not be read. */
export function shouldFail(rows: readonly StatusRow[], failOn: readonly FailOn[]): boolean {
  if (failOn.length === 0) return false;
  return rows.some(
    (row) =>
      row.built.error !== undefined ||
      (failOn.includes('stale') && row.built.upstream?.stale === true) ||
      row.environments.some(
        (env) =>
          env.state === 'unknown' ||
          (failOn.includes('behind') && env.state === 'behind') ||
          (failOn.includes('stale') && env.upstream?.stale === true),
      ),
  );
}
