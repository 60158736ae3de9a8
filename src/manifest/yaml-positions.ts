import {
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type LineCounter,
  type Node,
  type Pair,
  type YAMLMap,
} from 'yaml';
import type { SourcePosition } from '../errors.js';

export type Path = ReadonlyArray<string | number>;

/**
 * Where a path of the parsed document stands in the file. With `key: true` it points at the map key
 * (for unknown keys); a path that does not exist points at the deepest node that does (a missing
 * required key is reported on the map that lacks it). Aliases are followed to their anchor, and a key a
 * map has through a merge (`<<: *defaults`) is found where the merged map holds it.
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
    if (isAlias(node)) node = node.resolve(doc) ?? node;
    if (isMap(node)) {
      const pair = findPair(doc, node, String(segment), 0);
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

/** The pair of `key` in `map`, or in the maps it merges (its own keys first, then each merge in order). */
function findPair(doc: Document, map: YAMLMap, key: string, depth: number): Pair | undefined {
  const own = map.items.find(
    (p) => isPair(p) && isScalar(p.key) && typeof p.key.value !== 'symbol' && String(p.key.value) === key,
  );
  if (own || depth > 20) return own;
  for (const merge of map.items) {
    if (!isPair(merge) || !isMergeKey(merge.key)) continue;
    const sources = isSeq(merge.value) ? merge.value.items : [merge.value];
    for (const source of sources) {
      const target = isAlias(source) ? source.resolve(doc) : source;
      if (!isMap(target)) continue;
      const found = findPair(doc, target, key, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

/** `<<`: with `merge: true`, `yaml` keeps a merge key's value as a symbol described '<<'. */
function isMergeKey(key: unknown): boolean {
  if (!isScalar(key)) return false;
  const value = key.value;
  return value === '<<' || (typeof value === 'symbol' && value.description === '<<');
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
