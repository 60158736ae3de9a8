import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type RunningWorld, startSecondEngine, writeDockerConfig } from '../test/world/index.js';
import { type PinyardRun, pinyard, timePinyardBuild } from './build-runs.js';
import { treeImages, upstreamBase, writeContent, writePinyardTree } from './build-tree.js';

/** 1 + 3 + 6 = 10 images. */
const levelSizes = [1, 3, 6];
/** The stand-in for a package install: early in the base, slow, and never edited. */
const slowStep = 'RUN sleep 5 && echo "stand-in for a package install" > /etc/packages';

export interface RegistryCacheSamples {
  /** `pinyard build --push` on a fresh engine: the registry layer cache on. */
  cached: number[];
  /** The same with `--no-cache`. */
  uncached: number[];
}

export const registryCacheImages = levelSizes.reduce((sum, size) => sum + size);

/**
 * What a CI runner sees: the tree was built and pushed before (on the world's engine), then a late edit
 * in the base rebuilds all 10 images on a fresh, empty engine (a new second engine for every measured
 * run, so no run finds a local cache), with the registry layer cache and with `--no-cache`. Every run
 * gets its own edit, so every run rebuilds the whole tree; the base's log must show the slow step
 * CACHED with the registry cache and built without it, so the numbers mean what the table says.
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

  const samples: RegistryCacheSamples = { cached: [], uncached: [] };
  for (let round = 1; round <= options.rounds; round++) {
    // Alternating which goes first, so a burst of load on the shared machine hits both alike.
    const order = round % 2 ? (['cached', 'uncached'] as const) : (['uncached', 'cached'] as const);
    for (const variant of order) {
      // The late edit: the base's data file, copied after the slow step.
      await writeContent(contextOf, [images[0]!], randomUUID());
      const engine = await startSecondEngine(world, options.log);
      try {
        const wallMs = await timePinyardBuild(
          on(engine.dockerHost),
          variant === 'cached' ? args : [...args, '--no-cache'],
          built,
        );
        await checkSlowStep(join(dir, '.pinyard', 'logs', `${base}.log`), variant);
        samples[variant].push(wallMs);
        options.log(`round ${round}/${options.rounds}, ${variant}: ${(wallMs / 1000).toFixed(1)} s`);
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
 * From the base's build log: with the cache, its manifest was imported from the registry and the slow
 * step was CACHED; without, neither. Anything else means the run did not measure what it claims.
 */
async function checkSlowStep(logFile: string, variant: 'cached' | 'uncached'): Promise<void> {
  const log = await readFile(logFile, 'utf8');
  const step = /^(CACHED )?\[[^\]\n]*\] RUN sleep 5\b/m.exec(log);
  const imported = /importing cache manifest from /.test(log);
  if (!step) throw new Error(`${logFile} shows no "RUN sleep 5" step:\n${log}`);
  const cached = step[1] !== undefined;
  if (cached !== (variant === 'cached') || imported !== (variant === 'cached')) {
    throw new Error(
      `${variant} run: the slow step was ${cached ? '' : 'not '}CACHED and the cache manifest ${imported ? 'was' : 'was not'} imported (${logFile}):\n${log}`,
    );
  }
}
