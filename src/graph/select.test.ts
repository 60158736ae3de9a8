import { describe, expect, it } from 'vitest';
import { thrown } from '../../test/helpers/thrown.js';
import { depths, descendants, selectImages } from './select.js';
import type { GraphImage, ImageGraph } from './types.js';

/**
 *        base
 *       /    \
 *    node    python
 *     |  \     |
 *    app  cli  ml
 *  (tools stands alone)
 */
const parentsOf: Record<string, string[]> = {
  base: [],
  node: ['base'],
  python: ['base'],
  app: ['node'],
  cli: ['node', 'python'],
  ml: ['python'],
  tools: [],
};

function image(name: string, parents: string[]): GraphImage {
  return { name, parents, parentSites: {}, upstream: [] };
}

const graph: ImageGraph = {
  images: new Map(
    Object.keys(parentsOf)
      .sort()
      .map((name) => [name, image(name, parentsOf[name]!)]),
  ),
  order: ['base', 'node', 'app', 'python', 'cli', 'ml', 'tools'],
};

describe('selectImages', () => {
  it.each([
    [['app'], ['base', 'node', 'app']],
    [['cli'], ['base', 'node', 'python', 'cli']],
    [
      ['ml', 'app'],
      ['base', 'node', 'app', 'python', 'ml'],
    ],
    [['tools', 'tools'], ['tools']],
    [[], []],
  ])('%j keeps those and their ancestors, in build order: %j', (only, order) => {
    const selected = selectImages(graph, only);
    expect(selected.order).toEqual(order);
    expect([...selected.images.keys()]).toEqual([...order].sort());
    expect(selected.images.get(order[0] ?? '')).toBe(graph.images.get(order[0] ?? ''));
  });

  it('names the unknown images and suggests close matches', () => {
    const error = thrown(() => selectImages(graph, ['ap', 'cli', 'pyhton', 'zzzzzz']));
    expect(error.code).toBe('PINYARD_UNKNOWN_IMAGE');
    expect(error.message).toBe(
      'unknown images "ap" (did you mean "app"?), "pyhton" (did you mean "python"?), "zzzzzz"',
    );
    expect(error.hint).toBe('images in images.yml: app, base, cli, ml, node, python, tools');
    expect(error.exitCode).toBe(2);
  });

  it('shortens the list of known images when there are many', () => {
    const many: ImageGraph = {
      images: new Map(Array.from({ length: 30 }, (_, i) => [`img-${i}`, image(`img-${i}`, [])])),
      order: [],
    };
    expect(thrown(() => selectImages(many, ['nope'])).hint).toMatch(/img-19, … and 10 more$/);
  });
});

describe('descendants', () => {
  it.each([
    [['base'], ['node', 'app', 'python', 'cli', 'ml']],
    [['python'], ['cli', 'ml']],
    [
      ['node', 'python'],
      ['app', 'cli', 'ml'],
    ],
    [
      ['base', 'node'],
      ['node', 'app', 'python', 'cli', 'ml'],
    ],
    [['app'], []],
  ])('of %j, in build order: %j', (names, expected) => {
    expect(descendants(graph, names)).toEqual(expected);
  });

  it('refuses unknown names', () => {
    expect(thrown(() => descendants(graph, ['bsae'])).message).toBe(
      'unknown image "bsae" (did you mean "base"?)',
    );
  });
});

describe('depths', () => {
  it('counts the longest chain of parents', () => {
    expect(Object.fromEntries(depths(graph))).toEqual({
      base: 0,
      node: 1,
      python: 1,
      app: 2,
      cli: 2,
      ml: 2,
      tools: 0,
    });
  });
});
