import type { PinyardError } from '../errors.js';
import { writeCommand } from '../report/github/actions-output.js';
import { inGithubActions } from '../report/github/environment-files.js';
import { errorAnnotations } from '../report/github/error-annotations.js';
import { stripControls } from '../text/control-characters.js';
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
  const lines = [`pinyard: ${error.located} (${error.code})`];
  for (const detail of error.details) {
    lines.push(`  ${detail.located}`);
    if (detail.hint && detail.hint !== error.hint) lines.push(`    hint: ${detail.hint}`);
  }
  if (error.hint) lines.push(`hint: ${error.hint}`);
  ctx.stderr.write(`${stripControls(lines.join('\n'))}\n`);
}
