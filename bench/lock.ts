import { join } from 'node:path';
import { startWorld, type World } from '../test/world/index.js';
import {
  bareTarget,
  benchRepositories,
  benchTag,
  type LockTarget,
  seedRepositories,
  startDelayedTarget,
} from './lock-registry.js';
import { timeBound, timePinyardLock, timeSkopeoLoop, writeLockProject } from './lock-runs.js';
import { printTable } from './table.js';

const repositoryCount = 50;
/** Half of a 50 ms round trip: a registry across the internet. */
const oneWayMs = 25;
const runs = 5;
const baseline = process.env.PINYARD_BENCH_BASELINE_CLI;

/**
 * `pinyard lock` resolving 50 tags of 50 repositories on a token-auth registry, against the peer a user
 * would script (a loop of `skopeo inspect --raw`, which fetches what a pin needs; plain `skopeo inspect`,
 * which also reads configs and tag lists, as context) and against the physical bound (a token per repository, then a
 * HEAD per tag, all in parallel). Once with registry and token service 25 ms away each way, once on bare
 * loopback, where every tool looks instant.
 *
 * PINYARD_BENCH_BASELINE_CLI=/path/to/other/dist/cli/main.js also times another build of pinyard (e.g.
 * main's) in the same rounds, for a before/after in one run.
 */
export async function benchLock(): Promise<void> {
  const world = await startWorld({ log: (line) => console.error(`[world] ${line}`) });
  try {
    const repositories = benchRepositories(repositoryCount);
    await seedRepositories(world, repositories);
    const delayed = await startDelayedTarget(world, oneWayMs);
    try {
      await benchTarget(world, repositories, {
        name: 'delayed',
        target: delayed.target,
        title:
          `pinyard lock: ${repositoryCount} tags of ${repositoryCount} repositories, token auth, ` +
          `${oneWayMs} ms each way (median of ${runs})`,
        targets: { skopeoRaw: '≥ 25×', bound: '≤ 3×' },
      });
    } finally {
      await delayed.stop();
    }
    await benchTarget(world, repositories, {
      name: 'bare',
      target: bareTarget(world),
      title: `pinyard lock: the same on bare loopback, where the targets do not apply (median of ${runs})`,
      targets: { skopeoRaw: '', bound: '' },
    });
  } finally {
    await world.stop();
  }
}

async function benchTarget(
  world: World,
  repositories: string[],
  table: { name: string; target: LockTarget; title: string; targets: { skopeoRaw: string; bound: string } },
): Promise<void> {
  const { name, target, title, targets } = table;
  const user = world.users.reader;
  const project = await writeLockProject(
    join(world.workDir, `lock-bench-${name}`),
    target,
    repositories,
    benchTag,
    user,
  );
  // Unmeasured: learns the digests each pinyard run is checked against, and warms the registry; a first
  // pinyard run keeps its code cache (as a user's first run does), so every measured run starts alike.
  const { digests } = await timeBound(target, repositories, benchTag, user);
  await timePinyardLock(project, digests);
  if (baseline) await timePinyardLock(project, digests, baseline);

  const times = {
    pinyard: [] as number[],
    baseline: [] as number[],
    skopeoRaw: [] as number[],
    skopeo: [] as number[],
    bound: [] as number[],
  };
  // Round by round, so a burst of load on the machine hits all four alike.
  for (let i = 0; i < runs; i++) {
    times.pinyard.push(await timePinyardLock(project, digests));
    if (baseline) times.baseline.push(await timePinyardLock(project, digests, baseline));
    times.skopeoRaw.push(await timeSkopeoLoop(project.refs, user, { raw: true }));
    times.skopeo.push(await timeSkopeoLoop(project.refs, user, { raw: false }));
    times.bound.push((await timeBound(target, repositories, benchTag, user)).wallMs);
  }
  const pinyard = median(times.pinyard);
  const skopeoRaw = median(times.skopeoRaw);
  const skopeo = median(times.skopeo);
  const bound = median(times.bound);
  const ms = (value: number) => value.toFixed(0);
  const ratio = (value: number) => `${value.toFixed(1)}×`;
  printTable(title, [
    ['run', 'wall ms', 'ratio', 'target'],
    ['pinyard lock (fresh process, no images.lock)', ms(pinyard), '', ''],
    ...(baseline
      ? [
          [
            'baseline pinyard lock (PINYARD_BENCH_BASELINE_CLI)',
            ms(median(times.baseline)),
            `skopeo --raw / baseline ${ratio(skopeoRaw / median(times.baseline))}`,
            '',
          ],
        ]
      : []),
    [
      'shell loop of `skopeo inspect --raw` (a ref: ping, token, manifest)',
      ms(skopeoRaw),
      `skopeo / pinyard ${ratio(skopeoRaw / pinyard)}`,
      targets.skopeoRaw,
    ],
    [
      'shell loop of plain `skopeo inspect` (a ref: 2 × ping + token, manifests, config, tags)',
      ms(skopeo),
      `skopeo / pinyard ${ratio(skopeo / pinyard)}`,
      '',
    ],
    [
      'bound: token per repository ‖, then HEAD per tag ‖ (raw fetch, in-process)',
      ms(bound),
      `pinyard / bound ${ratio(pinyard / bound)}`,
      targets.bound,
    ],
  ]);
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}
