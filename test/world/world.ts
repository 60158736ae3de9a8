import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { makeSigningCert } from './certs.js';
import { type Engine, findEngine, startEngine } from './engine.js';
import { ensurePackages } from './packages.js';
import { isPortFree } from './ports.js';
import { isAlive } from './processes.js';
import { type RegistryProcess, startRegistry } from './registry-process.js';
import { startTokenIssuer, type TokenIssuer } from './token-issuer.js';
import type { Log, World, WorldUsers } from './types.js';
import { seedUpstream } from './upstream-seed.js';
import { WorldError } from './world-error.js';

export interface StartWorldOptions {
  /**
   * The world's own directory (registries' storage, certs, logs, world.json). Emptied at start, removed by
   * stop() unless PINYARD_WORLD_KEEP=1. Default: a fresh temporary directory.
   */
  workDir?: string;
  log?: Log;
}

export type RunningWorld = World & { stop(): Promise<void> };

/**
 * Marks a directory as a world's, so a workDir given by mistake (a source tree) is never emptied; it holds the
 * owner's pid while the world runs.
 */
const marker = '.pinyard-world';
const defaultPrefix = 'pinyard-world-';
const defaultUpstreamPort = 5100;
const service = 'pinyard-test-registry';
const issuer = 'pinyard-test-issuer';

/** Fixed and plain: a test world guards nothing, and `docker login` by hand should be easy. */
const users: WorldUsers = {
  admin: { username: 'admin', password: 'admin-pass' },
  dev: { username: 'dev', password: 'dev-pass' },
  reader: { username: 'reader', password: 'reader-pass' },
  basic: { username: 'basic', password: 'basic-pass' },
};

/**
 * Brings up the world pinyard is tested against: a Docker engine (found or started) whose docker.io mirror is
 * the upstream stand-in, the upstream registry seeded with multi-arch busybox images, a token-auth registry
 * with its issuer, and a basic-auth registry. On failure, whatever had started is stopped again.
 */
