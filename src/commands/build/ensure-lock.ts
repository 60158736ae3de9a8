import path from 'node:path';
import { PinyardError } from '../../errors.js';
import type { ImageGraph } from '../../graph/index.js';
import {
  holdLockFile,
  type LockFile,
  readLock,
  refsToResolve,
  relock,
  type UpstreamResolver,
  writeLock,
} from '../../lock/index.js';
import type { ProjectManifest } from '../../manifest/index.js';

/**
 * The lock a build pins with. Refs the lock lacks are resolved and written to images.lock first (as
 * `pinyard lock` would), unless `frozen`: then a missing ref fails the run (exit 1) and nothing moves,
 * like `npm ci` with an outdated package-lock. `graph` is the whole tree's, even under --only: the lock
 * file is the tree's.
 */
export async function ensureLock(
  manifest: ProjectManifest,
  graph: ImageGraph,
  options: { frozen: boolean; cwd: string; resolver: UpstreamResolver; write?: boolean },
): Promise<LockFile> {
  const lockPath = path.join(manifest.dir, 'images.lock');
  const display = path.relative(options.cwd, lockPath) || 'images.lock';
  const current = await readLock(lockPath, display);
  if (refsToResolve(graph, current, { kind: 'missing' }).length === 0 && current) return current;
  if (options.frozen || options.write === false)
    return pinMissing(manifest, graph, current, options, display);
  // Read again under the lock file: another run may have just pinned what is missing.
  const release = await holdLockFile(lockPath, display);
  try {
    const next = await pinMissing(manifest, graph, await readLock(lockPath, display), options, display);
    await writeLock(lockPath, next);
    return next;
  } finally {
    await release();
  }
}

async function pinMissing(
  manifest: ProjectManifest,
  graph: ImageGraph,
  old: LockFile | undefined,
  options: { frozen: boolean; resolver: UpstreamResolver },
  display: string,
): Promise<LockFile> {
  const missing = refsToResolve(graph, old, { kind: 'missing' });
  if (missing.length === 0 && old) return old;
  if (options.frozen && missing.length > 0) {
    throw new PinyardError(
      'PINYARD_LOCK_STALE',
      `${display} lacks ${missing.length} upstream ref${missing.length === 1 ? '' : 's'} the tree uses: ${missing.join(', ')}`,
      { hint: 'run `pinyard lock` and commit images.lock, or build without --frozen' },
    );
  }
  return relock(graph, old, { kind: 'missing' }, { resolver: options.resolver, mirrors: manifest.mirrors });
}
