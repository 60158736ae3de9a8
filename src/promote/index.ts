/**
 * Promotion planning, pure: which references a promotion touches, which permissions it needs, what the
 * guards decide, and which manifests and blobs go over. src/commands/promote does the I/O.
 */
export {
  type AccessCheck,
  type AccessNeed,
  type AccessStatus,
  accessError,
  accessNeeds,
  checkAccess,
  type TokenRequest,
  tokenRequests,
} from './access.js';
export { blobsOf, childDescriptors, type ManifestNode, manifestsOf, ownBlobs } from './content.js';
export { combineErrors, type Decision, decide, type RefState } from './decide.js';
export {
  type PromoteSelection,
  promotionRequests,
  requiredRefs,
  targetRefs,
} from './requests.js';
export type { BlobCounts, PromotionRequest, Strategy } from './types.js';
