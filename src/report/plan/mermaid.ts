import type { ImageGraph } from '../../graph/index.js';
import { graphEdges } from './edges.js';

export interface MermaidOptions {
  /** Classes for images, by class name: its Mermaid style and the images that have it (a build's statuses). */
  classes?: Record<string, { style: string; images: string[] }>;
}

/** A Mermaid flowchart (GitHub renders it in Markdown and job summaries): upstream refs as rounded nodes. */
export function renderMermaid(graph: ImageGraph, options: MermaidOptions = {}): string {
  const { upstream, edges } = graphEdges(graph);
  const ids = new Map<string, string>();
  const id = (name: string) => {
    let value = ids.get(name);
    if (!value) {
      value = `${upstream.includes(name) ? 'u' : 'i'}${ids.size}`;
      ids.set(name, value);
    }
    return value;
  };
  const lines = ['flowchart TD'];
  for (const ref of upstream) lines.push(`  ${id(ref)}(["${quoteLabel(ref)}"])`);
  for (const name of graph.order) lines.push(`  ${id(name)}["${quoteLabel(name)}"]`);
  for (const e of edges) lines.push(`  ${id(e.from)} ${e.copy ? '-.->' : '-->'} ${id(e.to)}`);
  lines.push('  classDef upstream fill:#eef,stroke:#88a');
  if (upstream.length) lines.push(`  class ${upstream.map(id).join(',')} upstream`);
  for (const [name, { style, images }] of Object.entries(options.classes ?? {})) {
    const members = images.filter((image) => graph.images.has(image));
    if (members.length)
      lines.push(`  classDef ${name} ${style}`, `  class ${members.map(id).join(',')} ${name}`);
  }
  return `${lines.join('\n')}\n`;
}

// Mermaid labels are in double quotes; a quote inside is written as an entity.
function quoteLabel(label: string): string {
  return label.replace(/"/g, '#quot;');
}
