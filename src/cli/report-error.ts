import type { PinyardError } from '../errors.js';
import { writeCommand } from '../report/github/actions-output.js';
import { inGithubActions } from '../report/github/environment-files.js';
import { errorAnnotations } from '../report/github/error-annotations.js';
import type { CommandContext } from './io.js';

/**
 * Prints an expected error: every problem at its file:line:col, then what to do. No stack trace:
 * the message is the product. With --json the same facts go to stdout as one object. In GitHub Actions
 * each problem is also an `::error` annotation on its line, on the stream the groups go to (stdout, or
 * stderr under --json). A message can quote a registry or an engine: control characters are dropped.
 */
export function reportError(
  error: PinyardError,
  ctx: Pick<CommandContext, 'json' | 'stdout' | 'stderr' | 'env' | 'cwd'>,
): void {
  if (inGithubActions(ctx.env)) {
    writeCommand(
      ctx.json ? ctx.stderr : ctx.stdout,
      errorAnnotations(error, { cwd: ctx.cwd, workspace: ctx.env.GITHUB_WORKSPACE }),
    );
  }
  if (ctx.json) {
    ctx.stdout.write(`${JSON.stringify({ version: 1, error: error.toJSON() }, null, 2)}\n`);
    return;
  }
  const lines = [`pinyard: ${visible(error.located)} (${error.code})`];
  for (const detail of error.details) {
    lines.push(`  ${visible(detail.located)}`);
    if (detail.hint && detail.hint !== error.hint) lines.push(`    hint: ${visible(detail.hint)}`);
  }
  if (error.hint) lines.push(`hint: ${visible(error.hint)}`);
  ctx.stderr.write(`${lines.join('\n')}\n`);
}

/**
 * A message may quote what a file holds (a key of a binary file fed as images.yml, a Dockerfile word): its
 * control characters (escape sequences, carriage returns, bidirectional overrides) are shown as escapes, so
 * they can neither garble nor disguise the terminal's text.
 */
export function visible(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (ch) => {
    const code = ch.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}
