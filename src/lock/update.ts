import { PinyardError } from '../errors.js';
import { closeMatches } from '../graph/did-you-mean.js';
import { descendants, type ImageGraph } from '../graph/index.js';
import { parseReference } from '../reference/index.js';
import type { LockedRef, LockFile } from './schema.js';

/** Which refs `lock` asks the registries about. */
export type LockMode =
  /** Plain `lock`: only refs the lock does not have yet. */
  | { kind: 'missing' }
  /** `lock --update` and `lock --check`: every ref. */
  | { kind: 'all' }
  /** `lock --update NAME…`: the upstreams of those images, plus anything missing. */
  | { kind: 'images'; names: string[] };

/** Every upstream ref of the graph with the images that use it, refs sorted. */
export function upstreamUsers(graph: ImageGraph): Map<string, string[]> {
  const users = new Map<string, string[]>();
  for (const name of graph.order) {
    for (const u of graph.images.get(name)!.upstream) users.set(u.ref, [...(users.get(u.ref) ?? []), name]);
  }
  return new Map([...users].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * A ref pinned in its Dockerfile (`FROM alpine:3.20@sha256:…`) is honoured as written: its digest is the
 * pin, nothing is asked of a registry.
 */
export function pinnedInDockerfile(ref: string): LockedRef | undefined {
  const digest = parseReference(ref).digest;
  return digest ? { digest } : undefined;
}

export function refsToResolve(graph: ImageGraph, lock: LockFile | undefined, mode: LockMode): string[] {
  const users = upstreamUsers(graph);
  const refs = [...users.keys()].filter((ref) => !pinnedInDockerfile(ref));
  if (mode.kind === 'all') return refs;
  const named = new Set(mode.kind === 'images' ? mode.names : []);
  for (const name of named) {
    if (!graph.images.has(name)) {
      const [suggestion] = closeMatches(name, graph.images.keys());
      throw new PinyardError(
        'PINYARD_UNKNOWN_IMAGE',
        `lock --update: "${name}" is not an image of images.yml${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
        {
          hint: `images are: ${graph.order.join(', ')}`,
        },
      );
    }
  }
  return refs.filter((ref) => !lock?.upstream[ref] || users.get(ref)!.some((image) => named.has(image)));
}

/** The lock for this graph: fresh answers win, then the old pins; refs no image uses any more are dropped. */
export function nextLock(
  graph: ImageGraph,
  old: LockFile | undefined,
  resolved: Map<string, LockedRef>,
): LockFile {
  const upstream: Record<string, LockedRef> = {};
  for (const ref of upstreamUsers(graph).keys()) {
    const entry = resolved.get(ref) ?? pinnedInDockerfile(ref) ?? old?.upstream[ref];
    if (entry) upstream[ref] = entry;
  }
  return { version: 1, upstream };
}

/** The images a change of these refs rebuilds: those that use them and everything built on those. */
export function imagesAffectedBy(graph: ImageGraph, refs: string[]): string[] {
  const users = upstreamUsers(graph);
  const affected = new Set(refs.flatMap((ref) => users.get(ref) ?? []));
  for (const name of descendants(graph, [...affected])) affected.add(name);
  return graph.order.filter((name) => affected.has(name));
}
