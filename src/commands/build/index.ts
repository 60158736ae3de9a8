import path from 'node:path';
import type { CommandContext } from '../../cli/io.js';
import { secrets } from '../../credentials/redact.js';
import type { Builder } from '../../engine/index.js';
import { ExitCode, PinyardError } from '../../errors.js';
import { imageRefClassifier, platformProblems, selectImages } from '../../graph/index.js';
import { FileDigestCacheFile } from '../../hash/index.js';
import { parseReference } from '../../reference/index.js';
import { RegistryClient } from '../../registry/index.js';
import { type BuildReport, chooseReporters } from '../../report/build/index.js';
import { runDag, type TaskOutcome } from '../../scheduler/index.js';
import { loadCommandProject } from '../command-project.js';
import { collectPlatformProblems } from '../load-project.js';
import { secretArgValues } from './arg-secrets.js';
import { builderPreference, checkExtraTags, checkPlatformOptions, forPlatform } from './build-options.js';
import { checkBuilderPreference } from './builders.js';
import { chooseEngines, engineEndpoints } from './engines.js';
import { ensureLock } from './ensure-lock.js';
import { humanTagRefs, plannedTagMoves, tagHeads } from './human-tags.js';
import { imageChecks } from './image-checks.js';
import { imageReport } from './image-report.js';
import { type BuiltImage, type ImageTaskContext, runImageTask } from './image-task.js';
import { connectPorts } from './ports.js';
import { readBuildSecrets, secretLikeArgWarnings } from './secrets.js';
import { sourceInfo } from './source-info.js';
import { treeHashes } from './tree-hashes.js';

export interface BuildOptions {
  push?: boolean;
  only?: string[];
  force?: boolean;
  frozen?: boolean;
  concurrency: number;
  failFast?: boolean;
  tag?: string[];
  report?: string;
  dryRun?: boolean;
  logDir?: string;
  /** `--engine URL`, repeatable: DOCKER_HOST URLs to build on at once (over `engines:` in images.yml). */
  engine?: string[];
  /** `--builder buildkit|classic`, over `builder:` in images.yml. */
  builder?: 'buildkit' | 'classic';
  /** False with `--no-cache` (commander's negated flag): neither the engine's layer cache nor the registry's. */
  cache?: boolean;
  /** `--platform os/arch`: one job of a run fanned out per platform. */
  platform?: string;
  /** `--merge-platforms`: the job that writes the indexes from the platform jobs' builds. */
  mergePlatforms?: boolean;
}

/** Images whose content tags are looked up at once, besides those building. */
const CHECKS_IN_FLIGHT = 8;

/**
 * `pinyard build`: every image of the tree (or --only and its ancestors) in dependency order, each FROM
 * pinned, unchanged images reused by their content tag, content tags pushed, and the human tags moved in
 * a last phase only when every image succeeded.
 */
