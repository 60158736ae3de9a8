import { lstatSync, realpathSync } from 'node:fs';
import path from 'node:path';

/** A path with every symlink resolved, or undefined when it cannot be (missing, a loop, no permission). */
export type RealPath = (file: string) => string | undefined;

/**
 * realpathSync.native, each path resolved once: the manifest rules and the Dockerfile reader ask for the
 * same contexts, thousands of times in a big tree. A file directly in a directory already resolved costs
 * one lstat instead of a lookup of every component of its path, when it is not a symlink itself.
 */
export function rememberedRealpath(): RealPath {
  const known = new Map<string, string | undefined>();
  const resolve = (file: string): string | undefined => {
    const parent = path.dirname(file);
    const name = path.basename(file);
    try {
      const realParent = known.get(parent);
      if (realParent !== undefined && name !== '' && name !== '.' && name !== '..') {
        if (!lstatSync(file).isSymbolicLink()) return path.join(realParent, name);
      }
      return realpathSync.native(file);
    } catch {
      return undefined;
    }
  };
  return (file) => {
    if (!known.has(file)) known.set(file, resolve(file));
    return known.get(file);
  };
}
