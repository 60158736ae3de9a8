import type { AddressInfo, Server, Socket } from 'node:net';

/** Starts `server` (TCP or TLS) on a free loopback port; its `127.0.0.1:PORT`. */
export async function listenOnLoopback(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * Stops `server` and destroys the sockets it still holds: a keep-alive connection would otherwise keep
 * `close()` waiting for its client to hang up.
 */
export function closeWithSockets(server: Server, sockets: ReadonlySet<Socket>): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    for (const socket of sockets) socket.destroy();
  });
}

/** `host:port` as `net.connect` takes it. */
export function hostPort(target: string): { host: string; port: number } {
  const colon = target.lastIndexOf(':');
  return { host: target.slice(0, colon), port: Number(target.slice(colon + 1)) };
}
