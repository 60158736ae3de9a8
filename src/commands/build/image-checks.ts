import pLimit from 'p-limit';
import { normalizePlatform } from '../../reference/index.js';
import type { BuildPorts } from './image-task.js';
import type { ImageHash } from './tree-hashes.js';

/** What a run found of an image before building it. */
export interface ImageCheck {
  hash: ImageHash;
  /** Its content tag is in the registry (or the engine, without --push) with its input-hash label. */
  existing?: {
    digest: string;
    /** A multi-platform image's index: platform → manifest digest. */
    platforms?: Record<string, string>;
  };
}

export interface ImageCheckSources {
  repositoryOf(name: string): string;
  hashOf(name: string): Promise<ImageHash>;
  ports: Pick<BuildPorts, 'existing' | 'indexPlatforms'>;
  /** --force: nothing is looked up, everything is built. */
  force: boolean;
  pushing: boolean;
  /** `--platform P`: a multi-platform image is looked up by P's build, not by its index. */
  onlyPlatform?: string;
  /** An interrupted run looks nothing more up. */
  signal?: AbortSignal;
}

/** Images whose content tags are looked up at once: the registry client queues past its pool anyway. */
const CHECKS_AT_ONCE = 16;

/**
 * Every image's check, each made once. `lookAhead` starts them all at the start of a run: an image's hash
 * does not wait on its parents' lookups (tree-hashes.ts), so the checks of a whole tree go out together,
 * and the run's tasks find their answers waiting.
 */
export function imageChecks(sources: ImageCheckSources): {
  checkOf(name: string): Promise<ImageCheck>;
  lookAhead(names: readonly string[]): void;
} {
  const checks = new Map<string, Promise<ImageCheck>>();
  const limit = pLimit(CHECKS_AT_ONCE);
  const checkOf = (name: string): Promise<ImageCheck> => {
    let check = checks.get(name);
    if (!check) {
      check = sources.hashOf(name).then((hash) =>
        limit(() => {
          sources.signal?.throwIfAborted();
          return lookUp(name, hash, sources);
        }),
      );
      checks.set(name, check);
    }
    return check;
  };
  return {
    checkOf,
    lookAhead(names) {
      // Each task awaits its own check and sees its failure; here a failure is only kept from being unhandled.
      for (const name of names) checkOf(name).catch(() => undefined);
    },
  };
}

async function lookUp(name: string, hash: ImageHash, sources: ImageCheckSources): Promise<ImageCheck> {
  if (sources.force) return { hash };
  const repository = sources.repositoryOf(name);
  const { existing, indexPlatforms } = sources.ports;
  if (hash.inputs) {
    const digest = await existing(`${repository}:${hash.contentTag}`, hash.hash);
    return digest ? { hash, existing: { digest } } : { hash };
  }
  // A multi-platform image is an index in a registry: without --push there is none to find.
  if (!sources.pushing || !indexPlatforms) return { hash };
  if (sources.onlyPlatform) {
    const wanted = normalizePlatform(sources.onlyPlatform);
    const build = hash.platforms?.find((p) => normalizePlatform(p.platform) === wanted);
    if (!build) return { hash };
    const digest = await existing(`${repository}:${build.inputs.contentTag}`, build.inputs.hash);
    return digest ? { hash, existing: { digest, platforms: { [build.platform]: digest } } } : { hash };
  }
  const digest = await existing(`${repository}:${hash.contentTag}`, hash.hash);
  if (!digest) return { hash };
  return { hash, existing: { digest, platforms: await indexPlatforms(`${repository}@${digest}`) } };
}
