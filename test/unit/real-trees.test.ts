import { describe, expect, it } from 'vitest';
import type { PlanJson } from '../../src/report/plan/index.js';
import { runCli } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

/**
 * Small trees written in the shapes of public multi-image repositories (our own Dockerfiles, in their
 * style): what pinyard reads from them must be what docker builds, parents, upstream refs and order.
 */
async function plan(files: Record<string, string>, ...args: string[]) {
  const root = tempProject(files);
  const json = await runCli(['--json', ...args, 'plan'], root);
  const tree = await runCli([...args, 'plan'], root);
  return {
    code: json.code,
    stderr: json.stderr,
    images: json.code === 0 ? (JSON.parse(json.stdout) as PlanJson).images : [],
    tree: tree.stdout,
    error: json.code === 0 ? undefined : JSON.parse(json.stdout).error,
  };
}

describe('docker-library/buildpack-deps: three images in one repository, told apart by tag', () => {
  const files = {
    'images.yml': [
      'version: 1',
      'registry: registry.example.com/library',
      'images:',
      '  buildpack-deps-curl: { context: bookworm/curl, repository: buildpack-deps, tags: [bookworm-curl] }',
      '  buildpack-deps-scm: { context: bookworm/scm, repository: buildpack-deps, tags: [bookworm-scm] }',
      '  buildpack-deps: { context: bookworm, tags: [bookworm, latest] }',
    ].join('\n'),
    'bookworm/curl/Dockerfile': 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\n',
    'bookworm/scm/Dockerfile': 'FROM buildpack-deps:bookworm-curl\nRUN apt-get install -y git\n',
    'bookworm/Dockerfile': 'FROM buildpack-deps:bookworm-scm\nRUN apt-get install -y gcc\n',
  };

  it('chains curl → scm → full by tag, with debian the one upstream ref', async () => {
    const { code, images, tree, stderr } = await plan(files);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(images).toEqual([
      { name: 'buildpack-deps-curl', parents: [], upstream: ['docker.io/library/debian:bookworm'] },
      { name: 'buildpack-deps-scm', parents: ['buildpack-deps-curl'], upstream: [] },
      { name: 'buildpack-deps', parents: ['buildpack-deps-scm'], upstream: [] },
    ]);
    expect(tree).toContain(
      'docker.io/library/debian:bookworm\n└── buildpack-deps-curl\n    └── buildpack-deps-scm\n        └── buildpack-deps\n',
    );
  });

  it('warns about a tag no image of the repository has, naming the images and their tags', async () => {
    const { code, stderr, images } = await plan({
      ...files,
      'bookworm/Dockerfile': 'FROM buildpack-deps:bookworm-scn\nRUN true\n',
    });
    expect(code).toBe(0);
    expect(images.find((i) => i.name === 'buildpack-deps')?.upstream).toEqual([
      'docker.io/library/buildpack-deps:bookworm-scn',
    ]);
    expect(stderr).toContain(
      'pinyard: warning: bookworm/Dockerfile:1:6: FROM buildpack-deps:bookworm-scn names the repository of images buildpack-deps (tags: bookworm, latest), buildpack-deps-curl (tags: bookworm-curl), buildpack-deps-scm (tags: bookworm-scm), but no image of the tree has tag bookworm-scn: it is pulled as an upstream image, not built here',
    );
    expect(stderr).toContain(
      "hint: use one of the tree's tags (bookworm, latest, bookworm-curl, bookworm-scm)",
    );
  });

  it('makes the warning an error under --strict, and an annotation in GitHub Actions', async () => {
    const broken = { ...files, 'bookworm/Dockerfile': 'FROM buildpack-deps:bookworm-scn\n' };
    const strict = await plan(broken, '--strict');
    expect(strict.code).toBe(2);
    expect(strict.error).toMatchObject({
      code: 'PINYARD_STRICT_WARNING',
      position: { file: 'bookworm/Dockerfile', line: 1, column: 6 },
    });
    const root = tempProject(broken);
    const actions = await runCli(['plan'], root, {
      ...process.env,
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: root,
    });
    expect(actions.code).toBe(0);
    expect(actions.stderr).toMatch(
      /^::warning file=bookworm\/Dockerfile,line=1,col=6,title=pinyard%3A warning::FROM buildpack-deps:bookworm-scn/m,
    );
  });

  it('refuses a tag two images of one repository both claim', async () => {
    const { code, error } = await plan({
      ...files,
      'images.yml': files['images.yml'].replace('tags: [bookworm-scm]', 'tags: [bookworm-scm, bookworm]'),
    });
    expect(code).toBe(2);
    expect(error.message).toContain('tag "bookworm" is also a tag of image');
  });

  it('reads a team python: two images of repository python, and an app FROM one of them by tag', async () => {
    const { code, images } = await plan({
      'images.yml': [
        'version: 1',
        'registry: registry.example.com/acme',
        'images:',
        '  python-alpine: { context: python/alpine, repository: python, tags: ["3.12-alpine"] }',
        '  python-bookworm: { context: python/bookworm, repository: python, tags: ["3.12-bookworm"] }',
        '  app: { context: app, tags: ["1"] }',
      ].join('\n'),
      'python/alpine/Dockerfile': 'FROM alpine:3.20\n',
      'python/bookworm/Dockerfile': 'FROM debian:bookworm-slim\n',
      'app/Dockerfile':
        'FROM registry.example.com/acme/python:3.12-bookworm AS test\nFROM python:3.12-alpine\n',
    });
    expect(code).toBe(0);
    expect(images.find((i) => i.name === 'app')).toEqual({
      name: 'app',
      parents: ['python-alpine', 'python-bookworm'],
      upstream: [],
    });
  });
});

