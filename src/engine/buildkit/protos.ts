import protobuf from 'protobufjs';

/**
 * The few BuildKit messages pinyard speaks, as protobufjs types built from JSON descriptors (no .proto
 * files to ship next to the bundle). Field numbers and names follow moby/buildkit v0.8 — the BuildKit
 * inside dockerd 20.10 — and stay wire-compatible with newer ones:
 *   session/auth/auth.proto          moby.filesync.v1.Auth/Credentials
 *   session/secrets/secrets.proto    moby.buildkit.secrets.v1.Secrets/GetSecret
 *   grpc health v1                   grpc.health.v1.Health/Check (BuildKit closes a session whose check fails)
 *   api/services/control/control.proto  moby.buildkit.v1.StatusResponse (the build's progress stream)
 */
const timestamp = {
  fields: { seconds: { type: 'int64', id: 1 }, nanos: { type: 'int32', id: 2 } },
};

const root = protobuf.Root.fromJSON({
  nested: {
    google: { nested: { protobuf: { nested: { Timestamp: timestamp } } } },
    moby: {
      nested: {
        filesync: {
          nested: {
            v1: {
              nested: {
                CredentialsRequest: { fields: { Host: { type: 'string', id: 1 } } },
                CredentialsResponse: {
                  fields: { Username: { type: 'string', id: 1 }, Secret: { type: 'string', id: 2 } },
                },
              },
            },
          },
        },
        buildkit: {
          nested: {
            secrets: {
              nested: {
                v1: {
                  nested: {
                    GetSecretRequest: {
                      fields: {
                        ID: { type: 'string', id: 1 },
                        annotations: { keyType: 'string', type: 'string', id: 2 } as protobuf.IField,
                      },
                    },
                    GetSecretResponse: { fields: { data: { type: 'bytes', id: 1 } } },
                  },
                },
              },
            },
            v1: {
              nested: {
                StatusResponse: {
                  fields: {
                    vertexes: { rule: 'repeated', type: 'Vertex', id: 1 },
                    statuses: { rule: 'repeated', type: 'VertexStatus', id: 2 },
                    logs: { rule: 'repeated', type: 'VertexLog', id: 3 },
                  },
                },
                Vertex: {
                  fields: {
                    digest: { type: 'string', id: 1 },
                    inputs: { rule: 'repeated', type: 'string', id: 2 },
                    name: { type: 'string', id: 3 },
                    cached: { type: 'bool', id: 4 },
                    started: { type: 'google.protobuf.Timestamp', id: 5 },
                    completed: { type: 'google.protobuf.Timestamp', id: 6 },
                    error: { type: 'string', id: 7 },
                  },
                },
                VertexStatus: {
                  fields: {
                    ID: { type: 'string', id: 1 },
                    vertex: { type: 'string', id: 2 },
                    name: { type: 'string', id: 3 },
                    current: { type: 'int64', id: 4 },
                    total: { type: 'int64', id: 5 },
                  },
                },
                VertexLog: {
                  fields: {
                    vertex: { type: 'string', id: 1 },
                    timestamp: { type: 'google.protobuf.Timestamp', id: 2 },
                    stream: { type: 'int64', id: 3 },
                    msg: { type: 'bytes', id: 4 },
                  },
                },
              },
            },
          },
        },
      },
    },
    grpc: {
      nested: {
        health: {
          nested: {
            v1: {
              nested: {
                HealthCheckRequest: { fields: { service: { type: 'string', id: 1 } } },
                HealthCheckResponse: { fields: { status: { type: 'int32', id: 1 } } },
              },
            },
          },
        },
      },
    },
  },
});

export const CredentialsRequest = root.lookupType('moby.filesync.v1.CredentialsRequest');
export const CredentialsResponse = root.lookupType('moby.filesync.v1.CredentialsResponse');
export const GetSecretRequest = root.lookupType('moby.buildkit.secrets.v1.GetSecretRequest');
export const GetSecretResponse = root.lookupType('moby.buildkit.secrets.v1.GetSecretResponse');
export const HealthCheckRequest = root.lookupType('grpc.health.v1.HealthCheckRequest');
export const HealthCheckResponse = root.lookupType('grpc.health.v1.HealthCheckResponse');
export const StatusResponse = root.lookupType('moby.buildkit.v1.StatusResponse');

/** grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING */
export const SERVING = 1;

/** The decoded fields of a StatusResponse that the output parser reads. */
export interface BuildKitStatus {
  vertexes: Array<{
    digest: string;
    name: string;
    cached: boolean;
    started?: object;
    completed?: object;
    error: string;
  }>;
  logs: Array<{ vertex: string; msg: Uint8Array }>;
}

/** Decodes one `moby.buildkit.trace` message (base64 protobuf); throws on bytes that are not one. */
export function decodeStatus(base64: string): BuildKitStatus {
  const message = StatusResponse.decode(Buffer.from(base64, 'base64'));
  return StatusResponse.toObject(message, { defaults: true, arrays: true }) as BuildKitStatus;
}
