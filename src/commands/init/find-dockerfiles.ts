import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ignore from 'ignore';
import { ContextFilter, parseDockerignore } from '../../hash/dockerignore.js';
import { type DockerfileSource, isDockerfileName } from '../../init/index.js';

/** Directories no image is defined in, whatever the ignore files say. */
const ALWAYS_SKIPPED = new Set(['.git', 'node_modules']);

/**
 * Every Dockerfile under `root` (`Dockerfile`, `Dockerfile.*`, `*.Dockerfile`), skipping what the root's
 * .gitignore (gitignore rules, the `ignore` package) and .dockerignore (docker's rules, as the context
 * hash applies them) leave out, `.git` and `node_modules`. Ignored directories are not entered; symbolic
 * links are not followed, so the walk ends. Sorted by path.
 */
export function findDockerfiles(root: string): DockerfileSource[] {
  const ignored = ignoreRules(root);
  const found: DockerfileSource[] = [];
  const walk = (relative: string) => {
    const entries = readdirSync(path.join(root, relative), { withFileTypes: true });
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!ALWAYS_SKIPPED.has(entry.name) && !ignored(child, true)) walk(child);
      } else if (entry.isFile() && isDockerfileName(entry.name) && !ignored(child, false)) {
        found.push({
          dir: relative === '' ? '.' : relative,
          file: entry.name,
          text: readFileSync(path.join(root, child), 'utf8'),
        });
      }
    }
  };
  walk('');
  return found;
}

function ignoreRules(root: string): (relative: string, directory: boolean) => boolean {
  const gitignore = ignore();
  const gitignoreFile = path.join(root, '.gitignore');
  if (existsSync(gitignoreFile)) gitignore.add(readFileSync(gitignoreFile, 'utf8'));
  const dockerignoreFile = path.join(root, '.dockerignore');
  const dockerignore = existsSync(dockerignoreFile)
    ? new ContextFilter(parseDockerignore(readFileSync(dockerignoreFile, 'utf8')))
    : undefined;
  return (relative, directory) =>
    gitignore.ignores(directory ? `${relative}/` : relative) || (dockerignore?.excludes(relative) ?? false);
}
