import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { BuildReport } from '../src/report/build/index.js';
import { startCountingProxy } from '../test/world/counting-proxy.js';
import { engineClient, startWorld, writeDockerConfig } from '../test/world/index.js';
import { removeImages } from './build-runs.js';
import { upstreamBase } from './build-tree.js';
import { startDelayProxy } from './delay-proxy.js';
import { printTable } from './table.js';

/**
 * What a no-change `build --push` costs the registry (issue 14): a tree of a root and levels of ten (11,
 * 101 and, with PINYARD_BENCH_LARGE=1, 301 images, a human tag each) is built and pushed once, then built
 * again with nothing changed while a counting proxy in front of the token registry counts the connections
 * opened, the requests and the bytes sent, behind a delay proxy of 25 ms each way (RTT 50 ms).
 *
 * PINYARD_BENCH_BASELINE_CLI=/path/to/other/dist/cli/main.js runs the same reruns with another build of
 * pinyard (e.g. main) for comparison. The token service is reached directly (its realm is fixed in the
 * registry's configuration), so its round trips are not delayed.
 */

const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const oneWayMs = 25;
const reruns = 5;

interface Rerun {
  wallMs: number;
  connections: number;
  requests: number;
  bytesSent: number;
}

export async function benchNoChange(): Promise<void> {
  const world = await startWorld({ log: (line) => console.error(`[world] ${line}`) });
  const counting = await startCountingProxy(world.tokenRegistry.host);
  const delay = await startDelayProxy(world.tokenRegistry.host, oneWayMs);
  const label = `dev.pinyard.bench=${randomUUID()}`;
  const docker = engineClient(world.dockerHost);
  const baseline = process.env.PINYARD_BENCH_BASELINE_CLI;
  const sizes = process.env.PINYARD_BENCH_LARGE ? [11, 101, 301] : [11, 101];
  const rows: string[][] = [
    ['images', 'pinyard', 'wall ms (median)', 'connections', 'requests', 'KB sent', 'bytes / request'],
  ];
  try {
    for (const size of sizes) {
      const dir = join(world.workDir, `no-change-${size}-${randomUUID().slice(0, 8)}`);
      const registry = `${counting.host}/bench-nc-${size}-${randomUUID().slice(0, 8)}`;
      await writeTree(dir, size, { registry, mirror: world.upstream.host, label });
      const env = {
        ...process.env,
        DOCKER_HOST: world.dockerHost,
        DOCKER_CONFIG: await writeDockerConfig(join(dir, '.docker'), [
          { host: counting.host, user: world.users.admin },
        ]),
      };
      // The first build pushes straight to the registry: only the reruns cross the delay.
      counting.retarget(world.tokenRegistry.host);
      await runBuild(cli, dir, env, 'built', size);
      counting.retarget(delay.host);
      const clis = [['this branch', cli], ...(baseline ? [['baseline', baseline]] : [])] as const;
      // One untimed rerun each, then the builds take turns, so neither gets the quieter machine.
      for (const [, path] of clis) await runBuild(path, dir, env, 'skipped', size);
      const runs = new Map<string, Rerun[]>(clis.map(([name]) => [name, []]));
      for (let i = 0; i < reruns; i++) {
        for (const [name, path] of clis) {
          counting.reset();
          const wallMs = await runBuild(path, dir, env, 'skipped', size);
          const counts = counting.counts();
          runs.get(name)!.push({
            wallMs,
            connections: counts.connections,
            requests: counts.requests.length,
            bytesSent: counts.bytesSent,
          });
        }
      }
      for (const [name, samples] of runs) {
        const mid = median(samples, (r) => r.wallMs);
        rows.push([
          String(size),
          name,
          mid.wallMs.toFixed(0),
          String(mid.connections),
          String(mid.requests),
          (mid.bytesSent / 1024).toFixed(0),
          (mid.bytesSent / Math.max(1, mid.requests)).toFixed(0),
        ]);
      }
    }
    printTable(
      `pinyard build --push with nothing changed: the registry's side (RTT ${2 * oneWayMs} ms, median of ${reruns})`,
      rows,
    );
  } finally {
    await removeImages(docker, label).catch((e: unknown) => console.error(String(e)));
    await counting.close();
    await delay.close();
    await world.stop();
  }
}

/** A root on the upstream base, then levels of ten, each image a child of the one at its place above. */
async function writeTree(
  dir: string,
  size: number,
  options: { registry: string; mirror: string; label: string },
): Promise<void> {
  const lines = [
    'version: 1',
    `registry: ${options.registry}`,
    `mirrors: { docker.io: ["${options.mirror}"] }`,
    'images:',
  ];
  for (let i = 0; i < size; i++) {
    const name = `img-${String(i).padStart(3, '0')}`;
    const parent = i === 0 ? upstreamBase : `img-${String(i <= 10 ? 0 : i - 10).padStart(3, '0')}`;
    await mkdir(join(dir, 'images', name), { recursive: true });
    await writeFile(
      join(dir, 'images', name, 'Dockerfile'),
      `FROM ${parent}\nLABEL ${options.label} dev.pinyard.bench.image=${name}\n`,
    );
    lines.push(`  ${name}: { context: images/${name}, tags: ["1.0"] }`);
  }
  await writeFile(join(dir, 'images.yml'), `${lines.join('\n')}\n`);
}

async function runBuild(
  cliPath: string,
  dir: string,
  env: NodeJS.ProcessEnv,
  expected: 'built' | 'skipped',
  size: number,
): Promise<number> {
  const reportFile = join(dir, 'report.json');
  const started = performance.now();
  const run = await execa(process.execPath, [cliPath, 'build', '--push', '--report', reportFile], {
    cwd: dir,
    env,
    reject: false,
    all: true,
  });
  const wallMs = performance.now() - started;
  if (run.exitCode !== 0) throw new Error(`pinyard build --push exited ${run.exitCode}:\n${run.all}`);
  const report = JSON.parse(await readFile(reportFile, 'utf8')) as BuildReport;
  const matching = report.images.filter((image) => image.status === expected).length;
  if (report.images.length !== size || matching !== size) {
    throw new Error(`expected ${size} images ${expected}, got ${matching} of ${report.images.length}`);
  }
  return wallMs;
}

function median<T>(values: T[], key: (value: T) => number): T {
  return [...values].sort((a, b) => key(a) - key(b))[Math.floor(values.length / 2)]!;
}
