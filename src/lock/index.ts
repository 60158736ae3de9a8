export { diffLocks, type LockChange } from './diff.js';
export { readLock, writeLock } from './file.js';
export { formatLock } from './format.js';
export { parseLock } from './parse.js';
export { LockedRef, LockFile } from './schema.js';
