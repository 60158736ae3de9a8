import type { Readable } from 'node:stream';
import type { ParsedDockerfile } from '../../dockerfile/index.js';
import { addLabels, pinImageRefs } from '../../dockerfile/index.js';
import type { Builder } from '../../engine/index.js';
import type { ImageRefTarget } from '../../graph/index.js';
import type { LockFile } from '../../lock/index.js';
import type { ImageConfig } from '../../manifest/index.js';
import { byPlatform, parseReference, tryParseReference } from '../../reference/index.js';
import type { BuildHooks } from '../../report/build/events.js';
import type { ImageCheck } from './image-checks.js';
import { runIndexTask } from './index-task.js';
import { imageLabels } from './labels.js';
import { registryCache } from './registry-cache.js';
import type { SourceInfo } from './source-info.js';
import { pinnedUpstream } from './tree-hashes.js';

/** What the build needs of the engines and the registry (src/engine and src/registry implement them). */
export interface BuildPorts {
  /** `salt` forces a new hash when it changes (the day, for `rebuild: daily`). */
  hashInputs(image: ImageConfig, dockerfileText: string, salt?: string): Promise<HashedInputs>;
  /**
   * The content tag's digest in the registry (push) or the local engine, if it exists and its image's
   * `dev.pinyard.input-hash` label is `hash`; undefined otherwise (the image is then built again).
   */
  existing(ref: string, hash: string): Promise<string | undefined>;
  /**
   * A build slot on one engine for one image's pulls, build and push, near `preferred` (the engines that
   * built its parents) when one of those is free. The caller releases it.
   */
  reserveEngine(preferred: readonly string[], signal?: AbortSignal, platform?: string): Promise<EngineSlot>;
  /** Multi-platform images (with --push): the platform → manifest digest map of an index in the registry. */
  indexPlatforms?(ref: string): Promise<Record<string, string>>;
  /**
   * Multi-platform images: writes the image index over platform builds already in the registry under `ref`
   * (a content tag), reads it back, and returns its digest.
   */
  pushIndex?(
    ref: string,
    platforms: ReadonlyArray<{ platform: string; digest: string }>,
    annotations: Record<string, string>,
  ): Promise<string>;
}

/** One engine, reserved for one image. */
export interface EngineSlot {
  /** The engine's name as the report gives it: its docker context, or its DOCKER_HOST URL. */
  readonly engine: string;
  /** The builder it builds with: BuildKit, or the classic builder where the engine has no BuildKit. */
  readonly builder: Builder;
  /** Pulls `repository@digest` from the registry into this engine. */
  pull(ref: string, options: { signal: AbortSignal; name: string }): Promise<void>;
  build(
    image: ImageConfig,
    inputs: HashedInputs,
    options: {
      dockerfileText: string;
      tags: string[];
      signal: AbortSignal;
      name: string;
      /** Registries the build pulls from: they, and only they, get credentials. */
      pullsFrom: string[];
      /** Earlier builds of this image in the registry whose layers may be reused (BuildKit inline cache). */
      cacheFrom: string[];
    },
  ): Promise<{ imageId: string }>;
  /** Pushes and returns the manifest digest (checked against the registry); undefined when not pushing. */
  push?(ref: string, options: { signal: AbortSignal; name: string }): Promise<string>;
  release(): void;
}

export interface HashedInputs {
  hash: string;
  contentTag: string;
  /** The build context as a tar stream, with `dockerfileText` as the Dockerfile the engine reads. */
  context: (dockerfileText: string) => Promise<Readable>;
}

/** A finished image, as its children and the report see it. */
export interface BuiltImage {
  name: string;
  status: 'built' | 'skipped';
  /** Manifest digest (pushed) or local image ID. */
  digest: string;
  /** How a child names it in FROM: `repo@digest` when pushed, `repo:contentTag` locally. */
  pinnedRef: string;
  repository: string;
  contentTag: string;
  hash: string;
  /** A multi-platform image: each platform's manifest digest (what a child's FROM uses for that platform). */
  platforms?: Record<string, string>;
}

export interface ImageTaskContext {
  repositoryOf(name: string): string;
  classify(resolved: string): ImageRefTarget;
  lock: LockFile;
  /** Each image's hash and what its content tag lookup found, started for the whole tree at once. */
  checkOf(name: string): Promise<ImageCheck>;
  built: Map<string, BuiltImage>;
  /** The engine each image of this run is built on, from the moment it has one (failed builds too). */
  placements: Map<string, string>;
  /** The builder each image of this run was built with. */
  builders: Map<string, Builder>;
  ports: BuildPorts;
  pushing: boolean;
  /** `--dry-run`: say what would be built, build nothing. */
  dryRun: boolean;
  force: boolean;
  /** `--no-cache`: no layer cache, neither the engine's nor the registry's. */
  noCache: boolean;
  /** `--platform P`: multi-platform images build only P, and write no index (a job of a run per platform). */
  onlyPlatform?: string;
  /** `--merge-platforms`: multi-platform images take their platform builds from the registry, build none. */
  mergePlatforms?: boolean;
  /** Asked only when an image is built: it runs git. */
  source: () => Promise<SourceInfo>;
  hooks: Required<BuildHooks>;
  now: () => Date;
  /** Name the engine of each build in the progress output: several engines, or a docker context. */
  showEngines?: boolean;
}

/**
 * One image of the run: reuse its content tag when the check found it (looked up ahead, unless --force),
 * else pin its Dockerfile to the lock and its parents' digests, build it on an engine and push it.
 * Under --dry-run, an image that would be built resolves to undefined instead.
 */
