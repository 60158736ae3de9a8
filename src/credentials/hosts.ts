/** Registry host names as docker spells them. Pure. */

/** The key `docker login` uses for Docker Hub, in `auths` and towards credential helpers. */
export const DOCKER_HUB_KEY = 'https://index.docker.io/v1/';

const dockerHubAliases = new Set([
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
  'registry.hub.docker.com',
]);

/** `https://index.docker.io/v1/` → `docker.io`; `http://Reg.example:5000/x` → `reg.example:5000`. */
export function normalizeRegistryKey(key: string): string {
  const host = key
    .replace(/^[a-z]+:\/\//i, '')
    .split('/')[0]!
    .toLowerCase();
  return dockerHubAliases.has(host) ? 'docker.io' : host;
}

/** Where a registry's API answers: Docker Hub's is not at docker.io. */
export function apiHostOf(host: string): string {
  return normalizeRegistryKey(host) === 'docker.io' ? 'registry-1.docker.io' : host;
}
