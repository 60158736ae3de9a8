import { EVENT_ID, type Event, getScalarValue, SCALAR_STYLE, type ScalarEvent } from 'js-yaml';
import type { SourcePosition } from '../errors.js';
import type { Path } from './yaml-positions.js';

/** A node of the document as far as positions go: where it starts and what it holds. */
type PositionNode =
  | { kind: 'scalar'; start: number; event: ScalarEvent }
  | { kind: 'alias'; start: number; anchor: string }
  | { kind: 'seq'; start: number; items: PositionNode[] }
  | { kind: 'map'; start: number; pairs: Array<[PositionNode, PositionNode]>; keys?: Map<string, number> };

/**
 * Source positions of a document js-yaml has parsed, from the same event stream it constructs the data
 * from: a valid file's problems (and a big file's) are located without parsing it a second time with `yaml`.
 * Same answers as positionOf: `key: true` points at a map key, a missing path at the deepest node found,
 * aliases lead to their anchor and merge keys (`<<`) to the merged map.
 */
export function eventLocator(
  text: string,
  events: readonly Event[],
  file: string,
): (path: Path, options?: { key?: boolean }) => SourcePosition {
  const anchors = new Map<string, PositionNode>();
  const root = buildTree(text, events, anchors);
  const lines = lineStarts(text);
  const keyOf = (node: PositionNode) =>
    node.kind === 'scalar' ? getScalarValue(text, node.event) : undefined;
  const resolve = (node: PositionNode | undefined) =>
    node?.kind === 'alias' ? (anchors.get(node.anchor) ?? node) : node;

  const findPair = (
    map: PositionNode & { kind: 'map' },
    key: string,
    depth: number,
  ): [PositionNode, PositionNode] | undefined => {
    if (!map.keys) {
      map.keys = new Map();
      map.pairs.forEach(([k], i) => {
        const name = keyOf(k);
        if (name !== undefined && !map.keys!.has(name)) map.keys!.set(name, i);
      });
    }
    const own = map.keys.get(key);
    if (own !== undefined && key !== '<<') return map.pairs[own];
    if (depth > 20) return undefined;
    for (const [k, value] of map.pairs) {
      if (keyOf(k) !== '<<') continue;
      const target = resolve(value);
      const sources = target?.kind === 'seq' ? target.items.map(resolve) : [target];
      for (const source of sources) {
        if (source?.kind !== 'map') continue;
        const found = findPair(source, key, depth + 1);
        if (found) return found;
      }
    }
    return undefined;
  };

  return (path, options = {}) => {
    let node = root;
    let offset = node?.start ?? 0;
    for (const [i, segment] of path.entries()) {
      node = resolve(node);
      if (node?.kind === 'map') {
        const pair = findPair(node, String(segment), 0);
        if (!pair) break;
        if (i === path.length - 1 && options.key) {
          offset = pair[0].start;
          break;
        }
        node = pair[1];
        offset = node.start;
      } else if (node?.kind === 'seq' && typeof segment === 'number' && node.items[segment]) {
        node = node.items[segment];
        offset = node.start;
      } else break;
    }
    return { file, ...positionAt(lines, offset) };
  };
}

/**
 * The alias that expands the document beyond `limit` values, if one does (an alias bomb): the data shares
 * aliased values, but whatever walks it would visit every copy.
 */
export function eventAliasBomb(
  text: string,
  events: readonly Event[],
  limit: number,
): { anchor: string; offset: number; size: number } | undefined {
  if (!events.some((e) => e.type === EVENT_ID.ALIAS)) return undefined;
  const anchors = new Map<string, PositionNode>();
  const root = buildTree(text, events, anchors);
  const sizes = new Map<PositionNode, number>();
  const aliases: Array<PositionNode & { kind: 'alias' }> = [];
  const sizeOf = (node: PositionNode | undefined): number => {
    if (!node) return 0;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    sizes.set(node, 1); // a cycle counts once instead of looping
    let size = 1;
    if (node.kind === 'alias') {
      aliases.push(node);
      size = sizeOf(anchors.get(node.anchor));
    } else if (node.kind === 'seq') {
      for (const item of node.items) size += sizeOf(item);
    } else if (node.kind === 'map') {
      for (const [key, value] of node.pairs) size += sizeOf(key) + sizeOf(value);
    }
    sizes.set(node, Math.min(size, Number.MAX_SAFE_INTEGER));
    return size;
  };
  if (sizeOf(root) <= limit) return undefined;
  const worst = aliases.reduce((a, b) => (sizeOf(b) > sizeOf(a) ? b : a));
  return { anchor: worst.anchor, offset: worst.start, size: sizeOf(worst) };
}

