import { createHash } from 'node:crypto';
import { PinyardError } from '../../../src/errors.js';
import { formatReference, type Reference } from '../../../src/reference/index.js';
import type { FetchedManifest, ManifestDescriptor, Resolved } from '../../../src/registry/index.js';

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
  /** Runs before a PUT is stored; throw to refuse it. */
  beforePut: (target: string) => void = () => {};

  /** Stores a manifest under a tag, as a push would; returns its digest. */
  store(repository: string, tag: string, content: string): string {
    const bytes = new TextEncoder().encode(
      JSON.stringify({ schemaVersion: 2, mediaType: IMAGE_MANIFEST, content }),
    );
    const digest = digestOf(bytes);
    this.manifests.set(digest, { bytes, mediaType: IMAGE_MANIFEST });
    this.#repo(repository).set(tag, digest);
    return digest;
  }

  tagsOf(repository: string): Record<string, string> {
    return Object.fromEntries([...(this.repos.get(repository) ?? new Map())].sort());
  }

  async authorizePulls(): Promise<void> {}

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
    return {
      kind: 'image',
      digest: head.digest,
      mediaType: stored.mediaType,
      bytes: stored.bytes,
    } as unknown as FetchedManifest;
  }

  async putManifest(repo: Reference, tagOrDigest: string, bytes: Uint8Array, mediaType: string) {
    const target = `${this.#name(repo)}:${tagOrDigest}`;
    this.calls.push(`PUT ${target}`);
    this.beforePut(target);
    const digest = digestOf(bytes);
    this.manifests.set(digest, { bytes, mediaType });
    if (!tagOrDigest.includes(':')) this.#repo(this.#name(repo)).set(tagOrDigest, digest);
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

  #repo(name: string): Map<string, string> {
    const repo = this.repos.get(name) ?? new Map<string, string>();
    this.repos.set(name, repo);
    return repo;
  }
}
