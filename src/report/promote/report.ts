import type { PinyardErrorJson } from '../../errors.js';
import type { AccessCheck, BlobCounts, Strategy } from '../../promote/index.js';

/**
 * promoted: every target reference now points at the digest. unchanged: they already did. planned: a
 * --dry-run would promote it. refused: a guard or a permission stopped it before anything was written.
 * failed: copying or tagging it went wrong. not-promoted: it was fine, but another image of the same
 * command failed before the tags moved, and a promotion of several images moves all tags or none.
 */
export type ImageStatus = 'promoted' | 'unchanged' | 'planned' | 'refused' | 'failed' | 'not-promoted';

export interface ImageResult {
  name: string;
  /** The source as given: `registry.example.com/acme/app:1.4`. */
  source: string;
  /** The digest promoted; absent when the source could not be read. */
  digest?: string;
  /** Every target reference: `prod.example.com/acme/app:1.4`. */
  targets: string[];
  status: ImageStatus;
  strategy: Strategy;
  /** What went (or, planned, would go) over: blobs by how, bytes of blob content sent, manifests written. */
  blobs: BlobCounts;
  bytes: number;
  manifests: number;
  durationMs: number;
  error?: PinyardErrorJson;
}

/** The `--json` contract: one object, `version: 1`. */
export interface PromoteReport {
  version: 1;
  environment: string;
  dryRun: boolean;
  status: 'succeeded' | 'failed';
  images: ImageResult[];
  /** Each repository's permissions as the registries granted them. */
  access: AccessCheck[];
  durationMs: number;
  error?: PinyardErrorJson;
}

const verbs: Record<ImageStatus, string> = {
  promoted: 'promoted',
  unchanged: 'unchanged',
  planned: 'would promote',
  refused: 'refused',
  failed: 'failed',
  'not-promoted': 'not promoted',
};

/** One line per image: what went where, how, how much and how long; the access table on a dry run. */
export function renderReport(report: PromoteReport): string {
  const lines = report.images.map((image) => {
    const source =
      image.digest && !image.source.includes('@') ? `${image.source}@${image.digest}` : image.source;
    return `${verbs[image.status]} ${image.name}: ${source} → ${image.targets.join(', ')}${details(image)}`;
  });
  if (report.dryRun && report.access.length) {
    lines.push('access:');
    for (const check of report.access) lines.push(`  ${accessLine(check)}`);
  }
  return `${lines.join('\n')}\n`;
}

function details(image: ImageResult): string {
  const time = `${(image.durationMs / 1000).toFixed(2)} s`;
  switch (image.status) {
    case 'unchanged':
      return ` (already there, ${time})`;
    case 'promoted':
      return ` (${transfer(image, done)}, ${time})`;
    case 'planned':
      return ` (${transfer(image, planned)})`;
    default:
      return '';
  }
}

const done = { mounted: 'mounted', copied: 'copied', skipped: 'skipped', sent: 'sent', written: '' };
const planned = {
  mounted: 'to mount',
  copied: 'to copy',
  skipped: 'already there',
  sent: 'to send',
  written: ' to write',
};

function transfer(image: ImageResult, words: typeof done): string {
  const manifests = `${image.manifests} manifest${image.manifests === 1 ? '' : 's'}${words.written}`;
  if (image.strategy === 'tag') return `same repository: ${manifests}`;
  const { mounted, copied, skipped } = image.blobs;
  const blobs = [
    ...(image.strategy === 'mount' ? [`${mounted} ${words.mounted}`] : []),
    `${copied} ${words.copied}`,
    ...(image.strategy === 'copy' ? [`${skipped} ${words.skipped}`] : []),
  ];
  return `${image.strategy}: blobs ${blobs.join(', ')}; ${formatBytes(image.bytes)} ${words.sent}; ${manifests}`;
}

function accessLine(check: AccessCheck): string {
  const what = `${check.actions.join(',')} on ${check.registry}/${check.repository}`;
  const who = check.account === 'anonymous' ? 'anonymous access' : `"${check.account}"`;
  switch (check.status) {
    case 'granted':
      return `${what}: granted to ${who}`;
    case 'denied':
      return `${what}: ${check.missing.join(',')} denied to ${who}`;
    case 'unverified':
      return `${what}: not known before writing (the registry answers per request), as ${who}`;
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  if (bytes < 1_000_000_000) return `${(bytes / 1_000_000).toFixed(1)} MB`;
  return `${(bytes / 1_000_000_000).toFixed(2)} GB`;
}
