import { readFile, rename, writeFile } from 'node:fs/promises';
import { PinyardError } from '../errors.js';
import { fileProblem } from '../file-problem.js';
import { formatLock } from './format.js';
import { parseLock } from './parse.js';
import type { LockFile } from './schema.js';

/** The lock at `path`, or undefined when there is none yet. */
export async function readLock(path: string, display: string): Promise<LockFile | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new PinyardError('PINYARD_LOCK_INVALID', `cannot read ${display}: ${fileProblem(error)}`, {
      hint: 'images.lock must be a file pinyard can read: restore it from version control or remove it and run `pinyard lock`',
      cause: error,
    });
  }
  return parseLock(text, display);
}

/** Written to a temporary file and renamed over the old one, so a crash never leaves half a lock. */
export async function writeLock(path: string, lock: LockFile): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, formatLock(lock));
  await rename(temporary, path);
}
