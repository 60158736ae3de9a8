import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

const empty = () => tempProject({});
const oneImage = () =>
  tempProject({
    'images.yml': 'version: 1\nimages:\n  app: { context: images/app }\n',
    'images/app/Dockerfile': 'FROM alpine:3.20\n',
  });

describe('pinyard usage errors', () => {
  it('exits 2 with the usage when no command is given; --help stays 0', async () => {
    const none = await runCli([], empty());
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage: pinyard [options] [command]');
    expect(none.stderr).toContain('pinyard: no command given (PINYARD_USAGE)');
    const help = await runCli(['--help'], empty());
    expect({ code: help.code, usage: help.stdout.startsWith('Usage: pinyard') }).toEqual({
      code: 0,
      usage: true,
    });
    const registry = await runCli(['registry'], empty());
    expect(registry.code).toBe(2);
  });

  it('says no command was given as JSON under --json', async () => {
    const { code, stdout } = await runCli(['--json'], empty());
    expect(code).toBe(2);
    expect(JSON.parse(stdout)).toMatchObject({
      version: 1,
      error: { code: 'PINYARD_USAGE', message: 'no command given' },
    });
  });

  it('refuses help on a command that does not exist, with the one meant', async () => {
    const { code, stderr } = await runCli(['help', 'pln'], empty());
    expect(code).toBe(2);
    expect(stderr).toBe(
      'pinyard: help: there is no command "pln" (did you mean "plan"?) (PINYARD_USAGE)\nhint: commands: plan, init, lock, build, promote, status, registry\n',
    );
    expect((await runCli(['help', 'registry', 'prune'], empty())).code).toBe(0);
  });

  it("says commander's errors in pinyard's words, with its did-you-mean", async () => {
    const { code, stderr } = await runCli(['plan', '--fromat', 'json'], empty());
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /^pinyard: unknown option '--fromat' \(did you mean --format\?\) \(PINYARD_USAGE\)\nhint: /,
    );
    expect(stderr).not.toMatch(/^error:/m);
  });

  it.each([
    [
      ['build', '--concurrency', '0'],
      '--concurrency must be a whole number from 1, not "0"',
      /builds run at once/,
    ],
    [['registry', 'prune', '--keep', '-1'], '--keep must be a whole number from 0, not "-1"', /--keep 10/],
  ])('%j: %s, with a hint', async (argv, message, hint) => {
    const { code, stderr } = await runCli(argv, empty());
    expect(code).toBe(2);
    expect(stderr).toContain(`pinyard: ${message} (PINYARD_USAGE)`);
    expect(stderr).toMatch(hint);
  });

  it('checks build --tag before any work: not even images.yml is read', async () => {
    const { code, stderr } = await runCli(['build', '--push', '--tag', 'bad tag'], empty());
    expect(code).toBe(2);
    expect(stderr).toContain('pinyard: --tag "bad tag" is not a valid tag (PINYARD_USAGE)');
  });

  it('checks registry inspect --platform before going to the network', async () => {
    // 127.0.0.1:9 answers nothing: a request would end as unreachable (exit 1), not as bad input.
    const { code, stderr } = await runCli(
      ['registry', 'inspect', '127.0.0.1:9/app:1', '--platform', 'windows'],
      empty(),
    );
    expect(code).toBe(2);
    expect(stderr).toContain('pinyard: --platform "windows" is not a platform (PINYARD_USAGE)');
    expect(stderr).toContain('os/arch[/variant]');
  });

  it('suggests the image meant by lock --update', async () => {
    const { code, stderr } = await runCli(['lock', '--update', 'ap'], oneImage());
    expect(code).toBe(2);
    expect(stderr).toContain('lock --update: "ap" is not an image of images.yml (did you mean "app"?)');
  });

  it('shows the control characters a file puts into a message as escapes, never raw', async () => {
    const root = tempProject({
      'images.yml': 'version: 1\nimages:\n  "\\e[2J\\rapp": { context: images/app }\n',
      'images/app/Dockerfile': 'FROM alpine:3.20\n',
    });
    const { code, stderr } = await runCli(['plan'], root);
    expect(code).toBe(2);
    expect(stderr).toContain('\\x1b[2J\\x0dapp');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: checking that none is printed.
    expect(stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
  });
});
