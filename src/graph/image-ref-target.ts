import { canonicalReference, tryParseReference } from '../reference/index.js';

/** What a FROM / COPY --from image text stands for in a tree. */
export type ImageRefTarget =
  | { kind: 'image'; name: string }
  /** `warning`: the text names a repository of the tree, yet no image of it (docker pulls it from elsewhere). */
  | { kind: 'upstream'; ref: string; warning?: { message: string; hint: string } }
  | { kind: 'invalid'; reason: string };

export interface ClassifiedImage {
  name: string;
  /** Its repository (default: its name); images may share one, each with its own tags. */
  repository?: string;
  tags?: string[];
}

/**
 * The one rule deciding which images of a Dockerfile are images of the manifest, the way docker would
 * find them: a repository of the tree, written bare (`python:3.12-alpine`, as a local engine has it) or
 * under the registry of images.yml, and a tag one of its images holds. A repository of one image is that
 * image with any tag under the registry (a content tag) and with no tag at all when bare; a repository that
 * several images share needs the tag to tell which. Anything else is an upstream ref, in canonical form: a
 * team's `registry` image is itself built FROM Docker Hub's `registry:2`. When such a text names a tree
 * repository all the same (an unknown tag, the registry spelled another way) it still is an upstream ref,
 * with a warning that says why. `graph` uses it to draw edges, `build` to pin the same texts.
 */
export function imageRefClassifier(
  images: ReadonlyArray<ClassifiedImage>,
  registry?: string,
): (resolved: string) => ImageRefTarget {
  const byRepository = new Map<string, ClassifiedImage[]>();
  for (const image of images) {
    const repository = image.repository ?? image.name;
    byRepository.set(repository, [...(byRepository.get(repository) ?? []), image]);
  }
  const home = registry ? tryParseReference(`${registry}/x`) : undefined;
  const homeHost = home?.ok ? home.ref.registry : undefined;
  // `host/namespace/` of the registry as parsed (docker.io/library normalization applied), to strip.
  const homePrefix = home?.ok ? `${home.ref.registry}/${home.ref.repository.slice(0, -1)}` : undefined;
  const homePath = home?.ok ? home.ref.repository.slice(0, -1) : undefined;
  const cache = new Map<string, ImageRefTarget>();

  const classify = (resolved: string): ImageRefTarget => {
    const parsed = tryParseReference(resolved);
    if (!parsed.ok) return { kind: 'invalid', reason: parsed.reason };
    const { ref } = parsed;
    const upstream = canonicalReference(resolved);
    const full = `${ref.registry}/${ref.repository}`;
    if (homePrefix !== undefined && full.startsWith(homePrefix)) {
      const members = byRepository.get(full.slice(homePrefix.length));
      if (members) return pick(members, ref.tag, true, resolved, upstream);
    }
    const written = resolved.split('@')[0]!.replace(/:[^:/]+$/, '');
    const bare = byRepository.get(written);
    if (bare) return pick(bare, ref.tag, false, resolved, upstream);
    // The tree's repository path under another spelling of the registry (localhost for 127.0.0.1, a port).
    if (homePath !== undefined && homeHost !== undefined && ref.registry !== homeHost) {
      const path = ref.repository.startsWith(homePath) ? ref.repository.slice(homePath.length) : undefined;
      const members = path === undefined ? undefined : byRepository.get(path);
      if (members) {
        return {
          kind: 'upstream',
          ref: upstream,
          warning: {
            message: `${resolved} names repository ${path} of ${describeImages(members)}, but under registry ${ref.registry}, not ${homeHost}: it is pulled as an upstream image, not built here`,
            hint: `write it as ${registry}/${path}${ref.tag ? `:${ref.tag}` : ''} to build on the image of the tree`,
          },
        };
      }
    }
    return { kind: 'upstream', ref: upstream };
  };
  return (resolved) => {
    let target = cache.get(resolved);
    if (!target) {
      target = classify(resolved);
      cache.set(resolved, target);
    }
    return target;
  };
}

function pick(
  members: ClassifiedImage[],
  tag: string | undefined,
  viaRegistry: boolean,
  resolved: string,
  upstream: string,
): ImageRefTarget {
  // No tag means latest, to docker as here.
  const holder = members.find((m) => (m.tags ?? []).includes(tag ?? 'latest'));
  if (holder) return { kind: 'image', name: holder.name };
  const [only] = members;
  // One image in the repository: any tag under the registry (a content tag), or none / a digest when bare.
  if (members.length === 1 && only && (viaRegistry || tag === undefined))
    return { kind: 'image', name: only.name };
  const tags = members.flatMap((m) => m.tags ?? []);
  const why =
    tag === undefined
      ? `several images share it (${members.map((m) => m.name).join(', ')}), so a tag must say which`
      : `no image of the tree has tag ${tag}`;
  return {
    kind: 'upstream',
    ref: upstream,
    warning: {
      message: `${resolved} names the repository of ${describeImages(members)}, but ${why}: it is pulled as an upstream image, not built here`,
      hint: tags.length
        ? `use one of the tree's tags (${tags.join(', ')}), or write the upstream image in full (${upstream}) to mean it`
        : `give the image the tag in images.yml, or write the upstream image in full (${upstream}) to mean it`,
    },
  };
}

function describeImages(members: ClassifiedImage[]): string {
  const described = members.map((m) => `${m.name} (tags: ${(m.tags ?? []).join(', ') || 'none'})`);
  return members.length === 1 ? `image ${described[0]}` : `images ${described.join(', ')}`;
}
