import { createServer, type IncomingMessage, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback HTTP proxy in front of a real registry that forwards every request as is, except those
 * `hold` picks: each of those waits until the test calls `release()`. A test can thus act at one exact
 * point of a command's conversation with the registry (between two requests), without timing.
 */
export interface HoldingProxy {
  /** `127.0.0.1:PORT`, to use as the registry host. */
  host: string;
  /** Resolves once a request is being held; `what` is its method and path. */
  held(): Promise<string>;
  release(): void;
  close(): Promise<void>;
}

export async function holdingProxy(
  target: string,
  hold: (req: IncomingMessage) => boolean,
): Promise<HoldingProxy> {
  const [targetHost, targetPort] = target.split(':');
  const waiting: Array<() => void> = [];
  let onHeld: ((what: string) => void) | undefined;
  let heldWhat: string | undefined;
  const server = createServer((req, res) => {
    const forward = () => {
      const upstream = request(
        {
          host: targetHost,
          port: Number(targetPort),
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    };
    if (!hold(req)) return forward();
    waiting.push(forward);
    heldWhat = `${req.method} ${req.url}`;
    onHeld?.(heldWhat);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    held: () =>
      heldWhat !== undefined
        ? Promise.resolve(heldWhat)
        : new Promise((resolve) => {
            onHeld = resolve;
          }),
    release() {
      for (const forward of waiting.splice(0)) forward();
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
