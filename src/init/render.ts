import { stringify } from 'yaml';
import type { Proposal, Remarked } from './types.js';

export interface RenderOptions {
  /** What the `# yaml-language-server: $schema=…` line points at. */
  schema: string;
  /** How many Dockerfiles were read, for the header. */
  dockerfiles: number;
}

/**
 * images.yml text for a proposal: flat and commented so that a person reviews it once and commits it. Tags
 * and arg values are always quoted (YAML reads `3.20` as a number, which the manifest refuses).
 */
export function renderProposal(proposal: Proposal, options: RenderOptions): string {
  const lines = [
    `# yaml-language-server: $schema=${options.schema}`,
    `# Written by \`pinyard init\` from ${options.dockerfiles} Dockerfile${options.dockerfiles === 1 ? '' : 's'}. "guessed" marks what it`,
    '# inferred from FROM lines and ARG defaults, "TODO" what it could not decide. Review, then run `pinyard plan`.',
    'version: 1',
    proposal.registry
      ? remarked('registry', proposal.registry, plain)
      : '# registry: registry.example.com/team  # TODO: where build --push pushes; without it images stay in the local engine',
    '',
    'images:',
  ];
  for (const image of proposal.images) {
    lines.push(withComment(`  ${plain(image.name)}:`, image.nameComment));
    lines.push(`    context: ${plain(image.context)}`);
    if (image.dockerfile) lines.push(`    dockerfile: ${plain(image.dockerfile)}`);
    const args = Object.entries(image.args);
    if (args.length > 0) {
      lines.push('    args:');
      for (const [name, arg] of args) lines.push(`      ${remarked(plain(name), arg, quoted)}`);
    }
    if (image.tags.length > 0) lines.push(`    tags: [${image.tags.map(quoted).join(', ')}]`);
  }
  return `${lines.join('\n')}\n`;
}

function remarked(key: string, item: Remarked<string>, format: (value: string) => string): string {
  return withComment(`${key}: ${format(item.value)}`, item.comment);
}

function withComment(line: string, comment: string | undefined): string {
  return comment ? `${line}  # ${comment.replace(/[\r\n]+/g, ' ')}` : line;
}

/** As YAML writes the string: plain when that reads back as the same string, quoted otherwise. */
function plain(value: string): string {
  return stringify(value, { lineWidth: 0 }).trimEnd();
}

function quoted(value: string): string {
  return JSON.stringify(value);
}
