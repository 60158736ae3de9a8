import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PinyardError } from '../../errors.js';
import type { BuildHooks, BuildReport, ImageReport } from './events.js';
import type { TextOutput } from './output.js';

/** `--json`: the report on a stream (stdout), once the run is over. */
export function jsonReport(out: TextOutput): BuildHooks {
  return {
    onRunFinished: (report) => out.write(formatBuildReport(report)),
  };
}

/**
 * `--report FILE`: the same report in a file, written synchronously at the end of the run so that it is
 * complete before the command exits and a CI step after it can read it.
 */
export function jsonReportWriter(file: string): BuildHooks {
  return {
    onRunFinished(report) {
      try {
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, formatBuildReport(report));
      } catch (error) {
        throw new PinyardError(
          'PINYARD_WRITE_FAILED',
          `could not write the build report to ${file}: ${(error as Error).message}`,
          { hint: 'give --report a path in a writable directory', cause: error },
        );
      }
    },
  };
}

/**
 * The report as pretty JSON with a fixed key order, whatever order the core built its objects in, so
 * reports diff cleanly between runs.
 */
export function formatBuildReport(report: BuildReport): string {
  const ordered: BuildReport = {
    version: report.version,
    status: report.status,
    tagsMoved: report.tagsMoved,
    durationMs: report.durationMs,
    images: report.images.map(orderImage),
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

function orderImage(image: ImageReport): ImageReport {
  const { error } = image;
  return {
    name: image.name,
    status: image.status,
    digest: image.digest,
    platforms: image.platforms,
    tags: image.tags,
    hash: image.hash,
    parents: image.parents,
    durationMs: image.durationMs,
    engine: image.engine,
    builder: image.builder,
    error: error && {
      code: error.code,
      message: error.message,
      position: error.position,
      hint: error.hint,
      step: error.step,
      lastLines: error.lastLines,
    },
    log: image.log,
  };
}
