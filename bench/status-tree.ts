import { createHash } from 'node:crypto';
import { contentTag } from '../src/hash/index.js';
import { labelledImage, pushLabelledImage } from '../test/helpers/labelled-image.js';
import { bearer, type World } from '../test/world/index.js';

export const statusTag = '1.0';
export const statusEnvironments = ['staging', 'qa', 'prod'] as const;

/** Name of image i of the tree: `img-00` … */
export const imageName = (i: number) => `img-${String(i).padStart(2, '0')}`;
/** Its parent in the tree: a tree three wide, so most images have a lineage two or three deep. */
const parentOf = (i: number) => (i === 0 ? undefined : Math.floor((i - 1) / 3));

export interface SeededTree {
  /** The upstream the root's lineage ends in, at the build's digest and at prod's older one. */
  upstream: { ref: string; current: string; old: string };
  /** Digest of each image's newest build (in `registry:`, staging and qa) and of its older one (in prod). */
  builds: Array<{ name: string; current: string; old: string }>;
}

/**
 * A tree of `count` images as `pinyard build` leaves it in the registry under `namespace`, two builds
 * each: every image carries the OCI base.name/base.digest labels of its parent's build of the same
 * generation (the root's name an upstream), the input-hash label, and a content tag per build. The newest
 * build is tagged `1.0` and promoted to staging and qa; prod holds the older one, so it is one build behind,
 * on the upstream digest before the last update. Pushed through the registry API at `registry` (whose
 * host the labels name, as build's do), no engine.
 */
export async function seedStatusTree(
  world: World,
  registry: string,
  namespace: string,
  count: number,
): Promise<SeededTree> {
  const upstream = {
    ref: 'docker.io/library/alpine:3.20',
    current: `sha256:${'c'.repeat(64)}`,
    old: `sha256:${'b'.repeat(64)}`,
  };
  const builds: SeededTree['builds'] = [];
  const seedImage = async (i: number) => {
    const name = imageName(i);
    const parent = parentOf(i);
    const headers = await bearer(
      world,
      world.users.admin,
      [`${namespace}/${name}`, ...statusEnvironments.map((env) => `${namespace}/${env}/${name}`)].map(
        (r) => `repository:${r}:pull,push`,
      ),
    );
    const digests = [] as string[];
    for (const [generation, created] of [
      [0, '2026-11-01T03:17:00Z'],
      [1, '2026-11-02T03:17:00Z'],
    ] as const) {
      const parentBuild = parent === undefined ? undefined : builds[parent]!;
      const base = parentBuild
        ? {
            name: `${registry}/${namespace}/${imageName(parent!)}:${contentTagOf(imageName(parent!), generation)}`,
            digest: generation === 0 ? parentBuild.old : parentBuild.current,
          }
        : { name: upstream.ref, digest: generation === 0 ? upstream.old : upstream.current };
      const call = { url: `http://${registry}`, repository: `${namespace}/${name}`, headers };
      const image = labelledImage(
        {
          'org.opencontainers.image.created': created,
          'org.opencontainers.image.base.name': base.name,
          'org.opencontainers.image.base.digest': base.digest,
          'dev.pinyard.input-hash': inputHashOf(name, generation),
        },
        'pinyard status bench layer',
        created,
      );
      digests.push(await pushLabelledImage(call, image, contentTagOf(name, generation)));
      const places =
        generation === 1
          ? [`${namespace}/${name}`, `${namespace}/staging/${name}`, `${namespace}/qa/${name}`]
          : [`${namespace}/prod/${name}`];
      // The same bytes in each repository, under the human tag, as build and promote leave them.
      for (const repository of places) await pushLabelledImage({ ...call, repository }, image, statusTag);
    }
    builds[i] = { name, old: digests[0]!, current: digests[1]! };
  };
  // Level by level: an image's labels need its parent's digests; images of one level go at once.
  const depth = (i: number): number => (i === 0 ? 0 : depth(parentOf(i)!) + 1);
  const levels = Math.max(...Array.from({ length: count }, (_, i) => depth(i)));
  for (let level = 0; level <= levels; level++) {
    await Promise.all(
      Array.from({ length: count }, (_, i) => i)
        .filter((i) => depth(i) === level)
        .map(seedImage),
    );
  }
  return { upstream, builds };
}

/** A stand-in input hash per image and build; its content tag is the one build would push. */
function inputHashOf(name: string, generation: number): string {
  return `sha256:${createHash('sha256').update(`${name} ${generation}`).digest('hex')}`;
}

function contentTagOf(name: string, generation: number): string {
  return contentTag(inputHashOf(name, generation));
}
