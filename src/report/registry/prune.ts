import { shortDigest } from '../build/format.js';
import { formatCreated, plural } from './format.js';
import { GC_NOTE } from './rm.js';
import { table } from './table.js';
import type { PruneResult } from './types.js';

/** Per repository, every content-tagged digest with its fate and the reason it is kept; then the total. */
export function renderPrune(r: PruneResult): string {
  const out: string[] = [];
  let doomed = 0;
  for (const repo of r.repositories) {
    const deleting = repo.decisions.filter((d) => d.action === 'delete' && !repo.spared.includes(d.digest));
    doomed += deleting.length;
    out.push(
      `${repo.repository}: ${plural(repo.decisions.length, 'content-tagged digest')}, ${r.dryRun ? 'would delete' : 'deleting'} ${deleting.length}`,
    );
    if (repo.decisions.length === 0) continue;
    const rows = repo.decisions.map((d) => {
      const spared = repo.spared.includes(d.digest);
      const reasons = [
        ...(d.newest !== undefined ? [`newest ${d.newest} of ${r.keep}`] : []),
        ...(d.platformOf ? [`platform of ${d.platformOf.map(shortDigest).join(', ')}`] : []),
        ...d.protectedBy,
        ...(d.recent ? [`younger than ${r.minAge}`] : []),
        ...(spared ? ['tagged since the plan was made'] : []),
      ];
      return [
        d.action === 'delete' && !spared ? 'delete' : 'keep',
        shortDigest(d.digest),
        formatCreated(d.created),
        d.tags.join(', '),
        reasons.join('; '),
      ];
    });
    out.push(...table(rows).map((line) => `  ${line}`));
  }
  out.push(
    r.dryRun
      ? `dry run: would delete ${plural(doomed, 'digest')}; nothing was changed`
      : `deleted ${plural(r.deleted, 'content-tagged digest')}`,
  );
  if (doomed > 0) out.push(GC_NOTE);
  return `${out.join('\n')}\n`;
}
