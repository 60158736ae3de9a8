import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { StatusRow } from '../src/status/index.js';
import { startWorld, type World, writeDockerConfig } from '../test/world/index.js';
import { bareTarget, type LockTarget, startDelayedTarget } from './lock-registry.js';
import { imageName, type SeededTree, seedStatusTree, statusEnvironments, statusTag } from './status-tree.js';
import { printTable } from './table.js';

const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const reportCpu = fileURLToPath(new URL('./report-cpu.mjs', import.meta.url));
const imageCount = 30;
/** Half of a 50 ms round trip: a registry across the internet. */
const oneWayMs = 25;
const runs = 3;

/**
 * `pinyard status` of a 30-image tree with 3 environments (one request per tag per registry: 120 tags),
 * against the same number of `skopeo inspect` calls: a shell loop as a user scripts it, and 8 at a time.
 * Once with registry and token service 25 ms away each way, once on bare loopback.
 */
export async function benchStatus(): Promise<void> {
  const world = await startWorld({ log: (line) => console.error(`[world] ${line}`) });
  try {
    const delayed = await startDelayedTarget(world, oneWayMs);
    try {
      await benchTarget(world, {
        name: 'delayed',
        target: delayed.target,
        title:
          `pinyard status: ${imageCount} images × (registry + ${statusEnvironments.length} environments) = ` +
          `${imageCount * 4} tags, token auth, ${oneWayMs} ms each way (median of ${runs})`,
        target1: 'about 1 s',
      });
    } finally {
      await delayed.stop();
    }
    await benchTarget(world, {
      name: 'bare',
      target: bareTarget(world),
      title: `pinyard status: the same on bare loopback, where the target does not apply (median of ${runs})`,
      target1: '',
    });
  } finally {
    await world.stop();
  }
}

async function benchTarget(
  world: World,
  table: { name: string; target: LockTarget; title: string; target1: string },
): Promise<void> {
  const user = world.users.reader;
  const namespace = `bench-status-${table.name}`;
  // Pushed through the target itself, so the labels name the registry the way the tools reach it.
  const tree = await seedStatusTree(world, table.target.registry, namespace, imageCount);
  const dir = join(world.workDir, `status-bench-${table.name}`);
  await mkdir(join(dir, 'images', 'app'), { recursive: true });
  await writeFile(join(dir, 'images', 'app', 'Dockerfile'), 'FROM scratch\n');
  const registry = `${table.target.registry}/${namespace}`;
  await writeFile(
    join(dir, 'images.yml'),
    [
      'version: 1',
      `registry: ${registry}`,
      'environments:',
      ...statusEnvironments.map((env) => `  ${env}: { repository: "${env}/{name}" }`),
      'images:',
      ...tree.builds.map((b) => `  ${b.name}: { context: images/app, tags: ["${statusTag}"] }`),
      '',
    ].join('\n'),
  );
  await writeFile(
    join(dir, 'images.lock'),
    `version: 1\nupstream:\n  ${tree.upstream.ref}:\n    digest: ${tree.upstream.current}\n`,
  );
  const dockerConfig = await writeDockerConfig(join(dir, '.docker'), [{ host: table.target.registry, user }]);
  const refs = tree.builds.flatMap((b) => [
    `${registry}/${b.name}:${statusTag}`,
    ...statusEnvironments.map((env) => `${registry}/${env}/${b.name}:${statusTag}`),
  ]);

  const times = {
    pinyard: [] as number[],
    cpu: [] as number[],
    loop: [] as number[],
    parallel: [] as number[],
  };
  for (let i = 0; i < runs; i++) {
    const run = await timePinyard(dir, dockerConfig, tree);
    times.pinyard.push(run.wallMs);
    times.cpu.push(run.cpuMs);
    times.loop.push(await timeSkopeo(refs, dockerConfig, 1));
    times.parallel.push(await timeSkopeo(refs, dockerConfig, 8));
  }
  const [pinyard, cpu, loop, parallel] = [times.pinyard, times.cpu, times.loop, times.parallel].map(
    median,
  ) as [number, number, number, number];
  const ms = (value: number) => value.toFixed(0);
  const ratio = (value: number) => `${value.toFixed(1)}×`;
  printTable(table.title, [
    ['run', 'wall ms', 'ratio', 'target'],
    ['pinyard status --json (fresh process; + configs and lineages)', ms(pinyard), '', table.target1],
    ["  the same run's own CPU time (user + system)", ms(cpu), '', ''],
    [
      `shell loop of ${refs.length} \`skopeo inspect\``,
      ms(loop),
      `skopeo / pinyard ${ratio(loop / pinyard)}`,
      '',
    ],
    [
      `${refs.length} \`skopeo inspect\`, 8 at a time (xargs -P 8)`,
      ms(parallel),
      `skopeo / pinyard ${ratio(parallel / pinyard)}`,
      '',
    ],
  ]);
}

/** A fresh process, checked: prod one build behind on the older upstream, every other environment `=`. */
async function timePinyard(
  dir: string,
  dockerConfig: string,
  tree: SeededTree,
): Promise<{ wallMs: number; cpuMs: number }> {
  const started = performance.now();
  const run = await execa(process.execPath, ['--import', reportCpu, cli, '--json', 'status'], {
    cwd: dir,
    env: { ...process.env, DOCKER_CONFIG: dockerConfig, GITHUB_ACTIONS: '' },
    reject: false,
  });
  const wallMs = performance.now() - started;
  const rows = (JSON.parse(run.stdout) as { images: StatusRow[] }).images;
  const wrong = rows.filter((row, i) => {
    const build = tree.builds[i]!;
    const [staging, qa, prod] = row.environments;
    return (
      row.name !== imageName(i) ||
      row.built.digest !== build.current ||
      staging?.state !== 'same' ||
      qa?.state !== 'same' ||
      prod?.state !== 'behind' ||
      prod.buildsBehind !== 1 ||
      prod.upstream?.stale !== true ||
      row.built.upstream?.stale !== false
    );
  });
  if (run.exitCode !== 0 || rows.length !== tree.builds.length || wrong.length > 0) {
    throw new Error(
      `pinyard status answered wrong (exit ${run.exitCode}): ${JSON.stringify(wrong[0])} ${run.stderr}`,
    );
  }
  const cpu = /pinyard-bench-cpu-ms=(\d+)/.exec(run.stderr);
  if (!cpu) throw new Error('the child did not report its CPU time');
  return { wallMs, cpuMs: Number(cpu[1]) };
}

/** The same number of `skopeo inspect` calls, `parallel` at a time, with the same docker config as pinyard. */
async function timeSkopeo(refs: string[], dockerConfig: string, parallel: number): Promise<number> {
  // The credentials stay in the auth file: neither argv (where `ps` shows them) nor the log sees them.
  const script =
    'printf "%s\\n" "$@" | xargs -P "$P" -I{} skopeo inspect --tls-verify=false --authfile "$AUTHFILE" "docker://{}" >/dev/null';
  const started = performance.now();
  await execa('sh', ['-c', script, 'sh', ...refs], {
    env: { ...process.env, AUTHFILE: join(dockerConfig, 'config.json'), P: String(parallel) },
  });
  return performance.now() - started;
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}
