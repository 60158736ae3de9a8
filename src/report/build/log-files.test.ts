import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PinyardError } from '../../errors.js';
import type { ImageReport } from './events.js';
import { logFiles } from './log-files.js';

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'pinyard-logs-'));
const finished = (name: string): ImageReport => ({
  name,
  status: 'built',
  tags: [],
  parents: [],
  durationMs: 0,
});

describe('logFiles', () => {
  it("keeps each image's whole output in <dir>/<name>.log, interleaved builds apart", () => {
    const dir = path.join(tempDir(), 'logs');
    const logs = logFiles(dir);
    logs.onImageLog?.('app', 'Step 1/2 : FROM base');
    logs.onImageLog?.('team/tool', 'Step 1/1 : FROM scratch');
    logs.onImageLog?.('app', 'Step 2/2 : RUN make');
    logs.onImageLog?.('app', '');
    logs.onImageFinished?.(finished('app'));
    logs.onRunFinished?.({ version: 1, status: 'succeeded', tagsMoved: false, images: [], durationMs: 0 });

    expect(logs.path('app')).toBe(path.join(dir, 'app.log'));
    expect(logs.path('team/tool')).toBe(path.join(dir, 'team', 'tool.log'));
    expect(readFileSync(path.join(dir, 'app.log'), 'utf8')).toBe(
      'Step 1/2 : FROM base\nStep 2/2 : RUN make\n\n',
    );
    expect(readFileSync(path.join(dir, 'team', 'tool.log'), 'utf8')).toBe('Step 1/1 : FROM scratch\n');
  });

  it('creates its directories 0700 and its files 0600, also a log an earlier run left 0644', () => {
    const base = tempDir();
    const dir = path.join(base, '.pinyard', 'logs');
    const logs = logFiles(dir);
    logs.onImageLog?.('team/tool', 'secret-looking output');
    const old = path.join(base, 'old');
    writeFileSync(path.join(base, 'old.log'), 'from an older pinyard\n', { mode: 0o644 });
    const again = logFiles(base);
    again.onImageLog?.('old', 'new run');
    const mode = (p: string) => statSync(p).mode & 0o777;
    expect(mode(path.join(base, '.pinyard'))).toBe(0o700);
    expect(mode(dir)).toBe(0o700);
    expect(mode(path.join(dir, 'team'))).toBe(0o700);
    expect(mode(path.join(dir, 'team', 'tool.log'))).toBe(0o600);
    expect(mode(`${old}.log`)).toBe(0o600);
  });

  it('replaces the log of an earlier run, and leaves none for an image that printed nothing', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'app.log'), 'yesterday\n');
    const logs = logFiles(dir);
    logs.onImageLog?.('app', 'today');
    logs.onImageFinished?.(finished('app'));
    logs.onImageFinished?.(finished('skipped'));
    expect(readFileSync(path.join(dir, 'app.log'), 'utf8')).toBe('today\n');
    expect(logs.path('skipped')).toBeUndefined();
    expect(existsSync(path.join(dir, 'skipped.log'))).toBe(false);
  });

  it('appends what an image prints after it finished', () => {
    const dir = tempDir();
    const logs = logFiles(dir);
    logs.onImageLog?.('app', 'built');
    logs.onImageFinished?.(finished('app'));
    logs.onImageLog?.('app', 'late line');
    logs.onImageFinished?.(finished('app'));
    expect(readFileSync(path.join(dir, 'app.log'), 'utf8')).toBe('built\nlate line\n');
  });

  it('says which log it could not write and what to do', () => {
    const dir = path.join(tempDir(), 'not-a-dir');
    writeFileSync(dir, '');
    const logs = logFiles(dir);
    let thrown: unknown;
    try {
      logs.onImageLog?.('app', 'Step 1/1 : FROM scratch');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PinyardError);
    expect(thrown).toMatchObject({
      code: 'PINYARD_WRITE_FAILED',
      message: expect.stringContaining(
        `could not write the build log of app to ${path.join(dir, 'app.log')}: `,
      ),
      hint: `make ${dir} writable, or free some disk space`,
    });
  });
});
