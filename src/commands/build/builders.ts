import type { Builder, Engine } from '../../engine/index.js';
import { PinyardError } from '../../errors.js';

/** What the user asked for: `--builder` over `builder:` in images.yml; unset means BuildKit where possible. */
export interface BuilderPreference {
  builder?: Builder;
  /** `--builder` or `builder: in images.yml`, for messages. */
  from?: string;
  /** Images of this run that have build secrets, which only BuildKit can serve. */
  secretImages: string[];
}

/** Refuses what no engine could do, before any engine is asked: secrets with the classic builder. */
export function checkBuilderPreference(preference: BuilderPreference): void {
  if (preference.builder === 'classic' && preference.secretImages.length > 0) {
    throw new PinyardError(
      'PINYARD_BUILDER',
      `${listed(preference.secretImages)} ${preference.secretImages.length === 1 ? 'has' : 'have'} build secrets, which the classic builder cannot serve (${preference.from} chose it)`,
      { hint: 'build with BuildKit (drop the classic choice), or remove `secrets:` from those images' },
    );
  }
}

/**
 * The builder of each engine, by DOCKER_HOST: BuildKit wherever the engine has it. An engine without it
 * falls back to the classic builder with one line saying so — unless BuildKit was asked for, or an image
 * of the run has secrets: then the run stops before anything is built.
 */
export async function chooseBuilders(
  engines: readonly Engine[],
  preference: BuilderPreference,
  notice: (line: string) => void,
): Promise<Map<string, Builder>> {
  if (preference.builder === 'classic') return new Map(engines.map((e) => [e.name, 'classic']));
  const supports = await Promise.all(engines.map((engine) => engine.builderSupport()));
  return new Map(
    engines.map((engine, i) => {
      const { builder, reason } = supports[i]!;
      if (builder === 'buildkit') return [engine.name, builder];
      if (preference.builder === 'buildkit') {
        throw new PinyardError(
          'PINYARD_BUILDER',
          `${preference.from} asks for BuildKit, but the engine at ${engine.dockerHost} has none: ${reason}`,
          {
            hint: 'build on an engine with BuildKit (Docker 18.09 or newer on Linux), or choose `builder: classic`',
          },
        );
      }
      if (preference.secretImages.length > 0) {
        throw new PinyardError(
          'PINYARD_BUILDER',
          `${listed(preference.secretImages)} need BuildKit for their build secrets, but the engine at ${engine.dockerHost} has none: ${reason}`,
          { hint: 'build on an engine with BuildKit (Docker 18.09 or newer on Linux)' },
        );
      }
      notice(`the engine at ${engine.dockerHost} builds with the classic builder: ${reason}`);
      return [engine.name, 'classic'];
    }),
  );
}

function listed(names: string[]): string {
  return names.length <= 3
    ? names.join(', ')
    : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
}
