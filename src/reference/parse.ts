import { PinyardError, type SourcePosition } from '../errors.js';
import { formatReference, withDefaultTag } from './format.js';
import {
  DEFAULT_REGISTRY,
  identifierRegExp,
  LEGACY_DEFAULT_REGISTRY,
  LOCALHOST,
  MAX_REPOSITORY_LENGTH,
  OFFICIAL_NAMESPACE,
  referenceRegExp,
} from './grammar.js';
import { quote } from './quote.js';
import type { ParseResult, Reference } from './types.js';
import { digestProblem, domainProblem, pathProblem, tagProblem } from './validate.js';

const HINT =
  'Write it as [registry[:port]/]name[:tag][@sha256:<64 hex>], e.g. alpine:3.20 or ghcr.io/acme/app:1.4.';

/** Parses and normalizes a reference the way `docker pull` does (ParseNormalizedNamed); never throws. */
export function tryParseReference(input: string): ParseResult {
  if (input === '') return fail('the image reference is empty');
  if (input.trim() !== input) {
    return fail(`image reference ${quote(input)} has leading or trailing whitespace`);
  }
  if (identifierRegExp.test(input)) {
    return fail(`${quote(input)} is an image id, not a repository name; use name@sha256:<id> instead`);
  }

  // Neither a name nor a tag may hold '@', and a tag is the text after the first ':' of the last path
  // component, so these two splits find the same parts as the anchored grammar would.
  const at = input.indexOf('@');
  const nameAndTag = at === -1 ? input : input.slice(0, at);
  const digest = at === -1 ? undefined : input.slice(at + 1);
  const colon = nameAndTag.indexOf(':', nameAndTag.lastIndexOf('/') + 1);
  const name = colon === -1 ? nameAndTag : nameAndTag.slice(0, colon);
  const tag = colon === -1 ? undefined : nameAndTag.slice(colon + 1);
  if (name === '') return fail(`image reference ${quote(input)} has no repository name`);

  const { registry, path } = splitRegistry(name);
  const problem =
    (registry === undefined ? undefined : domainProblem(registry)) ??
    pathProblem(path) ??
    (tag === undefined ? undefined : tagProblem(tag)) ??
    (digest === undefined ? undefined : digestProblem(digest));
  if (problem !== undefined) return fail(problem);

  const normalizedRegistry =
    registry === undefined || registry === LEGACY_DEFAULT_REGISTRY ? DEFAULT_REGISTRY : registry;
  // Docker Hub's official images live under library/, but only one level deep.
  const repository =
    normalizedRegistry === DEFAULT_REGISTRY && !path.includes('/') ? `${OFFICIAL_NAMESPACE}/${path}` : path;
  if (repository.length > MAX_REPOSITORY_LENGTH) {
    return fail(
      `repository name is ${repository.length} characters; at most ${MAX_REPOSITORY_LENGTH} are allowed`,
    );
  }

  const ref: Reference = {
    registry: normalizedRegistry,
    repository,
    ...(tag === undefined ? {} : { tag }),
    ...(digest === undefined ? {} : { digest }),
  };
  // The checks above explain; the grammar decides, so nothing it refuses can slip through.
  if (!referenceRegExp.test(formatReference(ref))) {
    return fail(`${quote(input)} is not a valid image reference`);
  }
  return { ok: true, ref };
}

/** Like tryParseReference, but a bad reference is a PinyardError (exit 2) placed at `position` if given. */
export function parseReference(input: string, options: { position?: SourcePosition } = {}): Reference {
  const result = tryParseReference(input);
  if (result.ok) return result.ref;
  throw new PinyardError(
    'PINYARD_BAD_REFERENCE',
    `invalid image reference ${quote(input)}: ${result.reason}`,
    { hint: HINT, position: options.position },
  );
}

/** 'alpine' → 'docker.io/library/alpine:latest': the key a lock file records upstream refs by. */
export function canonicalReference(input: string): string {
  return formatReference(withDefaultTag(parseReference(input)));
}

/**
 * normalize.go's splitDockerDomain: the first component names a registry only when it looks like a host
 * ('.', ':' or localhost) or has upper case, which a repository path never may; otherwise it is Docker Hub.
 */
function splitRegistry(name: string): { registry: string | undefined; path: string } {
  const slash = name.indexOf('/');
  if (slash === -1) return { registry: undefined, path: name };
  const first = name.slice(0, slash);
  const isHost = first === LOCALHOST || /[.:]/.test(first) || first !== first.toLowerCase();
  return isHost ? { registry: first, path: name.slice(slash + 1) } : { registry: undefined, path: name };
}

function fail(reason: string): ParseResult {
  return { ok: false, reason };
}
