import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// What the README says the workflows and the composite action do, held against the files themselves.
const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (file: string) => readFileSync(`${root}${file}`, 'utf8');
const readme = read('README.md');

interface Step {
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string>;
}
interface Workflow {
  jobs: Record<string, { steps: Step[] }>;
}

/**
 * Every `pinyard lock …` a workflow runs, as its argument string: from a `run:` script, or from a step of
 * the composite action (`command: lock`, `args: …`).
 */
function lockRuns(workflow: string): string[] {
  const { jobs } = parse(read(`.github/workflows/${workflow}`)) as Workflow;
  return Object.values(jobs).flatMap((job) =>
    job.steps.flatMap((step) => [
      ...(step.with?.command === 'lock' ? [step.with.args ?? ''] : []),
      ...[...(step.run ?? '').matchAll(/\bpinyard lock\b([^\n|>;&]*)/g)].map((m) => m[1]!.trim()),
    ]),
  );
}

/** The README's paragraph on one workflow (`### \`nightly.yml\`…` up to the next heading). */
const section = (workflow: string) => readme.split(/^### /m).find((s) => s.startsWith(`\`${workflow}\``))!;

describe('the README on the workflows', () => {
  it('nightly.yml re-resolves with lock --update, as the README says, and never runs lock --check', () => {
    const runs = lockRuns('nightly.yml');
    expect(runs.some((args) => /(^|\s)--update(\s|$)/.test(args))).toBe(true);
    expect(runs.some((args) => /--check/.test(args))).toBe(false);
    expect(section('nightly.yml')).toContain('pinyard lock --update');
    const checkBullet = readme.split('\n- ').find((b) => b.startsWith('`pinyard lock --check`'))!;
    expect(checkBullet).not.toMatch(/nightly job's check/);
  });

  it('pr.yml checks the lock with lock --check, as the README says', () => {
    expect(lockRuns('pr.yml').some((args) => /(^|\s)--check(\s|$)/.test(args))).toBe(true);
    expect(section('pr.yml')).toContain('pinyard lock --check');
    const checkBullet = readme.split('\n- ').find((b) => b.startsWith('`pinyard lock --check`'))!;
    expect(checkBullet).toContain('pr.yml');
  });
});

describe('the composite action’s defaults, as the README states them', () => {
  const action = parse(read('.github/actions/pinyard/action.yml')) as {
    inputs: Record<string, { default?: string }>;
    outputs: Record<string, { value: string }>;
    runs: { steps: Step[] };
  };

  it('sets up Node with node-version, default 20', () => {
    expect(action.inputs['node-version']?.default).toBe('20');
    const setup = action.runs.steps.find((s) => s.uses?.startsWith('actions/setup-node@'));
    expect(setup?.with?.['node-version']).toBe('${{ inputs.node-version }}');
  });

  it('logs in with docker/login-action only when given a username', () => {
    const login = action.runs.steps.find((s) => s.uses?.startsWith('docker/login-action@'));
    expect(login?.if?.replace(/\s+/g, ' ')).toMatch(/^(\$\{\{ )?inputs\.registry-username != ''( \}\})?$/);
    expect(login?.with).toMatchObject({
      registry: '${{ inputs.registry }}',
      username: '${{ inputs.registry-username }}',
      password: '${{ inputs.registry-password }}',
    });
    expect(action.inputs.registry?.default).toBe('');
  });

  it('gives the status output of the run step beside digests and json', () => {
    expect(action.outputs.status?.value).toBe('${{ steps.run.outputs.status }}');
    expect(action.outputs.digests?.value).toBe('${{ steps.run.outputs.digests }}');
    expect(action.outputs.json?.value).toBe('${{ steps.run.outputs.json }}');
  });
});
