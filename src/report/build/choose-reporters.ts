import { type GithubBuildOptions, githubReporter } from '../github/build-reporter.js';
import { inGithubActions } from '../github/environment-files.js';
import { type BuildHooks, combineHooks } from './events.js';
import { jsonReport, jsonReportWriter } from './json-report.js';
import { logFiles } from './log-files.js';
import type { TerminalOutput } from './output.js';
import { plainReporter } from './plain-reporter.js';
import { ttyReporter } from './tty-reporter.js';

export interface ReporterChoice {
  /** Whether the progress stream is a terminal: stderr under `--json`, stdout otherwise. */
  tty: boolean;
  /** `--json`: the report goes to stdout, so progress moves to stderr. */
  json: boolean;
  /** `--report FILE`. */
  reportFile?: string;
  logDir: string;
  stdout: TerminalOutput;
  stderr: TerminalOutput;
  /** Used when `env` says GITHUB_ACTIONS=true: groups, annotations, job summary, step outputs. */
  github?: GithubBuildOptions;
}

export interface ChosenReporters {
  hooks: Required<BuildHooks>;
  /** Where an image's build log is, for `ImageReport.log`. */
  logFile(name: string): string | undefined;
}

/**
 * The reporters of one `build` run. Log files come first, so that a failure a later reporter prints
 * points at a log that is already complete.
 */
export function chooseReporters(choice: ReporterChoice): ChosenReporters {
  const logs = logFiles(choice.logDir);
  const progressStream = choice.json ? choice.stderr : choice.stdout;
  const reporters: BuildHooks[] = [
    logs,
    choice.tty ? ttyReporter(progressStream) : plainReporter(progressStream),
  ];
  // Workflow commands go where the progress goes: the runner reads stderr too, and stdout may be JSON.
  if (choice.github && inGithubActions(choice.github.env)) {
    reporters.push(githubReporter(progressStream, choice.github));
  }
  if (choice.json) reporters.push(jsonReport(choice.stdout));
  if (choice.reportFile !== undefined) reporters.push(jsonReportWriter(choice.reportFile));
  return { hooks: combineHooks(reporters), logFile: (name) => logs.path(name) };
}
