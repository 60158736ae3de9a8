import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent as HttpsAgent } from 'node:https';
import { homedir } from 'node:os';
import { dirname } from 'node:path';
import Docker, { type DockerOptions } from 'dockerode';
import { accountOf, type Credential, CredentialStore } from '../credentials/credentials.js';
import { normalizeRegistryKey } from '../credentials/hosts.js';
import { secrets } from '../credentials/redact.js';
import { PinyardError } from '../errors.js';
import { parseReference, type Reference, withDefaultTag } from '../reference/index.js';
import { BuildError, buildFailure } from './build-error.js';
import { BuildOutput } from './build-output.js';
import { type BuilderSupport, builderSupport } from './builder-version.js';
import { type BuildSession, openSession } from './buildkit/session.js';
import { StatusOutput } from './buildkit/status-output.js';
import { type EngineConnection, engineConnection, isPlainRemoteTcp } from './connection.js';
import { type EndpointTls, type EngineEndpoint, endpointLabel, resolveEndpoint } from './engine-endpoint.js';
import {
  at,
  daemonMessage,
  type EngineAddress,
  engineDown,
  engineError,
  statusOf,
  type TransferContext,
  transferFailure,
} from './engine-errors.js';
import { type CredentialGuard, plainTcpGuard } from './plain-tcp-guard.js';
import { readMessages } from './read-messages.js';
import { authConfig, encodeAuthHeader, registryConfig } from './registry-auth.js';
import { sshAgent } from './ssh-dial.js';
import { TransferOutput } from './transfer-output.js';
import type {
  BuildOptions,
  BuildResult,
  Engine,
  ImageDetails,
  PushResult,
  TransferOptions,
} from './types.js';

export interface DockerEngineOptions {
  /** Where DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH and DOCKER_CONFIG come from; default process.env. */
  env?: NodeJS.ProcessEnv;
  homeDir?: string;
  /** The engine to talk to; default: the one `env` chooses, as the docker CLI would (engine-endpoint.ts). */
  endpoint?: EngineEndpoint;
  /** Credentials for pushes, pulls and the parents of builds; default: the docker config of `env`. */
  credentials?: CredentialStore;
}

/** A ping that takes longer than this means the engine is not there (a dead tcp:// host hangs, not fails). */
const PING_TIMEOUT_MS = 10_000;

/** The Docker Engine API through dockerode: the only place pinyard talks to an engine. */
export class DockerEngine implements Engine {
  readonly dockerHost: string;
  readonly name: string;
  readonly #address: EngineAddress;
  readonly #docker: Docker;
  readonly #credentials: CredentialStore;
  readonly #guard: CredentialGuard;

  constructor(options: DockerEngineOptions = {}) {
    const env = options.env ?? process.env;
    const homeDir = options.homeDir ?? homedir();
    const endpoint = options.endpoint ?? resolveEndpoint(undefined, env, homeDir);
    const connection = engineConnection(endpoint);
    this.dockerHost = endpoint.dockerHost;
    this.name = endpoint.name;
    this.#address = endpoint;
    this.#docker = createClient(connection, endpoint, env);
    this.#credentials = options.credentials ?? new CredentialStore({ env, homeDir });
    this.#guard = plainTcpGuard(endpoint, isPlainRemoteTcp(connection), env);
  }

