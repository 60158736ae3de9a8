import * as z from '../zod.js';

/** What docker's config.json and credential helpers hold, validated before use. */

/** docker-credential-helpers' answer to `get`. */
export const HelperCredentials = z.object({
  ServerURL: z.optional(z.string()),
  Username: z.string(),
  Secret: z.string(),
});
export type HelperCredentials = z.infer<typeof HelperCredentials>;

const AuthEntry = z.object({
  auth: z.optional(z.string()),
  username: z.optional(z.string()),
  password: z.optional(z.string()),
  identitytoken: z.optional(z.string()),
  registrytoken: z.optional(z.string()),
});
export type AuthEntry = z.infer<typeof AuthEntry>;

/** The parts of docker's config.json (cli/config/configfile) that say how to authenticate. */
export const DockerConfig = z.object({
  auths: z.optional(z.record(z.string(), AuthEntry)),
  credHelpers: z.optional(z.record(z.string(), z.string())),
  credsStore: z.optional(z.string()),
});
export type DockerConfig = z.infer<typeof DockerConfig>;
