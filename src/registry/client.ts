import { Readable } from 'node:stream';
import { type CredentialOptions, CredentialStore } from '../credentials/credentials.js';
import { PinyardError, whenNotFound } from '../errors.js';
import {
  formatReference,
  isValidDigest,
  isValidRepositoryPath,
  isValidTag,
  type Reference,
} from '../reference/index.js';
import { Authenticator, type Authorization, type Grant } from './auth.js';
import { parseChallenges, preferredChallenge } from './challenge.js';
import { computeDigest, verifyDigest, verifyingStream } from './digest.js';
import {
  deniedError,
  digestMismatchError,
  malformedError,
  notFoundError,
  parseErrorBody,
  registryError,
  safe,
} from './errors.js';
import {
  MAX_CONFIG_BYTES,
  MAX_LISTED_ITEMS,
  MAX_MANIFEST_BYTES,
  MAX_PAGE_BYTES,
  MAX_PAGES,
} from './limits.js';
import { type ParsedManifest, type PlatformDigest, parseManifest, platformsOf } from './manifest.js';
import { MANIFEST_ACCEPT } from './media-types.js';
import { sourcesFor } from './mirrors.js';
import { parseNextLink } from './pagination.js';
import { Catalog, TagList } from './schema.js';
import {
  catalogScope,
  coversScopes,
  mergeScopes,
  parseScopeList,
  repositoryScope,
  type Scope,
} from './scope.js';
import { tokenBatches } from './token-batch.js';
import { TokenCache } from './token-cache.js';
import { type HttpRequest, type RegistryResponse, Transport, type TransportOptions } from './transport.js';

export interface RegistryClientOptions extends TransportOptions, CredentialOptions {}

export interface ManifestDescriptor {
  digest: string;
  mediaType: string;
  size?: number;
}

export type FetchedManifest = ParsedManifest & {
  digest: string;
  mediaType: string;
  /** The body exactly as served: its sha256 is the digest, so never re-serialize it. */
  bytes: Uint8Array;
};

export interface Resolved {
  /** The tag's digest: for a multi-arch tag, the index's. */
  digest: string;
  mediaType: string;
  /** Each runnable platform's manifest digest, when the ref is an index and platforms were asked for. */
  platforms?: PlatformDigest[];
  /** The registry (or mirror, with its path prefix) that answered. */
  source: string;
}

export interface ResolveOptions {
  /** Registry → mirrors to try first, as in images.yml: `{ 'docker.io': ['mirror.example.com'] }`. */
  mirrors?: Record<string, string[]>;
  /** false: only the digest is needed, so one HEAD suffices (a HEAD does not count against Hub's pull limit). */
  platforms?: boolean;
}

type Schema<T> = { safeParse(value: unknown): { success: boolean; data?: T } };

/** What one request is for: who to authenticate as, and how to name it when it fails. */
interface Call {
  host: string;
  repository?: string;
  scopes: Scope[];
  /** For "may not …" in a denial: 'pull', 'push', 'delete', 'list the catalog of'. */
  action: string;
  /** For errors: 'reading manifest 127.0.0.1:5000/app:1.4'. */
  what: string;
  /** Names the missing thing when a 404 means "not found" rather than a failure. */
  missing?: string;
}

/**
 * An OCI distribution client: the only code in pinyard that speaks to registries. Every method takes
 * normalized references (src/reference); `docker.io` is reached at registry-1.docker.io.
 *
 * Expected outcomes are values: `headManifest`/`headBlob` answer undefined for what does not exist,
 * `deleteManifest` says 'not-found'. Failures are PinyardErrors: PINYARD_DENIED (naming the account,
 * repository and action), PINYARD_NOT_FOUND, PINYARD_UNREACHABLE, PINYARD_REGISTRY, PINYARD_CREDENTIALS.
 */
