import { canonicalReference, tryParseReference } from '../reference/index.js';

/** What a FROM / COPY --from image text stands for in a tree. */
export type ImageRefTarget =
  | { kind: 'image'; name: string }
  | { kind: 'upstream'; ref: string }
  | { kind: 'invalid'; reason: string };

/**
 * The one rule deciding which images of a Dockerfile are images of the manifest: written
 * `<registry>/name…` (the registry of images.yml, any tag), or the bare `name` with no tag or with one of
 * the image's tags. Anything else is an upstream ref, in canonical form: a team's `registry` image is
 * itself built FROM Docker Hub's `registry:2`, and `docker.io/library/name` spelled out means Docker Hub.
 * `graph` uses it to draw edges, `build` to pin the same texts.
 */
export function imageRefClassifier(
  images: ReadonlyArray<{ name: string; tags?: string[] }>,
  registry?: string,
): (resolved: string) => ImageRefTarget {
  const byRegistryRepository = new Map<string, string>();
  if (registry) {
    for (const { name } of images) {
      const parsed = tryParseReference(`${registry}/${name}`);
      if (parsed.ok) byRegistryRepository.set(`${parsed.ref.registry}/${parsed.ref.repository}`, name);
    }
  }
  const tagsByName = new Map(images.map((i) => [i.name, i.tags ?? []]));
  return (resolved) => {
    const parsed = tryParseReference(resolved);
    if (!parsed.ok) return { kind: 'invalid', reason: parsed.reason };
    const { ref } = parsed;
    const viaRegistry = byRegistryRepository.get(`${ref.registry}/${ref.repository}`);
    if (viaRegistry !== undefined) return { kind: 'image', name: viaRegistry };
    const written = resolved.split('@')[0]!.replace(/:[^:/]+$/, '');
    const tags = tagsByName.get(written);
    if (tags && (ref.tag === undefined || tags.includes(ref.tag))) return { kind: 'image', name: written };
    return { kind: 'upstream', ref: canonicalReference(resolved) };
  };
}
