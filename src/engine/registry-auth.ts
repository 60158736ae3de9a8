import type { Credential } from '../credentials/credentials.js';
import { DOCKER_HUB_KEY, normalizeRegistryKey } from '../credentials/hosts.js';

/**
 * Credentials in the form dockerd takes them (`types.AuthConfig`), and the headers that carry them:
 * X-Registry-Auth for one push or pull, X-Registry-Config (every registry a build pulls from) for a
 * build. Pure.
 */
export interface AuthConfig {
  username?: string;
  password?: string;
  identitytoken?: string;
  registrytoken?: string;
  serveraddress: string;
}

/** The key dockerd looks credentials up by: Docker Hub's v1 URL, any other registry's host. */
export function serverAddress(host: string): string {
  const key = normalizeRegistryKey(host);
  return key === 'docker.io' ? DOCKER_HUB_KEY : key;
}

/** An anonymous credential still gives the address: dockerd refuses a push without the header. */
export function authConfig(credential: Credential, host: string): AuthConfig {
  const serveraddress = serverAddress(host);
  switch (credential.kind) {
    case 'anonymous':
      return { serveraddress };
    case 'basic':
      return { username: credential.username, password: credential.password, serveraddress };
    case 'identity-token':
      return {
        ...(credential.username ? { username: credential.username } : {}),
        identitytoken: credential.token,
        serveraddress,
      };
    case 'registry-token':
      return { registrytoken: credential.token, serveraddress };
  }
}

/** X-Registry-Config: credentials by server address, anonymous registries left out. */
export function registryConfig(
  credentials: Array<{ host: string; credential: Credential }>,
): Record<string, AuthConfig> {
  const config: Record<string, AuthConfig> = {};
  for (const { host, credential } of credentials) {
    if (credential.kind !== 'anonymous') config[serverAddress(host)] = authConfig(credential, host);
  }
  return config;
}

/**
 * dockerd decodes both headers with Go's base64.URLEncoding (`-` and `_`, padded); standard base64 with
 * `+` or `/` in it fails, and for X-Registry-Config the failure is silently ignored.
 */
export function encodeAuthHeader(value: AuthConfig | Record<string, AuthConfig>): string {
  return Buffer.from(JSON.stringify(value)).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}
