import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

// The CLI's one catch: usage problems are bad input (exit 2) and change nothing; with --json the error
// is the JSON contract on stdout.
const dir = tempProject({
  'images.yml': 'version: 1\nimages:\n  app: { context: app }\n',
  'app/Dockerfile': 'FROM alpine:3.20\n',
});
const env = { PATH: process.env.PATH, DOCKER_HOST: 'unix:///nonexistent/docker.sock' };

describe('pinyard usage errors', () => {
  it.each([
    [['build', '--concurrency', '0'], /--concurrency must be a whole number from 1, not "0"/],
    [['build', '--concurrency', '1.5'], /--concurrency must be a whole number from 1, not "1\.5"/],
    [['registry', 'prune', '--keep', '-1'], /--keep must be a whole number from 0, not "-1"/],
    [['lock', '--check', '--update'], /--check and --update cannot be combined/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['promote', 'app:1'], /required option '--to <environment>' not specified/],
  ])('%j exits 2 and says what is wrong', async (args, message) => {
    const text = await runCli(args, dir, env);
    expect(text.code).toBe(2);
    expect(text.stdout).toBe('');
    expect(text.stderr).toMatch(message);
    const json = await runCli(['--json', ...args], dir, env);
    expect(json.code).toBe(2);
    const body = JSON.parse(json.stdout) as { version: number; error: { code: string; message: string } };
    expect(body.version).toBe(1);
    expect(body.error.code).toBe('PINYARD_USAGE');
    expect(body.error.message).toMatch(message);
  });

  it('--help prints usage and exits 0', async () => {
    const { code, stdout } = await runCli(['--help'], dir, env);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: pinyard /);
  });
});
