import { tryParseReference } from '../reference/index.js';
import { component, defaultImageName } from './image-name.js';
import {
  type DockerfileReading,
  type ImageUse,
  readReferences,
  soleVariable,
  UNSET_ARG_PLACEHOLDER,
} from './read-references.js';
import type { DockerfileSource, Proposal, ProposedImage, Remarked } from './types.js';

interface Candidate {
  source: DockerfileSource;
  reading: DockerfileReading;
  defaultName: string;
  /** Normalized components of its directory, for matching `FROM …/notebooks/base` to `x/notebooks/base/`. */
  dirParts: string[];
}

/** A use of one candidate's image by another's Dockerfile. */
interface Link {
  from: number;
  to: number;
  use: ImageUse;
  /** The part of the written name that names the image: `base-notebook`, `notebooks/base`. */
  tail: string;
  /** What is written before it: `quay.io/jupyter`, or '' for a bare name. */
  prefix: string;
  tag?: string;
  /** Set when the FROM is exactly `$ARG` and the ARG's default names the image: the ARG gets its name. */
  arg?: { name: string; default: string };
}

/**
 * `pinyard init`'s decision, pure: one image per Dockerfile, named and linked so that the FROM, COPY --from
 * and mount from= lines the Dockerfiles already have become edges of the graph under imageRefClassifier's
 * rule (`<registry>/<name>`, or the bare name with no tag or one of its tags), without changing a
 * Dockerfile. What it cannot settle is listed in `undecided`, and commented in the file.
 */
export function proposeImages(sources: DockerfileSource[], options: { rootName: string }): Proposal {
  const candidates = [...sources]
    .sort((a, b) => compare(`${a.dir}/${a.file}`, `${b.dir}/${b.file}`))
    .map(
      (source): Candidate => ({
        source,
        reading: readReferences(source),
        defaultName: defaultImageName(source.dir, source.file, options.rootName),
        dirParts: source.dir === '.' ? [] : source.dir.split('/').map(component),
      }),
    );
  const undecided: string[] = [];
  const links = candidates.flatMap((_, i) => linksOf(candidates, i, undecided));

  const registry = chooseRegistry(links, candidates, undecided);
  const names = chooseNames(candidates, links, undecided);

  const images = candidates.map((candidate, i): ProposedImage => {
    const { source, reading } = candidate;
    const name = names[i]!;
    const tags = [
      ...new Set(links.filter((l) => l.to === i && l.tag !== undefined).map((l) => l.tag!)),
    ].sort();
    const args: Record<string, Remarked<string>> = {};
    for (const link of links.filter((l) => l.from === i && l.arg)) {
      const target = names[link.to]!;
      args[link.arg!.name] = {
        value: link.tag === undefined ? target : `${target}:${link.tag}`,
        comment: `guessed: its default ${link.arg!.default} is the image ${target} of this tree`,
      };
    }
    for (const arg of reading.argsWithoutDefault) {
      const inFrom = reading.uses.some((u) => u.via === 'from' && usesVariable(u.raw, arg));
      const todo = inFrom
        ? `TODO: FROM uses $${arg}, which has no default in the Dockerfile: the image to build on`
        : `TODO: ARG ${arg} has no default in the Dockerfile: give it a value, or remove this line`;
      args[arg] = { value: '', comment: todo };
      undecided.push(`${reading.file}: ARG ${arg} has no default; images.${name}.args.${arg} is left empty`);
    }
    if (reading.problem) {
      undecided.push(`${reading.problem.located} (the image is proposed, its links are not)`);
    }
    return {
      name,
      context: source.dir,
      ...(source.file !== 'Dockerfile' ? { dockerfile: source.file } : {}),
      args,
      tags,
      ...(name !== candidate.defaultName ? { nameComment: nameComment(candidates, links, i) } : {}),
    };
  });
  return {
    ...(registry ? { registry } : {}),
    images: images.sort((a, b) => compare(a.name, b.name)),
    undecided,
  };
}

function linksOf(candidates: Candidate[], from: number, undecided: string[]): Link[] {
  const { reading } = candidates[from]!;
  const links: Link[] = [];
  for (const use of reading.uses) {
    if (use.resolved.includes(UNSET_ARG_PLACEHOLDER)) continue;
    const written = splitWritten(use.resolved);
    if (!written) continue;
    const match = bestMatch(candidates, from, written.parts);
    if (match.ambiguous.length > 1) {
      const files = match.ambiguous.map((j) => fileOf(candidates[j]!)).join(', ');
      undecided.push(
        `${reading.file}:${use.line}: ${use.resolved} could be the image of ${files}; left as an upstream ref`,
      );
      continue;
    }
    if (match.to === undefined) continue;
    const variable = use.via === 'from' ? soleVariable(use.raw) : undefined;
    const argDefault = variable === undefined ? undefined : reading.parsed?.globalArgs[variable];
    links.push({
      from,
      to: match.to,
      use,
      tail: written.parts.slice(-match.score).join('/'),
      prefix: written.parts.slice(0, -match.score).join('/'),
      ...(written.tag !== undefined ? { tag: written.tag } : {}),
      ...(variable !== undefined && argDefault !== undefined
        ? { arg: { name: variable, default: argDefault } }
        : {}),
    });
  }
  return links;
}

