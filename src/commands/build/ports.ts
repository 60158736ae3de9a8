import path from 'node:path';
import { contextTar } from '../../engine/context-tar.js';
import type { EngineEndpoint } from '../../engine/engine-endpoint.js';
import type { Builder, Engine } from '../../engine/index.js';
import { PinyardError, whenNotFound } from '../../errors.js';
import {
  contentTag,
  contextFiles,
  type FileDigestCache,
  INPUT_HASH_LABEL,
  inputHash,
} from '../../hash/index.js';
import type { ProjectManifest } from '../../manifest/index.js';
import { normalizePlatform, parseReference, repositoryName } from '../../reference/index.js';
import { MediaType, type RegistryClient } from '../../registry/index.js';
import type { BuildHooks } from '../../report/build/index.js';
import { type BuilderPreference, chooseBuilders } from './builders.js';
import { carriesInputHash } from './content-tag-check.js';
import { engineSlot } from './engine-slot.js';
import { EngineSlots } from './engine-slots.js';
import { connectEngines, type EngineChoice } from './engines.js';
import type { TagMove } from './human-tags.js';
import { imageIndexBytes, platformKey } from './image-index.js';
import type { BuildPorts } from './image-task.js';

export interface ConnectedPorts extends BuildPorts {
  /** Why the engines could not be reached when the run first needed them, if they could not. */
  engineFailure(): unknown;
  /** The digest a human tag (`repository:tag`) has in the registry now, if it exists. */
  tagDigest(ref: string): Promise<string | undefined>;
  /**
   * The final phase: point every human tag at its image's digest. `known`: digests of tags asked earlier
   * in the run (tagHeads), used instead of asking again.
   */
  moveTags(moves: TagMove[], known?: (ref: string) => Promise<string | undefined> | undefined): Promise<void>;
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
  /** Where each engine of `engines` is (engineEndpoints). */
  endpoints: EngineEndpoint[];
  /** `--concurrency`: builds at once on each engine. */
  slotsPerEngine: number;
  builder: BuilderPreference;
  /** `--no-cache`. */
  noCache: boolean;
  /** Each image's build secrets, read before the run. */
  secrets: ReadonlyMap<string, ReadonlyMap<string, Buffer>>;
  /** Context files' digests kept from the last run. */
  digestCache?: FileDigestCache;
  /** One line for the user that is not an image's (an engine falling back to the classic builder). */
  notice(line: string): void;
}): Promise<ConnectedPorts> {
  const { manifest, registry, pushing, hooks } = options;
  const registryHosts = manifest.registry ? [parseReference(`${manifest.registry}/x`).registry] : [];
  // Engines are connected (and all pinged) when first needed: with --push, a run that finds every content
  // tag in the registry never needs one. Without --push the first question already goes to the engine.
  let connected:
    | Promise<{
        byHost: Map<string, Engine>;
        builders: Map<string, Builder>;
        /** What each engine builds natively: as images.yml declares, else its own platform. */
        natives: Map<string, string[]>;
        slots: EngineSlots;
        local: Engine;
      }>
    | undefined;
  let failure: unknown;
  const engines = () => {
    connected ??= connectEngines(options.engines, options.endpoints, options.env, registryHosts).then(
      async (list) => {
        // Keyed by the name the report shows: the docker context's name, or the address.
        const byHost = new Map(list.map((engine) => [engine.name, engine]));
        const builders = await chooseBuilders(list, options.builder, options.notice);
        const natives = new Map(
          await Promise.all(
            list.map(
              async (engine) =>
                [engine.name, declaredPlatforms(manifest, engine) ?? [await engine.platform()]] as const,
            ),
          ),
        );
        // Without --push there is exactly one engine (the command refuses more): it holds every image.
        return {
          byHost,
          builders,
          natives: new Map([...natives].map(([host, list]) => [host, [...list]])),
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
  const contexts = new Map<string, ReturnType<typeof contextFiles>>();
  const buildOptions = {
    manifest,
    registry: pushing ? registry : undefined,
    hooks,
    noCache: options.noCache,
    secrets: options.secrets,
  };

  return {
    engineFailure: () => failure,

    async hashInputs(image, dockerfileText, salt) {
      // Read once per image: a multi-platform image hashes the same context for each of its platforms.
      const key = `${image.context}\0${image.dockerfile}`;
      let read = contexts.get(key);
      if (!read) {
        read = contextFiles(image.context, {
          dockerfile: image.dockerfile,
          skipDir: path.join(manifest.dir, '.pinyard'),
          ...(options.digestCache ? { digestCache: options.digestCache } : {}),
        });
        contexts.set(key, read);
      }
      const files = await read;
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
        context: async (sent) => (await contextTar(image.context, { dockerfileText: sent, files })).tar,
      };
    },

    async existing(ref, hash) {
      // A content tag counts only when its image says it was built from these inputs (its label): the
      // manifest by tag and its config, two requests, where a HEAD alone would take the tag on trust.
      if (pushing) {
        const reference = parseReference(ref);
        const manifest = await registry.getManifest(reference).catch(whenNotFound(undefined));
        if (!manifest) return undefined;
        return (await carriesInputHash(registry, reference, manifest, hash)) ? manifest.digest : undefined;
      }
      const local = await (await engines()).local.inspect(ref);
      return local?.labels[INPUT_HASH_LABEL] === hash ? local.id : undefined;
    },

    async reserveEngine(preferred, signal, platform) {
      const { byHost, builders, natives, slots } = await engines();
      // A platform build goes to an engine that builds it natively (the parent's first, else the least
      // busy of them); only when no engine builds it natively does any engine take it, emulating it.
      const native = (host: string) =>
        platform === undefined ||
        (natives.get(host) ?? []).some((p) => normalizePlatform(p) === normalizePlatform(platform));
      const nativeHosts = [...byHost.keys()].filter(native);
      const order = platform === undefined ? preferred : [...preferred.filter(native), ...nativeHosts];
      // Waiting for a native engine beats emulating (which fails outright without binfmt handlers): any
      // engine only when none builds the platform natively.
      const only = platform !== undefined && nativeHosts.length > 0 ? nativeHosts : undefined;
      const engine = byHost.get(await slots.acquire(order, signal, only))!;
      return engineSlot(engine, {
        ...buildOptions,
        builder: builders.get(engine.name)!,
        ...(platform && !native(engine.name) ? { emulating: platform } : {}),
        release: () => slots.give(engine.name),
      });
    },

    ...(pushing
      ? {
          async indexPlatforms(ref: string) {
            const index = await registry.getManifest(parseReference(ref));
            if (index.kind !== 'index') return {};
            return Object.fromEntries(
              index.parsed.manifests.flatMap((m) =>
                m.platform ? [[platformKey(m.platform), m.digest]] : [],
              ),
            );
          },
          async pushIndex(
            ref: string,
            platforms: ReadonlyArray<{ platform: string; digest: string }>,
            annotations: Record<string, string>,
          ) {
            const target = parseReference(ref);
            const entries = await Promise.all(
              platforms.map(async ({ platform, digest }) => {
                const stored = await registry.headManifest({ ...target, tag: undefined, digest });
                if (!stored) {
                  throw new PinyardError(
                    'PINYARD_REGISTRY',
                    `${ref}: the ${platform} build ${digest} is not in the registry`,
                    {
                      hint: 'it was pushed moments ago: run the build again',
                    },
                  );
                }
                return {
                  platform,
                  digest,
                  size:
                    stored.size ??
                    (await registry.getManifest({ ...target, tag: undefined, digest })).bytes.length,
                  mediaType: stored.mediaType,
                };
              }),
            );
            const bytes = imageIndexBytes(entries, annotations);
            const digest = await registry.putManifest(
              { ...target, tag: undefined },
              target.tag!,
              bytes,
              MediaType.ociIndex,
            );
            // Read back: what children pin and human tags move to must be what the registry serves.
            const served = await registry.headManifest(target);
            if (served?.digest !== digest) {
              throw new PinyardError(
                'PINYARD_REGISTRY',
                `wrote the index ${ref} as ${digest}, but the registry serves ${served?.digest ?? 'nothing'}`,
                {
                  hint: 'another push to the same tag may have raced this one; run the build again',
                },
              );
            }
            return digest;
          },
        }
      : {}),

    async tagDigest(ref) {
      return (await registry.headManifest(parseReference(ref)))?.digest;
    },

    async moveTags(moves, known) {
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
            // Asked earlier and answered (absent included): not asked again; a failed answer is.
            const earlier = await known?.(move.ref)?.then(
              (digest) => ({ digest }),
              () => undefined,
            );
            const current = earlier ? earlier.digest : (await registry.headManifest(ref))?.digest;
            return current === move.digest ? [] : [{ move, ref }];
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

/** What images.yml says an engine builds natively, under any of the names it may be written as there. */
function declaredPlatforms(manifest: ProjectManifest, engine: Engine): string[] | undefined {
  const declared = manifest.enginePlatforms ?? {};
  return declared[engine.name] ?? declared[engine.dockerHost] ?? declared[`context:${engine.name}`];
}
