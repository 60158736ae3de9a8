import type { ImageGraph } from '../../graph/index.js';
import { graphEdges } from './edges.js';

/** Graphviz DOT: `pinyard plan --format dot | dot -Tsvg > tree.svg`. */
export function renderDot(graph: ImageGraph): string {
  const { upstream, edges } = graphEdges(graph);
  const q = (s: string) => JSON.stringify(s);
  const lines = ['digraph pinyard {', '  rankdir=TB;', '  node [shape=box];'];
  for (const ref of upstream) lines.push(`  ${q(ref)} [shape=ellipse, style=filled, fillcolor="#eeeeff"];`);
  for (const name of graph.order) lines.push(`  ${q(name)};`);
  for (const e of edges) lines.push(`  ${q(e.from)} -> ${q(e.to)}${e.copy ? ' [style=dashed]' : ''};`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
