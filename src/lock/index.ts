export { diffLocks, type LockChange } from './diff.js';
export { holdLockFile, readLock, writeLock } from './file.js';
export { formatLock } from './format.js';
export { parseLock } from './parse.js';
export { relock } from './relock.js';
export { resolveUpstream, type UpstreamResolver } from './resolve.js';
export { LockedRef, LockFile } from './schema.js';
export { imagesAffectedBy, type LockMode, nextLock, refsToResolve, upstreamUsers } from './update.js';
