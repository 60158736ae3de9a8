import type { CommandContext } from '../cli/io.js';
import { visible } from '../cli/report-error.js';
import { PinyardError } from '../errors.js';
import { writeCommand } from '../report/github/actions-output.js';
import { annotationPath } from '../report/github/annotation-path.js';
import { inGithubActions } from '../report/github/environment-files.js';
import { warningAnnotation } from '../report/github/workflow-commands.js';
import { type LoadProjectOptions, loadProject, type Project } from './load-project.js';

/**
 * The project a command works on, with its warnings said once on stderr (and as `::warning` annotations in
 * GitHub Actions), or refused under `--strict` as bad input before anything is done.
 */
export async function loadCommandProject(
  ctx: CommandContext,
  options: LoadProjectOptions = {},
): Promise<Project> {
  const project = await loadProject(ctx.manifestFile, ctx.cwd, options);
  const warnings = project.graph.warnings ?? [];
  if (warnings.length === 0) return project;
  if (ctx.strict) {
    const [first] = warnings;
    if (warnings.length === 1 && first) {
      throw new PinyardError('PINYARD_STRICT_WARNING', first.message, {
        ...(first.position ? { position: first.position } : {}),
        hint: `${first.hint}; --strict makes this warning an error`,
      });
    }
    throw new PinyardError('PINYARD_STRICT_WARNING', `${warnings.length} warnings, errors under --strict`, {
      details: warnings,
      hint: 'each warning says what to write instead',
    });
  }
  const github = inGithubActions(ctx.env);
  for (const warning of warnings) {
    if (github) {
      const { position } = warning;
      // pinyard's own annotation: past the Actions output filter, which neutralises everything else.
      writeCommand(
        ctx.stderr,
        warningAnnotation({
          ...(position
            ? {
                file: annotationPath(position.file, { cwd: ctx.cwd, workspace: ctx.env.GITHUB_WORKSPACE }),
                line: position.line,
                col: position.column,
              }
            : {}),
          title: 'pinyard: warning',
          message: warning.hint ? `${warning.message}\nhint: ${warning.hint}` : warning.message,
        }),
      );
    }
    ctx.stderr.write(
      `pinyard: warning: ${visible(warning.located)}\n${warning.hint ? `  hint: ${visible(warning.hint)}\n` : ''}`,
    );
  }
  return project;
}
