import { isPinyardError, PinyardError } from '../../errors.js';
import { blockedError, type ImageReport, type ImageStatus } from '../../report/build/index.js';
import type { TaskOutcome } from '../../scheduler/index.js';
import type { BuiltImage } from './image-task.js';

/** The report entry of one image, from what the run learnt of it. */
export function imageReport(
  name: string,
  parents: string[],
  outcome: TaskOutcome,
  built: BuiltImage | undefined,
  durationMs: number,
): ImageReport {
  const status: ImageStatus =
    outcome.status === 'succeeded'
      ? (built?.status ?? 'planned')
      : outcome.status === 'failed'
        ? 'failed'
        : 'blocked';
  const entry: ImageReport = {
    name,
    status,
    ...(built ? { digest: built.digest, hash: built.hash } : {}),
    ...(built?.platforms ? { platforms: built.platforms } : {}),
    tags: built ? [`${built.repository}:${built.contentTag}`] : [],
    parents,
    durationMs,
  };
  if (outcome.status === 'failed') {
    const error = asPinyardError(outcome.error);
    // A build failure's JSON form carries the failing step (as printed) and its last lines.
    const detail = error.toJSON() as { step?: string; lastLines?: string[] };
    entry.error = {
      code: error.code,
      message: error.message,
      ...(error.position ? { position: error.position } : {}),
      ...(error.hint ? { hint: error.hint } : {}),
      ...(detail.step ? { step: detail.step } : {}),
      ...(detail.lastLines?.length ? { lastLines: detail.lastLines } : {}),
    };
  } else if (outcome.status === 'blocked') {
    entry.error = blockedError(outcome.by);
  } else if (outcome.status === 'cancelled') {
    // The report has no "cancelled" status: an image the run never finished is blocked by the interruption.
    entry.error = { code: 'PINYARD_BLOCKED', message: 'cancelled: the run was interrupted or failed fast' };
  }
  return entry;
}

/** Failures the engine or registry did not classify are still reported, as build failures. */
export function asPinyardError(error: unknown): PinyardError {
  if (isPinyardError(error)) return error;
  return new PinyardError('PINYARD_BUILD_FAILED', (error as Error)?.message ?? String(error), {
    cause: error,
  });
}
