import type { ImageGraph } from '../../graph/index.js';

/** The `plan --format json` contract (version 1): images in build order. Add fields; never rename one. */
export interface PlanJson {
  version: 1;
  /** `platforms`: only for an image built for several platforms (one index each); an added field. */
  images: Array<{ name: string; parents: string[]; upstream: string[]; platforms?: string[] }>;
}

/** Each multi-platform image's platforms, by name. */
export type PlatformsByImage = ReadonlyMap<string, readonly string[]>;

export function planJson(graph: ImageGraph, platforms: PlatformsByImage = new Map()): PlanJson {
  return {
    version: 1,
    images: graph.order.map((name) => {
      const image = graph.images.get(name)!;
      const list = platforms.get(name);
      return {
        name,
        parents: [...image.parents],
        upstream: image.upstream.map((u) => u.ref),
        ...(list ? { platforms: [...list] } : {}),
      };
    }),
  };
}

export function renderJson(graph: ImageGraph, platforms?: PlatformsByImage): string {
  return `${JSON.stringify(planJson(graph, platforms), null, 2)}\n`;
}
