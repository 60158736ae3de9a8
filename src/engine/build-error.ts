import { PinyardError, type PinyardErrorJson } from '../errors.js';
import { formatStep } from './build-output.js';
import type { BuildStep } from './types.js';

export interface BuildErrorOptions {
  step?: BuildStep;
  lastLines?: string[];
  hint?: string;
}

/** A build that the engine ran and that failed (PINYARD_BUILD_FAILED): where, and what it printed last. */
export class BuildError extends PinyardError {
  /** The step that failed; undefined when the build failed before its first step. */
  readonly step: BuildStep | undefined;
  /** The last lines that step printed (secrets masked), for the report and the terminal. */
  readonly lastLines: string[];

  constructor(message: string, options: BuildErrorOptions = {}) {
    super('PINYARD_BUILD_FAILED', message, options.hint === undefined ? {} : { hint: options.hint });
    this.step = options.step;
    this.lastLines = options.lastLines ?? [];
  }

  override toJSON(): PinyardErrorJson & { step?: string; lastLines: string[] } {
    return {
      ...super.toJSON(),
      ...(this.step ? { step: formatStep(this.step) } : {}),
      lastLines: this.lastLines,
    };
  }
}

/** The error for a build whose stream ended in `errorDetail`. */
export function buildFailure(message: string, step: BuildStep | undefined, lastLines: string[]): BuildError {
  const where =
    step === undefined
      ? 'the build'
      : step.stage === undefined
        ? `step ${step.number}/${step.total}`
        : `[${step.stage ? `${step.stage} ` : ''}${step.number}/${step.total}]`;
  const hint = /^FROM /i.test(step?.instruction ?? '') ? parentHint(message) : undefined;
  return new BuildError(`${where} failed: ${message}`, {
    ...(step ? { step } : {}),
    lastLines,
    ...(hint ? { hint } : {}),
  });
}

/** A FROM fails because the parent cannot be pulled: say which of the two usual reasons it is. */
function parentHint(message: string): string | undefined {
  if (/denied|unauthorized|authentication required/i.test(message)) {
    return 'log in to that registry (docker login) as an account that may pull the image: pinyard hands the docker config credentials to the engine';
  }
  if (/not found|manifest unknown/i.test(message)) {
    return 'the parent image is not in its registry: build and push it first, or run `pinyard lock` if an upstream tag moved';
  }
  return undefined;
}
