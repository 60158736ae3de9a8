import type { PromoteReport } from '../promote/report.js';
import { appendSummary, inGithubActions, setOutputs } from './environment-files.js';

/**
 * A promotion in GitHub Actions: a job summary entry per image and the digests as step outputs —
 * `digest` (the one image's, for the common single-image promotion), `digests` (name → digest, JSON) and
 * `status` — so a later step deploys exactly what was promoted.
 */
export function githubPromoteOutputs(env: NodeJS.ProcessEnv, report: PromoteReport): void {
  if (!inGithubActions(env)) return;
  const moved = report.images.filter(
    (i) => i.digest && (i.status === 'promoted' || i.status === 'unchanged'),
  );
  const digests = Object.fromEntries(moved.map((i) => [i.name, i.digest!]));
  setOutputs(env, {
    digests: JSON.stringify(digests),
    ...(moved.length === 1 ? { digest: moved[0]!.digest! } : {}),
    status: report.status,
  });
  const verb = report.dryRun ? 'Promotion plan' : 'Promotion';
  const rows = report.images.map(
    (i) => `| ${i.name} | ${i.status} | \`${i.digest ?? ''}\` | ${i.source} | ${i.targets.join('<br>')} |`,
  );
  const error = report.error ? `\n> ${report.error.message.replace(/\n/g, '\n> ')}\n` : '';
  appendSummary(
    env,
    `### ${verb} to ${report.environment}: ${report.status}\n\n| image | status | digest | source | target |\n|---|---|---|---|---|\n${rows.join('\n')}\n${error}\n`,
  );
}