describe('jupyter/docker-stacks: a chain of notebook images through ARGs naming the registry', () => {
  const stack = (parent: string) =>
    `ARG REGISTRY=quay.io\nARG OWNER=jupyter\nARG BASE_IMAGE=$REGISTRY/$OWNER/${parent}\nFROM $BASE_IMAGE\nRUN true\n`;
  const files = {
    'images.yml': [
      'version: 1',
      'registry: quay.io/jupyter',
      'images:',
      '  docker-stacks-foundation: { context: images/docker-stacks-foundation }',
      '  base-notebook: { context: images/base-notebook }',
      '  minimal-notebook: { context: images/minimal-notebook }',
      '  scipy-notebook: { context: images/scipy-notebook }',
      '  r-notebook: { context: images/r-notebook }',
      '  datascience-notebook: { context: images/datascience-notebook }',
    ].join('\n'),
    // The foundation is built on ubuntu through a stage; micromamba only serves a RUN --mount.
    'images/docker-stacks-foundation/Dockerfile': [
      'ARG ROOT_IMAGE=ubuntu:24.04',
      'FROM $ROOT_IMAGE AS root',
      'FROM mambaorg/micromamba:2.0 AS micromamba',
      'FROM root',
      'RUN --mount=type=bind,from=micromamba,source=/bin/micromamba,target=/tmp/micromamba true',
    ].join('\n'),
    'images/base-notebook/Dockerfile': stack('docker-stacks-foundation'),
    'images/minimal-notebook/Dockerfile': stack('base-notebook'),
    'images/scipy-notebook/Dockerfile': stack('minimal-notebook'),
    'images/r-notebook/Dockerfile': stack('minimal-notebook'),
    'images/datascience-notebook/Dockerfile': stack('scipy-notebook'),
  };

  it('links each notebook to its parent and builds them in order', async () => {
    const { code, images } = await plan(files);
    expect(code).toBe(0);
    expect(images.map((i) => [i.name, i.parents])).toEqual([
      ['docker-stacks-foundation', []],
      ['base-notebook', ['docker-stacks-foundation']],
      ['minimal-notebook', ['base-notebook']],
      ['r-notebook', ['minimal-notebook']],
      ['scipy-notebook', ['minimal-notebook']],
      ['datascience-notebook', ['scipy-notebook']],
    ]);
    expect(images[0]?.upstream).toEqual([
      'docker.io/library/ubuntu:24.04',
      'docker.io/mambaorg/micromamba:2.0',
    ]);
  });

  it('draws the foundation under ubuntu, the chain its final stage is built on, not under micromamba', async () => {
    const { tree } = await plan(files);
    expect(tree).toContain(
      'docker.io/library/ubuntu:24.04\n└── docker-stacks-foundation  (also docker.io/mambaorg/micromamba:2.0)\n',
    );
    expect(tree).not.toMatch(/^docker\.io\/mambaorg\/micromamba:2\.0$/m);
  });
});

