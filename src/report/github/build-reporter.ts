import { randomUUID } from 'node:crypto';
import type { ImageGraph } from '../../graph/index.js';
import type { BuildHooks, ImageReport } from '../build/events.js';
import { failedHeadline, formatDuration, shortDigest } from '../build/format.js';
import type { TextOutput } from '../build/output.js';
import { writeCommand, writeWithoutCommands } from './actions-output.js';
import { annotationPath } from './annotation-path.js';
import { buildSummary } from './build-summary.js';
import { failedStepPosition } from './dockerfile-steps.js';
import { appendSummary, setOutputs } from './environment-files.js';
import { errorAnnotation, groupEnd, groupStart } from './workflow-commands.js';

/**
 * Lines of an image's log kept for its group, the last ones: a build that prints millions of lines must
 * not hold them all until it ends. The log file has every line.
 */
export const GROUP_LINES = 5_000;

export interface GithubBuildOptions {
  /** $GITHUB_OUTPUT, $GITHUB_STEP_SUMMARY and $GITHUB_WORKSPACE come from here. */
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** The images of the run, for the summary's graph. */
  graph: ImageGraph;
  /** Each image's Dockerfile path (absolute or relative to cwd), for annotations. */
  images: ReadonlyMap<string, { dockerfile: string }>;
  /** The Dockerfile texts the images were built from, to find a failed step's line. */
  texts: ReadonlyMap<string, string>;
  /** The stop-commands token; random unless a test fixes it. */
  token?: () => string;
}

/**
 * Native GitHub Actions output of `build`: each image's log folded in a `::group::` (written when the
 * image is done, since groups of concurrent builds cannot interleave), an `::error` annotation on the
 * Dockerfile line of a failed step, and at the end the job summary and the step outputs `digests`
 * (JSON: image name → digest) and `status`.
 */
export function githubReporter(out: TextOutput, options: GithubBuildOptions): BuildHooks {
  const logs = new Map<string, { lines: string[]; dropped: number }>();
  const token = options.token ?? (() => randomUUID());
  const where = { cwd: options.cwd, workspace: options.env.GITHUB_WORKSPACE };

  const annotate = (image: ImageReport) => {
    const dockerfile = options.images.get(image.name)?.dockerfile;
    const text = options.texts.get(image.name);
    const position = text === undefined ? undefined : failedStepPosition(text, image.error?.step);
    const message = [image.error?.message ?? 'failed', ...(image.error?.lastLines ?? [])].join('\n');
    writeCommand(
      out,
      errorAnnotation({
        ...(dockerfile ? { file: annotationPath(dockerfile, where) } : {}),
        ...(dockerfile && position ? { line: position.line, col: position.column } : {}),
        title: `${image.name} ${failedHeadline(image)}`,
        message,
      }),
    );
  };

  return {
    onImageLog(name, line) {
      const log = logs.get(name);
      if (!log) {
        logs.set(name, { lines: [line], dropped: 0 });
        return;
      }
      log.lines.push(line);
      // Trimmed in batches, so that keeping the last GROUP_LINES costs no more per line than keeping all.
      if (log.lines.length >= 2 * GROUP_LINES) {
        log.dropped += log.lines.length - GROUP_LINES;
        log.lines = log.lines.slice(-GROUP_LINES);
      }
    },
    onImageFinished(image) {
      const log = logs.get(image.name);
      logs.delete(image.name);
      if (log?.lines.length) {
        const dropped = log.dropped + Math.max(0, log.lines.length - GROUP_LINES);
        const lines = log.lines.slice(-GROUP_LINES);
        if (dropped > 0) {
          lines.unshift(
            `… ${dropped} earlier line${dropped === 1 ? '' : 's'} left out${image.log ? `: the whole log is in ${image.log}` : ''}`,
          );
        }
        writeCommand(out, groupStart(`${image.name}: ${headline(image)}`));
        writeWithoutCommands(out, lines.join('\n'), token());
        writeCommand(out, groupEnd());
      }
      if (image.status === 'failed') annotate(image);
    },
    onRunFinished(report) {
      appendSummary(options.env, buildSummary(report, options.graph));
      const digests = Object.fromEntries(
        report.images.flatMap((image) => (image.digest ? [[image.name, image.digest]] : [])),
      );
      setOutputs(options.env, { digests: JSON.stringify(digests), status: report.status });
    },
  };
}

function headline(image: ImageReport): string {
  switch (image.status) {
    case 'failed':
      return failedHeadline(image);
    case 'blocked':
      return image.error?.message ?? 'blocked';
    default:
      return `${image.status} ${image.digest ? `${shortDigest(image.digest)} ` : ''}in ${formatDuration(image.durationMs)}`;
  }
}
