import { DockerfileParser } from 'dockerfile-ast';

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
 * The number of a failed image's step as the build report gives it: `step 5/7 RUN make`, or as the
 * engine printed it, `Step 5/7 : RUN make`. Steps past the Dockerfile's own instructions (the LABELs the
 * builder appends for build labels) have no line.
 */
export function stepNumber(step: string | undefined): number | undefined {
  const match = step?.match(/^step (\d+)\/\d+/i);
  return match ? Number(match[1]) : undefined;
}
