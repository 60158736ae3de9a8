import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { parseLock } from '../src/lock/index.js';
import { loggedInEnv } from '../test/helpers/logged-in-env.js';
import { engineClient, startWorld } from '../test/world/index.js';
import {
  type DockerLoop,
  type PinyardRun,
  pinyard,
  removeImages,
  timeDockerLoop,
  timePinyardBuild,
} from './build-runs.js';
import { treeImages, upstreamBase, writeContent, writeLoopTree, writePinyardTree } from './build-tree.js';
import { median } from './measure.js';
import { printTable } from './table.js';

/** Cold builds cost most of the benchmark's time: two of each keep it near 5 minutes on a quiet machine. */
const coldRuns = 2;
/** Reruns are cheap: several after each cold build. */
const rerunsPerRound = 3;
const concurrency = '2';

/** One way of building the tree, timed on a cold cache first, then again with nothing changed. */
interface Variant {
  name: string;
  /** Gives every image new content, so the first build finds nothing to reuse. */
  refresh(): Promise<void>;
  first(): Promise<number>;
  again(): Promise<number>;
}

type Samples = Record<'local' | 'push' | 'loop', { first: number[]; again: number[] }>;

/**
 * `pinyard build` on a synthetic tree of 30 small images against the loop a user would script (one
 * `docker build` per image, parents first), on the world's real engine: (a) the first build on a cold
 * cache, local and pushed to the token registry, (b) the rerun with nothing changed. Every cold run gets
 * new content and starts after the previous variant's images are removed, so no variant inherits a cache.
 */
export async function benchBuild(): Promise<void> {
  const started = performance.now();
  const world = await startWorld({ log: (line) => console.error(`[world] ${line}`) });
  const docker = engineClient(world.dockerHost);
  const images = treeImages();
  const registry = `${world.tokenRegistry.host}/bench-build`;
  const loopRepository = `pinyard-bench-loop-${process.pid}`;
  // Marks every image this run commits, and only those: the engine may be shared with other test runs.
  const label = `dev.pinyard.bench=${randomUUID()}`;
  const removeAll = () => removeImages(docker, label);
  try {
    const dir = join(world.workDir, 'build-bench');
    const project: PinyardRun = {
      dir,
      env: await loggedInEnv(world, dir, world.users.admin),
    };
    await writePinyardTree(dir, images, { registry, mirror: world.upstream.host, label });
    const loop: DockerLoop = {
      dir: join(world.workDir, 'build-bench-loop'),
      repository: loopRepository,
      names: images.map((image) => image.name),
      dockerHost: world.dockerHost,
    };
    await writeLoopTree(loop.dir, images, { repository: loopRepository, label });
    await warmUp(project, world.dockerHost);

    const expect = (status: 'built' | 'skipped') => ({ status, images: images.length });
    const pinyardVariant = (args: string[]): Variant => ({
      name: `pinyard build ${args.join(' ')}`,
      refresh: () => writeContent((name) => join(dir, 'images', name), images, randomUUID()),
      first: () => timePinyardBuild(project, args, expect('built')),
      again: () => timePinyardBuild(project, args, expect('skipped')),
    });
    const variants: Record<keyof Samples, Variant> = {
      local: pinyardVariant(['--concurrency', concurrency]),
      push: pinyardVariant(['--concurrency', concurrency, '--push']),
      loop: {
        name: 'docker build loop',
        refresh: () => writeContent((name) => join(loop.dir, name), images, randomUUID()),
        first: () => timeDockerLoop(loop, 'none'),
        again: () => timeDockerLoop(loop, 'all'),
      },
    };
    const samples: Samples = {
      local: { first: [], again: [] },
      push: { first: [], again: [] },
      loop: { first: [], again: [] },
    };
    // Round by round, so a burst of load on the shared engine hits every variant alike.
    for (let round = 1; round <= coldRuns; round++) {
      for (const key of ['local', 'push', 'loop'] as const) {
        const variant = variants[key];
        await variant.refresh();
        const first = await variant.first();
        const again: number[] = [];
        for (let i = 0; i < rerunsPerRound; i++) again.push(await variant.again());
        await removeAll();
        samples[key].first.push(first);
        samples[key].again.push(...again);
        const s = (ms: number) => (ms / 1000).toFixed(1);
        console.error(
          `[bench] round ${round}/${coldRuns}, ${variant.name}: first ${s(first)} s, again ${again.map(s).join(', ')} s`,
        );
      }
    }
    printTables(samples, images.length);
    console.error(`[bench] build benchmark took ${((performance.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    await removeAll().catch((error) =>
      console.error(`[bench] removing the benchmark's images failed: ${error}`),
    );
    await world.stop();
  }
}

/**
 * Unmeasured: pins the upstream in images.lock and pulls it both ways the Dockerfiles name it (pinyard
 * by digest, the loop by tag), so no measured run pays for a pull.
 */
export async function warmUp(project: PinyardRun, dockerHost: string): Promise<void> {
  await pinyard(project, ['lock']);
  const lock = parseLock(await readFile(join(project.dir, 'images.lock'), 'utf8'), 'images.lock');
  const digest = lock.upstream[`docker.io/library/${upstreamBase}`]?.digest;
  if (!digest) throw new Error(`images.lock does not pin ${upstreamBase}`);
  const env = { ...process.env, DOCKER_HOST: dockerHost };
  const repository = upstreamBase.split(':')[0]!;
  for (const ref of [upstreamBase, `${repository}@${digest}`])
    await execa('docker', ['pull', '-q', ref], { env });
}

function printTables(samples: Samples, count: number): void {
  const ms = (values: number[]) => median(values).toFixed(0);
  const ratio = (loop: number[], pinyard: number[]) =>
    `loop / pinyard ${(median(loop) / median(pinyard)).toFixed(1)}×`;
  const header = ['run', 'wall ms', 'ratio', 'target'];
  const { local, push, loop } = samples;
  printTable(`pinyard build: (a) first build of ${count} images, cold cache (median of ${coldRuns} runs)`, [
    header,
    ['sequential `docker build` loop (classic builder, parents first)', ms(loop.first), '', ''],
    [`pinyard build --concurrency ${concurrency}`, ms(local.first), ratio(loop.first, local.first), ''],
    [
      `pinyard build --concurrency ${concurrency} --push (token registry; the loop does not push)`,
      ms(push.first),
      ratio(loop.first, push.first),
      '',
    ],
  ]);
  printTable(`pinyard build: (b) rerun with nothing changed (median of ${coldRuns * rerunsPerRound} runs)`, [
    header,
    ['the same `docker build` loop, warm cache (every step "Using cache")', ms(loop.again), '', ''],
    [
      `pinyard build (${count} skipped: content tags found in the engine)`,
      ms(local.again),
      ratio(loop.again, local.again),
      '≥ 10×',
    ],
    [
      `pinyard build --push (${count} skipped: content tags found in the registry)`,
      ms(push.again),
      ratio(loop.again, push.again),
      '≥ 10×',
    ],
  ]);
}
