export { familiarReference, formatReference, repositoryName, withDefaultTag } from './format.js';
export { isLoopbackRegistry } from './loopback.js';
export { canonicalReference, parseReference, tryParseReference } from './parse.js';
export { byPlatform, normalizePlatform, PLATFORM_PATTERN } from './platform.js';
export type { LocationResult, RegistryLocation } from './registry-location.js';
export { parseRegistryLocation } from './registry-location.js';
export type { ParseResult, Reference } from './types.js';
export { isValidDigest, isValidRepositoryPath, isValidTag } from './validate.js';