/** `quay.io/acme/base:1.0@sha256:…` → parts [quay.io, acme, base], tag 1.0; undefined when docker would refuse it. */
function splitWritten(resolved: string): { parts: string[]; tag?: string } | undefined {
  // kubeflow's notebook servers default their base to a placeholder the Makefile replaces: `ARG BASE_IMG=<base>`.
  const placeholder = /^<([a-z0-9][\w./-]*)>$/i.exec(resolved)?.[1];
  if (placeholder !== undefined) return { parts: placeholder.split('/') };
  const parsed = tryParseReference(resolved);
  if (!parsed.ok) return undefined;
  const name = resolved.split('@')[0]!.replace(/:[^:/]+$/, '');
  return { parts: name.split('/'), ...(parsed.ref.tag !== undefined ? { tag: parsed.ref.tag } : {}) };
}

/**
 * The other Dockerfile a written name matches best: its image name is the name's last component, or its
 * directory path ends with the name's last components (the more components, the better). An image never
 * matches itself: `images/registry` building `FROM registry:2` uses Docker Hub's.
 */
function bestMatch(
  candidates: Candidate[],
  from: number,
  parts: string[],
): { to?: number; score: number; ambiguous: number[] } {
  const normalized = parts.map(component);
  let best: number[] = [];
  let bestScore = 0;
  candidates.forEach((candidate, j) => {
    if (j === from) return;
    let score = component(candidate.defaultName) === normalized.at(-1) ? 1 : 0;
    if (candidate.source.file === 'Dockerfile')
      score = Math.max(score, commonSuffix(normalized, candidate.dirParts));
    if (score === 0 || score < bestScore) return;
    if (score > bestScore) best = [];
    bestScore = score;
    best.push(j);
  });
  return best.length === 1
    ? { to: best[0]!, score: bestScore, ambiguous: best }
    : { score: 0, ambiguous: best };
}

/**
 * A written prefix as images.yml's `registry` must say it: with its host. `acme` in `FROM acme/os` is a
 * Docker Hub namespace (docker's rule), so it is `docker.io/acme`.
 */
function registryLocation(prefix: string): string {
  const parsed = tryParseReference(`${prefix}/x`);
  // When the whole prefix ended up in the repository path, docker read no host in it.
  return parsed.ok && parsed.ref.repository === `${prefix}/x` ? `${parsed.ref.registry}/${prefix}` : prefix;
}

function commonSuffix(a: string[], b: string[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
  return n;
}

/**
 * images.yml's `registry`: the prefix the FROM lines written in full name images of the tree under (the most
 * used one when they differ; the others cannot be edges and are listed).
 */
function chooseRegistry(
  links: Link[],
  candidates: Candidate[],
  undecided: string[],
): Remarked<string> | undefined {
  const direct = links
    .filter((l) => !l.arg && l.prefix !== '')
    .map((l) => ({ ...l, prefix: registryLocation(l.prefix) }));
  if (direct.length === 0) return undefined;
  const counts = new Map<string, number>();
  for (const link of direct) counts.set(link.prefix, (counts.get(link.prefix) ?? 0) + 1);
  const [registry] = [...counts].sort((a, b) => b[1] - a[1] || compare(a[0], b[0]))[0]!;
  for (const link of direct.filter((l) => l.prefix !== registry)) {
    undecided.push(
      `${fileOf(candidates[link.from]!)}:${link.use.line}: ${link.use.resolved} names the image of ${fileOf(candidates[link.to]!)} under ${link.prefix}, but the other FROM lines use ${registry}: it stays an upstream ref unless the Dockerfile says ${registry}/${link.tail}`,
    );
  }
  const where = direct
    .filter((l) => l.prefix === registry)
    .map((l) => `${fileOf(candidates[l.from]!)}:${l.use.line}`);
  return {
    value: registry,
    comment: `guessed: FROM lines name images of this tree under it (${where.slice(0, 2).join(', ')}${where.length > 2 ? ', …' : ''}); build --push pushes here`,
  };
}

/**
 * Each image is named the way FROM lines written out in full call it; else after its directory. Names two
 * Dockerfiles would share get their directory path instead.
 */
function chooseNames(candidates: Candidate[], links: Link[], undecided: string[]): string[] {
  const names = candidates.map((candidate, i) => {
    const demands = [...new Set(links.filter((l) => l.to === i && !l.arg).map((l) => l.tail))];
    const [first, ...others] = demands;
    if (first !== undefined && others.length > 0) {
      undecided.push(
        `${fileOf(candidate)} is called ${demands.join(' and ')} by different FROM lines; it is named ${first}, so the others stay upstream refs`,
      );
    }
    return first ?? candidate.defaultName;
  });
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  return names.map((name, i) => {
    if (counts.get(name) === 1) return name;
    const { dirParts } = candidates[i]!;
    const path = [...dirParts.filter(Boolean), ...(name === dirParts.at(-1) ? [] : [name])].join('/');
    if (path && path !== name && !names.includes(path)) return path;
    const numbered = `${name}-${i + 1}`;
    undecided.push(`${fileOf(candidates[i]!)}: another Dockerfile is also called ${name}; named ${numbered}`);
    return numbered;
  });
}

function nameComment(candidates: Candidate[], links: Link[], i: number): string {
  const site = links.find((l) => l.to === i && !l.arg);
  if (site) return `guessed: ${fileOf(candidates[site.from]!)}:${site.use.line} calls it ${site.tail}`;
  return 'guessed: another Dockerfile has the same name, so it is named by its path';
}

function usesVariable(raw: string, name: string): boolean {
  return new RegExp(`\\$(?:${name}\\b|\\{${name}(?![A-Za-z0-9_]))`).test(raw);
}

function fileOf(candidate: Candidate): string {
  return candidate.reading.file;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
