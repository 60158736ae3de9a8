import { PinyardError } from '../errors.js';
import { formatReference, type Reference } from '../reference/index.js';
import type { PromotionRequest } from './types.js';

/** A reference and the digest a HEAD found under it (undefined: nothing there). */
export interface RefState {
  ref: Reference;
  digest: string | undefined;
}

export type Decision =
  | { kind: 'refused'; error: PinyardError }
  /** Every target reference already points at the digest: nothing to write. */
  | { kind: 'unchanged' }
  | {
      kind: 'promote';
      /** Target references to point at the digest. */
      write: Reference[];
      /** Tags that pointed at another digest and move under --force. */
      moved: RefState[];
      /** A target tag is already at the digest, so its manifests and blobs are there. */
      contentPresent: boolean;
    };

/**
 * The guards of a promotion, decided from what the registries hold now: the required environment must
 * have the digest under the same tags, and a target tag at another digest stays where it is unless
 * `force`. Pure.
 */
export function decide(
  request: PromotionRequest,
  digest: string,
  target: RefState[],
  required: RefState[],
  force: boolean,
): Decision {
  const problems: PinyardError[] = [];
  const source = `${formatReference(request.source)}${request.source.digest ? '' : `@${digest}`}`;
  for (const state of required) {
    if (state.digest === digest) continue;
    const required = request.required?.environment ?? '';
    const found = state.digest ? `points at ${state.digest}, not at ${digest}` : 'does not exist yet';
    problems.push(
      new PinyardError(
        'PINYARD_REQUIRES_UNMET',
        `${request.environment} requires ${required} first: ${formatReference(state.ref)} ${found} (promoting ${source})`,
        { hint: `promote it to ${required} first: ${commandFor(request, digest, required)}` },
      ),
    );
  }
  const moved = target.filter((state) => state.digest !== undefined && state.digest !== digest);
  if (!force) {
    for (const state of moved) {
      problems.push(
        new PinyardError(
          'PINYARD_TAG_CONFLICT',
          `${formatReference(state.ref)} already points at ${state.digest}, not at ${digest} (promoting ${source})`,
          {
            hint: 'tags of an environment do not move: promote under a new tag (--tag), or pass --force to move it',
          },
        ),
      );
    }
  }
  if (problems.length > 0) {
    const summary = `${request.name} cannot be promoted to ${request.environment}: ${problems.length} problems`;
    return {
      kind: 'refused',
      error: problems.length === 1 ? problems[0]! : combineErrors(problems, summary),
    };
  }
  const write = target.filter((state) => state.digest !== digest).map((state) => state.ref);
  if (write.length === 0) return { kind: 'unchanged' };
  return {
    kind: 'promote',
    write,
    moved: force ? moved : [],
    contentPresent: target.some((state) => state.digest === digest),
  };
}

/** A summary carrying `errors` as details, with the first one's code, and their hint when they share one. */
export function combineErrors(errors: PinyardError[], summary: string): PinyardError {
  const [first] = errors;
  if (!first) throw new Error('combineErrors: no errors');
  const hints = new Set(errors.map((e) => e.hint));
  return new PinyardError(first.code, summary, {
    details: errors,
    ...(hints.size === 1 && first.hint ? { hint: first.hint } : {}),
  });
}

/** The command line that promotes the same digest under the same tags to `environment`, for hints. */
function commandFor(request: PromotionRequest, digest: string, environment: string): string {
  const { name, source, tags } = request;
  const arg = source.tag ? `${name}:${source.tag}` : `${name}@${digest}`;
  const sameTags = tags.length === 0 || (tags.length === 1 && tags[0] === source.tag);
  return `pinyard promote ${arg}${sameTags ? '' : ` --tag ${tags.join(' ')}`} --to ${environment}`;
}