export async function runImageTask(
  image: ImageConfig,
  parsed: ParsedDockerfile,
  dockerfileText: string,
  ctx: ImageTaskContext,
  signal: AbortSignal,
): Promise<BuiltImage | undefined> {
  // The images of the tree this Dockerfile names (FROM, COPY --from), in the order it names them, and
  // the registries the build pulls from.
  const parents = new Set<string>();
  const pullsFrom = new Set<string>();
  const pinFor =
    (platform: string | undefined) =>
    (resolved: string): string | undefined => {
      const target = ctx.classify(resolved);
      if (target.kind === 'image') parents.add(target.name);
      const text = pinnedText(target, image, ctx, platform);
      // Without --push a tree image is a local name, not in any registry.
      const pulled = text !== undefined && (ctx.pushing || target.kind !== 'image');
      const ref = pulled ? tryParseReference(text) : undefined;
      if (ref?.ok) pullsFrom.add(ref.ref.registry);
      return text;
    };
  const pinnedDockerfile = pinImageRefs(dockerfileText, parsed, pinFor(undefined));
  ctx.hooks.onImageChecking(image.name);
  const check = await ctx.checkOf(image.name);
  if (image.platforms) {
    // Each platform's own text: a tree parent pinned to its manifest for that platform, so a platform
    // build is the same whether its parent's index exists yet (a run per platform) or not.
    const pinnedFor = (platform: string) => pinImageRefs(dockerfileText, parsed, pinFor(platform));
    return runIndexTask({ image, parsed, pinnedFor, check, pullsFrom, parents }, ctx, signal);
  }
  const inputs = check.hash.inputs!;
  const repository = ctx.repositoryOf(image.name);
  const contentRef = `${repository}:${inputs.contentTag}`;
  const result = (status: BuiltImage['status'], digest: string): BuiltImage => ({
    name: image.name,
    status,
    digest,
    pinnedRef: ctx.pushing ? `${repository}@${digest}` : contentRef,
    repository,
    contentTag: inputs.contentTag,
    hash: inputs.hash,
  });

  if (check.existing) return result('skipped', check.existing.digest);
  if (ctx.dryRun) return undefined;
  const placedParents = [...parents].flatMap((p) => ctx.placements.get(p) ?? []);
  const slot = await ctx.ports.reserveEngine(placedParents, signal);
  ctx.placements.set(image.name, slot.engine);
  ctx.builders.set(image.name, slot.builder);
  try {
    ctx.hooks.onImageBuilding(image.name, ctx.showEngines ? slot.engine : undefined);
    if (ctx.pushing) await pullParents([...parents], slot, image.name, ctx, signal);
    const labels = await imageLabels(image, parsed, inputs.hash, ctx);
    // Labels go in after hashing: `created` changes on every build and must not change the content tag.
    const cacheFrom = registryCache(image, repository, ctx);
    if (cacheFrom.length > 0) pullsFrom.add(parseReference(repository).registry);
    if (slot.builder === 'buildkit') await pullCacheSource(cacheFrom, slot, image.name, ctx, signal);
    const { imageId } = await slot.build(image, inputs, {
      dockerfileText: addLabels(pinnedDockerfile, parsed, labels, image.target),
      tags: [contentRef],
      signal,
      name: image.name,
      pullsFrom: [...pullsFrom],
      cacheFrom,
    });
    if (!slot.push) return result('built', imageId);
    ctx.hooks.onImagePushing(image.name);
    return result('built', await slot.push(contentRef, { signal, name: image.name }));
  } finally {
    slot.release();
  }
}

/**
 * The registry cache's image pulled into the engine before the build. dockerd 20.10's BuildKit pushes an image
 * whose steps came from a `--cache-from` it did not hold locally with an incomplete inline cache (moby/buildkit
 * #1981, #1992), so the next fresh engine would miss the cache every other run; with the image local, what it
 * pushes carries the whole cache. Best effort: the first build of an image has no cache source yet.
 */
async function pullCacheSource(
  cacheFrom: string[],
  slot: EngineSlot,
  name: string,
  ctx: ImageTaskContext,
  signal: AbortSignal,
): Promise<void> {
  for (const ref of cacheFrom) {
    try {
      await slot.pull(ref, { signal, name });
    } catch (error) {
      signal.throwIfAborted();
      ctx.hooks.onImageLog(name, `no registry cache from ${ref}: ${(error as Error).message}`);
    }
  }
}

/**
 * Every parent this engine did not build in this run (built on another engine, or reused from the
 * registry) is pulled by digest before the build: the builder would pull it anyway, but a pull of its own
 * fails as a pull that names the parent and the account, not as a FROM step, and shows in the log.
 */
async function pullParents(
  parents: string[],
  slot: EngineSlot,
  name: string,
  ctx: ImageTaskContext,
  signal: AbortSignal,
): Promise<void> {
  for (const parent of parents) {
    const placed = ctx.placements.get(parent);
    const built = ctx.built.get(parent);
    if (placed === slot.engine || !built) continue;
    const from = placed ? `built on ${placed}` : 'unchanged, from the registry';
    ctx.hooks.onImageLog(name, `pulling ${parent} as ${built.pinnedRef} (${from})`);
    await slot.pull(built.pinnedRef, { signal, name });
  }
}

/** The pinned text for an image a Dockerfile names: its digest from the lock or from this run. */
function pinnedText(
  target: ImageRefTarget,
  image: ImageConfig,
  ctx: ImageTaskContext,
  platform?: string,
): string | undefined {
  if (target.kind === 'image') {
    const parent = ctx.built.get(target.name);
    const manifest = platform === undefined ? undefined : byPlatform(parent?.platforms, platform);
    return manifest && parent ? `${parent.repository}@${manifest}` : parent?.pinnedRef;
  }
  return pinnedUpstream(target, image.name, ctx.lock);
}
