/**
 * What `build` tells its reporters. The core emits these typed events and knows nothing of terminals,
 * JSON or GitHub; a reporter is an object of optional hooks, one per event kind.
 */

/** `planned`: `build --dry-run` found no content tag for it, so a build would build it. */
export type ImageStatus = 'built' | 'skipped' | 'planned' | 'failed' | 'blocked';

/** One entry of the JSON report (DESIGN.md "Reports"). */
export interface ImageReport {
  name: string;
  status: ImageStatus;
  /** Manifest digest in the registry (pushed or reused), or the local image ID without a registry. */
  digest?: string;
  /** A multi-platform image: `digest` is its index, and this each platform build's manifest digest. */
  platforms?: Record<string, string>;
  /** Every tag the image has now: the content tag and, when the run succeeded, the human tags. */
  tags: string[];
  /** Input hash (sha256:…) the content tag is derived from. */
  hash?: string;
  parents: string[];
  durationMs: number;
  /** The engine it was built on: its docker context name, or its address (not set for a skipped image). */
  engine?: string;
  /** The builder that engine built it with: `buildkit` or `classic`. */
  builder?: 'buildkit' | 'classic';
  /** Why it failed or which failed ancestor blocked it. */
  error?: {
    code: string;
    message: string;
    /** Where in the user's files, when the engine could tell (a Dockerfile line its parser refused). */
    position?: { file: string; line: number; column: number };
    /** What to do about it. */
    hint?: string;
    step?: string;
    lastLines?: string[];
  };
  /** File holding the image's full build log. */
  log?: string;
}

export interface BuildReport {
  version: 1;
  status: 'succeeded' | 'failed' | 'cancelled';
  /** True when the human tags were moved (only when every image succeeded). */
  tagsMoved: boolean;
  images: ImageReport[];
  durationMs: number;
}

export interface BuildHooks {
  /** The images of this run in build order, before anything starts. */
  onPlan?(images: Array<{ name: string; parents: string[] }>): void;
  /** Inputs hashed; checking whether the content tag exists already. */
  onImageChecking?(name: string): void;
  /**
   * Building starts; `engine` names the engine (its docker context, or its address) when the run has a
   * name worth showing: several engines, or a docker context.
   */
  onImageBuilding?(name: string, engine?: string): void;
  /**
   * A build step as it starts: `Step 3/7 : RUN …` of the classic builder, or BuildKit's `[stage 2/5] RUN …`
   * (`stage` set: '' in a one-stage Dockerfile; `cached` when BuildKit reused it).
   */
  onImageStep?(
    name: string,
    step: number,
    total: number,
    instruction: string,
    stage?: string,
    cached?: boolean,
  ): void;
  /** Every line of build output (also written to the image's log file). */
  onImageLog?(name: string, line: string): void;
  onImagePushing?(name: string): void;
  onImageFinished?(report: ImageReport): void;
  /** Human tags moved after every image succeeded. */
  onTagsMoved?(moves: Array<{ name: string; ref: string; digest: string }>): void;
  onRunFinished?(report: BuildReport): void;
}

/** Fans one event out to every reporter; reporters never throw into the build. */
export function combineHooks(reporters: BuildHooks[]): Required<BuildHooks> {
  const call =
    <K extends keyof BuildHooks>(key: K) =>
    (...args: Parameters<NonNullable<BuildHooks[K]>>) => {
      for (const r of reporters) (r[key] as ((...a: unknown[]) => void) | undefined)?.(...args);
    };
  return {
    onPlan: call('onPlan'),
    onImageChecking: call('onImageChecking'),
    onImageBuilding: call('onImageBuilding'),
    onImageStep: call('onImageStep'),
    onImageLog: call('onImageLog'),
    onImagePushing: call('onImagePushing'),
    onImageFinished: call('onImageFinished'),
    onTagsMoved: call('onTagsMoved'),
    onRunFinished: call('onRunFinished'),
  };
}
