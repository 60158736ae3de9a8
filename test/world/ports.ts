import { createServer } from 'node:net';
import { WorldError } from './world-error.js';

/** A loopback port nobody listens on right now (the caller binds it soon after; a clash means retry). */
export function freePort(): Promise<number> {
  return listenOnce(0);
}

export async function isPortFree(port: number): Promise<boolean> {
  try {
    await listenOnce(port);
    return true;
  } catch {
    return false;
  }
}

function listenOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new WorldError('a loopback listener reported no port')),
      );
    });
  });
}
