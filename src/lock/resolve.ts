import pLimit from 'p-limit';
import { formatPosition, isPinyardError, PinyardError } from '../errors.js';
import type { ImageGraph } from '../graph/index.js';
import { parseReference, type Reference } from '../reference/index.js';
import type { LockedRef, LockFile } from './schema.js';

/** What `lock` needs of a registry client (src/registry implements it; unit tests can fake it). */
export interface UpstreamResolver {
  resolve(
    ref: Reference,
    options: { mirrors?: Record<string, string[]>; platforms?: boolean },
  ): Promise<{
    digest: string;
    platforms?: Array<{ os: string; architecture: string; variant?: string; digest: string }>;
  }>;
}

/**
 * Resolves refs to pins. A HEAD gives the digest (it does not count against Docker Hub's pull limit); only
 * when the digest is new is the index fetched for its platforms. Every ref is tried; failures are reported
 * together, each at the Dockerfile line that uses the ref.
 */
export async function resolveUpstream(
  refs: string[],
  context: {
    graph: ImageGraph;
    lock: LockFile | undefined;
    resolver: UpstreamResolver;
    mirrors: Record<string, string[]>;
  },
): Promise<Map<string, LockedRef>> {
  const { resolver, mirrors, lock } = context;
  // The client limits requests per host; this bounds the refs in flight so a big tree stays orderly.
  const limit = pLimit(32);
  const outcomes = await Promise.all(
    refs.map((ref) =>
      limit(async (): Promise<[string, LockedRef] | PinyardError> => {
        try {
          const parsed = parseReference(ref);
          const head = await resolver.resolve(parsed, { mirrors, platforms: false });
          const known = lock?.upstream[ref];
          if (known?.digest === head.digest) return [ref, known];
          const full = await resolver.resolve(parsed, { mirrors, platforms: true });
          return [ref, toLocked(full)];
        } catch (error) {
          if (!isPinyardError(error)) throw error;
          return locateFailure(error, ref, context.graph);
        }
      }),
    ),
  );
  const failures = outcomes.filter((o): o is PinyardError => o instanceof PinyardError);
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) {
    const code = failures.every((f) => f.code === failures[0]!.code) ? failures[0]!.code : 'PINYARD_REGISTRY';
    throw new PinyardError(
      code,
      `${failures.length} upstream refs could not be resolved; images.lock is unchanged`,
      {
        details: failures,
      },
    );
  }
  return new Map(outcomes as Array<[string, LockedRef]>);
}

function toLocked(resolved: Awaited<ReturnType<UpstreamResolver['resolve']>>): LockedRef {
  if (!resolved.platforms?.length) return { digest: resolved.digest };
  const platforms = Object.fromEntries(
    resolved.platforms.map((p) => [[p.os, p.architecture, p.variant].filter(Boolean).join('/'), p.digest]),
  );
  return { digest: resolved.digest, platforms };
}

/** The registry's error, said of the ref and pointed at the first Dockerfile line that uses it. */
function locateFailure(error: PinyardError, ref: string, graph: ImageGraph): PinyardError {
  const site = [...graph.images.values()].flatMap((i) => i.upstream).find((u) => u.ref === ref)?.sites[0];
  const position = site ? { file: site.file, line: site.line, column: site.column } : undefined;
  return new PinyardError(error.code, `${ref}: ${error.message}`, {
    ...(position ? { position } : {}),
    hint: error.hint ?? (position ? `used at ${formatPosition(position)}` : undefined),
  });
}
