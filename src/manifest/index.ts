export { engineListProblems } from './engine-address.js';
export { type LoadedManifest, loadManifest, readManifest } from './load.js';
export type { EnvironmentConfig, ImageConfig, ProjectManifest, SecretConfig } from './normalize.js';
export { type ParsedManifest, parseManifest } from './parse.js';
export { Manifest } from './schema.js';
