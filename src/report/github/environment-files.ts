import { appendFileSync } from 'node:fs';
import { PinyardError } from '../../errors.js';

/**
 * The runner's environment files: a step appends to $GITHUB_OUTPUT (step outputs) and
 * $GITHUB_STEP_SUMMARY (Markdown on the run's page). Writes are synchronous so they are complete when
 * pinyard exits, whatever the exit path.
 */

/** True inside a GitHub Actions job, where pinyard writes workflow commands and the job summary. */
export function inGithubActions(env: NodeJS.ProcessEnv): boolean {
  return env.GITHUB_ACTIONS === 'true';
}

/**
 * `name<<DELIMITER` … `DELIMITER`: the form that takes any value, newlines included. The delimiter is
 * random so that no value can end the block early and set another output (actions/toolkit does the same).
 */
export function outputEntry(
  name: string,
  value: string,
  // The global Web Crypto object, loaded on first use: importing node:crypto here would load it at every
  // start of every command (this module is read at start), and only a GitHub Actions step needs it.
  delimiter = `ghadelimiter_${crypto.randomUUID()}`,
): string {
  return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
}

/** Sets step outputs; does nothing outside a step that has $GITHUB_OUTPUT. */
export function setOutputs(env: NodeJS.ProcessEnv, outputs: Record<string, string>): void {
  const file = env.GITHUB_OUTPUT;
  if (!file) return;
  append(
    file,
    Object.entries(outputs)
      .map(([name, value]) => outputEntry(name, value))
      .join(''),
    'step outputs',
  );
}

/** Appends Markdown to the job summary; does nothing without $GITHUB_STEP_SUMMARY. */
export function appendSummary(env: NodeJS.ProcessEnv, markdown: string): void {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file) return;
  append(file, markdown, 'the job summary');
}

function append(file: string, text: string, what: string): void {
  try {
    appendFileSync(file, text);
  } catch (error) {
    throw new PinyardError(
      'PINYARD_WRITE_FAILED',
      `could not write ${what} to ${file}: ${(error as Error).message}`,
      {
        hint: 'the runner sets this file for each step; run pinyard as a step of the job, not in a detached process',
        cause: error,
      },
    );
  }
}
