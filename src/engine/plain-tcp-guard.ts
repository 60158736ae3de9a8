import type { Credential } from '../credentials/credentials.js';
import { PinyardError } from '../errors.js';
import { type EngineEndpoint, endpointLabel } from './engine-endpoint.js';

/**
 * Registry credentials travel to the engine in request headers (X-Registry-Auth for a push or pull,
 * X-Registry-Config for a build). Over plain tcp:// to another machine anyone on the way reads them, so
 * pinyard refuses to send them there unless the user says the network is theirs. Loopback, unix://, ssh://
 * and TLS are not affected.
 */

/** The explicit opt-in: `PINYARD_ALLOW_PLAIN_TCP_CREDENTIALS=1`. */
export const ALLOW_PLAIN_TCP_CREDENTIALS = 'PINYARD_ALLOW_PLAIN_TCP_CREDENTIALS';

/** Throws PINYARD_INSECURE_ENGINE for a credential that may not go to this engine; returns otherwise. */
export type CredentialGuard = (registry: string, credential: Credential) => void;

export function plainTcpGuard(
  endpoint: EngineEndpoint,
  plainRemoteTcp: boolean,
  env: NodeJS.ProcessEnv,
): CredentialGuard {
  if (!plainRemoteTcp || env[ALLOW_PLAIN_TCP_CREDENTIALS] === '1') return () => {};
  return (registry, credential) => {
    if (credential.kind === 'anonymous') return;
    throw new PinyardError(
      'PINYARD_INSECURE_ENGINE',
      `pinyard will not send the credentials for ${registry} to the Docker engine ${endpointLabel(endpoint)}: it is reached over plain tcp:// on another host, where anyone on the way can read them`,
      {
        hint: `reach that engine over TLS (DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH, or a docker context with TLS files) or over ssh://user@host; if the network is yours alone, set ${ALLOW_PLAIN_TCP_CREDENTIALS}=1`,
      },
    );
  };
}
