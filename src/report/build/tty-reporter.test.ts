import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BuildReport, ImageReport } from './events.js';
import { blockedError } from './format.js';
import { ttyReporter } from './tty-reporter.js';

/** A terminal of the given size that records what was written. */
function fakeTerminal(columns: number, rows?: number) {
  const writes: string[] = [];
  return { columns, rows, writes, write: (text: string) => void writes.push(text) };
}

/**
 * What a terminal shows after the writes: interprets the few ANSI sequences the reporter uses (cursor up,
 * clear line, clear below), so a frame redrawn in place shows once, not twice.
 */
function screen(writes: string[]): string[] {
  const lines = [''];
  let row = 0;
  const esc = '\x1b';
  const tokens = new RegExp(`${esc}\\[(\\d*)([AJK])|\n|[^${esc}\n]+`, 'g');
  for (const [token, count, command] of writes.join('').matchAll(tokens)) {
    if (token === '\n') {
      row++;
      if (row === lines.length) lines.push('');
    } else if (command === 'A') row = Math.max(0, row - Number(count || 1));
    else if (command === 'K') lines[row] = '';
    else if (command === 'J') lines.length = row + 1;
    else lines[row] += token;
  }
  return lines.slice(0, lines.at(-1) === '' ? -1 : undefined);
}

