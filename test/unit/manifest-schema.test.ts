import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPinyardError, type PinyardError } from '../../src/errors.js';
import { engineAddressProblem, engineListProblems } from '../../src/manifest/engine-address.js';
import { loadManifest } from '../../src/manifest/load.js';
import { ImageName } from '../../src/manifest/schema.js';
import { tempProject } from '../helpers/temp-project.js';

// What images.yml's schema says about each field a user can get wrong, where it says it.
const project = (yaml: string) =>
  tempProject({ 'images.yml': yaml, 'images/app/Dockerfile': 'FROM alpine:3.20\n' });

async function refusal(yaml: string): Promise<PinyardError> {
  try {
    await loadManifest('images.yml', project(yaml));
  } catch (error) {
    if (isPinyardError(error)) return error;
    throw error;
  }
  throw new Error('expected the manifest to be refused');
}
const located = async (yaml: string) => {
  const error = await refusal(yaml);
  return (error.details.length ? error.details : [error]).map((e) => e.located);
};
const image = (extra: string) => `version: 1\nimages:\n  app: { context: images/app, ${extra} }\n`;

describe('images.yml values YAML reads as something else', () => {
  it.each([
    [
      'context',
      'version: 1\nimages:\n  app: { context: 12 }\n',
      'images.yml:3:19: images.app.context: context must be a string; YAML read 12 as a number, so write it in quotes',
    ],
    [
      'dockerfile',
      image('dockerfile: 1'),
      'images.yml:3:43: images.app.dockerfile: dockerfile must be a string; YAML read 1 as a number, so write it in quotes',
    ],
    [
      'a build arg value',
      image('args: { V: 1.0 }'),
      'images.yml:3:42: images.app.args.V: a build arg value must be a string; YAML read 1 as a number, so write it in quotes',
    ],
    [
      'target',
      image('target: true'),
      'images.yml:3:39: images.app.target: target must be a string; YAML read true as a boolean, so write it in quotes',
    ],
    [
      'platform',
      image('platform: 64'),
      'images.yml:3:41: images.app.platform: platform must be a string; YAML read 64 as a number, so write it in quotes',
    ],
    [
      'registry',
      'version: 1\nregistry: 5000\nimages: {}\n',
      'images.yml:2:11: registry: registry must be a string; YAML read 5000 as a number, so write it in quotes',
    ],
    [
      'a mirror',
      'version: 1\nmirrors: { docker.io: [1] }\nimages: {}\n',
      'images.yml:2:24: mirrors."docker.io"[0]: a mirror must be a string; YAML read 1 as a number, so write it in quotes',
    ],
    [
      'an insecure registry',
      'version: 1\ninsecureRegistries: [1]\nimages: {}\n',
      'images.yml:2:22: insecureRegistries[0]: an insecure registry must be a string; YAML read 1 as a number, so write it in quotes',
    ],
    [
      'an engine',
      'version: 1\nengines: [2]\nimages: {}\n',
      'images.yml:2:11: engines[0]: an engine must be a string; YAML read 2 as a number, so write it in quotes',
    ],
    [
      'an environment registry',
      'version: 1\nenvironments:\n  prod: { registry: 1 }\nimages: {}\n',
      'images.yml:3:21: environments.prod.registry: registry must be a string; YAML read 1 as a number, so write it in quotes',
    ],
    [
      'a repository template',
      'version: 1\nregistry: r.example.com\nenvironments:\n  prod: { repository: 1 }\nimages: {}\n',
      'images.yml:4:23: environments.prod.repository: repository must be a string; YAML read 1 as a number, so write it in quotes',
    ],
    [
      'requires',
      'version: 1\nregistry: r.example.com\nenvironments:\n  prod: { requires: 1 }\nimages: {}\n',
      'images.yml:4:21: environments.prod.requires: requires must be a string; YAML read 1 as a number, so write it in quotes',
    ],
  ])('%s: says quote it, at the value', async (_, yaml, expected) => {
    expect(await located(yaml)).toEqual([expected]);
  });

  it('a missing context is required, at the image', async () => {
    expect(await located('version: 1\nimages:\n  app: { tags: ["1"] }\n')).toEqual([
      'images.yml:3:8: images.app: context is required',
    ]);
  });

  it('a platform that is not os/arch[/variant]', async () => {
    expect(await located(image('platform: amd64'))).toEqual([
      'images.yml:3:41: images.app.platform: platform is os/arch[/variant], e.g. linux/amd64',
    ]);
  });

  it('an unknown key says how to find the right one', async () => {
    const error = await refusal('version: 1\nimage: {}\n');
    const unknown = (error.details.length ? error.details : [error]).find((e) =>
      /unknown key/.test(e.message),
    )!;
    expect(unknown.located).toBe('images.yml:2:1: image: unknown key "image"');
    expect(unknown.hint).toBe(
      'remove it or check its spelling against the images.yml reference (top-level keys starting with x- are ignored: a place for YAML anchors)',
    );
  });

  it('YAML syntax errors say so and where', async () => {
    const error = await refusal('version: 1\nimages: [\n');
    expect(error.code).toBe('PINYARD_MANIFEST_SYNTAX');
    // Said where the list was opened, with how to close it.
    expect(error.hint).toBe('close the list with ] on the same line, or write it as an indented block');
    expect(error.located).toMatch(/^images\.yml:2:9: /);
  });

  it('an empty file is said to be empty, not a crash', async () => {
    expect(await located('')).toEqual(['images.yml:1:1: images.yml is empty']);
  });

  it('a manifest given by a path outside cwd is named as given', async () => {
    const root = project('version: 1\nimages:\n  app: { context: 12 }\n');
    const error = await loadManifest(path.join(root, 'images.yml'), '/').catch((e: PinyardError) => e);
    expect(
      (error as PinyardError).located.startsWith(`${path.join(root, 'images.yml').slice(1)}:3:19:`),
    ).toBe(true);
  });
});

