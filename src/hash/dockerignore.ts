import { posix } from 'node:path';
import dockerignore, { type Ignore } from '@balena/dockerignore';

// A CommonJS module whose exports carry a `default` pointing at themselves: the only form its types know.
const createIgnore = dockerignore.default;

/**
 * `.dockerignore` the way the docker CLI applies it when it tars a build context (moby
 * `patternmatcher/ignorefile.ReadAll` for the file, `archive.TarWithOptions` for the walk). Pure.
 */

export interface IgnorePattern {
  /** Cleaned as docker cleans it: no leading `/`, no trailing `/`, no `./` or `//`. */
  pattern: string;
  /** A `!pattern` line: re-includes what earlier lines excluded. */
  exception: boolean;
}

/** The patterns of a .dockerignore, in order; comments (`#` in column 1) and blank lines dropped. */
export function parseDockerignore(text: string): IgnorePattern[] {
  const patterns: IgnorePattern[] = [];
  for (const line of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    // Docker checks for a comment before trimming: ` # x` is a pattern.
    if (line.startsWith('#')) continue;
    let pattern = line.trim();
    const exception = pattern.startsWith('!');
    if (exception) pattern = pattern.slice(1).trim();
    if (pattern !== '') pattern = clean(pattern);
    if (pattern === '') continue;
    patterns.push({ pattern, exception });
  }
  return patterns;
}

/** Go's filepath.Clean, then docker's "absolute patterns are relative to the context". */
function clean(pattern: string): string {
  let cleaned = posix.normalize(pattern);
  if (cleaned.length > 1 && cleaned.endsWith('/')) cleaned = cleaned.slice(0, -1);
  return cleaned.length > 1 && cleaned.startsWith('/') ? cleaned.slice(1) : cleaned;
}

/** Decides, path by path, what docker leaves out of a context. Paths are POSIX and relative to it. */
export class ContextFilter {
  readonly #ignore: Ignore;
  readonly #exceptions: string[];

  constructor(patterns: IgnorePattern[]) {
    // Docker matches case-sensitively on Linux; the package defaults to ignoring case.
    this.#ignore = createIgnore({ ignorecase: false }).add(
      patterns.map(({ pattern, exception }) => (exception ? `!${pattern}` : pattern)),
    );
    this.#exceptions = patterns.filter((p) => p.exception).map((p) => p.pattern);
  }

  /** True when the last pattern matching `path` or one of its parent directories excludes it. */
  excludes(path: string): boolean {
    return this.#ignore.ignores(path);
  }

  /**
   * Whether docker still walks into an excluded directory: only when an exception's text starts with the
   * directory's path (`!dir/keep` for `dir`). An exception that starts with a wildcard never does, so docker
   * skips the whole directory even when the exception would match a file inside it.
   */
  mayIncludeInside(dir: string): boolean {
    return this.#exceptions.some((pattern) => `${pattern}/`.startsWith(`${dir}/`));
  }
}
