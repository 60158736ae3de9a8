import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readOutputs } from '../../../test/helpers/github-files.js';
import { isPinyardError } from '../../errors.js';
import { appendSummary, outputEntry, setOutputs } from './environment-files.js';

const scratch = () => mkdtempSync(path.join(tmpdir(), 'pinyard-gh-files-'));

describe('step outputs', () => {
  it('writes each output in the delimiter form, which takes any value', () => {
    expect(outputEntry('digests', '{"app":"sha256:ab"}', 'EOF_1')).toBe(
      'digests<<EOF_1\n{"app":"sha256:ab"}\nEOF_1\n',
    );
  });

  it('appends outputs to $GITHUB_OUTPUT after what other steps wrote, as the runner reads them', () => {
    const file = path.join(scratch(), 'output');
    writeFileSync(file, 'earlier=1\n');
    setOutputs({ GITHUB_OUTPUT: file }, { digests: '{"app":"sha256:ab"}', log: 'line 1\nline 2' });
    expect(readOutputs(readFileSync(file, 'utf8'))).toEqual({
      earlier: '1',
      digests: '{"app":"sha256:ab"}',
      log: 'line 1\nline 2',
    });
  });

  it('picks a new random delimiter each time, so a value cannot end its block early', () => {
    const [a, b] = [outputEntry('x', 'v'), outputEntry('x', 'v')].map((e) => e.split('\n')[0]);
    expect(a).toMatch(/^x<<ghadelimiter_[0-9a-f-]{36}$/);
    expect(a).not.toBe(b);
  });

  it('does nothing outside a step (no $GITHUB_OUTPUT or $GITHUB_STEP_SUMMARY)', () => {
    expect(() => setOutputs({}, { a: 'b' })).not.toThrow();
    expect(() => appendSummary({}, '# x')).not.toThrow();
  });
});

describe('job summary', () => {
  it('appends Markdown to $GITHUB_STEP_SUMMARY', () => {
    const file = path.join(scratch(), 'summary.md');
    appendSummary({ GITHUB_STEP_SUMMARY: file }, '# one\n');
    appendSummary({ GITHUB_STEP_SUMMARY: file }, '# two\n');
    expect(readFileSync(file, 'utf8')).toBe('# one\n# two\n');
  });

  it('says which file it could not write, as a pinyard error', () => {
    const file = path.join(scratch(), 'missing-dir', 'summary.md');
    let caught: unknown;
    try {
      appendSummary({ GITHUB_STEP_SUMMARY: file }, '# x');
    } catch (error) {
      caught = error;
    }
    expect(isPinyardError(caught) && caught.code).toBe('PINYARD_WRITE_FAILED');
    expect((caught as Error).message).toContain(file);
  });
});
