import type { LockChange } from '../lock/index.js';

/** The human table of `lock` and `lock --check`: what moved, from which digest to which, and what rebuilds. */
export function renderLockChanges(outcome: {
  lock: string;
  check: boolean;
  changes: LockChange[];
  rebuild: string[];
  refs: number;
}): string {
  const { lock, check, changes, rebuild, refs } = outcome;
  if (changes.length === 0) return `${lock} is current (${refs} upstream refs pinned)\n`;
  const short = (digest: string) => digest.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]+$/, '$1');
  const rows = changes.map((c) =>
    c.kind === 'moved'
      ? [c.ref, 'moved', short(c.from), short(c.to)]
      : c.kind === 'added'
        ? [c.ref, 'added', '', short(c.digest)]
        : [c.ref, 'removed', short(c.digest), ''],
  );
  const table = [['upstream ref', 'change', 'pinned', 'now'], ...rows];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  const lines = table.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
  const headline = check
    ? `${lock} is stale: ${changes.length} upstream ref${changes.length === 1 ? '' : 's'} moved or missing`
    : `${lock} updated: ${changes.length} change${changes.length === 1 ? '' : 's'}`;
  const rebuilds = rebuild.length ? `would rebuild: ${rebuild.join(', ')}` : 'rebuilds nothing';
  const fix = check ? '\nrun `pinyard lock --update` and commit images.lock' : '';
  return `${headline}\n${lines.join('\n')}\n${rebuilds}${fix}\n`;
}
