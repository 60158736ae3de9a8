export type { Access } from './acl.js';
export { writeDockerConfig } from './docker-config.js';
export { engineClient, pingEngine } from './engine-client.js';
export { jwtClaims } from './jwt.js';
export {
  anyManifest,
  type FetchedManifest,
  getBlob,
  getManifest,
  MediaType,
  pushBlob,
  putManifest,
  type RegistryCall,
} from './registry-api.js';
export { type SecondEngine, startSecondEngine } from './second-engine.js';
export { bearer, type IssuedToken, readTokenLog, requestToken } from './token-client.js';
export type { TokenLogEntry } from './token-issuer.js';
export type {
  RegistryEndpoint,
  SeededImage,
  SeededPlatform,
  TokenRegistryEndpoint,
  World,
  WorldUser,
  WorldUsers,
} from './types.js';
export { reseedUpstream, resetUpstream, upstreamTags } from './upstream-seed.js';
export { type RunningWorld, type StartWorldOptions, startWorld } from './world.js';
export { worldFromEnv } from './world-from-env.js';
