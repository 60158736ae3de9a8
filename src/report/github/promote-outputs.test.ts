import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PromoteReport } from '../promote/report.js';
import { githubPromoteOutputs } from './promote-outputs.js';

const digest = `sha256:${'a'.repeat(64)}`;
const report: PromoteReport = {
  version: 1,
  environment: 'prod',
  dryRun: false,
  status: 'succeeded',
  access: [],
  durationMs: 12,
  images: [
    {
      name: 'app',
      source: 'r.example.com/acme/app:1.4',
      digest,
      targets: ['prod.example.com/acme/app:1.4'],
      status: 'promoted',
      strategy: 'copy',
      blobs: { mounted: 0, copied: 3, skipped: 1 },
      bytes: 100,
      manifests: 1,
      durationMs: 10,
    },
  ],
};

function runnerFiles() {
  const dir = mkdtempSync(path.join(tmpdir(), 'pinyard-gh-'));
  const files = { GITHUB_OUTPUT: path.join(dir, 'output'), GITHUB_STEP_SUMMARY: path.join(dir, 'summary') };
  for (const file of Object.values(files)) writeFileSync(file, '');
  return files;
}

describe('githubPromoteOutputs', () => {
  it('sets the digest outputs and adds the promotion to the job summary', () => {
    const files = runnerFiles();
    githubPromoteOutputs({ GITHUB_ACTIONS: 'true', ...files }, report);
    const outputs = readFileSync(files.GITHUB_OUTPUT, 'utf8');
    expect(outputs).toMatch(new RegExp(`^digests<<(\\S+)\\n\\{"app":"${digest}"\\}\\n\\1\\n`));
    expect(outputs).toMatch(new RegExp(`\\ndigest<<(\\S+)\\n${digest}\\n\\1\\n`));
    expect(outputs).toMatch(/\nstatus<<(\S+)\nsucceeded\n\1\n$/);
    expect(readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8')).toBe(
      [
        '### Promotion to prod: succeeded',
        '',
        '| image | status | digest | source | target |',
        '|---|---|---|---|---|',
        `| app | promoted | \`${digest}\` | r.example.com/acme/app:1.4 | prod.example.com/acme/app:1.4 |`,
        '',
        '',
      ].join('\n'),
    );
  });

  it('writes nothing outside GitHub Actions', () => {
    const files = runnerFiles();
    githubPromoteOutputs({ ...files }, report);
    expect(readFileSync(files.GITHUB_OUTPUT, 'utf8')).toBe('');
  });
});
