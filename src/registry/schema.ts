import * as z from '../zod.js';

/**
 * Every body a registry or token service sends back, validated before use (renovate's docker datasource
 * does the same). Unknown keys are allowed and dropped: registries add fields, and raw manifest bytes are
 * kept separately, so nothing is lost by parsing leniently.
 */

const Digest = z.string().check(z.regex(/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/, 'not a digest'));

export const Platform = z.object({
  architecture: z.string(),
  os: z.string(),
  variant: z.optional(z.string()),
  'os.version': z.optional(z.string()),
  'os.features': z.optional(z.array(z.string())),
});
export type Platform = z.infer<typeof Platform>;

export const Descriptor = z.object({
  mediaType: z.string(),
  digest: Digest,
  size: z.number().check(z.int(), z.nonnegative()),
  urls: z.optional(z.array(z.string())),
  annotations: z.optional(z.record(z.string(), z.string())),
  platform: z.optional(Platform),
  artifactType: z.optional(z.string()),
});
export type Descriptor = z.infer<typeof Descriptor>;

/** OCI image manifest or Docker schema2 manifest: the same shape. */
export const ImageManifest = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.optional(z.string()),
  artifactType: z.optional(z.string()),
  config: Descriptor,
  layers: z.array(Descriptor),
  subject: z.optional(Descriptor),
  annotations: z.optional(z.record(z.string(), z.string())),
});
export type ImageManifest = z.infer<typeof ImageManifest>;

/** OCI image index or Docker manifest list: the same shape. */
export const ImageIndex = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.optional(z.string()),
  artifactType: z.optional(z.string()),
  manifests: z.array(Descriptor),
  subject: z.optional(Descriptor),
  annotations: z.optional(z.record(z.string(), z.string())),
});
export type ImageIndex = z.infer<typeof ImageIndex>;

/** Token service answer (distribution spec/auth/token.md and oauth.md): `token` or `access_token`, or both. */
export const TokenResponse = z
  .object({
    token: z.optional(z.string()),
    access_token: z.optional(z.string()),
    expires_in: z.optional(z.number().check(z.positive())),
    issued_at: z.optional(z.string()),
    refresh_token: z.optional(z.string()),
    scope: z.optional(z.string()),
  })
  .check(
    z.refine((t) => Boolean(t.token || t.access_token), { message: 'neither token nor access_token is set' }),
  );
export type TokenResponse = z.infer<typeof TokenResponse>;

export const TagList = z.object({
  name: z.string(),
  // registries answer `null` for a repository whose tags were all deleted
  tags: z.nullable(z.array(z.string())),
});
export type TagList = z.infer<typeof TagList>;

export const Catalog = z.object({
  repositories: z.nullable(z.array(z.string())),
});
export type Catalog = z.infer<typeof Catalog>;

/** The distribution spec's error envelope: `{"errors":[{"code":"MANIFEST_UNKNOWN","message":…,"detail":…}]}`. */
export const ErrorBody = z.object({
  errors: z.array(
    z.object({
      code: z.string(),
      message: z.optional(z.string()),
      detail: z.optional(z.unknown()),
    }),
  ),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
