import path from 'node:path';
import { contextTar, DockerEngine, type Engine, INJECTED_DOCKERFILE } from '../../engine/index.js';
import { PinyardError } from '../../errors.js';
import { contentTag, contextFiles, inputHash } from '../../hash/index.js';
import type { ImageConfig, ProjectManifest } from '../../manifest/index.js';
import { parseReference, repositoryName } from '../../reference/index.js';
import type { RegistryClient } from '../../registry/index.js';
import type { BuildHooks } from '../../report/build/index.js';
import type { TagMove } from './human-tags.js';
import type { BuildPorts } from './image-task.js';

export interface ConnectedPorts extends BuildPorts {
  /** The final phase: point every human tag at its image's digest. */
  moveTags(moves: TagMove[]): Promise<void>;
}

/**
 * The build's view of the world: the Docker engine (DOCKER_HOST) for builds and pushes, the registry
 * client for "does this content tag exist" and for moving human tags (a manifest PUT of the same bytes:
 * no engine, no re-push). Without --push, both questions go to the local engine.
 */
export async function connectPorts(options: {
  manifest: ProjectManifest;
  registry: RegistryClient;
  env: NodeJS.ProcessEnv;
  pushing: boolean;
  hooks: Required<BuildHooks>;
}): Promise<ConnectedPorts> {
  const { manifest, registry, pushing, hooks } = options;
  const engine: Engine = new DockerEngine({ env: options.env });
  await engine.ping();
  const registryHosts = manifest.registry ? [parseReference(`${manifest.registry}/x`).registry] : [];

  return {
    async hashInputs(image, dockerfileText, salt) {
      const files = await contextFiles(image.context, { dockerfile: image.dockerfile });
      const hash = inputHash({
        dockerfileText,
        files,
        args: image.args,
        ...(image.target ? { target: image.target } : {}),
        ...(image.platform ? { platform: image.platform } : {}),
        ...(salt ? { salt } : {}),
      });
      return {
        hash,
        contentTag: contentTag(hash),
        dockerfileText,
        context: async () => (await contextTar(image.context, { dockerfileText, files })).tar,
      };
    },

    async existing(ref) {
      if (pushing) return (await registry.headManifest(parseReference(ref)))?.digest;
      return (await engine.inspect(ref))?.id;
    },

    async build(image: ImageConfig, inputs, { tags, labels, signal, name }) {
      return engine.build({
        context: await inputs.context(),
        dockerfile: INJECTED_DOCKERFILE,
        dockerfilePath: path.relative(manifest.dir, image.dockerfile),
        tags,
        labels,
        buildArgs: image.args,
        ...(image.target ? { target: image.target } : {}),
        ...(image.platform ? { platform: image.platform } : {}),
        registryHosts,
        signal,
        onStep: (step) => hooks.onImageStep(name, step.number, step.total, step.instruction),
        onLine: (line) => hooks.onImageLog(name, line),
      });
    },

    ...(pushing
      ? {
          async push(ref: string, { signal, name }: { signal: AbortSignal; name: string }) {
            const { digest } = await engine.push(ref, {
              signal,
              onLine: (line) => hooks.onImageLog(name, line),
            });
            // The engine's word is checked against the registry's: what children pin must be what is there.
            const stored = await registry.headManifest(parseReference(ref));
            if (stored?.digest !== digest) {
              throw new PinyardError(
                'PINYARD_REGISTRY',
                `pushed ${ref} as ${digest}, but the registry has ${stored?.digest ?? 'nothing'} under that tag`,
                { hint: 'another push to the same tag may have raced this one; run the build again' },
              );
            }
            return digest;
          },
        }
      : {}),

    async moveTags(moves) {
      if (!pushing) {
        for (const move of moves) {
          const ref = parseReference(move.ref);
          await engine.tag(move.digest, repositoryName(ref), ref.tag!);
        }
        return;
      }
      // Fetch every manifest first, then write every tag: a refusal while reading moves nothing.
      const manifests = await Promise.all(
        moves.map(async (move) => {
          const ref = parseReference(move.ref);
          const source = await registry.getManifest({ ...ref, tag: undefined, digest: move.digest });
          return { ref, source };
        }),
      );
      await Promise.all(
        manifests.map(({ ref, source }) =>
          registry.putManifest({ ...ref, tag: undefined }, ref.tag!, source.bytes, source.mediaType),
        ),
      );
    },
  };
}