export async function startWorld(options: StartWorldOptions = {}): Promise<RunningWorld> {
  const log = options.log ?? (() => {});
  const startedAt = Date.now();
  const workDir = await prepareWorkDir(options.workDir);
  const cleanups: Array<() => Promise<void>> = [];
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((e) => log(`cleanup failed: ${String(e)}`));
    }
    if (process.env.PINYARD_WORLD_KEEP === '1') await writeFile(join(workDir, marker), 'kept');
    else await rm(workDir, { recursive: true, force: true });
  };

  try {
    const upstreamPort = Number(process.env.PINYARD_WORLD_UPSTREAM_PORT || defaultUpstreamPort);
    const mirror = `http://127.0.0.1:${upstreamPort}`;
    const engine = await ensureEngine(mirror, log);
    cleanups.push(() => engine.release());

    const track = (registry: RegistryProcess) => {
      cleanups.push(() => registry.stop());
      return registry.endpoint;
    };
    // allSettled, not all: every process that did start must have its cleanup queued before we fail.
    const settled = await Promise.allSettled([
      startUpstream(workDir, upstreamPort, log).then(track),
      startBasicRegistry(workDir).then(track),
      startTokenWorld(workDir).then(({ registry, tokenIssuer }) => {
        cleanups.push(() => tokenIssuer.stop());
        return {
          tokenRegistry: { ...track(registry), realm: tokenIssuer.realm, service, issuer },
          tokenIssuer,
        };
      }),
    ]);
    const upstream = settledValue(settled[0]);
    const basicRegistry = settledValue(settled[1]);
    const { tokenRegistry, tokenIssuer } = settledValue(settled[2]);
    const upstreamImages = await seedUpstream(upstream.url);

    const world: World = {
      dockerHost: engine.dockerHost,
      startedEngine: engine.startedEngine,
      upstream,
      tokenRegistry,
      basicRegistry,
      users,
      upstreamImages,
      workDir,
    };
    await writeFile(join(workDir, 'world.json'), `${JSON.stringify(world, null, 2)}\n`);
    log(
      `world ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s: upstream ${upstream.host}, ` +
        `token ${tokenRegistry.host} (issuer log ${tokenIssuer.logUrl}), basic ${basicRegistry.host}`,
    );
    return { ...world, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function settledValue<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}

async function ensureEngine(mirror: string, log: Log): Promise<Engine> {
  const found = await findEngine(mirror, log);
  await ensurePackages({ engine: found === undefined, log });
  if (found) return found;
  // Installing docker.io may have started an engine already (its postinst does where an init system runs).
  return (await findEngine(mirror, log)) ?? (await startEngine(mirror, log));
}

/**
 * The engine's mirror is fixed when dockerd starts, so the upstream wants the fixed port. When another world
 * holds it (an engineer's suite running beside this one), that world's upstream serves the engine: its seeds
 * are byte for byte ours, but tags this world re-seeds are invisible to the engine.
 */
async function startUpstream(workDir: string, port: number, log: Log): Promise<RegistryProcess> {
  const dir = join(workDir, 'upstream');
  if (await isPortFree(port)) {
    return startRegistry({ name: 'upstream', dir, port, auth: { kind: 'anonymous' } });
  }
  log(
    `WARNING: 127.0.0.1:${port} is taken (another test world?), so this world's upstream listens elsewhere; ` +
      `the engine still pulls docker.io images from 127.0.0.1:${port}, which does not see this world's re-seeds. ` +
      `Set PINYARD_WORLD_UPSTREAM_PORT (with an engine started for it) to run worlds side by side.`,
  );
  return startRegistry({ name: 'upstream', dir, auth: { kind: 'anonymous' } });
}

async function startBasicRegistry(workDir: string): Promise<RegistryProcess> {
  const dir = join(workDir, 'basic');
  await mkdir(dir, { recursive: true });
  const htpasswd = join(dir, 'htpasswd');
  // bcrypt (-B): the only hash docker distribution accepts.
  await execa('htpasswd', ['-Bbc', htpasswd, users.basic.username, users.basic.password]);
  return startRegistry({
    name: 'basic',
    dir,
    auth: { kind: 'htpasswd', realm: 'pinyard-basic', path: htpasswd },
  });
}

async function startTokenWorld(
  workDir: string,
): Promise<{ registry: RegistryProcess; tokenIssuer: TokenIssuer }> {
  const dir = join(workDir, 'token');
  const cert = await makeSigningCert(join(workDir, 'certs'));
  const tokenIssuer = await startTokenIssuer({
    service,
    issuer,
    cert,
    accounts: {
      [users.admin.username]: { password: users.admin.password, account: 'admin' },
      [users.dev.username]: { password: users.dev.password, account: 'dev' },
      [users.reader.username]: { password: users.reader.password, account: 'reader' },
    },
  });
  try {
    const registry = await startRegistry({
      name: 'token',
      dir,
      auth: { kind: 'token', realm: tokenIssuer.realm, service, issuer, rootCertBundle: cert.certFile },
    });
    return { registry, tokenIssuer };
  } catch (error) {
    await tokenIssuer.stop();
    throw error;
  }
}

async function prepareWorkDir(given: string | undefined): Promise<string> {
  if (given === undefined) {
    await sweepAbandonedWorlds();
    const dir = await mkdtemp(join(tmpdir(), defaultPrefix));
    await writeFile(join(dir, marker), String(process.pid));
    return dir;
  }
  const dir = resolve(given);
  if (existsSync(dir)) {
    const entries = await readdir(dir);
    if (entries.length > 0 && !entries.includes(marker)) {
      throw new WorldError(`the world's work directory ${dir} is not empty and not a world's`, {
        hint: 'the world empties its work directory at start: pass a new or empty directory',
      });
    }
    await rm(dir, { recursive: true, force: true });
  }
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, marker), String(process.pid));
  return dir;
}

/**
 * Removes the default work dirs of runs that died without stop() (a crash, a kill -9): the marker holds the
 * owner's pid. Dirs kept with PINYARD_WORLD_KEEP=1 say `kept` instead and stay.
 */
async function sweepAbandonedWorlds(): Promise<void> {
  for (const name of await readdir(tmpdir())) {
    if (!name.startsWith(defaultPrefix)) continue;
    const dir = join(tmpdir(), name);
    const owner = Number.parseInt(await readFile(join(dir, marker), 'utf8').catch(() => ''), 10);
    if (Number.isInteger(owner) && !(await isAlive(owner))) await rm(dir, { recursive: true, force: true });
  }
}
