import path from 'node:path';
import { PinyardError } from '../../errors.js';
import type { ImageGraph } from '../../graph/index.js';
import {
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
  const old = await readLock(lockPath, display);
  const missing = refsToResolve(graph, old, { kind: 'missing' });
  if (missing.length === 0 && old) return old;
  if (options.frozen && missing.length > 0) {
    throw new PinyardError(
      'PINYARD_LOCK_STALE',
      `${display} lacks ${missing.length} upstream ref${missing.length === 1 ? '' : 's'} the tree uses: ${missing.join(', ')}`,
      { hint: 'run `pinyard lock` and commit images.lock, or build without --frozen' },
    );
  }
  const next = await relock(
    graph,
    old,
    { kind: 'missing' },
    { resolver: options.resolver, mirrors: manifest.mirrors },
  );
  if (options.write !== false) await writeLock(lockPath, next);
  return next;
}