const digestA = `sha256:${'a'.repeat(64)}`;
const digestB = `sha256:${'b'.repeat(64)}`;
const plan = (...names: string[]) => names.map((name) => ({ name, parents: [] }));
const finished = (
  name: string,
  status: ImageReport['status'],
  more: Partial<ImageReport> = {},
): ImageReport => ({
  name,
  status,
  tags: [],
  parents: [],
  durationMs: 0,
  ...more,
});
const runReport = (
  status: BuildReport['status'],
  images: ImageReport[],
  durationMs: number,
): BuildReport => ({
  version: 1,
  status,
  tagsMoved: status === 'succeeded',
  images,
  durationMs,
});

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(0);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('ttyReporter', () => {
  it('shows one line per image with its state and elapsed time, redrawn in place', () => {
    const term = fakeTerminal(80);
    const r = ttyReporter(term);
    r.onPlan?.(plan('base', 'tools', 'app', 'cli'));
    r.onImageChecking?.('base');
    r.onImageChecking?.('tools');
    vi.advanceTimersByTime(300);
    r.onImageBuilding?.('base');
    r.onImageStep?.('base', 2, 3, 'RUN make');
    r.onImageFinished?.(finished('tools', 'skipped', { digest: digestB, durationMs: 400 }));
    vi.advanceTimersByTime(1_200);
    expect(screen(term.writes)).toEqual([
      'base   building   1.5s  step 2/3 RUN make',
      'tools  skipped    0.4s  sha256:bbbbbbbbbbbb',
      'app    waiting',
      'cli    waiting',
    ]);
    r.onImagePushing?.('base');
    vi.advanceTimersByTime(500);
    expect(screen(term.writes)[0]).toBe('base   pushing    2.0s');
  });

  it('names the engine of each build when the run gives one (a docker context, or several engines)', () => {
    const term = fakeTerminal(80);
    const r = ttyReporter(term);
    r.onPlan?.(plan('base', 'app'));
    r.onImageBuilding?.('base', 'colima');
    r.onImageStep?.('base', 2, 3, 'RUN make');
    r.onImageBuilding?.('app', 'build-2');
    vi.advanceTimersByTime(200);
    expect(screen(term.writes)).toEqual([
      'base  building   0.2s  on colima: step 2/3 RUN make',
      'app   building   0.2s  on build-2',
    ]);
    r.onImageFinished?.(finished('base', 'built', { digest: digestA, durationMs: 1_000 }));
    vi.advanceTimersByTime(200);
    expect(screen(term.writes)[0]).toBe('base  done       1.0s  on colima: sha256:aaaaaaaaaaaa');
  });

  it('ends with the whole table, the failures with their last lines, and a summary', () => {
    const term = fakeTerminal(80);
    const r = ttyReporter(term);
    const images = [
      finished('base', 'built', { digest: digestA, durationMs: 12_345 }),
      finished('tools', 'skipped', { digest: digestB, durationMs: 80 }),
      finished('app', 'failed', {
        durationMs: 3_200,
        error: {
          code: 'PINYARD_BUILD_FAILED',
          message: "The command '/bin/sh -c make' returned a non-zero code: 2",
          step: 'step 2/3 RUN make',
          lastLines: ['cc -o app main.c', 'make: *** [all] Error 2'],
        },
        log: '.pinyard/logs/app.log',
      }),
      finished('cli', 'blocked', { error: blockedError('app') }),
    ];
    r.onPlan?.(plan('base', 'tools', 'app', 'cli'));
    vi.advanceTimersByTime(100);
    for (const image of images) r.onImageFinished?.(image);
    r.onRunFinished?.(runReport('failed', images, 15_600));
    expect(screen(term.writes)).toEqual([
      'base   done      12.3s  sha256:aaaaaaaaaaaa',
      'tools  skipped    0.1s  sha256:bbbbbbbbbbbb',
      'app    failed     3.2s  step 2/3 RUN make',
      'cli    blocked by app',
      '',
      'app failed after 3.2s at step 2/3 RUN make',
      "  The command '/bin/sh -c make' returned a non-zero code: 2",
      '  | cc -o app main.c',
      '  | make: *** [all] Error 2',
      '  full log: .pinyard/logs/app.log',
      '',
      'build failed in 15.6s: 1 built, 1 skipped, 1 failed, 1 blocked; human tags left unchanged',
    ]);
  });

  it('lists the human tags it moved above the summary', () => {
    const term = fakeTerminal(80);
    const r = ttyReporter(term);
    const app = finished('app', 'built', { digest: digestA, durationMs: 1_000 });
    r.onPlan?.(plan('app'));
    r.onImageFinished?.(app);
    r.onTagsMoved?.([{ name: 'app', ref: 'registry.example.com/acme/app:1.4', digest: digestA }]);
    r.onRunFinished?.(runReport('succeeded', [app], 1_100));
    expect(screen(term.writes)).toEqual([
      'app  done       1.0s  sha256:aaaaaaaaaaaa',
      '',
      'tagged registry.example.com/acme/app:1.4',
      'build succeeded in 1.1s: 1 built',
    ]);
  });

  it('redraws at most ten times a second however many events arrive', () => {
    const term = fakeTerminal(80);
    const r = ttyReporter(term);
    r.onPlan?.(plan('app'));
    r.onImageBuilding?.('app');
    for (let step = 1; step <= 100; step++) r.onImageStep?.('app', step, 100, `RUN step ${step}`);
    expect(term.writes).toHaveLength(1); // the first frame, drawn at onPlan
    for (let ms = 0; ms < 1_000; ms += 5) {
      r.onImageStep?.('app', ms, 1_000, `RUN at ${ms}`);
      vi.advanceTimersByTime(5);
    }
    expect(term.writes.length - 1).toBeLessThanOrEqual(10);
    expect(screen(term.writes)).toEqual(['app  building   1.0s  step 995/1000 RUN at 995']);
  });

  it('writes nothing when the frame did not change', () => {
    const term = fakeTerminal(80);
    const r = ttyReporter(term);
    r.onPlan?.(plan('app', 'cli'));
    vi.advanceTimersByTime(5_000);
    expect(term.writes).toHaveLength(1);
  });

  it('cuts lines to a narrow terminal so none wraps', () => {
    const term = fakeTerminal(40);
    const r = ttyReporter(term);
    r.onPlan?.(plan('base', 'application-server'));
    r.onImageBuilding?.('application-server');
    r.onImageStep?.('application-server', 1, 9, 'RUN apk add --no-cache curl');
    vi.advanceTimersByTime(100);
    expect(screen(term.writes)).toEqual([
      'base                waiting',
      'application-server  building   0.1s  st…',
    ]);
  });

  it('on a short terminal, lists the moving images and counts the rest, then shows all at the end', () => {
    const term = fakeTerminal(80, 4);
    const r = ttyReporter(term);
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    r.onPlan?.(plan(...names));
    r.onImageFinished?.(finished('a', 'built', { digest: digestA, durationMs: 1_000 }));
    r.onImageBuilding?.('c');
    r.onImageChecking?.('e');
    vi.advanceTimersByTime(100);
    expect(screen(term.writes)).toEqual([
      'c  building   0.1s',
      'e  checking   0.1s',
      '… 4 more: 1 done, 3 waiting',
    ]);

    const images = names.map((name) => finished(name, 'skipped', { durationMs: 100 }));
    for (const image of images) r.onImageFinished?.(image);
    r.onRunFinished?.(runReport('succeeded', images, 700));
    expect(screen(term.writes)).toEqual([
      ...names.map((name) => `${name}  skipped    0.1s`),
      '',
      'build succeeded in 0.7s: 6 skipped',
    ]);
  });

  it('stops its timer when the run finishes', () => {
    const term = fakeTerminal(80);
    const r = ttyReporter(term);
    r.onPlan?.(plan('app'));
    expect(vi.getTimerCount()).toBe(1);
    r.onRunFinished?.(runReport('succeeded', [], 0));
    expect(vi.getTimerCount()).toBe(0);
    const written = term.writes.length;
    vi.advanceTimersByTime(1_000);
    expect(term.writes).toHaveLength(written);
  });
});
