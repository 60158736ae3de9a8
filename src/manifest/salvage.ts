import { Environment, ImageSpec, Manifest } from './schema.js';
import { formatPath } from './yaml-positions.js';

/**
 * The valid part of a manifest that failed its schema: every field that passes on its own, every image and
 * environment that is still whole without its bad fields. The cross-field rules run on it, so one run
 * reports the schema's problems and the rules' together. `dropped` names what was left out (formatted
 * paths), so that a rule does not report a consequence of a problem already reported.
 */
export function salvageManifest(data: unknown): { raw: Manifest; dropped: Set<string> } {
  const dropped = new Set<string>();
  const input = isObject(data) ? data : {};
  const out: Record<string, unknown> = { version: 1, images: {} };
  for (const key of ['$schema', 'registry', 'mirrors', 'insecureRegistries', 'engines'] as const) {
    if (input[key] === undefined) continue;
    if (Manifest.shape[key].safeParse(input[key]).success) out[key] = input[key];
    else dropped.add(key);
  }
  if (isObject(input.environments)) {
    out.environments = Object.fromEntries(
      Object.entries(input.environments).map(([name, env]) => [
        name,
        keepValidFields(env, Environment.shape, ['environments', name], dropped),
      ]),
    );
  }
  const images: Record<string, unknown> = {};
  if (isObject(input.images)) {
    for (const [name, spec] of Object.entries(input.images)) {
      const kept = keepValidFields(spec, ImageSpec.shape, ['images', name], dropped);
      if (ImageSpec.safeParse(kept).success) images[name] = kept;
      else dropped.add(formatPath(['images', name]));
    }
  }
  out.images = images;
  return { raw: Manifest.parse(out), dropped };
}

function keepValidFields(
  value: unknown,
  shape: Record<string, { safeParse(v: unknown): { success: boolean } }>,
  at: string[],
  dropped: Set<string>,
): Record<string, unknown> {
  if (!isObject(value)) {
    dropped.add(formatPath(at));
    return {};
  }
  const kept: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    const schema = shape[key];
    if (schema?.safeParse(field).success) kept[key] = field;
    else if (schema) dropped.add(formatPath([...at, key]));
  }
  return kept;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
