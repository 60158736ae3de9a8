import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPinyardError, type PinyardError } from '../../src/errors.js';
import { loadManifest } from '../../src/manifest/load.js';
import { tempProject } from '../helpers/temp-project.js';

/** A temp project with images/app and images/web, each with a Dockerfile, and this images.yml. */
function project(yaml: string): string {
  return tempProject({
    'images.yml': yaml,
    'images/app/Dockerfile': 'FROM alpine:3.20\n',
    'images/web/Dockerfile': 'FROM alpine:3.20\n',
  });
}

async function refusal(root: string, file = 'images.yml'): Promise<PinyardError> {
  try {
    await loadManifest(file, root);
  } catch (error) {
    if (isPinyardError(error)) return error;
    throw error;
  }
  throw new Error('expected the manifest to be refused');
}

const located = (error: PinyardError) =>
  (error.details.length ? error.details : [error]).map((e) => e.located);

/** Everything a user reads: messages and hints, for checking that no library text leaks. */
const allText = (error: PinyardError) =>
  [error, ...error.details].flatMap((e) => [e.message, e.hint ?? '']).join('\n');

describe('images.yml: YAML aliases and merge keys', () => {
  it('reads merge keys (<<: *defaults) from an x- key, the way real manifests share settings', async () => {
    const root = project(
      [
        'version: 1',
        'x-defaults: &defaults',
        '  context: images/app',
        '  args: { NODE_ENV: production }',
        'images:',
        '  app:',
        '    <<: *defaults',
        '    tags: ["1.4"]',
        '  web: { <<: *defaults, context: images/web }',
      ].join('\n'),
    );
    const { manifest } = await loadManifest('images.yml', root);
    expect(manifest.images.map((i) => [i.name, path.relative(root, i.context), i.args, i.tags])).toEqual([
      ['app', 'images/app', { NODE_ENV: 'production' }, ['1.4']],
      ['web', 'images/web', { NODE_ENV: 'production' }, []],
    ]);
  });

  it('points a problem in merged settings at the anchor that holds them', async () => {
    const error = await refusal(
      project(
        [
          'version: 1',
          'x-defaults: &defaults',
          '  context: images/app',
          '  tags: ["bad tag"]',
          'images:',
          '  app: { <<: *defaults }',
        ].join('\n'),
      ),
    );
    expect(located(error)).toEqual(['images.yml:4:10: images.app.tags[0]: "bad tag" is not a valid tag']);
  });

  it('refuses an alias whose anchor is missing, at the alias, with exit 2', async () => {
    const error = await refusal(project('version: 1\nimages:\n  app: *nope\n'));
    expect(error.exitCode).toBe(2);
    expect(located(error)).toEqual(['images.yml:3:8: alias *nope has no anchor &nope before it']);
    expect(error.hint).toContain('define &nope');
  });

  it('refuses an alias bomb at the alias that explodes, without expanding it', async () => {
    const lines = ['version: 1', 'x-0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i <= 9; i++) {
      lines.push(
        `x-${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    }
    lines.push('images:', '  app: { context: images/app, args: { A: *a9 } }');
    const error = await refusal(project(lines.join('\n')));
    expect(error.code).toBe('PINYARD_MANIFEST_SYNTAX');
    expect(error.message).toMatch(/^alias \*a9 expands to [\d,]+ values: more than any pinyard file needs/);
    expect(error.position).toMatchObject({ line: 13, column: 42 });
  });

  it('refuses a self-referencing alias in args in its own words', async () => {
    const error = await refusal(
      project('version: 1\nimages:\n  app:\n    context: images/app\n    args: &a [*a]\n'),
    );
    expect(located(error)).toEqual([
      'images.yml:5:14: images.app.args: must be a map (key: value), not a list',
    ]);
  });
});

describe('images.yml: every problem at once, in file order, in pinyard words', () => {
  it('reports schema problems and rule problems together, sorted by line', async () => {
    const error = await refusal(
      project(
        [
          'version: 1',
          'environments:',
          '  staging: { repository: "staging/{name}", requires: staging }',
          'registry: registry.example.com/acme',
          'images:',
          '  app: { context: images/app, tags: ["bad tag"] }',
          '  web: { context: images/web, rebuild: weekly }',
          '  gone: { context: images/gone }',
          '  zed: { context: "" }',
        ].join('\n'),
      ),
    );
    expect(located(error)).toEqual([
      'images.yml:3:54: environments.staging.requires: environment "staging" requires itself',
      'images.yml:6:38: images.app.tags[0]: "bad tag" is not a valid tag',
      'images.yml:7:40: images.web.rebuild: must be "daily", not the string "weekly"',
      'images.yml:8:20: images.gone.context: directory images/gone does not exist',
      'images.yml:9:19: images.zed.context: context must not be empty',
    ]);
  });

  it.each([
    ['no images map', 'version: 1\n', 'images.yml:1:1: images is required'],
    ['an empty file', '', 'images.yml:1:1: images.yml is empty'],
    [
      'args as a list',
      'version: 1\nimages:\n  app: { context: images/app, args: [A] }\n',
      'images.yml:3:37: images.app.args: must be a map (key: value), not a list',
    ],
    [
      'tags as a string',
      'version: 1\nimages:\n  app: { context: images/app, tags: "1.4" }\n',
      'images.yml:3:37: images.app.tags: must be a list, not the string "1.4"',
    ],
    [
      'a second YAML document',
      'version: 1\nimages: {}\n---\nversion: 1\n',
      'images.yml:3:1: a second YAML document starts here (---): the file must hold one',
    ],
    [
      'an unclosed [ on the line it is opened',
      'version: 1\nimages:\n  app: { context: images/app }\n  web:\n    context: images/web\n    tags: [1, 2\n    target: x\n',
      'images.yml:6:11: this [ is never closed with ]',
    ],
    [
      'a context that is a number',
      'version: 1\nimages:\n  app: { context: 5 }\n',
      'images.yml:3:19: images.app.context: context must be a string; YAML read 5 as a number, so write it in quotes',
    ],
  ])('%s', async (_, yaml, expected) => {
    const error = await refusal(project(yaml));
    expect(error.exitCode).toBe(2);
    expect(located(error)).toContain(expected);
    expect(allText(error)).not.toMatch(/Invalid input|expected record|received|parseAllDocuments|YAML\./);
  });

  it('reads line 1 of a file that starts with a UTF-8 byte order mark at column 1', async () => {
    const error = await refusal(project('\uFEFFversion: 2\nimages: {}\n'));
    expect(error.position).toMatchObject({ line: 1, column: 10 });
  });

  it('says why images.yml cannot be read, in words, when it is a directory', async () => {
    const root = tempProject({});
    mkdirSync(path.join(root, 'images.yml'));
    const error = await refusal(root);
    expect(error).toMatchObject({ code: 'PINYARD_MANIFEST_NOT_FOUND', exitCode: 2 });
    expect(error.message).toBe('cannot read images.yml: it is a directory, not a file');
  });
});
