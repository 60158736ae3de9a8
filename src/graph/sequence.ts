import { StringHeap } from './string-heap.js';
import type { CycleResult } from './types.js';

/**
 * Orders nodes so that each comes after all its parents (Kahn's algorithm); among the nodes that are
 * ready at the same time the smallest name goes first, so the order depends only on the graph.
 * Parents that are not themselves keys of `nodes` are ignored. On a cycle, returns one cycle as a path
 * from a node through its parents back to itself, starting at its smallest name: ['app', 'cli', 'app'].
 */
export function sequence(nodes: ReadonlyMap<string, readonly string[]>): CycleResult {
  const children = new Map<string, string[]>();
  const waitingOn = new Map<string, number>();
  for (const [node, parents] of nodes) {
    let count = 0;
    for (const parent of parents) {
      if (!nodes.has(parent)) continue;
      const list = children.get(parent);
      if (list === undefined) children.set(parent, [node]);
      else if (list[list.length - 1] === node)
        continue; // the same parent listed twice
      else list.push(node);
      count++;
    }
    waitingOn.set(node, count);
  }

  const ready = new StringHeap();
  for (const [node, count] of waitingOn) if (count === 0) ready.push(node);
  const order: string[] = [];
  for (let node = ready.pop(); node !== undefined; node = ready.pop()) {
    order.push(node);
    for (const child of children.get(node) ?? []) {
      const left = waitingOn.get(child)! - 1;
      waitingOn.set(child, left);
      if (left === 0) ready.push(child);
    }
  }

  if (order.length === nodes.size) return { ok: true, order };
  const done = new Set(order);
  return { ok: false, cycle: findCycle(nodes, (n) => !done.has(n)) };
}

/**
 * Every node Kahn could not order still waits on a parent that could not be ordered either, so walking
 * from one such node to such a parent must come back to a node already on the path.
 */
function findCycle(
  nodes: ReadonlyMap<string, readonly string[]>,
  stuck: (node: string) => boolean,
): string[] {
  let current = smallest([...nodes.keys()].filter(stuck));
  const path: string[] = [];
  const seenAt = new Map<string, number>();
  while (!seenAt.has(current)) {
    seenAt.set(current, path.length);
    path.push(current);
    current = smallest(nodes.get(current)!.filter((p) => nodes.has(p) && stuck(p)));
  }
  const loop = path.slice(seenAt.get(current));
  const first = loop.indexOf(smallest(loop));
  const rotated = [...loop.slice(first), ...loop.slice(0, first)];
  return [...rotated, rotated[0]!];
}

function smallest(names: string[]): string {
  let min = names[0]!;
  for (const name of names) if (name < min) min = name;
  return min;
}
