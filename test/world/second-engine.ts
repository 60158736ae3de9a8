import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Bridge, createBridge, deleteBridge } from './bridge.js';
import { launchDockerd, stopGraceMs } from './dockerd.js';
import { engineClient } from './engine-client.js';
import { isAlive, terminate } from './processes.js';
import type { Log, World } from './types.js';
import { WorldError } from './world-error.js';

const prefix = 'pinyard-engine2-';
/** In the engine's directory: the pid of the test process that owns it, the engine's pid, its bridge. */
const ownerFile = 'owner.pid';
const pidFile = 'dockerd.pid';
const bridgeFile = 'bridge';

export interface SecondEngine {
  /** `unix://<dir>/docker.sock` */
  dockerHost: string;
  /** Stops dockerd (and its containerd), removes its bridge and its directory, images included. */
  stop(): Promise<void>;
}

/**
 * A second dockerd beside the world's engine, for builds spread over several engines, started by the test
 * file that needs it (the other suites do not pay for it) and stopped by it.
 *
 * Everything it owns lives in one fresh directory: socket, data root (images and layers), exec root (so it
 * runs its own containerd instead of the first engine's) and pid file. Its containers (RUN steps) get a
 * bridge of their own: a dockerd started with `--bridge=none` deletes the machine's docker0 as it starts,
 * which cuts the first engine's RUN steps off, and two daemons on docker0 would hand out the same
 * addresses. It touches no iptables rules (builds need no NAT, and the first engine owns the DOCKER
 * chains), reads no /etc/docker/daemon.json, and pulls docker.io through the same mirrors as the world's
 * engine, so both engines see the same upstream.
 */
export async function startSecondEngine(world: World, log: Log = () => {}): Promise<SecondEngine> {
  await sweepAbandoned();
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await writeFile(join(dir, ownerFile), String(process.pid));
  const info = (await engineClient(world.dockerHost).info()) as { RegistryConfig?: { Mirrors?: string[] } };
  const mirrors = info.RegistryConfig?.Mirrors ?? [];
  const configFile = join(dir, 'daemon.json');
  await writeFile(configFile, `${JSON.stringify({ 'registry-mirrors': mirrors }, null, 2)}\n`);
  const dockerHost = `unix://${join(dir, 'docker.sock')}`;
  const logFile = join(dir, 'dockerd.log');
  log(`starting a second dockerd on ${dockerHost} (log: ${logFile})`);
  let pid: number;
  let bridge: Bridge | undefined;
  try {
    bridge = await createBridge();
    await writeFile(join(dir, bridgeFile), bridge.name);
    pid = await launchDockerd({
      args: [
        ...['--host', dockerHost, '--config-file', configFile, '--pidfile', join(dir, pidFile)],
        ...['--data-root', join(dir, 'data'), '--exec-root', join(dir, 'exec')],
        ...['--bridge', bridge.name, '--iptables=false', '--ip-masq=false'],
        // Should a system containerd run (/run/containerd), dockerd uses it instead of its own: separate
        // namespaces keep the two engines' containers apart there too.
        ...[
          '--containerd-namespace',
          'pinyard-engine2',
          '--containerd-plugins-namespace',
          'pinyard-engine2-plugins',
        ],
      ],
      dockerHost,
      logFile,
    });
  } catch (error) {
    if (bridge) await deleteBridge(bridge.name);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const { name } = bridge;
  return {
    dockerHost,
    async stop() {
      await terminate(pid, stopGraceMs);
      await deleteBridge(name);
      await removeDir(dir);
    },
  };
}

/** A run killed before its afterAll leaves its engine running: stop it and remove what it kept. */
async function sweepAbandoned(): Promise<void> {
  for (const name of await readdir(tmpdir())) {
    if (!name.startsWith(prefix)) continue;
    const dir = join(tmpdir(), name);
    // No owner yet: a run that is creating it right now.
    const owner = await readPid(join(dir, ownerFile));
    if (owner === undefined || (await isAlive(owner))) continue;
    const dockerd = await readPid(join(dir, pidFile));
    // A pid is reused once its process is gone: only a dockerd of this directory is stopped.
    const cmdline =
      dockerd === undefined ? '' : await readFile(`/proc/${dockerd}/cmdline`, 'utf8').catch(() => '');
    if (dockerd !== undefined && cmdline.includes(dir)) await terminate(dockerd, stopGraceMs);
    const bridge = await readFile(join(dir, bridgeFile), 'utf8').catch(() => '');
    if (bridge) await deleteBridge(bridge);
    await removeDir(dir);
  }
}

async function readPid(file: string): Promise<number | undefined> {
  const pid = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
  return Number.isInteger(pid) ? pid : undefined;
}

async function removeDir(dir: string): Promise<void> {
  try {
    await rm(dir, { recursive: true, force: true });
  } catch (error) {
    throw new WorldError(
      `could not remove the second engine's directory ${dir}: ${(error as Error).message}`,
      {
        hint: `a layer may still be mounted: grep ${dir} /proc/mounts, umount what is listed, then rm -rf ${dir}`,
        cause: error,
      },
    );
  }
}
