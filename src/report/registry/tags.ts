import { shortDigest } from '../build/format.js';
import { formatCreated, formatSize, plural } from './format.js';
import { table } from './table.js';
import type { TagsResult } from './types.js';

/** The tags of a repository as a table, newest first; tags on the same digest show the same digest. */
export function renderTags({ repository, tags }: TagsResult): string {
  if (tags.length === 0) return `${repository} has no tags\n`;
  const digests = new Set(tags.map((t) => t.digest)).size;
  const rows = tags.map((t) => [
    t.tag,
    shortDigest(t.digest),
    t.kind,
    t.platforms.join(',') || '-',
    formatCreated(t.created),
    t.size === undefined ? '-' : formatSize(t.size),
    t.problem ?? '',
  ]);
  const lines = table([['TAG', 'DIGEST', 'TYPE', 'PLATFORMS', 'CREATED', 'SIZE', ''], ...rows]);
  return `${repository}: ${plural(tags.length, 'tag')} on ${plural(digests, 'digest')}\n${lines.join('\n')}\n`;
}
