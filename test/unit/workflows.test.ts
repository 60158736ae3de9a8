import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { convertActionTemplate, parseAction } from '@actions/workflow-parser/actions/index';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readOutputs } from '../helpers/github-files.js';

const github = fileURLToPath(new URL('../../.github/', import.meta.url));
const workflowFiles = readdirSync(`${github}workflows`).filter((f) => f.endsWith('.yml'));
const read = (file: string) => readFileSync(`${github}${file}`, 'utf8');
const actionFile = 'actions/pinyard/action.yml';

/** What GitHub would say about a workflow: schema errors, then what converting it into jobs finds. */
async function workflowErrors(name: string, content: string): Promise<string[]> {
  const parsed = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  if (parsed.value) await convertWorkflowTemplate(parsed.context, parsed.value);
  return parsed.context.errors.getErrors().map((e) => e.message);
}

function actionErrors(name: string, content: string): string[] {
  const parsed = parseAction({ name, content }, new NoOperationTraceWriter());
  if (parsed.value) convertActionTemplate(parsed.context, parsed.value);
  return parsed.context.errors.getErrors().map((e) => e.message);
}

interface Step {
  uses?: string;
  run?: string;
  id?: string;
}
interface Workflow {
  on: Record<string, { inputs?: Record<string, unknown> } | null>;
  jobs: Record<string, { environment?: string; steps: Step[] }>;
}
interface Action {
  inputs: Record<string, unknown>;
  outputs: Record<string, { value: string }>;
  runs: { steps: Step[] };
}

const allSteps = (): Array<[string, Step]> => [
  ...workflowFiles.flatMap((file) =>
    Object.values((parse(read(`workflows/${file}`)) as Workflow).jobs).flatMap((job) =>
      job.steps.map((step): [string, Step] => [file, step]),
    ),
  ),
  ...(parse(read(actionFile)) as Action).runs.steps.map((step): [string, Step] => [actionFile, step]),
];

describe('the workflows, read by GitHub’s own parser', () => {
  it('holds the project CI and the example tree’s nightly, pull-request and promotion jobs', () => {
    expect(workflowFiles).toEqual(
      expect.arrayContaining(['ci.yml', 'nightly.yml', 'pr.yml', 'promote.yml', 'build-matrix.yml']),
    );
  });

  it.each(workflowFiles)('%s is a valid workflow', async (file) => {
    expect(await workflowErrors(file, read(`workflows/${file}`))).toEqual([]);
  });

  it('the composite action is a valid action', () => {
    expect(actionErrors('action.yml', read(actionFile))).toEqual([]);
  });

  it.each([
    ['a misspelt key', (w: string) => w.replace('runs-on:', 'runs_on:'), /Unexpected value 'runs_on'/],
    [
      'a job that needs no such job',
      (w: string) => w.replace('needs: plan', 'needs: plna'),
      /unknown job 'plna'/,
    ],
    [
      'an unclosed expression',
      (w: string) => w.replace('outputs.plan).bases }}', 'outputs.plan).bases }'),
      /not closed/,
    ],
    [
      'an unknown context',
      (w: string) => w.replace('needs.plan.outputs', 'need.plan.outputs'),
      /Unrecognized named-value: 'need'/,
    ],
  ])('would catch %s', async (_, mutate, error) => {
    const mutated = mutate(read('workflows/build-matrix.yml'));
    expect(mutated).not.toBe(read('workflows/build-matrix.yml'));
    const errors = await workflowErrors('build-matrix.yml', mutated);
    expect(errors.join('\n')).toMatch(error);
  });

  it('would catch a misspelt key in the action', () => {
    const mutated = read(actionFile).replace('working-directory: ${{', 'working-dir: ${{');
    expect(actionErrors('action.yml', mutated).join('\n')).toMatch(/working-dir/);
  });
});

