import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchDockerd, stopGraceMs } from './dockerd.js';
import { engineClient, pingEngine } from './engine-client.js';
import { isAlive, pollUntil, terminate } from './processes.js';
import type { Log } from './types.js';
import { WorldError } from './world-error.js';

const defaultSocket = 'unix:///var/run/docker.sock';
const startTimeoutMs = 60_000;

/**
 * Outlives any one world: an engine a world started may be shared by worlds of other test runs (engineers run
 * suites side by side), so its pid file, log and the list of worlds using it live here, not in a work dir.
 */
export const engineDir = join(tmpdir(), 'pinyard-engine');
const pidFile = join(engineDir, 'dockerd.pid');
const logFile = join(engineDir, 'dockerd.log');
const usersDir = join(engineDir, 'users');

export interface Engine {
  dockerHost: string;
  startedEngine: boolean;
  /**
   * Called by the world's stop(). An engine a pinyard world started is stopped by the last world using it,
   * unless PINYARD_WORLD_KEEP_ENGINE=1; an engine found running otherwise is never touched.
   */
  release(): Promise<void>;
}

/** The engine of DOCKER_HOST or /var/run/docker.sock if it answers, else undefined. */
export async function findEngine(mirror: string, log: Log): Promise<Engine | undefined> {
  const configured = process.env.DOCKER_HOST;
  const dockerHost = configured || defaultSocket;
  if (!(await pingEngine(dockerHost))) {
    // A pinyard dockerd that does not answer yet is being started by another world: wait for it rather
    // than start a second one.
    const starting = !configured && (await pinyardDockerdPid()) !== undefined;
    if (!starting || !(await waitForPing(dockerHost, startTimeoutMs))) {
      if (configured) {
        throw new WorldError(`the Docker engine at DOCKER_HOST=${configured} does not answer`, {
          hint: 'start that engine, or unset DOCKER_HOST to let the test world start dockerd on /var/run/docker.sock',
        });
      }
      return undefined;
    }
  }
  await warnWithoutMirror(dockerHost, mirror, log);
  return register(dockerHost, false);
}

/** Starts dockerd detached (its own session) with `mirror` as docker.io's registry mirror. */
export async function startEngine(mirror: string, log: Log): Promise<Engine> {
  await mkdir(usersDir, { recursive: true });
  const configFile = join(engineDir, 'daemon.json');
  await writeFile(configFile, `${JSON.stringify(await daemonConfig(mirror), null, 2)}\n`);

  log(`starting dockerd (log: ${logFile})`);
  await launchDockerd({
    args: ['--host', defaultSocket, '--config-file', configFile, '--pidfile', pidFile],
    dockerHost: defaultSocket,
    logFile,
  });
  return register(defaultSocket, true);
}

/**
 * Our mirror, added to the machine's own daemon.json (whose settings we keep), minus the keys we pass as flags:
 * dockerd refuses to start when a setting is given both ways.
 */
async function daemonConfig(mirror: string): Promise<Record<string, unknown>> {
  const system = '/etc/docker/daemon.json';
  const config: Record<string, unknown> = existsSync(system)
    ? JSON.parse(await readFile(system, 'utf8'))
    : {};
  delete config.hosts;
  delete config.pidfile;
  const mirrors = Array.isArray(config['registry-mirrors']) ? config['registry-mirrors'] : [];
  config['registry-mirrors'] = [mirror, ...mirrors.filter((m) => m !== mirror)];
  return config;
}

async function warnWithoutMirror(dockerHost: string, mirror: string, log: Log): Promise<void> {
  const info = (await engineClient(dockerHost).info()) as { RegistryConfig?: { Mirrors?: string[] } };
  const mirrors = (info.RegistryConfig?.Mirrors ?? []).map((m) => m.replace(/\/+$/, ''));
  if (!mirrors.includes(mirror)) {
    log(
      `WARNING: the engine at ${dockerHost} has registry mirrors [${mirrors.join(', ')}], not ${mirror}: ` +
        `pulls of docker.io images will not reach the test world's upstream. Restart dockerd with ` +
        `--registry-mirror ${mirror} (or stop it and let the test world start its own).`,
    );
  }
}

async function waitForPing(dockerHost: string, timeoutMs: number): Promise<boolean> {
  return (await pollUntil(async () => (await pingEngine(dockerHost)) || undefined, timeoutMs, 200)) ?? false;
}

/** The pid of a running dockerd that a pinyard world started, if there is one. */
async function pinyardDockerdPid(): Promise<number | undefined> {
  const pid = Number.parseInt(await readFile(pidFile, 'utf8').catch(() => ''), 10);
  return Number.isInteger(pid) && (await isAlive(pid)) ? pid : undefined;
}

async function register(dockerHost: string, startedEngine: boolean): Promise<Engine> {
  await mkdir(usersDir, { recursive: true });
  const me = join(usersDir, `${process.pid}-${randomUUID()}`);
  await writeFile(me, '');
  return {
    dockerHost,
    startedEngine,
    async release() {
      await rm(me, { force: true });
      if (process.env.PINYARD_WORLD_KEEP_ENGINE === '1') return;
      const pid = await pinyardDockerdPid();
      if (pid === undefined || (await otherLiveUsers()) > 0) return;
      await terminate(pid, stopGraceMs);
    },
  };
}

async function otherLiveUsers(): Promise<number> {
  let live = 0;
  for (const name of await readdir(usersDir).catch(() => [])) {
    const pid = Number.parseInt(name, 10);
    if (await isAlive(pid)) live++;
    else await rm(join(usersDir, name), { force: true });
  }
  return live;
}
