import { PinyardError } from '../errors.js';
import { normalizePlatform } from '../reference/index.js';
import type { EdgeSite, ImageGraph } from './types.js';

/** What the check needs of an image of the manifest. */
export interface PlatformsOfImage {
  name: string;
  platform?: string;
  platforms?: string[];
}

/**
 * A multi-platform image can be built for a platform only when everything it is built from has that
 * platform: each tree parent (its `platforms`, or its one `platform`) and each pinned upstream index (the
 * platforms images.lock records for it). Returns one problem per child, parent and missing platform, at the
 * Dockerfile line that names the parent. Pure.
 */
export function platformProblems(
  graph: ImageGraph,
  images: readonly PlatformsOfImage[],
  lockedPlatforms: (ref: string) => string[] | undefined = () => undefined,
): PinyardError[] {
  const byName = new Map(images.map((i) => [i.name, i]));
  const problems: PinyardError[] = [];
  for (const name of graph.order) {
    const wanted = byName.get(name)?.platforms;
    const node = graph.images.get(name);
    if (!wanted || !node) continue;
    const check = (what: string, has: string[] | undefined, site: EdgeSite | undefined, hint: string) => {
      const present = new Set(has?.map(normalizePlatform));
      const missing = has === undefined ? wanted : wanted.filter((p) => !present.has(normalizePlatform(p)));
      if (missing.length === 0) return;
      const lacks =
        has === undefined ? 'is built for one platform only (the engine’s)' : `has no ${missing.join(', ')}`;
      problems.push(
        new PinyardError(
          'PINYARD_MANIFEST_INVALID',
          `${name} is built for ${wanted.join(', ')}, but ${what} ${lacks}`,
          { hint, ...(site ? { position: { file: site.file, line: site.line, column: site.column } } : {}) },
        ),
      );
    };
    for (const parent of node.parents) {
      const config = byName.get(parent);
      const has = config?.platforms ?? (config?.platform ? [config.platform] : undefined);
      check(
        `its parent ${parent}`,
        has,
        node.parentSites[parent]?.[0],
        `give images.${parent} the platforms of its children (platforms: [${wanted.join(', ')}]), or drop the missing ones from images.${name}`,
      );
    }
    for (const upstream of node.upstream) {
      const has = lockedPlatforms(upstream.ref);
      if (has === undefined) continue; // not pinned yet, or a single manifest the lock knows no platform of
      check(
        upstream.ref,
        has,
        upstream.sites[0],
        `choose an upstream image that is published for ${wanted.join(', ')}, or drop the missing platforms from images.${name}`,
      );
    }
  }
  return problems;
}
