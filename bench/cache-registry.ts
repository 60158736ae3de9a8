import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BuildReport } from '../src/report/build/index.js';
import { type RunningWorld, startSecondEngine, writeDockerConfig } from '../test/world/index.js';
import { type PinyardRun, pinyard, timePinyardBuild } from './build-runs.js';
import { treeImages, upstreamBase, writeContent, writePinyardTree } from './build-tree.js';

/** 1 + 3 + 6 = 10 images. */
const levelSizes = [1, 3, 6];
/** The stand-in for a package install: early in the base, slow, and never edited. */
const slowStep = 'RUN sleep 5 && echo "stand-in for a package install" > /etc/packages';

/**
 * The three rebuilds of a round, in this order: `--no-cache`; the registry cache taken from that build
 * (made without it); the registry cache taken from the build before, which took it itself (the next
 * CI run).
 */
export const cacheRuns = ['uncached', 'cached', 'cachedAgain'] as const;
export type CacheRun = (typeof cacheRuns)[number];

export interface CacheSample {
  wallMs: number;
  /** The base's own build, from the report. */
  baseMs: number;
  /** Whether the base's log shows the slow step CACHED. */
  slowStepCached: boolean;
}

export type RegistryCacheSamples = Record<CacheRun, CacheSample[]>;

export const registryCacheImages = levelSizes.reduce((sum, size) => sum + size);

/**
 * What a CI runner sees: the tree was built and pushed before (on the world's engine), then a late edit
 * in the base rebuilds all 10 images on a fresh, empty engine (a new second engine for every measured
 * run, so no run finds a local cache), without and with the registry layer cache. Every run gets its
 * own edit, so every run rebuilds the whole tree. The base's log must show the slow step built without
 * the cache and CACHED with it, so the numbers mean what the table says; `cachedAgain` only records
 * what it shows, since dockerd 20.10's BuildKit loses the inline cache of layers a build took from the
 * cache (moby/buildkit#1981 and #1992; no newer engine was tried here).
 */
export async function measureRegistryCache(
  world: RunningWorld,
  options: { label: string; rounds: number; concurrency: string; log: (line: string) => void },
): Promise<RegistryCacheSamples> {
  const images = treeImages(levelSizes);
  const base = images[0]!.name;
  const dir = join(world.workDir, 'cache-bench-registry');
  // A namespace of its own: the first human tags the cache comes from are this run's, never an older one's.
  const registry = `${world.tokenRegistry.host}/bench-cache-${randomUUID().slice(0, 8)}`;
  await writePinyardTree(dir, images, { registry, mirror: world.upstream.host, label: options.label });
  await writeFile(join(dir, 'images', base, 'Dockerfile'), baseDockerfile(base, options.label));
  const contextOf = (name: string) => join(dir, 'images', name);
  await writeContent(contextOf, images, randomUUID());
  const dockerConfig = await writeDockerConfig(join(dir, '.docker'), [
    { host: world.tokenRegistry.host, user: world.users.admin },
  ]);
  const on = (dockerHost: string): PinyardRun => ({
    dir,
    env: { ...process.env, DOCKER_HOST: dockerHost, DOCKER_CONFIG: dockerConfig },
  });
  const built = { status: 'built', images: images.length, builder: 'buildkit' } as const;
  const args = ['--concurrency', options.concurrency, '--push'];

  // Unmeasured: the build before the edit, whose layers (and inline cache) are in the registry.
  await pinyard(on(world.dockerHost), ['lock']);
  await timePinyardBuild(on(world.dockerHost), args, built);

  const samples: RegistryCacheSamples = { uncached: [], cached: [], cachedAgain: [] };
  for (let round = 1; round <= options.rounds; round++) {
    for (const run of cacheRuns) {
      // The late edit: the base's data file, copied after the slow step.
      await writeContent(contextOf, [images[0]!], randomUUID());
      const engine = await startSecondEngine(world, options.log);
      try {
        const wallMs = await timePinyardBuild(
          on(engine.dockerHost),
          run === 'uncached' ? [...args, '--no-cache'] : args,
          built,
        );
        const sample = { wallMs, ...(await baseBuild(dir, base, run)) };
        samples[run].push(sample);
        options.log(
          `round ${round}/${options.rounds}, ${run}: ${(wallMs / 1000).toFixed(1)} s, base ${(sample.baseMs / 1000).toFixed(1)} s, slow step ${sample.slowStepCached ? 'CACHED' : 'built'}`,
        );
      } finally {
        await engine.stop();
      }
    }
  }
  return samples;
}

/** The base: the slow step early, the edited file late, then the tree's usual RUN. */
function baseDockerfile(name: string, label: string): string {
  return [
    `FROM ${upstreamBase}`,
    `LABEL ${label}`,
    slowStep,
    `COPY data.txt /srv/${name}/data.txt`,
    `RUN mkdir -p /var/lib/${name} && wc -c /srv/${name}/data.txt > /var/lib/${name}/size`,
    '',
  ].join('\n');
}

/**
 * The base's build time (from the report) and whether its log shows the slow step CACHED. A run with
 * the cache must have imported the cache manifest, and the run without it must not have: anything else
 * means the run did not measure what the table says. `cached` must show the slow step CACHED and
 * `uncached` must not; `cachedAgain` is recorded as it is.
 */
async function baseBuild(dir: string, base: string, run: CacheRun): Promise<Omit<CacheSample, 'wallMs'>> {
  const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as BuildReport;
  const baseMs = report.images.find((image) => image.name === base)?.durationMs;
  const logFile = join(dir, '.pinyard', 'logs', `${base}.log`);
  const log = await readFile(logFile, 'utf8');
  if (baseMs === undefined || !/^(CACHED )?\[[^\]\n]*\] RUN sleep 5\b/m.test(log)) {
    throw new Error(`${logFile} shows no "RUN sleep 5" step, or the report no ${base}:\n${log}`);
  }
  const slowStepCached = /^CACHED \[[^\]\n]*\] RUN sleep 5\b/m.test(log);
  const imported = /^importing cache manifest from /m.test(log);
  const withCache = run !== 'uncached';
  if (imported !== withCache || (run !== 'cachedAgain' && slowStepCached !== withCache)) {
    throw new Error(
      `${run} run: the cache manifest ${imported ? 'was' : 'was not'} imported and the slow step was ${slowStepCached ? '' : 'not '}CACHED (${logFile}):\n${log}`,
    );
  }
  return { baseMs, slowStepCached };
}
