/**
 * The image reference grammar of github.com/distribution/reference (regexp.go, normalize.go), which
 * docker, containerd and the registry all share. Kept as the same building blocks so a change upstream
 * maps onto one line here.
 */

const alphanumeric = '[a-z0-9]+';
// One period, one or two underscores, or any number of dashes (so hostnames work as components).
const separator = '(?:[._]|__|[-]+)';
const domainNameComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const optionalPort = '(?::[0-9]+)?';
const ipv6Address = '\\[(?:[a-fA-F0-9:]+)\\]';
const domainName = `${domainNameComponent}(?:\\.${domainNameComponent})*`;
const domainAndPort = `(?:${domainName}|${ipv6Address})${optionalPort}`;
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const remoteName = `${pathComponent}(?:/${pathComponent})*`;
const tag = '[\\w][\\w.-]{0,127}';
const digest = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';

const anchored = (source: string): RegExp => new RegExp(`^${source}$`);

export const domainRegExp = anchored(domainAndPort);
export const pathComponentRegExp = anchored(pathComponent);
export const remoteNameRegExp = anchored(remoteName);
export const tagRegExp = anchored(tag);
export const digestRegExp = anchored(digest);
export const digestAlgorithmRegExp = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*$/;
/** The whole reference; a parse is only accepted when its canonical form matches this. */
export const referenceRegExp = anchored(`(?:${domainAndPort}/)?${remoteName}(?::${tag})?(?:@${digest})?`);
/** A bare image id: docker refuses it as a name so it cannot be mistaken for one. */
export const identifierRegExp = /^[a-f0-9]{64}$/;

/**
 * Algorithms go-digest knows, with the exact lower-case hex length each requires. Any other
 * algorithm only has to satisfy the reference grammar (at least 32 hex characters).
 */
export const knownDigestLengths: ReadonlyMap<string, number> = new Map([
  ['sha256', 64],
  ['sha384', 96],
  ['sha512', 128],
]);

export const DEFAULT_REGISTRY = 'docker.io';
export const LEGACY_DEFAULT_REGISTRY = 'index.docker.io';
export const OFFICIAL_NAMESPACE = 'library';
export const DEFAULT_TAG = 'latest';
export const LOCALHOST = 'localhost';
export const MAX_REPOSITORY_LENGTH = 255;
export const MAX_TAG_LENGTH = 128;