function buildTree(
  text: string,
  events: readonly Event[],
  anchors: Map<string, PositionNode>,
): PositionNode | undefined {
  let root: PositionNode | undefined;
  const stack: PositionNode[] = [];
  // A map collects key, value, key, value…: a pending key waits here for its value.
  const pendingKeys: Array<PositionNode | undefined> = [];
  const add = (node: PositionNode) => {
    const parent = stack.at(-1);
    if (!parent) root ??= node;
    else if (parent.kind === 'seq') parent.items.push(node);
    else if (parent.kind === 'map') {
      const key = pendingKeys.at(-1);
      if (key === undefined) pendingKeys[pendingKeys.length - 1] = node;
      else {
        parent.pairs.push([key, node]);
        pendingKeys[pendingKeys.length - 1] = undefined;
      }
    }
  };
  const anchored = (event: { anchorStart: number; anchorEnd: number }, node: PositionNode) => {
    if (event.anchorStart >= 0) anchors.set(text.slice(event.anchorStart, event.anchorEnd), node);
  };
  for (const event of events) {
    switch (event.type) {
      case EVENT_ID.MAPPING:
      case EVENT_ID.SEQUENCE: {
        const node: PositionNode =
          event.type === EVENT_ID.MAPPING
            ? { kind: 'map', start: event.start, pairs: [] }
            : { kind: 'seq', start: event.start, items: [] };
        anchored(event, node);
        add(node);
        stack.push(node);
        pendingKeys.push(undefined);
        break;
      }
      case EVENT_ID.SCALAR: {
        // A quoted scalar's range starts inside its quotes; the user's eye (and `yaml`) starts at the quote.
        const quoted =
          event.style === SCALAR_STYLE.SINGLE_QUOTED || event.style === SCALAR_STYLE.DOUBLE_QUOTED;
        const block = event.style === SCALAR_STYLE.LITERAL_BLOCK || event.style === SCALAR_STYLE.FOLDED_BLOCK;
        const start = block ? blockHeader(text, event.valueStart) : event.valueStart - (quoted ? 1 : 0);
        const node: PositionNode = { kind: 'scalar', start, event };
        anchored(event, node);
        add(node);
        break;
      }
      case EVENT_ID.ALIAS:
        add({
          kind: 'alias',
          start: event.anchorStart - 1,
          anchor: text.slice(event.anchorStart, event.anchorEnd),
        });
        break;
      case EVENT_ID.POP:
        if (stack.length) {
          stack.pop();
          pendingKeys.pop();
        }
        break;
    }
  }
  return root;
}

/** A block scalar's range starts at its content; `yaml` (and the eye) start at its `|` or `>` indicator. */
function blockHeader(text: string, contentStart: number): number {
  const lineStart = text.lastIndexOf('\n', contentStart - 1) + 1;
  const headerStart = text.lastIndexOf('\n', lineStart - 2) + 1;
  const header = /[|>][-+0-9]*[ \t]*(?:#.*)?$/.exec(
    text.slice(headerStart, Math.max(headerStart, lineStart - 1)),
  );
  return header ? headerStart + header.index : contentStart;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function positionAt(starts: number[], offset: number): { line: number; column: number } {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid]! <= offset) low = mid;
    else high = mid - 1;
  }
  return { line: low + 1, column: offset - starts[low]! + 1 };
}
