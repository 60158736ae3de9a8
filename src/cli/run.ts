import { ExitCode, isPinyardError } from '../errors.js';
import { ActionsOutput } from '../report/github/actions-output.js';
import { inGithubActions } from '../report/github/environment-files.js';
import { maskSecrets } from '../report/github/mask-secrets.js';
import type { CommandContext } from './io.js';
import { buildProgram, CommanderError, unknownHelpTopic, usageError } from './program.js';
import { reportError } from './report-error.js';

/**
 * The one place that turns outcomes into exit codes. Expected errors (PinyardError) print their message;
 * anything else is a bug in pinyard and prints its stack so it can be reported.
 */
export async function run(
  argv: string[],
  given: Omit<CommandContext, 'manifestFile' | 'json' | 'strict'>,
): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const json = argv.includes('--json');
  const actions = inGithubActions(given.env);
  // In GitHub Actions nothing a registry or a build says may reach the runner as a command: every line
  // goes through ActionsOutput, and only pinyard's own commands pass it untouched.
  const base = actions
    ? {
        ...given,
        stdout: new ActionsOutput(given.stdout, { json }),
        stderr: new ActionsOutput(given.stderr),
      }
    : given;
  const program = buildProgram(base, (code) => {
    exitCode = code;
  });
  // Every secret pinyard reads is masked in the job's log before it could be printed, on the stream the
  // groups (and their stop-commands windows) go to: stdout, or stderr when stdout holds the JSON.
  const stopMasking = actions ? maskSecrets(json ? base.stderr : base.stdout) : undefined;
  try {
    const unknownTopic = unknownHelpTopic(argv, program);
    if (unknownTopic) throw unknownTopic;
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      const usage = usageError(error);
      if (!usage) return ExitCode.ok;
      reportError(usage, { ...base, json });
      return usage.exitCode;
    }
    if (isPinyardError(error)) {
      reportError(error, { ...base, json });
      return error.exitCode;
    }
    base.stderr.write(
      `pinyard: internal error (please report it): ${(error as Error)?.stack ?? String(error)}\n`,
    );
    return ExitCode.failed;
  } finally {
    stopMasking?.();
  }
}
