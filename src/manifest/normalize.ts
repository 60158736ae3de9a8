import path from 'node:path';
import type { ParsedManifest } from './parse.js';

/** An image of the manifest with defaults applied and paths made absolute. */
export interface ImageConfig {
  name: string;
  /**
   * Its repository under the registry (and its name in a local engine): `repository:` in images.yml, else
   * the image's name. Several images may share one, each holding its own tags.
   */
  repository: string;
  /** Absolute context directory. */
  context: string;
  /** Absolute Dockerfile path. */
  dockerfile: string;
  args: Record<string, string>;
  tags: string[];
  target?: string;
  platform?: string;
  rebuild?: 'daily';
}

export interface EnvironmentConfig {
  name: string;
  /** host[:port][/namespace]; the manifest's registry when the environment names none. */
  registry?: string;
  /** Repository template, `{name}` by default; `{name}` stands for an image's repository. */
  repository: string;
  requires?: string;
}

export interface ProjectManifest {
  /** Absolute path of images.yml. */
  file: string;
  /** Directory that every relative path of the manifest is resolved from. */
  dir: string;
  registry?: string;
  mirrors: Record<string, string[]>;
  insecureRegistries: string[];
  /** In the order written: promotion goes through them in this order. */
  environments: EnvironmentConfig[];
  /** DOCKER_HOST URLs `build` spreads its images over; empty: the one engine of DOCKER_HOST. */
  engines: string[];
  /** Sorted by name, so every later output is deterministic. */
  images: ImageConfig[];
}

export function normalizeManifest(parsed: ParsedManifest, absoluteFile: string): ProjectManifest {
  const dir = path.dirname(absoluteFile);
  const raw = parsed.raw;
  const images = Object.entries(raw.images)
    .map(([name, spec]): ImageConfig => {
      const context = path.resolve(dir, spec.context);
      return {
        name,
        repository: spec.repository ?? name,
        context,
        dockerfile: path.resolve(context, spec.dockerfile ?? 'Dockerfile'),
        args: { ...spec.args },
        tags: [...(spec.tags ?? [])],
        ...(spec.target ? { target: spec.target } : {}),
        ...(spec.platform ? { platform: spec.platform } : {}),
        ...(spec.rebuild ? { rebuild: spec.rebuild } : {}),
      };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const environments = Object.entries(raw.environments ?? {}).map(
    ([name, env]): EnvironmentConfig => ({
      name,
      repository: env.repository ?? '{name}',
      ...((env.registry ?? raw.registry) ? { registry: env.registry ?? raw.registry } : {}),
      ...(env.requires ? { requires: env.requires } : {}),
    }),
  );
  return {
    file: absoluteFile,
    dir,
    ...(raw.registry ? { registry: raw.registry } : {}),
    mirrors: { ...raw.mirrors },
    insecureRegistries: [...(raw.insecureRegistries ?? [])],
    environments,
    engines: [...(raw.engines ?? [])],
    images,
  };
}
