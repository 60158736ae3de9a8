import { z } from 'zod';

/** What docker's config.json and credential helpers hold, validated before use. */

/** docker-credential-helpers' answer to `get`. */
export const HelperCredentials = z.object({
  ServerURL: z.string().optional(),
  Username: z.string(),
  Secret: z.string(),
});
export type HelperCredentials = z.infer<typeof HelperCredentials>;

const AuthEntry = z.object({
  auth: z.string().optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  identitytoken: z.string().optional(),
  registrytoken: z.string().optional(),
});
export type AuthEntry = z.infer<typeof AuthEntry>;

/** The parts of docker's config.json (cli/config/configfile) that say how to authenticate. */
export const DockerConfig = z.object({
  auths: z.record(z.string(), AuthEntry).optional(),
  credHelpers: z.record(z.string(), z.string()).optional(),
  credsStore: z.string().optional(),
});
export type DockerConfig = z.infer<typeof DockerConfig>;
