import { join } from 'node:path';
import { PinyardError } from '../errors.js';
import {
  CONTEXT_NAME,
  contextNames,
  currentContext,
  DEFAULT_CONTEXT,
  type DockerContext,
  dockerConfigDir,
  readContext,
} from './docker-contexts.js';

/**
 * Which engine to talk to, chosen as the docker CLI chooses it (docker/cli `cli/command/cli.go`
 * resolveContextName and `cli/context/docker`), with pinyard's own choice first:
 *
 *   1. `--engine` / `engines:` in images.yml: an address, or `context:NAME`
 *   2. DOCKER_HOST (with DOCKER_TLS_VERIFY, DOCKER_CERT_PATH)
 *   3. DOCKER_CONTEXT
 *   4. `currentContext` in the docker config (DOCKER_CONFIG or ~/.docker/config.json)
 *   5. unix:///var/run/docker.sock
 *
 * The context named `default` is 2 or 5. Reads the context files; connects to nothing.
 */
export interface EngineEndpoint {
  /** The name the user knows the engine by: the docker context's name, or else the address. */
  name: string;
  /** The address, DOCKER_HOST-style: `unix:///…`, `tcp://host:port`, `ssh://user@host`. */
  dockerHost: string;
  /** Where the address came from, for messages. */
  origin: EndpointOrigin;
  /** Set when the engine is spoken to over TLS: the files to present and trust (each optional). */
  tls?: EndpointTls;
}

export type EndpointOrigin =
  /** A docker context, named by DOCKER_CONTEXT, config.json's currentContext, --engine or engines:. */
  | { kind: 'context'; context: string; namedBy: string }
  | { kind: 'DOCKER_HOST' }
  /** An address given to pinyard itself. */
  | { kind: 'address'; namedBy: string }
  /** Nothing set: the default socket. */
  | { kind: 'default' };

export interface EndpointTls {
  ca?: string;
  cert?: string;
  key?: string;
  /** Every file above must be there (DOCKER_CERT_PATH's contract); a context's files are each optional. */
  required: boolean;
  /** TLS without checking the engine's certificate (a context's SkipTLSVerify, or DOCKER_TLS alone). */
  skipVerify: boolean;
}

/** An engine named to pinyard itself: `--engine X` or an entry of `engines:`. */
export interface EngineRequest {
  /** A DOCKER_HOST-style address, or `context:NAME`. */
  address: string;
  /** `--engine` or `engines: in images.yml`. */
  namedBy: string;
}

export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';
export const CONTEXT_PREFIX = 'context:';

export function resolveEndpoint(
  request: EngineRequest | undefined,
  env: NodeJS.ProcessEnv,
  homeDir: string,
): EngineEndpoint {
  const configDir = dockerConfigDir(env, homeDir);
  if (request?.address.startsWith(CONTEXT_PREFIX)) {
    const name = request.address.slice(CONTEXT_PREFIX.length);
    return fromContext(name, request.namedBy, configDir, env, homeDir);
  }
  if (request) {
    return fromAddress(request.address, { kind: 'address', namedBy: request.namedBy }, env, homeDir);
  }
  if (env.DOCKER_HOST) return fromAddress(env.DOCKER_HOST, { kind: 'DOCKER_HOST' }, env, homeDir);
  if (env.DOCKER_CONTEXT) return fromContext(env.DOCKER_CONTEXT, 'DOCKER_CONTEXT', configDir, env, homeDir);
  const current = currentContext(configDir);
  if (current !== undefined) {
    const namedBy = `the currentContext of ${join(configDir, 'config.json')}`;
    return fromContext(current, namedBy, configDir, env, homeDir);
  }
  return fromAddress(DEFAULT_DOCKER_HOST, { kind: 'default' }, env, homeDir);
}

/** How a message names the engine: `docker context colima (unix:///…)` or the address alone. */
export function endpointLabel(endpoint: EngineEndpoint): string {
  return endpoint.origin.kind === 'context'
    ? `docker context ${endpoint.name} (${endpoint.dockerHost})`
    : endpoint.dockerHost;
}

/** Where the address came from, as a hint says it: `DOCKER_HOST is tcp://…`, `DOCKER_CONTEXT is colima`. */
export function endpointOrigin(endpoint: EngineEndpoint): string {
  const { origin, dockerHost } = endpoint;
  switch (origin.kind) {
    case 'context':
      return origin.namedBy === 'DOCKER_CONTEXT'
        ? `DOCKER_CONTEXT is ${origin.context}, whose engine is ${dockerHost}`
        : `docker context ${origin.context} is named by ${origin.namedBy}; its engine is ${dockerHost}`;
    case 'DOCKER_HOST':
      return `DOCKER_HOST is ${dockerHost}`;
    case 'address':
      return `${origin.namedBy} names ${dockerHost}`;
    case 'default':
      return `DOCKER_HOST is unset and no docker context is in use, so pinyard tried ${dockerHost}`;
  }
}

function fromContext(
  name: string,
  namedBy: string,
  configDir: string,
  env: NodeJS.ProcessEnv,
  homeDir: string,
): EngineEndpoint {
  if (name === DEFAULT_CONTEXT) {
    // docker's `default` context is what DOCKER_HOST (or the default socket) says.
    return env.DOCKER_HOST
      ? fromAddress(env.DOCKER_HOST, { kind: 'DOCKER_HOST' }, env, homeDir)
      : fromAddress(DEFAULT_DOCKER_HOST, { kind: 'default' }, env, homeDir);
  }
  const context = CONTEXT_NAME.test(name) ? readContext(configDir, name) : undefined;
  if (context === undefined) {
    const known = contextNames(configDir);
    throw new PinyardError(
      'PINYARD_ENGINE_CONTEXT',
      `there is no docker context "${name}" (named by ${namedBy}) in ${configDir}; the contexts there: ${known.join(', ')}`,
      {
        hint: `name one of those (docker context ls shows them), or create it: docker context create ${CONTEXT_NAME.test(name) ? name : 'NAME'} --docker host=…`,
      },
    );
  }
  return {
    name,
    dockerHost: context.host,
    origin: { kind: 'context', context: name, namedBy },
    ...contextTls(context),
  };
}

/** docker uses TLS for a context with TLS files or SkipTLSVerify (`cli/context/docker` tlsConfig). */
function contextTls(context: DockerContext): { tls?: EndpointTls } {
  const hasFiles = Object.keys(context.tls).length > 0;
  if (!hasFiles && !context.skipTlsVerify) return {};
  if (!/^tcp:/i.test(context.host)) return {};
  return { tls: { ...context.tls, required: false, skipVerify: context.skipTlsVerify } };
}

function fromAddress(
  dockerHost: string,
  origin: EndpointOrigin,
  env: NodeJS.ProcessEnv,
  homeDir: string,
): EngineEndpoint {
  const endpoint: EngineEndpoint = { name: dockerHost, dockerHost, origin };
  // DOCKER_TLS_VERIFY: TLS, checking the engine against ca.pem; DOCKER_TLS alone: TLS without that check.
  const verify = Boolean(env.DOCKER_TLS_VERIFY);
  if (!/^tcp:/i.test(dockerHost) || !(verify || env.DOCKER_TLS)) return endpoint;
  const dir = env.DOCKER_CERT_PATH || join(homeDir, '.docker');
  return {
    ...endpoint,
    tls: {
      ca: join(dir, 'ca.pem'),
      cert: join(dir, 'cert.pem'),
      key: join(dir, 'key.pem'),
      required: verify,
      skipVerify: !verify,
    },
  };
}
