import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { parseBuildKitStep } from '../../dockerfile/buildkit-step.js';

/**
 * Where step N of a classic-builder build is in its Dockerfile. The builder numbers every instruction
 * in file order (the ARGs before the first FROM, then each stage's FROM and its instructions; moby
 * `builder/dockerfile/builder.go`), so step N is the Nth instruction. pinyard's pinning rewrites image
 * references in place, so the file the user wrote has the same instructions on the same lines.
 */
export function stepPosition(
  dockerfileText: string,
  step: number,
): { line: number; column: number } | undefined {
  const instruction = DockerfileParser.parse(dockerfileText).getInstructions()[step - 1];
  if (!instruction) return undefined;
  const { start } = instruction.getRange();
  return { line: start.line + 1, column: start.character + 1 };
}

/**
 * Where BuildKit's step `[stage n/total]` is. BuildKit numbers the steps of each stage on their own
 * (moby/buildkit dockerfile2llb `prefixCommand`): the stage's FROM is step 1 when it pulls an image (not
 * `scratch`, not an earlier stage), then every ADD, COPY, RUN and WORKDIR; other instructions have no
 * number. A stage is named by its `AS` name, `stage-<index>` without one, and '' when there is only one.
 */
export function buildKitStepPosition(
  dockerfileText: string,
  stage: string,
  step: number,
): { line: number; column: number } | undefined {
  const stages: Instruction[][] = [];
  for (const instruction of DockerfileParser.parse(dockerfileText).getInstructions()) {
    if (instruction.getKeyword() === 'FROM') stages.push([]);
    stages.at(-1)?.push(instruction);
  }
  const names = stages.map((s, i) => stageName(s[0]!) ?? `stage-${i}`);
  const index = stage === '' && stages.length === 1 ? 0 : names.indexOf(stage.toLowerCase());
  const instructions = stages[index];
  if (!instructions) return undefined;
  let counted = 0;
  for (const instruction of instructions) {
    if (!countsAsStep(instruction, names.slice(0, index))) continue;
    if (++counted === step) {
      const { start } = instruction.getRange();
      return { line: start.line + 1, column: start.character + 1 };
    }
  }
  return undefined;
}

function stageName(from: Instruction): string | undefined {
  const args = from.getArguments().map((a) => a.getValue());
  const as = args.findIndex((a) => a.toLowerCase() === 'as');
  return as >= 0 ? args[as + 1]?.toLowerCase() : undefined;
}

function countsAsStep(instruction: Instruction, earlierStages: string[]): boolean {
  const keyword = instruction.getKeyword();
  if (keyword !== 'FROM') return ['ADD', 'COPY', 'RUN', 'WORKDIR'].includes(keyword);
  const base = instruction
    .getArguments()
    .map((a) => a.getValue())
    .find((a) => !a.startsWith('--'))
    ?.toLowerCase();
  return base !== undefined && base !== 'scratch' && !earlierStages.includes(base);
}

/**
 * The number of a failed image's step as the build report gives it: `step 5/7 RUN make`, or as the
 * engine printed it, `Step 5/7 : RUN make`. Steps past the Dockerfile's own instructions (the LABELs the
 * builder appends for build labels) have no line.
 */
export function stepNumber(step: string | undefined): number | undefined {
  const match = step?.match(/^step (\d+)\/\d+/i);
  return match ? Number(match[1]) : undefined;
}

/** The Dockerfile position of a failed step as the report names it, classic (`step 5/7 …`) or BuildKit's. */
export function failedStepPosition(
  dockerfileText: string,
  step: string | undefined,
): { line: number; column: number } | undefined {
  const buildKit = parseBuildKitStep(step);
  if (buildKit) return buildKitStepPosition(dockerfileText, buildKit.stage, buildKit.number);
  const number = stepNumber(step);
  return number === undefined ? undefined : stepPosition(dockerfileText, number);
}
