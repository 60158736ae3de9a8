import { describe, expect, it } from 'vitest';
import { imageRefClassifier } from '../../src/graph/index.js';
import type { ImageConfig, ProjectManifest } from '../../src/manifest/index.js';
import { promotionRequests, targetRefs } from '../../src/promote/requests.js';
import { formatReference } from '../../src/reference/index.js';
import { runCli } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

const image = (name: string, repository: string, tags: string[]): ImageConfig => ({
  name,
  repository,
  context: `/p/${name}`,
  dockerfile: `/p/${name}/Dockerfile`,
  args: {},
  tags,
});

const manifest: Pick<ProjectManifest, 'registry' | 'environments' | 'images'> = {
  registry: 'registry.example.com/acme',
  environments: [{ name: 'staging', registry: 'registry.example.com/acme', repository: 'staging/{name}' }],
  images: [
    image('python-alpine', 'python', ['3.12-alpine']),
    image('python-bookworm', 'python', ['3.12-bookworm']),
    image('app', 'app', ['1.4']),
  ],
};

describe('promote with images that share a repository', () => {
  it.each([
    ['python:3.12-alpine', 'python-alpine'],
    ['python-bookworm:3.12-bookworm', 'python-bookworm'],
  ])('%s copies from the shared repository to the environment’s, as image %s', (arg, name) => {
    const [request] = promotionRequests(manifest, { images: [arg], to: 'staging' });
    expect(request?.name).toBe(name);
    expect(formatReference(request!.source)).toBe(`registry.example.com/acme/python:${arg.split(':')[1]}`);
    expect(targetRefs(request!).map(formatReference)).toEqual([
      `registry.example.com/acme/staging/python:${arg.split(':')[1]}`,
    ]);
  });

  it('suggests an image or a repository for a typo', () => {
    expect(() => promotionRequests(manifest, { images: ['pyhton:3.12-alpine'], to: 'staging' })).toThrow(
      'unknown image "pyhton" (did you mean "python"?)',
    );
  });
});

describe('imageRefClassifier with repositories', () => {
  const classify = imageRefClassifier(manifest.images, 'registry.example.com/acme');

  it.each([
    ['python:3.12-alpine', { kind: 'image', name: 'python-alpine' }],
    ['registry.example.com/acme/python:3.12-bookworm', { kind: 'image', name: 'python-bookworm' }],
    ['app', { kind: 'image', name: 'app' }],
    ['registry.example.com/acme/app:pinyard-0123', { kind: 'image', name: 'app' }],
    ['python:3.11', { kind: 'upstream', ref: 'docker.io/library/python:3.11' }],
    ['python', { kind: 'upstream', ref: 'docker.io/library/python:latest' }],
  ])('%s → %j', (text, expected) => {
    expect(classify(text)).toMatchObject(expected);
  });

  it('warns when the tree registry is spelled another way', () => {
    const local = imageRefClassifier(manifest.images, '127.0.0.1:5000/acme');
    expect(local('localhost:5000/acme/app:1.4')).toMatchObject({
      kind: 'upstream',
      warning: {
        message:
          'localhost:5000/acme/app:1.4 names repository app of image app (tags: 1.4), but under registry localhost:5000, not 127.0.0.1:5000: it is pulled as an upstream image, not built here',
        hint: 'write it as 127.0.0.1:5000/acme/app:1.4 to build on the image of the tree',
      },
    });
  });
});

describe('build --tag with images that share a repository', () => {
  it('is refused before any work: both images would claim the tag', async () => {
    const root = tempProject({
      'images.yml': [
        'version: 1',
        'images:',
        '  python-alpine: { context: a, repository: python, tags: ["3.12-alpine"] }',
        '  python-bookworm: { context: b, repository: python, tags: ["3.12-bookworm"] }',
      ].join('\n'),
      'a/Dockerfile': 'FROM alpine:3.20\n',
      'b/Dockerfile': 'FROM debian:bookworm-slim\n',
    });
    // No engine is reachable at this DOCKER_HOST: the refusal must come before one is needed.
    const { code, stderr } = await runCli(['build', '--tag', 'nightly'], root, {
      ...process.env,
      DOCKER_HOST: 'unix:///nonexistent.sock',
    });
    expect(code).toBe(2);
    expect(stderr).toContain(
      'pinyard: --tag nightly would be given to python-alpine and python-bookworm, which share repository python',
    );
  });
});
