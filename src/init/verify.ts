import { parseDockerfile } from '../dockerfile/index.js';
import { isPinyardError, type PinyardError } from '../errors.js';
import { buildImageGraph, type ImageGraph } from '../graph/index.js';
import type { DockerfileSource, Proposal } from './types.js';

export type ProposalGraph = { ok: true; graph: ImageGraph } | { ok: false; problem: PinyardError };

/**
 * The graph `pinyard plan` will draw from the proposal: the same parser and the same graph with the
 * proposal's args, names and registry, so init shows what the file it writes means, or why plan will refuse it.
 */
export function proposalGraph(proposal: Proposal, sources: DockerfileSource[]): ProposalGraph {
  const byPath = new Map(sources.map((s) => [`${s.dir}/${s.file}`, s]));
  try {
    const inputs = proposal.images.map((image) => {
      const source = byPath.get(`${image.context}/${image.dockerfile ?? 'Dockerfile'}`)!;
      const args = Object.fromEntries(Object.entries(image.args).map(([k, v]) => [k, v.value]));
      const file = source.dir === '.' ? source.file : `${source.dir}/${source.file}`;
      return {
        name: image.name,
        tags: image.tags,
        dockerfile: parseDockerfile(source.text, { file, args, image: image.name }),
      };
    });
    const registry = proposal.registry?.value;
    return { ok: true, graph: buildImageGraph(inputs, registry ? { registry } : {}) };
  } catch (error) {
    if (isPinyardError(error)) return { ok: false, problem: error };
    throw error;
  }
}
