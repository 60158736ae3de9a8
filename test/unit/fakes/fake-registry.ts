import { createHash } from 'node:crypto';
import { PinyardError } from '../../../src/errors.js';
import { formatReference, type Reference } from '../../../src/reference/index.js';
import type { Grant } from '../../../src/registry/auth.js';
import type { FetchedManifest, ManifestDescriptor, Resolved } from '../../../src/registry/index.js';
import { parseManifest } from '../../../src/registry/manifest.js';
import type { Scope } from '../../../src/registry/scope.js';

const IMAGE_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

export const digestOf = (bytes: Uint8Array | string) =>
  `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/**
 * An in-memory registry with the RegistryClient methods the commands call. Its state is what a user would
 * see with `skopeo list-tags` / `skopeo inspect`: `tagsOf(repo)`, `digestOf(ref)`. `calls` records every
 * request in order (`HEAD host/repo:tag`, `PUT host/repo:tag`, `resolve …`), so a test can also tell
 * what was asked, and `upstream` answers `resolve` for refs a lock pins.
 */
export class FakeRegistry {
  readonly calls: string[] = [];
  /** `host/repository` → tag → digest */
  readonly repos = new Map<string, Map<string, string>>();
  readonly manifests = new Map<string, { bytes: Uint8Array; mediaType: string }>();
  /** Canonical upstream ref (`docker.io/library/alpine:3.20`) → its digest now. */
  readonly upstream = new Map<string, string>();
  /** `host/repository` → blob digests it holds. */
  readonly blobs = new Map<string, Set<string>>();
  /** Runs before a PUT is stored; throw to refuse it. */
  beforePut: (target: string) => void = () => {};
  /** Runs after a PUT is stored (a racing writer may move the tag here). */
  afterPut: (target: string) => void = () => {};
  /** Runs before a blob is mounted or copied into `repository`; throw to fail it. */
  beforeBlob: (repository: string, digest: string) => void = () => {};

  /** Image configs by digest, for getBlobBytes: a config holds the image's labels. */
  readonly configs = new Map<string, Uint8Array>();

  /**
   * An image manifest with a config (holding `labels`, as docker writes them) and one layer, both stored as
   * blobs; returns its digest.
   */
  storeImage(repository: string, tag: string, seed: string, labels: Record<string, string> = {}): string {
    const configBytes = new TextEncoder().encode(JSON.stringify({ seed, config: { Labels: labels } }));
    const config = {
      mediaType: 'application/octet-stream',
      digest: digestOf(configBytes),
      size: configBytes.length,
    };
    const layer = { mediaType: 'application/octet-stream', digest: digestOf(`layer ${seed}`), size: 10 };
    this.configs.set(config.digest, configBytes);
    const bytes = new TextEncoder().encode(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: IMAGE_MANIFEST,
        config: { ...config, mediaType: 'application/vnd.oci.image.config.v1+json' },
        layers: [{ ...layer, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' }],
      }),
    );
    const digest = digestOf(bytes);
    this.manifests.set(digest, { bytes, mediaType: IMAGE_MANIFEST });
    this.#repo(repository).set(tag, digest);
    this.#blobs(repository).add(config.digest).add(layer.digest);
    return digest;
  }

  /** Stores an image under a tag, as a push would; returns its manifest digest. */
  store(repository: string, tag: string, content: string, labels: Record<string, string> = {}): string {
    return this.storeImage(repository, tag, content, labels);
  }

  async getBlobBytes(repo: Reference, digest: string): Promise<Uint8Array> {
    this.calls.push(`GET ${this.#name(repo)}@${digest} (blob)`);
    const bytes = this.configs.get(digest);
    if (!bytes) throw new PinyardError('PINYARD_NOT_FOUND', `blob ${digest} not found`);
    return bytes;
  }

  tagsOf(repository: string): Record<string, string> {
    return Object.fromEntries([...(this.repos.get(repository) ?? new Map())].sort());
  }

  async authorizePulls(): Promise<void> {}

  /** Grants whatever is asked, as a registry that lets this account do everything. */
  async authorize(host: string, scopes: Scope[]): Promise<Grant> {
    this.calls.push(`token ${host}`);
    return { account: 'dev', scopes };
  }

  async headBlob(repo: Reference, digest: string) {
    return this.blobs.get(this.#name(repo))?.has(digest) ? { digest, size: 10 } : undefined;
  }

  async mountBlob(from: Reference, to: Reference, digest: string): Promise<'mounted' | 'upload-started'> {
    this.calls.push(`MOUNT ${this.#name(to)} ${digest}`);
    this.beforeBlob(this.#name(to), digest);
    if (!this.blobs.get(this.#name(from))?.has(digest)) return 'upload-started';
    this.#blobs(this.#name(to)).add(digest);
    return 'mounted';
  }

  async copyBlob(
    from: Reference,
    to: Reference,
    digest: string,
    _size = 0,
    options: { unlessPresent?: boolean } = {},
  ): Promise<'copied' | 'present'> {
    if (options.unlessPresent && (await this.headBlob(to, digest))) return 'present';
    this.calls.push(`COPY ${this.#name(to)} ${digest}`);
    this.beforeBlob(this.#name(to), digest);
    if (!this.blobs.get(this.#name(from))?.has(digest)) {
      throw new PinyardError('PINYARD_NOT_FOUND', `blob ${digest} not found`);
    }
    this.#blobs(this.#name(to)).add(digest);
    return 'copied';
  }

  async headManifest(ref: Reference): Promise<ManifestDescriptor | undefined> {
    this.calls.push(`HEAD ${formatReference(ref)}`);
    const digest = ref.digest ?? this.repos.get(this.#name(ref))?.get(ref.tag ?? 'latest');
    const stored = digest ? this.manifests.get(digest) : undefined;
    return digest && stored ? { digest, mediaType: stored.mediaType, size: stored.bytes.length } : undefined;
  }

  async getManifest(ref: Reference): Promise<FetchedManifest> {
    this.calls.push(`GET ${formatReference(ref)}`);
    const head = await this.headManifest(ref);
    const stored = head && this.manifests.get(head.digest);
    if (!head || !stored) {
      throw new PinyardError('PINYARD_NOT_FOUND', `manifest ${formatReference(ref)} not found`);
    }
    const parsed = parseManifest(stored.bytes, stored.mediaType, { host: ref.registry, what: 'fake' });
    return { ...parsed, digest: head.digest, bytes: stored.bytes };
  }

  async putManifest(repo: Reference, tagOrDigest: string, bytes: Uint8Array, mediaType: string) {
    const target = `${this.#name(repo)}:${tagOrDigest}`;
    this.calls.push(`PUT ${target}`);
    this.beforePut(target);
    const digest = digestOf(bytes);
    this.manifests.set(digest, { bytes, mediaType });
    if (!tagOrDigest.includes(':')) this.#repo(this.#name(repo)).set(tagOrDigest, digest);
    this.afterPut(target);
    return digest;
  }

  async resolve(ref: Reference, options: { platforms?: boolean } = {}): Promise<Resolved> {
    const text = formatReference(ref);
    this.calls.push(`resolve ${text}${options.platforms === false ? ' (HEAD)' : ''}`);
    const digest = this.upstream.get(text);
    if (!digest) throw new PinyardError('PINYARD_NOT_FOUND', `${text} not found`);
    return { digest, mediaType: IMAGE_MANIFEST, source: ref.registry };
  }

  #name(ref: Reference): string {
    return `${ref.registry}/${ref.repository}`;
  }

  #blobs(name: string): Set<string> {
    const blobs = this.blobs.get(name) ?? new Set<string>();
    this.blobs.set(name, blobs);
    return blobs;
  }

  #repo(name: string): Map<string, string> {
    const repo = this.repos.get(name) ?? new Map<string, string>();
    this.repos.set(name, repo);
    return repo;
  }
}
