import { describe, expect, it } from 'vitest';
import type { BuildReport, ImageReport } from './events.js';
import { blockedError } from './format.js';
import { plainReporter } from './plain-reporter.js';

const digestA = `sha256:${'a'.repeat(64)}`;
const digestB = `sha256:${'b'.repeat(64)}`;

function collect() {
  let text = '';
  const out = {
    write: (t: string) => {
      text += t;
    },
  };
  return { out, text: () => text };
}

const report = (status: BuildReport['status'], images: ImageReport[]): BuildReport => ({
  version: 1,
  status,
  tagsMoved: status === 'succeeded',
  images,
  durationMs: 15_600,
});

describe('plainReporter', () => {
  it('prints one line per state change, and a failure with its step, last lines and log', () => {
    const { out, text } = collect();
    const r = plainReporter(out);
    const base: ImageReport = {
      name: 'base',
      status: 'built',
      digest: digestA,
      tags: [],
      parents: [],
      durationMs: 12_345,
    };
    const tools: ImageReport = {
      name: 'tools',
      status: 'skipped',
      digest: digestB,
      tags: [],
      parents: [],
      durationMs: 80,
    };
    const app: ImageReport = {
      name: 'app',
      status: 'failed',
      tags: [],
      parents: ['base'],
      durationMs: 3_200,
      error: {
        code: 'PINYARD_BUILD_FAILED',
        message: "The command '/bin/sh -c make' returned a non-zero code: 2",
        step: 'step 2/3 RUN make',
        lastLines: ['cc -o app main.c', 'make: *** [all] Error 2'],
      },
      log: '.pinyard/logs/app.log',
    };
    const cli: ImageReport = {
      name: 'cli',
      status: 'blocked',
      tags: [],
      parents: ['app'],
      durationMs: 0,
      error: blockedError('app'),
    };

    r.onPlan?.([
      { name: 'base', parents: [] },
      { name: 'tools', parents: [] },
      { name: 'app', parents: ['base'] },
      { name: 'cli', parents: ['app'] },
    ]);
    r.onImageChecking?.('base');
    r.onImageChecking?.('tools');
    r.onImageBuilding?.('base');
    r.onImageStep?.('base', 1, 2, 'FROM docker.io/library/alpine@sha256:123');
    r.onImageLog?.('base', ' ---> 4a5b6c');
    r.onImageStep?.('base', 2, 2, 'RUN echo hi \\\n    && echo there');
    r.onImageFinished?.(tools);
    r.onImagePushing?.('base');
    r.onImageFinished?.(base);
    r.onImageChecking?.('app');
    r.onImageBuilding?.('app');
    r.onImageStep?.('app', 2, 3, 'RUN make');
    r.onImageFinished?.(app);
    r.onImageFinished?.(cli);
    r.onRunFinished?.(report('failed', [base, tools, app, cli]));

    expect(text()).toBe(
      [
        'base   checking',
        'tools  checking',
        'base   building',
        'base   step 1/2 FROM docker.io/library/alpine@sha256:123',
        'base   step 2/2 RUN echo hi \\ && echo there',
        'tools  skipped sha256:bbbbbbbbbbbb 0.1s (unchanged)',
        'base   pushing',
        'base   built sha256:aaaaaaaaaaaa 12.3s',
        'app    checking',
        'app    building',
        'app    step 2/3 RUN make',
        'app    failed after 3.2s at step 2/3 RUN make',
        "       The command '/bin/sh -c make' returned a non-zero code: 2",
        '       | cc -o app main.c',
        '       | make: *** [all] Error 2',
        '       full log: .pinyard/logs/app.log',
        'cli    blocked by app',
        'build failed in 15.6s: 1 built, 1 skipped, 1 failed, 1 blocked; human tags left unchanged',
        '',
      ].join('\n'),
    );
  });

  it('says which engine builds an image when the run names engines', () => {
    const { out, text } = collect();
    const r = plainReporter(out);
    r.onPlan?.([{ name: 'app', parents: [] }]);
    r.onImageBuilding?.('app', 'colima');
    expect(text()).toBe('app  building on colima\n');
  });

  it('prints the human tags it moved before the summary', () => {
    const { out, text } = collect();
    const r = plainReporter(out);
    const app: ImageReport = {
      name: 'app',
      status: 'built',
      digest: digestA,
      tags: [],
      parents: [],
      durationMs: 1_000,
    };
    r.onPlan?.([{ name: 'app', parents: [] }]);
    r.onImageFinished?.(app);
    r.onTagsMoved?.([
      { name: 'app', ref: 'registry.example.com/acme/app:1.4', digest: digestA },
      { name: 'app', ref: 'registry.example.com/acme/app:latest', digest: digestA },
    ]);
    r.onRunFinished?.(report('succeeded', [app]));
    expect(text()).toBe(
      [
        'app  built sha256:aaaaaaaaaaaa 1.0s',
        'app  tagged registry.example.com/acme/app:1.4',
        'app  tagged registry.example.com/acme/app:latest',
        'build succeeded in 15.6s: 1 built',
        '',
      ].join('\n'),
    );
  });
});
