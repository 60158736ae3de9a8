import type { LockedRef, LockFile } from './schema.js';

export type LockChange =
  | { kind: 'added'; ref: string; digest: string }
  | { kind: 'removed'; ref: string; digest: string }
  | { kind: 'moved'; ref: string; from: string; to: string };

/** What differs between two locks, by ref, sorted: the table `lock` and `lock --check` print. */
export function diffLocks(before: LockFile | undefined, after: LockFile): LockChange[] {
  const old = before?.upstream ?? {};
  const refs = [...new Set([...Object.keys(old), ...Object.keys(after.upstream)])].sort();
  return refs.flatMap((ref): LockChange[] => {
    const a: LockedRef | undefined = old[ref];
    const b: LockedRef | undefined = after.upstream[ref];
    if (!a && b) return [{ kind: 'added', ref, digest: b.digest }];
    if (a && !b) return [{ kind: 'removed', ref, digest: a.digest }];
    if (a && b && !sameLockedRef(a, b)) return [{ kind: 'moved', ref, from: a.digest, to: b.digest }];
    return [];
  });
}

function sameLockedRef(a: LockedRef, b: LockedRef): boolean {
  return a.digest === b.digest && JSON.stringify(sortedPlatforms(a)) === JSON.stringify(sortedPlatforms(b));
}

function sortedPlatforms(r: LockedRef): [string, string][] {
  return Object.entries(r.platforms ?? {}).sort(([x], [y]) => (x < y ? -1 : 1));
}
