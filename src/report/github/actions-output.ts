import { stripControls } from '../../text/control-characters.js';
import type { TerminalOutput, TextOutput } from '../build/output.js';
import { addMask, withoutCommands, workflowCommand } from './workflow-commands.js';

/**
 * What the Actions runner takes as a command, from the runner's own parser (actions/runner
 * `ActionCommand.TryParseV2` and `TryParse`): a line that starts with `::` once leading white space is
 * trimmed, and a line holding `##[` anywhere. The runner splits its input into lines at LF, CR and CRLF.
 *
 * Neither shape may reach it from text pinyard did not write, so that text gets a zero-width space (U+200B,
 * which .NET does not count as white space) inside the marker: after the first `:` of `::`, before the `[`
 * of `##[`. The log reads the same to a person. The runner compares with .NET's culture-aware StartsWith and
 * IndexOf, which may skip U+200B, but it cuts the command name out at fixed offsets: the name then starts
 * with `:` or `[`, and no command has such a name. In JSON (stdout under `--json`) `##[` can only be inside
 * a string, where `\u005b` is the same `[`, so the JSON keeps its value.
 */
const ZERO_WIDTH_SPACE = '\u200b';
/** .NET's `char.IsWhiteSpace`, which TrimStart uses, and a little more: JS `\s` plus NEL. */
const blank = /^[\s\u0085]*/;

/**
 * Neutralises the runner's command markers in a stream of text, writes of any size, keeping what it
 * needs of the current line between writes: whether it has started (a non-blank character) and how,
 * and its last two characters. Pure.
 */
export class CommandNeutralizer {
  readonly #json: boolean;
  readonly #strip: boolean;
  #started = false;
  /** The first two characters of the current line from its first non-blank one. */
  #head = '';
  /** The current line's last two characters. */
  #tail = '';

  constructor(options: { json?: boolean; stripControls?: boolean } = {}) {
    this.#json = options.json ?? false;
    this.#strip = options.stripControls ?? true;
  }

  text(input: string): string {
    const parts = (this.#strip ? stripControls(input) : input).split(/(\r\n|\r|\n)/);
    let out = '';
    for (const [i, part] of parts.entries()) {
      if (i % 2 === 1) {
        out += part;
        this.newLine();
      } else {
        out += this.#segment(part);
      }
    }
    return out;
  }

  /** The writer ended a line itself (a command line of pinyard's own). */
  newLine(): void {
    this.#started = false;
    this.#head = '';
    this.#tail = '';
  }

  /** Whether the current line has anything on it yet. */
  get midLine(): boolean {
    return this.#tail !== '';
  }

  #segment(segment: string): string {
    if (segment === '') return '';
    let s = this.#brackets(segment);
    if (!this.#started) {
      const k = blank.exec(s)![0].length;
      if (s.startsWith('::', k)) s = `${s.slice(0, k + 1)}${ZERO_WIDTH_SPACE}${s.slice(k + 1)}`;
    } else if (this.#head === ':' && s.startsWith(':')) {
      s = `${ZERO_WIDTH_SPACE}${s}`;
    }
    if (!this.#started) {
      const k = blank.exec(s)![0].length;
      if (k < s.length) {
        this.#started = true;
        this.#head = s.slice(k, k + 2);
      }
    } else if (this.#head.length < 2) {
      this.#head += s.slice(0, 2 - this.#head.length);
    }
    this.#tail = (this.#tail + s).slice(-2);
    return s;
  }

  /** Every `##[`, including one whose `##` ended the previous write. */
  #brackets(segment: string): string {
    const joined = this.#tail + segment;
    if (!joined.includes('##[')) return segment;
    const bracket = this.#json ? '\\u005b' : `${ZERO_WIDTH_SPACE}[`;
    let out = '';
    let from = 0;
    for (const match of joined.matchAll(/##\[/g)) {
      const at = match.index + 2 - this.#tail.length;
      out += `${segment.slice(from, at)}${bracket}`;
      from = at + 1;
    }
    return out + segment.slice(from);
  }
}

/**
 * A process stream in GitHub Actions mode. `write` is for any text: the runner never takes a line of it
 * as a command, and control characters are dropped unless the stream is a terminal. Commands pinyard
 * writes itself go through `command`, untouched. `mask` announces a secret, never inside a
 * stop-commands window (the runner would print it instead of taking it).
 */
export class ActionsOutput implements TerminalOutput {
  readonly #inner: TerminalOutput & { readonly isTTY?: boolean };
  readonly #text: CommandNeutralizer;
  #paused = false;
  #pendingMasks: string[] = [];

  constructor(inner: TerminalOutput & { readonly isTTY?: boolean }, options: { json?: boolean } = {}) {
    this.#inner = inner;
    this.#text = new CommandNeutralizer({ ...options, stripControls: !inner.isTTY });
  }

  get isTTY(): boolean | undefined {
    return this.#inner.isTTY;
  }
  get columns(): number | undefined {
    return this.#inner.columns;
  }
  get rows(): number | undefined {
    return this.#inner.rows;
  }

  write(text: string): void {
    this.#inner.write(this.#text.text(text));
  }

  /** One or more whole command lines of pinyard's own, each ending with a newline. */
  command(line: string): void {
    // A command counts only at the start of a line.
    if (this.#text.midLine) this.#inner.write('\n');
    this.#inner.write(line);
    this.#text.newLine();
  }

  mask(secret: string): void {
    if (this.#paused) this.#pendingMasks.push(secret);
    else this.command(addMask(secret));
  }

  /**
   * `text` between the runner's stop-commands markers. `token` must be unguessable by whoever wrote the
   * text; the text is neutralised as well, so it could not end the pause even if it guessed.
   */
  withoutCommands(text: string, token: string): void {
    if (text === '') return;
    this.command(workflowCommand('stop-commands', {}, token));
    this.#paused = true;
    try {
      this.write(text.endsWith('\n') ? text : `${text}\n`);
      this.command(`::${token}::\n`);
    } finally {
      this.#paused = false;
    }
    for (const secret of this.#pendingMasks.splice(0)) this.mask(secret);
  }
}

/** Writes a command of pinyard's own: through `command` on an Actions stream, as text elsewhere (tests). */
export function writeCommand(out: TextOutput, line: string): void {
  if (out instanceof ActionsOutput) out.command(line);
  else out.write(line);
}

/** See ActionsOutput.withoutCommands; elsewhere (tests) the same lines as plain text. */
export function writeWithoutCommands(out: TextOutput, text: string, token: string): void {
  if (out instanceof ActionsOutput) out.withoutCommands(text, token);
  else out.write(withoutCommands(text, token));
}

/** Announces a secret: ActionsOutput.mask, or the command as text elsewhere (tests). */
export function writeMask(out: TextOutput, secret: string): void {
  if (out instanceof ActionsOutput) out.mask(secret);
  else out.write(addMask(secret));
}
