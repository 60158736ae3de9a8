import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { PromoteReport } from '../src/report/promote/report.js';
import { type World, type WorldUser, writeDockerConfig } from '../test/world/index.js';
import { type BenchImage, seedBenchImage } from './promote-image.js';

const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

/** The two registries as the tools reach them: directly, or through the delay proxies. */
export interface Registries {
  /** The build registry, token auth: the image is at `<build>/<image.repository>`. */
  build: string;
  /** Another registry, basic auth. */
  other: string;
}

/** Same registry: another repository beside the source (a mount). Cross: the other registry. */
export type PromoteCase = 'same-registry' | 'cross-registry';

export interface Runner {
  registries: Registries;
  /** A scratch directory for the project and the docker config. */
  dir: string;
  dockerConfig: string;
  world: World;
}

export async function runner(world: World, registries: Registries, dir: string): Promise<Runner> {
  await mkdir(join(dir, 'images', 'app'), { recursive: true });
  await writeFile(join(dir, 'images', 'app', 'Dockerfile'), 'FROM scratch\n');
  const dockerConfig = await writeDockerConfig(join(dir, '.docker'), [
    { host: registries.build, user: world.users.admin },
    { host: registries.other, user: world.users.basic },
  ]);
  return { registries, dir, dockerConfig, world };
}

let unique = 0;
const runId = () => `${Date.now()}-${unique++}`;

/** A fresh image in the build registry, under `bench/`: images.yml's registry is `<build>/bench`. */
export function freshImage(r: Runner): Promise<BenchImage> {
  return seedBenchImage(r.world, r.registries.build, `bench/src-${runId()}`);
}

/** A target repository no run has used. */
function freshTarget(r: Runner, kind: PromoteCase): { registry: string; repository: string } {
  const name = `runs/${runId()}`;
  return kind === 'same-registry'
    ? { registry: r.registries.build, repository: `bench/${name}` }
    : { registry: r.registries.other, repository: name };
}

/**
 * `pinyard promote` as a user runs it: a fresh process, an images.yml whose environment is the fresh
 * target. Checks that the target serves the source's digest, so that a fast wrong answer cannot pass.
 */
export async function timePinyard(
  r: Runner,
  kind: PromoteCase,
  image: BenchImage,
  cliPath = cli,
): Promise<number> {
  const target = freshTarget(r, kind);
  const name = image.repository.slice('bench/'.length);
  const environment =
    kind === 'same-registry'
      ? `{ repository: "${target.repository.slice('bench/'.length)}/{name}" }`
      : `{ registry: ${target.registry}/${target.repository} }`;
  await writeFile(
    join(r.dir, 'images.yml'),
    [
      'version: 1',
      `registry: ${r.registries.build}/bench`,
      `environments: { next: ${environment} }`,
      `images: { ${name}: { context: images/app } }`,
      '',
    ].join('\n'),
  );
  const started = performance.now();
  const run = await execa(
    process.execPath,
    [cliPath, '--json', 'promote', `${name}:${image.tag}`, '--to', 'next'],
    {
      cwd: r.dir,
      env: { ...process.env, DOCKER_CONFIG: r.dockerConfig },
      reject: false,
    },
  );
  const wallMs = performance.now() - started;
  const report = JSON.parse(run.stdout) as PromoteReport;
  const [promoted] = report.images;
  if (run.exitCode !== 0 || promoted?.status !== 'promoted' || promoted.digest !== image.digest) {
    throw new Error(`pinyard promote failed (exit ${run.exitCode}): ${run.stdout} ${run.stderr}`);
  }
  return wallMs;
}

/**
 * What a user would script with a peer tool: `skopeo copy --all`, checked to land the same digest. Each run
 * gets an empty blob-info cache (a tmpfs over it in a private mount namespace), as a CI job starts with,
 * and as pinyard, which keeps no state, always does.
 */
export async function timeSkopeo(r: Runner, kind: PromoteCase, image: BenchImage): Promise<number> {
  const target = freshTarget(r, kind);
  const destination = `${target.registry}/${target.repository}:${image.tag}`;
  const destUser = kind === 'same-registry' ? r.world.users.admin : r.world.users.basic;
  const started = performance.now();
  // Passwords travel in the environment, not in argv where `ps` shows them.
  await execa(
    'unshare',
    [
      '--mount',
      'sh',
      '-c',
      `mount -t tmpfs tmpfs ${skopeoCacheDir} && skopeo copy --all --src-tls-verify=false --dest-tls-verify=false --src-creds "$SRC" --dest-creds "$DEST" "$1" "$2" >/dev/null`,
      'sh',
      `docker://${image.registry}/${image.repository}:${image.tag}`,
      `docker://${destination}`,
    ],
    { env: { ...process.env, SRC: creds(r.world.users.admin), DEST: creds(destUser) } },
  );
  const wallMs = performance.now() - started;
  const landed = await rawDigest(destination, destUser);
  if (landed !== image.digest) throw new Error(`skopeo landed ${landed}, not ${image.digest}`);
  return wallMs;
}

/** Where skopeo (containers/image) keeps its blob-info cache when run as root. */
const skopeoCacheDir = '/var/lib/containers/cache';

/** Makes sure the cache directory exists for the per-run tmpfs to be mounted over. */
export async function prepareSkopeo(): Promise<void> {
  await mkdir(skopeoCacheDir, { recursive: true });
}

/**
 * The docker way: pull, tag, push through the engine, from an engine that does not have the image yet.
 * It moves only the engine's platform (a single manifest, not the index), so it does less than the others.
 */
export async function timeDocker(r: Runner, kind: PromoteCase, image: BenchImage): Promise<number> {
  const target = freshTarget(r, kind);
  const source = `${image.registry}/${image.repository}:${image.tag}`;
  const destination = `${target.registry}/${target.repository}:${image.tag}`;
  const docker = (...args: string[]) =>
    execa('docker', args, {
      env: { ...process.env, DOCKER_CONFIG: r.dockerConfig, DOCKER_HOST: r.world.dockerHost },
    });
  const started = performance.now();
  await docker('pull', '--quiet', source);
  await docker('tag', source, destination);
  await docker('push', '--quiet', destination);
  const wallMs = performance.now() - started;
  await docker('image', 'rm', '--force', source, destination).catch(() => {});
  return wallMs;
}

function creds(user: WorldUser): string {
  return `${user.username}:${user.password}`;
}

async function rawDigest(ref: string, user: WorldUser): Promise<string> {
  const { stdout } = await execa(
    'sh',
    ['-c', 'skopeo inspect --raw --tls-verify=false --creds "$CREDS" "$1"', 'sh', `docker://${ref}`],
    { env: { ...process.env, CREDS: creds(user) }, encoding: 'buffer' },
  );
  return `sha256:${createHash('sha256').update(stdout).digest('hex')}`;
}
