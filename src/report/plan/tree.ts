import type { ImageGraph } from '../../graph/index.js';
import type { PlatformsByImage } from './json.js';
import { placeImages } from './placement.js';

/** The human view of `plan`: upstream refs at the roots, each image under the parent it is built FROM. */
export function renderTree(graph: ImageGraph, platforms: PlatformsByImage = new Map()): string {
  const { roots, children, others } = placeImages(graph);
  const lines: string[] = [];
  const walk = (name: string, prefix: string) => {
    const kids = children.get(name) ?? [];
    kids.forEach((child, i) => {
      const last = i === kids.length - 1;
      const also = others.get(child);
      const list = platforms.get(child);
      const on = list ? `  [${list.join(', ')}]` : '';
      lines.push(
        `${prefix}${last ? '└── ' : '├── '}${child}${on}${also ? `  (also ${also.join(', ')})` : ''}`,
      );
      walk(child, `${prefix}${last ? '    ' : '│   '}`);
    });
  };
  for (const root of roots) {
    lines.push(root === '' ? 'scratch' : root);
    walk(root, '');
  }
  const upstreamCount = new Set([...graph.images.values()].flatMap((i) => i.upstream.map((u) => u.ref))).size;
  lines.push(
    '',
    `${graph.order.length} images, ${upstreamCount} upstream refs; build order: ${graph.order.join(', ')}`,
  );
  return `${lines.join('\n')}\n`;
}
