import type { ImageToken, ParsedDockerfile } from '../dockerfile/index.js';
import { PinyardError } from '../errors.js';
import { canonicalReference, type Reference, tryParseReference } from '../reference/index.js';
import { sequence } from './sequence.js';
import type { EdgeSite, GraphImage, ImageGraph, UpstreamRef } from './types.js';

export interface ImageGraphInput {
  /** The image's name in images.yml. */
  name: string;
  dockerfile: ParsedDockerfile;
  /** Its human tags: `FROM name:tag` names it only with one of these (or with no tag). */
  tags?: string[];
}

export interface ImageGraphOptions {
  /** images.yml `registry` as written (host[:port][/namespace]); `${registry}/${name}` also names an image. */
  registry?: string;
}

const VIA_TEXT: Record<EdgeSite['via'], string> = {
  from: 'FROM',
  'copy-from': 'COPY --from',
  'mount-from': 'RUN --mount from',
};

/**
 * The dependency graph of the manifest's images. A FROM, COPY --from or mount from= names a manifest
 * image, and is an edge to it, when it is written `<registry>/name…` (the registry of images.yml, any
 * tag), or as the bare `name` with no tag or with one of the image's tags. Anything else is an upstream
 * ref: a team's `registry` image is itself built FROM Docker Hub's `registry:2`, and
 * `docker.io/library/name` spelled out always means Docker Hub. Stages and scratch are neither. Throws
 * PINYARD_DOCKERFILE_INVALID for references docker would not parse, PINYARD_CYCLE for a cycle (an image
 * built from itself included).
 */
export function buildImageGraph(inputs: ImageGraphInput[], options: ImageGraphOptions = {}): ImageGraph {
  const names: ManifestNames = {
    byRegistryRepository: registryIndex(
      inputs.map((i) => i.name),
      options.registry,
    ),
    tagsByName: new Map(inputs.map((i) => [i.name, i.tags ?? []])),
  };
  const problems: PinyardError[] = [];
  const images = new Map<string, GraphImage>();
  for (const input of [...inputs].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    images.set(input.name, imageOf(input, names, problems));
  }
  const [first, ...others] = problems;
  if (first) throw others.length ? withDetails(first, others) : first;

  const result = sequence(new Map([...images].map(([name, image]) => [name, image.parents])));
  if (!result.ok) throw cycleError(result.cycle, images);
  return { images, order: result.order };
}

interface ManifestNames {
  /** '<registry>/app', normalized ('registry.example.com/acme/app') -> 'app'. */
  byRegistryRepository: Map<string, string>;
  tagsByName: Map<string, string[]>;
}

function registryIndex(names: string[], registry: string | undefined): Map<string, string> {
  const index = new Map<string, string>();
  if (!registry) return index;
  for (const name of names) {
    const parsed = tryParseReference(`${registry}/${name}`);
    if (parsed.ok) index.set(`${parsed.ref.registry}/${parsed.ref.repository}`, name);
  }
  return index;
}

/** The manifest image a resolved FROM/COPY --from text names, if any (see buildImageGraph). */
function manifestImageOf(resolved: string, ref: Reference, names: ManifestNames): string | undefined {
  const viaRegistry = names.byRegistryRepository.get(`${ref.registry}/${ref.repository}`);
  if (viaRegistry !== undefined) return viaRegistry;
  const written = resolved.split('@')[0]!.replace(/:[^:/]+$/, '');
  const tags = names.tagsByName.get(written);
  if (!tags) return undefined;
  return ref.tag === undefined || tags.includes(ref.tag) ? written : undefined;
}

function imageOf(
  { name, dockerfile }: ImageGraphInput,
  names: ManifestNames,
  problems: PinyardError[],
): GraphImage {
  const parentSites = new Map<string, EdgeSite[]>();
  const upstream = new Map<string, EdgeSite[]>();
  const add = (token: ImageToken, via: EdgeSite['via'], line: number, column: number) => {
    const parsed = tryParseReference(token.resolved);
    if (!parsed.ok) {
      problems.push(invalidReference(dockerfile.file, token, parsed.reason));
      return;
    }
    const site: EdgeSite = { file: dockerfile.file, line, column, via, raw: token.raw };
    const parent = manifestImageOf(token.resolved, parsed.ref, names);
    if (parent !== undefined) append(parentSites, parent, site);
    else append(upstream, canonicalReference(token.resolved), site);
  };
  for (const stage of dockerfile.stages) {
    if (stage.kind === 'image') add(stage.image, 'from', stage.line, stage.column);
  }
  for (const copy of dockerfile.copyFroms) {
    if (copy.kind === 'image') add(copy.from, copy.via, copy.line, copy.column);
  }
  const parents = [...parentSites.keys()].sort();
  return {
    name,
    parents,
    parentSites: Object.fromEntries(parents.map((p) => [p, parentSites.get(p)!])),
    upstream: [...upstream.keys()].sort().map((ref): UpstreamRef => ({ ref, sites: upstream.get(ref)! })),
  };
}

function append(map: Map<string, EdgeSite[]>, key: string, site: EdgeSite): void {
  const sites = map.get(key);
  if (sites) sites.push(site);
  else map.set(key, [site]);
}

function invalidReference(file: string, token: ImageToken, reason: string): PinyardError {
  const substituted = token.raw === token.resolved ? '' : ` (from ${token.raw})`;
  return new PinyardError(
    'PINYARD_DOCKERFILE_INVALID',
    `invalid image reference "${token.resolved}"${substituted}: ${reason}`,
    {
      position: { file, line: token.range.start.line, column: token.range.start.column },
      hint: 'write a reference docker accepts, e.g. alpine:3.20, registry.example.com/team/app:1.4 or app@sha256:<digest>',
    },
  );
}

function withDetails(first: PinyardError, others: PinyardError[]): PinyardError {
  return new PinyardError(first.code, first.message, {
    ...(first.hint ? { hint: first.hint } : {}),
    ...(first.position ? { position: first.position } : {}),
    details: others,
  });
}

/** `dependency cycle: app → cli → app`, with each edge's Dockerfile position in `details`. */
function cycleError(cycle: string[], images: ReadonlyMap<string, GraphImage>): PinyardError {
  const edges = cycle.slice(0, -1).map((child, i) => {
    const parent = cycle[i + 1]!;
    const site = images.get(child)!.parentSites[parent]![0]!;
    return new PinyardError('PINYARD_CYCLE', `${child} ${VIA_TEXT[site.via]} ${parent}`, {
      position: { file: site.file, line: site.line, column: site.column },
    });
  });
  return new PinyardError('PINYARD_CYCLE', `dependency cycle: ${cycle.join(' → ')}`, {
    ...(edges[0]?.position ? { position: edges[0].position } : {}),
    hint: 'an image cannot be built before itself: remove one of these references (each is listed with its position)',
    details: edges,
  });
}
