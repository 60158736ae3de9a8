import { redact } from '../credentials/redact.js';
import { PinyardError } from '../errors.js';
import { type EngineEndpoint, endpointLabel, endpointOrigin } from './engine-endpoint.js';

/**
 * Turns what dockerode rejects with into PinyardErrors. dockerode's errors for an HTTP status read
 * `(HTTP code 404) no such image - <dockerd's message> `, with the status in `statusCode`; network failures
 * are Node's errors with a `code`.
 */

/** Socket errors that mean nothing answers at that address (or we may not talk to it). */
const unreachableCodes = new Set([
  'ENOENT',
  'ECONNREFUSED',
  'EACCES',
  'EPERM',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  // ssh:// engines: the ssh program failed (host key refused, no route, login denied); see ssh-dial.ts.
  'ESSH',
]);

/** What messages say of an engine: its name, address and where that address came from. */
export type EngineAddress = Pick<EngineEndpoint, 'name' | 'dockerHost' | 'origin'>;

/** The HTTP status of a dockerode error, when the engine answered at all. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** dockerd's own message in a dockerode error, without dockerode's `(HTTP code N) reason - ` prefix. */
export function daemonMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return redact(text.replace(/^\(HTTP code \d+\) [^-]*- /, '').trim());
}

/**
 * PINYARD_ENGINE for a failure to reach the engine (it is down, the socket is missing, ssh failed), or for
 * an answer the caller has no better word for.
 */
export function engineError(error: unknown, address: EngineAddress, doing: string): PinyardError {
  if (error instanceof PinyardError) return error;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (
    statusOf(error) === undefined &&
    ((code !== undefined && unreachableCodes.has(code)) || isSshError(error))
  ) {
    return engineDown(address, daemonMessage(error), code, error);
  }
  return new PinyardError(
    'PINYARD_ENGINE',
    `the Docker engine ${at(address)} failed ${doing}: ${daemonMessage(error)}`,
    {
      hint: "the engine log (journalctl -u docker, or dockerd's output) says more",
      cause: error,
    },
  );
}

/** PINYARD_ENGINE: nothing answers at the engine's address, and how to fix that. */
export function engineDown(
  address: EngineAddress,
  reason: string,
  code?: string,
  cause?: unknown,
): PinyardError {
  const where = endpointOrigin(address);
  const elsewhere =
    address.origin.kind === 'context'
      ? 'choose another docker context (DOCKER_CONTEXT, docker context use, or --engine context:NAME)'
      : 'point DOCKER_HOST at one that runs';
  const hint =
    code === 'EACCES' || code === 'EPERM'
      ? `you may not use that socket: join the docker group, or run pinyard as a user who may (${where})`
      : code === 'ESSH'
        ? `check that ssh reaches that host as docker would (ssh's config, keys and known_hosts apply: run ssh to it once and accept its host key if you trust it), or ${elsewhere} (${where})`
        : `start the Docker engine (dockerd), or ${elsewhere} (${where})`;
  const what =
    address.origin.kind === 'context'
      ? `the Docker engine of docker context ${address.name}, ${address.dockerHost},`
      : `the Docker engine at ${address.dockerHost}`;
  return new PinyardError('PINYARD_ENGINE', `${what} does not answer: ${reason}`, { hint, cause });
}

/** `at unix:///…` or `of docker context colima (unix:///…)`. */
export function at(address: EngineAddress): string {
  return address.origin.kind === 'context' ? `of ${endpointLabel(address)}` : `at ${address.dockerHost}`;
}

function isSshError(error: unknown): boolean {
  return typeof (error as { level?: unknown } | null)?.level === 'string';
}

export interface TransferContext {
  action: 'push' | 'pull';
  /** `host/repo:tag` */
  ref: string;
  host: string;
  repository: string;
  /** Who the engine spoke for, when the credential names someone. */
  account: string;
}

/** A push or pull the engine reported as failed, by what the registry said. */
export function transferFailure(message: string, context: TransferContext): PinyardError {
  const { action, ref, host, repository, account } = context;
  const said = redact(message);
  if (/denied|unauthorized|authentication required|forbidden/i.test(said)) {
    const who =
      account === 'anonymous' ? 'anonymously (no credentials for it in the docker config)' : `as ${account}`;
    return new PinyardError(
      'PINYARD_DENIED',
      `${host} refused to let pinyard ${action} ${repository} ${who}: ${said}`,
      {
        hint:
          account === 'anonymous'
            ? `log in first: docker login ${host}`
            : `${account} may not ${action} ${repository}: ask for that access, or docker login ${host} as an account that has it`,
      },
    );
  }
  if (/not found|manifest unknown|does not exist|no such image/i.test(said)) {
    return new PinyardError('PINYARD_NOT_FOUND', `cannot ${action} ${ref}: ${said}`, {
      hint:
        action === 'push'
          ? `tag a local image as ${ref} before pushing it`
          : `check that ${ref} exists in ${host}`,
    });
  }
  if (
    /connection refused|no such host|i\/o timeout|dial tcp|HTTP response to HTTPS client|x509|tls:/i.test(
      said,
    )
  ) {
    return new PinyardError(
      'PINYARD_UNREACHABLE',
      `the engine cannot reach ${host} to ${action} ${ref}: ${said}`,
      {
        hint: /HTTPS client/.test(said)
          ? `${host} speaks plain HTTP: list it in the engine's insecure-registries (daemon.json) and restart dockerd`
          : `check that ${host} is up and that the engine's host can reach it`,
      },
    );
  }
  return new PinyardError('PINYARD_REGISTRY', `${action} of ${ref} failed: ${said}`, {
    hint: "the engine log (journalctl -u docker, or dockerd's output) says more",
  });
}
