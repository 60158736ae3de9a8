import { parseEvents } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { eventLocator } from './event-positions.js';
import { readYamlDocument } from './yaml-document.js';
import { positionOf } from './yaml-positions.js';

/** Positions from js-yaml's events must be the ones `yaml` gives: the same problem, the same place. */
const text = [
  'version: 1',
  'x-defaults: &defaults',
  '  context: images/app',
  '  tags: ["1.0", \'2.0\']',
  'images:',
  '  "app":',
  '    <<: *defaults',
  '    args: { A: "1", B: two }',
  '  web: { context: images/web, tags: [x, y] }',
  '  block:',
  '    context: >-',
  '      folded',
  '    tags:',
  '      - a',
  '      - b',
].join('\n');

describe('eventLocator', () => {
  const fromEvents = eventLocator(text, parseEvents(text, {}), 'images.yml');
  const { doc, lineCounter } = readYamlDocument(text, 'images.yml', 'PINYARD_MANIFEST_SYNTAX');
  const fromYaml = (path: Array<string | number>, options?: { key?: boolean }) =>
    positionOf(doc, lineCounter, 'images.yml', path, options);

  it.each([
    [['version']],
    [['images', 'app']],
    [['images', 'app', 'args', 'B']],
    [['images', 'app', 'context']],
    [['images', 'app', 'tags', 1]],
    [['images', 'web', 'tags', 1]],
    [['images', 'block', 'tags', 0]],
    [['images', 'block', 'context']],
    [['images', 'block', 'missing']],
    [['images', 'nope', 'context']],
  ])('%j: the same position as `yaml`', (path) => {
    expect(fromEvents(path)).toEqual(fromYaml(path));
  });

  it.each([[['images', 'app']], [['images', 'web', 'context']], [['x-defaults']]])(
    '%j as a key: the same position as `yaml`',
    (path) => {
      expect(fromEvents(path, { key: true })).toEqual(fromYaml(path, { key: true }));
    },
  );
});
