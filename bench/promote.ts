import { join } from 'node:path';
import { startWorld, type World } from '../test/world/index.js';
import { startDelayProxy } from './delay-proxy.js';
import { startDelayedTarget } from './lock-registry.js';
import {
  freshImage,
  type PromoteCase,
  prepareSkopeo,
  type Registries,
  runner,
  timeDocker,
  timePinyard,
  timeSkopeo,
} from './promote-runs.js';
import { printTable } from './table.js';

/** The columns both promote tables share. */
const columns = [
  'case',
  'pinyard ms',
  'skopeo copy --all ms',
  'skopeo / pinyard',
  'docker pull+tag+push ms',
  'docker / pinyard',
];

/** Half of a 50 ms round trip: registries across the internet. */
const oneWayMs = 25;
const runs = 5;
/** Another build of pinyard to time in the same rounds (e.g. main's dist/cli/main.js). */
const baselineCli = process.env.PINYARD_BENCH_BASELINE_CLI;

/**
 * `pinyard promote` of a multi-arch image (two platforms of three layers, about 5 MB) to another repository
 * of the same registry and to another registry, against `skopeo copy --all` and against docker pull + tag
 * + push, each run on an image of its own. Once with every registry and token service 25 ms away each
 * way, once on bare loopback.
 *
 * PINYARD_BENCH_BASELINE_CLI=/path/to/other/dist/cli/main.js also times another build of pinyard (e.g.
 * main's) in the same rounds, for a before/after in one run.
 */
export async function benchPromote(): Promise<void> {
  const world = await startWorld({ log: (line) => console.error(`[world] ${line}`) });
  try {
    await prepareSkopeo();
    const delayedBuild = await startDelayedTarget(world, oneWayMs);
    const delayedOther = await startDelayProxy(world.basicRegistry.host, oneWayMs);
    let delayed: Medians;
    try {
      delayed = await benchRegistries(world, 'delayed', {
        registries: { build: delayedBuild.target.registry, other: delayedOther.host },
        title: (bytes) =>
          `pinyard promote: a fresh 2-platform image of 3 layers each (${mb(bytes)}) per run, ` +
          `${oneWayMs} ms each way to every registry and token service (median of ${runs})`,
        // Issue 14's targets; docker pull+tag+push is context (it moves one platform, through an engine).
        targets: { 'same-registry': 'skopeo ≥ 3×', 'cross-registry': 'skopeo ≥ 2×' },
      });
    } finally {
      await delayedOther.close();
      await delayedBuild.stop();
    }
    const bare = await benchRegistries(world, 'bare', {
      registries: { build: world.tokenRegistry.host, other: world.basicRegistry.host },
      title: () =>
        `pinyard promote: the same on bare loopback, where the targets do not apply (median of ${runs})`,
      targets: { 'same-registry': '', 'cross-registry': '' },
    });
    printLatencyCost(delayed, bare);
  } finally {
    await world.stop();
  }
}

async function benchRegistries(
  world: World,
  name: string,
  table: {
    registries: Registries;
    /** Given the size of the images promoted: the same for all, only their content is random. */
    title: (bytes: number) => string;
    targets: Record<PromoteCase, string>;
  },
): Promise<Medians> {
  const r = await runner(world, table.registries, join(world.workDir, `promote-bench-${name}`));
  const cases: PromoteCase[] = ['same-registry', 'cross-registry'];
  const tools: Partial<Record<Tool, typeof timePinyard>> = {
    pinyard: timePinyard,
    ...(baselineCli
      ? { baseline: (r, kind, image) => timePinyard(r, kind, image, baselineCli) }
      : ({} as Partial<Record<Tool, typeof timePinyard>>)),
    skopeo: timeSkopeo,
    docker: timeDocker,
  };
  const times = new Map<string, number[]>();
  let bytes = 0;
  // Unmeasured: warms the registries, the engine and the file cache alike for every tool.
  for (const kind of cases) for (const time of Object.values(tools)) await time(r, kind, await freshImage(r));
  // Round by round, so a burst of load on the machine hits every tool alike.
  for (let i = 0; i < runs; i++) {
    for (const kind of cases) {
      for (const [tool, time] of Object.entries(tools)) {
        const image = await freshImage(r);
        bytes = image.bytes;
        const key = `${kind} ${tool}`;
        times.set(key, [...(times.get(key) ?? []), await time(r, kind, image)]);
      }
    }
  }
  const ms = (kind: PromoteCase, tool: Tool) => median(times.get(`${kind} ${tool}`)!);
  printTable(table.title(bytes), [
    [...columns, 'target', ...(baselineCli ? ['baseline pinyard ms', 'skopeo / baseline'] : [])],
    ...cases.map((kind) => {
      const pinyard = ms(kind, 'pinyard');
      const skopeo = ms(kind, 'skopeo');
      const docker = ms(kind, 'docker');
      return [
        label(kind),
        pinyard.toFixed(0),
        skopeo.toFixed(0),
        ratio(skopeo / pinyard),
        docker.toFixed(0),
        ratio(docker / pinyard),
        table.targets[kind],
        ...(baselineCli ? [ms(kind, 'baseline').toFixed(0), ratio(skopeo / ms(kind, 'baseline'))] : []),
      ];
    }),
  ]);
  console.log(
    '\npinyard and skopeo copy the whole index (both platforms); docker pull+tag+push moves the engine’s platform only.',
  );
  return ms;
}

/**
 * What the round trips cost each tool: delayed minus bare. A process's fixed cost (starting Node or Go,
 * an engine's own work) is the same on both networks and drops out; what is left is how many round trips
 * a tool waits for one after the other.
 */
function printLatencyCost(delayed: Medians, bare: Medians): void {
  const cost = (kind: PromoteCase, tool: Tool) => delayed(kind, tool) - bare(kind, tool);
  printTable(
    `time the ${2 * oneWayMs} ms round trip adds (delayed − bare; ≈ round trips waited for one after another)`,
    [
      columns,
      ...(['same-registry', 'cross-registry'] as const).map((kind) => [
        label(kind),
        cost(kind, 'pinyard').toFixed(0),
        cost(kind, 'skopeo').toFixed(0),
        ratio(cost(kind, 'skopeo') / cost(kind, 'pinyard')),
        cost(kind, 'docker').toFixed(0),
        ratio(cost(kind, 'docker') / cost(kind, 'pinyard')),
      ]),
    ],
  );
}

type Tool = 'pinyard' | 'baseline' | 'skopeo' | 'docker';
/** The median wall time of a tool on a case. */
type Medians = (kind: PromoteCase, tool: Tool) => number;

function label(kind: PromoteCase): string {
  return kind === 'same-registry' ? 'same registry, another repository' : 'another registry';
}

function ratio(value: number): string {
  return `${value.toFixed(1)}×`;
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

function mb(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}
