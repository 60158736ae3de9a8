import { terminalText } from '../../text/control-characters.js';
import type { BuildReport, ImageReport, ImageStatus } from './events.js';

/** `0.4s`, `12.3s`, `1m05s`, `1h02m`: tenths only while they still matter. */
export function formatDuration(ms: number): string {
  const tenths = Math.round(ms / 100);
  if (tenths < 600) return `${(tenths / 10).toFixed(1)}s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${pad2(seconds % 60)}s`;
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)}h${pad2(minutes % 60)}m`;
}

/** The 12 hex digits docker shows, enough to tell images apart in a table. */
export function shortDigest(digest: string): string {
  return digest.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]+$/, '$1');
}

/**
 * `step 3/7 RUN apk add curl`: how reporters show a build step, and the form the core should put in
 * `ImageReport.error.step` so a failure names its step the same way.
 */
export function formatStep(
  step: number,
  total: number,
  instruction: string,
  stage?: string,
  cached?: boolean,
): string {
  const text = instruction.replace(/\s+/g, ' ').trim();
  if (stage === undefined) return `step ${step}/${total} ${text}`;
  // BuildKit's own numbering, per stage, as `docker build` prints it.
  return `${cached ? 'CACHED ' : ''}[${stage ? `${stage} ` : ''}${step}/${total}] ${text}`;
}

/** The `error` of a blocked image's report; reporters print its message as is (`blocked by app`). */
export function blockedError(by: string): NonNullable<ImageReport['error']> {
  return { code: 'PINYARD_BLOCKED', message: `blocked by ${by}` };
}

/** `failed after 3.2s at step 5/7 RUN make`: what a failed image's headline says after its name. */
export function failedHeadline(image: ImageReport): string {
  const step = image.error?.step ? ` at ${image.error.step}` : '';
  return `failed after ${formatDuration(image.durationMs)}${step}`;
}

/**
 * The lines under a failed image's headline: why, the last lines of its output, where the whole log is.
 * The message can quote a registry or an engine: it goes to a terminal without control characters.
 */
export function failureDetails(image: ImageReport): string[] {
  const { error } = image;
  const where = error?.position
    ? `${error.position.file}:${error.position.line}:${error.position.column}: `
    : '';
  const lines = error ? terminalText(`${where}${error.message}`).split('\n') : [];
  if (error?.hint) lines.push(`hint: ${terminalText(error.hint)}`);
  for (const line of image.error?.lastLines ?? []) lines.push(`| ${terminalText(line)}`);
  if (image.log) lines.push(`full log: ${image.log}`);
  return lines;
}

const countOrder: ImageStatus[] = ['built', 'skipped', 'planned', 'failed', 'blocked'];

/** `build failed in 15.0s: 1 built, 2 skipped, 1 failed, 1 blocked; human tags left unchanged`. */
export function summaryLine(report: BuildReport): string {
  const counts = countOrder
    .map((status) => [status, report.images.filter((i) => i.status === status).length] as const)
    .filter(([, count]) => count > 0)
    .map(([status, count]) => `${count} ${status === 'planned' ? 'to build' : status}`);
  const what = counts.length ? counts.join(', ') : 'no images';
  const tags = report.status === 'succeeded' ? '' : '; human tags left unchanged';
  return `build ${report.status} in ${formatDuration(report.durationMs)}: ${what}${tags}`;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
