import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

const manifest = `version: 1
registry: registry.example.com/acme
images:
  base: { context: images/base, tags: ["1.0"] }
  app: { context: images/app }
  cli: { context: images/cli }
  tools: { context: images/tools }
`;

const tree = () =>
  tempProject({
    'images.yml': manifest,
    'images/base/Dockerfile': 'FROM alpine:3.20\n',
    'images/app/Dockerfile': 'FROM golang:1.23 AS build\nFROM base:1.0\nCOPY --from=build /app /app\n',
    'images/cli/Dockerfile': 'FROM registry.example.com/acme/base\nCOPY --from=tools /bin/t /bin/t\n',
    'images/tools/Dockerfile': 'ARG DEBIAN=bookworm-slim\nFROM debian:${DEBIAN}\n',
  });

describe('pinyard plan', () => {
  it('prints the tree: upstream refs at the roots, each image under what it is built FROM', async () => {
    const { code, stdout, stderr } = await runCli(['plan'], tree());
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toBe(
      [
        'docker.io/library/alpine:3.20',
        '└── base',
        '    ├── app  (also docker.io/library/golang:1.23)',
        '    └── cli  (also tools)',
        'docker.io/library/debian:bookworm-slim',
        '└── tools',
        '',
        '4 images, 3 upstream refs; build order: base, app, tools, cli',
        '',
      ].join('\n'),
    );
  });

  it('keeps the JSON contract: version 1, images in build order with parents and canonical upstream refs', async () => {
    const { code, stdout } = await runCli(['plan', '--format', 'json'], tree());
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      version: 1,
      images: [
        { name: 'base', parents: [], upstream: ['docker.io/library/alpine:3.20'] },
        { name: 'app', parents: ['base'], upstream: ['docker.io/library/golang:1.23'] },
        { name: 'tools', parents: [], upstream: ['docker.io/library/debian:bookworm-slim'] },
        { name: 'cli', parents: ['base', 'tools'], upstream: [] },
      ],
    });
    expect((await runCli(['--json', 'plan'], tree())).stdout).toBe(stdout);
  });

  it('narrows to --only images and the ancestors they need', async () => {
    const { stdout } = await runCli(['plan', '--format', 'json', '--only', 'cli'], tree());
    expect(JSON.parse(stdout).images.map((i: { name: string }) => i.name)).toEqual(['base', 'tools', 'cli']);
  });

  it('draws Mermaid and DOT with COPY --from edges dashed', async () => {
    const mermaid = (await runCli(['plan', '--format', 'mermaid'], tree())).stdout;
    expect(mermaid.split('\n')[0]).toBe('flowchart TD');
    expect(mermaid).toContain('(["docker.io/library/alpine:3.20"])');
    expect(mermaid.match(/-\.->/g)).toHaveLength(1); // cli COPY --from tools; app's golang is a FROM
    const dot = (await runCli(['plan', '--format', 'dot'], tree())).stdout;
    expect(dot).toContain('"tools" -> "cli" [style=dashed];');
    expect(dot).toContain('"base" -> "cli";');
  });

  it('refuses a cycle with exit 2, the cycle and each edge at its Dockerfile line', async () => {
    const root = tempProject({
      'images.yml': 'version: 1\nimages:\n  app: { context: app }\n  cli: { context: cli }\n',
      'app/Dockerfile': 'FROM alpine:3.20\nCOPY --from=cli /x /x\n',
      'cli/Dockerfile': '# the CLI\nFROM app\n',
    });
    const { code, stdout, stderr } = await runCli(['plan'], root);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('dependency cycle: app → cli → app (PINYARD_CYCLE)');
    expect(stderr).toContain('app/Dockerfile:2:1: app COPY --from cli');
    expect(stderr).toContain('cli/Dockerfile:2:1: cli FROM app');
    expect(stderr).not.toMatch(/\bat .*\.js:\d+/); // no stack trace
  });

  it('gives machine-readable errors with --json', async () => {
    const root = tempProject({
      'images.yml': 'version: 1\nimages:\n  app: { context: app }\n',
      'app/Dockerfile': 'ARG BASE\nFROM ${BASE}\n',
    });
    const { code, stdout } = await runCli(['--json', 'plan'], root);
    expect(code).toBe(2);
    expect(JSON.parse(stdout)).toMatchObject({
      version: 1,
      error: { code: 'PINYARD_DOCKERFILE_INVALID', position: { file: 'app/Dockerfile', line: 2, column: 6 } },
    });
  });

  it('names an unknown --only image and suggests the close one', async () => {
    const { code, stderr } = await runCli(['plan', '--only', 'cil'], tree());
    expect(code).toBe(2);
    expect(stderr).toMatch(/"cil".*did you mean "cli"/s);
  });

  it('treats a bad argument as bad input (exit 2)', async () => {
    const { code, stderr } = await runCli(['plan', '--format', 'svg'], tree());
    expect(code).toBe(2);
    expect(stderr).toMatch(/svg/);
  });
});
