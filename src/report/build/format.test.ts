import { describe, expect, it } from 'vitest';
import type { BuildReport, ImageReport } from './events.js';
import { failureDetails, formatDuration, formatStep, shortDigest, summaryLine } from './format.js';

const image = (name: string, status: ImageReport['status']): ImageReport => ({
  name,
  status,
  tags: [],
  parents: [],
  durationMs: 0,
});

describe('formatDuration', () => {
  it.each([
    [0, '0.0s'],
    [440, '0.4s'],
    [12_345, '12.3s'],
    [59_949, '59.9s'],
    [59_950, '1m00s'],
    [65_000, '1m05s'],
    [3_599_499, '59m59s'],
    [3_599_500, '1h00m'],
    [3_725_000, '1h02m'],
  ])('shows %i ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('shortDigest', () => {
  it.each([
    [`sha256:${'0123456789ab'.repeat(5)}0123`, 'sha256:0123456789ab'],
    ['sha256:abc', 'sha256:abc'],
    ['not-a-digest', 'not-a-digest'],
  ])('shortens %s to %s', (digest, short) => {
    expect(shortDigest(digest)).toBe(short);
  });
});

describe('formatStep', () => {
  it('puts a multi-line instruction on one line', () => {
    expect(formatStep(2, 7, 'RUN apk add \\\n    curl\tgit ')).toBe('step 2/7 RUN apk add \\ curl git');
  });
});

describe('failureDetails', () => {
  it('lists the message, the last lines of output and the log file', () => {
    const failed: ImageReport = {
      ...image('app', 'failed'),
      error: { code: 'PINYARD_BUILD_FAILED', message: 'it broke\nbadly', lastLines: ['one', 'two'] },
      log: 'logs/app.log',
    };
    expect(failureDetails(failed)).toEqual(['it broke', 'badly', '| one', '| two', 'full log: logs/app.log']);
  });

  it('prints a registry’s or an engine’s message without its control characters', () => {
    const failed: ImageReport = {
      ...image('app', 'failed'),
      error: {
        code: 'PINYARD_DENIED',
        message: 'denied: \u001b[2K\u001b[1Aok\rpushed',
        lastLines: ['\u001b]0;x\u0007line'],
      },
    };
    expect(failureDetails(failed)).toEqual(['denied: okpushed', '| line']);
  });
});

describe('summaryLine', () => {
  const run = (status: BuildReport['status'], images: ImageReport[]): BuildReport => ({
    version: 1,
    status,
    tagsMoved: status === 'succeeded',
    images,
    durationMs: 15_600,
  });

  it.each([
    [
      'a success, counting only what happened',
      run('succeeded', [image('a', 'skipped'), image('b', 'built'), image('c', 'skipped')]),
      'build succeeded in 15.6s: 1 built, 2 skipped',
    ],
    [
      'a failure, saying the human tags did not move',
      run('failed', [
        image('a', 'built'),
        image('b', 'failed'),
        image('c', 'blocked'),
        image('d', 'blocked'),
      ]),
      'build failed in 15.6s: 1 built, 1 failed, 2 blocked; human tags left unchanged',
    ],
    [
      'a cancelled run',
      run('cancelled', [image('a', 'failed')]),
      'build cancelled in 15.6s: 1 failed; human tags left unchanged',
    ],
    ['an empty run', run('succeeded', []), 'build succeeded in 15.6s: no images'],
  ])('sums up %s', (_, report, line) => {
    expect(summaryLine(report)).toBe(line);
  });
});
