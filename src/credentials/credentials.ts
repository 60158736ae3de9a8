import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { PinyardError } from '../errors.js';
import { DOCKER_HUB_KEY, normalizeRegistryKey } from './hosts.js';
import { redact, secrets } from './redact.js';
import { type AuthEntry, DockerConfig, HelperCredentials } from './schema.js';

/**
 * Credentials the way docker and docker/login-action leave them (docker cli `cli/config/configfile`):
 * `$DOCKER_CONFIG/config.json` or `~/.docker/config.json`; per registry, `credHelpers` first, then the
 * `credsStore`, then the `auths` entry.
 */

export type Credential =
  | { kind: 'anonymous' }
  | { kind: 'basic'; username: string; password: string }
  /** An OAuth refresh token (`identitytoken`, or a helper's `<token>` user): exchanged by POST. */
  | { kind: 'identity-token'; username?: string; token: string }
  /** A bearer token to send to the registry as it is (`registrytoken`). */
  | { kind: 'registry-token'; token: string };

export interface CredentialOptions {
  /** Where DOCKER_CONFIG and the helpers' PATH come from; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  homeDir?: string;
}

/** The name an error can show for whoever a credential speaks for: the username, never a secret. */
export function accountOf(credential: Credential): string {
  switch (credential.kind) {
    case 'anonymous':
      return 'anonymous';
    case 'basic':
      return credential.username;
    case 'identity-token':
      return credential.username ?? 'identity token from config.json';
    case 'registry-token':
      return 'registry token from config.json';
  }
}

export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  return env.DOCKER_CONFIG ? join(env.DOCKER_CONFIG, 'config.json') : join(home, '.docker', 'config.json');
}

export class CredentialStore {
  readonly #env: NodeJS.ProcessEnv;
  readonly #path: string;
  #config: Promise<DockerConfig> | undefined;
  readonly #byHost = new Map<string, Promise<Credential>>();

  constructor(options: CredentialOptions = {}) {
    this.#env = options.env ?? process.env;
    this.#path = dockerConfigPath(this.#env, options.homeDir ?? homedir());
  }

  /** The credential for a registry host (`docker.io` and its aliases are one). Asked of helpers once. */
  get(host: string): Promise<Credential> {
    const key = normalizeRegistryKey(host);
    let credential = this.#byHost.get(key);
    if (!credential) {
      credential = this.#resolve(key);
      this.#byHost.set(key, credential);
    }
    return credential;
  }

  async #resolve(host: string): Promise<Credential> {
    const config = await this.#loadConfig();
    const serverUrl = host === 'docker.io' ? DOCKER_HUB_KEY : host;
    const helper = findByHost(config.credHelpers, host) ?? config.credsStore;
    const fromHelper = helper ? await this.#askHelper(helper, serverUrl) : undefined;
    const credential = fromHelper ?? fromAuthEntry(findByHost(config.auths, host));
    rememberSecrets(credential);
    return credential;
  }

  #loadConfig(): Promise<DockerConfig> {
    this.#config ??= readDockerConfig(this.#path);
    return this.#config;
  }

  /** The docker-credential-helpers protocol: `docker-credential-NAME get`, server URL on stdin, JSON out. */
  async #askHelper(name: string, serverUrl: string): Promise<Credential | undefined> {
    const program = `docker-credential-${name}`;
    // Loaded on first use: most runs have no helper, and execa costs every command's start-up otherwise.
    const { execa } = await import('execa');
    const result = await execa(program, ['get'], {
      input: serverUrl,
      env: this.#env,
      extendEnv: false,
      reject: false,
      timeout: 30_000,
    });
    if (result.failed) {
      const output = `${result.stdout}\n${result.stderr}`.trim();
      if (/credentials not found/i.test(output)) return undefined;
      const missing = (result as { code?: string }).code === 'ENOENT';
      throw new PinyardError(
        'PINYARD_CREDENTIALS',
        redact(
          missing
            ? `credential helper ${program} (named in ${this.#path}) is not on PATH`
            : `credential helper ${program} failed for ${serverUrl}: ${output.slice(0, 300) || `exit code ${result.exitCode}`}`,
        ),
        { hint: `install ${program}, or remove it from credHelpers/credsStore in ${this.#path}` },
      );
    }
    const parsed = parseJson(result.stdout, HelperCredentials);
    if (!parsed) {
      throw new PinyardError(
        'PINYARD_CREDENTIALS',
        `credential helper ${program} printed no credentials for ${serverUrl}`,
        {
          hint: `check the helper with: echo ${serverUrl} | ${program} get`,
        },
      );
    }
    if (!parsed.Secret) return undefined;
    return parsed.Username === '<token>'
      ? { kind: 'identity-token', token: parsed.Secret }
      : { kind: 'basic', username: parsed.Username, password: parsed.Secret };
  }
}

async function readDockerConfig(path: string): Promise<DockerConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new PinyardError('PINYARD_CREDENTIALS', `cannot read ${path}: ${(e as Error).message}`, {
      hint: 'fix its permissions, or point DOCKER_CONFIG at another directory',
    });
  }
  const config = parseJson(text, DockerConfig);
  if (!config) {
    // The file holds secrets: name it, never quote it.
    throw new PinyardError('PINYARD_CREDENTIALS', `${path} is not a valid docker config file`, {
      hint: 'fix the JSON (docker login rewrites it), or point DOCKER_CONFIG at another directory',
    });
  }
  return config;
}

function parseJson<T>(
  text: string,
  schema: { safeParse(v: unknown): { success: boolean; data?: T } },
): T | undefined {
  try {
    const result = schema.safeParse(JSON.parse(text));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}

/** Keys are written as users typed them (`https://host/v1/`, `host:5000`): match on the host they name. */
function findByHost<T>(map: Record<string, T> | undefined, host: string): T | undefined {
  if (!map) return undefined;
  if (map[host] !== undefined) return map[host];
  if (host === 'docker.io' && map[DOCKER_HUB_KEY] !== undefined) return map[DOCKER_HUB_KEY];
  for (const [key, value] of Object.entries(map)) if (normalizeRegistryKey(key) === host) return value;
  return undefined;
}

function fromAuthEntry(entry: AuthEntry | undefined): Credential {
  if (!entry) return { kind: 'anonymous' };
  if (entry.registrytoken) return { kind: 'registry-token', token: entry.registrytoken };
  let { username, password } = entry;
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      username = decoded.slice(0, colon);
      password = decoded.slice(colon + 1);
    }
  }
  if (entry.identitytoken) {
    return username
      ? { kind: 'identity-token', username, token: entry.identitytoken }
      : { kind: 'identity-token', token: entry.identitytoken };
  }
  return username && password ? { kind: 'basic', username, password } : { kind: 'anonymous' };
}

function rememberSecrets(credential: Credential): void {
  switch (credential.kind) {
    case 'basic':
      secrets.add(credential.password, `${credential.username}:${credential.password}`);
      break;
    case 'identity-token':
    case 'registry-token':
      secrets.add(credential.token);
      break;
  }
}
