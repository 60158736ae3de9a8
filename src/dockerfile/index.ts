export { addLabels } from './add-labels.js';
export { finalBaseStage } from './final-stage.js';
export { parseDockerfile } from './parse-dockerfile.js';
export { pinImageRefs } from './pin-image-refs.js';
export {
  type BuildPlatforms,
  buildPlatforms,
  hostPlatform,
  PLATFORM_ARGS,
  platformArgValues,
} from './platform-args.js';
export { type ImageRefReplacement, rewriteImageRefs } from './rewrite-image-refs.js';
export type {
  CopyFromInstruction,
  FromInstruction,
  ImageToken,
  ParseDockerfileOptions,
  ParsedDockerfile,
  TextRange,
} from './types.js';
