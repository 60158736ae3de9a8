import { randomUUID } from 'node:crypto';
import type { ImageGraph } from '../../graph/index.js';
import type { BuildHooks, ImageReport } from '../build/events.js';
import { failedHeadline, formatDuration, shortDigest } from '../build/format.js';
import type { TextOutput } from '../build/output.js';
import { annotationPath } from './annotation-path.js';
import { buildSummary } from './build-summary.js';
import { failedStepPosition } from './dockerfile-steps.js';
import { appendSummary, setOutputs } from './environment-files.js';
import { errorAnnotation, groupEnd, groupStart, withoutCommands } from './workflow-commands.js';

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
  const logs = new Map<string, string[]>();
  const token = options.token ?? (() => randomUUID());
  const where = { cwd: options.cwd, workspace: options.env.GITHUB_WORKSPACE };

  const annotate = (image: ImageReport) => {
    const dockerfile = options.images.get(image.name)?.dockerfile;
    const text = options.texts.get(image.name);
    const position = text === undefined ? undefined : failedStepPosition(text, image.error?.step);
    const message = [image.error?.message ?? 'failed', ...(image.error?.lastLines ?? [])].join('\n');
    out.write(
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
      const lines = logs.get(name);
      if (lines) lines.push(line);
      else logs.set(name, [line]);
    },
    onImageFinished(image) {
      const lines = logs.get(image.name);
      logs.delete(image.name);
      if (lines?.length) {
        out.write(groupStart(`${image.name}: ${headline(image)}`));
        out.write(withoutCommands(lines.join('\n'), token()));
        out.write(groupEnd());
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
