import { lstatSync, realpathSync } from 'node:fs';
import path from 'node:path';

/** A path with every symlink resolved, or undefined when it cannot be (missing, a loop, no permission). */
export type RealPath = (file: string) => string | undefined;

/**
 * realpathSync.native, each path resolved once: the manifest rules and the Dockerfile reader ask for the
 * same contexts and Dockerfiles, thousands of them in a big tree. A path is its parent's real path plus its
 * name when it is not a symlink itself (one lstat), the parent resolved the same way and remembered: every
 * directory of the tree is looked up once, where realpath(3) looks up every component of every path.
 */
export function rememberedRealpath(): RealPath {
  const known = new Map<string, string | undefined>();
  const realpath = (file: string): string | undefined => {
    if (!known.has(file)) known.set(file, resolve(file));
    return known.get(file);
  };
  const resolve = (file: string): string | undefined => {
    try {
      const parent = path.dirname(file);
      const name = path.basename(file);
      if (parent === file || !path.isAbsolute(file) || name === '.' || name === '..') {
        return realpathSync.native(file);
      }
      const realParent = realpath(parent);
      if (realParent === undefined) return undefined;
      if (lstatSync(file).isSymbolicLink()) return realpathSync.native(file);
      return path.join(realParent, name);
    } catch {
      return undefined;
    }
  };
  return realpath;
}
