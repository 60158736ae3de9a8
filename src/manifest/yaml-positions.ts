import { type Document, isMap, isPair, isScalar, isSeq, type LineCounter, type Node } from 'yaml';
import type { SourcePosition } from '../errors.js';

export type Path = ReadonlyArray<string | number>;

/**
 * Where a path of the parsed document stands in the file. With `key: true` it points at the map key
 * (for unknown keys); a path that does not exist points at the deepest node that does (a missing
 * required key is reported on the map that lacks it).
 */
export function positionOf(
  doc: Document,
  lineCounter: LineCounter,
  file: string,
  path: Path,
  options: { key?: boolean } = {},
): SourcePosition {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (const [i, segment] of path.entries()) {
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment),
      );
      if (!pair) break;
      if (last && options.key) {
        offset = rangeStart(pair.key) ?? offset;
        break;
      }
      node = pair.value;
      offset = rangeStart(node) ?? rangeStart(pair.key) ?? offset;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
      offset = rangeStart(node) ?? offset;
    } else {
      break;
    }
  }
  return toPosition(lineCounter, file, offset);
}

export function toPosition(lineCounter: LineCounter, file: string, offset: number): SourcePosition {
  const { line, col } = lineCounter.linePos(offset);
  return { file, line, column: col };
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | undefined)?.range?.[0];
}

/** `images.app.context`, `images.app.tags[0]`: the path as a user would write it. */
export function formatPath(path: Path): string {
  return path.reduce<string>((out, segment) => {
    if (typeof segment === 'number') return `${out}[${segment}]`;
    const key = /^[A-Za-z_$][\w$-]*$/.test(segment) ? segment : JSON.stringify(segment);
    return out ? `${out}.${key}` : key;
  }, '');
}
