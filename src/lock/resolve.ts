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
  /** Fetch the pull tokens of many refs at once (best effort), before they are resolved one by one. */
  authorizePulls?(refs: Reference[], options: { mirrors?: Record<string, string[]> }): Promise<void>;
}

/**
 * Refs resolved at once. Each costs one or two small requests, so a lock is bound by round trips, not by
 * bandwidth: a tree of a few dozen upstream refs goes out in one wave instead of several.
 */
export const REFS_IN_FLIGHT = 64;

/**
 * Resolves refs to pins. A ref the lock already pins is checked with a HEAD (it does not count against
 * Docker Hub's pull limit) and its index fetched only when the digest moved; a ref the lock does not have
 * needs its index anyway, so it is fetched at once. Every ref is tried; failures are reported together,
 * each at the Dockerfile line that uses the ref.
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
  const limit = pLimit(REFS_IN_FLIGHT);
  await resolver.authorizePulls?.(
    refs.map((ref) => parseReference(ref)),
    { mirrors },
  );
  const outcomes = await Promise.all(
    refs.map((ref) =>
      limit(async (): Promise<[string, LockedRef] | PinyardError> => {
        try {
          const parsed = parseReference(ref);
          const known = lock?.upstream[ref];
          if (known) {
            const head = await resolver.resolve(parsed, { mirrors, platforms: false });
            if (head.digest === known.digest) return [ref, known];
          }
          return [ref, toLocked(await resolver.resolve(parsed, { mirrors, platforms: true }))];
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
