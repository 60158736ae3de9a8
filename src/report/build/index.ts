export { type ChosenReporters, chooseReporters, type ReporterChoice } from './choose-reporters.js';
export {
  type BuildHooks,
  type BuildReport,
  combineHooks,
  type ImageReport,
  type ImageStatus,
} from './events.js';
export { blockedError, formatDuration, formatStep, shortDigest, summaryLine } from './format.js';
export { formatBuildReport, jsonReport, jsonReportWriter } from './json-report.js';
export { type LogFiles, logFiles } from './log-files.js';
export type { TerminalOutput, TextOutput } from './output.js';
export { plainReporter } from './plain-reporter.js';
export { ttyReporter } from './tty-reporter.js';
