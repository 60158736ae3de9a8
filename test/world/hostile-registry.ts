import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A registry that lies: an HTTP server on loopback whose every answer a test scripts (redirects to another
 * origin, foreign token realms, forged headers, endless pages, huge or stalled bodies, dropped sockets).
 * Node built-ins only. It listens on 127.0.0.0/8 and nowhere else: a second origin is another 127.0.0.x
 * address or another port, so nothing a test does can reach another machine.
 */

export interface SeenRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  /** The request body as text (a token request's form, a manifest). */
  body: string;
}

/** Answers one request; `n` counts requests from 1. May answer late or never. */
export type Answer = (req: IncomingMessage, res: ServerResponse, body: Buffer, n: number) => void;

export interface HostileServer {
  /** `127.0.0.x:PORT`, as a registry host in a reference. */
  host: string;
  /** `http://127.0.0.x:PORT` */
  url: string;
  /** Every request that reached the server, in order. */
  seen: SeenRequest[];
  /** TCP connections accepted so far. */
  connections(): number;
  /** Response body bytes written so far (what a client was made to read, or could have). */
  bytesWritten(): number;
  close(): Promise<void>;
}

export async function startHostileServer(
  answer: Answer,
  options: { address?: string } = {},
): Promise<HostileServer> {
  const address = options.address ?? '127.0.0.1';
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address)) {
    throw new Error(`a hostile server listens on loopback only, not on ${address}`);
  }
  const seen: SeenRequest[] = [];
  let connections = 0;
  let written = 0;
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: body.toString(),
      });
      const write = res.write.bind(res);
      res.write = ((chunk: unknown, ...rest: unknown[]) => {
        if (typeof chunk === 'string' || chunk instanceof Uint8Array) written += Buffer.byteLength(chunk);
        return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
      }) as typeof res.write;
      answer(req, res, body, seen.length);
    });
  });
  server.on('connection', (socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, address, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    host: `${address}:${port}`,
    url: `http://${address}:${port}`,
    seen,
    connections: () => connections,
    bytesWritten: () => written,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function sha256(bytes: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** A small, valid OCI image manifest (its config and layer need not exist for a manifest request). */
export function imageManifestBytes(seed = 'hostile'): Buffer {
  const digest = sha256(seed);
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest, size: 2 },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest, size: 2 }],
    }),
  );
}

export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  const body = Buffer.from(JSON.stringify(value));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': body.length, ...headers });
  res.end(body);
}

/** `/v2/` answered the way a registry behind Basic auth answers: 401 without a login, 200 with one. */
export function basicAuthProbe(req: IncomingMessage, res: ServerResponse): void {
  if (req.headers.authorization?.startsWith('Basic ')) sendJson(res, 200, {});
  else sendJson(res, 401, {}, { 'www-authenticate': 'Basic realm="hostile"' });
}

/** Writes `total` bytes (zeros) in chunks, with or without a Content-Length, stopping when the client leaves. */
export function streamZeros(
  res: ServerResponse,
  total: number,
  options: { status?: number; contentLength?: boolean; headers?: Record<string, string> } = {},
): void {
  res.writeHead(options.status ?? 200, {
    'content-type': 'application/json',
    ...(options.contentLength === false ? {} : { 'content-length': total }),
    ...options.headers,
  });
  const chunk = Buffer.alloc(64 * 1024);
  let left = total;
  const pump = () => {
    while (left > 0 && !res.destroyed) {
      const size = Math.min(chunk.length, left);
      left -= size;
      if (!res.write(chunk.subarray(0, size))) return void res.once('drain', pump);
    }
    if (!res.destroyed) res.end();
  };
  res.socket?.once('close', () => {
    left = 0;
  });
  pump();
}

/** Sends `body` one byte every `everyMs`, headers first: a registry that never quite stops answering. */
export function trickle(res: ServerResponse, body: Buffer, everyMs: number): void {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
  let i = 0;
  const timer = setInterval(() => {
    if (res.destroyed || i >= body.length) {
      clearInterval(timer);
      if (!res.destroyed) res.end();
      return;
    }
    res.write(body.subarray(i, i + 1));
    i++;
  }, everyMs);
  res.socket?.once('close', () => clearInterval(timer));
}

/** Promises `body` with its Content-Length, sends part of it, then drops the connection. */
export function dropMidBody(res: ServerResponse, body: Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(200, { 'content-length': body.length, ...headers });
  res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
}
