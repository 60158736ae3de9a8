import type { Readable } from 'node:stream';
import type { Credential } from '../credentials/credentials.js';
import type { Builder, BuilderSupport } from './builder-version.js';

export type { Builder, BuilderSupport };

/**
 * What the build sees of a Docker engine. DockerEngine is the real one; core code and its tests may use
 * any object of this shape.
 *
 * Failures are PinyardErrors: PINYARD_ENGINE (the engine is down or answered nonsense), BuildError
 * (PINYARD_BUILD_FAILED, with the failing step and its last lines), PINYARD_DOCKERFILE_INVALID (the engine
 * could not parse the Dockerfile), PINYARD_DENIED / PINYARD_NOT_FOUND / PINYARD_UNREACHABLE /
 * PINYARD_REGISTRY for pushes and pulls. Secrets never appear in them. A call whose signal is aborted
 * rejects with the signal's reason.
 */
export interface Engine {
  /** `unix:///var/run/docker.sock`, `tcp://host:2376`…: where this engine is reached, for messages. */
  readonly dockerHost: string;
  /** What the user calls this engine: the docker context's name, or else `dockerHost`. */
  readonly name: string;
  /** Resolves when the engine answers; PINYARD_ENGINE naming DOCKER_HOST, with a hint, when not. */
  ping(options?: { signal?: AbortSignal }): Promise<void>;
  /** The builder this engine offers: BuildKit unless it says otherwise, with the reason then. */
  builderSupport(): Promise<BuilderSupport>;
  /** The platform the engine runs on (`linux/amd64`): what it builds without emulation. */
  platform(): Promise<string>;
  /**
   * Checks, before anything is built, that the credentials of these registries may go to this engine:
   * PINYARD_INSECURE_ENGINE when they would cross plain tcp:// to another host (plain-tcp-guard.ts).
   */
  checkCredentials(registries: string[]): Promise<void>;
  build(options: BuildOptions): Promise<BuildResult>;
  /** Pushes one tag (`host/repo:tag`; `latest` when none) and returns what the registry stored. */
  push(ref: string, options?: TransferOptions): Promise<PushResult>;
  pull(ref: string, options?: TransferOptions): Promise<void>;
  /** Adds `repository:tag` to a local image (an ID or any of its names). */
  tag(image: string, repository: string, tag: string): Promise<void>;
  /** The local image a name or ID refers to, or undefined when the engine has none. */
  inspect(ref: string): Promise<ImageDetails | undefined>;
  /** Removes a name (the image goes when its last name does). */
  remove(ref: string): Promise<'removed' | 'not-found'>;
}

export interface BuildOptions {
  /** `buildkit` (a session for credentials and secrets, BuildKit's status stream) or `classic`; default classic. */
  builder?: Builder;
  /** The tar stream of the context (contextTar's `tar`); the engine reads it to the end. */
  context: Readable;
  /** The Dockerfile's path inside that tar (contextTar's `dockerfile`). */
  dockerfile: string;
  /** Names the built image gets: `host/repo:tag`. */
  tags?: string[];
  buildArgs?: Record<string, string>;
  labels?: Record<string, string>;
  /** The stage to build (`--target`). */
  target?: string;
  /** `os/arch[/variant]` (`--platform`). */
  platform?: string;
  /** Ignore the engine's layer cache (`--no-cache`), for images rebuilt to pick up package updates. */
  noCache?: boolean;
  /**
   * Registries the build pulls from (FROM, COPY --from, mount from=, cache sources): they, and only they, get
   * their docker config credential — in X-Registry-Config for the classic builder, per host through the
   * session for BuildKit.
   */
  registryHosts?: string[];
  /** BuildKit only: build secrets by id, served to `RUN --mount=type=secret` through the session. */
  secrets?: ReadonlyMap<string, Buffer>;
  /**
   * BuildKit only: images whose inline cache the build may reuse (`--cache-from`); what is built also
   * carries its inline cache (BUILDKIT_INLINE_CACHE=1), for the next build.
   */
  cacheFrom?: string[];
  /**
   * The user's Dockerfile, as it should appear in errors; the engine numbers lines of the rewritten text,
   * which keeps every line where it was.
   */
  dockerfilePath?: string;
  signal?: AbortSignal;
  /** `Step 3/7 : RUN …`, as each step starts. */
  onStep?(step: BuildStep): void;
  /** Every line of output, ANSI colours removed and secrets masked (also the Step lines). */
  onLine?(line: string): void;
}

export interface BuildStep {
  /** 1-based, counted across all stages. */
  number: number;
  total: number;
  /** The instruction as the engine prints it, e.g. `RUN make`. */
  instruction: string;
  /**
   * BuildKit numbers steps per stage and names the stage (`build`, `stage-1`; '' in a one-stage Dockerfile);
   * undefined for the classic builder, which numbers every instruction of the file.
   */
  stage?: string;
  /** BuildKit found the step in its cache. */
  cached?: boolean;
}

export interface BuildResult {
  /** `sha256:<64 hex>`, the local image ID. */
  imageId: string;
}

export interface TransferOptions {
  /** Who to push or pull as; by default the docker config's credential for the reference's registry. */
  auth?: Credential;
  signal?: AbortSignal;
  /** Progress lines: `The push refers to …`, `<layer>: Pushed`, `<tag>: digest: sha256:… size: …`. */
  onLine?(line: string): void;
}

export interface PushResult {
  /** The manifest digest the registry stored, as the engine reported it. */
  digest: string;
  /** The manifest's size in bytes. */
  size: number;
}

export interface ImageDetails {
  /** `sha256:<64 hex>` */
  id: string;
  labels: Record<string, string>;
  /** `host/repo@sha256:…` for each registry the image was pushed to or pulled from. */
  repoDigests: string[];
  repoTags: string[];
}
