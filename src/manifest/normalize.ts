import path from 'node:path';
import type { ParsedManifest } from './parse.js';
import type { SecretSource } from './schema.js';

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
  /**
   * Several platforms, one image index: the image's `platforms`, else the top-level `platforms` unless the
   * image names its one `platform`. Unset: one manifest, for `platform` or the engine's own.
   */
  platforms?: string[];
  rebuild?: 'daily';
  /** Build secrets by id (the top-level ones merged under the image's own), files made absolute. */
  secrets?: Record<string, SecretConfig>;
}

/** Where a secret's value is read from when a build needs it; the value itself never enters the manifest. */
export type SecretConfig = { env: string } | { file: string };

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
  /** Platforms an engine of `engines` builds natively, where images.yml says so (by address). */
  enginePlatforms?: Record<string, string[]>;
  /** `builder:`; unset: BuildKit where the engine has it, else the classic builder. */
  builder?: 'buildkit' | 'classic';
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
        ...platformsOf(spec.platforms ?? (spec.platform ? undefined : raw.platforms)),
        ...(spec.rebuild ? { rebuild: spec.rebuild } : {}),
        secrets: secretConfigs(dir, { ...raw.secrets, ...spec.secrets }),
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
    engines: (raw.engines ?? []).map((e) => (typeof e === 'string' ? e : e.host)),
    enginePlatforms: Object.fromEntries(
      (raw.engines ?? []).flatMap((e) => (typeof e === 'string' ? [] : [[e.host, [...e.platforms]]])),
    ),
    ...(raw.builder ? { builder: raw.builder } : {}),
    images,
  };
}

function platformsOf(list: string[] | undefined): { platforms?: string[] } {
  return list ? { platforms: [...list] } : {};
}

function secretConfigs(dir: string, specs: Record<string, SecretSource>): Record<string, SecretConfig> {
  return Object.fromEntries(
    Object.entries(specs).map(([id, source]) => [
      id,
      'env' in source ? { env: source.env } : { file: path.resolve(dir, source.file) },
    ]),
  );
}
