import { PinyardError } from '../errors.js';
import { closeMatches } from '../graph/did-you-mean.js';
import type { EnvironmentConfig, ProjectManifest } from '../manifest/index.js';
import {
  formatReference,
  isValidTag,
  parseReference,
  type Reference,
  tryParseReference,
} from '../reference/index.js';
import type { PromotionRequest, Strategy } from './types.js';

/** What the user asked for on the command line. */
export interface PromoteSelection {
  /** `NAME:TAG`, `NAME@sha256:…` or `NAME:TAG@sha256:…`, as typed. */
  images: string[];
  /** The environment to promote to. */
  to: string;
  /** Tags for the target instead of the source's own. */
  tags?: string[];
}

type Manifest = Pick<ProjectManifest, 'registry' | 'environments' | 'images'>;

const FORM = 'name an image of images.yml with its tag or digest: app:1.4 or app@sha256:<64 hex>';

/**
 * The promotions a command line asks for, every reference resolved from images.yml: the source is
 * `<registry>/<repository of NAME>`, the target the environment's registry and repository template. Pure; a bad argument
 * is a PinyardError (exit 2) before anything is contacted.
 */
export function promotionRequests(manifest: Manifest, selection: PromoteSelection): PromotionRequest[] {
  const environment = environmentNamed(manifest, selection.to);
  const registry = manifest.registry;
  if (!registry) {
    throw new PinyardError('PINYARD_USAGE', 'promote needs the registry the images were pushed to', {
      hint: 'set `registry:` in images.yml (host[:port][/namespace])',
    });
  }
  for (const tag of selection.tags ?? []) {
    if (!isValidTag(tag)) {
      throw new PinyardError('PINYARD_USAGE', `--tag "${tag}" is not a valid tag`, {
        hint: 'a tag is 1 to 128 characters of letters, digits, "_", "." and "-", not starting with "." or "-"',
      });
    }
  }
  const required = environment.requires ? environmentNamed(manifest, environment.requires) : undefined;
  const requests = [...new Set(selection.images)].map((arg) => {
    const { name, repository, source } = sourceOf(manifest, registry, arg);
    const tags = selection.tags?.length ? [...new Set(selection.tags)] : source.tag ? [source.tag] : [];
    const target = repositoryOf(environment, repository);
    return {
      name,
      environment: environment.name,
      source,
      target,
      tags,
      ...(required
        ? { required: { environment: required.name, repository: repositoryOf(required, repository) } }
        : {}),
      strategy: strategyFor(source, target),
    };
  });
  assertDistinctTargets(requests);
  return requests;
}

/** The cheapest way from `source` to `target`. */
function strategyFor(source: Reference, target: Reference): Strategy {
  if (source.registry !== target.registry) return 'copy';
  return source.repository === target.repository ? 'tag' : 'mount';
}

/** What a promotion writes: each target tag, or the digest alone when there is no tag. */
export function targetRefs(request: PromotionRequest): Reference[] {
  return refsIn(request, request.target);
}

/** Where `requires:` wants the digest already: the same tags (or the digest) in the required environment. */
export function requiredRefs(request: PromotionRequest): Reference[] {
  return request.required ? refsIn(request, request.required.repository) : [];
}

/** A request without tags has a digest: promotionRequests refuses a source with neither. */
function refsIn(request: PromotionRequest, repository: Reference): Reference[] {
  const bare = { registry: repository.registry, repository: repository.repository };
  if (request.tags.length) return request.tags.map((tag) => ({ ...bare, tag }));
  return [{ ...bare, digest: request.source.digest! }];
}

function environmentNamed(manifest: Manifest, name: string): EnvironmentConfig {
  const environment = manifest.environments.find((e) => e.name === name);
  if (environment) return environment;
  const known = manifest.environments.map((e) => e.name);
  const [suggestion] = closeMatches(name, known);
  throw new PinyardError(
    'PINYARD_USAGE',
    `environment "${name}" is not defined in images.yml${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
    {
      hint: known.length
        ? `environments: ${known.join(', ')}`
        : 'define the environments to promote to under `environments:` in images.yml',
    },
  );
}

/**
 * The image an argument names, by its name in images.yml or by its repository (`python:3.12-alpine` when
 * images share repository python: the tag says which), and the source reference in the registry.
 */
function sourceOf(
  manifest: Manifest,
  registry: string,
  arg: string,
): { name: string; repository: string; source: Reference } {
  // Image names and repositories never hold ':' or '@', so the name ends at the first of them.
  const name = arg.split(/[:@]/)[0] ?? '';
  const rest = arg.slice(name.length);
  const byName = manifest.images.find((i) => i.name === name);
  const inRepository = manifest.images.filter((i) => i.repository === name);
  const repository = byName?.repository ?? inRepository[0]?.repository;
  const parsed = tryParseReference(`${registry}/${repository ?? name}${rest}`);
  if (!parsed.ok || name === '') {
    throw new PinyardError(
      'PINYARD_BAD_REFERENCE',
      `"${arg}" is not an image to promote${parsed.ok ? '' : `: ${parsed.reason}`}`,
      { hint: FORM },
    );
  }
  if (repository === undefined) {
    const known = [...new Set(manifest.images.flatMap((i) => [i.name, i.repository]))];
    const [suggestion] = closeMatches(name, known);
    throw new PinyardError(
      'PINYARD_UNKNOWN_IMAGE',
      `unknown image "${name}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
      { hint: `images in images.yml: ${manifest.images.map((i) => i.name).join(', ')}` },
    );
  }
  if (!parsed.ref.tag && !parsed.ref.digest) {
    throw new PinyardError('PINYARD_USAGE', `say which "${name}" to promote: "${arg}" has no tag or digest`, {
      hint: FORM,
    });
  }
  const tag = parsed.ref.tag;
  const holder = byName ?? inRepository.find((i) => tag !== undefined && i.tags.includes(tag));
  const shown = holder?.name ?? (inRepository.length === 1 ? inRepository[0]!.name : name);
  return { name: shown, repository, source: parsed.ref };
}

/** Where an environment keeps a repository: `{name}` in its template stands for the image's repository. */
function repositoryOf(environment: EnvironmentConfig, imageRepository: string): Reference {
  // The manifest rules guarantee a registry and a template with {name}; parsing checks the result.
  const { registry, repository } = parseReference(
    `${environment.registry}/${environment.repository.replaceAll('{name}', imageRepository)}`,
  );
  return { registry, repository };
}

/** Two sources for one tag would race; a digest promoted twice is harmless, so only tags are checked. */
function assertDistinctTargets(requests: PromotionRequest[]): void {
  const seen = new Map<string, string>();
  for (const request of requests) {
    const source = formatReference(request.source);
    for (const tag of request.tags) {
      const target = formatReference({ ...request.target, tag });
      const other = seen.get(target);
      if (other !== undefined) {
        throw new PinyardError(
          'PINYARD_USAGE',
          `${other} and ${source} would both be promoted to ${target}`,
          {
            hint: 'promote them one at a time, or give each its own --tag',
          },
        );
      }
      seen.set(target, source);
    }
  }
}
