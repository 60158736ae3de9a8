import type { BuildHooks } from './events.js';
import {
  failedHeadline,
  failureDetails,
  formatDuration,
  formatStep,
  shortDigest,
  summaryLine,
} from './format.js';
import type { TextOutput } from './output.js';

/**
 * One line per state change, for logs and pipes: lines from concurrent builds interleave, so each
 * starts with the image's name, padded to align the columns.
 */
export function plainReporter(out: TextOutput): BuildHooks {
  let width = 0;
  const line = (name: string, text: string) => out.write(`${name.padEnd(width)}  ${text}\n`);

  return {
    onPlan(images) {
      width = Math.max(0, ...images.map((i) => i.name.length));
    },
    onImageChecking: (name) => line(name, 'checking'),
    onImageBuilding: (name, engine) => line(name, engine ? `building on ${engine}` : 'building'),
    onImageStep: (name, step, total, instruction, stage, cached) =>
      line(name, formatStep(step, total, instruction, stage, cached)),
    onImagePushing: (name) => line(name, 'pushing'),
    onImageFinished(image) {
      const took = formatDuration(image.durationMs);
      const digest = image.digest ? ` ${shortDigest(image.digest)}` : '';
      switch (image.status) {
        case 'built':
          return line(image.name, `built${digest} ${took}`);
        case 'skipped':
          return line(image.name, `skipped${digest} ${took} (unchanged)`);
        case 'planned':
          return line(image.name, 'would build (no content tag for its inputs yet)');
        case 'blocked':
          return line(image.name, image.error?.message ?? 'blocked');
        case 'failed': {
          line(image.name, failedHeadline(image));
          const indent = ' '.repeat(width + 2);
          for (const detail of failureDetails(image)) out.write(`${indent}${detail}\n`);
        }
      }
    },
    onTagsMoved(moves) {
      for (const move of moves) line(move.name, `tagged ${move.ref}`);
    },
    onRunFinished(report) {
      out.write(`${summaryLine(report)}\n`);
    },
  };
}
