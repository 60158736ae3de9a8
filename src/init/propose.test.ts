import { describe, expect, it } from 'vitest';
import { defaultImageName } from './image-name.js';
import { proposeImages } from './propose.js';
import type { DockerfileSource } from './types.js';

const df = (dir: string, text: string, file = 'Dockerfile'): DockerfileSource => ({ dir, file, text });
const propose = (...sources: DockerfileSource[]) => proposeImages(sources, { rootName: 'repo' });

describe('proposeImages', () => {
  it('names an image the way a FROM line calls it when that differs from its directory', () => {
    const proposal = propose(
      df('notebooks/base', 'FROM ubuntu:24.04\n'),
      df('notebooks/lab', 'FROM quay.io/acme/notebooks/base:2024\n'),
    );
    expect(proposal.registry).toEqual({
      value: 'quay.io/acme',
      comment: expect.stringContaining('notebooks/lab/Dockerfile:1'),
    });
    expect(proposal.images.map((i) => [i.name, i.tags])).toEqual([
      ['lab', []],
      ['notebooks/base', ['2024']],
    ]);
    expect(proposal.images[1]!.nameComment).toBe(
      'guessed: notebooks/lab/Dockerfile:1 calls it notebooks/base',
    );
  });

  it("an image never links to itself: images/registry building FROM registry:2 uses Docker Hub's", () => {
    const proposal = propose(df('images/registry', 'FROM registry:2\n'));
    expect(proposal.images).toEqual([{ name: 'registry', context: 'images/registry', args: {}, tags: [] }]);
    expect(proposal.undecided).toEqual([]);
  });

  it("kubeflow's `ARG BASE_IMG=<base>` placeholder names the image base", () => {
    const proposal = propose(
      df('base', 'FROM ubuntu:22.04\n'),
      df('jupyter', 'ARG BASE_IMG=<base>\nFROM $BASE_IMG\n'),
    );
    expect(proposal.images.find((i) => i.name === 'jupyter')!.args).toEqual({
      BASE_IMG: { value: 'base', comment: 'guessed: its default <base> is the image base of this tree' },
    });
  });

  it('a name two Dockerfiles match equally is left an upstream ref, and said', () => {
    const proposal = propose(
      df('a/tools', 'FROM alpine:3.20\n'),
      df('b/tools', 'FROM alpine:3.20\n'),
      df('app', 'FROM tools\n'),
    );
    expect(proposal.undecided).toEqual([
      'app/Dockerfile:1: tools could be the image of a/tools/Dockerfile, b/tools/Dockerfile; left as an upstream ref',
    ]);
    expect(proposal.images.map((i) => i.name)).toEqual(['a/tools', 'app', 'b/tools']);
  });

  it('FROM lines under two prefixes: the most used becomes registry, the other is listed', () => {
    const proposal = propose(
      df('base', 'FROM alpine:3.20\n'),
      df('one', 'FROM ghcr.io/acme/base\n'),
      df('two', 'FROM ghcr.io/acme/base\n'),
      df('three', 'FROM registry.other.dev/base\n'),
    );
    expect(proposal.registry?.value).toBe('ghcr.io/acme');
    expect(proposal.undecided).toEqual([
      'three/Dockerfile:1: registry.other.dev/base names the image of base/Dockerfile under registry.other.dev, but the other FROM lines use ghcr.io/acme: it stays an upstream ref unless the Dockerfile says ghcr.io/acme/base',
    ]);
  });

  it('a Dockerfile the parser refuses is still proposed, and its problem is listed with its position', () => {
    const proposal = propose(df('bad', 'RUN echo\nFROM alpine\n'));
    expect(proposal.images.map((i) => i.name)).toEqual(['bad']);
    expect(proposal.undecided).toEqual([
      'bad/Dockerfile:1:1: RUN before the first FROM (the image is proposed, its links are not)',
    ]);
  });
});

describe('defaultImageName', () => {
  it.each([
    ['images/App_Server', 'Dockerfile', 'app-server'],
    ['app', 'Dockerfile.dev', 'app-dev'],
    ['jupyter-pytorch', 'cuda.Dockerfile', 'jupyter-pytorch-cuda'],
    ['app', 'app.Dockerfile', 'app'],
    ['.', 'builder.Dockerfile', 'builder'],
    ['.', 'Dockerfile', 'repo'],
  ])('%s/%s → %s', (dir, file, name) => {
    expect(defaultImageName(dir, file, 'repo')).toBe(name);
  });
});