/**
 * A token's `access` claim lists every repository it covers, and common reverse proxies refuse a header
 * past 8 KiB (oras-project/oras-dotnet#385): this many repositories keep a token well under that. Pull
 * tokens fetched ahead for a build are smaller still (token-batch.ts).
 */
export const REPOSITORIES_PER_TOKEN = 25;

/** A blob copy that lost its connection is started over this many times in all. */
const COPY_ATTEMPTS = 3;

export class RegistryClient {
  readonly #transport: Transport;
  readonly #auth: Authenticator;
  readonly #pings = new Map<string, Promise<void>>();
  /** Upload sessions a refused mount opened, continued by the next upload of that blob. */
  readonly #openUploads = new Map<string, string>();

  constructor(options: RegistryClientOptions = {}) {
    this.#transport = new Transport(options);
    this.#auth = new Authenticator(this.#transport, new CredentialStore(options), new TokenCache());
  }

  /** Probe `/v2/` once per host: learns the scheme (https/http) and how the registry authenticates. */
  ping(host: string): Promise<void> {
    let ping = this.#pings.get(host);
    if (!ping) {
      ping = this.#ping(host);
      this.#pings.set(host, ping);
      ping.catch(() => this.#pings.delete(host));
    }
    return ping;
  }

  /**
   * Fetch one token for several repositories at once, so that the requests of a multi-repository
   * operation (a promotion: pull on the source, pull,push on the target) share it. Answers what the token
   * grants where the registry says, so a missing permission can be named before anything is written.
   */
  async authorize(host: string, scopes: Scope[]): Promise<Grant> {
    await this.ping(host);
    return this.#auth.grant(host, mergeScopes(scopes));
  }

  /**
   * Pull tokens for many refs fetched up front, where each ref would otherwise fetch its own when its
   * first request goes out. Refs are authorized where they are tried first (their first mirror). Tokens
   * are sized to the requests they ride on: batches only as large as keeps each token small
   * (token-batch.ts), never one token for the whole tree on every HEAD, all asked for at once. Best
   * effort: a failure is left for the ref's own requests to meet again and report.
   */
  async authorizePulls(
    refs: Reference[],
    options: { mirrors?: Record<string, string[]> } = {},
  ): Promise<void> {
    const repositories = new Map<string, Set<string>>();
    for (const ref of refs) {
      const { registry, repository } = sourcesFor(ref, options.mirrors)[0]!.ref;
      repositories.set(registry, (repositories.get(registry) ?? new Set()).add(repository));
    }
    await Promise.all(
      [...repositories].map(([host, names]) =>
        this.#authorizeAhead(
          host,
          [...names].map((name) => repositoryScope(name, 'pull')),
        ).catch(() => {}),
      ),
    );
  }

  async #authorizeAhead(host: string, scopes: Scope[]): Promise<void> {
    await this.ping(host);
    // Every batch at once: one round trip to the token service, however many repositories.
    await Promise.all(
      tokenBatches(scopes, REPOSITORIES_PER_TOKEN).map((batch) => this.#auth.authorize(host, batch)),
    );
  }

