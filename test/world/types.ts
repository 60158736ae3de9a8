/**
 * The shape of a running test world as tests see it. Everything here is plain data (no functions), because
 * vitest hands it from the global setup to test workers by structured clone.
 */

export interface RegistryEndpoint {
  name: string;
  /** `127.0.0.1:PORT`, the form an image reference and docker config.json use. */
  host: string;
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** The registry's own directory (config, storage, log). */
  dir: string;
}

export interface TokenRegistryEndpoint extends RegistryEndpoint {
  /** The issuer's `/auth` URL the registry sends clients to. */
  realm: string;
  /** JWT `aud`, and the `service` a client asks a token for. */
  service: string;
  /** JWT `iss`. */
  issuer: string;
}

export interface WorldUser {
  username: string;
  password: string;
}

export interface WorldUsers {
  /** Token registry: everything, catalog included. */
  admin: WorldUser;
  /** Token registry: pull everywhere, push under `dev/`. */
  dev: WorldUser;
  /** Token registry: pull everywhere. */
  reader: WorldUser;
  /** The one user of the basic-auth registry. */
  basic: WorldUser;
}

export type SeededPlatform = 'linux/amd64' | 'linux/arm64';

export interface SeededImage {
  repository: string;
  tag: string;
  /** Digest of the manifest list the tag points at. */
  indexDigest: string;
  /** Manifest digest per platform. */
  platforms: Record<SeededPlatform, string>;
}

export interface World {
  /** `unix:///var/run/docker.sock` or the DOCKER_HOST the world found answering. */
  dockerHost: string;
  /** True when this world started dockerd. */
  startedEngine: boolean;
  /** Anonymous plain registry standing in for Docker Hub; the engine's registry mirror points at it. */
  upstream: RegistryEndpoint;
  tokenRegistry: TokenRegistryEndpoint;
  basicRegistry: RegistryEndpoint;
  users: WorldUsers;
  /** Keyed `library/alpine:3.20`: the state at start; reseedUpstream returns the new state of a tag. */
  upstreamImages: Record<string, SeededImage>;
  workDir: string;
}

export type Log = (line: string) => void;
