import Docker from 'dockerode';
import { WorldError } from './world-error.js';

/** A dockerode client for `unix:///path` or `tcp://host:port` (the forms DOCKER_HOST takes). */
export function engineClient(dockerHost: string, timeoutMs?: number): Docker {
  const url = new URL(dockerHost);
  const timeout = timeoutMs === undefined ? {} : { timeout: timeoutMs };
  if (url.protocol === 'unix:') return new Docker({ socketPath: url.pathname, ...timeout });
  if (url.protocol === 'tcp:' || url.protocol === 'http:') {
    return new Docker({ host: url.hostname, port: url.port || 2375, protocol: 'http', ...timeout });
  }
  throw new WorldError(`DOCKER_HOST ${dockerHost} is not a unix:// or tcp:// address`, {
    hint: 'point DOCKER_HOST at a plain engine socket, or unset it to use /var/run/docker.sock',
  });
}

/** True when the engine answers `GET /_ping`. */
export async function pingEngine(dockerHost: string): Promise<boolean> {
  try {
    await engineClient(dockerHost, 2_000).ping();
    return true;
  } catch {
    return false;
  }
}
