import type { ImageConfig } from '../../manifest/index.js';
import type { ImageTaskContext } from './image-task.js';

/**
 * Where an image's earlier build is in the registry, for BuildKit to reuse its layers (inline cache): its
 * first human tag, which points at the last build of a run that succeeded. A CI runner starts with an empty
 * engine, and without this it would rebuild every step. It changes how fast, never what is built.
 */
export function registryCache(image: ImageConfig, repository: string, ctx: ImageTaskContext): string[] {
  if (!ctx.pushing || ctx.noCache || image.tags.length === 0) return [];
  return [`${repository}:${image.tags[0]}`];
}
