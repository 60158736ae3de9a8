import { z } from 'zod';

/**
 * Every body a registry or token service sends back, validated before use (renovate's docker datasource
 * does the same). Unknown keys are allowed and dropped: registries add fields, and raw manifest bytes are
 * kept separately, so nothing is lost by parsing leniently.
 */

const Digest = z.string().regex(/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/, 'not a digest');

export const Platform = z.object({
  architecture: z.string(),
  os: z.string(),
  variant: z.string().optional(),
  'os.version': z.string().optional(),
  'os.features': z.array(z.string()).optional(),
});
export type Platform = z.infer<typeof Platform>;

export const Descriptor = z.object({
  mediaType: z.string(),
  digest: Digest,
  size: z.number().int().nonnegative(),
  urls: z.array(z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  platform: Platform.optional(),
  artifactType: z.string().optional(),
});
export type Descriptor = z.infer<typeof Descriptor>;

/** OCI image manifest or Docker schema2 manifest: the same shape. */
export const ImageManifest = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  artifactType: z.string().optional(),
  config: Descriptor,
  layers: z.array(Descriptor),
  subject: Descriptor.optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});
export type ImageManifest = z.infer<typeof ImageManifest>;

/** OCI image index or Docker manifest list: the same shape. */
export const ImageIndex = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  artifactType: z.string().optional(),
  manifests: z.array(Descriptor),
  subject: Descriptor.optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});
export type ImageIndex = z.infer<typeof ImageIndex>;

/** Token service answer (distribution spec/auth/token.md and oauth.md): `token` or `access_token`, or both. */
export const TokenResponse = z
  .object({
    token: z.string().optional(),
    access_token: z.string().optional(),
    expires_in: z.number().positive().optional(),
    issued_at: z.string().optional(),
    refresh_token: z.string().optional(),
    scope: z.string().optional(),
  })
  .refine((t) => Boolean(t.token || t.access_token), { message: 'neither token nor access_token is set' });
export type TokenResponse = z.infer<typeof TokenResponse>;

export const TagList = z.object({
  name: z.string(),
  // registries answer `null` for a repository whose tags were all deleted
  tags: z.array(z.string()).nullable(),
});
export type TagList = z.infer<typeof TagList>;

export const Catalog = z.object({
  repositories: z.array(z.string()).nullable(),
});
export type Catalog = z.infer<typeof Catalog>;

/** The distribution spec's error envelope: `{"errors":[{"code":"MANIFEST_UNKNOWN","message":…,"detail":…}]}`. */
export const ErrorBody = z.object({
  errors: z.array(
    z.object({
      code: z.string(),
      message: z.string().optional(),
      detail: z.unknown().optional(),
    }),
  ),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
