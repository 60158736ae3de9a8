export { buildImageGraph, type ImageGraphInput, type ImageGraphOptions } from './build-image-graph.js';
export { type ImageRefTarget, imageRefClassifier } from './image-ref-target.js';
export { type PlatformsOfImage, platformProblems } from './platform-check.js';
export { depths, descendants, selectImages } from './select.js';
export { sequence } from './sequence.js';
export type { CycleResult, EdgeSite, GraphImage, ImageGraph, UpstreamRef } from './types.js';
