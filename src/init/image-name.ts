/**
 * The name init gives the image of a Dockerfile: its directory's, or for `Dockerfile.<x>` / `<x>.Dockerfile`
 * the directory's with `<x>` (`app` + `Dockerfile.dev` → `app-dev`, `builder.Dockerfile` → `builder`), made
 * a valid repository path component: lower case, runs of other characters as one `-`.
 */
export function defaultImageName(dir: string, file: string, rootName: string): string {
  const base = dir === '.' ? rootName : (dir.split('/').pop() ?? rootName);
  const variant = dockerfileVariant(file);
  if (variant === undefined) return component(base);
  // `jupyter-pytorch/cuda.Dockerfile` is jupyter-pytorch-cuda, `app/app.Dockerfile` is app, and at the root
  // (`builder.Dockerfile`) the variant alone names it.
  if (dir === '.' && file.toLowerCase().endsWith('.dockerfile')) return component(variant) || component(base);
  if (component(variant) === component(base)) return component(base);
  return [component(base), component(variant)].filter(Boolean).join('-');
}

/** `Dockerfile` → undefined; `Dockerfile.dev` and `dev.Dockerfile` → `dev`. */
function dockerfileVariant(file: string): string | undefined {
  const lower = file.toLowerCase();
  if (lower === 'dockerfile') return undefined;
  if (lower.startsWith('dockerfile.')) return file.slice('dockerfile.'.length);
  if (lower.endsWith('.dockerfile')) return file.slice(0, -'.dockerfile'.length);
  return undefined;
}

/** True for the names init looks for: `Dockerfile`, `Dockerfile.*`, `*.Dockerfile` (any case, as docker users write them). */
export function isDockerfileName(file: string): boolean {
  const lower = file.toLowerCase();
  return (
    lower === 'dockerfile' ||
    (lower.startsWith('dockerfile.') && lower.length > 11) ||
    (lower.endsWith('.dockerfile') && lower.length > 11)
  );
}

/** A valid path component of a repository name (the distribution grammar), or '' when nothing is left. */
export function component(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
