import { PinyardError } from '../errors.js';
import { malformedError } from './errors.js';
import { bareMediaType, isImageManifestMediaType, isIndexMediaType } from './media-types.js';
import { ImageIndex, ImageManifest } from './schema.js';

/** Manifest bodies: which kind a body is, and what a lock needs from an index. Pure. */

export type ParsedManifest = { kind: 'index'; parsed: ImageIndex } | { kind: 'image'; parsed: ImageManifest };

export interface PlatformDigest {
  os: string;
  architecture: string;
  variant?: string;
  digest: string;
}

/**
 * The kind comes from the Content-Type the registry sent, else from the body's own `mediaType` (some
 * registries send application/json). Schema 1 and other foreign types are refused, not guessed at.
 */
export function parseManifest(
  bytes: Uint8Array,
  contentType: string | null,
  source: { host: string; what: string },
): ParsedManifest & { mediaType: string } {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw malformedError(source.host, source.what, 'the manifest is not JSON');
  }
  const declared = (json as { mediaType?: unknown } | null)?.mediaType;
  const fromHeader = bareMediaType(contentType);
  const mediaType =
    isIndexMediaType(fromHeader) || isImageManifestMediaType(fromHeader)
      ? fromHeader
      : typeof declared === 'string'
        ? declared
        : fromHeader;
  const schema = isIndexMediaType(mediaType)
    ? ImageIndex
    : isImageManifestMediaType(mediaType)
      ? ImageManifest
      : undefined;
  if (!schema) {
    throw new PinyardError(
      'PINYARD_REGISTRY',
      `${source.what}: unsupported manifest type "${mediaType || 'none'}"`,
      {
        hint: 'pinyard reads OCI and Docker schema 2 manifests and indexes; re-push the image with a current docker or buildx',
      },
    );
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw malformedError(
      source.host,
      source.what,
      `${issue?.path.join('.') || 'manifest'}: ${issue?.message}`,
    );
  }
  return schema === ImageIndex
    ? { kind: 'index', parsed: result.data as ImageIndex, mediaType }
    : { kind: 'image', parsed: result.data as ImageManifest, mediaType };
}

/**
 * The runnable platforms of an index. Attestation manifests (buildx's `unknown/unknown` entries) and
 * entries without a platform are not images anyone pulls, so they are left out.
 */
export function platformsOf(index: ImageIndex): PlatformDigest[] {
  return index.manifests.flatMap(({ platform, digest }) =>
    platform && platform.os !== 'unknown'
      ? [
          {
            os: platform.os,
            architecture: platform.architecture,
            ...(platform.variant ? { variant: platform.variant } : {}),
            digest,
          },
        ]
      : [],
  );
}
