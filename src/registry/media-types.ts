/** The manifest media types pinyard reads and writes (OCI image spec and Docker image manifest v2.2). */
export const MediaType = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
} as const;
export type ManifestMediaType = (typeof MediaType)[keyof typeof MediaType];

/**
 * Sent on every manifest request. A registry that is not told it may answer with an index resolves a
 * multi-arch tag to one platform's manifest (registry 2.8 picks amd64), so the digest would be the wrong one.
 */
export const MANIFEST_ACCEPT = [
  MediaType.ociIndex,
  MediaType.ociManifest,
  MediaType.dockerManifestList,
  MediaType.dockerManifest,
].join(', ');

const indexTypes: ReadonlySet<string> = new Set([MediaType.ociIndex, MediaType.dockerManifestList]);
const manifestTypes: ReadonlySet<string> = new Set([MediaType.ociManifest, MediaType.dockerManifest]);

export function isIndexMediaType(mediaType: string): boolean {
  return indexTypes.has(mediaType);
}

export function isImageManifestMediaType(mediaType: string): boolean {
  return manifestTypes.has(mediaType);
}

/** `application/json; charset=utf-8` → `application/json`: registries may add parameters to Content-Type. */
export function bareMediaType(contentType: string | null | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}
