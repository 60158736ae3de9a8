import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

const repo = path.resolve(import.meta.dirname, '../..');

async function planError(root: string) {
  const { code, stdout } = await runCli(['--json', 'plan'], root);
  return { code, error: JSON.parse(stdout).error };
}

const located = (error: {
  message: string;
  position?: { file: string; line: number; column: number };
  details?: [];
}) =>
  ((error.details?.length ? error.details : [error]) as Array<typeof error>).map(
    (e) => `${e.position ? `${e.position.file}:${e.position.line}:${e.position.column}: ` : ''}${e.message}`,
  );

describe('the Dockerfiles of a project, read at load time', () => {
  it('refuses a Dockerfile outside its context, by dockerfile: or through a symlink, with the other problems', async () => {
    const root = tempProject({
      'images.yml': [
        'version: 1',
        'images:',
        '  a: { context: images/a, dockerfile: ../shared/Dockerfile }',
        '  b: { context: images/b }',
        '  c: { context: images/c }',
      ].join('\n'),
      'images/shared/Dockerfile': 'FROM alpine:3.20\n',
      'images/a/.keep': '',
      'images/c/Dockerfile': 'FROM Alpine\n',
    });
    mkdirSync(path.join(root, 'images/b'), { recursive: true });
    symlinkSync('../shared/Dockerfile', path.join(root, 'images/b/Dockerfile'));
    const { code, error } = await planError(root);
    expect(code).toBe(2);
    expect(located(error)).toEqual([
      'images.yml:3:39: images.a.dockerfile: Dockerfile images/shared/Dockerfile is outside the build context images/a',
      `images.yml:4:17: images.b.context: Dockerfile images/b/Dockerfile is outside the build context images/b (it is a symlink to ${path.join(root, 'images/shared/Dockerfile')})`,
      expect.stringMatching(/^images\/c\/Dockerfile:1:6: invalid image reference "Alpine"/),
    ]);
  });

  it("reports a Dockerfile's syntax error and another Dockerfile's bad reference in one run, in file order", async () => {
    const root = tempProject({
      'images.yml': 'version: 1\nimages:\n  a: { context: a }\n  b: { context: b }\n  c: { context: c }\n',
      'a/Dockerfile': 'FROM alpine AS 1st\n',
      'b/Dockerfile': 'FROM alpine\nCOPY --from=Bad:: / /\n',
      'c/Dockerfile': 'FROM --platform=$BULIDPLATFORM golang\n',
    });
    const { code, error } = await planError(root);
    expect(code).toBe(2);
    expect(error.message).toBe('3 problems in 3 files');
    expect(located(error)).toEqual([
      'a/Dockerfile:1:16: invalid stage name "1st"',
      expect.stringMatching(/^b\/Dockerfile:2:13: invalid image reference "Bad::"/),
      'c/Dockerfile:1:17: FROM --platform uses $BULIDPLATFORM, but no ARG BULIDPLATFORM is declared before the first FROM (did you mean $BUILDPLATFORM?)',
    ]);
  });

  it("reports images.yml's problems and the other images' Dockerfile problems together", async () => {
    const root = tempProject({
      'images.yml':
        'version: 1\nimages:\n  a: { context: a, tags: ["bad tag"] }\n  b: { context: b }\n  gone: { context: gone }\n',
      'a/Dockerfile': 'FROM alpine AS 1st\n',
      'b/Dockerfile': 'FROM Alpine\n',
    });
    const { code, error } = await planError(root);
    expect(code).toBe(2);
    expect(error.code).toBe('PINYARD_MANIFEST_INVALID');
    expect(located(error)).toEqual([
      'images.yml:3:27: images.a.tags[0]: "bad tag" is not a valid tag',
      'images.yml:5:20: images.gone.context: directory gone does not exist',
      'a/Dockerfile:1:16: invalid stage name "1st"',
      expect.stringMatching(/^b\/Dockerfile:1:6: invalid image reference "Alpine"/),
    ]);
  });

  it("names the image's own args entry in a Dockerfile hint, not a placeholder", async () => {
    const root = tempProject({
      'images.yml': 'version: 1\nimages:\n  web: { context: web }\n',
      'web/Dockerfile': 'ARG BASE\nFROM $BASE\n',
    });
    const { error } = await planError(root);
    expect(error.message).toBe('FROM $BASE is empty after substitution');
    expect(error.hint).toContain('images.web.args.BASE in images.yml');
  });

  it('reads a Dockerfile with a UTF-8 byte order mark with line 1 where the editor shows it', async () => {
    const root = tempProject({
      'images.yml': 'version: 1\nimages:\n  a: { context: a }\n',
      'a/Dockerfile': '\uFEFFFROM Alpine:3.20\n',
    });
    const { error } = await planError(root);
    expect(error.position).toEqual({ file: 'a/Dockerfile', line: 1, column: 6 });
    const ok = tempProject({
      'images.yml': 'version: 1\nimages:\n  a: { context: a }\n',
      'a/Dockerfile': '\uFEFFFROM alpine:3.20\n',
    });
    expect((await runCli(['plan'], ok)).code).toBe(0);
  });

  it('says why a Dockerfile that is a directory cannot be read, at its images.yml entry', async () => {
    const root = tempProject({
      'images.yml': 'version: 1\nimages:\n  a: { context: a, dockerfile: Dockerfile.d }\n',
    });
    mkdirSync(path.join(root, 'a/Dockerfile.d'), { recursive: true });
    writeFileSync(path.join(root, 'a/x'), '');
    const { code, error } = await planError(root);
    expect(code).toBe(2);
    // The manifest rule already says so (it is not a file); the message names the image's key.
    expect(located(error)[0]).toMatch(
      /^images\.yml:3:32: images\.a\.dockerfile: Dockerfile a\/Dockerfile\.d does not exist/,
    );
  });

  it('says why images.lock cannot be read when it is a directory, as bad input', async () => {
    const root = tempProject({
      'images.yml': 'version: 1\nimages:\n  a: { context: a }\n',
      'a/Dockerfile': 'FROM alpine:3.20\n',
    });
    mkdirSync(path.join(root, 'images.lock'));
    const { code, stdout } = await runCli(['--json', 'lock', '--check'], root);
    expect(code).toBe(2);
    expect(JSON.parse(stdout).error).toMatchObject({
      code: 'PINYARD_LOCK_INVALID',
      message: 'cannot read images.lock: it is a directory, not a file',
    });
  });

  it('says "permission denied" for a Dockerfile and a lock a non-root user may not read', async () => {
    const root = tempProject({
      'images.yml': 'version: 1\nimages:\n  a: { context: a }\n  b: { context: b }\n',
      'a/Dockerfile': 'FROM alpine:3.20\n',
      'b/Dockerfile': 'FROM alpine:3.20\n',
      'images.lock': 'version: 1\nupstream: {}\n',
    });
    chmodSync(root, 0o755);
    chmodSync(path.join(root, 'b/Dockerfile'), 0o000);
    // Run as nobody, as CI runners and developers do: root reads any file.
    const asNobody = (args: string[]) =>
      execa(
        'setpriv',
        [
          '--reuid=65534',
          '--regid=65534',
          '--clear-groups',
          process.execPath,
          // The built CLI (npm test builds it first), as a user runs it.
          path.join(repo, 'dist/cli/main.js'),
          ...args,
        ],
        {
          cwd: root,
          reject: false,
          env: { ...process.env, HOME: root, PINYARD_COMPILE_CACHE: '0' },
          preferLocal: true,
          localDir: repo,
        },
      );
    const plan = await asNobody(['plan']);
    expect(plan.exitCode, plan.stderr).toBe(2);
    expect(plan.stderr).toContain(
      'images.yml:4:17: images.b.context: cannot read Dockerfile b/Dockerfile: permission denied (the user running pinyard may not read it)',
    );
    expect(plan.stderr).not.toContain('internal error');
    chmodSync(path.join(root, 'b/Dockerfile'), 0o644);
    chmodSync(path.join(root, 'images.lock'), 0o000);
    const lock = await asNobody(['lock', '--check']);
    expect(lock.exitCode, lock.stderr).toBe(2);
    expect(lock.stderr).toContain('cannot read images.lock: permission denied');
  }, 60_000);
});
