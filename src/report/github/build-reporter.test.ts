import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readOutputs } from '../../../test/helpers/github-files.js';
import type { GraphImage, ImageGraph } from '../../graph/index.js';
import { chooseReporters } from '../build/choose-reporters.js';
import type { BuildReport, ImageReport } from '../build/events.js';
import { GROUP_LINES, githubReporter } from './build-reporter.js';

const site = (line: number) => ({ file: 'Dockerfile', line, column: 1, via: 'from' as const, raw: '' });
const image = (name: string, parents: string[], upstream: string[] = []): GraphImage => ({
  name,
  parents,
  parentSites: Object.fromEntries(parents.map((p) => [p, [site(1)]])),
  upstream: upstream.map((ref) => ({ ref, sites: [site(1)] })),
});
const graph: ImageGraph = {
  images: new Map([
    ['app', image('app', ['base'])],
    ['base', image('base', [], ['docker.io/library/alpine:3.20'])],
    ['cli', image('cli', ['base'])],
    ['tool', image('tool', ['app'])],
  ]),
  order: ['base', 'app', 'cli', 'tool'],
};

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const images: Record<string, ImageReport> = {
  base: {
    name: 'base',
    status: 'built',
    digest: digest('b'),
    tags: ['registry.example.com:5000/acme/base:pinyard-0123456789abcdef01234567'],
    parents: [],
    durationMs: 12_300,
  },
  cli: {
    name: 'cli',
    status: 'skipped',
    digest: digest('c'),
    tags: ['registry.example.com:5000/acme/cli:pinyard-89abcdef0123456789abcdef'],
    parents: ['base'],
    durationMs: 200,
  },
  app: {
    name: 'app',
    status: 'failed',
    tags: [],
    parents: ['base'],
    durationMs: 3_200,
    error: {
      code: 'PINYARD_BUILD_FAILED',
      message: "step 3/4 failed: The command '/bin/sh -c make' returned a non-zero code: 2",
      step: 'step 3/4 RUN make',
      lastLines: ['make: *** [all] Error 2'],
    },
  },
  tool: {
    name: 'tool',
    status: 'blocked',
    tags: [],
    parents: ['app'],
    durationMs: 0,
    error: { code: 'PINYARD_BLOCKED', message: 'blocked by app' },
  },
};
const report: BuildReport = {
  version: 1,
  status: 'failed',
  tagsMoved: false,
  images: graph.order.map((name) => images[name]!),
  durationMs: 15_000,
};

function runnerFiles() {
  const dir = mkdtempSync(path.join(tmpdir(), 'pinyard-gh-reporter-'));
  return {
    env: {
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: '/w/repo',
      GITHUB_OUTPUT: path.join(dir, 'output'),
      GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md'),
    },
    outputs: () => readOutputs(readFileSync(path.join(dir, 'output'), 'utf8')),
    summary: () => readFileSync(path.join(dir, 'summary.md'), 'utf8'),
  };
}

const options = (env: NodeJS.ProcessEnv) => ({
  env,
  cwd: '/w/repo/platform',
  graph,
  images: new Map(graph.order.map((name) => [name, { dockerfile: `images/${name}/Dockerfile` }])),
  texts: new Map([['app', 'FROM base\nCOPY . /src\nRUN make\nCMD ["app"]\n']]),
  token: () => 'TOKEN',
});

/** The hooks in the order `build` calls them: logs as they come, failures and blocks after the run. */
function play(hooks: ReturnType<typeof githubReporter>) {
  hooks.onImageLog?.('base', 'Step 1/2 : FROM alpine:3.20@sha256:…');
  hooks.onImageLog?.('app', 'Step 1/4 : FROM base@sha256:…');
  hooks.onImageLog?.('base', 'Step 2/2 : RUN echo ::add-mask::not-a-secret');
  hooks.onImageFinished?.(images.base!);
  hooks.onImageLog?.('app', 'make: *** [all] Error 2');
  hooks.onImageFinished?.(images.cli!);
  hooks.onImageFinished?.(images.app!);
  hooks.onImageFinished?.(images.tool!);
  hooks.onRunFinished?.(report);
}