export async function buildCommand(ctx: CommandContext, options: BuildOptions): Promise<number> {
  const started = Date.now();
  const { manifest, graph, dockerfiles, texts } = await loadCommandProject(ctx);
  // Before anything could print them (and announced to GitHub Actions as masks).
  for (const image of manifest.images) secrets.add(...secretArgValues(image, dockerfiles.get(image.name)));
  const pushing = Boolean(options.push);
  if (pushing && !manifest.registry) {
    throw new PinyardError('PINYARD_USAGE', '--push needs a registry to push to', {
      hint: 'set `registry:` in images.yml (host[:port][/namespace])',
    });
  }
  const engines = chooseEngines(options.engine, manifest, pushing);
  const endpoints = engineEndpoints(engines, ctx.env);
  const chosen = options.only?.length ? selectImages(graph, options.only) : graph;
  const selected = options.platform ? forPlatform(chosen, graph, manifest.images, options.platform) : chosen;
  const configs = new Map(manifest.images.map((i) => [i.name, i]));
  checkExtraTags(options.tag ?? [], selected.order, configs);
  const selectedImages = selected.order.map((name) => configs.get(name)!);
  const dryRun = Boolean(options.dryRun);
  // Bad input is refused before anything is done, images.lock written included.
  checkPlatformOptions(options, selectedImages, { pushing, dryRun });
  const builder = builderPreference(options, manifest, selectedImages);
  checkBuilderPreference(builder);
  // Every secret value is masked as it is read (in GitHub Actions too: cli/run.ts listens for secrets).
  const buildSecrets = dryRun ? new Map() : readBuildSecrets(selectedImages, ctx.env, manifest.dir);
  const registry = new RegistryClient({ insecureRegistries: manifest.insecureRegistries, env: ctx.env });
  const frozen = Boolean(options.frozen);
  const lock = await ensureLock(manifest, graph, {
    frozen,
    cwd: ctx.cwd,
    resolver: registry,
    write: !dryRun,
  });
  // Upstream indexes must have every platform an image is built for: known once the lock is.
  const upstreamPlatforms = platformProblems(selected, manifest.images, (ref) => {
    const platforms = lock.upstream[ref]?.platforms;
    return platforms ? Object.keys(platforms) : undefined;
  });
  if (upstreamPlatforms.length > 0) throw collectPlatformProblems(upstreamPlatforms);
  for (const warning of secretLikeArgWarnings(selectedImages)) ctx.stderr.write(`${warning}\n`);
  const logDir = options.logDir ?? path.join(manifest.dir, '.pinyard', 'logs');
  const progress = ctx.json ? ctx.stderr : ctx.stdout;
  const { hooks, logFile } = chooseReporters({
    tty: Boolean(progress.isTTY),
    json: ctx.json,
    ...(options.report ? { reportFile: path.resolve(ctx.cwd, options.report) } : {}),
    logDir,
    stdout: ctx.stdout,
    stderr: ctx.stderr,
    github: { env: ctx.env, cwd: ctx.cwd, graph: selected, images: configs, texts },
  });
  // Unchanged files are not read again (their digests are kept by stat): see hash/file-digest-cache.ts.
  const digestCache =
    ctx.env.PINYARD_HASH_CACHE === '0'
      ? undefined
      : await new FileDigestCacheFile(
          path.join(manifest.dir, '.pinyard', 'cache', 'file-digests.json'),
        ).load();
  const ports = await connectPorts({
    manifest,
    registry,
    env: ctx.env,
    pushing,
    hooks,
    engines,
    endpoints,
    slotsPerEngine: options.concurrency,
    builder,
    noCache: options.cache === false,
    secrets: buildSecrets,
    ...(digestCache ? { digestCache } : {}),
    notice: (line) => ctx.stderr.write(`${line}\n`),
  });
  const nodes = selected.order.map((name) => ({ name, parents: selected.images.get(name)!.parents }));
  hooks.onPlan(nodes);

  const built = new Map<string, BuiltImage>();
  let source: ReturnType<typeof sourceInfo> | undefined;
  const placements = new Map<string, string>();
  const builders = new Map<string, Builder>();
  const durations = new Map<string, number>();
  const repositoryOf = (name: string) => {
    const repository = configs.get(name)?.repository ?? name;
    return manifest.registry ? `${manifest.registry}/${repository}` : repository;
  };
  // Pull tokens for every repository whose content tag is looked up, fetched ahead in a few batches.
  const authorized = pushing
    ? registry.authorizePulls(nodes.map(({ name }) => parseReference(`${repositoryOf(name)}:x`)))
    : undefined;
  const classify = imageRefClassifier(manifest.images, manifest.registry);
  const force = Boolean(options.force);
  // SIGINT/SIGTERM abort the running builds (the engine cancels them) and start nothing more: no build, no
  // hashing, no lookup.
  const interrupt = new AbortController();
  const hashOf = treeHashes({
    signal: interrupt.signal,
    configs,
    dockerfiles,
    texts,
    repositoryOf,
    classify,
    parentsOf: (name) => graph.images.get(name)?.parents ?? [],
    lock,
    hashInputs: ports.hashInputs,
    today: new Date().toISOString().slice(0, 10),
  });
  const checks = imageChecks({
    signal: interrupt.signal,
    repositoryOf,
    hashOf,
    ports,
    force,
    pushing,
    ...(options.platform ? { onlyPlatform: options.platform } : {}),
  });
  const taskContext: ImageTaskContext = {
    repositoryOf,
    classify,
    lock,
    checkOf: checks.checkOf,
    built,
    placements,
    builders,
    ports,
    pushing,
    dryRun,
    force,
    noCache: options.cache === false,
    ...(options.platform ? { onlyPlatform: options.platform } : {}),
    mergePlatforms: Boolean(options.mergePlatforms),
    source: () => (source ??= sourceInfo(manifest.dir, ctx.env)),
    hooks,
    now: () => new Date(),
    showEngines: endpoints.length > 1 || endpoints.some((e) => e.origin.kind === 'context'),
  };
  const report = (name: string, outcome: TaskOutcome) => ({
    ...imageReport(
      name,
      selected.images.get(name)!.parents,
      outcome,
      built.get(name),
      durations.get(name) ?? 0,
    ),
    ...(placements.has(name) ? { engine: placements.get(name)! } : {}),
    ...(builders.has(name) ? { builder: builders.get(name)! } : {}),
    ...(logFile(name) ? { log: logFile(name) } : {}),
  });

  const onSignal = () => interrupt.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // One platform's job writes no index, so no human tag can move yet: the merge job moves them.
  const movesTags = !dryRun && !options.platform;
  const heads = pushing && movesTags ? tagHeads(ports.tagDigest) : undefined;
  let outcomes: Map<string, TaskOutcome>;
  try {
    // The contexts are hashed while the registry answers for tokens; then every content tag is looked up
    // at once: a no-change run costs one round of lookups, not one per level of the tree.
    for (const { name } of nodes) hashOf(name).catch(() => undefined);
    await authorized;
    checks.lookAhead(nodes.map(({ name }) => name));
    outcomes = await runDag(
      nodes,
      async (name, signal) => {
        const t0 = Date.now();
        try {
          const result = await runImageTask(
            configs.get(name)!,
            dockerfiles.get(name)!,
            texts.get(name)!,
            taskContext,
            signal,
          );
          if (result) built.set(name, result);
          if (result?.status === 'skipped') {
            heads?.ask(humanTagRefs(result.repository, configs.get(name)!.tags, options.tag ?? []));
          }
        } finally {
          durations.set(name, Date.now() - t0);
        }
        hooks.onImageFinished(report(name, { status: 'succeeded' }));
      },
      {
        // --concurrency is per engine and counts builds (engine-slots.ts); hashing inputs and looking up
        // content tags is cheap and waits on the network, so more images than that are checked at once.
        concurrency: options.concurrency * Math.max(1, engines.addresses.length) + CHECKS_IN_FLIGHT,
        failFast: Boolean(options.failFast),
        signal: interrupt.signal,
      },
    );
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  if (!dryRun) await digestCache?.save();
  // An engine that does not answer when the first image needs one fails the run as a whole, once: every
  // engine is pinged before anything is built, so nothing was.
  if (ports.engineFailure() !== undefined) throw ports.engineFailure();

  const images = nodes.map(({ name }) => report(name, outcomes.get(name)!));
  for (const image of images)
    if (image.status === 'failed' || image.status === 'blocked') hooks.onImageFinished(image);

  const succeeded = images.every((i) => ['built', 'skipped', 'planned'].includes(i.status));
  if (succeeded && movesTags) {
    const moves = plannedTagMoves(built, (name) => configs.get(name)!.tags, options.tag ?? []);
    const builtNothing = [...built.values()].every((image) => image.status === 'skipped');
    await ports.moveTags(moves, builtNothing ? heads?.answer : undefined);
    hooks.onTagsMoved(moves);
    for (const image of images)
      image.tags.push(...moves.filter((m) => m.name === image.name).map((m) => m.ref));
  }
  const summary: BuildReport = {
    version: 1,
    status: interrupt.signal.aborted ? 'cancelled' : succeeded ? 'succeeded' : 'failed',
    tagsMoved: succeeded && movesTags,
    images,
    durationMs: Date.now() - started,
  };
  hooks.onRunFinished(summary);
  return succeeded ? ExitCode.ok : ExitCode.failed;
}
