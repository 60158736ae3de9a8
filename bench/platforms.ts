import { randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { BuildReport } from '../src/report/build/index.js';
import { exampleProject } from '../test/helpers/example-project.js';
import { engineClient, type SecondEngine, startSecondEngine, startWorld } from '../test/world/index.js';
import { type PinyardRun, pinyard, timePinyardBuild } from './build-runs.js';
import {
  addNonceSteps,
  configureTree,
  removeTagsUnder,
  type TreeSettings,
  writeNonce,
} from './platforms-tree.js';
import { printTable } from './table.js';

/** A cold build of the example tree for two platforms takes ~20 s on the shared machine: three of each. */
const coldRuns = Number(process.env.PINYARD_BENCH_PLATFORMS_RUNS ?? 3);
if (!Number.isInteger(coldRuns) || coldRuns < 1)
  throw new Error(
    `PINYARD_BENCH_PLATFORMS_RUNS must be a whole number from 1, not "${process.env.PINYARD_BENCH_PLATFORMS_RUNS}"`,
  );
const rerunsPerRound = 2;
/**
 * --concurrency is per engine (default 2): two engines have 4 build slots, so one engine at 4 shows how much
 * of the gain is the extra slots rather than the second engine.
 */
const argsOf: Record<Key, string[]> = {
  onePlatform: ['--push'],
  oneEngine: ['--push'],
  oneEngineWide: ['--push', '--concurrency', '4'],
  twoEngines: ['--push'],
};
const amd64 = 'linux/amd64';
const arm64 = 'linux/arm64';

type Key = 'onePlatform' | 'oneEngine' | 'oneEngineWide' | 'twoEngines';
const keys: Key[] = ['onePlatform', 'oneEngine', 'oneEngineWide', 'twoEngines'];
type Samples = Record<Key, { first: number[]; again: number[]; placed: Record<string, number> }>;

/**
 * `pinyard build --push` of the example tree (images/ + images.yml, as the e2e tests copy it) for
 * linux/amd64 and linux/arm64: (a) cold, on two engines declared one per platform (the world's engine for
 * amd64, a second dockerd for arm64) against both platforms on the world's engine alone (at the default
 * --concurrency 2, and at 4: the build slots two engines have), and the same tree for its engine's platform
 * only, for scale; (b) the rerun with nothing changed, two platforms against one.
 * Every cold run pushes to a namespace of its own and gets a new nonce in every context (a COPY after each
 * FROM), so no content tag and no cached layer applies. The world's arm64 upstream stand-ins hold this
 * machine's busybox, so arm64 RUN steps run natively here: both engines share this machine's CPU.
 */
export async function benchPlatforms(): Promise<void> {
  const started = performance.now();
  const world = await startWorld({ log: (line) => console.error(`[world] ${line}`) });
  const docker = engineClient(world.dockerHost);
  const runId = randomUUID().slice(0, 8);
  const namespaces: string[] = [];
  let second: SecondEngine | undefined;
  let projectDir: string | undefined;
  try {
    second = await startSecondEngine(world, (line) => console.error(`[world] ${line}`));
    const secondDocker = engineClient(second.dockerHost);
    const example = await exampleProject(world, {
      namespace: `bench-platforms-${runId}`,
      user: world.users.admin,
    });
    projectDir = example.dir;
    const project: PinyardRun = { dir: example.dir, env: example.env };
    const imagesDir = join(project.dir, 'images');
    const manifestFile = join(project.dir, 'images.yml');
    await addNonceSteps(imagesDir);
    const names = Object.keys((parse(await readFile(manifestFile, 'utf8')) as { images: object }).images);
    const engines = { world: world.dockerHost, second: second.dockerHost };
    const settings: Record<Key, Omit<TreeSettings, 'registry'>> = {
      onePlatform: {},
      oneEngine: { platforms: [amd64, arm64] },
      oneEngineWide: { platforms: [amd64, arm64] },
      twoEngines: {
        platforms: [amd64, arm64],
        engines: [
          { host: engines.world, platforms: [amd64] },
          { host: engines.second, platforms: [arm64] },
        ],
      },
    };
    const registryFor = (key: Key, round: number | string) => {
      const registry = `${world.tokenRegistry.host}/bench-platforms-${runId}-${key.toLowerCase()}-${round}`;
      namespaces.push(registry);
      return registry;
    };
    const configure = (key: Key, registry: string) =>
      configureTree(manifestFile, { ...settings[key], registry });
    const removeAll = async () => {
      for (const registry of namespaces) {
        await removeTagsUnder(docker, registry);
        await removeTagsUnder(secondDocker, registry);
      }
    };

    // Unmeasured: pins the upstreams and pulls each platform of them into the engine that builds it.
    await pinyard(project, ['lock']);
    for (const key of ['oneEngine', 'twoEngines'] as const) {
      await configure(key, registryFor(key, 'warm-up'));
      await writeNonce(imagesDir, randomUUID());
      await pinyard(project, ['build', '--push']);
    }
    await removeAll();

    const expected = (status: 'built' | 'skipped') => ({ status, images: names.length });
    const samples: Samples = {
      onePlatform: { first: [], again: [], placed: {} },
      oneEngine: { first: [], again: [], placed: {} },
      oneEngineWide: { first: [], again: [], placed: {} },
      twoEngines: { first: [], again: [], placed: {} },
    };
    // Round by round, so a burst of load on the shared machine hits every variant alike.
    for (let round = 1; round <= coldRuns; round++) {
      for (const key of keys) {
        await configure(key, registryFor(key, round));
        await writeNonce(imagesDir, randomUUID());
        const args = argsOf[key];
        const first = await timePinyardBuild(project, args, expected('built'));
        const placed = await placements(project.dir, key, names, engines);
        const again: number[] = [];
        for (let i = 0; i < rerunsPerRound; i++)
          again.push(await timePinyardBuild(project, args, expected('skipped')));
        await removeAll();
        samples[key].first.push(first);
        samples[key].again.push(...again);
        for (const [at, count] of Object.entries(placed))
          samples[key].placed[at] = (samples[key].placed[at] ?? 0) + count;
        const s = (ms: number) => (ms / 1000).toFixed(1);
        console.error(
          `[bench] round ${round}/${coldRuns}, ${key}: first ${s(first)} s, again ${again.map(s).join(', ')} s; platform builds: ${JSON.stringify(placed)}`,
        );
      }
    }
    printTables(samples, names.length);
    console.error(`[bench] platforms benchmark took ${((performance.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    // The second engine goes whole (its images with it); the shared one keeps nothing of the benchmark.
    for (const registry of namespaces)
      await removeTagsUnder(docker, registry).catch((error) =>
        console.error(`[bench] removing the benchmark's images from ${registry} failed: ${error}`),
      );
    await second?.stop();
    if (projectDir) await rm(projectDir, { recursive: true, force: true });
    await world.stop();
  }
}

/**
 * Checks from the report that the cold run built both platforms of every image (none for the one-platform
 * tree), and reads from the build logs where each platform build ran, as `platform@engine` counts. A platform
 * build goes to an engine declared for it when one has a free slot, else to any engine (README, "Several
 * platforms"), so with two engines some arm64 builds may run on the amd64 engine and the other way round.
 */
async function placements(
  dir: string,
  key: Key,
  names: string[],
  engines: Record<string, string>,
): Promise<Record<string, number>> {
  const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as BuildReport;
  const want = key === 'onePlatform' ? [] : [amd64, arm64];
  for (const image of report.images) {
    const platforms = Object.keys(image.platforms ?? {});
    if (platforms.join() !== want.join())
      throw new Error(`${key}: ${image.name} was built for [${platforms}], not [${want}]`);
  }
  const engineName = new Map(Object.entries(engines).map(([name, host]) => [host, name]));
  const counts: Record<string, number> = {};
  for (const name of names) {
    const log = await readFile(join(dir, '.pinyard', 'logs', `${name}.log`), 'utf8');
    for (const platform of want) {
      const line = new RegExp(`${platform}: building on (\\S+)`).exec(log);
      const engine = line && engineName.get(line[1]!);
      if (!engine) throw new Error(`${key}: the log of ${name} does not say where ${platform} was built`);
      const at = `${platform}@${engine}`;
      counts[at] = (counts[at] ?? 0) + 1;
    }
  }
  return counts;
}

function printTables(samples: Samples, count: number): void {
  const ms = (values: number[]) => median(values).toFixed(0);
  const ratio = (slow: number[], fast: number[]) => `${(median(slow) / median(fast)).toFixed(2)}×`;
  const header = ['run', 'wall ms', 'ratio', 'target'];
  const { onePlatform, oneEngine, oneEngineWide, twoEngines } = samples;
  const perRound = (slow: number[], fast: number[]) =>
    slow.map((value, i) => `${(value / fast[i]!).toFixed(2)}×`).join(', ');
  printTable(
    `pinyard build --push: (a) the example tree (${count} images), cold (median of ${coldRuns} runs)`,
    [
      header,
      ['linux/amd64 + linux/arm64 on one engine', ms(oneEngine.first), '', ''],
      [
        'linux/amd64 + linux/arm64 on one engine, --concurrency 4 (the slots of two engines)',
        ms(oneEngineWide.first),
        `one engine / this ${ratio(oneEngine.first, oneEngineWide.first)}`,
        '',
      ],
      [
        'linux/amd64 + linux/arm64 on two engines, one declared per platform',
        ms(twoEngines.first),
        `one engine / two engines ${ratio(oneEngine.first, twoEngines.first)}`,
        '≥ 1.6×',
      ],
      [
        'for scale: the engine’s platform only (no `platforms:`), one engine',
        ms(onePlatform.first),
        `two platforms on one engine / this ${ratio(oneEngine.first, onePlatform.first)}`,
        '',
      ],
    ],
  );
  console.log(
    `\none engine / two engines, round by round: ${perRound(oneEngine.first, twoEngines.first)}; one engine at --concurrency 4 / two engines: ${perRound(oneEngineWide.first, twoEngines.first)}`,
  );
  const where = (placed: Record<string, number>) =>
    Object.entries(placed)
      .sort()
      .map(([at, count]) => `${at} ${count}`)
      .join(', ');
  console.log(
    `where the platform builds ran, over all cold runs: two engines: ${where(twoEngines.placed)}; one engine: ${where(oneEngine.placed)}`,
  );
  printTable(
    `pinyard build --push: (b) rerun with nothing changed (median of ${coldRuns * rerunsPerRound} runs)`,
    [
      header,
      [
        `the engine’s platform only (${count} skipped: content tags in the registry)`,
        ms(onePlatform.again),
        '',
        '',
      ],
      [
        `linux/amd64 + linux/arm64, one engine (${count} skipped: index content tags)`,
        ms(oneEngine.again),
        `over one platform ${ratio(oneEngine.again, onePlatform.again)}`,
        '≤ 1.2×',
      ],
      [
        `linux/amd64 + linux/arm64, two engines (${count} skipped)`,
        ms(twoEngines.again),
        `over one platform ${ratio(twoEngines.again, onePlatform.again)}`,
        '≤ 1.2×',
      ],
    ],
  );
}

/** The middle value; the mean of the middle two for an even count. */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return Number.isInteger(mid) ? (sorted[mid - 1]! + sorted[mid]!) / 2 : sorted[Math.floor(mid)]!;
}
