/** A Dockerfile step as BuildKit names it. */
export interface BuildKitStep {
  /** The stage's `AS` name, `stage-<index>` without one, '' in a Dockerfile of one stage. */
  stage: string;
  /** 1-based within the stage. */
  number: number;
  total: number;
  instruction: string;
  /** Printed `CACHED [...]`: BuildKit reused it. */
  cached: boolean;
}

/**
 * `[build 2/5] RUN make`, `[2/3] COPY . /src`, `CACHED [build 1/5] FROM …`: a Dockerfile step as BuildKit
 * names its vertex and as pinyard's reports repeat it (moby/buildkit dockerfile2llb `prefixCommand`: the stage
 * name only in a Dockerfile of several stages, the number right-aligned to the total's width, a platform first
 * when one build makes several). Anything else (`[internal] load …`, `exporting to image`) is no step. Pure.
 */
const stepName =
  /^(?<cached>CACHED )?\[(?:[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)? )?(?:(?<stage>\S+) )?\s*(?<n>\d+)\/(?<total>\d+)\] (?<instruction>.*)$/s;

export function parseBuildKitStep(name: string | undefined): BuildKitStep | undefined {
  const groups = name === undefined ? undefined : stepName.exec(name)?.groups;
  if (!groups) return undefined;
  return {
    stage: groups.stage ?? '',
    number: Number(groups.n),
    total: Number(groups.total),
    instruction: groups.instruction!,
    cached: groups.cached !== undefined,
  };
}