describe('the normalized manifest', () => {
  it('keeps rebuild, target and platform, copies mirrors and insecureRegistries, sorts images by name', async () => {
    const root = tempProject({
      'images.yml': [
        'version: 1',
        'mirrors: { docker.io: [m.example.com] }',
        'insecureRegistries: [r.example.com]',
        'images:',
        '  zz: { context: z, rebuild: daily, target: t, platform: linux/arm64/v8 }',
        '  a-b: { context: z }',
        '  a: { context: z }',
        '  a.c: { context: z }',
        '',
      ].join('\n'),
      'z/Dockerfile': 'FROM scratch\n',
    });
    const { manifest } = await loadManifest('images.yml', root);
    expect(manifest.images.map((i) => i.name)).toEqual(['a', 'a-b', 'a.c', 'zz']);
    expect(manifest.images[3]).toMatchObject({ rebuild: 'daily', target: 't', platform: 'linux/arm64/v8' });
    expect(Object.keys(manifest.images[0]!)).not.toContain('rebuild');
    expect(manifest.mirrors).toEqual({ 'docker.io': ['m.example.com'] });
    expect(manifest.insecureRegistries).toEqual(['r.example.com']);
  });
});

describe('image names', () => {
  it.each([
    'a',
    'a/b',
    'a-b',
    'a--b',
    'a__b',
    'a.b',
    'a_b',
    'team/app-1.2',
    'x/y/z',
    'x/a--b',
    'x/a__b',
    'x/a.b',
    'x/a_b',
  ])('accepts %s', (name) => {
    expect(ImageName.safeParse(name).success).toBe(true);
  });
  it.each([
    'A',
    'a/',
    '/a',
    'a//b',
    'a/-b',
    'a/b-',
    'a/b.',
    'a/.b',
    'a/b__',
    'a/b___c',
    'a/B',
    'a/b!c',
    'a.',
    '-a',
  ])('refuses %s', (name) => {
    expect(ImageName.safeParse(name).success).toBe(false);
  });
});

describe('engine addresses', () => {
  it.each([
    ['host:2375', 'it has no unix://, tcp:// or ssh:// in front (or context: for a docker context)'],
    ['xtcp://host', 'pinyard reaches engines over unix://, tcp:// or ssh://, not xtcp://'],
    ['see unix:///x', 'it has no unix://, tcp:// or ssh:// in front (or context: for a docker context)'],
    ['unix://', 'a unix:// address needs the socket path'],
    ['unix:///', 'a unix:// address needs the socket path'],
    ['tcp://', 'a tcp:// address needs a host'],
  ])('%s: %s', (address, problem) => {
    expect(engineAddressProblem(address)).toBe(problem);
  });

  it('accepts the three forms', () => {
    for (const address of ['unix:///var/run/docker.sock', 'tcp://h:2375', 'ssh://u@h']) {
      expect(engineAddressProblem(address)).toBeUndefined();
    }
  });

  it('names a bad or repeated address in a list with what to write instead', () => {
    expect(engineListProblems(['tcp://a', 'nope', 'tcp://a'])).toEqual([
      {
        index: 1,
        message:
          '"nope" is not a Docker engine address: it has no unix://, tcp:// or ssh:// in front (or context: for a docker context)',
        hint: 'write it as DOCKER_HOST would be: unix:///var/run/docker.sock, tcp://host:2375 or ssh://user@host, or context:NAME for a docker context',
      },
      { index: 2, message: '"tcp://a" is listed twice', hint: 'remove the duplicate' },
    ]);
  });
});