describe('the steps', () => {
  it('pin GitHub’s own actions to a version tag, and every third-party action to a full commit SHA', () => {
    const remote = allSteps().filter(([, step]) => step.uses && !step.uses.startsWith('./'));
    const thirdParty = remote.filter(([, step]) => !step.uses!.startsWith('actions/'));
    expect(thirdParty.length).toBeGreaterThan(0);
    for (const [file, step] of remote) {
      expect(`${file}: ${step.uses}`).toMatch(
        step.uses!.startsWith('actions/') ? /@v\d+(\.\d+){0,2}$/ : /@[0-9a-f]{40}$/,
      );
    }
    // A pinned SHA says which release it is, for whoever updates it.
    for (const file of [...workflowFiles.map((f) => `workflows/${f}`), actionFile]) {
      for (const line of read(file)
        .split('\n')
        .filter((l) => /uses: [^.].*@[0-9a-f]{40}/.test(l))) {
        expect(`${file}: ${line.trim()}`).toMatch(/@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
      }
    }
  });

  it('check out without leaving the token in .git/config, where a build step could read it', () => {
    const checkouts = allSteps().filter(([, step]) => step.uses?.startsWith('actions/checkout@'));
    expect(checkouts.length).toBeGreaterThan(0);
    for (const [file, step] of checkouts) {
      expect([file, (step as { with?: Record<string, unknown> }).with?.['persist-credentials']]).toEqual([
        file,
        false,
      ]);
    }
  });

  it('run scripts that bash can parse', () => {
    for (const [file, step] of allSteps().filter(([, s]) => s.run)) {
      // Expressions are replaced by the runner before bash sees the script.
      const script = step.run!.replace(/\$\{\{[^}]*\}\}/g, 'EXPR');
      try {
        execFileSync('bash', ['-n'], { input: script, stdio: ['pipe', 'pipe', 'pipe'] });
      } catch (error) {
        throw new Error(`${file}: a run script does not parse: ${(error as { stderr: Buffer }).stderr}`);
      }
    }
  });

  it('never paste an input into a script, where a crafted tag could run as shell code', () => {
    for (const [file, step] of allSteps().filter(([, s]) => s.run)) {
      expect(`${file}: ${step.run}`).not.toMatch(/\$\{\{\s*(inputs|github\.event)\./);
    }
  });
});

describe('what each workflow promises', () => {
  it('promote: image, tag and environment inputs; the job runs in that GitHub environment', () => {
    const workflow = parse(read('workflows/promote.yml')) as Workflow;
    expect(Object.keys(workflow.on.workflow_dispatch?.inputs ?? {})).toEqual(['image', 'tag', 'environment']);
    expect(workflow.jobs.promote?.environment).toBe('${{ inputs.environment }}');
  });

  it('the action takes command, args, working-directory and registry credentials, and gives the digests', () => {
    const action = parse(read(actionFile)) as Action;
    expect(Object.keys(action.inputs)).toEqual(
      expect.arrayContaining([
        'command',
        'args',
        'working-directory',
        'registry-username',
        'registry-password',
      ]),
    );
    expect(action.outputs.digests?.value).toBe('${{ steps.run.outputs.digests }}');
    expect(action.runs.steps.some((s) => s.id === 'run')).toBe(true);
  });
});

describe('the composite action’s run step', () => {
  const script = (parse(read(actionFile)) as Action).runs.steps.find((s) => s.id === 'run')!.run!;

  /** Runs the step as the runner would (bash -eo pipefail) with a stand-in pinyard that echoes its argv. */
  function runStep(command: string, args: string, exitCode = 0) {
    const dir = mkdtempSync(path.join(tmpdir(), 'pinyard-action-'));
    const fake = path.join(dir, 'pinyard');
    writeFileSync(fake, `#!/bin/sh\nfor a in "$@"; do echo "[$a]"; done\nexit ${exitCode}\n`);
    chmodSync(fake, 0o755);
    const output = path.join(dir, 'output');
    writeFileSync(output, '');
    const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
      cwd: dir,
      encoding: 'utf8',
      env: {
        PATH: `${dir}:${process.env.PATH}`,
        GITHUB_OUTPUT: output,
        PINYARD_COMMAND: command,
        PINYARD_ARGS: args,
      },
    });
    return { code: result.status, stdout: result.stdout, outputs: readOutputs(readFileSync(output, 'utf8')) };
  }

  it('passes each line of args as one argument, trimmed, unglobbed, never split on spaces', () => {
    const { code, stdout } = runStep('build', '--push\n  --only  \n\napp\ncli *\n', 0);
    expect(code).toBe(0);
    expect(stdout).toBe('[build]\n[--push]\n[--only]\n[app]\n[cli *]\n');
  });

  it('keeps a workflow input with spaces one argument: `1.4 --force` cannot add --force', () => {
    const { stdout } = runStep('promote', 'app:1.4 --force\n--to\nprod');
    expect(stdout).toBe('[promote]\n[app:1.4 --force]\n[--to]\n[prod]\n');
  });

  it('runs the command alone when args is empty', () => {
    expect(runStep('plan', '').stdout).toBe('[plan]\n');
  });

  it('fails the step with pinyard’s exit code', () => {
    expect(runStep('lock', '--check', 1).code).toBe(1);
  });

  it('sets the json output to what the command printed, only when asked for --json', () => {
    expect(runStep('lock', '--update\n--json').outputs).toEqual({ json: '[lock]\n[--update]\n[--json]' });
    expect(runStep('lock', '--update').outputs).toEqual({});
    expect(runStep('lock', '--update --json').outputs).toEqual({});
  });
});

