import { describe, expect, it } from 'vitest';
import { isPinyardError, type PinyardError } from '../../src/errors.js';
import { loadManifest } from '../../src/manifest/load.js';
import { tempProject } from '../helpers/temp-project.js';

// Each cross-field rule of images.yml as the user reads it: position, message and the hint that says
// what to do.
async function problems(yaml: string, files: Record<string, string> = {}): Promise<PinyardError[]> {
  const root = tempProject({ 'images.yml': yaml, 'images/app/Dockerfile': 'FROM alpine:3.20\n', ...files });
  try {
    await loadManifest('images.yml', root);
  } catch (error) {
    if (!isPinyardError(error)) throw error;
    expect(error.exitCode).toBe(2);
    return error.details.length ? error.details : [error];
  }
  return [];
}
const one = async (yaml: string, files?: Record<string, string>) => {
  const found = await problems(yaml, files);
  expect(found).toHaveLength(1);
  const [p] = found as [PinyardError];
  expect(p.code).toBe('PINYARD_MANIFEST_INVALID');
  return { located: p.located, hint: p.hint };
};
const app = 'images:\n  app: { context: images/app }\n';

describe('images.yml rules', () => {
  it('a tag listed twice', async () => {
    expect(await one('version: 1\nimages:\n  app: { context: images/app, tags: ["1", "2", "1"] }\n')).toEqual(
      {
        located: 'images.yml:3:48: images.app.tags[2]: tag "1" is listed twice',
        hint: 'remove the duplicate',
      },
    );
  });

  it('an invalid tag', async () => {
    expect((await one('version: 1\nimages:\n  app: { context: images/app, tags: [".x"] }\n')).hint).toBe(
      'a tag is 1 to 128 characters of letters, digits, "_", "." and "-", not starting with "." or "-"',
    );
  });

  it('a build arg name that is not one, at the key', async () => {
    expect(
      await one('version: 1\nimages:\n  app: { context: images/app, args: { "1X": "a", OK_1: "b" } }\n'),
    ).toEqual({
      located: 'images.yml:3:39: images.app.args."1X": "1X" is not a valid build arg name',
      hint: 'use letters, digits and "_"',
    });
  });

  it('a build arg name with a bad character after a good start', async () => {
    expect(
      (await one('version: 1\nimages:\n  app: { context: images/app, args: { A-B: "a" } }\n')).located,
    ).toBe('images.yml:3:39: images.app.args.A-B: "A-B" is not a valid build arg name');
  });

  it('an image name that is not a repository path, at the key', async () => {
    expect((await one('version: 1\nimages:\n  App: { context: images/app }\n')).hint).toBe(
      'use a lower-case repository path: letters, digits, ".", "_", "-" and "/"',
    );
  });

  it('a missing context, and a context without its default Dockerfile', async () => {
    expect((await one('version: 1\nimages:\n  app: { context: images/nope }\n')).hint).toBe(
      'context is relative to images.yml; check the path',
    );
    expect(
      await one('version: 1\nimages:\n  app: { context: images/empty }\n', { 'images/empty/x': '' }),
    ).toEqual({
      located: 'images.yml:3:19: images.app.context: Dockerfile images/empty/Dockerfile does not exist',
      hint: 'add a Dockerfile to the context or name one with `dockerfile:`',
    });
    expect(
      (await one('version: 1\nimages:\n  app: { context: images/app, dockerfile: nope/Dockerfile }\n')).hint,
    ).toBe('dockerfile is relative to the context directory');
    expect((await one('version: 1\nimages:\n  app: { context: . }\n')).located).toBe(
      'images.yml:3:19: images.app.context: Dockerfile Dockerfile does not exist',
    );
  });

  it('an environment with no registry to promote to', async () => {
    expect(await one(`version: 1\nenvironments:\n  staging: { repository: "s/{name}" }\n${app}`)).toEqual({
      located: 'images.yml:3:3: environments.staging: has no registry to promote to',
      hint: 'set `registry:` at the top level or in this environment',
    });
  });

  it('a repository template without {name}', async () => {
    expect(
      await one(
        `version: 1\nregistry: r.example.com\nenvironments:\n  staging: { repository: "staging" }\n${app}`,
      ),
    ).toEqual({
      located:
        'images.yml:4:26: environments.staging.repository: "staging" does not contain {name}, so every image would land in one repository',
      hint: 'write it like "staging/{name}"',
    });
  });

  it('requires: an environment listed after, or itself', async () => {
    const later = await one(
      `version: 1\nregistry: r.example.com\nenvironments:\n  prod: { requires: staging }\n  staging: {}\n${app}`,
    );
    expect(later).toEqual({
      located: 'images.yml:4:21: environments.prod.requires: "staging" must be listed before "prod"',
      hint: 'environments are promotion steps in order',
    });
    const itself = await one(
      `version: 1\nregistry: r.example.com\nenvironments:\n  prod: { requires: prod }\n${app}`,
    );
    expect(itself.located).toBe(
      'images.yml:4:21: environments.prod.requires: environment "prod" requires itself',
    );
    const unknown = await one(
      `version: 1\nregistry: r.example.com\nenvironments:\n  qa: {}\n  prod: { requires: staging }\n${app}`,
    );
    expect(unknown.hint).toBe('use one of: qa, prod');
  });

  it.each([
    [
      'mirrors, at the host key',
      'mirrors: { "not a host": [m.example.com] }',
      'images.yml:2:12: mirrors."not a host"',
    ],
    ['a mirror', 'mirrors: { docker.io: ["bad mirror"] }', 'images.yml:2:24: mirrors."docker.io"[0]'],
    ['insecureRegistries', 'insecureRegistries: ["bad host"]', 'images.yml:2:22: insecureRegistries[0]'],
    [
      "an environment's registry",
      'registry: r.example.com\nenvironments:\n  prod: { registry: "bad host" }',
      'images.yml:4:21: environments.prod.registry',
    ],
  ])('a registry location that is not one: %s', async (_, yaml, where) => {
    const problem = await one(`version: 1\n${yaml}\n${app}`);
    expect(problem.located.slice(0, where.length + 3)).toBe(`${where}: "`);
    expect(problem.located).toContain('is not a registry location');
    expect(problem.hint).toBe('write it as host[:port][/namespace]');
  });

  it('accepts what the rules allow', async () => {
    expect(
      await problems(
        [
          'version: 1',
          'registry: r.example.com/acme',
          'mirrors: { docker.io: [m.example.com] }',
          'insecureRegistries: [127.0.0.1:5000]',
          'environments:',
          '  staging: {}',
          '  prod: { registry: p.example.com, requires: staging }',
          'images:',
          '  app: { context: images/app, tags: ["1", "2"], args: { _A1: x } }',
          '',
        ].join('\n'),
      ),
    ).toEqual([]);
  });
});
