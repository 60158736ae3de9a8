import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PinyardError } from '../errors.js';

/**
 * The docker CLI's context store, read the way `docker context` writes it (docker/cli
 * `cli/context/store`): in the docker config directory, `contexts/meta/<sha256 of the name>/meta.json`
 * holds the name and the docker endpoint, and `contexts/tls/<sha256 of the name>/docker/` its TLS files.
 * Hand-written: no npm package reads this store, and it is three small files.
 */
export interface DockerContext {
  name: string;
  /** `Endpoints.docker.Host`: a DOCKER_HOST-style address. */
  host: string;
  /** `Endpoints.docker.SkipTLSVerify`: TLS without checking the engine's certificate. */
  skipTlsVerify: boolean;
  /** The TLS files the context has (each is optional, as in the docker CLI). */
  tls: { ca?: string; cert?: string; key?: string };
}

/** The name docker gives the context made of DOCKER_HOST (or the default socket); it has no files. */
export const DEFAULT_CONTEXT = 'default';

/** What a context name may be (docker/cli `cli/context/store`'s restrictedNamePattern). */
export const CONTEXT_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.+-]+$/;

/** The docker config directory: `DOCKER_CONFIG`, or `~/.docker`. */
export function dockerConfigDir(env: NodeJS.ProcessEnv, homeDir: string): string {
  return env.DOCKER_CONFIG || join(homeDir, '.docker');
}

/** The directory name of a context in the store: the hex sha256 of its name. */
export function contextId(name: string): string {
  return createHash('sha256').update(name).digest('hex');
}

/** `currentContext` of config.json (`docker context use` sets it), if any. */
export function currentContext(configDir: string): string | undefined {
  const file = join(configDir, 'config.json');
  const text = readIfThere(file);
  if (text === undefined) return undefined;
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (e) {
    throw new PinyardError('PINYARD_ENGINE_CONTEXT', `${file} is not JSON: ${(e as Error).message}`, {
      hint: 'fix the JSON (docker login and docker context use rewrite it), or point DOCKER_CONFIG at another directory',
    });
  }
  const name = (config as { currentContext?: unknown } | null)?.currentContext;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

/** The context of that name, or undefined when the store has none. */
export function readContext(configDir: string, name: string): DockerContext | undefined {
  const id = contextId(name);
  const metaFile = join(configDir, 'contexts', 'meta', id, 'meta.json');
  const text = readIfThere(metaFile);
  if (text === undefined) return undefined;
  const meta = parseMeta(text, metaFile);
  const docker = meta.Endpoints?.docker;
  if (typeof docker?.Host !== 'string' || docker.Host === '') {
    throw new PinyardError(
      'PINYARD_ENGINE_CONTEXT',
      `docker context ${name} has no docker endpoint (Endpoints.docker.Host in ${metaFile})`,
      { hint: `give it one (docker context update ${name} --docker host=…), or use another context` },
    );
  }
  const tlsDir = join(configDir, 'contexts', 'tls', id, 'docker');
  const tls: DockerContext['tls'] = {};
  for (const kind of ['ca', 'cert', 'key'] as const) {
    const file = join(tlsDir, `${kind}.pem`);
    if (existsSync(file)) tls[kind] = file;
  }
  return { name, host: docker.Host, skipTlsVerify: docker.SkipTLSVerify === true, tls };
}

/** The names of every context in the store, and `default`, sorted as `docker context ls` lists them. */
export function contextNames(configDir: string): string[] {
  const metaDir = join(configDir, 'contexts', 'meta');
  let ids: string[];
  try {
    ids = readdirSync(metaDir);
  } catch {
    ids = [];
  }
  const names = ids.flatMap((id) => {
    const text = readIfThere(join(metaDir, id, 'meta.json'));
    if (text === undefined) return [];
    try {
      const name = (JSON.parse(text) as { Name?: unknown }).Name;
      return typeof name === 'string' ? [name] : [];
    } catch {
      return [];
    }
  });
  return [DEFAULT_CONTEXT, ...names.filter((n) => n !== DEFAULT_CONTEXT).sort()];
}

interface Meta {
  Name?: unknown;
  Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } };
}

function parseMeta(text: string, file: string): Meta {
  try {
    const meta = JSON.parse(text) as unknown;
    if (meta !== null && typeof meta === 'object') return meta as Meta;
  } catch {
    // reported below
  }
  throw new PinyardError('PINYARD_ENGINE_CONTEXT', `${file} is not a docker context (not a JSON object)`, {
    hint: 'recreate the context with docker context create, or use another one',
  });
}

function readIfThere(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new PinyardError('PINYARD_ENGINE_CONTEXT', `cannot read ${file}: ${(e as Error).message}`, {
      hint: 'fix its permissions, or point DOCKER_CONFIG at another directory',
    });
  }
}
