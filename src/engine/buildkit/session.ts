import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import type Docker from 'dockerode';
import type protobuf from 'protobufjs';
import {
  CredentialsRequest,
  CredentialsResponse,
  GetSecretRequest,
  GetSecretResponse,
  HealthCheckRequest,
  HealthCheckResponse,
  SERVING,
} from './protos.js';

/**
 * What a build's BuildKit session answers. BuildKit asks the client (us) over the session for what only
 * the client has: registry credentials while it pulls a FROM or a cache source, and the build secrets a
 * `RUN --mount=type=secret` reads.
 */
export interface SessionServices {
  /**
   * Credentials for one registry host as BuildKit names it (`registry-1.docker.io`, `127.0.0.1:5000`);
   * undefined answers "none" (BuildKit then pulls anonymously). Called per host, so a credential reaches
   * only the registry it belongs to.
   */
  credentials(host: string): Promise<{ username: string; secret: string } | undefined>;
  /** The build's secrets by id; an id not here is "not found", which fails a `required` mount. */
  secrets: ReadonlyMap<string, Buffer>;
}

export interface BuildSession {
  /** The `session` query parameter of POST /build. */
  readonly id: string;
  close(): void;
}

/**
 * Opens a BuildKit session on the engine (POST /session, upgraded to h2c) and serves it as a gRPC server,
 * the way the docker CLI does (moby/buildkit session/session.go). Written here rather than taken from
 * dockerode's session.js: that one hands the one credential it was given to every host BuildKit asks
 * about (the push registry's password would reach Docker Hub or a mirror), serves no secrets and no
 * health check (BuildKit 0.8 drops a session whose health check fails, after a second).
 */
export async function openSession(docker: Docker, services: SessionServices): Promise<BuildSession> {
  const id = randomUUID();
  const server = new grpc.Server();
  const methods = [
    unary(
      server,
      '/moby.filesync.v1.Auth/Credentials',
      CredentialsRequest,
      CredentialsResponse,
      async (req) => {
        const found = await services.credentials(String(req.Host ?? ''));
        return found ? { Username: found.username, Secret: found.secret } : {};
      },
    ),
    unary(
      server,
      '/moby.buildkit.secrets.v1.Secrets/GetSecret',
      GetSecretRequest,
      GetSecretResponse,
      async (req) => {
        const data = services.secrets.get(String(req.ID ?? ''));
        if (data === undefined) throw notFound(`secret ${String(req.ID)} not found`);
        return { data };
      },
    ),
    unary(server, '/grpc.health.v1.Health/Check', HealthCheckRequest, HealthCheckResponse, async () => ({
      status: SERVING,
    })),
  ];
  const socket = await dialSession(docker, id, methods);
  const injector = server.createConnectionInjector(grpc.ServerCredentials.createInsecure());
  injector.injectConnection(socket);
  let closed = false;
  return {
    id,
    close() {
      if (closed) return;
      closed = true;
      server.forceShutdown();
      socket.destroy();
    },
  };
}

function dialSession(docker: Docker, id: string, methods: string[]): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    docker.modem.dial(
      {
        method: 'POST',
        path: '/session',
        hijack: true,
        headers: {
          Upgrade: 'h2c',
          'X-Docker-Expose-Session-Uuid': id,
          'X-Docker-Expose-Session-Name': 'pinyard',
          'X-Docker-Expose-Session-Sharedkey': '',
          // BuildKit calls only the methods a session says it serves.
          'X-Docker-Expose-Session-Grpc-Method': methods,
        },
        statusCodes: { 101: true, 200: true, 400: 'bad request', 500: 'server error' },
      } as never,
      (error: unknown, socket: unknown) => (error ? reject(error) : resolve(socket as Duplex)),
    );
  });
}

/** Registers one unary gRPC method with protobufjs (de)serialisation; returns its path. */
function unary(
  server: grpc.Server,
  path: string,
  request: protobuf.Type,
  response: protobuf.Type,
  handle: (req: Record<string, unknown>) => Promise<Record<string, unknown>>,
): string {
  const name = path.split('/').pop()!;
  const definition: grpc.ServiceDefinition = {
    [name]: {
      path,
      requestStream: false,
      responseStream: false,
      requestSerialize: (value: object) => Buffer.from(request.encode(request.fromObject(value)).finish()),
      requestDeserialize: (bytes: Buffer) => request.toObject(request.decode(bytes)),
      responseSerialize: (value: object) => Buffer.from(response.encode(response.fromObject(value)).finish()),
      responseDeserialize: (bytes: Buffer) => response.toObject(response.decode(bytes)),
    },
  };
  server.addService(definition, {
    [name]: (
      call: grpc.ServerUnaryCall<Record<string, unknown>, unknown>,
      done: grpc.sendUnaryData<unknown>,
    ) => {
      handle(call.request).then(
        (value) => done(null, value),
        (error: unknown) =>
          done(
            (error as grpc.ServiceError).code !== undefined
              ? (error as grpc.ServiceError)
              : { code: grpc.status.INTERNAL, details: 'pinyard could not answer' },
          ),
      );
    },
  });
  return path;
}

function notFound(details: string): Partial<grpc.ServiceError> {
  return { code: grpc.status.NOT_FOUND, details, name: 'NotFound', message: details };
}
