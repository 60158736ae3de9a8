import path from 'node:path';

/**
 * GitHub links an annotation to a file by its path from the repository root ($GITHUB_WORKSPACE), while
 * pinyard's positions are relative to where it runs (a `working-directory:` below the root, often).
 */
export function annotationPath(
  file: string,
  options: { cwd: string; workspace: string | undefined },
): string {
  const absolute = path.resolve(options.cwd, file);
  if (!options.workspace) return path.relative(options.cwd, absolute) || file;
  return path.relative(options.workspace, absolute).split(path.sep).join('/');
}