  async ping(options: { signal?: AbortSignal } = {}): Promise<void> {
    const timeout = AbortSignal.timeout(PING_TIMEOUT_MS);
    const abortSignal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
    // dockerode's types leave out ping's options; the method takes them like every other call.
    const ping = this.#docker.ping as unknown as (
      this: Docker,
      o: { abortSignal: AbortSignal },
    ) => Promise<unknown>;
    try {
      await ping.call(this.#docker, { abortSignal });
    } catch (e) {
      options.signal?.throwIfAborted();
      if (timeout.aborted) {
        throw engineDown(this.#address, `no answer within ${PING_TIMEOUT_MS / 1000} s`);
      }
      throw engineError(e, this.#address, 'to answer a ping');
    }
  }

  async builderSupport(): Promise<BuilderSupport> {
    try {
      return await builderSupport(this.#docker);
    } catch (e) {
      throw engineError(e, this.#address, 'to say which builder it runs');
    }
  }

  async platform(): Promise<string> {
    try {
      const version = (await this.#docker.version()) as { Os?: string; Arch?: string };
      return `${version.Os ?? 'linux'}/${version.Arch ?? 'amd64'}`;
    } catch (e) {
      throw engineError(e, this.#address, 'to say its platform');
    }
  }

  async checkCredentials(registries: string[]): Promise<void> {
    await this.#registryConfig(registries);
  }

  async build(options: BuildOptions): Promise<BuildResult> {
    const { signal } = options;
    const buildkit = options.builder === 'buildkit';
    const hooks = { onStep: options.onStep, onLine: options.onLine };
    const output = buildkit ? new StatusOutput(hooks) : new BuildOutput(hooks);
    // A context file that vanishes or cannot be read fails the upload: that is the context's fault, not
    // the engine's, and must not read as "the engine does not answer".
    let unreadable: Error | undefined;
    options.context.once('error', (e) => {
      unreadable = e;
    });
    let session: BuildSession | undefined;
    const buildId = randomUUID();
    const cancel = () => void this.#cancelBuild(buildId);
    try {
      signal?.throwIfAborted();
      // The credentials of the registries this build pulls from, checked against how the engine is reached
      // (never over plain tcp:// to another host) before either builder gets any.
      const auths = await this.#registryConfig(options.registryHosts ?? []);
      let stream: NodeJS.ReadableStream;
      try {
        if (buildkit) {
          session = await openSession(this.#docker, {
            credentials: (host) => this.#sessionCredentials(host, options.registryHosts ?? []),
            secrets: options.secrets ?? new Map(),
          });
          signal?.throwIfAborted();
          stream = await this.#dialBuild(
            options.context,
            buildKitQuery(options, session.id, buildId),
            signal,
          );
          // Closing the connection cancels the build too; asking by its ID also reaches a build whose
          // request is stuck in a proxy or an ssh tunnel.
          signal?.addEventListener('abort', cancel, { once: true });
        } else {
          stream = await this.#docker.buildImage(options.context, {
            ...classicQuery(options),
            ...(Object.keys(auths).length > 0 ? { registryconfig: { base64: encodeAuthHeader(auths) } } : {}),
            ...(signal ? { abortSignal: signal } : {}),
          } as Docker.ImageBuildOptions);
        }
      } catch (e) {
        signal?.throwIfAborted();
        if (unreadable) throw contextUnreadable(unreadable);
        throw this.#buildRefused(e, options);
      }
      await readMessages(stream, (message) => output.accept(message), signal).catch((e) => {
        signal?.throwIfAborted();
        if (unreadable) throw contextUnreadable(unreadable);
        throw engineError(e, this.#address, 'during the build');
      });
      output.end();
      // BuildKit reads the whole context before it answers; a context that failed half-way is its error.
      if (unreadable && output.imageId === undefined) throw contextUnreadable(unreadable);
    } finally {
      signal?.removeEventListener('abort', cancel);
      session?.close();
      // The engine stops reading the context when it fails early: let go of the files it still had open.
      if (!options.context.readableEnded) options.context.destroy();
    }
    if (output.error !== undefined) {
      throw (
        dockerfileParseError(output.error, options) ??
        buildFailure(output.error, output.step, output.lastLines)
      );
    }
    if (output.imageId === undefined) {
      throw new PinyardError(
        'PINYARD_ENGINE',
        `the Docker engine ${at(this.#address)} ended the build without an image ID`,
        {
          hint: 'the connection may have dropped, or the engine restarted: run the build again',
        },
      );
    }
    return { imageId: output.imageId };
  }

  /**
   * What the session answers BuildKit for one registry host: the docker config credential, only for the
   * registries this build pulls from. Any other host BuildKit asks about gets nothing.
   */
  async #sessionCredentials(host: string, allowed: string[]) {
    const key = normalizeRegistryKey(host);
    if (!allowed.some((h) => normalizeRegistryKey(h) === key)) return undefined;
    const credential = await this.#credentials.get(host);
    switch (credential.kind) {
      case 'basic':
        return { username: credential.username, secret: credential.password };
      case 'identity-token':
        // As the docker CLI answers: BuildKit exchanges it at the registry's token service.
        return { username: '', secret: credential.token };
      default:
        return undefined;
    }
  }

  /** POST /build without dockerode's buildImage, which would open a session of its own for version 2. */
  #dialBuild(
    context: NodeJS.ReadableStream,
    query: Record<string, unknown>,
    signal: AbortSignal | undefined,
  ): Promise<NodeJS.ReadableStream> {
    return new Promise((resolve, reject) => {
      this.#docker.modem.dial(
        {
          path: '/build?',
          method: 'POST',
          file: context,
          options: query,
          isStream: true,
          ...(signal ? { abortSignal: signal } : {}),
          statusCodes: { 200: true, 400: 'bad parameter', 500: 'server error' },
        } as never,
        (error: unknown, stream: unknown) =>
          error ? reject(error) : resolve(stream as NodeJS.ReadableStream),
      );
    });
  }

