import type { DockerOptions } from 'dockerode';
import { PinyardError } from '../errors.js';
import { isLoopbackRegistry } from '../reference/loopback.js';
import { type EndpointTls, type EngineEndpoint, endpointOrigin } from './engine-endpoint.js';

/**
 * How to reach an engine, from its address as the docker CLI reads it. Pure: the TLS files are named, not
 * read, and no ssh is started.
 *
 *   unix:///path/docker.sock   the socket
 *   tcp://host[:port]          HTTP on 2375, or HTTPS on 2376 with the endpoint's TLS files
 *   ssh://[user@]host[:port][/socket]   `ssh -- host docker system dial-stdio` through the system ssh, as
 *                              `docker -H ssh://…` does: the user's ssh config, keys and known_hosts apply
 */
export interface EngineConnection {
  /** The address as the user gave it (or the default), for messages. */
  dockerHost: string;
  options: DockerOptions;
  /** Set for HTTPS. */
  tls?: EndpointTls;
  /** Set for ssh://: the HTTP requests go through `docker system dial-stdio` on that host. */
  ssh?: SshTarget;
}

export interface SshTarget {
  host: string;
  user?: string;
  port?: string;
  /** The engine's socket on the far host (`ssh://host/run/docker.sock`), else docker's default there. */
  socketPath?: string;
}

export function engineConnection(endpoint: EngineEndpoint): EngineConnection {
  const { dockerHost } = endpoint;
  const url = parseUrl(dockerHost);
  // Every key is set, even to undefined: dockerode merges our options over what it reads from
  // process.env itself, and a DOCKER_HOST of the process must not leak into an engine built for `env`.
  const none = { socketPath: undefined, host: undefined, port: undefined, protocol: undefined };
  switch (url?.protocol) {
    case 'unix:':
      if (url.pathname === '' || url.pathname === '/') break;
      return { dockerHost, options: { ...none, socketPath: decodeURIComponent(url.pathname) } };
    case 'tcp:': {
      if (url.hostname === '') break;
      const tls = endpoint.tls;
      const options = { ...none, host: bareHost(url), port: url.port || (tls ? 2376 : 2375) };
      if (!tls) return { dockerHost, options: { ...options, protocol: 'http' } };
      return { dockerHost, options: { ...options, protocol: 'https' }, tls };
    }
    case 'ssh:': {
      if (url.hostname === '') break;
      const ssh: SshTarget = {
        host: bareHost(url),
        ...(url.username ? { user: decodeURIComponent(url.username) } : {}),
        ...(url.port ? { port: url.port } : {}),
        ...(url.pathname && url.pathname !== '/' ? { socketPath: decodeURIComponent(url.pathname) } : {}),
      };
      // HTTP over the ssh channel: the host name only fills the Host header, as docker's own client does.
      return { dockerHost, options: { ...none, protocol: 'http', host: 'docker', port: 80 }, ssh };
    }
  }
  throw new PinyardError(
    endpoint.origin.kind === 'context' ? 'PINYARD_ENGINE_CONTEXT' : 'PINYARD_ENGINE',
    `${dockerHost} is not an engine address pinyard can use (${endpointOrigin(endpoint)})`,
    {
      hint:
        endpoint.origin.kind === 'context'
          ? `give docker context ${endpoint.name} a unix://, tcp:// or ssh:// address (docker context update ${endpoint.name} --docker host=…), or use another context`
          : 'set DOCKER_HOST to unix:///path/to/docker.sock, tcp://host:port or ssh://user@host, or unset it for /var/run/docker.sock',
    },
  );
}

/** Whether the engine is reached over plain TCP on another machine: what crosses it can be read on the way. */
export function isPlainRemoteTcp(connection: EngineConnection): boolean {
  if (connection.tls || connection.ssh || connection.options.socketPath) return false;
  // Loopback by what the address says, never by what a name resolves to (DNS may say anything).
  const host = String(connection.options.host ?? '');
  return !isLoopbackRegistry(host.includes(':') ? `[${host}]` : host);
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
