import type { ImageGraph } from '../../graph/index.js';

/** The `plan --format json` contract (version 1): images in build order. Add fields; never rename one. */
export interface PlanJson {
  version: 1;
  images: Array<{ name: string; parents: string[]; upstream: string[] }>;
}

export function planJson(graph: ImageGraph): PlanJson {
  return {
    version: 1,
    images: graph.order.map((name) => {
      const image = graph.images.get(name)!;
      return { name, parents: [...image.parents], upstream: image.upstream.map((u) => u.ref) };
    }),
  };
}

export function renderJson(graph: ImageGraph): string {
  return `${JSON.stringify(planJson(graph), null, 2)}\n`;
}
