import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseReporters } from './choose-reporters.js';
import type { BuildReport, ImageReport } from './events.js';

function streams() {
  const text = { stdout: '', stderr: '' };
  return {
    text,
    stdout: {
      columns: 80,
      write: (t: string) => {
        text.stdout += t;
      },
    },
    stderr: {
      columns: 80,
      write: (t: string) => {
        text.stderr += t;
      },
    },
  };
}

/** A one-image run through the chosen hooks, the way `build` drives them. */
function play(choice: Parameters<typeof chooseReporters>[0]) {
  const { hooks, logFile } = chooseReporters(choice);
  hooks.onPlan([{ name: 'app', parents: [] }]);
  hooks.onImageBuilding('app');
  hooks.onImageLog('app', 'Step 1/1 : FROM scratch');
  const image: ImageReport = {
    name: 'app',
    status: 'built',
    digest: `sha256:${'a'.repeat(64)}`,
    tags: [],
    parents: [],
    durationMs: 1_000,
    log: logFile('app'),
  };
  hooks.onImageFinished(image);
  const report: BuildReport = {
    version: 1,
    status: 'succeeded',
    tagsMoved: false,
    images: [image],
    durationMs: 1_100,
  };
  hooks.onRunFinished(report);
  return report;
}

const plainLines = [
  'app  building',
  'app  built sha256:aaaaaaaaaaaa 1.0s',
  'build succeeded in 1.1s: 1 built',
  '',
];

describe('chooseReporters', () => {
  it('prints plain progress on stdout and keeps the log file', () => {
    const logDir = mkdtempSync(path.join(tmpdir(), 'pinyard-choose-'));
    const s = streams();
    play({ tty: false, json: false, logDir, stdout: s.stdout, stderr: s.stderr });
    expect(s.text).toEqual({ stdout: plainLines.join('\n'), stderr: '' });
    expect(readFileSync(path.join(logDir, 'app.log'), 'utf8')).toBe('Step 1/1 : FROM scratch\n');
  });

  it('with --json, puts the report alone on stdout and the progress on stderr', () => {
    const logDir = mkdtempSync(path.join(tmpdir(), 'pinyard-choose-'));
    const s = streams();
    const report = play({ tty: false, json: true, logDir, stdout: s.stdout, stderr: s.stderr });
    expect(s.text.stderr).toBe(plainLines.join('\n'));
    expect(JSON.parse(s.text.stdout)).toEqual({
      ...report,
      images: [{ ...report.images[0], log: path.join(logDir, 'app.log') }],
    });
  });

  it('draws the live view on a terminal and writes --report to its file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pinyard-choose-'));
    const reportFile = path.join(dir, 'report.json');
    const s = streams();
    const report = play({
      tty: true,
      json: false,
      reportFile,
      logDir: dir,
      stdout: s.stdout,
      stderr: s.stderr,
    });
    expect(s.text.stdout).toContain('\x1b[');
    expect(s.text.stdout).toMatch(/build succeeded in 1\.1s: 1 built\n$/);
    expect(JSON.parse(readFileSync(reportFile, 'utf8'))).toEqual(report);
  });
});
