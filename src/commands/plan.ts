import type { CommandContext } from '../cli/io.js';
import { ExitCode } from '../errors.js';
import { selectImages } from '../graph/index.js';
import {
  renderDot,
  renderGithubMatrix,
  renderJson,
  renderMermaid,
  renderTree,
} from '../report/plan/index.js';
import { loadCommandProject } from './command-project.js';

export interface PlanOptions {
  format: 'tree' | 'json' | 'mermaid' | 'dot' | 'github-matrix';
  only?: string[];
}

const renderers = {
  tree: renderTree,
  json: renderJson,
  mermaid: renderMermaid,
  dot: renderDot,
  'github-matrix': renderGithubMatrix,
};

export async function planCommand(ctx: CommandContext, options: PlanOptions): Promise<number> {
  const project = await loadCommandProject(ctx);
  const graph = options.only?.length ? selectImages(project.graph, options.only) : project.graph;
  // --json is the global switch for machine output; it means the json format here.
  ctx.stdout.write(renderers[ctx.json ? 'json' : options.format](graph));
  return ExitCode.ok;
}
