import type { ParsedDockerfile } from '../../dockerfile/index.js';

/**
 * The image text the built stage finally stands on: the target stage (or the last one), following
 * `FROM <earlier stage>` back to an image. Undefined for scratch. This is what the OCI
 * `base.name`/`base.digest` labels describe.
 */
export function finalBaseText(parsed: ParsedDockerfile, target?: string): string | undefined {
  const stages = parsed.stages;
  let stage = target ? stages.find((s) => s.stageName === target.toLowerCase()) : stages[stages.length - 1];
  const seen = new Set<number>();
  while (stage && stage.kind === 'stage' && !seen.has(stage.stageIndex)) {
    seen.add(stage.stageIndex);
    const name = stage.image.resolved.toLowerCase();
    const earlier = stages.slice(0, stage.stageIndex);
    stage = earlier.find((s) => s.stageName === name);
  }
  return stage?.kind === 'image' ? stage.image.resolved : undefined;
}
