import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));

/** A fixture of test/fixtures/init copied to a scratch directory, plus files the repository's git would ignore. */
function fixture(name: string, extra: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), `pinyard-init-${name}-`));
  cpSync(path.join(repo, 'test/fixtures/init', name), dir, { recursive: true });
  for (const [file, text] of Object.entries(extra)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

/** `plan --json` of the images.yml init wrote, as name → parents and upstream refs. */
async function planOf(dir: string) {
  const { code, stdout, stderr } = await runCli(['plan', '--json'], dir);
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  const plan = JSON.parse(stdout) as {
    images: Array<{ name: string; parents: string[]; upstream: string[] }>;
  };
  return Object.fromEntries(plan.images.map((i) => [i.name, { parents: i.parents, upstream: i.upstream }]));
}

async function initThenPlan(dir: string) {
  const init = await runCli(['init'], dir);
  expect({ code: init.code, stderr: init.stderr }).toEqual({ code: 0, stderr: '' });
  return { init, plan: await planOf(dir), manifest: readFileSync(path.join(dir, 'images.yml'), 'utf8') };
}

const on = (...parents: string[]) => ({ parents, upstream: [] });

describe('pinyard init then pinyard plan, with no manual edit', () => {
  it('docker-stacks: the ARG BASE_IMAGE chain becomes args naming the parent image', async () => {
    const dir = fixture('docker-stacks', {
      'build/Dockerfile': 'FROM scratch\n',
      'docs/node_modules/some-tool/Dockerfile': 'FROM node:20\n',
      'images/base-notebook/Dockerfile.local': 'FROM quay.io/jupyter/base-notebook\n',
    });
    const { plan, manifest } = await initThenPlan(dir);
    expect(plan).toEqual({
      'docker-stacks-foundation': { parents: [], upstream: ['docker.io/library/ubuntu:24.04'] },
      'base-notebook': on('docker-stacks-foundation'),
      'minimal-notebook': on('base-notebook'),
      'r-notebook': on('minimal-notebook'),
      'scipy-notebook': on('minimal-notebook'),
      'datascience-notebook': on('scipy-notebook'),
      'pyspark-notebook': on('scipy-notebook'),
      'all-spark-notebook': on('pyspark-notebook'),
    });
    // .gitignore (/build/, *.local) and node_modules are skipped: no image for them.
    expect(manifest).not.toMatch(/context: build|node_modules|Dockerfile\.local/);
    expect(manifest).toMatch(
      /^ {6}BASE_IMAGE: "pyspark-notebook" {2}# guessed: its default quay\.io\/jupyter\/pyspark-notebook/m,
    );
    expect(manifest.split('\n')[0]).toMatch(
      /^# yaml-language-server: \$schema=.*schema\/images\.schema\.json$/,
    );
  });

  it('kubeflow: ARG BASE_IMG with a registry prefix and a tag; the tag goes to the parent, quoted', async () => {
    const dir = fixture('kubeflow');
    const { plan, manifest } = await initThenPlan(dir);
    expect(plan).toEqual({
      base: { parents: [], upstream: ['docker.io/library/ubuntu:22.04'] },
      codeserver: on('base'),
      'codeserver-python': on('codeserver'),
      jupyter: on('base'),
      'jupyter-pytorch': on('jupyter'),
      'jupyter-pytorch-cuda': on('jupyter'),
      'jupyter-pytorch-full': on('jupyter-pytorch'),
      'jupyter-pytorch-full-cuda': on('jupyter-pytorch-cuda'),
      'jupyter-scipy': on('jupyter'),
      rstudio: on('base'),
      'rstudio-tidyverse': on('rstudio'),
    });
    expect(manifest).toContain(
      '  jupyter-pytorch-cuda:\n    context: jupyter-pytorch\n    dockerfile: Dockerfile.cuda\n',
    );
    expect(manifest).toMatch(/^ {2}base:\n {4}context: base\n {4}tags: \["v1\.9\.0"\]$/m);
    expect(manifest).toContain('BASE_IMG: "base:v1.9.0"');
    // .dockerignore's **/.cache is skipped.
    expect(manifest).not.toContain('.cache');
  });

  it('a multi-stage builder: COPY --from and RUN --mount from= an image of the tree become edges', async () => {
    const { plan, manifest } = await initThenPlan(fixture('multi-stage'));
    expect(plan).toEqual({
      certs: { parents: [], upstream: ['docker.io/library/alpine:3.20'] },
      runtime: { parents: [], upstream: ['docker.io/library/alpine:3.20'] },
      toolchain: {
        parents: [],
        upstream: ['docker.io/library/alpine:3.20', 'docker.io/library/golang:1.23-alpine'],
      },
      api: on('certs', 'runtime', 'toolchain'),
      worker: on('certs', 'runtime', 'toolchain'),
    });
    expect(manifest).toMatch(/^registry: registry\.acme\.dev\/platform {2}# guessed: /m);
    expect(manifest).toContain('  toolchain:\n    context: toolchain\n    tags: ["1.23"]\n');
  });

  it('nested folders: Docker Hub namespace as registry, same-named images by path, Dockerfile.* and *.Dockerfile', async () => {
    const { init, plan, manifest } = await initThenPlan(fixture('nested'));
    expect(plan).toEqual({
      os: { parents: [], upstream: ['docker.io/library/debian:bookworm-slim'] },
      node: on('os'),
      python: on('os'),
      frontend: { parents: ['node'], upstream: ['docker.io/library/nginx:1.27-alpine'] },
      'apps/jobs/api': on('python'),
      'apps/web/api': on('python'),
      'report-nightly': on('python'),
      'tools-lint': on('node'),
    });
    expect(manifest).toMatch(/^registry: docker\.io\/acme {2}#/m);
    expect(manifest).toContain('    context: tools\n    dockerfile: lint.Dockerfile\n');
    // An ARG without a default: an args entry with a TODO, and said on the terminal.
    expect(manifest).toMatch(/^ {6}BUILD_DATE: "" {2}# TODO: ARG BUILD_DATE has no default/m);
    expect(init.stdout).toContain('not decided (see the TODO comments in the file):');
    expect(init.stdout).toContain(
      '  - apps/jobs/report/Dockerfile.nightly: ARG BUILD_DATE has no default; images.report-nightly.args.BUILD_DATE is left empty',
    );
  });

  it("the repository's example tree: the same graph as its hand-written images.yml", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pinyard-init-example-'));
    cpSync(path.join(repo, 'images'), path.join(dir, 'images'), { recursive: true });
    const { plan } = await initThenPlan(dir);
    expect(plan).toEqual(await planOf(repo));
  });
});

describe('pinyard init', () => {
  it('prints the plan tree of what it wrote', async () => {
    const dir = tempProject({
      'base/Dockerfile': 'FROM alpine:3.20\n',
      'app/Dockerfile': 'FROM base\n',
    });
    const { code, stdout } = await runCli(['init'], dir);
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        'wrote images.yml; pinyard plan will show:',
        '',
        'docker.io/library/alpine:3.20',
        '└── base',
        '    └── app',
        '',
        '2 images, 1 upstream refs; build order: base, app',
        '',
      ].join('\n'),
    );
  });

  it('refuses to overwrite images.yml without --force (exit 2, the file unchanged); --force replaces it', async () => {
    const dir = tempProject({ 'images.yml': '# mine\n', 'app/Dockerfile': 'FROM alpine:3.20\n' });
    const refused = await runCli(['init'], dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('images.yml exists already; init changed nothing');
    expect(refused.stderr).toContain('--force');
    expect(readFileSync(path.join(dir, 'images.yml'), 'utf8')).toBe('# mine\n');

    const forced = await runCli(['init', '--force'], dir);
    expect(forced.code).toBe(0);
    expect(readFileSync(path.join(dir, 'images.yml'), 'utf8')).toContain('  app:\n    context: app\n');
  });

  it('--dry-run prints the file and writes nothing', async () => {
    const dir = tempProject({ 'app/Dockerfile': 'FROM alpine:3.20\n' });
    const { code, stdout } = await runCli(['init', '--dry-run'], dir);
    expect(code).toBe(0);
    expect(stdout).toContain('version: 1\n');
    expect(stdout).toContain('  app:\n    context: app\n');
    expect(existsSync(path.join(dir, 'images.yml'))).toBe(false);
  });

  it('writes into DIR, with paths relative to it', async () => {
    const dir = tempProject({ 'repo/images/app/Dockerfile': 'FROM alpine:3.20\n' });
    const { code, stdout } = await runCli(['init', 'repo'], dir);
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toBe(`wrote ${path.join('repo', 'images.yml')}; pinyard plan will show:`);
    expect(readFileSync(path.join(dir, 'repo/images.yml'), 'utf8')).toContain('    context: images/app\n');
  });

  it('a FROM ARG without a default: a TODO the plan refuses until it is filled, and init says so', async () => {
    const dir = tempProject({
      'base/Dockerfile': 'FROM alpine:3.20\n',
      'app/Dockerfile': 'ARG BASE\nFROM $BASE\n',
    });
    const { code, stdout } = await runCli(['init'], dir);
    expect(code).toBe(0);
    const manifest = readFileSync(path.join(dir, 'images.yml'), 'utf8');
    expect(manifest).toMatch(/^ {6}BASE: "" {2}# TODO: FROM uses \$BASE, which has no default/m);
    expect(stdout).toContain('pinyard plan will refuse it until this is settled: app/Dockerfile:2:6:');
    expect(stdout).toContain(
      '  - app/Dockerfile: ARG BASE has no default; images.app.args.BASE is left empty',
    );
  });

  it('no Dockerfile under DIR: exit 2 and nothing written', async () => {
    const dir = tempProject({ 'README.md': '# nothing here\n' });
    const { code, stderr } = await runCli(['init'], dir);
    expect(code).toBe(2);
    expect(stderr).toContain('no Dockerfile under .');
    expect(existsSync(path.join(dir, 'images.yml'))).toBe(false);
  });
});
