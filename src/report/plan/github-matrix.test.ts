import { describe, expect, it } from 'vitest';
import type { ImageGraph } from '../../graph/index.js';
import { sequence } from '../../graph/index.js';
import { githubMatrix, renderGithubMatrix } from './github-matrix.js';

/** A graph from `name: parents` pairs, in the build order pinyard would give it. */
function graphOf(parents: Record<string, string[]>): ImageGraph {
  const result = sequence(new Map(Object.entries(parents)));
  if (!result.ok) throw new Error('cycle');
  return {
    images: new Map(
      Object.entries(parents).map(([name, ps]) => [
        name,
        { name, parents: ps, parentSites: {}, upstream: [] },
      ]),
    ),
    order: result.order,
  };
}

const names = (jobs: { include: { only: string[] }[] }) => jobs.include.map((j) => j.only);

describe('githubMatrix', () => {
  it.each([
    [
      'a tree like the example: the shared base first, then every other image on its own',
      {
        'base-alpine': [],
        'base-debian': [],
        app: ['base-alpine'],
        builder: ['base-alpine'],
        cli: ['base-alpine'],
        proxy: ['base-alpine'],
        registry: [],
      },
      [['base-alpine']],
      [['app'], ['base-debian'], ['builder'], ['cli'], ['proxy'], ['registry']],
    ],
    [
      'images connected below the bases share a job, in build order',
      { base: [], mid: ['base'], leaf1: ['mid'], leaf2: ['mid', 'base'], other: ['base'] },
      [['base']],
      [['mid', 'leaf1', 'leaf2'], ['other']],
    ],
    [
      'a COPY --from between two subtrees joins them',
      { a: [], b: [], a1: ['a'], b1: ['b', 'a1'], b2: ['b'] },
      [['a'], ['b']],
      [['a1', 'b1'], ['b2']],
    ],
    ['no bases: every image is its own job', { x: [], y: [] }, [], [['x'], ['y']]],
    ['an empty tree', {}, [], []],
  ])('%s', (_, parents, bases, images) => {
    const matrix = githubMatrix(graphOf(parents));
    expect(names(matrix.bases)).toEqual(bases);
    expect(names(matrix.images)).toEqual(images);
  });

  it('gives every job its images in build order, each image in exactly one job', () => {
    const graph = graphOf({
      base: [],
      mid: ['base'],
      leaf1: ['mid'],
      leaf2: ['mid', 'base'],
      other: ['base'],
    });
    const matrix = githubMatrix(graph);
    const all = [...names(matrix.bases), ...names(matrix.images)].flat();
    expect(all.sort()).toEqual([...graph.order].sort());
    for (const only of names(matrix.images)) {
      expect(only).toEqual(graph.order.filter((n) => only.includes(n)));
    }
  });

  it('names a job for its first image and how many more it builds', () => {
    const matrix = githubMatrix(graphOf({ base: [], mid: ['base'], leaf: ['mid'], solo: [] }));
    expect(matrix).toEqual({
      version: 1,
      bases: { include: [{ name: 'base', only: ['base'] }] },
      images: {
        include: [
          { name: 'mid +1', only: ['mid', 'leaf'] },
          { name: 'solo', only: ['solo'] },
        ],
      },
    });
  });

  it('prints one line of JSON, for $GITHUB_OUTPUT and fromJSON', () => {
    const text = renderGithubMatrix(graphOf({ base: [], app: ['base'] }));
    expect(text).toBe(
      '{"version":1,"bases":{"include":[{"name":"base","only":["base"]}]},"images":{"include":[{"name":"app","only":["app"]}]}}\n',
    );
  });
});

describe('splitByPlatform (--by-platform)', () => {
  it('gives each job of multi-platform images one job per platform, and leaves the others whole', () => {
    const graph = graphOf({ base: [], app: ['base'], tool: ['base'], legacy: [] });
    const platforms = new Map([
      ['base', ['linux/amd64', 'linux/arm64']],
      ['app', ['linux/arm64', 'linux/amd64']],
    ]);
    const matrix = JSON.parse(renderGithubMatrix(graph, platforms));
    expect(matrix.bases.include).toEqual([
      { name: 'base (linux/amd64)', only: ['base'], platform: 'linux/amd64' },
      { name: 'base (linux/arm64)', only: ['base'], platform: 'linux/arm64' },
    ]);
    expect(matrix.images.include).toEqual([
      { name: 'app (linux/amd64)', only: ['app'], platform: 'linux/amd64' },
      { name: 'app (linux/arm64)', only: ['app'], platform: 'linux/arm64' },
      { name: 'legacy', only: ['legacy'] },
      { name: 'tool', only: ['tool'] },
    ]);
    expect(JSON.parse(renderGithubMatrix(graph))).toEqual(githubMatrix(graph));
  });
});
