import { PinyardError } from '../errors.js';
import { closeMatches } from './did-you-mean.js';
import type { ImageGraph } from './types.js';

/** The named images and all their ancestors, in the same build order as in the whole graph. */
export function selectImages(graph: ImageGraph, only: string[]): ImageGraph {
  assertKnown(graph, only);
  const keep = new Set<string>();
  const queue = [...only];
  for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
    if (keep.has(name)) continue;
    keep.add(name);
    queue.push(...graph.images.get(name)!.parents);
  }
  return {
    images: new Map([...graph.images].filter(([name]) => keep.has(name))),
    order: graph.order.filter((name) => keep.has(name)),
  };
}

/**
 * Every image built, directly or not, from one of `names`, in build order. A name is in the result only
 * if it descends from another of the names.
 */
export function descendants(graph: ImageGraph, names: string[]): string[] {
  assertKnown(graph, names);
  const children = new Map<string, string[]>();
  for (const image of graph.images.values()) {
    for (const parent of image.parents) {
      const list = children.get(parent);
      if (list) list.push(image.name);
      else children.set(parent, [image.name]);
    }
  }
  const reached = new Set<string>();
  const queue = names.flatMap((n) => children.get(n) ?? []);
  for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
    if (reached.has(name)) continue;
    reached.add(name);
    queue.push(...(children.get(name) ?? []));
  }
  return graph.order.filter((name) => reached.has(name));
}

/** 0 for an image without manifest parents, else one more than its deepest parent. */
export function depths(graph: ImageGraph): Map<string, number> {
  const depth = new Map<string, number>();
  for (const name of graph.order) {
    const parents = graph.images.get(name)!.parents;
    depth.set(
      name,
      parents.reduce((max, p) => Math.max(max, (depth.get(p) ?? -1) + 1), 0),
    );
  }
  return depth;
}

const LISTED_NAMES = 20;

function assertKnown(graph: ImageGraph, names: string[]): void {
  const unknown = [...new Set(names.filter((n) => !graph.images.has(n)))];
  if (unknown.length === 0) return;
  const known = [...graph.images.keys()];
  const described = unknown.map((name) => {
    const [suggestion] = closeMatches(name, known);
    return suggestion ? `"${name}" (did you mean "${suggestion}"?)` : `"${name}"`;
  });
  const listed = known.slice(0, LISTED_NAMES).join(', ');
  const more = known.length > LISTED_NAMES ? `, … and ${known.length - LISTED_NAMES} more` : '';
  throw new PinyardError(
    'PINYARD_UNKNOWN_IMAGE',
    `unknown image${unknown.length > 1 ? 's' : ''} ${described.join(', ')}`,
    { hint: known.length ? `images in images.yml: ${listed}${more}` : 'images.yml defines no images' },
  );
}
