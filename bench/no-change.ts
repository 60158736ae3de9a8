import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { type CountingProxy, startCountingProxy } from '../test/world/counting-proxy.js';
import { engineClient, startWorld, type World, writeDockerConfig } from '../test/world/index.js';
import { removeImages } from './build-runs.js';
import { startDelayProxy } from './delay-proxy.js';
import { median } from './measure.js';
import { runPinyardBuild, timeDockerLoop, writeTree } from './no-change-tree.js';
import { printTable } from './table.js';
import { loopbackServerName, startTlsTerminator } from './tls-terminator.js';

/**
 * What a no-change `build --push` costs (issue 14): a tree of a root and levels of ten (11, 101 and 301
 * images, a human tag each) is built and pushed once, then built again with nothing changed, behind a delay
 * proxy of 25 ms each way (RTT 50 ms), over plain HTTP and over TLS (a TLS front on the token registry,
 * its self-signed certificate trusted through NODE_EXTRA_CA_CERTS, the handshakes delayed like the data).
 * A counting proxy in front counts the connections opened, the requests (plain HTTP only) and the bytes.
 * Each rerun is compared with, in the same rounds:
 * - the bound: a bare `node` start, pull tokens, and a HEAD of every content tag and human tag, 8 at a time
 *   over one keep-alive pool (bench/no-change-bound.mjs);
 * - warm `docker build` loops over the same Dockerfiles, parents first (every step from the cache), without
 *   and with a `docker push` of each image (plain HTTP only: dockerd does not trust the TLS front).
 *
 * PINYARD_BENCH_SIZES=11,101 picks the trees; PINYARD_BENCH_TRANSPORTS=plain (or tls) one transport.
 */

const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const boundScript = fileURLToPath(new URL('./no-change-bound.mjs', import.meta.url));
const oneWayMs = 25;
const reruns = 5;
/** The docker loops are far slower: fewer rounds of them, each round still between pinyard's. */
const dockerRuns = 2;

type Transport = 'plain' | 'tls';

interface Sample {
  wallMs: number;
  connections: number;
  requests: number;
  bytesSent: number;
}

export async function benchNoChange(): Promise<void> {
  const sizes = (process.env.PINYARD_BENCH_SIZES ?? '11,101,301').split(',').map(Number);
  const transports = (process.env.PINYARD_BENCH_TRANSPORTS ?? 'plain,tls').split(',') as Transport[];
  const world = await startWorld({ log: (line) => console.error(`[world] ${line}`) });
  const label = `dev.pinyard.bench=${randomUUID()}`;
  const rows: string[][] = [
    ['images', 'transport', 'run', 'wall ms (median)', 'ratio', 'connections', 'requests', 'KB sent'],
  ];
  try {
    for (const transport of transports) {
      const serverName = transport === 'tls' ? await loopbackServerName() : '127.0.0.1';
      if (!serverName) {
        console.error('[bench] TLS left out: this machine has no host name that resolves to loopback');
        continue;
      }
      for (const size of sizes) rows.push(...(await benchTree(world, transport, serverName, size, label)));
    }
    printTable(
      `pinyard build --push with nothing changed (RTT ${2 * oneWayMs} ms; median of ${reruns}, ` +
        `docker loop median of ${dockerRuns})`,
      rows,
    );
  } finally {
    await removeImages(engineClient(world.dockerHost), label).catch((e: unknown) => console.error(String(e)));
    await world.stop();
  }
}

