import { sha256 } from './layer.js';
import { WorldError } from './world-error.js';

/**
 * Just enough of the distribution API to seed registries and check them from tests. Deliberately separate from
 * src/registry: the world must not depend on the code it tests.
 */

export const MediaType = {
  manifest: 'application/vnd.docker.distribution.manifest.v2+json',
  manifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  config: 'application/vnd.docker.container.image.v1+json',
  layer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
} as const;

export const anyManifest = [
  MediaType.manifestList,
  MediaType.ociIndex,
  MediaType.manifest,
  MediaType.ociManifest,
];

export interface RegistryCall {
  /** `http://127.0.0.1:PORT` */
  url: string;
  repository: string;
  /** e.g. `{ authorization: 'Bearer …' }` */
  headers?: Record<string, string>;
}

/** Monolithic upload (POST, then PUT with the digest), skipped when the repository already has the blob. */
export async function pushBlob(call: RegistryCall, data: Uint8Array, digest = sha256(data)): Promise<string> {
  const head = await request(call, 'HEAD', `blobs/${digest}`);
  if (head.status === 200) return digest;
  const started = await request(call, 'POST', 'blobs/uploads/');
  await expectStatus(started, 202, `start a blob upload to ${call.repository}`);
  await drain(started);
  const location = new URL(started.headers.get('location') ?? '', call.url);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, {
    method: 'PUT',
    headers: { ...call.headers, 'content-type': 'application/octet-stream' },
    body: data,
  });
  await expectStatus(put, 201, `upload blob ${digest} to ${call.repository}`);
  await drain(put);
  return digest;
}

/** Puts a manifest by tag or digest and returns its digest, checked against the registry's. */
export async function putManifest(
  call: RegistryCall,
  reference: string,
  mediaType: string,
  body: Uint8Array,
): Promise<string> {
  const response = await request(call, 'PUT', `manifests/${reference}`, { 'content-type': mediaType }, body);
  await expectStatus(response, 201, `put manifest ${call.repository}:${reference}`);
  await drain(response);
  const digest = sha256(body);
  const answered = response.headers.get('docker-content-digest');
  if (answered !== digest) {
    throw new WorldError(`the registry stored ${call.repository}:${reference} as ${answered}, not ${digest}`);
  }
  return digest;
}

export interface FetchedManifest {
  mediaType: string;
  digest: string;
  body: Buffer;
  json: Record<string, unknown>;
}

export async function getManifest(
  call: RegistryCall,
  reference: string,
  accept: readonly string[] = anyManifest,
): Promise<FetchedManifest> {
  const response = await request(call, 'GET', `manifests/${reference}`, { accept: accept.join(', ') });
  await expectStatus(response, 200, `get manifest ${call.repository}:${reference}`);
  const body = Buffer.from(await response.arrayBuffer());
  return {
    mediaType: response.headers.get('content-type') ?? '',
    digest: response.headers.get('docker-content-digest') ?? sha256(body),
    body,
    json: JSON.parse(body.toString('utf8')),
  };
}

export async function getBlob(call: RegistryCall, digest: string): Promise<Buffer> {
  const response = await request(call, 'GET', `blobs/${digest}`);
  await expectStatus(response, 200, `get blob ${digest} of ${call.repository}`);
  return Buffer.from(await response.arrayBuffer());
}

function request(
  call: RegistryCall,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: Uint8Array,
): Promise<Response> {
  return fetch(`${call.url}/v2/${call.repository}/${path}`, {
    method,
    headers: { ...call.headers, ...headers },
    ...(body ? { body } : {}),
  });
}

/** An unread body keeps its connection busy until garbage collection. */
async function drain(response: Response): Promise<void> {
  await response.body?.cancel();
}

async function expectStatus(response: Response, status: number, what: string): Promise<void> {
  if (response.status === status) return;
  const text = await response.text().catch(() => '');
  throw new WorldError(`could not ${what}: HTTP ${response.status} ${text.slice(0, 300)}`.trim());
}
