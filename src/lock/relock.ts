import type { ImageGraph } from '../graph/index.js';
import { resolveUpstream, type UpstreamResolver } from './resolve.js';
import type { LockFile } from './schema.js';
import { type LockMode, nextLock, refsToResolve } from './update.js';

/**
 * The lock the graph needs: the refs `mode` asks about resolved afresh, the other pins kept, refs no
 * image uses dropped. Nothing is written; every ref is tried and failures are reported together.
 */
export async function relock(
  graph: ImageGraph,
  old: LockFile | undefined,
  mode: LockMode,
  context: { resolver: UpstreamResolver; mirrors: Record<string, string[]> },
): Promise<LockFile> {
  const resolved = await resolveUpstream(refsToResolve(graph, old, mode), { graph, lock: old, ...context });
  return nextLock(graph, old, resolved);
}
