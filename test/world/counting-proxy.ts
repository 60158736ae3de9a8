import { createServer, type Socket, connect as tcpConnect } from 'node:net';
import { closeWithSockets, hostPort, listenOnLoopback } from './loopback-server.js';

/**
 * A TCP proxy on loopback that counts what clients cost a service: connections opened, bytes sent, and
 * the HTTP requests in those bytes. Put in front of a registry (its Location headers follow the Host a
 * client used, so they point back at the proxy), it shows whether keep-alive works: a no-change build
 * should open a handful of connections, not one per request.
 */

export interface ConnectionCounts {
  connections: number;
  /** Bytes from clients to the service: request lines, headers (tokens!) and bodies. */
  bytesSent: number;
  /** Bytes from the service back to clients. */
  bytesReceived: number;
  /** Every HTTP/1.1 request seen, in the order their connections opened. */
  requests: SeenRequest[];
}

export interface SeenRequest {
  method: string;
  path: string;
  /** The Authorization header's value, when the request carried one. */
  authorization?: string;
}

export interface CountingProxy {
  /** `127.0.0.1:PORT`, to use where the service's host would go. */
  host: string;
  counts(): ConnectionCounts;
  /** Starts counting from zero (connections already open are not counted again). */
  reset(): void;
  /** Sends connections opened from now on to another `host:port` (e.g. a delay proxy in front of the same service). */
  retarget(target: string): void;
  close(): Promise<void>;
}

/** A request line and its header block. */
const requestHead =
  /(?<=^|\n)(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) (\S+) HTTP\/1\.1\r\n((?:[^\r\n]+\r\n)*)\r\n/g;

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  let destination = hostPort(target);
  let connections = 0;
  let bytesSent = 0;
  let bytesReceived = 0;
  // Per connection: what the client sent since the last reset, as latin1 text to find request lines in.
  let streams: Array<{ text: string }> = [];
  const sockets = new Set<Socket>();

  const server = createServer((client) => {
    connections++;
    const upstream = tcpConnect(destination);
    let stream = { text: '' };
    streams.push(stream);
    let epoch = streams;
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      socket.once('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk: Buffer) => {
      bytesSent += chunk.length;
      if (epoch !== streams) {
        epoch = streams;
        stream = { text: '' };
        streams.push(stream);
      }
      // Only the start of a body matters for finding the next request line: keep HEAD/GET traffic whole.
      if (stream.text.length < 4 * 1024 * 1024) stream.text += chunk.toString('latin1');
    });
    upstream.on('data', (chunk: Buffer) => {
      bytesReceived += chunk.length;
    });
    client.pipe(upstream);
    upstream.pipe(client);
  });
  const host = await listenOnLoopback(server);

  return {
    host,
    counts: () => ({
      connections,
      bytesSent,
      bytesReceived,
      requests: streams.flatMap(({ text }) =>
        [...text.matchAll(requestHead)].map(([, method, path, head]) => {
          const authorization = /^authorization: *(.*)$/im.exec(head ?? '')?.[1];
          return { method: method!, path: path!, ...(authorization ? { authorization } : {}) };
        }),
      ),
    }),
    retarget: (next) => {
      destination = hostPort(next);
    },
    reset: () => {
      connections = 0;
      bytesSent = 0;
      bytesReceived = 0;
      streams = [];
    },
    close: () => closeWithSockets(server, sockets),
  };
}
