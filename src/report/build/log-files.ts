import { closeSync, fchmodSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { PinyardError } from '../../errors.js';
import type { BuildHooks } from './events.js';

export interface LogFiles extends BuildHooks {
  /** The file holding the image's build log, once it has a line; the core puts it in `ImageReport.log`. */
  path(name: string): string | undefined;
}

/**
 * Each image's full build output in `<dir>/<name>.log` (a name with `/` gets a subdirectory). A file is
 * created at the image's first line, so an image that was skipped leaves no empty log behind; writes are
 * synchronous so the log is complete by the time a failure that points at it is printed.
 *
 * A build log can hold what a build printed of its args and secrets: directories pinyard creates are
 * 0700 and the files 0600 (also a file an older run left with wider rights).
 */
export function logFiles(dir: string): LogFiles {
  const files = new Map<string, string>();
  const open = new Map<string, number>();

  const guard = <T>(name: string, file: string, action: () => T): T => {
    try {
      return action();
    } catch (error) {
      throw new PinyardError(
        'PINYARD_WRITE_FAILED',
        `could not write the build log of ${name} to ${file}: ${(error as Error).message}`,
        { hint: `make ${dir} writable, or free some disk space`, cause: error },
      );
    }
  };
  const openLog = (name: string): number => {
    // Append when the image logs again after it finished: truncating would lose its first part.
    const flags = files.has(name) ? 'a' : 'w';
    const file = files.get(name) ?? path.join(dir, `${name}.log`);
    const fd = guard(name, file, () => {
      mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      const fd = openSync(file, flags, 0o600);
      fchmodSync(fd, 0o600);
      return fd;
    });
    files.set(name, file);
    open.set(name, fd);
    return fd;
  };
  const close = (name: string) => {
    const fd = open.get(name);
    if (fd === undefined) return;
    open.delete(name);
    closeSync(fd);
  };

  return {
    path: (name) => files.get(name),
    onImageLog(name, line) {
      const fd = open.get(name) ?? openLog(name);
      guard(name, files.get(name)!, () => writeSync(fd, `${line}\n`));
    },
    onImageFinished: (image) => close(image.name),
    onRunFinished() {
      for (const name of [...open.keys()]) close(name);
    },
  };
}
