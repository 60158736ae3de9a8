import type { CommandContext } from '../cli/io.js';
import { ExitCode, PinyardError } from '../errors.js';
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
  /** `--by-platform` with `--format github-matrix`: a job per platform for multi-platform images. */
  byPlatform?: boolean;
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
  const platforms = new Map(
    project.manifest.images.flatMap((i) => (i.platforms ? [[i.name, i.platforms]] : [])),
  );
  const format = ctx.json ? 'json' : options.format;
  if (options.byPlatform && format !== 'github-matrix') {
    throw new PinyardError('PINYARD_USAGE', '--by-platform splits the jobs of --format github-matrix', {
      hint: 'add --format github-matrix',
    });
  }
  ctx.stdout.write(
    format === 'tree' || format === 'json'
      ? renderers[format](graph, platforms)
      : format === 'github-matrix'
        ? renderGithubMatrix(graph, options.byPlatform ? platforms : undefined)
        : renderers[format](graph),
  );
  return ExitCode.ok;
}
