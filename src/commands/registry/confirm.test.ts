import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type AnswerInput, confirm } from './confirm.js';

/** A terminal (or not) on which the user types `typed`, and what was shown on stderr. */
function terminal(options: { typed?: string; tty?: boolean }) {
  const input = new PassThrough() as PassThrough & AnswerInput;
  input.isTTY = options.tty ?? true;
  if (options.typed !== undefined) input.end(options.typed);
  let shown = '';
  const stderr = {
    isTTY: options.tty ?? true,
    write: (s: string) => {
      shown += s;
    },
  };
  return { input, stderr, shown: () => shown };
}

const deletion = {
  action: 'delete r/app@sha256:aaa and 2 tags on it',
  details: ['r/app:1.4', 'r/app:latest'],
};

describe('confirm', () => {
  it('goes ahead without asking under --yes', async () => {
    const t = terminal({ tty: false });
    await expect(confirm({ stderr: t.stderr }, true, deletion, t.input)).resolves.toBe(true);
    expect(t.shown()).toBe('');
  });

  it.each([
    ['y\n', true],
    ['yes\n', true],
    ['Y\n', true],
    ['n\n', false],
    ['\n', false],
    ['sure\n', false],
    ['', false],
  ])('on a terminal, shows what goes and asks; %j means %s', async (typed, expected) => {
    const t = terminal({ typed });
    await expect(confirm({ stderr: t.stderr }, false, deletion, t.input)).resolves.toBe(expected);
    expect(t.shown()).toBe('  r/app:1.4\n  r/app:latest\nDelete r/app@sha256:aaa and 2 tags on it? [y/N] ');
  });

  it.each([
    ['stdin is not a terminal', { stdinTty: false, stderrTty: true }],
    ['stderr is not a terminal', { stdinTty: true, stderrTty: false }],
  ])('refuses when %s: nobody could answer', async (_, { stdinTty, stderrTty }) => {
    const t = terminal({ tty: stdinTty });
    const stderr = { ...t.stderr, isTTY: stderrTty };
    await expect(confirm({ stderr }, false, deletion, t.input)).rejects.toMatchObject({
      code: 'PINYARD_NEEDS_CONFIRMATION',
      exitCode: 2,
      message:
        'refusing to delete r/app@sha256:aaa and 2 tags on it without confirmation: there is no terminal to ask on',
      hint: expect.stringContaining('--yes'),
    });
    expect(t.shown()).toContain('  r/app:1.4\n  r/app:latest\n');
  });
});
