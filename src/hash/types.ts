/** One entry of a build context as docker would send it: what a COPY can see. */
export interface ContextEntry {
  /** POSIX path relative to the context, as it goes into the tar: `src/app.js`. */
  path: string;
  type: 'file' | 'directory' | 'symlink';
  /** Permission bits with setuid/setgid/sticky (`0o755`): docker copies them into the image. */
  mode: number;
  /** Regular files: `sha256:<hex>` of the content. */
  digest?: string;
  /** Symlinks: the link text as readlink returns it (always inside the context). */
  target?: string;
}
