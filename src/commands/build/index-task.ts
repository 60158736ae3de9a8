import type { ParsedDockerfile } from '../../dockerfile/index.js';
import { addLabels } from '../../dockerfile/index.js';
import { PinyardError } from '../../errors.js';
import type { ImageConfig } from '../../manifest/index.js';
import { normalizePlatform, parseReference } from '../../reference/index.js';
import type { ImageCheck } from './image-checks.js';
import { indexAnnotations } from './image-index.js';
import type { BuiltImage, HashedInputs, ImageTaskContext } from './image-task.js';
import { imageLabels } from './labels.js';
import { registryCache } from './registry-cache.js';

export interface IndexTaskInputs {
  image: ImageConfig;
  parsed: ParsedDockerfile;
  /** The Dockerfile with every FROM pinned for one platform (tree parents to that platform's manifest). */
  pinnedFor(platform: string): string;
  /** Its hashes (the index's, each platform build's) and whether the index (or the one platform) exists. */
  check: ImageCheck;
  /** Registries the builds pull from. */
  pullsFrom: Set<string>;
  /** The images of the tree it is built from. */
  parents: Set<string>;
}

/**
 * A multi-platform image: each platform is a build of its own (BuildKit `platform`, the platform args set
 * by the builder, each FROM resolving to that platform's manifest of the pinned index), pushed under its own
 * content tag; then one OCI image index over them, written with pinyard's registry client under the image's
 * content tag, read back before it counts. The index's hash covers the platform list and each platform's
 * hash, so an unchanged image finds its index and builds nothing, and a platform added to the list builds
 * only that platform (the others are found by their content tags).
 */
export async function runIndexTask(
  inputs: IndexTaskInputs,
  ctx: ImageTaskContext,
  signal: AbortSignal,
): Promise<BuiltImage | undefined> {
  const { image, check } = inputs;
  const platforms = image.platforms!;
  const { indexPlatforms, pushIndex } = ctx.ports;
  // Without a registry there is no index to find: a dry run says it would be built.
  if (!ctx.pushing && ctx.dryRun) return undefined;
  if (!ctx.pushing || !indexPlatforms || !pushIndex) {
    throw new PinyardError(
      'PINYARD_USAGE',
      `${image.name} is built for ${platforms.join(', ')}: a multi-platform image is an index in a registry`,
      { hint: 'build with --push (and `registry:` in images.yml), or give the image one `platform:`' },
    );
  }
  const builds = check.hash.platforms!;
  const { hash, contentTag: tag } = check.hash;
  const repository = ctx.repositoryOf(image.name);
  const result = (status: BuiltImage['status'], digest: string, byPlatform: Record<string, string>) => ({
    name: image.name,
    status,
    digest,
    pinnedRef: `${repository}@${digest}`,
    repository,
    contentTag: tag,
    hash,
    platforms: byPlatform,
  });

  if (ctx.onlyPlatform) return onePlatformOnly(inputs, builds, repository, ctx, signal);
  if (check.existing) return result('skipped', check.existing.digest, check.existing.platforms ?? {});
  if (ctx.dryRun) return undefined;
  ctx.hooks.onImageBuilding(image.name);
  const settled = await Promise.allSettled(
    builds.map((build) => platformBuild(inputs, build.platform, build.inputs, repository, ctx, signal)),
  );
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  const byPlatform = Object.fromEntries(
    settled.map((s, i) => [builds[i]!.platform, (s as PromiseFulfilledResult<string>).value]),
  );
  // The index says what holds for the whole image: when, from which commit, which version.
  const annotations = indexAnnotations(await imageLabels(image, inputs.parsed, hash, ctx));
  ctx.hooks.onImageLog(
    image.name,
    `writing the image index of ${platforms.join(', ')} as ${repository}:${tag}`,
  );
  const digest = await pushIndex(
    `${repository}:${tag}`,
    Object.entries(byPlatform).map(([platform, d]) => ({ platform, digest: d })),
    annotations,
  );
  return result('built', digest, byPlatform);
}

