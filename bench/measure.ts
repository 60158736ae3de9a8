import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface Measurement {
  wallMs: number;
  peakRssMiB: number;
}

const rssReporter = fileURLToPath(new URL('./report-rss.mjs', import.meta.url));

/**
 * Runs a Node program as a user would (a fresh process) and reports its wall time and peak RSS; the
 * RSS comes from the child itself at exit (getrusage), so nothing outside Node is needed.
 */
export function measureNode(args: string[], cwd: string, expectedStatus = 0): Measurement {
  const started = performance.now();
  const child = spawnSync(process.execPath, ['--import', rssReporter, ...args], {
    cwd,
    encoding: 'utf8',
    // A big tree's plan is megabytes of JSON: all of it is read, none of it kept.
    maxBuffer: 1 << 30,
  });
  const wallMs = performance.now() - started;
  if (child.status !== expectedStatus)
    throw new Error(`node ${args.join(' ')} exited ${child.status}: ${child.stderr}`);
  const rss = /pinyard-bench-maxrss=(\d+)/.exec(child.stderr);
  if (!rss) throw new Error('the child did not report its peak RSS');
  return { wallMs, peakRssMiB: Number(rss[1]) / 1024 };
}

/** Median of `runs` measurements, so one noisy run does not decide the table. */
export function medianOf(runs: number, measure: () => Measurement): Measurement {
  const all = Array.from({ length: runs }, measure);
  const mid = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  return { wallMs: mid(all.map((m) => m.wallMs)), peakRssMiB: mid(all.map((m) => m.peakRssMiB)) };
}

/** The middle value; the mean of the middle two for an even count. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return Number.isInteger(mid) ? (sorted[mid - 1]! + sorted[mid]!) / 2 : sorted[Math.floor(mid)]!;
}
