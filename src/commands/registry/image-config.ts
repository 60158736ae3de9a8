import type { ImageConfigSummary } from '../../report/registry/types.js';
import * as z from '../../zod.js';

/**
 * The parts of an image config (OCI image-spec config.md; Docker's image JSON is the same shape) that
 * `registry tags` and `inspect` show. Lenient like every registry body: docker writes `null` for empty
 * lists, and unknown keys are ignored.
 */
const strings = z.nullish(z.array(z.string()));

export const ImageConfigBlob = z.object({
  created: z.nullish(z.string()),
  architecture: z.nullish(z.string()),
  os: z.nullish(z.string()),
  variant: z.nullish(z.string()),
  config: z.nullish(
    z.object({
      Entrypoint: strings,
      Cmd: strings,
      Env: strings,
      Labels: z.nullish(z.record(z.string(), z.string())),
      User: z.nullish(z.string()),
      WorkingDir: z.nullish(z.string()),
      ExposedPorts: z.nullish(z.record(z.string(), z.unknown())),
    }),
  ),
});
export type ImageConfigBlob = z.infer<typeof ImageConfigBlob>;

/** Config media types that hold an image config; an artifact's config (a Helm chart's, say) is not read. */
export const imageConfigMediaTypes: ReadonlySet<string> = new Set([
  'application/vnd.oci.image.config.v1+json',
  'application/vnd.docker.container.image.v1+json',
]);

export const CREATED_LABEL = 'org.opencontainers.image.created';
export const BASE_NAME_LABEL = 'org.opencontainers.image.base.name';
export const BASE_DIGEST_LABEL = 'org.opencontainers.image.base.digest';

export function summarizeConfig(blob: ImageConfigBlob): ImageConfigSummary {
  const c = blob.config ?? {};
  const labels = { ...(c.Labels ?? {}) };
  const created = blob.created || labels[CREATED_LABEL];
  const platform = blob.os
    ? [blob.os, blob.architecture, blob.variant].filter((p): p is string => Boolean(p)).join('/')
    : undefined;
  return {
    ...(platform ? { platform } : {}),
    ...(created ? { created } : {}),
    ...(c.Entrypoint?.length ? { entrypoint: c.Entrypoint } : {}),
    ...(c.Cmd?.length ? { cmd: c.Cmd } : {}),
    env: c.Env ?? [],
    labels,
    ...(c.User ? { user: c.User } : {}),
    ...(c.WorkingDir ? { workingDir: c.WorkingDir } : {}),
    exposedPorts: Object.keys(c.ExposedPorts ?? {}).sort(),
  };
}