async function benchTree(
  world: World,
  transport: Transport,
  serverName: string,
  size: number,
  label: string,
): Promise<string[][]> {
  const id = randomUUID().slice(0, 8);
  const dir = join(world.workDir, `no-change-${transport}-${size}-${id}`);
  const tls =
    transport === 'tls'
      ? await startTlsTerminator(world.tokenRegistry.host, serverName, world.workDir)
      : undefined;
  const service = tls?.host ?? world.tokenRegistry.host;
  const counting = await startCountingProxy(service);
  const delay = await startDelayProxy(service, oneWayMs);
  try {
    const port = counting.host.split(':')[1];
    const registryHost = `${serverName}:${port}`;
    const tree = { registry: `${registryHost}/bench-nc-${size}-${id}`, mirror: world.upstream.host, label };
    // dockerd pushes the first build, and does not trust the certificate: that build goes to the plain
    // registry (pinyard falls back to HTTP for an insecure registry); the reruns speak TLS only.
    await writeTree(dir, size, { ...tree, ...(tls ? { insecure: registryHost } : {}) });
    const env = {
      ...process.env,
      DOCKER_HOST: world.dockerHost,
      DOCKER_CONFIG: await writeDockerConfig(join(dir, '.docker'), [
        { host: registryHost, user: world.users.admin },
      ]),
      ...(tls ? { NODE_EXTRA_CA_CERTS: tls.caFile } : {}),
    };
    // The first build pushes straight to the registry: only the reruns cross the delay (and the TLS front).
    counting.retarget(world.tokenRegistry.host);
    const built = await runPinyardBuild(cli, dir, env, 'built', size);
    if (tls) await writeTree(dir, size, tree);
    counting.retarget(delay.host);
    const boundJob = join(dir, 'bound.json');
    await writeFile(
      boundJob,
      JSON.stringify({
        origin: `${tls ? 'https' : 'http'}://${registryHost}`,
        realm: world.tokenRegistry.realm,
        service: world.tokenRegistry.service,
        authorization: `Basic ${Buffer.from(`${world.users.admin.username}:${world.users.admin.password}`).toString('base64')}`,
        refs: built.images.flatMap((image) =>
          image.tags.map((ref) => {
            const path = ref.slice(registryHost.length + 1);
            const colon = path.lastIndexOf(':');
            return [path.slice(0, colon), path.slice(colon + 1)];
          }),
        ),
      }),
    );
    const bound = () =>
      measured(counting, async () => {
        const run = await execa(process.execPath, [boundScript, boundJob], { env, reject: false, all: true });
        if (run.exitCode !== 0) throw new Error(`the bound exited ${run.exitCode}:\n${run.all}`);
      });
    const pinyard = () => measured(counting, () => runPinyardBuild(cli, dir, env, 'skipped', size));
    // dockerd does not trust the TLS front's certificate: the docker loops run over plain HTTP only.
    const names = built.images.map((image) => image.name);
    const loops = tls
      ? []
      : [
          { name: 'warm `docker build` loop', loop: { dir, names, env } },
          {
            name: 'warm `docker build` + `docker push` loop',
            loop: { dir, names, env, pushTo: tree.registry },
          },
        ];
    // Untimed: warms the engine's cache for the loops, the loop's tags in the registry, and each first start.
    for (const { loop } of loops) await timeDockerLoop(loop, 'cold-ok');
    await pinyard();
    await bound();
    const samples = {
      pinyard: [] as Sample[],
      bound: [] as Sample[],
      loops: loops.map(() => [] as number[]),
    };
    for (let i = 0; i < reruns; i++) {
      samples.pinyard.push(await pinyard());
      samples.bound.push(await bound());
      if (i >= dockerRuns) continue;
      for (const [j, { loop }] of loops.entries()) samples.loops[j]!.push(await timeDockerLoop(loop, 'warm'));
    }
    const mid = { pinyard: middle(samples.pinyard), bound: middle(samples.bound) };
    const cells = (run: string, wallMs: number, ratioCell: string, s?: Sample) => [
      String(size),
      tls ? 'TLS' : 'HTTP',
      run,
      wallMs.toFixed(0),
      ratioCell,
      s ? String(s.connections) : '',
      s && !tls ? String(s.requests) : '',
      s ? (s.bytesSent / 1024).toFixed(0) : '',
    ];
    return [
      cells(
        'pinyard',
        mid.pinyard.wallMs,
        `${ratio(mid.pinyard.wallMs / mid.bound.wallMs)} the bound`,
        mid.pinyard,
      ),
      cells('bound', mid.bound.wallMs, '', mid.bound),
      ...loops.map(({ name }, j) => {
        const loopMs = median(samples.loops[j]!);
        return cells(name, loopMs, `${ratio(loopMs / mid.pinyard.wallMs)} pinyard`);
      }),
    ];
  } finally {
    await counting.close();
    await delay.close();
    await tls?.close();
  }
}

/** Runs `work`, timing it and counting what it cost the registry. */
async function measured(counting: CountingProxy, work: () => Promise<unknown>): Promise<Sample> {
  counting.reset();
  const started = performance.now();
  await work();
  const wallMs = performance.now() - started;
  const counts = counting.counts();
  return {
    wallMs,
    connections: counts.connections,
    requests: counts.requests.length,
    bytesSent: counts.bytesSent,
  };
}

function middle(samples: Sample[]): Sample {
  return [...samples].sort((a, b) => a.wallMs - b.wallMs)[Math.floor(samples.length / 2)]!;
}

function ratio(value: number): string {
  return `${value.toFixed(2)}×`;
}
