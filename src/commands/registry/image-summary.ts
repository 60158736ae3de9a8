import { PinyardError } from '../../errors.js';
import type { Reference } from '../../reference/index.js';
import type { FetchedManifest, ImageManifest, Platform, RegistryClient } from '../../registry/index.js';
import type { ImageConfigSummary } from '../../report/registry/types.js';
import { ImageConfigBlob, imageConfigMediaTypes, summarizeConfig } from './image-config.js';
import { bare } from './tag-digests.js';

/** One runnable image: a manifest and what its config says. */
export interface PlatformImage {
  digest: string;
  mediaType: string;
  /** From the index entry, else from the config. */
  platform?: string;
  /** Config and layers as stored (compressed), in bytes. */
  size: number;
  layers: number;
  /** Undefined when the manifest's config is not an image config (an artifact). */
  config?: ImageConfigSummary;
}

/** What a digest is: a single image, or an index of platform images. */
export interface ImageSummary {
  digest: string;
  mediaType: string;
  kind: 'index' | 'image';
  /** The image itself, or the index's runnable platforms (attestations left out). */
  images: PlatformImage[];
  /** Every manifest an index lists, attestations included; empty for an image. */
  children: string[];
  /** The newest `created` among its images. */
  created?: string;
  /** Bytes of every blob it references, a layer shared between platforms counted once. */
  size: number;
}

/**
 * Reads what a digest is from the registry: the manifest, and each platform manifest and config for an
 * index. Digests name immutable content, so each is read once per command, whichever repository asks.
 */
export class ImageDescriber {
  readonly #client: RegistryClient;
  readonly #summaries = new Map<string, Promise<ImageSummary>>();

  constructor(client: RegistryClient) {
    this.#client = client;
  }

  describe(repo: Reference, digest: string): Promise<ImageSummary> {
    let summary = this.#summaries.get(digest);
    if (!summary) {
      summary = this.#describe(bare(repo), digest);
      this.#summaries.set(digest, summary);
      summary.catch(() => this.#summaries.delete(digest));
    }
    return summary;
  }

  /** The manifest alone (inspect shows its children before their configs are read). */
  manifest(repo: Reference, digest: string): Promise<FetchedManifest> {
    return this.#client.getManifest({ ...bare(repo), digest });
  }

  async #describe(repo: Reference, digest: string): Promise<ImageSummary> {
    const manifest = await this.manifest(repo, digest);
    if (manifest.kind === 'image') {
      const image = await this.#image(repo, digest, manifest.mediaType, manifest.parsed);
      return summary(manifest, [image], [], [manifest.parsed]);
    }
    const runnable = manifest.parsed.manifests.filter((m) => m.platform?.os !== 'unknown');
    const children = await Promise.all(
      runnable.map(async (entry) => {
        const child = await this.manifest(repo, entry.digest);
        if (child.kind !== 'image') return undefined;
        const image = await this.#image(repo, entry.digest, child.mediaType, child.parsed, entry.platform);
        return { image, parsed: child.parsed };
      }),
    );
    const images = children.filter((c) => c !== undefined);
    return summary(
      manifest,
      images.map((c) => c.image),
      manifest.parsed.manifests.map((m) => m.digest),
      images.map((c) => c.parsed),
    );
  }

  async #image(
    repo: Reference,
    digest: string,
    mediaType: string,
    parsed: ImageManifest,
    platform?: Platform,
  ): Promise<PlatformImage> {
    const config = imageConfigMediaTypes.has(parsed.config.mediaType)
      ? await this.#config(repo, parsed.config.digest)
      : undefined;
    const named = platform ? formatPlatform(platform) : config?.platform;
    return {
      digest,
      mediaType,
      ...(named ? { platform: named } : {}),
      size: parsed.config.size + parsed.layers.reduce((sum, l) => sum + l.size, 0),
      layers: parsed.layers.length,
      ...(config ? { config } : {}),
    };
  }

  async #config(repo: Reference, digest: string): Promise<ImageConfigSummary> {
    const bytes = await this.#client.getBlobBytes(repo, digest);
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      json = undefined;
    }
    const parsed = ImageConfigBlob.safeParse(json);
    if (!parsed.success) {
      throw new PinyardError(
        'PINYARD_REGISTRY',
        `image config ${repo.registry}/${repo.repository}@${digest} is not a valid image config`,
        { hint: 'the image was pushed by a tool that wrote a malformed config; rebuild and push it again' },
      );
    }
    return summarizeConfig(parsed.data);
  }
}

export function formatPlatform(p: {
  os: string;
  architecture: string;
  variant?: string | undefined;
}): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

function summary(
  manifest: FetchedManifest,
  images: PlatformImage[],
  children: string[],
  parsed: ImageManifest[],
): ImageSummary {
  const blobs = new Map<string, number>();
  for (const m of parsed) for (const d of [m.config, ...m.layers]) blobs.set(d.digest, d.size);
  const created = images
    .map((i) => i.config?.created)
    .filter((c): c is string => c !== undefined && !Number.isNaN(Date.parse(c)))
    .sort((a, b) => Date.parse(b) - Date.parse(a))[0];
  return {
    digest: manifest.digest,
    mediaType: manifest.mediaType,
    kind: manifest.kind,
    images,
    children,
    ...(created ? { created } : {}),
    size: [...blobs.values()].reduce((sum, s) => sum + s, 0),
  };
}
