/**
 * `pinyard init`: a first images.yml from a repository of Dockerfiles. Pure: the command finds the files
 * and writes the result.
 */
export { defaultImageName, isDockerfileName } from './image-name.js';
export { proposeImages } from './propose.js';
export { type RenderOptions, renderProposal } from './render.js';
export type { DockerfileSource, Proposal, ProposedImage, Remarked } from './types.js';
export { type ProposalGraph, proposalGraph } from './verify.js';
