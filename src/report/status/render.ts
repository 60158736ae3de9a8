import type { EnvironmentCell, StatusRow, UpstreamVerdict } from '../../status/index.js';
import { table } from '../registry/table.js';

export interface StatusReport {
  /** Environment names in images.yml's order: the columns. */
  environments: string[];
  rows: StatusRow[];
  /** Images with no human tag: nothing to compare, named so they are not silently missing. */
  untagged: string[];
}

/** `sha256:0b14fa05c0de`: enough to tell digests apart in a table. */
const short = (digest: string) => digest.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]+$/, '$1');

function stateText(cell: EnvironmentCell): string {
  switch (cell.state) {
    case 'same':
      return '=';
    case 'behind':
      return cell.buildsBehind === undefined ? 'behind' : `behind ${cell.buildsBehind}`;
    case 'absent':
      return '-';
    case 'other':
      return 'other';
    case 'unknown':
      return '?';
  }
}

const staleMark = (upstream: UpstreamVerdict | undefined) => (upstream?.stale ? ', stale upstream' : '');

function builtText(row: StatusRow): string {
  if (row.built.error) return '?';
  return row.built.digest ? `${short(row.built.digest)}${staleMark(row.built.upstream)}` : '-';
}

/** The table, then each stale lineage with the digests that differ, then what could not be read. */
export function renderStatus(report: StatusReport): string {
  const lines = table([
    ['image:tag', 'registry', ...report.environments],
    ...report.rows.map((row) => [
      `${row.name}:${row.tag}`,
      builtText(row),
      ...row.environments.map((cell) => `${stateText(cell)}${staleMark(cell.upstream)}`),
    ]),
  ]);
  const stale = staleLineages(report.rows);
  if (stale.length > 0) {
    lines.push('', 'stale upstream (built on an upstream digest images.lock no longer pins):');
    for (const s of stale) {
      const pinned = s.upstream.pinned
        ? `images.lock pins ${short(s.upstream.pinned)}`
        : 'images.lock no longer pins it';
      lines.push(
        `  ${s.where} ${s.name}:${s.tag} is built on ${s.upstream.ref}@${short(s.upstream.digest)} (${pinned})`,
      );
    }
  }
  const problems = unreadable(report.rows);
  if (problems.length > 0) {
    lines.push('', 'could not read:');
    for (const p of problems) lines.push(`  ${p.where} ${p.reference}: ${p.error}`);
  }
  if (report.untagged.length > 0) lines.push('', `no human tags to compare: ${report.untagged.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

/** `--json`, contract version 1: add fields, never rename one. */
export function statusJson(report: StatusReport): string {
  return `${JSON.stringify(
    { version: 1, environments: report.environments, images: report.rows, untagged: report.untagged },
    null,
    2,
  )}\n`;
}

/** The job summary in GitHub Actions: the same table in Markdown, stale lineages under it. */
export function statusMarkdown(report: StatusReport): string {
  const code = (text: string) => `\`${text}\``;
  const header = ['image:tag', 'registry', ...report.environments];
  const rows = report.rows.map((row) => [
    code(`${row.name}:${row.tag}`),
    row.built.digest ? `${code(short(row.built.digest))}${staleMark(row.built.upstream)}` : builtText(row),
    ...row.environments.map((cell) => `${stateText(cell)}${staleMark(cell.upstream)}`),
  ]);
  const lines = [
    '### pinyard status',
    '',
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(escapeCell).join(' | ')} |`),
  ];
  const stale = staleLineages(report.rows);
  if (stale.length > 0) {
    lines.push('', '**Stale upstream**', '');
    for (const s of stale) {
      lines.push(
        `- ${s.where} ${code(`${s.name}:${s.tag}`)} is built on ${code(`${s.upstream.ref}@${short(s.upstream.digest)}`)}${s.upstream.pinned ? `; images.lock pins ${code(short(s.upstream.pinned))}` : '; images.lock no longer pins it'}`,
      );
    }
  }
  return `${lines.join('\n')}\n\n`;
}

/** A registry's text in a Markdown table cell: `|` would end the cell, a newline the row. */
function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
}

function staleLineages(rows: StatusRow[]) {
  return rows.flatMap((row) => [
    ...(row.built.upstream?.stale
      ? [{ where: 'registry', name: row.name, tag: row.tag, upstream: row.built.upstream }]
      : []),
    ...row.environments.flatMap((cell) =>
      cell.upstream?.stale
        ? [{ where: cell.environment, name: row.name, tag: row.tag, upstream: cell.upstream }]
        : [],
    ),
  ]);
}

function unreadable(rows: StatusRow[]) {
  return rows.flatMap((row) => [
    ...(row.built.error
      ? [{ where: 'registry', reference: row.built.reference, error: row.built.error }]
      : []),
    ...row.environments.flatMap((cell) =>
      cell.error ? [{ where: cell.environment, reference: cell.reference, error: cell.error }] : [],
    ),
  ]);
}
