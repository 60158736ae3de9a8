import type { ImageGraph } from '../../graph/index.js';

export interface DrawnEdge {
  from: string;
  to: string;
  /** Drawn dashed: a dependency through COPY --from / RUN --mount, not the image's base. */
  copy: boolean;
}

/** Every node and edge of the picture: upstream refs and images, one edge per dependency. */
export function graphEdges(graph: ImageGraph): { upstream: string[]; edges: DrawnEdge[] } {
  const upstream = new Set<string>();
  const edges: DrawnEdge[] = [];
  for (const name of graph.order) {
    const image = graph.images.get(name)!;
    for (const u of image.upstream) {
      upstream.add(u.ref);
      edges.push({ from: u.ref, to: name, copy: !u.sites.some((s) => s.via === 'from') });
    }
    for (const p of image.parents) {
      edges.push({ from: p, to: name, copy: !(image.parentSites[p] ?? []).some((s) => s.via === 'from') });
    }
  }
  return { upstream: [...upstream].sort(), edges };
}
