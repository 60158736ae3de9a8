import { createServer, type Socket, connect as tcpConnect } from 'node:net';
import { closeWithSockets, hostPort, listenOnLoopback } from '../test/world/loopback-server.js';

export interface DelayProxy {
  /** `127.0.0.1:PORT`, to use where the target's host would go. */
  host: string;
  /** Closes the listener and every connection through it; resolves once all are gone. */
  close(): Promise<void>;
}

/**
 * A TCP proxy on loopback that forwards every chunk `oneWayMs` late, in both directions and in order, so a
 * loopback service answers like one across the internet (a request/response round trip costs 2 × oneWayMs).
 * Connection set-up itself is not delayed: the client's connect completes at the proxy at once.
 */
export async function startDelayProxy(target: string, oneWayMs: number): Promise<DelayProxy> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };

  // Half-open allowed both ways: a FIN is forwarded late like data, not answered at once by Node.
  const server = createServer({ allowHalfOpen: true }, (client) => {
    const upstream = tcpConnect({ ...hostPort(target), allowHalfOpen: true });
    track(client);
    track(upstream);
    const teardown = () => {
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      socket.setNoDelay(true);
      socket.once('error', teardown);
    }
    forwardLate(client, upstream, oneWayMs);
    forwardLate(upstream, client, oneWayMs);
  });
  return { host: await listenOnLoopback(server), close: () => closeWithSockets(server, sockets) };
}

/**
 * Writes what `from` reads to `to`, each chunk (and the end) `delayMs` after it arrived. One queue per
 * direction and one timer for its head keep the order whatever the timer jitter.
 */
function forwardLate(from: Socket, to: Socket, delayMs: number): void {
  const queue: Array<{ due: number; chunk: Buffer | 'end' }> = [];
  let timer: NodeJS.Timeout | undefined;

  const flush = () => {
    timer = undefined;
    const now = performance.now();
    while (queue[0] && queue[0].due <= now) {
      const { chunk } = queue.shift()!;
      if (chunk === 'end') to.end();
      else if (!to.write(chunk) && !from.isPaused()) {
        from.pause();
        to.once('drain', () => from.resume());
      }
    }
    // Timers fire on whole milliseconds: round up so a chunk is never sent early.
    if (queue[0]) timer = setTimeout(flush, Math.ceil(queue[0].due - now));
  };
  const enqueue = (chunk: Buffer | 'end') => {
    queue.push({ due: performance.now() + delayMs, chunk });
    timer ??= setTimeout(flush, delayMs);
  };

  from.on('data', (chunk: Buffer) => enqueue(chunk));
  from.once('end', () => enqueue('end'));
  to.once('close', () => {
    clearTimeout(timer);
    queue.length = 0;
  });
}
