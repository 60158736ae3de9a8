import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { runnerCommands } from '../helpers/runner-commands.js';
import { tempProject } from '../helpers/temp-project.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));

/** The environment of a step whose checkout is the parent of the project directory. */
const inActions = (project: string) => ({
  ...process.env,
  GITHUB_ACTIONS: 'true',
  GITHUB_WORKSPACE: path.dirname(project),
});

describe('pinyard in GitHub Actions', () => {
  it('annotates a manifest error on its line, with the path from the repository root', async () => {
    const project = tempProject({
      'images.yml': 'version: 1\nimages:\n  app: { context: images/app, tags: [3.20] }\n',
      'images/app/Dockerfile': 'FROM alpine:3.20\n',
    });
    const { code, stdout, stderr } = await runCli(['plan'], project, inActions(project));
    expect(code).toBe(2);
    // On stdout, the stream the runner reads groups from; the plain message goes to stderr.
    const [annotation] = stdout.split('\n');
    expect(annotation).toBe(
      `::error file=${path.basename(project)}/images.yml,line=3,col=38,title=pinyard%3A PINYARD_MANIFEST_INVALID::images.app.tags[0]: a tag must be a string; YAML read 3.2 as a number, so write it in quotes%0Ahint: see the images.yml reference in the README`,
    );
    // The plain message is still printed for whoever reads the raw log.
    expect(stderr).toMatch(/^pinyard: images\.yml:3:38: /);
  });

  it('annotates every broken Dockerfile at once', async () => {
    const project = tempProject({
      'images.yml': 'version: 1\nimages:\n  app: { context: images/app }\n  cli: { context: images/cli }\n',
      'images/app/Dockerfile': 'FROM alpine:3.20\nFROM\n',
      'images/cli/Dockerfile': '# tools\nCOPY . /\n',
    });
    const { code, stdout } = await runCli(['plan'], project, inActions(project));
    expect(code).toBe(2);
    const annotations = stdout.split('\n').filter((line) => line.startsWith('::error '));
    expect(annotations.map((a) => a.replace(/::[^:]*$/, '').replace(/,title=.*/, ''))).toEqual([
      `::error file=${path.basename(project)}/images/app/Dockerfile,line=2,col=1`,
      `::error file=${path.basename(project)}/images/cli/Dockerfile,line=2,col=1`,
    ]);
  });

  it('lets no text it did not write reach the runner as a command: only its own annotation', async () => {
    const forged = [
      'nope',
      '::stop-commands::x',
      '::error title=forged::y',
      '  ##[set-output name=digests;]pwned',
      '\u001b[2K::warning::z',
    ].join('\n');
    const project = tempProject({
      'images.yml': `version: 1\nimages:\n  app: { context: ${JSON.stringify(forged)} }\n`,
    });
    const { code, stdout, stderr } = await runCli(['plan'], project, inActions(project));
    expect(code).toBe(2);
    // The message quotes the path, but the lines that would be commands are neutralised.
    expect(stderr.replaceAll('\u200b', '')).toContain('::error title=forged::y');
    expect(stderr).not.toContain('\u001b');
    expect(runnerCommands(stderr)).toEqual([]);
    expect(runnerCommands(stdout).map((c) => [c.name, c.properties])).toEqual([
      ['error', expect.stringContaining('title=pinyard%3A PINYARD_MANIFEST_INVALID')],
    ]);
  });

  it('writes no workflow commands outside Actions', async () => {
    const project = tempProject({ 'images.yml': 'version: 1\nimages:\n  app: { context: images/nope }\n' });
    const { stdout, stderr } = await runCli(['plan'], project, {
      ...process.env,
      GITHUB_ACTIONS: undefined,
    });
    expect(stdout + stderr).not.toContain('::error');
  });
});

describe('pinyard plan --format github-matrix', () => {
  it('splits the example tree: base-alpine first, then one job per other image', async () => {
    const { code, stdout } = await runCli(['plan', '--format', 'github-matrix'], repo);
    expect(code).toBe(0);
    expect(stdout.split('\n')).toHaveLength(2);
    const matrix = JSON.parse(stdout);
    expect(matrix.bases.include).toEqual([{ name: 'base-alpine', only: ['base-alpine'] }]);
    expect(matrix.images.include.map((job: { name: string }) => job.name)).toEqual([
      'auth',
      'app',
      'base-debian',
      'builder',
      'cli',
      'db-dev',
      'proxy',
      'proxy-dev',
      'registry',
    ]);
  });

  it('splits only the images --only selects and their ancestors', async () => {
    const { stdout } = await runCli(['plan', '--format', 'github-matrix', '--only', 'app', 'cli'], repo);
    expect(JSON.parse(stdout)).toEqual({
      version: 1,
      bases: { include: [{ name: 'base-alpine', only: ['base-alpine'] }] },
      images: {
        include: [
          { name: 'app', only: ['app'] },
          { name: 'cli', only: ['cli'] },
        ],
      },
    });
  });
});
