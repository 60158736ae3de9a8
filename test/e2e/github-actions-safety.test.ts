import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readOutputs } from '../helpers/github-files.js';
import { type CliResult, runCli } from '../helpers/run-cli.js';
import { type RunnerCommand, runnerCommands } from '../helpers/runner-commands.js';
import { tempProject } from '../helpers/temp-project.js';
import { worldFromEnv, writeDockerConfig } from '../world/index.js';

const world = worldFromEnv();
const { dev } = world.users;
const registry = `${world.tokenRegistry.host}/dev/ghsafe-${randomBytes(3).toString('hex')}`;
const argSecret = `arg-s3cret-${randomBytes(6).toString('hex')}`;

/**
 * A build step in Actions mode whose build prints lines a runner would take as commands (an annotation,
 * a step output, a stop-commands that would silence every later mask), echoes a build arg, and fails.
 */
describe('pinyard build in GitHub Actions, with a build that prints workflow commands', () => {
  let dir: string;
  let result: CliResult;
  let outputs: Record<string, string>;
  let stdoutCommands: RunnerCommand[];

  beforeAll(async () => {
    dir = tempProject({
      'images.yml': [
        'version: 1',
        `registry: ${registry}`,
        `mirrors: { docker.io: ["${world.upstream.host}"] }`,
        'images:',
        `  app: { context: app, args: { API_TOKEN: "${argSecret}" } }`,
        '',
      ].join('\n'),
      'app/Dockerfile': [
        'FROM alpine:3.20',
        'ARG API_TOKEN',
        `RUN echo "token is $API_TOKEN" && printf '::error title=forged::x\\n  ##[set-output name=digests;]pwned\\n::stop-commands::abc\\n::warning title=forged::after\\n\\033[31m::add-mask::y\\n' && exit 3`,
        '',
      ].join('\n'),
    });
    const home = await mkdtemp(path.join(tmpdir(), 'pinyard-ghsafe-'));
    const config = await writeDockerConfig(path.join(home, '.docker'), [
      { host: world.tokenRegistry.host, user: dev },
    ]);
    const files = {
      GITHUB_OUTPUT: path.join(home, 'output'),
      GITHUB_STEP_SUMMARY: path.join(home, 'summary.md'),
    };
    await Promise.all(Object.values(files).map((file) => writeFile(file, '')));
    const env = { ...process.env, DOCKER_CONFIG: config, DOCKER_HOST: world.dockerHost };
    expect((await runCli(['lock'], dir, env)).code).toBe(0);
    result = await runCli(['build', '--push'], dir, {
      ...env,
      ...files,
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: dir,
    });
    outputs = readOutputs(await readFile(files.GITHUB_OUTPUT, 'utf8'));
    stdoutCommands = runnerCommands(result.stdout);
  });

  it('fails, and the runner sees only the commands pinyard wrote', () => {
    expect(result.code).toBe(1);
    expect(outputs.status).toBe('failed');
    expect(runnerCommands(result.stderr)).toEqual([]);
    expect([...new Set(stdoutCommands.map((c) => c.name))].sort()).toEqual([
      'add-mask',
      'endgroup',
      'error',
      'group',
    ]);
    const errors = stdoutCommands.filter((c) => c.name === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.properties).toMatch(/^file=app\/Dockerfile,line=3,col=1,title=app failed/);
    // The build's lines are in the annotation's message, as text.
    expect(errors[0]!.data).toContain('::warning title=forged::after');
    expect(stdoutCommands.filter((c) => c.name === 'warning' || c.name === 'set-output')).toEqual([]);
  });

  it('announces the registry password and the build arg as masks, and prints them nowhere else', async () => {
    const masks = stdoutCommands.filter((c) => c.name === 'add-mask').map((c) => c.data);
    expect(masks).toEqual(expect.arrayContaining([dev.password, argSecret]));
    for (const secret of [dev.password, argSecret]) {
      const lines = result.stdout.split('\n').filter((line) => line.includes(secret));
      expect(lines.every((line) => line.startsWith('::add-mask::'))).toBe(true);
      expect(result.stderr).not.toContain(secret);
    }
    const log = await readFile(path.join(dir, '.pinyard/logs/app.log'), 'utf8');
    expect(log).toContain('token is ***');
    expect(log).not.toContain(argSecret);
  });

  it('keeps the build log to the user: .pinyard/logs 0700, the log 0600', async () => {
    expect((await stat(path.join(dir, '.pinyard/logs'))).mode & 0o777).toBe(0o700);
    expect((await stat(path.join(dir, '.pinyard/logs/app.log'))).mode & 0o777).toBe(0o600);
  });
});
