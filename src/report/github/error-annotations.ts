import type { PinyardError } from '../../errors.js';
import { annotationPath } from './annotation-path.js';
import { errorAnnotation } from './workflow-commands.js';

/**
 * The `::error` lines of a failed command: one per problem, at its file, line and column when it has
 * one, so a manifest or Dockerfile mistake shows on the line in the pull request's diff. An error that
 * only sums up its details ("3 Dockerfiles have problems") is not repeated: its details are the news.
 */
export function errorAnnotations(
  error: PinyardError,
  options: { cwd: string; workspace: string | undefined },
): string {
  const problems = error.details.length ? error.details : [error];
  return problems
    .map((problem) => {
      const hint = problem.hint ?? error.hint;
      const message = hint ? `${problem.message}\nhint: ${hint}` : problem.message;
      const position = problem.position;
      return errorAnnotation({
        ...(position
          ? { file: annotationPath(position.file, options), line: position.line, col: position.column }
          : {}),
        title: `pinyard: ${problem.code}`,
        message,
      });
    })
    .join('');
}
