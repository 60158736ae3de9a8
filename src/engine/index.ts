/**
 * The Docker Engine adapter, the only importer of dockerode. Core code sees the `Engine` interface; the
 * build sends `contextTar(…).tar` with the rewritten Dockerfile inside.
 *
 *   const engine = new DockerEngine();            // the engine docker would use: DOCKER_HOST, DOCKER_CONTEXT,
 *                                                 // the docker config's currentContext (engine-endpoint.ts)
 *   await engine.ping();
 *   const { tar, dockerfile } = await contextTar(dir, { dockerfileText, files });
 *   const { imageId } = await engine.build({ context: tar, dockerfile, tags, labels, signal, onStep, onLine });
 *   const { digest } = await engine.push(`${host}/${repo}:${tag}`, { signal, onLine });
 */
export { BuildError, type BuildErrorOptions } from './build-error.js';
export { formatStep } from './build-output.js';
export { type ContextTar, type ContextTarOptions, contextTar, INJECTED_DOCKERFILE } from './context-tar.js';
export { DockerEngine, type DockerEngineOptions } from './docker-engine.js';
export { type EngineEndpoint, type EngineRequest, resolveEndpoint } from './engine-endpoint.js';
export type {
  Builder,
  BuilderSupport,
  BuildOptions,
  BuildResult,
  BuildStep,
  Engine,
  ImageDetails,
  PushResult,
  TransferOptions,
} from './types.js';
