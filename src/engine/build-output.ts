import { redact } from '../credentials/redact.js';
import { stripControls } from '../text/control-characters.js';
import type { JsonMessage } from './json-lines.js';
import { OutputLines, statusLine } from './output-lines.js';
import type { BuildStep } from './types.js';

/** Lines of a failing step kept for its error: enough to show why, few enough for a terminal. */
export const LAST_LINES = 20;

/** The classic builder's own chatter between steps: nothing a user needs to see why a step failed. */
const builderChatter = /^ ---> |^Removing intermediate container /;
const stepLine = /^Step (\d+)\/(\d+) : (.*)$/;

export interface BuildOutputHooks {
  onStep?(step: BuildStep): void;
  onLine?(line: string): void;
}

/**
 * Follows the classic builder's JSON stream of one build (`POST /build`): the step it is on, its lines,
 * the image ID it reports at the end (`aux.ID`), and the error it reports instead. dockerd answers 200
 * before the build starts, so a failure arrives as an `errorDetail` message inside the stream. Pure.
 */
export class BuildOutput {
  readonly #hooks: BuildOutputHooks;
  readonly #lines = new OutputLines();
  #step: BuildStep | undefined;
  #stepLines: string[] = [];
  #imageId: string | undefined;
  #error: string | undefined;

  constructor(hooks: BuildOutputHooks = {}) {
    this.#hooks = hooks;
  }

  accept(message: JsonMessage): void {
    if (message.stream !== undefined) for (const line of this.#lines.push(message.stream)) this.#line(line);
    const status = statusLine(message);
    if (status !== undefined) this.#line(status);
    const id = message.aux?.ID;
    if (typeof id === 'string') this.#imageId = id;
    const error = message.errorDetail?.message ?? message.error;
    if (error !== undefined) {
      this.end();
      this.#error ??= redact(stripControls(error).trim());
    }
  }

  /** Call when the stream has ended: a last line without a newline still counts. */
  end(): void {
    for (const line of this.#lines.end()) this.#line(line);
  }

  /** The step running when the build stopped, if it got that far. */
  get step(): BuildStep | undefined {
    return this.#step;
  }

  /** Up to LAST_LINES lines that step printed, builder chatter left out. */
  get lastLines(): string[] {
    return [...this.#stepLines];
  }

  get imageId(): string | undefined {
    return this.#imageId;
  }

  /** The engine's error message, secrets masked, when the build failed. */
  get error(): string | undefined {
    return this.#error;
  }

  #line(line: string): void {
    const step = stepLine.exec(line);
    if (step) {
      this.#step = { number: Number(step[1]), total: Number(step[2]), instruction: step[3]! };
      this.#stepLines = [];
      this.#hooks.onStep?.(this.#step);
    } else if (!builderChatter.test(line)) {
      this.#stepLines.push(line);
      if (this.#stepLines.length > LAST_LINES) this.#stepLines.shift();
    }
    this.#hooks.onLine?.(line);
  }
}

/** `Step 3/7 : RUN make` as the classic builder announces a step; `[build 2/5] RUN make` as BuildKit does. */
export function formatStep(step: BuildStep): string {
  if (step.stage === undefined) return `Step ${step.number}/${step.total} : ${step.instruction}`;
  const stage = step.stage === '' ? '' : `${step.stage} `;
  return `[${stage}${step.number}/${step.total}] ${step.instruction}`;
}
