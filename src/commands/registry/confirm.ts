import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { CommandContext } from '../../cli/io.js';
import { PinyardError } from '../../errors.js';

export interface Confirmation {
  /** `delete 127.0.0.1:5000/acme/app@sha256:… and its tags 1.4, latest`: the act, for the question and a refusal. */
  action: string;
  /** What goes with it, one line each, shown before the question and in a refusal. */
  details?: string[];
}

/** The terminal the answer is typed on: process.stdin in the CLI. */
export type AnswerInput = Readable & { isTTY?: boolean };

/**
 * Asks before a destructive act. `--yes` answers for the user (scripts, CI). Without it, the question
 * needs a terminal both to be seen (stderr) and answered (stdin): with either redirected, nobody can
 * answer, so the command refuses (exit 2) rather than guess. Resolves false when the user declines.
 */
export async function confirm(
  ctx: Pick<CommandContext, 'stderr'>,
  yes: boolean,
  confirmation: Confirmation,
  input: AnswerInput = process.stdin,
): Promise<boolean> {
  if (yes) return true;
  const details = (confirmation.details ?? []).map((line) => `  ${line}\n`).join('');
  // What would go is shown either way: before the question, or before the refusal.
  ctx.stderr.write(details);
  if (!ctx.stderr.isTTY || !input.isTTY) {
    throw new PinyardError(
      'PINYARD_NEEDS_CONFIRMATION',
      `refusing to ${confirmation.action} without confirmation: there is no terminal to ask on`,
      { hint: 'pass --yes to go ahead without being asked (scripts, CI)' },
    );
  }
  ctx.stderr.write(`${capitalize(confirmation.action)}? [y/N] `);
  const answer = await firstLine(input);
  return /^y(es)?$/i.test(answer.trim());
}

function firstLine(input: AnswerInput): Promise<string> {
  const lines = createInterface({ input, terminal: false });
  return new Promise((resolve) => {
    let answered = false;
    lines.once('line', (line) => {
      answered = true;
      lines.close();
      resolve(line);
    });
    // Ctrl-D (end of input) is a no.
    lines.once('close', () => {
      if (!answered) resolve('');
    });
  });
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
