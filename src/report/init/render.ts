import type { ProposalGraph } from '../../init/index.js';
import { planJson, renderTree } from '../plan/index.js';

export interface InitOutcome {
  /** images.yml as the user would name it (relative to where pinyard runs). */
  file: string;
  /** False with --dry-run. */
  written: boolean;
  text: string;
  graph: ProposalGraph;
  undecided: string[];
}

/** What init says after writing: the plan tree of the new file, then each thing left to decide. */
export function renderInit(outcome: InitOutcome): string {
  const lines = [
    outcome.written
      ? `wrote ${outcome.file}; pinyard plan will show:`
      : `${outcome.file} would be (nothing written: --dry-run):`,
    '',
  ];
  if (!outcome.written) lines.push(outcome.text);
  if (outcome.graph.ok) lines.push(renderTree(outcome.graph.graph));
  else {
    lines.push(`pinyard plan will refuse it until this is settled: ${outcome.graph.problem.located}`, '');
  }
  if (outcome.undecided.length > 0) {
    lines.push('not decided (see the TODO comments in the file):');
    for (const item of outcome.undecided) lines.push(`  - ${item}`);
    lines.push('');
  }
  return lines.join('\n');
}

/** `--json`: `{"version": 1, "file", "written", "content", "plan", "undecided"}`; plan is plan's own JSON, or null. */
export function renderInitJson(outcome: InitOutcome): string {
  return `${JSON.stringify(
    {
      version: 1,
      file: outcome.file,
      written: outcome.written,
      content: outcome.text,
      plan: outcome.graph.ok ? planJson(outcome.graph.graph) : null,
      problem: outcome.graph.ok ? null : outcome.graph.problem.toJSON(),
      undecided: outcome.undecided,
    },
    null,
    2,
  )}\n`;
}
