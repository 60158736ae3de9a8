import { createHash } from 'node:crypto';
import { createReadStream, type Stats } from 'node:fs';
import { lstat, readdir, readFile, readlink, stat } from 'node:fs/promises';
import { isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import pLimit from 'p-limit';
import { PinyardError } from '../errors.js';
import { ContextFilter, parseDockerignore } from './dockerignore.js';
import type { FileDigestCache } from './file-digest-cache.js';
import type { ContextEntry } from './types.js';

export interface ContextFilesOptions {
  /** The Dockerfile, absolute or relative to the context; it must lie inside the context. */
  dockerfile: string;
  /** Digests of an earlier run, kept while a file's stat is unchanged (file-digest-cache.ts). */
  digestCache?: FileDigestCache;
  /**
   * A directory (absolute) that is never part of the context: pinyard's own `.pinyard/` next to images.yml,
   * whose logs and cache change while a run reads contexts (a `context: .` would otherwise never hash the same).
   */
  skipDir?: string;
}

/** Files hashed at once: enough to keep a disk busy, few enough to stay far from the fd limit. */
const HASH_CONCURRENCY = 16;

/**
 * The entries of a build context that a build can see, sorted by path, each file's content hashed by
 * streaming it. `.dockerignore` applies exactly as docker applies it (see dockerignore.ts).
 *
 * Docker also sends the Dockerfile and `.dockerignore` when they are ignored, only so that the daemon can
 * read them; it deletes them from the context before the first step. pinyard sends its own rewritten
 * Dockerfile instead (see engine/context-tar.ts), so an ignored Dockerfile or .dockerignore is left out
 * here, as it is out of the build's sight.
 *
 * Refused with PINYARD_CONTEXT_INVALID: a missing context, a Dockerfile outside it, a symlink pointing out
 * of it (docker would send the link, not its target: the image would get a dangling or different file),
 * a FIFO or device. Sockets are skipped, as docker skips them. All of this concerns sent entries only.
 */
export async function contextFiles(
  contextDir: string,
  options: ContextFilesOptions,
): Promise<ContextEntry[]> {
  const root = resolve(contextDir);
  await checkContextDir(contextDir, root);
  checkDockerfileInside(contextDir, root, resolve(root, options.dockerfile));

  const filter = new ContextFilter(parseDockerignore(await readDockerignore(contextDir, root)));
  const skipDir = options.skipDir === undefined ? undefined : resolve(options.skipDir);
  const entries: ContextEntry[] = [];
  const digests: Array<Promise<void>> = [];
  const limit = pLimit(HASH_CONCURRENCY);

  const walk = async (dir: string): Promise<void> => {
    const names = await readDir(contextDir, root, dir);
    const paths = names.map((name) => (dir === '' ? name : `${dir}/${name}`));
    const allStats = await Promise.all(paths.map((path) => lstatIn(contextDir, root, path)));
    for (const [i, path] of paths.entries()) {
      const stats = allStats[i]!;
      if (filter.excludes(path)) {
        if (stats.isDirectory() && filter.mayIncludeInside(path)) await walk(path);
        continue;
      }
      const mode = stats.mode & 0o7777;
      if (stats.isDirectory() && skipDir !== undefined && join(root, path) === skipDir) continue;
      if (stats.isDirectory()) {
        entries.push({ path, type: 'directory', mode });
        await walk(path);
      } else if (stats.isFile()) {
        const entry: ContextEntry = { path, type: 'file', mode };
        entries.push(entry);
        const file = join(root, path);
        entry.digest = options.digestCache?.get(file, stats);
        if (entry.digest) continue;
        digests.push(
          limit(async () => {
            entry.digest = await sha256File(file).catch((e) => {
              throw unreadable(contextDir, path, e);
            });
            options.digestCache?.set(file, stats, entry.digest);
          }),
        );
      } else if (stats.isSymbolicLink()) {
        const target = await readlink(join(root, path));
        checkLinkInside(contextDir, path, target);
        entries.push({ path, type: 'symlink', mode, target });
      } else if (!stats.isSocket()) {
        throw new PinyardError(
          'PINYARD_CONTEXT_INVALID',
          `${path} in build context ${contextDir} is a ${kindOf(stats)}; a build context holds files, directories and symlinks`,
          { hint: `add ${path} to ${join(contextDir, '.dockerignore')}` },
        );
      }
    }
  };
  // Every read started must end before we return or throw: none may reject unobserved.
  await walk('').finally(() => Promise.allSettled(digests));
  await Promise.all(digests);
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function checkContextDir(contextDir: string, root: string): Promise<void> {
  // stat, not lstat: a context given as a symlink to a directory is fine, docker follows it too.
  const stats = await stat(root).catch(() => undefined);
  if (!stats?.isDirectory()) {
    throw new PinyardError(
      'PINYARD_CONTEXT_INVALID',
      `build context ${contextDir} ${stats ? 'is not a directory' : 'does not exist'}`,
      { hint: 'point the image\'s "context" in images.yml at the directory that holds its files' },
    );
  }
}

function checkDockerfileInside(contextDir: string, root: string, dockerfile: string): void {
  const rel = relative(root, dockerfile);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new PinyardError(
      'PINYARD_CONTEXT_INVALID',
      `Dockerfile ${dockerfile} is outside its build context ${contextDir}`,
      {
        hint: 'move the Dockerfile into the context directory, or make the context a directory that holds it',
      },
    );
  }
}

function checkLinkInside(contextDir: string, path: string, target: string): void {
  const resolved = posix.normalize(posix.join(posix.dirname(path), target));
  if (posix.isAbsolute(target) || resolved === '..' || resolved.startsWith('../')) {
    throw new PinyardError(
      'PINYARD_CONTEXT_INVALID',
      `${path} in build context ${contextDir} is a symlink to ${target}, outside the context`,
      {
        hint:
          'docker sends the link, not what it points to, so the image would get a dangling link: copy the ' +
          `file into the context, point the link inside it, or add ${path} to .dockerignore`,
      },
    );
  }
}

async function readDockerignore(contextDir: string, root: string): Promise<string> {
  try {
    return await readFile(join(root, '.dockerignore'), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw unreadable(contextDir, '.dockerignore', e);
  }
}

async function readDir(contextDir: string, root: string, dir: string): Promise<string[]> {
  try {
    return await readdir(join(root, dir));
  } catch (e) {
    throw unreadable(contextDir, dir || '.', e);
  }
}

async function lstatIn(contextDir: string, root: string, path: string): Promise<Stats> {
  try {
    return await lstat(join(root, path));
  } catch (e) {
    throw unreadable(contextDir, path, e);
  }
}

function unreadable(contextDir: string, path: string, cause: unknown): PinyardError {
  return new PinyardError(
    'PINYARD_CONTEXT_INVALID',
    `cannot read ${path} in build context ${contextDir}: ${(cause as Error).message}`,
    { hint: `fix its permissions, or add it to ${join(contextDir, '.dockerignore')}`, cause },
  );
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

function kindOf(stats: Stats): string {
  if (stats.isFIFO()) return 'FIFO';
  if (stats.isCharacterDevice()) return 'character device';
  return stats.isBlockDevice() ? 'block device' : 'special file';
}
