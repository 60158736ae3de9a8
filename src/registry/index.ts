/**
 * The OCI distribution client: the only module that speaks HTTP to registries.
 *
 *   const registry = new RegistryClient({ insecureRegistries, concurrencyPerHost: 10 });
 *   const { digest, platforms } = await registry.resolve(parseReference('alpine:3.20'), { mirrors });
 *
 * Credentials come from docker's config.json (DOCKER_CONFIG or ~/.docker) and its credential helpers;
 * tokens are fetched, scoped and cached per host. Failures are PinyardErrors with secrets redacted:
 * PINYARD_DENIED, PINYARD_NOT_FOUND, PINYARD_UNREACHABLE, PINYARD_REGISTRY, PINYARD_CREDENTIALS.
 */

export { redact } from '../credentials/redact.js';
export type { Grant } from './auth.js';
export {
  collect,
  type FetchedManifest,
  type ManifestDescriptor,
  REPOSITORIES_PER_TOKEN,
  RegistryClient,
  type RegistryClientOptions,
  type Resolved,
  type ResolveOptions,
} from './client.js';
export { computeDigest } from './digest.js';
export { deniedError } from './errors.js';
export type { ParsedManifest, PlatformDigest } from './manifest.js';
export { isIndexMediaType, MANIFEST_ACCEPT, MediaType } from './media-types.js';
export type { Descriptor, ImageIndex, ImageManifest, Platform } from './schema.js';
export { mergeScopes, repositoryScope, type Scope } from './scope.js';
export type { RetryEvent } from './transport.js';
