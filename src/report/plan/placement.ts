import type { GraphImage, ImageGraph } from '../../graph/index.js';

/**
 * A DAG drawn as a tree puts each image under one parent: what its built stage stands on, following the
 * chain of stages the way docker builds it (earlier stages are build stages: a toolchain, a tools stage, a
 * mount source). Every other dependency is listed beside it, so nothing is hidden and nothing is drawn twice.
 */
export interface Placement {
  /** Upstream refs that head a tree, in order of first use, or '' for images FROM scratch. */
  roots: string[];
  children: Map<string, string[]>;
  others: Map<string, string[]>;
}

export function placeImages(graph: ImageGraph): Placement {
  const children = new Map<string, string[]>();
  const others = new Map<string, string[]>();
  const roots: string[] = [];
  const add = (parent: string, child: string) => {
    const list = children.get(parent) ?? [];
    list.push(child);
    children.set(parent, list);
  };
  for (const name of graph.order) {
    const image = graph.images.get(name)!;
    const primary = primaryDependency(image);
    if (!graph.images.has(primary) && !roots.includes(primary)) roots.push(primary);
    add(primary, name);
    const rest = [...image.parents, ...image.upstream.map((u) => u.ref)].filter((d) => d !== primary);
    if (rest.length) others.set(name, rest);
  }
  return { roots, children, others };
}

function primaryDependency(image: GraphImage): string {
  if (image.base !== undefined) return image.base;
  const isFrom = (sites: { via: string }[]) => sites.some((s) => s.via === 'from');
  const lastFromLine = (sites: { line: number; via: string }[]) =>
    Math.max(...sites.filter((s) => s.via === 'from').map((s) => s.line));
  const candidates = [
    ...image.parents.map((p) => ({ name: p, sites: image.parentSites[p] ?? [] })),
    ...image.upstream.map((u) => ({ name: u.ref, sites: u.sites })),
  ].filter((c) => isFrom(c.sites));
  candidates.sort((a, b) => lastFromLine(b.sites) - lastFromLine(a.sites));
  return candidates[0]?.name ?? image.parents[0] ?? image.upstream[0]?.ref ?? '';
}
