import { finalBaseStage, type ImageToken, type ParsedDockerfile } from '../dockerfile/index.js';
import { PinyardError } from '../errors.js';
import { inFileOrder } from '../manifest/yaml-document.js';
import { type ImageRefTarget, imageRefClassifier } from './image-ref-target.js';
import { sequence } from './sequence.js';
import type { EdgeSite, GraphImage, ImageGraph, UpstreamRef } from './types.js';

export interface ImageGraphInput {
  /** The image's name in images.yml. */
  name: string;
  dockerfile: ParsedDockerfile;
  /** Its repository (default: its name): what `FROM repository:tag` names. */
  repository?: string;
  /** Its human tags: `FROM name:tag` names it only with one of these (or with no tag). */
  tags?: string[];
  /** The stage built (images.yml `target`); the last stage by default. */
  target?: string;
}

export interface ImageGraphOptions {
  /** images.yml `registry` as written (host[:port][/namespace]); `${registry}/${name}` also names an image. */
  registry?: string;
}

const VIA_TEXT: Record<EdgeSite['via'], string> = {
  from: 'FROM',
  'copy-from': 'COPY --from',
  'mount-from': 'RUN --mount from',
  syntax: '# syntax=',
};

/**
 * The dependency graph of the manifest's images: an edge for every FROM, COPY --from or mount from= that
 * names an image of the manifest (imageRefClassifier decides), an upstream ref for every other image.
 * Stages and scratch are neither. Throws PINYARD_DOCKERFILE_INVALID for references docker would not
 * parse, PINYARD_CYCLE for a cycle (an image built from itself included).
 */
export function buildImageGraph(inputs: ImageGraphInput[], options: ImageGraphOptions = {}): ImageGraph {
  const classify = imageRefClassifier(inputs, options.registry);
  const problems: PinyardError[] = [];
  const warnings: PinyardError[] = [];
  const images = new Map<string, GraphImage>();
  for (const input of [...inputs].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    images.set(input.name, imageOf(input, classify, problems, warnings));
  }
  const [first, ...others] = problems;
  if (first) throw others.length ? withDetails(first, others) : first;

  const result = sequence(new Map([...images].map(([name, image]) => [name, image.parents])));
  if (!result.ok) throw cycleError(result.cycle, images);
  return { images, order: result.order, warnings: inFileOrder(warnings) };
}

function imageOf(
  { name, dockerfile, target }: ImageGraphInput,
  classify: (resolved: string) => ImageRefTarget,
  problems: PinyardError[],
  warnings: PinyardError[],
): GraphImage {
  const parentSites = new Map<string, EdgeSite[]>();
  const upstream = new Map<string, EdgeSite[]>();
  const add = (token: ImageToken, via: EdgeSite['via'], line: number, column: number) => {
    const target = classify(token.resolved);
    if (target.kind === 'invalid') {
      problems.push(invalidReference(name, dockerfile.file, token, target.reason));
      return;
    }
    const site: EdgeSite = { file: dockerfile.file, line, column, via, raw: token.raw };
    if (target.kind === 'image') append(parentSites, target.name, site);
    else append(upstream, target.ref, site);
    if (target.kind === 'upstream' && target.warning) {
      warnings.push(
        new PinyardError('PINYARD_STRICT_WARNING', `${VIA_TEXT[via]} ${target.warning.message}`, {
          position: { file: dockerfile.file, line: token.range.start.line, column: token.range.start.column },
          hint: target.warning.hint,
        }),
      );
    }
  };
  for (const stage of dockerfile.stages) {
    if (stage.kind === 'image') add(stage.image, 'from', stage.line, stage.column);
  }
  for (const copy of dockerfile.copyFroms) {
    if (copy.kind === 'image') add(copy.from, copy.via, copy.line, copy.column);
  }
  const syntax = dockerfile.syntaxImage;
  if (syntax) add(syntax.token, 'syntax', syntax.line, syntax.column);
  const parents = [...parentSites.keys()].sort();
  const final = finalBaseStage(dockerfile, target);
  let base: string | undefined;
  if (final?.kind === 'scratch') base = '';
  else if (final?.kind === 'image') {
    const resolved = classify(final.image.resolved);
    if (resolved.kind === 'image') base = resolved.name;
    else if (resolved.kind === 'upstream') base = resolved.ref;
  }
  return {
    name,
    parents,
    parentSites: Object.fromEntries(parents.map((p) => [p, parentSites.get(p)!])),
    upstream: [...upstream.keys()].sort().map((ref): UpstreamRef => ({ ref, sites: upstream.get(ref)! })),
    ...(base !== undefined ? { base } : {}),
  };
}

function append(map: Map<string, EdgeSite[]>, key: string, site: EdgeSite): void {
  const sites = map.get(key);
  if (sites) sites.push(site);
  else map.set(key, [site]);
}

function invalidReference(name: string, file: string, token: ImageToken, reason: string): PinyardError {
  const substituted = token.raw === token.resolved ? '' : ` (from ${token.raw})`;
  const args = token.args ?? [];
  // A reference made of ARG values is fixed where the value comes from, not in the FROM line.
  const hint = args.length
    ? `the reference comes from ${args.map((a) => `ARG ${a}`).join(' and ')}: give ${args.length === 1 ? 'it' : 'them'} a value docker accepts in images.yml (${args.map((a) => `images.${name}.args.${a}`).join(', ')}) or as the ARG's default`
    : 'write a reference docker accepts, e.g. alpine:3.20, registry.example.com/team/app:1.4 or app@sha256:<digest>';
  return new PinyardError(
    'PINYARD_DOCKERFILE_INVALID',
    `invalid image reference "${token.resolved}"${substituted}: ${reason}`,
    { position: { file, line: token.range.start.line, column: token.range.start.column }, hint },
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
