import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { engineClient, startWorld } from '../test/world/index.js';
import { removeImages } from './build-runs.js';
import { type BuilderSamples, measureBuilders } from './cache-builders.js';
import {
  type CacheRun,
  measureRegistryCache,
  type RegistryCacheSamples,
  registryCacheImages,
} from './cache-registry.js';
import { median } from './measure.js';
import { printTable } from './table.js';

/** Each measured run of (a) starts an engine of its own: three rounds of three runs take about 4 minutes. */
const cacheRounds = 3;
/** A cold build of 30 images costs most of the time: three of each of the four variants, about 8 minutes. */
const builderRounds = 3;
const concurrency = '2';

/**
 * BuildKit: (a) the registry layer cache on a fresh, empty engine after a late edit in a base with a
 * slow early step, against `--no-cache`; (b) the first build of the 30-image bench tree with BuildKit
 * against the classic builder.
 */
export async function benchCache(): Promise<void> {
  const started = performance.now();
  const log = (line: string) => console.error(`[bench] ${line}`);
  const world = await startWorld({ log: (line) => console.error(`[world] ${line}`) });
  const docker = engineClient(world.dockerHost);
  // Marks every image this run commits on the world's engine, and only those: the engine is shared.
  const label = `dev.pinyard.bench=${randomUUID()}`;
  const load = () =>
    loadavg()
      .map((value) => value.toFixed(1))
      .join(' ');
  try {
    log(`load average at the start: ${load()}`);
    const cache = await measureRegistryCache(world, { label, rounds: cacheRounds, concurrency, log });
    await removeImages(docker, label);
    const builders = await measureBuilders(world, docker, { label, rounds: builderRounds, concurrency, log });
    printCacheTable(cache);
    printBuilderTable(builders);
    log(`load average at the end: ${load()}`);
    log(`cache benchmark took ${((performance.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    await removeImages(docker, label).catch((error) =>
      console.error(`[bench] removing the benchmark's images failed: ${error}`),
    );
    await world.stop();
  }
}

const header = ['run', 'wall ms', 'ratio', 'target'];
const ms = (values: number[]) => median(values).toFixed(0);

function printCacheTable(samples: RegistryCacheSamples): void {
  const args = `--concurrency ${concurrency} --push`;
  const wall = (run: CacheRun) => median(samples[run].map((sample) => sample.wallMs));
  const row = (run: CacheRun, name: string): string[] => {
    const runs = samples[run];
    const cached = runs.filter((sample) => sample.slowStepCached).length;
    return [
      name,
      wall(run).toFixed(0),
      ms(runs.map((sample) => sample.baseMs)),
      cached === runs.length ? 'CACHED' : cached === 0 ? 'built' : `CACHED in ${cached} of ${runs.length}`,
      run === 'uncached' ? '' : `no-cache / cache ${(wall('uncached') / wall(run)).toFixed(1)}×`,
      run === 'uncached' ? '' : '≥ 3×',
    ];
  };
  printTable(
    `pinyard build: (a) a late edit in the base of ${registryCacheImages} images (\`RUN sleep 5\` early), rebuilt on a fresh, empty engine (median of ${cacheRounds} runs, a new engine each)`,
    [
      ['run', 'wall ms', 'base ms', '`RUN sleep 5`', 'ratio', 'target'],
      row('uncached', `pinyard build ${args} --no-cache (every step rebuilt)`),
      row('cached', `pinyard build ${args}: registry cache from a build made with --no-cache`),
      row(
        'cachedAgain',
        `pinyard build ${args}: registry cache from a build that took the registry cache itself`,
      ),
    ],
  );
}

function printBuilderTable(samples: BuilderSamples): void {
  const rows = (where: 'local' | 'push') => {
    const args = `--concurrency ${concurrency}${where === 'push' ? ' --push' : ''}`;
    const { buildkit, classic } = samples[where];
    return [
      [`pinyard build ${args} --builder classic`, ms(classic), '', ''],
      [
        `pinyard build ${args} (BuildKit)`,
        ms(buildkit),
        `classic / BuildKit ${(median(classic) / median(buildkit)).toFixed(1)}×`,
        '≥ 1×',
      ],
    ];
  };
  printTable(
    `pinyard build: (b) first build of 30 images, cold cache, BuildKit against the classic builder (median of ${builderRounds} runs, a new registry namespace each)`,
    [header, ...rows('local'), ...rows('push')],
  );
}
