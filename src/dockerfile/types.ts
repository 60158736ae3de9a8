import type { BuildPlatforms } from './platform-args.js';

/** A span of a Dockerfile: 1-based lines and columns (UTF-16 code units, like editors), end exclusive. */
export interface TextRange {
  start: { line: number; column: number };
  end: { line: number; column: number };
}

/** An image or stage reference in the Dockerfile. */
export interface ImageToken {
  /** Exactly as written, line continuations included: '${BASE}:3.20'. */
  raw: string;
  /** After ARG substitution and quote removal: 'alpine:3.20'. */
  resolved: string;
  /** Where `raw` sits in the file; `rewriteImageRefs` replaces exactly this span. */
  range: TextRange;
  /** The ARGs declared in the Dockerfile whose values made `resolved` (for hints at images.<name>.args). */
  args?: string[];
}

export interface FromInstruction {
  stageIndex: number;
  /** The `AS` name, lower-cased as docker does. */
  stageName?: string;
  image: ImageToken;
  /** The --platform value after substitution, platform ARGs (`$BUILDPLATFORM`, …) included. */
  platform?: string;
  /** 'stage' when the image names an earlier stage of this Dockerfile. */
  kind: 'image' | 'stage' | 'scratch';
  /** Position of the FROM keyword. */
  line: number;
  column: number;
}

/**
 * A dependency of a stage on another stage or image that is not its base: `COPY --from=…` and
 * `RUN --mount=…,from=…` (a bind or cache mount reads the other image's filesystem, so it is a
 * build input exactly like COPY --from).
 */
export interface CopyFromInstruction {
  stageIndex: number;
  /** The value as written; docker does not substitute variables here, so `resolved` equals `raw` minus continuations. */
  from: ImageToken;
  /** 'stage' for a stage name, or (COPY only) a stage index like `--from=0`; anything else is an image. */
  kind: 'image' | 'stage';
  via: 'copy-from' | 'mount-from';
  /** Position of the COPY or RUN keyword. */
  line: number;
  column: number;
}

export interface ParsedDockerfile {
  /** Display path, used in positions and errors. */
  file: string;
  /** Value of the `# syntax=` parser directive. */
  syntax?: string;
  /** The same value as an image reference (the BuildKit frontend image), with where it is written. */
  syntaxImage?: { token: ImageToken; line: number; column: number };
  /** ARGs declared before the first FROM, with their effective values (undefined: declared without one). */
  globalArgs: Record<string, string | undefined>;
  stages: FromInstruction[];
  copyFroms: CopyFromInstruction[];
}

export interface ParseDockerfileOptions {
  file: string;
  /** Build args from images.yml; they override the defaults of ARGs the Dockerfile declares, and nothing else. */
  args?: Record<string, string>;
  /** Name of the image in images.yml, to point hints at `images.<image>.args`. */
  image?: string;
  /**
   * The platforms docker's platform ARGs (`$TARGETARCH`, `$BUILDPLATFORM`, …) stand for; default: a Linux
   * engine on this machine's architecture (hostPlatform), for both.
   */
  platforms?: BuildPlatforms;
}
