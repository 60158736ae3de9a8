import type { BuildHooks } from './events.js';
import { failedHeadline, failureDetails, formatStep, summaryLine } from './format.js';
import type { TerminalOutput } from './output.js';
import { finalTable, type LiveRow, type LiveState, liveFrame } from './tty-frame.js';

const cursorUp = (lines: number) => `\x1b[${lines}A`;
const clearLine = '\x1b[2K';
const clearBelow = '\x1b[J';

/** Often enough for elapsed tenths to tick, rarely enough that a chatty build cannot flood the terminal. */
const redrawEveryMs = 100;

/**
 * A live table, one line per image, redrawn in place: the cursor goes back up over the previous frame
 * and each line is rewritten. Events only change the state; a timer redraws at most every 100 ms, and
 * only when the frame changed. At the end: the whole table, the failures with their last lines, and a
 * summary.
 */
export function ttyReporter(stream: TerminalOutput): BuildHooks {
  const states = new Map<string, LiveState>();
  const engines = new Map<string, string>();
  const tagged: string[] = [];
  let onScreen: string[] = [];
  let timer: ReturnType<typeof setInterval> | undefined;

  const rows = (): LiveRow[] =>
    [...states].map(([name, state]) => {
      const engine = engines.get(name);
      return engine === undefined ? { name, state } : { name, state, engine };
    });
  const draw = (lines: string[]) => {
    if (lines.length === onScreen.length && lines.every((line, i) => line === onScreen[i])) return;
    const up = onScreen.length ? cursorUp(onScreen.length) : '';
    stream.write(`${up}${lines.map((line) => `${clearLine}${line}\n`).join('')}${clearBelow}`);
    onScreen = lines;
  };
  const redraw = () => draw(liveFrame(rows(), Date.now(), stream));
  const since = (name: string) => {
    const state = states.get(name);
    return state && 'since' in state ? state.since : Date.now();
  };

  return {
    onPlan(images) {
      for (const { name } of images) states.set(name, { phase: 'waiting' });
      redraw();
      timer = setInterval(redraw, redrawEveryMs);
      // A run that dies without onRunFinished must not be kept alive by its progress display.
      timer.unref();
    },
    onImageChecking: (name) => states.set(name, { phase: 'checking', since: since(name) }),
    onImageBuilding: (name, engine) => {
      if (engine !== undefined) engines.set(name, engine);
      states.set(name, { phase: 'building', since: since(name) });
    },
    onImageStep: (name, step, total, instruction, stage, cached) =>
      states.set(name, {
        phase: 'building',
        since: since(name),
        step: formatStep(step, total, instruction, stage, cached),
      }),
    onImagePushing: (name) => states.set(name, { phase: 'pushing', since: since(name) }),
    onImageFinished: (image) => states.set(image.name, { phase: 'finished', image }),
    onTagsMoved(moves) {
      for (const move of moves) tagged.push(`tagged ${move.ref}`);
    },
    onRunFinished(report) {
      clearInterval(timer);
      draw(finalTable(rows(), Date.now(), stream.columns));
      const failures = report.images
        .filter((image) => image.status === 'failed')
        .flatMap((image) => [
          '',
          `${image.name} ${failedHeadline(image)}`,
          ...failureDetails(image).map((line) => `  ${line}`),
        ]);
      const end = [...failures, '', ...tagged, summaryLine(report)];
      stream.write(`${end.join('\n')}\n`);
    },
  };
}
