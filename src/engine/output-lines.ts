import { redact } from '../credentials/redact.js';
import { stripControls } from '../text/control-characters.js';
import type { JsonMessage } from './json-lines.js';

/**
 * Turns the `stream` text of engine messages into whole lines fit for a log and a terminal. The classic
 * builder splits lines across messages (`Step 2/4 : RUN x` and its `\n` come apart), colours a RUN's stderr
 * with ANSI escapes and passes through the `\r` redraws of progress bars. Every escape sequence and control
 * character is dropped: a build's output is hostile text. Pure apart from the process-wide list of
 * secrets to mask.
 */
export class OutputLines {
  /** The last segment of the current line (between `\r` redraws) that had something on it. */
  #shown = '';
  #shownCut = false;
  /** The segment being written now. */
  #current = '';
  /** `#current` ran past MAX_LINE: the rest of the segment is dropped. */
  #cut = false;

  /**
   * The lines `text` completes, cleaned. Only `text` is searched, and a line is held as its last shown
   * segment and the one being drawn, each at most MAX_LINE long: a line of 40,000 redraws costs its length
   * once, not its length for every redraw.
   */
  push(text: string): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      this.#append(text.slice(start, end));
      lines.push(this.#take());
      start = end + 1;
    }
    this.#append(text.slice(start));
    return lines;
  }

  /** The unterminated last line, if any. */
  end(): string[] {
    return this.#shown === '' && this.#current === '' ? [] : [this.#take()];
  }

  /** Characters held for the current line: at most twice MAX_LINE, however long it runs. */
  get pending(): number {
    return this.#shown.length + this.#current.length;
  }

  #take(): string {
    // What a terminal would show after the redraws: the last segment that has something on it.
    const current = hasText(this.#current);
    const line = cleanLine(current ? this.#current : this.#shown);
    const cut = current ? this.#cut : this.#shownCut;
    this.#shown = '';
    this.#current = '';
    this.#shownCut = this.#cut = false;
    return cut ? `${line} … (line cut at ${MAX_LINE} characters)` : line;
  }

  #append(piece: string): void {
    const segments = piece.split('\r');
    this.#extend(segments[0]!);
    for (const segment of segments.slice(1)) {
      if (hasText(this.#current)) {
        this.#shown = this.#current;
        this.#shownCut = this.#cut;
      }
      this.#current = '';
      this.#cut = false;
      this.#extend(segment);
    }
  }

  #extend(part: string): void {
    if (this.#cut || part === '') return;
    this.#current += part;
    if (this.#current.length > MAX_LINE) {
      this.#current = this.#current.slice(0, MAX_LINE);
      this.#cut = true;
    }
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

/** Characters of one output line kept: a line longer than any log reader would read is cut. */
export const MAX_LINE = 16 * 1024;

function hasText(segment: string): boolean {
  return segment !== '' && stripControls(segment).trim() !== '';
}

function cleanLine(line: string): string {
  const segments = stripControls(line).split('\r');
  return redact(segments.findLast((s) => s.trim() !== '') ?? '');
}
