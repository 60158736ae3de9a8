import { readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPinyardError, type PinyardError } from '../../src/errors.js';
import { manifestJsonSchema } from '../../src/manifest/json-schema.js';
import { loadManifest } from '../../src/manifest/load.js';
import { tempProject } from '../helpers/temp-project.js';

/** A temp project: images.yml text plus the image directories it names (each with a Dockerfile). */
function project(yaml: string, dirs: string[] = ['images/app']): string {
  return tempProject({
    'images.yml': yaml,
    ...Object.fromEntries(dirs.map((dir) => [`${dir}/Dockerfile`, 'FROM alpine:3.20\n'])),
  });
}

async function loadError(yaml: string, dirs?: string[]): Promise<PinyardError> {
  const root = project(yaml, dirs);
  try {
    await loadManifest('images.yml', root);
  } catch (error) {
    if (isPinyardError(error)) return error;
    throw error;
  }
  throw new Error('expected the manifest to be refused');
}

/** Every problem of an error as `file:line:col: message`, the way the CLI prints it. */
function located(error: PinyardError): string[] {
  return (error.details.length ? error.details : [error]).map((e) => e.located);
}

describe('loadManifest', () => {
  it('normalizes a valid manifest: absolute paths, defaults, images sorted by name', async () => {
    const root = project(
      [
        'version: 1',
        'registry: registry.example.com/acme',
        'environments:',
        '  staging: { repository: "staging/{name}" }',
        '  prod: { registry: prod.example.com/acme, requires: staging }',
        'images:',
        '  zeta: { context: images/zeta, tags: ["1.0"] }',
        '  app: { context: images/app, args: { NODE_ENV: production }, dockerfile: Dockerfile }',
      ].join('\n'),
      ['images/app', 'images/zeta'],
    );
    const { manifest } = await loadManifest('images.yml', root);
    expect(manifest.images.map((i) => i.name)).toEqual(['app', 'zeta']);
    expect(manifest.images[0]).toMatchObject({
      context: path.join(root, 'images/app'),
      dockerfile: path.join(root, 'images/app/Dockerfile'),
      args: { NODE_ENV: 'production' },
      tags: [],
    });
    expect(manifest.environments).toEqual([
      { name: 'staging', registry: 'registry.example.com/acme', repository: 'staging/{name}' },
      { name: 'prod', registry: 'prod.example.com/acme', repository: '{name}', requires: 'staging' },
    ]);
  });

  it.each([
    {
      what: 'an unknown key, at the key',
      yaml: 'version: 1\nimages:\n  app:\n    context: images/app\n    tag: ["1"]\n',
      expected: ['images.yml:5:5: images.app.tag: unknown key "tag"'],
    },
    {
      what: 'a missing context directory',
      yaml: 'version: 1\nimages:\n  app: { context: images/ap }\n',
      expected: ['images.yml:3:19: images.app.context: directory images/ap does not exist'],
    },
    {
      what: 'a tag YAML reads as a number',
      yaml: 'version: 1\nimages:\n  app:\n    context: images/app\n    tags: [3.20]\n',
      expected: [
        'images.yml:5:12: images.app.tags[0]: a tag must be a string; YAML read 3.2 as a number, so write it in quotes',
      ],
    },
    {
      what: 'a wrong version',
      yaml: 'version: 2\nimages: {}\n',
      expected: ['images.yml:1:10: version: must be 1 (the only manifest version this pinyard reads)'],
    },
    {
      what: 'an invalid tag and an invalid image name',
      yaml: 'version: 1\nimages:\n  App: { context: images/app, tags: ["-bad"] }\n',
      expected: [
        'images.yml:3:3: images.App: "App" is not a valid image name',
        'images.yml:3:38: images.App.tags[0]: "-bad" is not a valid tag',
      ],
    },
    {
      what: 'a missing Dockerfile named explicitly',
      yaml: 'version: 1\nimages:\n  app: { context: images/app, dockerfile: Dockerfile.prod }\n',
      expected: [
        'images.yml:3:43: images.app.dockerfile: Dockerfile images/app/Dockerfile.prod does not exist',
      ],
    },
    {
      what: 'an environment that requires an undefined one',
      yaml: 'version: 1\nregistry: r.example.com\nenvironments:\n  prod: { requires: staging }\nimages: {}\n',
      expected: ['images.yml:4:21: environments.prod.requires: environment "staging" is not defined'],
    },
    {
      what: 'a registry location that is not a host',
      yaml: 'version: 1\nregistry: acme\nimages: {}\n',
      expected: [expect.stringMatching(/^images\.yml:2:11: registry: "acme" is not a registry location: /)],
    },
    {
      what: 'a YAML syntax error',
      yaml: 'version: 1\nimages:\n  app: { context: images/app\n',
      // The unclosed { is where the slip is, not the line where YAML noticed it.
      expected: ['images.yml:3:8: this { is never closed with }'],
    },
    {
      what: 'a duplicate key',
      yaml: 'version: 1\nimages:\n  app: { context: images/app }\n  app: { context: images/app }\n',
      expected: ['images.yml:4:3: duplicate key "app": a key may appear only once in a map'],
    },
  ])('refuses $what with file:line:col', async ({ yaml, expected }) => {
    const error = await loadError(yaml);
    expect(error.exitCode).toBe(2);
    expect(located(error)).toEqual(expected);
  });

  describe('contexts outside the directory of images.yml', () => {
    /** A project in `<tmp>/repo/platform` beside `<tmp>/repo/secrets`, which a context must not reach. */
    const nested = (yaml: string) => {
      const root = tempProject({
        'platform/images.yml': yaml,
        'platform/images/app/Dockerfile': 'FROM alpine:3.20\n',
        'secrets/Dockerfile': 'FROM alpine:3.20\n',
        'secrets/id_rsa': 'key\n',
      });
      symlinkSync(path.join(root, 'secrets'), path.join(root, 'platform/images/link'));
      return path.join(root, 'platform');
    };
    const refused = async (yaml: string) => {
      const error = await loadManifest('images.yml', nested(yaml)).catch((e: PinyardError) => e);
      if (!isPinyardError(error)) throw new Error('expected the manifest to be refused');
      return error;
    };

    it.each([
      {
        what: 'a parent directory',
        yaml: 'version: 1\nimages:\n  app: { context: ../secrets }\n',
        expected:
          'images.yml:3:19: images.app.context: context ../secrets is outside the directory of images.yml',
      },
      {
        what: 'an absolute path',
        yaml: 'version: 1\nimages:\n  app: { context: /etc }\n',
        expected: expect.stringMatching(
          /^images\.yml:3:19: images\.app\.context: context [./]*etc is outside the directory of images\.yml$/,
        ),
      },
      {
        what: 'a symlink that points outside',
        yaml: 'version: 1\nimages:\n  app: { context: images/link }\n',
        expected:
          'images.yml:3:19: images.app.context: context images/link is outside the directory of images.yml (through a symlink)',
      },
      {
        what: 'a Dockerfile outside',
        yaml: 'version: 1\nimages:\n  app: { context: images/app, dockerfile: ../../../secrets/Dockerfile }\n',
        expected:
          'images.yml:3:43: images.app.dockerfile: dockerfile ../secrets/Dockerfile is outside the directory of images.yml',
      },
    ])('refuses $what (exit 2, at file:line:col, saying how to allow it)', async ({ yaml, expected }) => {
      const error = await refused(yaml);
      expect(error.exitCode).toBe(2);
      expect(located(error)[0]).toEqual(expected);
      expect((error.details[0] ?? error).hint).toMatch(/allowContextsOutside: true/);
    });

    it('takes them with allowContextsOutside: true', async () => {
      const dir = nested('version: 1\nallowContextsOutside: true\nimages:\n  app: { context: ../secrets }\n');
      const { manifest } = await loadManifest('images.yml', dir);
      expect(manifest.images[0]?.context).toBe(path.resolve(dir, '../secrets'));
    });
  });

  it('reports every problem of the file at once', async () => {
    const error = await loadError(
      'version: 1\nimages:\n  a: { context: images/app, y: 2 }\n  b: { context: images/app, x: 1 }\n',
    );
    expect(error.message).toBe('images.yml has 2 problems');
    expect(located(error)).toHaveLength(2);
  });

  it('names a manifest that does not exist and says what to do', async () => {
    const error = await loadManifest('missing.yml', tmpdir()).catch((e: PinyardError) => e);
    expect(error).toMatchObject({ code: 'PINYARD_MANIFEST_NOT_FOUND', exitCode: 2 });
    expect((error as PinyardError).message).toMatch(/^cannot read missing\.yml/);
    expect((error as PinyardError).hint).toMatch(/-f/);
  });
});

describe('the JSON Schema of images.yml', () => {
  it('is checked in and matches the zod schema (run `npm run schema` after changing it)', () => {
    const checkedIn = readFileSync(new URL('../../schema/images.schema.json', import.meta.url), 'utf8');
    expect(checkedIn).toBe(manifestJsonSchema());
  });

  it('describes the image keys an editor should complete', () => {
    const schema = JSON.parse(manifestJsonSchema());
    const image = schema.properties.images.additionalProperties;
    expect(Object.keys(image.properties)).toEqual(
      expect.arrayContaining(['context', 'dockerfile', 'args', 'tags', 'target', 'platform', 'rebuild']),
    );
    expect(image.additionalProperties).toBe(false);
    expect(image.required).toEqual(['context']);
  });
});
