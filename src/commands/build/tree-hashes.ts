import pLimit from 'p-limit';
import type { ParsedDockerfile } from '../../dockerfile/index.js';
import { pinImageRefs } from '../../dockerfile/index.js';
import { PinyardError } from '../../errors.js';
import type { ImageRefTarget } from '../../graph/index.js';
import { contentTag, indexHash } from '../../hash/index.js';
import type { LockFile } from '../../lock/index.js';
import type { ImageConfig } from '../../manifest/index.js';
import { normalizePlatform, parseReference, repositoryName } from '../../reference/index.js';
import type { BuildPorts, HashedInputs } from './image-task.js';

/** An image's input hash, known before anything of the run is looked up or built. */
export interface ImageHash {
  /** Its input hash; a multi-platform image's index hash. */
  hash: string;
  contentTag: string;
  /** A single-platform image's hashed inputs. */
  inputs?: HashedInputs;
  /** A multi-platform image's platform builds, in the order images.yml lists them. */
  platforms?: Array<{ platform: string; inputs: HashedInputs }>;
}

export interface TreeHashSources {
  configs: ReadonlyMap<string, ImageConfig>;
  dockerfiles: ReadonlyMap<string, ParsedDockerfile>;
  texts: ReadonlyMap<string, string>;
  repositoryOf(name: string): string;
  classify(resolved: string): ImageRefTarget;
  /** The images of the tree an image's Dockerfile names (the graph's edges). */
  parentsOf(name: string): readonly string[];
  lock: LockFile;
  hashInputs: BuildPorts['hashInputs'];
  /** UTC day, for `rebuild: daily` images. */
  today: string;
  /** An interrupted run hashes nothing more. */
  signal?: AbortSignal;
}

/** Images whose contexts are read and hashed at once. */
const IMAGES_HASHED_AT_ONCE = 8;

/**
 * Every image's hash, each computed once. An image names its tree parents in the hashed text by their
 * content tags (`repository:pinyard-<hash>`; a platform build, by the parent's build for that platform),
 * not by the digests a run finds or builds for them: a parent's
 * content tag is its own input hash, so a change anywhere above an image still changes the image's hash,
 * and the whole tree's hashes are known from files and images.lock alone. Every content tag can then be
 * looked up at once, instead of one tree level per round trip. The engine still gets FROM lines pinned to
 * the parents' digests (image-task.ts).
 */
export function treeHashes(sources: TreeHashSources): (name: string) => Promise<ImageHash> {
  const hashes = new Map<string, Promise<ImageHash>>();
  const limit = pLimit(IMAGES_HASHED_AT_ONCE);
  const hashOf = (name: string): Promise<ImageHash> => {
    let hash = hashes.get(name);
    if (!hash) {
      hash = hashImage(name, sources, hashOf, limit);
      hashes.set(name, hash);
    }
    return hash;
  };
  return hashOf;
}

async function hashImage(
  name: string,
  sources: TreeHashSources,
  hashOf: (name: string) => Promise<ImageHash>,
  limit: ReturnType<typeof pLimit>,
): Promise<ImageHash> {
  const image = sources.configs.get(name)!;
  const parsed = sources.dockerfiles.get(name)!;
  const text = sources.texts.get(name)!;
  const parentHashes = new Map(
    await Promise.all(sources.parentsOf(name).map(async (parent) => [parent, await hashOf(parent)] as const)),
  );
  // A platform build names a multi-platform parent by that platform's build: adding a platform to a
  // parent then builds only that platform below it too, as pinning the parent's manifest for the platform did.
  const hashedText = (platform?: string) =>
    pinImageRefs(text, parsed, (resolved) => {
      const target = sources.classify(resolved);
      if (target.kind !== 'image') return pinnedUpstream(target, image.name, sources.lock);
      const parent = parentHashes.get(target.name)!;
      const wanted = platform === undefined ? undefined : normalizePlatform(platform);
      const build = parent.platforms?.find((p) => normalizePlatform(p.platform) === wanted);
      return `${sources.repositoryOf(target.name)}:${build?.inputs.contentTag ?? parent.contentTag}`;
    });
  const salt = image.rebuild === 'daily' ? `rebuild-day:${sources.today}` : undefined;
  return limit(async () => {
    sources.signal?.throwIfAborted();
    if (!image.platforms) {
      const inputs = await sources.hashInputs(image, hashedText(), salt);
      return { hash: inputs.hash, contentTag: inputs.contentTag, inputs };
    }
    const platforms = await Promise.all(
      image.platforms.map(async (platform) => ({
        platform,
        inputs: await sources.hashInputs({ ...image, platform }, hashedText(platform), salt),
      })),
    );
    const hash = indexHash(platforms.map((p) => ({ platform: p.platform, hash: p.inputs.hash })));
    return { hash, contentTag: contentTag(hash), platforms };
  });
}

/**
 * An upstream ref (or one not understood) as a Dockerfile of the run names it: pinned to its digest in
 * images.lock; a ref with a digest already stays as written.
 */
export function pinnedUpstream(target: ImageRefTarget, image: string, lock: LockFile): string | undefined {
  if (target.kind !== 'upstream') return undefined;
  const ref = parseReference(target.ref);
  if (ref.digest) return target.ref;
  const locked = lock.upstream[target.ref];
  if (!locked) {
    throw new PinyardError('PINYARD_LOCK_STALE', `${image}: ${target.ref} is not pinned in images.lock`, {
      hint: 'run `pinyard lock` and commit images.lock',
    });
  }
  return `${repositoryName(ref)}:${ref.tag}@${locked.digest}`;
}
