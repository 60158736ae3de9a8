import type { LsResult } from './types.js';

/**
 * One repository per line (`127.0.0.1:5000/acme/app`), or with tags one image per line
 * (`…/app:1.4`): lines a user can paste into `registry tags`, `inspect` or `rm`.
 */
export function renderLs({ registry, prefix, repositories }: LsResult): string {
  if (repositories.length === 0) return `no repositories in ${prefix ? `${registry}/${prefix}` : registry}\n`;
  const lines = repositories.flatMap(({ name, tags }) => {
    const repository = `${registry}/${name}`;
    if (tags === undefined) return [repository];
    return tags.length ? tags.map((t) => `${repository}:${t}`) : [`${repository}  (no tags)`];
  });
  return `${lines.join('\n')}\n`;
}
