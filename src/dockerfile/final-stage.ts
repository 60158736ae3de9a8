import type { FromInstruction, ParsedDockerfile } from './types.js';

/**
 * The stage whose image a build stands on: the target stage (or the last one), followed through
 * `FROM <earlier stage>` back to a stage built FROM an image or scratch. This is the chain docker builds the
 * image on; COPY --from and mount sources are inputs beside it. Undefined when the target does not exist.
 */
export function finalBaseStage(parsed: ParsedDockerfile, target?: string): FromInstruction | undefined {
  const stages = parsed.stages;
  let stage = target ? stages.find((s) => s.stageName === target.toLowerCase()) : stages.at(-1);
  const seen = new Set<number>();
  while (stage && stage.kind === 'stage' && !seen.has(stage.stageIndex)) {
    seen.add(stage.stageIndex);
    const name = stage.image.resolved.toLowerCase();
    stage = stages.slice(0, stage.stageIndex).find((s) => s.stageName === name);
  }
  return stage;
}
