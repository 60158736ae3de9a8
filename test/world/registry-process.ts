import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from './ports.js';
import { logTail, pollUntil } from './processes.js';
import type { RegistryEndpoint } from './types.js';
import { WorldError } from './world-error.js';

export type RegistryAuth =
  | { kind: 'anonymous' }
  | { kind: 'htpasswd'; realm: string; path: string }
  | { kind: 'token'; realm: string; service: string; issuer: string; rootCertBundle: string };

export interface RegistryProcess {
  endpoint: RegistryEndpoint;
  stop(): Promise<void>;
}

const readyTimeoutMs = 15_000;
const stopGraceMs = 5_000;

/**
 * Runs `docker-registry serve` in `dir` and waits until `/v2/` answers. Without `port` it takes a free one,
 * retrying on a clash with whoever bound it between our probe and the registry's listen.
 */
export async function startRegistry(options: {
  name: string;
  dir: string;
  auth: RegistryAuth;
  port?: number;
}): Promise<RegistryProcess> {
  await mkdir(join(options.dir, 'storage'), { recursive: true });
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort());
    const started = await tryStart(options, port);
    if (started.ok) return started.registry;
    if (options.port !== undefined || !started.addressInUse || attempt === 3) throw started.error;
  }
}

type Attempt =
  | { ok: true; registry: RegistryProcess }
  | { ok: false; addressInUse: boolean; error: WorldError };

async function tryStart(
  options: { name: string; dir: string; auth: RegistryAuth },
  port: number,
): Promise<Attempt> {
  const host = `127.0.0.1:${port}`;
  const url = `http://${host}`;
  const configFile = join(options.dir, 'config.yml');
  const logFile = join(options.dir, 'registry.log');
  await writeFile(configFile, stringify(registryConfig(options.dir, host, options.auth)));

  const logFd = openSync(logFile, 'w');
  // PR_SET_PDEATHSIG: the kernel sends SIGTERM to the registry when our process dies, however it dies
  // (a crashed or killed test run included), so no registry outlives the run that started it.
  const child = spawn('setpriv', ['--pdeathsig', 'TERM', '--', 'docker-registry', 'serve', configFile], {
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  const exited = exitOf(child);
  let exit: string | undefined;
  void exited.then((how) => {
    exit = how;
  });

  const ready = await pollUntil(
    async () => (exit !== undefined ? false : (await answers(url)) || undefined),
    readyTimeoutMs,
  );
  if (!ready) {
    child.kill('SIGKILL');
    const tail = await logTail(logFile);
    return {
      ok: false,
      addressInUse: tail.includes('address already in use'),
      error: new WorldError(
        `the ${options.name} registry on ${host} ${exit ?? `did not answer /v2/ within ${readyTimeoutMs / 1000} s`}`,
        { hint: `the end of ${logFile}:\n${tail}` },
      ),
    };
  }
  return {
    ok: true,
    registry: {
      endpoint: { name: options.name, host, url, dir: options.dir },
      async stop() {
        if (exit !== undefined) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), stopGraceMs);
        await exited;
        clearTimeout(timer);
      },
    },
  };
}

function registryConfig(dir: string, addr: string, auth: RegistryAuth): Record<string, unknown> {
  return {
    version: 0.1,
    log: { level: 'warn', accesslog: { disabled: true } },
    storage: { filesystem: { rootdirectory: join(dir, 'storage') }, delete: { enabled: true } },
    // An explicit secret silences the registry's warning about making one up; it only signs upload state.
    http: { addr, secret: randomBytes(16).toString('hex') },
    ...(auth.kind === 'htpasswd' ? { auth: { htpasswd: { realm: auth.realm, path: auth.path } } } : {}),
    ...(auth.kind === 'token'
      ? {
          auth: {
            token: {
              realm: auth.realm,
              service: auth.service,
              issuer: auth.issuer,
              rootcertbundle: auth.rootCertBundle,
            },
          },
        }
      : {}),
  };
}

function exitOf(child: ChildProcess): Promise<string> {
  return new Promise((resolve) => {
    child.once('exit', (code, signal) =>
      resolve(signal ? `was killed by ${signal}` : `exited with code ${code}`),
    );
    child.once('error', (error) => resolve(`could not start: ${error.message}`));
  });
}

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(1_000) });
    return true;
  } catch {
    return false;
  }
}
