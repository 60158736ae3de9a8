import path from 'node:path';
import { normalizeRegistryKey } from '../../credentials/hosts.js';
// From its own module, not engine/index.js: that one loads dockerode, which a run that builds nothing never needs.
import { BuildError } from '../../engine/build-error.js';
import { INJECTED_DOCKERFILE } from '../../engine/context-tar.js';
import type { Builder, Engine } from '../../engine/index.js';
import { PinyardError } from '../../errors.js';
import type { ProjectManifest } from '../../manifest/index.js';
import { parseReference } from '../../reference/index.js';
import type { RegistryClient } from '../../registry/index.js';
import type { BuildHooks } from '../../report/build/index.js';
import type { EngineSlot } from './image-task.js';

export interface EngineSlotOptions {
  manifest: ProjectManifest;
  /** Set when pushing: pushes are checked against it. */
  registry: RegistryClient | undefined;
  hooks: Required<BuildHooks>;
  /** The builder this engine builds with. */
  builder: Builder;
  /** `--no-cache`. */
  noCache: boolean;
  /** Each image's build secrets by id (read before the run started). */
  secrets: ReadonlyMap<string, ReadonlyMap<string, Buffer>>;
  /** Set when this engine builds a platform it does not run natively: through emulation (binfmt/QEMU). */
  emulating?: string;
  /** Frees the slot; called once, however often release() is. */
  release(): void;
}

/** One image's use of one engine: its pulls, build and push, with their output in the image's log. */
export function engineSlot(engine: Engine, options: EngineSlotOptions): EngineSlot {
  const { manifest, registry, hooks } = options;
  let released = false;
  const onLine = (name: string) => (line: string) => hooks.onImageLog(name, line);
  const { builder } = options;
  return {
    engine: engine.name,
    builder,
    async pull(ref, { signal, name }) {
      await engine.pull(ref, { signal, onLine: onLine(name) });
    },
    async build(image, inputs, { dockerfileText, tags, signal, name, pullsFrom, cacheFrom }) {
      const buildkit = builder === 'buildkit';
      if (options.emulating) {
        hooks.onImageLog(
          name,
          `${engine.dockerHost} builds ${options.emulating} through emulation (no engine that builds it natively was free)`,
        );
      }
      return withEmulationHint(
        engine.dockerHost,
        image.platform,
        engine.build({
          builder,
          context: await inputs.context(dockerfileText),
          dockerfile: INJECTED_DOCKERFILE,
          dockerfilePath: path.relative(manifest.dir, image.dockerfile),
          tags,
          buildArgs: image.args,
          ...(image.target ? { target: image.target } : {}),
          ...(image.platform ? { platform: image.platform } : {}),
          ...(options.noCache ? { noCache: true } : {}),
          registryHosts: withMirrors(pullsFrom, manifest.mirrors),
          ...(buildkit ? { secrets: options.secrets.get(image.name) ?? new Map(), cacheFrom } : {}),
          signal,
          onStep: (step) =>
            hooks.onImageStep(name, step.number, step.total, step.instruction, step.stage, step.cached),
          onLine: onLine(name),
        }),
      );
    },
    ...(registry
      ? {
          async push(ref: string, { signal, name }: { signal: AbortSignal; name: string }) {
            const { digest } = await engine.push(ref, { signal, onLine: onLine(name) });
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
    release() {
      if (released) return;
      released = true;
      options.release();
    },
  };
}

/** A registry's mirrors pull on its behalf, so they get credentials too (the docker config's, per host). */
function withMirrors(hosts: string[], mirrors: Record<string, string[]>): string[] {
  const byKey = new Map(Object.entries(mirrors).map(([host, list]) => [normalizeRegistryKey(host), list]));
  return [...new Set(hosts.flatMap((host) => [host, ...(byKey.get(normalizeRegistryKey(host)) ?? [])]))];
}

/**
 * `exec format error`: a RUN step ran a binary of another architecture, which an engine can do only with
 * binfmt/QEMU handlers installed. Say which engine and platform, and the two ways out.
 */
async function withEmulationHint<T>(
  engine: string,
  platform: string | undefined,
  build: Promise<T>,
): Promise<T> {
  try {
    return await build;
  } catch (error) {
    if (
      !(error instanceof BuildError) ||
      !/exec format error/i.test(`${error.message}\n${error.lastLines.join('\n')}`)
    ) {
      throw error;
    }
    throw new BuildError(error.message, {
      ...(error.step ? { step: error.step } : {}),
      lastLines: error.lastLines,
      hint: `the engine at ${engine} cannot run ${platform ?? 'this platform'}'s binaries: install QEMU's binfmt handlers on it (docker run --privileged --rm tonistiigi/binfmt --install all), or add an engine that builds ${platform ?? 'it'} natively (engines: [{ host: …, platforms: [${platform ?? '…'}] }])`,
    });
  }
}
