import { contextTar } from '../../engine/context-tar.js';
import type { Engine } from '../../engine/index.js';
import { contentTag, contextFiles, INPUT_HASH_LABEL, inputHash } from '../../hash/index.js';
import type { ProjectManifest } from '../../manifest/index.js';
import { parseReference, repositoryName } from '../../reference/index.js';
import type { RegistryClient } from '../../registry/index.js';
import type { BuildHooks } from '../../report/build/index.js';
import { carriesInputHash } from './content-tag-check.js';
import { engineSlot } from './engine-slot.js';
import { EngineSlots } from './engine-slots.js';
import { connectEngines, type EngineChoice } from './engines.js';
import type { TagMove } from './human-tags.js';
import type { BuildPorts } from './image-task.js';

export interface ConnectedPorts extends BuildPorts {
  /** Why the engines could not be reached when the run first needed them, if they could not. */
  engineFailure(): unknown;
  /** The final phase: point every human tag at its image's digest. */
  moveTags(moves: TagMove[]): Promise<void>;
}

/**
 * The build's view of the world: the Docker engines for builds, pulls and pushes, the registry client for
 * "does this content tag exist" and for moving human tags (a manifest PUT of the same bytes: no engine, no
 * re-push). Without --push there is one engine, and both questions go to it.
 */
export async function connectPorts(options: {
  manifest: ProjectManifest;
  registry: RegistryClient;
  env: NodeJS.ProcessEnv;
  pushing: boolean;
  hooks: Required<BuildHooks>;
  engines: EngineChoice;
  /** `--concurrency`: builds at once on each engine. */
  slotsPerEngine: number;
}): Promise<ConnectedPorts> {
  const { manifest, registry, pushing, hooks } = options;
  // Engines are connected (and all pinged) when first needed: with --push, a run that finds every content
  // tag in the registry never needs one. Without --push the first question already goes to the engine.
  let connected: Promise<{ byHost: Map<string, Engine>; slots: EngineSlots; local: Engine }> | undefined;
  let failure: unknown;
  const engines = () => {
    connected ??= connectEngines(options.engines, options.env).then(
      (list) => {
        const byHost = new Map(list.map((engine) => [engine.dockerHost, engine]));
        // Without --push there is exactly one engine (the command refuses more): it holds every image.
        return {
          byHost,
          slots: new EngineSlots([...byHost.keys()], options.slotsPerEngine),
          local: list[0]!,
        };
      },
      (error: unknown) => {
        failure = error;
        throw error;
      },
    );
    return connected;
  };
  if (!pushing) await engines();
  const buildOptions = {
    manifest,
    registry: pushing ? registry : undefined,
    hooks,
    registryHosts: manifest.registry ? [parseReference(`${manifest.registry}/x`).registry] : [],
  };

  return {
    engineFailure: () => failure,

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
        context: async (sent) => (await contextTar(image.context, { dockerfileText: sent, files })).tar,
      };
    },

    async existing(ref, hash) {
      // A content tag counts only when its image says it was built from these inputs (its label).
      if (pushing) {
        const reference = parseReference(ref);
        const digest = (await registry.headManifest(reference))?.digest;
        if (!digest) return undefined;
        return (await carriesInputHash(registry, reference, digest, hash)) ? digest : undefined;
      }
      const local = await (await engines()).local.inspect(ref);
      return local?.labels[INPUT_HASH_LABEL] === hash ? local.id : undefined;
    },

    async reserveEngine(preferred, signal) {
      const { byHost, slots } = await engines();
      const engine = byHost.get(await slots.acquire(preferred, signal))!;
      return engineSlot(engine, {
        ...buildOptions,
        release: () => slots.give(engine.dockerHost),
      });
    },

    async moveTags(moves) {
      if (!pushing) {
        const { local } = await engines();
        for (const move of moves) {
          const ref = parseReference(move.ref);
          await local.tag(move.digest, repositoryName(ref), ref.tag!);
        }
        return;
      }
      // Tags already on their digest (a no-change nightly run) cost one HEAD. For the rest, every manifest
      // is fetched first, then every tag written: a refusal while reading moves nothing.
      const pending = (
        await Promise.all(
          moves.map(async (move) => {
            const ref = parseReference(move.ref);
            return (await registry.headManifest(ref))?.digest === move.digest ? [] : [{ move, ref }];
          }),
        )
      ).flat();
      const manifests = await Promise.all(
        pending.map(async ({ move, ref }) => {
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
