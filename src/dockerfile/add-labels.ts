import type { ParsedDockerfile } from './types.js';

/**
 * The Dockerfile with one `LABEL` instruction carrying every label, at the end of the stage that is built
 * (the target, or the last). The classic builder turns each label passed through the API into a step of
 * its own (a container create and commit each); one instruction is one step. Lines before the insertion
 * keep their numbers, so errors of the built stage still point at the user's lines.
 */
export function addLabels(
  text: string,
  parsed: ParsedDockerfile,
  labels: Record<string, string>,
  target?: string,
): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return text;
  const instruction = `LABEL ${entries.map(([key, value]) => `${quote(key)}=${quote(value)}`).join(' \\\n      ')}\n`;
  const index = target ? parsed.stages.findIndex((s) => s.stageName === target.toLowerCase()) : -1;
  const next = index >= 0 ? parsed.stages[index + 1] : undefined;
  if (!next) return `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${instruction}`;
  const lines = text.split('\n');
  return [...lines.slice(0, next.line - 1), instruction.trimEnd(), ...lines.slice(next.line - 1)].join('\n');
}

/** A double-quoted LABEL word: `\`, `"` and `$` (LABEL expands variables) escaped, line breaks folded. */
function quote(word: string): string {
  return `"${word.replace(/[\\"$]/g, '\\$&').replace(/\r?\n/g, ' ')}"`;
}