describe('promote.yml', () => {
  const workflow = parse(read('workflows/promote.yml')) as Workflow;
  const steps = workflow.jobs.promote!.steps;
  const check = steps.find((s) => (s as { name?: string }).name === 'Check the inputs')!;

  /** The check step as the runner would run it, with the inputs in its environment. */
  const runCheck = (inputs: { IMAGE: string; TAG: string; ENVIRONMENT: string }) =>
    spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', check.run!], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, ...inputs },
    });

  it('checks the inputs before anything else, and passes image:tag, --to and the environment as three arguments', () => {
    expect(steps.indexOf(check)).toBe(0);
    const promote = steps.find((s) => s.uses === './.github/actions/pinyard') as Step & {
      with: Record<string, string>;
    };
    expect(promote.with.args!.trim().split('\n')).toEqual([
      '${{ inputs.image }}:${{ inputs.tag }}',
      '--to',
      '${{ inputs.environment }}',
    ]);
  });

  it.each([
    ['app', '1.4', 'prod'],
    ['team/app-x', 'v1.4.2_rc-1', 'staging'],
  ])('takes image %s, tag %s, environment %s', (IMAGE, TAG, ENVIRONMENT) => {
    expect(runCheck({ IMAGE, TAG, ENVIRONMENT }).status).toBe(0);
  });

  it.each([
    ['a tag with an option in it', { IMAGE: 'app', TAG: '1.4 --force', ENVIRONMENT: 'prod' }],
    ['a tag with a newline', { IMAGE: 'app', TAG: '1.4\n--force', ENVIRONMENT: 'prod' }],
    ['an image that swaps the manifest', { IMAGE: '-f other.yml app', TAG: '1.4', ENVIRONMENT: 'prod' }],
    ['an image with a tag of its own', { IMAGE: 'app:2', TAG: '1.4', ENVIRONMENT: 'prod' }],
    ['an environment with a space', { IMAGE: 'app', TAG: '1.4', ENVIRONMENT: 'prod --force' }],
  ])('refuses %s, without echoing it', (_, inputs) => {
    const result = runCheck(inputs);
    expect(result.status).toBe(2);
    expect(result.stdout).toMatch(/^::error title=promote::the \w+ input is not/m);
    expect(result.stdout).not.toContain('--force');
    expect(result.stdout).not.toContain('other.yml');
  });
});

describe('nightly.yml', () => {
  const workflow = parse(read('workflows/nightly.yml')) as Workflow & {
    permissions: Record<string, string>;
    jobs: Record<string, { permissions?: Record<string, string>; needs?: string; steps: Step[] }>;
  };

  it('builds with a token that may only read, and writes the pull request in a job that runs no build', () => {
    expect(workflow.permissions).toEqual({});
    const { rebuild, propose } = workflow.jobs;
    expect(rebuild?.permissions).toEqual({ contents: 'read' });
    // lock, build, then status: every pinyard step runs in the read-only job.
    expect(rebuild?.steps.filter((s) => s.uses === './.github/actions/pinyard')).toHaveLength(3);
    expect(propose?.permissions).toEqual({ contents: 'write', 'pull-requests': 'write' });
    expect(propose?.needs).toBe('rebuild');
    const uses = propose!.steps.flatMap((s) => (s.uses ? [s.uses.replace(/@.*/, '')] : []));
    expect(uses).toEqual([
      'actions/checkout',
      'actions/download-artifact',
      'peter-evans/create-pull-request',
    ]);
    expect(JSON.stringify(propose)).not.toMatch(/secrets\.|pinyard /);
  });

  it('runs lock --update, as the README says', () => {
    const lock = workflow.jobs.rebuild!.steps.find((s) => s.id === 'lock') as Step & {
      with: Record<string, string>;
    };
    expect(lock.with.args!.trim().split('\n')).toEqual(['--update', '--json']);
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain('`pinyard lock --update --json` re-resolves every upstream tag');
    expect(readme).not.toMatch(/lock --check`[^.]*\.\s+This\s+is\s+the\s+nightly/);
  });
});
