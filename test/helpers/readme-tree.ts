import { fileURLToPath } from 'node:url';
import { runCli } from './run-cli.js';

const start = '<!-- example-tree:start -->';
const end = '<!-- example-tree:end -->';
const repo = fileURLToPath(new URL('../..', import.meta.url));

/** The README's picture of the example tree: `pinyard plan --format mermaid` on the repository's images.yml. */
export async function exampleTreeBlock(): Promise<string> {
  const { code, stdout, stderr } = await runCli(['plan', '--format', 'mermaid'], repo);
  if (code !== 0) throw new Error(`pinyard plan failed on the example tree: ${stderr}`);
  return `\`\`\`mermaid\n${stdout}\`\`\``;
}

export function replaceExampleTree(readme: string, block: string): string {
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from === -1 || to === -1) throw new Error(`README.md lacks the ${start} … ${end} markers`);
  return `${readme.slice(0, from + start.length)}\n${block}\n${readme.slice(to)}`;
}