describe("kubeflow's notebook servers: every image FROM $BASE_IMG, set per image in images.yml", () => {
  const serverFile = 'ARG BASE_IMG=<base>\nFROM $BASE_IMG\nRUN true\n';
  const files = (extra = '') => ({
    'images.yml': [
      'version: 1',
      'registry: ghcr.io/kubeflow/kubeflow/notebook-servers',
      'images:',
      '  base: { context: base }',
      '  jupyter: { context: jupyter, args: { BASE_IMG: base } }',
      '  jupyter-scipy: { context: jupyter-scipy, args: { BASE_IMG: jupyter } }',
      '  jupyter-pytorch: { context: jupyter-pytorch, args: { BASE_IMG: jupyter } }',
      `  codeserver: { context: codeserver${extra} }`,
    ].join('\n'),
    'base/Dockerfile': 'ARG BASE_IMG=ubuntu:22.04\nFROM $BASE_IMG\nARG TARGETARCH\nRUN echo $TARGETARCH\n',
    'jupyter/Dockerfile': serverFile,
    'jupyter-scipy/Dockerfile': serverFile,
    'jupyter-pytorch/Dockerfile': serverFile,
    'codeserver/Dockerfile': serverFile,
  });

  it('links each server to the parent its build arg names', async () => {
    const { code, images } = await plan(files(', args: { BASE_IMG: base }'));
    expect(code).toBe(0);
    expect(images.map((i) => [i.name, i.parents, i.upstream])).toEqual([
      ['base', [], ['docker.io/library/ubuntu:22.04']],
      ['codeserver', ['base'], []],
      ['jupyter', ['base'], []],
      ['jupyter-pytorch', ['jupyter'], []],
      ['jupyter-scipy', ['jupyter'], []],
    ]);
  });

  it("points the placeholder default at the image's args when images.yml does not set it", async () => {
    const { code, error } = await plan(files());
    expect(code).toBe(2);
    expect(error).toMatchObject({
      message: expect.stringContaining('invalid image reference "<base>" (from $BASE_IMG):'),
      position: { file: 'codeserver/Dockerfile', line: 2, column: 6 },
    });
    expect(error.hint).toContain('images.codeserver.args.BASE_IMG');
  });
});

describe("cypress-docker-images' factory: versions, platform ARGs and patterns in FROM lines", () => {
  const files = {
    'images.yml': [
      'version: 1',
      'registry: registry.example.com/cypress',
      'images:',
      '  factory: { context: factory, tags: ["4.0.2"] }',
      '  base: { context: base, args: { NODE_VERSION: "20.14.0" } }',
      '  browsers: { context: browsers, platform: linux/arm64 }',
    ].join('\n'),
    'factory/Dockerfile': [
      'ARG BASE_IMAGE=debian:12-slim',
      'FROM --platform=$BUILDPLATFORM busybox:1.36 AS fetch',
      'FROM ${BASE_IMAGE}',
      'COPY --from=fetch /bin/busybox /bin/',
    ].join('\n'),
    'base/Dockerfile': [
      'ARG FACTORY_VERSION=4.0.2',
      'ARG NODE_VERSION',
      // The node image of the major version, as BuildKit's own Dockerfiles cut versions.
      'FROM node:${NODE_VERSION%%.*}-alpine AS node',
      'FROM factory:${FACTORY_VERSION}',
      'COPY --from=node /usr/local/bin/node /usr/local/bin/',
    ].join('\n'),
    'browsers/Dockerfile': [
      'ARG FACTORY_VERSION=4.0.2',
      'FROM factory:${FACTORY_VERSION} AS build-linux',
      'FROM build-$TARGETOS',
      'FROM alpine:3.20-$TARGETARCH AS tools',
    ].join('\n'),
  };

  it('resolves every FROM as docker would, and orders the factory first', async () => {
    const { code, images, stderr, error } = await plan(files);
    expect({ code, stderr, error }).toEqual({ code: 0, stderr: '', error: undefined });
    expect(images).toEqual([
      {
        name: 'factory',
        parents: [],
        upstream: ['docker.io/library/busybox:1.36', 'docker.io/library/debian:12-slim'],
      },
      { name: 'base', parents: ['factory'], upstream: ['docker.io/library/node:20-alpine'] },
      // browsers targets linux/arm64: TARGETARCH is arm64 whatever machine plans it.
      { name: 'browsers', parents: ['factory'], upstream: ['docker.io/library/alpine:3.20-arm64'] },
    ]);
  });
});
