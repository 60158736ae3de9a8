/**
 * One error type for everything pinyard expects to go wrong. The CLI prints `message` (and `hint`),
 * never a stack trace, and exits with `exitCode`; anything that is not a PinyardError is a bug and is
 * printed with its stack.
 */

/** A place in a user's file, 1-based like editors and compilers print it. */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

/** Exit codes of the CLI contract (DESIGN.md). */
export const ExitCode = {
  ok: 0,
  /** The job failed: a build failed, access was denied, the lock is stale under --check. */
  failed: 1,
  /** Bad input: manifest, arguments, Dockerfile. Nothing was changed. */
  badInput: 2,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Stable codes: scripts and the JSON output rely on them, so never rename one. */
export const ErrorCodes = {
  PINYARD_USAGE: ExitCode.badInput,
  PINYARD_MANIFEST_NOT_FOUND: ExitCode.badInput,
  PINYARD_MANIFEST_SYNTAX: ExitCode.badInput,
  PINYARD_MANIFEST_INVALID: ExitCode.badInput,
  PINYARD_BAD_REFERENCE: ExitCode.badInput,
  PINYARD_DOCKERFILE_NOT_FOUND: ExitCode.badInput,
  PINYARD_DOCKERFILE_INVALID: ExitCode.badInput,
  /** A build context pinyard refuses to send: a symlink or Dockerfile outside it, a device or FIFO. */
  PINYARD_CONTEXT_INVALID: ExitCode.badInput,
  /** A build secret whose environment variable is unset or whose file is missing. */
  PINYARD_SECRET_MISSING: ExitCode.badInput,
  /** A builder the engine cannot run (`builder: buildkit` without BuildKit; `secrets:` with the classic one). */
  PINYARD_BUILDER: ExitCode.badInput,
  PINYARD_UNKNOWN_IMAGE: ExitCode.badInput,
  PINYARD_CYCLE: ExitCode.badInput,
  /** A warning made an error by --strict: a FROM naming a tree repository that no image of it matches. */
  PINYARD_STRICT_WARNING: ExitCode.badInput,
  PINYARD_LOCK_INVALID: ExitCode.badInput,
  PINYARD_LOCK_STALE: ExitCode.failed,
  /** Another pinyard run is updating images.lock in the same directory (it holds `.images.lock.lock`). */
  PINYARD_LOCK_BUSY: ExitCode.failed,
  PINYARD_DENIED: ExitCode.failed,
  PINYARD_NOT_FOUND: ExitCode.failed,
  PINYARD_UNREACHABLE: ExitCode.failed,
  PINYARD_REGISTRY: ExitCode.failed,
  PINYARD_CREDENTIALS: ExitCode.failed,
  PINYARD_ENGINE: ExitCode.failed,
  /** A docker context that does not exist or cannot be read (DOCKER_CONTEXT, currentContext, context:NAME). */
  PINYARD_ENGINE_CONTEXT: ExitCode.badInput,
  /** Registry credentials that would cross plain tcp:// to an engine on another host: refused. */
  PINYARD_INSECURE_ENGINE: ExitCode.badInput,
  PINYARD_BUILD_FAILED: ExitCode.failed,
  /** In build reports only: an image that never ran because an ancestor failed. */
  PINYARD_BLOCKED: ExitCode.failed,
  /** A promotion's target tag points at another digest; environments' tags move only with --force. */
  PINYARD_TAG_CONFLICT: ExitCode.failed,
  /** A promotion whose environment `requires:` another that does not have the digest under the tag yet. */
  PINYARD_REQUIRES_UNMET: ExitCode.failed,
  /** A build report or build log file could not be written. */
  PINYARD_WRITE_FAILED: ExitCode.failed,
  /** A destructive command with no terminal to confirm on and no --yes: nothing was changed. */
  PINYARD_NEEDS_CONFIRMATION: ExitCode.badInput,
  /** A deletion refused because it would take more than was asked: other tags, an index's platform. */
  PINYARD_UNSAFE_DELETE: ExitCode.failed,
  /** SIGINT or SIGTERM arrived while a change was half made; it was undone before the command ended. */
  PINYARD_INTERRUPTED: ExitCode.failed,
} as const;
export type ErrorCode = keyof typeof ErrorCodes;

export interface PinyardErrorOptions {
  /** What the user can do about it, printed on its own line. */
  hint?: string;
  /** Where in a user's file the problem is. */
  position?: SourcePosition;
  /** Further problems of the same kind (all manifest issues at once, not one per run). */
  details?: PinyardError[];
  cause?: unknown;
}

export class PinyardError extends Error {
  override readonly name = 'PinyardError';
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly position: SourcePosition | undefined;
  readonly details: PinyardError[];

  constructor(code: ErrorCode, message: string, options: PinyardErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
    this.position = options.position;
    this.details = options.details ?? [];
  }

  get exitCode(): ExitCode {
    return ErrorCodes[this.code];
  }

  /** `file:line:col: message`, the form editors and GitHub annotations link to. */
  get located(): string {
    return this.position ? `${formatPosition(this.position)}: ${this.message}` : this.message;
  }

  toJSON(): PinyardErrorJson {
    return {
      code: this.code,
      message: this.message,
      ...(this.hint ? { hint: this.hint } : {}),
      ...(this.position ? { position: this.position } : {}),
      ...(this.details.length ? { details: this.details.map((d) => d.toJSON()) } : {}),
    };
  }
}

export interface PinyardErrorJson {
  code: ErrorCode;
  message: string;
  hint?: string;
  position?: SourcePosition;
  details?: PinyardErrorJson[];
}

export function formatPosition(p: SourcePosition): string {
  return `${p.file}:${p.line}:${p.column}`;
}

export function isPinyardError(e: unknown): e is PinyardError {
  return e instanceof PinyardError;
}

/**
 * A rejection handler for a question whose "no" comes as an error: `fallback` when the answer was
 * PINYARD_NOT_FOUND (no such manifest, tag or repository), any other error thrown again.
 */
export function whenNotFound<T>(fallback: T): (e: unknown) => T {
  return (e) => {
    if (isPinyardError(e) && e.code === 'PINYARD_NOT_FOUND') return fallback;
    throw e;
  };
}