  /** Best effort: the build may have ended already, and the engine may be gone. */
  async #cancelBuild(buildId: string): Promise<void> {
    await new Promise<void>((resolve) => {
      this.#docker.modem.dial(
        {
          path: '/build/cancel?',
          method: 'POST',
          options: { id: buildId },
          statusCodes: { 200: true },
        } as never,
        () => resolve(),
      );
    });
  }

  async push(ref: string, options: TransferOptions = {}): Promise<PushResult> {
    const target = withDefaultTag(parseReference(ref));
    if (target.digest !== undefined) {
      throw new PinyardError(
        'PINYARD_BAD_REFERENCE',
        `cannot push ${ref}: a push goes to a tag, not a digest`,
        {
          hint: 'push host/repository:tag; the registry computes the digest',
        },
      );
    }
    const { credential, context } = await this.#transfer('push', target, options);
    const output = new TransferOutput(options.onLine);
    await this.#follow(
      () =>
        this.#docker.getImage(`${target.registry}/${target.repository}`).push({
          tag: target.tag,
          authconfig: { base64: encodeAuthHeader(authConfig(credential, target.registry)) },
          ...(options.signal ? { abortSignal: options.signal } : {}),
        }),
      output,
      context,
      options.signal,
    );
    if (output.pushed === undefined) {
      throw new PinyardError(
        'PINYARD_ENGINE',
        `the Docker engine ${at(this.#address)} ended the push of ${context.ref} without a digest`,
        {
          hint: 'the connection may have dropped, or the engine restarted: push again',
        },
      );
    }
    return output.pushed;
  }

  async pull(ref: string, options: TransferOptions = {}): Promise<void> {
    const source = withDefaultTag(parseReference(ref));
    const { credential, context } = await this.#transfer('pull', source, options);
    await this.#follow(
      () =>
        this.#docker.createImage({
          fromImage: `${source.registry}/${source.repository}`,
          tag: source.digest ?? source.tag,
          authconfig: { base64: encodeAuthHeader(authConfig(credential, source.registry)) },
          ...(options.signal ? { abortSignal: options.signal } : {}),
        }),
      new TransferOutput(options.onLine),
      context,
      options.signal,
    );
  }

  async tag(image: string, repository: string, tag: string): Promise<void> {
    try {
      await this.#docker.getImage(image).tag({ repo: repository, tag });
    } catch (e) {
      if (statusOf(e) === 404) {
        throw new PinyardError(
          'PINYARD_NOT_FOUND',
          `cannot tag ${image} as ${repository}:${tag}: the engine has no such image`,
          {
            hint: 'build the image first, or check the image ID',
          },
        );
      }
      throw engineError(e, this.#address, `to tag ${image} as ${repository}:${tag}`);
    }
  }

  async inspect(ref: string): Promise<ImageDetails | undefined> {
    try {
      const image = await this.#docker.getImage(ref).inspect();
      return {
        id: image.Id,
        labels: image.Config?.Labels ?? {},
        repoDigests: image.RepoDigests ?? [],
        repoTags: image.RepoTags ?? [],
      };
    } catch (e) {
      if (statusOf(e) === 404) return undefined;
      throw engineError(e, this.#address, `to inspect ${ref}`);
    }
  }

  async remove(ref: string): Promise<'removed' | 'not-found'> {
    try {
      await this.#docker.getImage(ref).remove();
      return 'removed';
    } catch (e) {
      if (statusOf(e) === 404) return 'not-found';
      if (statusOf(e) === 409) {
        throw new PinyardError('PINYARD_ENGINE', `cannot remove ${ref}: ${daemonMessage(e)}`, {
          hint: 'remove the containers that use it first (docker ps -a)',
        });
      }
      throw engineError(e, this.#address, `to remove ${ref}`);
    }
  }

  /** X-Registry-Config for the registries a build pulls from: each one's docker config credential. */
  async #registryConfig(hosts: string[]) {
    const unique = [...new Set(hosts)];
    const credentials = await Promise.all(
      unique.map(async (host) => ({ host, credential: await this.#credentials.get(host) })),
    );
    for (const { host, credential } of credentials) this.#guard(host, credential);
    return registryConfig(credentials);
  }

  async #transfer(
    action: 'push' | 'pull',
    ref: Reference,
    options: TransferOptions,
  ): Promise<{ credential: Credential; context: TransferContext }> {
    options.signal?.throwIfAborted();
    const credential = options.auth ?? (await this.#credentials.get(ref.registry));
    if (options.auth) rememberSecrets(options.auth);
    this.#guard(ref.registry, credential);
    const context: TransferContext = {
      action,
      ref: `${ref.registry}/${ref.repository}${ref.digest ? `@${ref.digest}` : `:${ref.tag}`}`,
      host: ref.registry,
      repository: ref.repository,
      account: accountOf(credential),
    };
    return { credential, context };
  }

  /** Starts a push or pull and reads its stream; an error inside the stream becomes a PinyardError. */
  async #follow(
    start: () => Promise<NodeJS.ReadableStream>,
    output: TransferOutput,
    context: TransferContext,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    let stream: NodeJS.ReadableStream;
    try {
      stream = await start();
    } catch (e) {
      signal?.throwIfAborted();
      // dockerd answers a pull it cannot start (denied, unknown manifest) with an HTTP error, not a stream.
      throw statusOf(e) === undefined
        ? engineError(e, this.#address, `to ${context.action} ${context.ref}`)
        : transferFailure(daemonMessage(e), context);
    }
    await readMessages(stream, (message) => output.accept(message), signal).catch((e) => {
      signal?.throwIfAborted();
      throw engineError(e, this.#address, `during the ${context.action} of ${context.ref}`);
    });
    if (output.error !== undefined) throw transferFailure(output.error, context);
  }

  /** The engine answered the build request with an HTTP error instead of a stream. */
  #buildRefused(error: unknown, options: BuildOptions): PinyardError {
    if (statusOf(error) === undefined) return engineError(error, this.#address, 'to start the build');
    const message = daemonMessage(error);
    return (
      dockerfileParseError(message, options) ?? new BuildError(`the engine refused the build: ${message}`)
    );
  }
}

/**
 * The engine's parser refused the Dockerfile: the classic builder says so in its HTTP answer, BuildKit in
 * its stream (`failed to create LLB definition: dockerfile parse error line 4: Unknown flag: link`). Either
 * way it is bad input, on a line of the user's file (pinning keeps every line where it was).
 */
function dockerfileParseError(message: string, options: BuildOptions): PinyardError | undefined {
  const parse = /dockerfile parse error line (\d+): (.*)/i.exec(message);
  if (!parse) return undefined;
  const unknownFlag = /^unknown flag: (\S+)/i.exec(parse[2]!);
  return new PinyardError(
    'PINYARD_DOCKERFILE_INVALID',
    `the engine cannot parse the Dockerfile: ${parse[2]}`,
    {
      hint: unknownFlag
        ? `the engine's Dockerfile frontend does not know --${unknownFlag[1]}: it needs a newer frontend (\`# syntax=docker/dockerfile:1\` on the first line, pinned in images.lock) or a newer engine`
        : 'fix that line; `docker build` would stop at it too',
      ...(options.dockerfilePath
        ? { position: { file: options.dockerfilePath, line: Number(parse[1]), column: 1 } }
        : {}),
    },
  );
}

function contextUnreadable(error: Error): PinyardError {
  return new PinyardError('PINYARD_CONTEXT_INVALID', `cannot send the build context: ${error.message}`, {
    hint: 'a file changed or vanished while it was being sent: run the build again once nothing writes to the context',
    cause: error,
  });
}

/** The query both builders take. */
function commonQuery(options: BuildOptions): Record<string, unknown> {
  return {
    dockerfile: options.dockerfile,
    ...(options.tags?.length ? { t: options.tags } : {}),
    ...(options.labels ? { labels: options.labels } : {}),
    ...(options.target ? { target: options.target } : {}),
    ...(options.platform ? { platform: options.platform } : {}),
    ...(options.noCache ? { nocache: true } : {}),
  };
}

function classicQuery(options: BuildOptions): Record<string, unknown> {
  return {
    ...commonQuery(options),
    version: '1',
    // Intermediate containers go even when a step fails: a failed run leaves nothing behind.
    rm: true,
    forcerm: true,
    ...(options.buildArgs ? { buildargs: options.buildArgs } : {}),
  };
}

function buildKitQuery(options: BuildOptions, session: string, buildId: string): Record<string, unknown> {
  return {
    ...commonQuery(options),
    version: '2',
    session,
    buildid: buildId,
    // The inline cache rides in what is pushed, so the next build on any engine can start from it.
    buildargs: { ...options.buildArgs, BUILDKIT_INLINE_CACHE: '1' },
    ...(options.cacheFrom?.length ? { cachefrom: JSON.stringify(options.cacheFrom) } : {}),
  };
}

function createClient(
  connection: EngineConnection,
  endpoint: EngineEndpoint,
  env: NodeJS.ProcessEnv,
): Docker {
  const tls = connection.tls === undefined ? {} : tlsOptions(connection.tls, endpoint);
  const ssh = connection.ssh === undefined ? {} : { agent: sshAgent(connection.ssh, env) };
  try {
    return new Docker({ ...connection.options, ...tls, ...ssh });
  } catch (e) {
    // dockerode also reads process.env.DOCKER_HOST and throws on one it cannot parse.
    throw new PinyardError(
      'PINYARD_ENGINE',
      `cannot set up a Docker engine client: ${(e as Error).message}`,
      {
        hint: 'check DOCKER_HOST (unix:///path/to/docker.sock, tcp://host:port or ssh://user@host)',
        cause: e,
      },
    );
  }
}

/** The TLS files of the endpoint, read; a context's SkipTLSVerify (or DOCKER_TLS alone) skips the check. */
function tlsOptions(tls: EndpointTls, endpoint: EngineEndpoint): DockerOptions {
  const options: Record<string, unknown> = { protocol: 'https' };
  for (const kind of ['ca', 'cert', 'key'] as const) {
    const file = tls[kind];
    if (file === undefined) continue;
    try {
      options[kind] = readFileSync(file);
    } catch (e) {
      if (!tls.required && (e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new PinyardError(
        endpoint.origin.kind === 'context' ? 'PINYARD_ENGINE_CONTEXT' : 'PINYARD_ENGINE',
        `cannot read the TLS files for ${endpointLabel(endpoint)}: ${(e as Error).message}`,
        {
          hint:
            endpoint.origin.kind === 'context'
              ? `recreate docker context ${endpoint.name} with its TLS files, or use another context`
              : `put ca.pem, cert.pem and key.pem in ${dirname(file)}, or point DOCKER_CERT_PATH at the directory that has them`,
        },
      );
    }
  }
  // docker-modem hands ca, cert and key to https.request but not rejectUnauthorized; an agent's options
  // take precedence over a request's, so the agent carries it.
  if (tls.skipVerify) options.agent = new HttpsAgent({ keepAlive: true, rejectUnauthorized: false });
  return options as DockerOptions;
}

function rememberSecrets(credential: Credential): void {
  if (credential.kind === 'basic')
    secrets.add(credential.password, `${credential.username}:${credential.password}`);
  else if (credential.kind !== 'anonymous') secrets.add(credential.token);
}
