import { redact } from '../credentials/redact.js';
import { PinyardError } from '../errors.js';
import { printable } from '../text/printable.js';
import { ErrorBody } from './schema.js';

/**
 * Registry outcomes as PinyardErrors. Every string that may have come from outside (a registry's error
 * message, a helper's output) goes through `safe`: secrets redacted, escape sequences and line breaks
 * removed. No raw fetch error is attached as `cause`: its chain is printed by `util.inspect` and could
 * carry a request's headers.
 */

/** Redacted and on one printable line: what every message built from outside text goes through. */
export function safe(text: string): string {
  return printable(redact(text));
}

export interface DeniedContext {
  host: string;
  repository?: string;
  /** 'pull', 'push', 'delete', 'list the catalog of'. */
  action: string;
  /** The username, or 'anonymous'. */
  account: string;
}

export function deniedError({ host, repository, action, account }: DeniedContext): PinyardError {
  const target = repository ? `${host}/${repository}` : host;
  const who = account === 'anonymous' ? 'anonymous access' : `account "${account}"`;
  return new PinyardError('PINYARD_DENIED', safe(`access denied: ${who} may not ${action} ${target}`), {
    hint: safe(
      account === 'anonymous'
        ? `log in first (docker login ${host}), then run again`
        : `ask for ${action} access${repository ? ` to ${repository}` : ''}, or log in as an account that has it (docker login ${host})`,
    ),
  });
}

export function badCredentialsError(host: string, account: string, service: string): PinyardError {
  return new PinyardError(
    'PINYARD_DENIED',
    safe(`${service} for ${host} rejected the credentials of account "${account}"`),
    { hint: safe(`check the username and password or token: docker login ${host}`) },
  );
}

export function notFoundError(what: string, host: string, body?: ErrorBody): PinyardError {
  const code = body?.errors[0]?.code;
  const reason = code === 'NAME_UNKNOWN' ? 'the repository does not exist' : 'no such tag or digest';
  return new PinyardError('PINYARD_NOT_FOUND', safe(`${what} not found on ${host}: ${reason}`), {
    hint: 'check the name and tag, and that the image was pushed to this registry',
  });
}

export function unreachableError(host: string, code: string | undefined, detail: string): PinyardError {
  return new PinyardError(
    'PINYARD_UNREACHABLE',
    safe(`cannot reach registry ${host}: ${detail}${code ? ` (${code})` : ''}`),
    {
      hint: safe(
        `check that ${host} is up and the host and port are right; plain HTTP is used only for loopback hosts and insecureRegistries`,
      ),
    },
  );
}

const MAX_REASONS = 5;
const MAX_REASON_LENGTH = 300;

function clip(text: string): string {
  return text.length > MAX_REASON_LENGTH ? `${text.slice(0, MAX_REASON_LENGTH)}…` : text;
}

export interface RegistryFailure {
  host: string;
  /** What pinyard was doing: 'GET manifest 127.0.0.1:5000/app:1.4'. */
  what: string;
  status: number;
  body?: ErrorBody | undefined;
}

export function registryError({ host, what, status, body }: RegistryFailure): PinyardError {
  // A registry's own words, a few of them and not too long: they end up on one line of a terminal or CI log.
  const reasons = (body?.errors ?? [])
    .slice(0, MAX_REASONS)
    .map((e) => clip(e.message ? `${e.code}: ${e.message}` : e.code));
  const reason = reasons.length ? `: ${reasons.join('; ')}` : '';
  return new PinyardError('PINYARD_REGISTRY', safe(`${what}: registry ${host} answered ${status}${reason}`), {
    hint:
      status === 429
        ? 'the registry is rate-limiting this client; wait, log in for a higher limit, or use a mirror'
        : status >= 500
          ? 'the registry failed; run again later, or ask its operators'
          : 'the registry refused the request as sent; check the image reference and the registry version',
  });
}

export function digestMismatchError(what: string, expected: string, actual: string): PinyardError {
  return new PinyardError(
    'PINYARD_REGISTRY',
    safe(`${what}: content does not match its digest (expected ${expected}, got ${actual})`),
    {
      hint: 'the registry or a proxy in between served corrupted or substituted content; run again, and report it if it persists',
    },
  );
}

export function malformedError(host: string, what: string, problem: string): PinyardError {
  return new PinyardError(
    'PINYARD_REGISTRY',
    safe(`${what}: registry ${host} sent a malformed answer: ${problem}`),
    {
      hint: 'the server may not be an OCI distribution registry, or a proxy rewrote its answer',
    },
  );
}

/** The spec's error envelope, when the body is one. */
export function parseErrorBody(text: string): ErrorBody | undefined {
  try {
    const result = ErrorBody.safeParse(JSON.parse(text));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}
