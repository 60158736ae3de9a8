import { plural } from './format.js';
import type { RmResult } from './types.js';

/** What `registry rm` removed, and what it left for the tags that still use the digest. */
export function renderRm(r: RmResult): string {
  const lines: string[] = [];
  if (r.deletedDigest) {
    const tags = r.removedTags.length
      ? ` with ${plural(r.removedTags.length, 'tag')}: ${r.removedTags.join(', ')}`
      : ' (it had no tags)';
    lines.push(`deleted ${r.repository}@${r.deletedDigest}${tags}`);
  } else {
    lines.push(`removed tag ${r.repository}:${r.removedTags.join(', ')}`);
  }
  for (const p of r.deletedPlatforms ?? [])
    lines.push(`deleted its platform build ${r.repository}@${p.digest} with ${p.tags.join(', ')}`);
  for (const p of r.keptPlatforms ?? []) lines.push(`kept its platform build ${p.digest}: ${p.keptBy}`);
  if (r.kept) {
    const users = [
      ...(r.kept.tags.length ? [`still tagged ${r.kept.tags.join(', ')}`] : []),
      ...r.kept.indexes.map((i) => `a platform of index ${i.digest} (${i.tags.join(', ')})`),
    ];
    lines.push(`kept ${r.kept.digest}: ${users.join('; ')}`);
  }
  if (r.deletedDigest) lines.push(GC_NOTE);
  return `${lines.join('\n')}\n`;
}

export const GC_NOTE =
  "note: the registry frees the layers' disk space only when its garbage collection runs (docker-registry garbage-collect CONFIG.yml, or the registry's cleanup policy)";
