import { INPUT_HASH_LABEL } from '../../hash/index.js';
import { MediaType } from '../../registry/index.js';

/** One platform build of a multi-platform image, as its index lists it. */
export interface PlatformEntry {
  /** `os/arch[/variant]` */
  platform: string;
  digest: string;
  size: number;
  mediaType: string;
}

/**
 * The OCI image index of a multi-platform image: one entry per platform build (with its platform, variant
 * included), and the annotations that hold for the whole (created, revision, source, version). Platforms in
 * a fixed order and keys in a fixed order, so the same builds always make the same bytes. Pure.
 */
export function imageIndexBytes(
  entries: readonly PlatformEntry[],
  annotations: Record<string, string>,
): Uint8Array {
  const manifests = [...entries]
    .sort((a, b) => (a.platform < b.platform ? -1 : a.platform > b.platform ? 1 : 0))
    .map((entry) => {
      const [os, architecture, variant] = entry.platform.split('/');
      return {
        mediaType: entry.mediaType,
        digest: entry.digest,
        size: entry.size,
        platform: { architecture: architecture!, os: os!, ...(variant ? { variant } : {}) },
      };
    });
  const index = {
    schemaVersion: 2,
    mediaType: MediaType.ociIndex,
    manifests,
    ...(Object.keys(annotations).length ? { annotations: sortKeys(annotations) } : {}),
  };
  return new TextEncoder().encode(JSON.stringify(index));
}

/**
 * The OCI annotations of an image's labels that describe the whole image rather than one platform build,
 * and its input hash, which a later run checks before it reuses the index.
 */
export function indexAnnotations(labels: Record<string, string>): Record<string, string> {
  const keys = [
    ...['created', 'revision', 'source', 'version'].map((k) => `org.opencontainers.image.${k}`),
    INPUT_HASH_LABEL,
  ];
  return Object.fromEntries(Object.entries(labels).filter(([key]) => keys.includes(key)));
}

/** `os/arch[/variant]` of an index entry's platform. */
export function platformKey(platform: {
  os: string;
  architecture: string;
  variant?: string | undefined;
}): string {
  return [platform.os, platform.architecture, ...(platform.variant ? [platform.variant] : [])].join('/');
}

function sortKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));
}
