import { lookup } from 'node:dns/promises';
import { readFile } from 'node:fs/promises';
import { type Socket, connect as tcpConnect } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createServer, type TLSSocket } from 'node:tls';
import { execa } from 'execa';
import { closeWithSockets, hostPort, listenOnLoopback } from '../test/world/loopback-server.js';

export interface TlsTerminator {
  /** `127.0.0.1:PORT`: connect here, but name it by `serverName` so its certificate matches. */
  host: string;
  /** The PEM file to trust (NODE_EXTRA_CA_CERTS): a self-signed certificate for `serverName`. */
  caFile: string;
  close(): Promise<void>;
}

/**
 * A name of this machine that resolves to loopback but is not written as loopback: pinyard speaks plain
 * HTTP to loopback names (localhost, 127.0.0.0/8) and TLS to every other, so a TLS bench needs one. The
 * machine's own host name usually is one (/etc/hosts); undefined when it is not.
 */
export async function loopbackServerName(): Promise<string | undefined> {
  const name = hostname();
  if (name === 'localhost') return undefined;
  const { address } = await lookup(name, { family: 4 }).catch(() => ({ address: '' }));
  return address.startsWith('127.') ? name : undefined;
}

/**
 * A TLS front on loopback for a plain-HTTP service (the test world's token registry), as a registry
 * served over HTTPS would be: each TLS connection is one plain connection to `target`.
 */
export async function startTlsTerminator(
  target: string,
  serverName: string,
  dir: string,
): Promise<TlsTerminator> {
  const caFile = join(dir, 'tls-cert.pem');
  const keyFile = join(dir, 'tls-key.pem');
  await execa('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-subj',
    `/CN=${serverName}`,
    '-addext',
    `subjectAltName=DNS:${serverName},IP:127.0.0.1`,
    '-days',
    '2',
    '-keyout',
    keyFile,
    '-out',
    caFile,
  ]);
  const sockets = new Set<Socket>();
  const server = createServer(
    { key: await readFile(keyFile), cert: await readFile(caFile) },
    (client: TLSSocket) => {
      const upstream = tcpConnect(hostPort(target));
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.once('close', () => sockets.delete(socket));
        socket.once('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    },
  );
  return { host: await listenOnLoopback(server), caFile, close: () => closeWithSockets(server, sockets) };
}