describe('githubReporter', () => {
  it('folds each finished image log in a group, commands paused, and annotates the failed step', () => {
    const files = runnerFiles();
    let log = '';
    play(githubReporter({ write: (t) => (log += t) }, options(files.env)));
    expect(log).toBe(
      [
        '::group::base: built sha256:bbbbbbbbbbbb in 12.3s',
        '::stop-commands::TOKEN',
        'Step 1/2 : FROM alpine:3.20@sha256:…',
        'Step 2/2 : RUN echo ::add-mask::not-a-secret',
        '::TOKEN::',
        '::endgroup::',
        '::group::app: failed after 3.2s at step 3/4 RUN make',
        '::stop-commands::TOKEN',
        'Step 1/4 : FROM base@sha256:…',
        'make: *** [all] Error 2',
        '::TOKEN::',
        '::endgroup::',
        "::error file=platform/images/app/Dockerfile,line=3,col=1,title=app failed after 3.2s at step 3/4 RUN make::step 3/4 failed: The command '/bin/sh -c make' returned a non-zero code: 2%0Amake: *** [all] Error 2",
        '',
      ].join('\n'),
    );
  });

  it('sets the digests (JSON) and the status as step outputs', () => {
    const files = runnerFiles();
    play(githubReporter({ write: () => {} }, options(files.env)));
    const outputs = files.outputs();
    expect(outputs.status).toBe('failed');
    expect(JSON.parse(outputs.digests!)).toEqual({ base: digest('b'), cli: digest('c') });
    expect(outputs.digests).not.toContain('\n');
  });

  it('writes the job summary: the table of images, what failed, and the graph coloured by status', () => {
    const files = runnerFiles();
    play(githubReporter({ write: () => {} }, options(files.env)));
    expect(files.summary()).toBe(
      [
        '### pinyard build failed in 15.0s: 1 built, 1 skipped, 1 failed, 1 blocked; human tags left unchanged',
        '',
        '| image | status | digest | tags | time |',
        '| --- | --- | --- | --- | --- |',
        `| \`base\` | ✅ built | \`${digest('b')}\` | \`pinyard-0123456789abcdef01234567\` | 12.3s |`,
        '| `app` | ❌ failed after 3.2s at step 3/4 RUN make |  |  | 3.2s |',
        `| \`cli\` | ⏭️ unchanged | \`${digest('c')}\` | \`pinyard-89abcdef0123456789abcdef\` | 0.2s |`,
        '| `tool` | ⛔ blocked by app |  |  | 0.0s |',
        '',
        '<details><summary>app: failed after 3.2s at step 3/4 RUN make</summary>',
        '',
        '```',
        "step 3/4 failed: The command '/bin/sh -c make' returned a non-zero code: 2",
        'make: *** [all] Error 2',
        '```',
        '',
        '</details>',
        '',
        '```mermaid',
        'flowchart TD',
        '  u0(["docker.io/library/alpine:3.20"])',
        '  i1["base"]',
        '  i2["app"]',
        '  i3["cli"]',
        '  i4["tool"]',
        '  u0 --> i1',
        '  i1 --> i2',
        '  i1 --> i3',
        '  i2 --> i4',
        '  classDef upstream fill:#eef,stroke:#88a',
        '  class u0 upstream',
        '  classDef built fill:#dafbe1,stroke:#1a7f37',
        '  class i1 built',
        '  classDef skipped fill:#f6f8fa,stroke:#8c959f,color:#57606a',
        '  class i3 skipped',
        '  classDef failed fill:#ffebe9,stroke:#cf222e',
        '  class i2 failed',
        '  classDef blocked fill:#fff8c5,stroke:#9a6700,stroke-dasharray:4 3',
        '  class i4 blocked',
        '```',
        '',
      ].join('\n'),
    );
  });

  it('annotates a failure outside any step on the Dockerfile, without a line', () => {
    const files = runnerFiles();
    let log = '';
    const hooks = githubReporter({ write: (t) => (log += t) }, options(files.env));
    hooks.onImageFinished?.({
      ...images.app!,
      error: { code: 'PINYARD_DENIED', message: 'access denied: ci may not push acme/app' },
    });
    expect(log).toBe(
      '::error file=platform/images/app/Dockerfile,title=app failed after 3.2s::access denied: ci may not push acme/app\n',
    );
  });
});

describe('githubReporter on a long log', () => {
  it('keeps the last GROUP_LINES lines of an image for its group and says where the rest is', () => {
    let log = '';
    const hooks = githubReporter({ write: (t) => (log += t) }, options(runnerFiles().env));
    const total = 3 * GROUP_LINES + 7;
    for (let i = 1; i <= total; i++) hooks.onImageLog?.('base', `line ${i}`);
    hooks.onImageFinished?.({ ...images.base!, log: '.pinyard/logs/base.log' });
    const group = log.split('\n');
    const first = group.indexOf('::stop-commands::TOKEN') + 1;
    const last = group.indexOf('::TOKEN::') - 1;
    expect(group[first]).toBe(
      `… ${total - GROUP_LINES} earlier lines left out: the whole log is in .pinyard/logs/base.log`,
    );
    expect(group[first + 1]).toBe(`line ${total - GROUP_LINES + 1}`);
    expect(group[last]).toBe(`line ${total}`);
    expect(last - first).toBe(GROUP_LINES);
  });
});

describe('chooseReporters in GitHub Actions', () => {
  const play1 = (env: NodeJS.ProcessEnv, json: boolean) => {
    const text = { stdout: '', stderr: '' };
    const { hooks } = chooseReporters({
      tty: false,
      json,
      logDir: mkdtempSync(path.join(tmpdir(), 'pinyard-gh-logs-')),
      stdout: { write: (t) => (text.stdout += t) },
      stderr: { write: (t) => (text.stderr += t) },
      github: options(env),
    });
    hooks.onPlan([{ name: 'base', parents: [] }]);
    hooks.onImageLog('base', 'Step 1/1 : FROM alpine');
    hooks.onImageFinished(images.base!);
    return text;
  };

  it('adds the groups to the progress stream only when GITHUB_ACTIONS=true', () => {
    expect(play1(runnerFiles().env, false).stdout).toContain('::group::base: built');
    expect(play1({ ...runnerFiles().env, GITHUB_ACTIONS: undefined }, false).stdout).not.toContain('::');
  });

  it('keeps stdout for the JSON report under --json: workflow commands go to stderr', () => {
    const text = play1(runnerFiles().env, true);
    expect(text.stdout).toBe('');
    expect(text.stderr).toContain('::group::base: built');
  });
});
