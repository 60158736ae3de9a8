import { join } from 'node:path';
import type { DockerOptions } from 'dockerode';
import { PinyardError } from '../errors.js';

/**
 * Where the engine is, from DOCKER_HOST as the docker CLI reads it. Pure: the TLS files are named, not read.
 *
 *   (unset)                  unix:///var/run/docker.sock
 *   unix:///path/docker.sock the socket
 *   tcp://host[:port]        HTTP on 2375, or HTTPS on 2376 when DOCKER_TLS_VERIFY (or DOCKER_TLS) is set,
 *                            with ca.pem, cert.pem, key.pem from DOCKER_CERT_PATH (default ~/.docker)
 *   ssh://[user@]host[:port] `docker system dial-stdio` over SSH, keys from SSH_AUTH_SOCK's agent
 */
export interface EngineConnection {
  /** The address as the user gave it (or the default), for messages. */
  dockerHost: string;
  options: DockerOptions;
  /** Set for HTTPS: the directory holding ca.pem, cert.pem and key.pem. */
  tlsCertPath?: string;
}

const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';

export function engineConnection(env: NodeJS.ProcessEnv, homeDir: string): EngineConnection {
  const dockerHost = env.DOCKER_HOST || DEFAULT_DOCKER_HOST;
  const url = parseUrl(dockerHost);
  // Every key is set, even to undefined: dockerode merges our options over what it reads from
  // process.env itself, and a DOCKER_HOST of the process must not leak into an engine built for `env`.
  const none = { socketPath: undefined, host: undefined, port: undefined, protocol: undefined };
  switch (url?.protocol) {
    case 'unix:':
      if (url.pathname === '') break;
      return { dockerHost, options: { ...none, socketPath: decodeURIComponent(url.pathname) } };
    case 'tcp:': {
      if (url.hostname === '') break;
      const tls = Boolean(env.DOCKER_TLS_VERIFY || env.DOCKER_TLS);
      const options = { ...none, host: bareHost(url), port: url.port || (tls ? 2376 : 2375) };
      if (!tls) return { dockerHost, options: { ...options, protocol: 'http' } };
      return {
        dockerHost,
        options: { ...options, protocol: 'https' },
        tlsCertPath: env.DOCKER_CERT_PATH || join(homeDir, '.docker'),
      };
    }
    case 'ssh:':
      if (url.hostname === '') break;
      return {
        dockerHost,
        options: {
          ...none,
          protocol: 'ssh',
          host: bareHost(url),
          port: url.port || 22,
          ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
          sshOptions: env.SSH_AUTH_SOCK ? { agent: env.SSH_AUTH_SOCK } : {},
        },
      };
  }
  throw new PinyardError(
    'PINYARD_ENGINE',
    `DOCKER_HOST=${dockerHost} is not an engine address pinyard can use`,
    {
      hint: 'set DOCKER_HOST to unix:///path/to/docker.sock, tcp://host:port or ssh://user@host, or unset it for /var/run/docker.sock',
    },
  );
}

/** `[::1]` → `::1`: URLs bracket IPv6 addresses, sockets want them bare. */
function bareHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}
