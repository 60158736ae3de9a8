import { redact } from '../registry/redact.js';
import type { JsonMessage } from './json-lines.js';

/**
 * Turns the `stream` text of engine messages into whole lines fit for a log and a terminal. The classic
 * builder splits lines across messages (`Step 2/4 : RUN x` and its `\n` come apart), colours a RUN's stderr
 * with ANSI escapes and passes through the `\r` redraws of progress bars. Pure apart from the process-wide
 * list of secrets to mask.
 */
export class OutputLines {
  #partial = '';

  /** The lines `text` completes, cleaned. */
  push(text: string): string[] {
    const parts = (this.#partial + text).split('\n');
    this.#partial = parts.pop() ?? '';
    return parts.map(cleanLine);
  }

  /** The unterminated last line, if any. */
  end(): string[] {
    const rest = this.#partial;
    this.#partial = '';
    return rest === '' ? [] : [cleanLine(rest)];
  }
}

/**
 * A status message as `docker pull` and `docker push` print it (`a1b2c3: Pull complete`), or undefined for
 * progress-bar updates, which would fill a log with thousands of lines.
 */
export function statusLine(message: JsonMessage): string | undefined {
  if (message.status === undefined || message.progress !== undefined) return undefined;
  if (message.progressDetail?.current !== undefined) return undefined;
  return cleanLine(message.id ? `${message.id}: ${message.status}` : message.status);
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences start with ESC.
const ansiEscape = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

function cleanLine(line: string): string {
  // What a terminal would show after `\r` redraws: the last segment that has something in it.
  const segments = line.replace(ansiEscape, '').split('\r');
  const shown = segments.findLast((s) => s.trim() !== '') ?? '';
  return redact(shown);
}
