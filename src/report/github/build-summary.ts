import type { ImageGraph } from '../../graph/index.js';
import type { BuildReport, ImageReport, ImageStatus } from '../build/events.js';
import { failedHeadline, formatDuration, summaryLine } from '../build/format.js';
import { renderMermaid } from '../plan/mermaid.js';

const statusCell: Record<ImageStatus, (image: ImageReport) => string> = {
  built: () => '✅ built',
  skipped: () => '⏭️ unchanged',
  planned: () => '🔨 would build',
  failed: (image) => `❌ ${failedHeadline(image)}`,
  blocked: (image) => `⛔ ${image.error?.message ?? 'blocked'}`,
};

/** Node styles of the run's graph, so what rebuilt and what broke stand out at a glance. */
const statusStyle: Record<ImageStatus, string> = {
  built: 'fill:#dafbe1,stroke:#1a7f37',
  skipped: 'fill:#f6f8fa,stroke:#8c959f,color:#57606a',
  planned: 'fill:#ddf4ff,stroke:#0969da',
  failed: 'fill:#ffebe9,stroke:#cf222e',
  blocked: 'fill:#fff8c5,stroke:#9a6700,stroke-dasharray:4 3',
};

/**
 * The job summary of a build: a headline, one row per image (status, digest, tags, time), what failed
 * with its last lines, and the run's graph coloured by status.
 */
export function buildSummary(report: BuildReport, graph: ImageGraph): string {
  const rows = report.images.map((image) =>
    [
      code(image.name),
      statusCell[image.status](image),
      image.digest ? code(image.digest) : '',
      image.tags.map((tag) => code(tagOf(tag))).join(' '),
      formatDuration(image.durationMs),
    ].map(cell),
  );
  const table = [
    '| image | status | digest | tags | time |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
  const classes = Object.fromEntries(
    (Object.keys(statusStyle) as ImageStatus[]).map((status) => [
      status,
      {
        style: statusStyle[status],
        images: report.images.filter((i) => i.status === status).map((i) => i.name),
      },
    ]),
  );
  return [
    `### pinyard ${summaryLine(report)}`,
    '',
    ...table,
    '',
    ...report.images.filter((i) => i.status === 'failed').flatMap(failureDetails),
    '```mermaid',
    renderMermaid(graph, { classes }).trimEnd(),
    '```',
    '',
  ].join('\n');
}

function failureDetails(image: ImageReport): string[] {
  const lines = [image.error?.message ?? '', ...(image.error?.lastLines ?? [])].filter(Boolean);
  return [
    `<details><summary>${escapeHtml(image.name)}: ${escapeHtml(failedHeadline(image))}</summary>`,
    '',
    fence(lines.join('\n')),
    '',
    '</details>',
    '',
  ];
}

/** `registry.example.com/acme/app:1.4` → `1.4`: the repository is the row's image already. */
function tagOf(ref: string): string {
  return ref.slice(ref.lastIndexOf(':') + 1);
}

function code(text: string): string {
  return `\`${text}\``;
}

// A pipe ends a table cell and a newline ends the row, whatever the cell's Markdown.
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** A code block that the text cannot close: its fence is longer than any backtick run inside. */
function fence(text: string): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const marks = '`'.repeat(longest + 1);
  return `${marks}\n${text}\n${marks}`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
