import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
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

/**
 * Written to a new temporary file and renamed over the old one, so a crash never leaves half a lock. The
 * temporary file has an unpredictable name and is created exclusively (`wx`): a file or symlink planted
 * under its name is never written through. The file is synced before the rename and the directory after
 * it, so that after a power loss images.lock is the old one or the new one, never empty.
 */
export async function writeLock(file: string, lock: LockFile): Promise<void> {
  const dir = path.dirname(file);
  const temporary = path.join(dir, `.${path.basename(file)}.${randomBytes(8).toString('hex')}.tmp`);
  const handle = await open(temporary, 'wx', 0o644);
  try {
    try {
      await handle.writeFile(formatLock(lock));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  await syncDirectory(dir);
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch (error) {
    // Some file systems cannot sync a directory (EINVAL); the rename is then as durable as they make it.
    if ((error as NodeJS.ErrnoException).code !== 'EINVAL') throw error;
  } finally {
    await handle.close();
  }
}

/** Who holds the lock file: enough to tell a running pinyard from one that died holding it. */
interface Holder {
  pid: number;
  host: string;
  since: string;
}

/**
 * Holds `<dir>/.images.lock.lock` while a command reads, updates and writes images.lock, so that two runs
 * in the same checkout cannot both read the old lock and the last to write win. The file is created
 * exclusively and names its holder; one left by a pinyard that died on this host is taken over. Another
 * live holder makes this run refuse (PINYARD_LOCK_BUSY, exit 1) rather than wait for an unknown time.
 * Resolves to the function that lets go of it.
 */
export async function holdLockFile(lockPath: string, display: string): Promise<() => Promise<void>> {
  const file = path.join(path.dirname(lockPath), `.${path.basename(lockPath)}.lock`);
  const me: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(file, 'wx', 0o644);
      try {
        await handle.writeFile(`${JSON.stringify(me)}\n`);
      } finally {
        await handle.close();
      }
      return () => rm(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readHolder(file);
    if (attempt === 0 && holder && holder.host === me.host && !isAlive(holder.pid)) {
      // Its pinyard is gone (killed, or the machine rebooted): nothing is being written.
      await rm(file, { force: true });
      continue;
    }
    const who = holder ? `pid ${holder.pid} on ${holder.host}, since ${holder.since}` : 'unknown holder';
    throw new PinyardError(
      'PINYARD_LOCK_BUSY',
      `${display} is being updated by another pinyard run (${who}): nothing was changed`,
      {
        hint: `run again when it has finished; if no pinyard is running, delete ${path.join(path.dirname(display), path.basename(file))}`,
      },
    );
  }
}

async function readHolder(file: string): Promise<Holder | undefined> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<Holder>;
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string') {
      return { pid: parsed.pid, host: parsed.host, since: String(parsed.since ?? '?') };
    }
  } catch {
    // Half written by a holder that is starting, or not ours: treated as held.
  }
  return undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