  /** The digest of a tag or digest, without its body, or undefined when there is no such manifest. */
  async headManifest(ref: Reference): Promise<ManifestDescriptor | undefined> {
    const call = this.#pull(ref, `checking manifest ${formatReference(ref)}`);
    const response = await this.#call(call, manifestPath(ref), {
      method: 'HEAD',
      headers: { accept: MANIFEST_ACCEPT },
    });
    if (response.status === 404) return undefined;
    const headerDigest = response.ok ? this.#digestHeader(response, call) : undefined;
    const mediaType = mediaTypeOf(response);
    // Registries that mishandle HEAD (405, 501, or no digest header) get a GET instead.
    if (
      response.status === 405 ||
      response.status === 501 ||
      (response.ok && (!headerDigest || !mediaType))
    ) {
      const manifest = await this.getManifest(ref).catch(whenNotFound(undefined));
      return (
        manifest && { digest: manifest.digest, mediaType: manifest.mediaType, size: manifest.bytes.length }
      );
    }
    if (!response.ok) throw await this.#failure(response, call);
    if (ref.digest && headerDigest !== ref.digest) {
      throw digestMismatchError(call.what, ref.digest, headerDigest ?? 'none');
    }
    const size = Number(response.headers.get('content-length'));
    return {
      digest: headerDigest!,
      mediaType: mediaType!,
      ...(Number.isFinite(size) && size > 0 ? { size } : {}),
    };
  }

  /** A manifest or index, its bytes verified against the digest asked for or the one the registry sent. */
  async getManifest(ref: Reference): Promise<FetchedManifest> {
    const call = {
      ...this.#pull(ref, `reading manifest ${formatReference(ref)}`),
      missing: formatReference(ref),
    };
    const response = await this.#call(call, manifestPath(ref), {
      method: 'GET',
      headers: { accept: MANIFEST_ACCEPT },
      maxBodyBytes: MAX_MANIFEST_BYTES,
    });
    if (!response.ok) throw await this.#failure(response, call);
    const { bytes } = response;
    const expected = ref.digest ?? this.#digestHeader(response, call);
    if (expected) verifyDigest(bytes, expected, call.what);
    const parsed = parseManifest(bytes, response.headers.get('content-type'), {
      host: ref.registry,
      what: call.what,
    });
    return { ...parsed, digest: expected ?? computeDigest(bytes), bytes };
  }

  /** Store a manifest under a tag or its digest; returns its digest. */
  async putManifest(
    repo: Reference,
    tagOrDigest: string,
    bytes: Uint8Array,
    mediaType: string,
  ): Promise<string> {
    const digest = computeDigest(bytes);
    const target = `${repo.registry}/${repo.repository}${tagOrDigest.includes(':') ? '@' : ':'}${tagOrDigest}`;
    const what = `pushing manifest ${target}`;
    if (tagOrDigest.includes(':')) verifyDigest(bytes, tagOrDigest, what);
    const call = this.#push(repo, what);
    const response = await this.#call(call, `/v2/${repo.repository}/manifests/${tagOrDigest}`, {
      method: 'PUT',
      headers: { 'content-type': mediaType },
      body: bytes,
    });
    if (!response.ok) throw await this.#failure(response, call);
    const stored = this.#digestHeader(response, call);
    if (stored && stored !== digest && stored.startsWith('sha256:'))
      throw digestMismatchError(what, digest, stored);
    return digest;
  }

  /**
   * Delete a manifest by digest (registries delete by digest only, and that drops every tag on it).
   * 'not-found' when it was already gone.
   */
  async deleteManifest(ref: Reference): Promise<'deleted' | 'not-found'> {
    if (!ref.digest) {
      throw new PinyardError(
        'PINYARD_USAGE',
        `cannot delete ${formatReference(ref)}: a registry deletes by digest`,
        {
          hint: 'resolve the tag to its digest first; deleting it removes every tag that points at it',
        },
      );
    }
    const call: Call = {
      host: ref.registry,
      repository: ref.repository,
      scopes: [repositoryScope(ref.repository, 'delete')],
      action: 'delete',
      what: `deleting ${formatReference(ref)}`,
    };
    const response = await this.#call(call, `/v2/${ref.repository}/manifests/${ref.digest}`, {
      method: 'DELETE',
    });
    if (response.status === 404) return 'not-found';
    if (!response.ok) throw await this.#failure(response, call);
    return 'deleted';
  }

  /** A blob's size, or undefined when the repository does not have it. */
  async headBlob(repo: Reference, digest: string): Promise<{ digest: string; size: number } | undefined> {
    const call = this.#pull(repo, `checking blob ${digest} in ${repo.registry}/${repo.repository}`);
    const response = await this.#call(call, `/v2/${repo.repository}/blobs/${digest}`, { method: 'HEAD' });
    if (response.status === 404) return undefined;
    if (!response.ok) throw await this.#failure(response, call);
    return { digest, size: Number(response.headers.get('content-length') ?? 0) };
  }

  /** A blob as a stream that fails at its end if the content does not hash to `digest`. */
  async getBlob(repo: Reference, digest: string): Promise<{ size?: number; stream: Readable }> {
    const call = this.#blobCall(repo, digest);
    const response = await this.#call(call, `/v2/${repo.repository}/blobs/${digest}`, {
      method: 'GET',
      stream: true,
    });
    if (!response.ok || !response.stream) throw await this.#failure(response, call);
    const verified = verifyingStream(digest, call.what);
    const body = response.stream;
    body.on('error', (e) => verified.destroy(e)).pipe(verified);
    verified.on('close', () => body.destroy());
    const size = Number(response.headers.get('content-length'));
    return {
      ...(Number.isFinite(size) && response.headers.has('content-length') ? { size } : {}),
      stream: verified,
    };
  }

  /** A small blob (an image config) in memory, verified. */
  async getBlobBytes(repo: Reference, digest: string): Promise<Uint8Array> {
    const call = this.#blobCall(repo, digest);
    const response = await this.#call(call, `/v2/${repo.repository}/blobs/${digest}`, {
      method: 'GET',
      maxBodyBytes: MAX_CONFIG_BYTES,
    });
    if (!response.ok) throw await this.#failure(response, call);
    verifyDigest(response.bytes, digest, call.what);
    return response.bytes;
  }

  /**
   * Upload a blob: POST opens a session (or a refused mount already did), PUT sends it whole. A stream
   * is sent once, never retried; pass bytes where a retry matters.
   */
  async uploadBlob(
    repo: Reference,
    content: Uint8Array | Readable,
    digest: string,
    size: number,
  ): Promise<void> {
    const call = this.#push(repo, `uploading blob ${digest} to ${repo.registry}/${repo.repository}`);
    if (content instanceof Uint8Array) verifyDigest(content, digest, call.what);
    await this.#finishUpload(call, await this.#uploadLocation(repo, digest, call), content, digest, size);
  }

  /**
   * Stream a blob from one repository to another, of the same registry or another, without holding it:
   * the source's GET and the target's upload session start together, and the body flows into the upload's
   * PUT, verified against its digest on the way. With `unlessPresent`, the target is asked whether it has
   * the blob in the same round trip, and when it has, the GET is dropped and the session cancelled:
   * 'present', nothing sent. A dropped connection starts the copy over (a stream cannot be replayed), a
   * few times.
   */
  async copyBlob(
    from: Reference,
    to: Reference,
    digest: string,
    size: number,
    options: { unlessPresent?: boolean } = {},
  ): Promise<'copied' | 'present'> {
    const call = this.#push(
      to,
      `copying blob ${digest} from ${from.registry}/${from.repository} to ${to.registry}/${to.repository}`,
    );
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#copyBlobOnce(from, to, digest, size, call, options.unlessPresent ?? false);
      } catch (e) {
        if (!(e instanceof PinyardError) || e.code !== 'PINYARD_UNREACHABLE' || attempt === COPY_ATTEMPTS)
          throw e;
      }
    }
  }

  async #copyBlobOnce(
    from: Reference,
    to: Reference,
    digest: string,
    size: number,
    call: Call,
    unlessPresent: boolean,
  ): Promise<'copied' | 'present'> {
    const [blob, location, found] = await Promise.allSettled([
      this.getBlob(from, digest),
      this.#uploadLocation(to, digest, call),
      unlessPresent ? this.headBlob(to, digest) : Promise.resolve(undefined),
    ]);
    if (found.status === 'rejected' || found.value) {
      if (blob.status === 'fulfilled') blob.value.stream.destroy();
      if (location.status === 'fulfilled') await this.#cancelUpload(location.value, call);
      if (found.status === 'rejected') throw found.reason;
      return 'present';
    }
    if (blob.status === 'rejected') {
      // The session stays open for the next upload of this blob.
      if (location.status === 'fulfilled') this.#openUploads.set(uploadKey(to, digest), location.value);
      throw blob.reason;
    }
    const { stream } = blob.value;
    if (location.status === 'rejected') {
      stream.destroy();
      throw location.reason;
    }
    // fetch reports a failed body as a network error: the stream's own (a digest mismatch) says more.
    let streamError: unknown;
    stream.once('error', (e) => {
      streamError = e;
    });
    try {
      await this.#finishUpload(call, location.value, stream, digest, size);
    } catch (e) {
      throw streamError instanceof PinyardError ? streamError : e;
    }
    return 'copied';
  }

  /** Cancels an upload session that is not needed. Best effort: a session left open expires on the registry. */
  async #cancelUpload(location: string, call: Call): Promise<void> {
    try {
      await this.#call(call, location, { method: 'DELETE' });
    } catch (e) {
      if (!(e instanceof PinyardError)) throw e;
    }
  }

  /** The session a refused mount left open for this blob, or a new one. */
  async #uploadLocation(repo: Reference, digest: string, call: Call): Promise<string> {
    const key = uploadKey(repo, digest);
    const open = this.#openUploads.get(key);
    this.#openUploads.delete(key);
    if (open) return open;
    const started = await this.#call(call, `/v2/${repo.repository}/blobs/uploads/`, { method: 'POST' });
    if (started.status !== 202) throw await this.#failure(started, call);
    return this.#location(started, call);
  }

  async #finishUpload(
    call: Call,
    location: string,
    content: Uint8Array | Readable,
    digest: string,
    size: number,
  ): Promise<void> {
    const url = new URL(location);
    url.searchParams.set('digest', digest);
    const response = await this.#call(call, url.toString(), {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
      body: content,
    });
    if (!response.ok) throw await this.#failure(response, call);
  }

  /**
   * Ask the registry to link a blob `from` one repository into another of the same registry. When it
   * cannot, it opens an upload session instead, which the next `uploadBlob` of that blob uses.
   */
  async mountBlob(from: Reference, to: Reference, digest: string): Promise<'mounted' | 'upload-started'> {
    if (from.registry !== to.registry) {
      throw new Error(`mountBlob: ${from.registry} and ${to.registry} are different registries`);
    }
    const call: Call = {
      host: to.registry,
      repository: to.repository,
      scopes: [repositoryScope(to.repository, 'pull', 'push'), repositoryScope(from.repository, 'pull')],
      action: 'push',
      what: `mounting blob ${digest} from ${from.repository} into ${to.registry}/${to.repository}`,
    };
    const query = new URLSearchParams({ mount: digest, from: from.repository });
    const response = await this.#call(call, `/v2/${to.repository}/blobs/uploads/?${query}`, {
      method: 'POST',
    });
    if (response.status === 201) return 'mounted';
    if (response.status !== 202) throw await this.#failure(response, call);
    this.#openUploads.set(uploadKey(to, digest), this.#location(response, call));
    return 'upload-started';
  }

  /** Every tag of a repository, page by page (Link: rel="next"); `pageSize` is a hint registries may ignore. */
  listTags(repo: Reference, options: { pageSize?: number } = {}): AsyncGenerator<string> {
    const call = {
      ...this.#pull(repo, `listing tags of ${repo.registry}/${repo.repository}`),
      missing: `${repo.registry}/${repo.repository}`,
    };
    return this.#pages(
      call,
      `/v2/${repo.repository}/tags/list`,
      options.pageSize,
      TagList,
      (page) => page.tags,
      isValidTag,
    );
  }

  /** Every repository of a registry, page by page. Registries may restrict the catalog to admins. */
  catalog(host: string, options: { pageSize?: number } = {}): AsyncGenerator<string> {
    const call: Call = {
      host,
      scopes: [catalogScope],
      action: 'list the catalog of',
      what: `listing repositories of ${host}`,
    };
    return this.#pages(
      call,
      '/v2/_catalog',
      options.pageSize,
      Catalog,
      (page) => page.repositories,
      isValidRepositoryPath,
    );
  }

  /**
   * A tag (or a digest) → its digest, and for an index each platform's manifest digest, from one GET of
   * the index (or one HEAD with `platforms: false`). Mirrors of the ref's registry are tried first; any
   * failure there falls through to the next source, and the registry's own answer or error is final. When
   * every source fails, the error says what each mirror answered too: behind a firewall the origin is
   * unreachable, and the mirror's "not found" is the answer that matters.
   */
  async resolve(ref: Reference, options: ResolveOptions = {}): Promise<Resolved> {
    const sources = sourcesFor(ref, options.mirrors);
    const mirrorFailures: string[] = [];
    for (const [i, source] of sources.entries()) {
      try {
        return { ...(await this.#resolveAt(source.ref, options.platforms ?? true)), source: source.name };
      } catch (e) {
        if (!(e instanceof PinyardError)) throw e;
        if (i < sources.length - 1) {
          mirrorFailures.push(`mirror ${source.name}: ${e.message}`);
          continue;
        }
        if (mirrorFailures.length === 0) throw e;
        throw new PinyardError(e.code, `${e.message} (after ${mirrorFailures.join('; ')})`, {
          ...(e.hint ? { hint: e.hint } : {}),
        });
      }
    }
    throw new Error('unreachable: sourcesFor always ends with the ref itself');
  }

  async #resolveAt(ref: Reference, withPlatforms: boolean): Promise<Omit<Resolved, 'source'>> {
    if (!withPlatforms) {
      const head = await this.headManifest(ref);
      if (!head) throw notFoundError(formatReference(ref), ref.registry);
      return { digest: head.digest, mediaType: head.mediaType };
    }
    const manifest = await this.getManifest(ref);
    return {
      digest: manifest.digest,
      mediaType: manifest.mediaType,
      ...(manifest.kind === 'index' ? { platforms: platformsOf(manifest.parsed) } : {}),
    };
  }

  async #ping(host: string): Promise<void> {
    const response = await this.#transport.request(host, '/v2/', { method: 'GET' });
    if (response.status === 401) {
      // A /v2/ redirected elsewhere is not the registry speaking: its challenge is not the registry's.
      if (!this.#isRegistryOrigin(host, response)) throw this.#foreignChallenge(host, response);
      this.#auth.learn(
        host,
        preferredChallenge(parseChallenges(response.headers.get('www-authenticate') ?? '')),
      );
    } else if (response.ok) {
      this.#auth.learn(host, undefined);
    } else {
      throw registryError({ host, what: `probing registry ${host}`, status: response.status });
    }
  }

  /**
   * One authenticated request. A 401 (or a 403 to a cached token) is answered once: the challenge is
   * learned, a fresh token fetched for the scopes asked plus any the challenge names, and the request
   * sent again. A second refusal is returned as is, for #failure to call it denied: no loops. A refusal
   * from another origin (a redirect to storage or a CDN) is never answered with the registry's credentials.
   */
  async #call(call: Call, pathOrUrl: string, init: HttpRequest): Promise<RegistryResponse> {
    await this.ping(call.host);
    const first = await this.#auth.authorize(call.host, call.scopes);
    const response = await this.#send(call.host, pathOrUrl, init, first);
    const refused = response.status === 401 || (response.status === 403 && first?.cached);
    if (!refused || init.body instanceof Readable) return response;
    if (!this.#isRegistryOrigin(call.host, response)) return response;
    const challenge = preferredChallenge(parseChallenges(response.headers.get('www-authenticate') ?? ''));
    const wanted = mergeScopes(call.scopes, parseScopeList(challenge?.params.scope));
    // A token fetched just now for everything the registry asks for will not fare better a second time.
    if (first && !first.cached && response.status === 401 && coversScopes(call.scopes, wanted))
      return response;
    if (challenge) this.#auth.learn(call.host, challenge);
    const second = await this.#auth.authorize(call.host, wanted, { fresh: true, stale: first?.header });
    if (!second) return response;
    return this.#send(call.host, pathOrUrl, init, second);
  }

  #send(
    host: string,
    pathOrUrl: string,
    init: HttpRequest,
    auth: Authorization | undefined,
  ): Promise<RegistryResponse> {
    const isUrl = /^https?:\/\//.test(pathOrUrl);
    // An absolute URL (upload location, next page) gets credentials only on the registry's own origin.
    const sameOrigin = !isUrl || new URL(pathOrUrl).origin === this.#transport.originOf(host);
    const headers = { ...init.headers, ...(auth && sameOrigin ? { authorization: auth.header } : {}) };
    return isUrl
      ? this.#transport.fetch(pathOrUrl, { ...init, headers })
      : this.#transport.request(host, pathOrUrl, { ...init, headers });
  }

  /** Did the registry itself answer, rather than the origin a redirect led to? */
  #isRegistryOrigin(host: string, response: RegistryResponse): boolean {
    return new URL(response.url).origin === this.#transport.originOf(host);
  }

  #foreignChallenge(host: string, response: RegistryResponse): PinyardError {
    const origin = new URL(response.url).origin;
    return new PinyardError(
      'PINYARD_REGISTRY',
      safe(
        `registry ${host} redirected to ${origin}, which asks for credentials (HTTP ${response.status}); pinyard sends ${host}'s credentials only to ${host} and its token service`,
      ),
      { hint: `if ${origin} is really part of ${host}, ask its operators to serve it without a login` },
    );
  }

  async #failure(response: RegistryResponse, call: Call): Promise<PinyardError> {
    response.stream?.destroy();
    if ((response.status === 401 || response.status === 403) && !this.#isRegistryOrigin(call.host, response))
      return this.#foreignChallenge(call.host, response);
    const body = parseErrorBody(response.text());
    if (response.status === 401 || response.status === 403) {
      return deniedError({
        host: call.host,
        ...(call.repository ? { repository: call.repository } : {}),
        action: call.action,
        account: await this.#auth.account(call.host),
      });
    }
    if (response.status === 404 && call.missing) return notFoundError(call.missing, call.host, body);
    if (response.status >= 300 && response.status < 400) {
      return new PinyardError(
        'PINYARD_REGISTRY',
        safe(
          `${call.what}: registry ${call.host} redirected (HTTP ${response.status}) where pinyard does not follow`,
        ),
        {
          hint: 'pinyard follows a redirect to plain HTTP only for loopback hosts and insecureRegistries, and never sends a request body to another origin',
        },
      );
    }
    return registryError({ host: call.host, what: call.what, status: response.status, body });
  }

  /**
   * Link-header pages, bounded: at most MAX_PAGES pages and MAX_LISTED_ITEMS names, every next page on
   * the registry's own origin, a page seen before refused (a loop), an empty page the end. Names that are
   * not valid tags or repositories are refused: they are printed and used in references.
   */
  async *#pages<T>(
    call: Call,
    path: string,
    pageSize: number | undefined,
    schema: Schema<T>,
    items: (page: T) => string[] | null,
    valid: (name: string) => boolean,
  ): AsyncGenerator<string> {
    let next: string | undefined = pageSize ? `${path}?n=${pageSize}` : path;
    const seen = new Set<string>();
    let listed = 0;
    for (let page = 1; next; page++) {
      if (page > MAX_PAGES) {
        throw malformedError(call.host, call.what, `more than ${MAX_PAGES} pages; pinyard stops there`);
      }
      const response = await this.#call(call, next, {
        method: 'GET',
        headers: { accept: 'application/json' },
        maxBodyBytes: MAX_PAGE_BYTES,
      });
      if (!response.ok) throw await this.#failure(response, call);
      seen.add(response.url);
      const names = items(this.#json(response, schema, call)) ?? [];
      if (names.length === 0) return;
      listed += names.length;
      if (listed > MAX_LISTED_ITEMS) {
        throw malformedError(
          call.host,
          call.what,
          `more than ${MAX_LISTED_ITEMS} names; pinyard stops there`,
        );
      }
      const invalid = names.find((name) => !valid(name));
      if (invalid !== undefined) {
        throw malformedError(
          call.host,
          call.what,
          `it listed ${JSON.stringify(invalid.slice(0, 80))}, which is not a valid name`,
        );
      }
      yield* names;
      next = parseNextLink(response.headers.get('link'), response.url);
      if (next === undefined) return;
      if (new URL(next).origin !== this.#transport.originOf(call.host)) {
        throw malformedError(
          call.host,
          call.what,
          `its next page is on another origin (${new URL(next).origin})`,
        );
      }
      if (seen.has(next)) throw malformedError(call.host, call.what, 'its next page is one it already sent');
    }
  }

  #json<T>(response: RegistryResponse, schema: Schema<T>, call: Call): T {
    let result: { success: boolean; data?: T };
    try {
      result = schema.safeParse(JSON.parse(response.text()));
    } catch {
      throw malformedError(call.host, call.what, 'the body is not JSON');
    }
    if (!result.success) {
      throw malformedError(call.host, call.what, 'the body does not have the expected shape');
    }
    return result.data as T;
  }

  #location(response: RegistryResponse, call: Call): string {
    const location = response.headers.get('location');
    if (!location) throw malformedError(call.host, call.what, 'no Location for the upload');
    return new URL(location, response.url).toString();
  }

  /**
   * Docker-Content-Digest, when sent, must be a digest: it ends up in reports, lock files and CI step
   * outputs, so anything else (`sha256:0'; touch pwned`) is refused, never passed on.
   */
  #digestHeader(response: RegistryResponse, call: Call): string | undefined {
    const digest = response.headers.get('docker-content-digest');
    if (digest === null) return undefined;
    if (!isValidDigest(digest)) {
      throw malformedError(call.host, call.what, 'its Docker-Content-Digest header is not a digest');
    }
    return digest;
  }

  #pull(ref: Reference, what: string): Call {
    return {
      host: ref.registry,
      repository: ref.repository,
      scopes: [repositoryScope(ref.repository, 'pull')],
      action: 'pull',
      what,
    };
  }

  #push(ref: Reference, what: string): Call {
    return {
      host: ref.registry,
      repository: ref.repository,
      scopes: [repositoryScope(ref.repository, 'pull', 'push')],
      action: 'push',
      what,
    };
  }

  #blobCall(repo: Reference, digest: string): Call {
    const name = `${repo.registry}/${repo.repository}@${digest}`;
    return { ...this.#pull(repo, `reading blob ${name}`), missing: `blob ${name}` };
  }
}

/** Drain an async iterator (tags, catalog) into an array. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** The Content-Type's media type, when it is one (`type/subtype`); parameters dropped. */
function mediaTypeOf(response: RegistryResponse): string | undefined {
  const type = response.headers.get('content-type')?.split(';')[0]?.trim();
  return type && /^[\w.+-]+\/[\w.+-]+$/.test(type) ? type : undefined;
}

function manifestPath(ref: Reference): string {
  return `/v2/${ref.repository}/manifests/${ref.digest ?? ref.tag ?? 'latest'}`;
}

function uploadKey(repo: Reference, digest: string): string {
  return `${repo.registry}/${repo.repository}@${digest}`;
}
