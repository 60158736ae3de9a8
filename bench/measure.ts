import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const reporter = fileURLToPath(new URL('./report-cpu.cjs', import.meta.url));

export interface Run {
  wallMs: number;
  cpuMs: number;
  peakRssMiB: number;
}

/**
 * One fresh process, as a user starts it, with its wall time, its own CPU time and peak RSS (reported by the
 * child at exit through a CommonJS `--require`, so no ESM loader is started for the measurement).
 */
export function measureNode(args: string[], cwd: string, expectedStatus = 0): Run {
  const started = performance.now();
  const child = spawnSync(process.execPath, ['--require', reporter, ...args], {
    cwd,
    encoding: 'utf8',
    // A big tree's plan is megabytes of JSON: all of it is read, none of it kept.
    maxBuffer: 1 << 30,
  });
  const wallMs = performance.now() - started;
  if (child.status !== expectedStatus)
    throw new Error(`node ${args.join(' ')} exited ${child.status}: ${child.stderr}`);
  const report = /pinyard-bench-cpu=(\d+) maxrss=(\d+)/.exec(child.stderr);
  if (!report) throw new Error('the child did not report its CPU time');
  return { wallMs, cpuMs: Number(report[1]) / 1000, peakRssMiB: Number(report[2]) / 1024 };
}

/** The middle value; the mean of the middle two for an even count. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return Number.isInteger(mid) ? (sorted[mid - 1]! + sorted[mid]!) / 2 : sorted[Math.floor(mid)]!;
}
