import path from 'node:path';
import { INJECTED_DOCKERFILE } from '../../engine/context-tar.js';
import type { Engine } from '../../engine/index.js';
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
  /** Registries the builds' FROMs come from, whose credentials the engine gets. */
  registryHosts: string[];
  /** Frees the slot; called once, however often release() is. */
  release(): void;
}

/** One image's use of one engine: its pulls, build and push, with their output in the image's log. */
export function engineSlot(engine: Engine, options: EngineSlotOptions): EngineSlot {
  const { manifest, registry, hooks } = options;
  let released = false;
  const onLine = (name: string) => (line: string) => hooks.onImageLog(name, line);
  return {
    engine: engine.name,
    async pull(ref, { signal, name }) {
      await engine.pull(ref, { signal, onLine: onLine(name) });
    },
    async build(image, inputs, { dockerfileText, tags, signal, name }) {
      return engine.build({
        context: await inputs.context(dockerfileText),
        dockerfile: INJECTED_DOCKERFILE,
        dockerfilePath: path.relative(manifest.dir, image.dockerfile),
        tags,
        buildArgs: image.args,
        ...(image.target ? { target: image.target } : {}),
        ...(image.platform ? { platform: image.platform } : {}),
        registryHosts: options.registryHosts,
        signal,
        onStep: (step) => hooks.onImageStep(name, step.number, step.total, step.instruction),
        onLine: onLine(name),
      });
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
