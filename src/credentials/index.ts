/**
 * Registry credentials as docker and docker/login-action leave them (config.json `auths`, `credHelpers`,
 * `credsStore`), and the redaction of every secret pinyard holds. Used by the registry client and the engine
 * adapter alike, so neither imports the other's internals.
 */
export { accountOf, type Credential, CredentialStore, dockerConfigPath } from './credentials.js';
export { apiHostOf, DOCKER_HUB_KEY, normalizeRegistryKey } from './hosts.js';
export { Redactor, redact, secrets } from './redact.js';