/**
 * `build --platform P` (one job of a run fanned out per platform): only P's build, under its content tag,
 * and no index; children of this run pin to it. The merge job (`--merge-platforms`) writes the indexes.
 */
async function onePlatformOnly(
  inputs: IndexTaskInputs,
  builds: Array<{ platform: string; inputs: HashedInputs }>,
  repository: string,
  ctx: ImageTaskContext,
  signal: AbortSignal,
): Promise<BuiltImage | undefined> {
  const wanted = normalizePlatform(ctx.onlyPlatform!);
  const build = builds.find((b) => normalizePlatform(b.platform) === wanted);
  if (!build) {
    throw new PinyardError('PINYARD_USAGE', `${inputs.image.name} is not built for ${ctx.onlyPlatform}`, {
      hint: 'leave it out of this platform’s job (--only), or add the platform to its `platforms`',
    });
  }
  const existing = inputs.check.existing?.digest;
  if (!existing && ctx.dryRun) return undefined;
  if (!existing) ctx.hooks.onImageBuilding(inputs.image.name);
  const digest =
    existing ?? (await platformBuild(inputs, build.platform, build.inputs, repository, ctx, signal));
  return {
    name: inputs.image.name,
    status: existing ? 'skipped' : 'built',
    digest,
    pinnedRef: `${repository}@${digest}`,
    repository,
    contentTag: build.inputs.contentTag,
    hash: build.inputs.hash,
    platforms: { [build.platform]: digest },
  };
}

/** One platform of the image: reused by its content tag, or built on an engine and pushed. */
async function platformBuild(
  inputs: IndexTaskInputs,
  platform: string,
  hashed: HashedInputs,
  repository: string,
  ctx: ImageTaskContext,
  signal: AbortSignal,
): Promise<string> {
  const { image } = inputs;
  const name = image.name;
  const ref = `${repository}:${hashed.contentTag}`;
  if (!ctx.force) {
    const existing = await ctx.ports.existing(ref, hashed.hash);
    if (existing) {
      ctx.hooks.onImageLog(name, `${platform}: reusing ${ref} (${existing})`);
      return existing;
    }
  }
  if (ctx.mergePlatforms) {
    throw new PinyardError(
      'PINYARD_NOT_FOUND',
      `${name}: its ${platform} build (${ref}) is not in the registry, so there is no index to merge`,
      {
        hint: `run that platform's job first (build --push --platform ${platform}), or build without --merge-platforms`,
      },
    );
  }
  const key = `${name}@${platform}`;
  // Parent affinity per platform: the engine that built a parent's build of the same platform.
  const preferred = [...inputs.parents].flatMap(
    (parent) => ctx.placements.get(`${parent}@${platform}`) ?? [],
  );
  const slot = await ctx.ports.reserveEngine(preferred, signal, platform);
  ctx.placements.set(key, slot.engine);
  if (!ctx.placements.has(name)) ctx.placements.set(name, slot.engine);
  ctx.builders.set(name, slot.builder);
  try {
    ctx.hooks.onImageLog(name, `${platform}: building on ${slot.engine}`);
    const labels = await imageLabels(image, inputs.parsed, hashed.hash, ctx, platform);
    const cacheFrom = registryCache(image, repository, ctx);
    const pullsFrom = new Set(inputs.pullsFrom);
    if (cacheFrom.length > 0) pullsFrom.add(parseReference(repository).registry);
    await slot.build({ ...image, platform }, hashed, {
      dockerfileText: addLabels(inputs.pinnedFor(platform), inputs.parsed, labels, image.target),
      tags: [ref],
      signal,
      name,
      pullsFrom: [...pullsFrom],
      cacheFrom,
    });
    ctx.hooks.onImagePushing(name);
    return await slot.push!(ref, { signal, name });
  } finally {
    slot.release();
  }
}
