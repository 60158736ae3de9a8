import { existsSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandContext } from '../../cli/io.js';
import { ExitCode, PinyardError } from '../../errors.js';
import { proposalGraph, proposeImages, renderProposal } from '../../init/index.js';
import { type InitOutcome, renderInit, renderInitJson } from '../../report/init/render.js';
import { findDockerfiles } from './find-dockerfiles.js';

export interface InitOptions {
  force?: boolean;
  dryRun?: boolean;
}

const MANIFEST = 'images.yml';

/**
 * `pinyard init [DIR]`: finds the Dockerfiles under DIR, proposes images.yml (init/proposeImages), writes
 * it to DIR/images.yml unless one exists (--force) or --dry-run, and shows the plan it gives.
 */
export async function initCommand(
  ctx: CommandContext,
  dir: string | undefined,
  options: InitOptions,
): Promise<number> {
  const root = path.resolve(ctx.cwd, dir ?? '.');
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new PinyardError('PINYARD_USAGE', `${dir ?? '.'} is not a directory`, {
      hint: 'give the directory that holds your Dockerfiles: pinyard init path/to/repository',
    });
  }
  const target = path.join(root, MANIFEST);
  const display = path.relative(ctx.cwd, target) || MANIFEST;
  if (!options.dryRun && !options.force && existsSync(target)) {
    throw new PinyardError('PINYARD_USAGE', `${display} exists already; init changed nothing`, {
      hint: 'pass --force to replace it, or --dry-run to see what init would write',
    });
  }
  const sources = findDockerfiles(root);
  if (sources.length === 0) {
    throw new PinyardError('PINYARD_USAGE', `no Dockerfile under ${dir ?? '.'}`, {
      hint: 'init looks for Dockerfile, Dockerfile.* and *.Dockerfile, outside .gitignore, .dockerignore and node_modules',
    });
  }
  const proposal = proposeImages(sources, { rootName: path.basename(root) });
  const text = renderProposal(proposal, { schema: schemaReference(root), dockerfiles: sources.length });
  if (!options.dryRun) await writeFile(target, text);
  const outcome: InitOutcome = {
    file: display,
    written: !options.dryRun,
    text,
    graph: proposalGraph(proposal, sources),
    undecided: proposal.undecided,
  };
  ctx.stdout.write(ctx.json ? renderInitJson(outcome) : renderInit(outcome));
  return ExitCode.ok;
}

/**
 * The JSON Schema this pinyard ships (`schema/images.schema.json` of its package), relative to the new
 * images.yml: `./node_modules/pinyard/schema/images.schema.json` where pinyard is a dev dependency.
 */
function schemaReference(root: string): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'schema', 'images.schema.json');
    if (existsSync(candidate)) {
      const relative = path.relative(root, candidate).split(path.sep).join('/');
      return relative.startsWith('.') ? relative : `./${relative}`;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return 'images.schema.json';
    dir = parent;
  }
}
