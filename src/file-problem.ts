/**
 * Why a file could not be read, in words for the user rather than Node's (`EISDIR: illegal operation on a
 * directory, read`). Used wherever pinyard reads a file the user gave it.
 */
export function fileProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'it does not exist';
    case 'EISDIR':
      return 'it is a directory, not a file';
    case 'ENOTDIR':
      return 'a directory on its path is a file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied (the user running pinyard may not read it)';
    case 'ELOOP':
      return 'it is a symlink loop';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many files are open';
    default:
      return code ? `the system refused to read it (${code})` : 'it could not be read';
  }
}
