/**
 * What an image's build depends on, hashed: the context files docker would send (after .dockerignore),
 * the rewritten Dockerfile, build args, target and platform. Pure apart from reading the context.
 *
 *   const files = await contextFiles(image.context, { dockerfile: image.dockerfile });
 *   const hash = inputHash({ dockerfileText, files, args, target, platform });
 *   const tag = contentTag(hash); // pinyard-<24 hex>, with the full hash in the INPUT_HASH_LABEL label
 */
export { type ContextFilesOptions, contextFiles } from './context-files.js';
export { type FileDigestCache, FileDigestCacheFile } from './file-digest-cache.js';
export { indexHash } from './index-hash.js';
export {
  contentTag,
  type ImageInputs,
  INPUT_HASH_LABEL,
  inputHash,
} from './input-hash.js';
export type { ContextEntry } from './types.js';
