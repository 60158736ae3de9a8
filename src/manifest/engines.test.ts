import { describe, expect, it } from 'vitest';
import { engineAddressProblem } from './engine-address.js';
import { normalizeManifest } from './normalize.js';
import { parseManifest } from './parse.js';
import { checkManifestRules } from './rules.js';

describe('engineAddressProblem', () => {
  it.each([
    ['unix:///var/run/docker.sock', undefined],
    ['tcp://10.0.0.5:2375', undefined],
    ['tcp://[::1]:2376', undefined],
    ['ssh://builder@build-2.example.com', undefined],
    ['ssh://build-2.example.com:2222', undefined],
    ['context:colima', undefined],
    ['context:desktop-linux', undefined],
    [
      'context:',
      'a docker context name is letters, digits and _ . + - (at least two), starting with a letter or digit',
    ],
    [
      'context:-x',
      'a docker context name is letters, digits and _ . + - (at least two), starting with a letter or digit',
    ],
    [
      'context:a/b',
      'a docker context name is letters, digits and _ . + - (at least two), starting with a letter or digit',
    ],
    [
      '/var/run/docker.sock',
      'it has no unix://, tcp:// or ssh:// in front (or context: for a docker context)',
    ],
    ['build-2:2375', 'it has no unix://, tcp:// or ssh:// in front (or context: for a docker context)'],
    ['tcp://bad host', 'it is not a URL'],
    ['unix://', 'a unix:// address needs the socket path'],
    ['tcp://', 'a tcp:// address needs a host'],
    ['http://10.0.0.5:2375', 'pinyard reaches engines over unix://, tcp:// or ssh://, not http://'],
    [
      'npipe:////./pipe/docker_engine',
      'pinyard reaches engines over unix://, tcp:// or ssh://, not npipe://',
    ],
  ])('%s: %s', (address, problem) => {
    expect(engineAddressProblem(address)).toBe(problem);
  });
});

/** The manifest's problems as the CLI prints them, for a file with no images (no file system involved). */
function problems(yaml: string): { engines: string[]; located: string[] } {
  const parsed = parseManifest(yaml, 'images.yml');
  const manifest = normalizeManifest(parsed, '/project/images.yml');
  return { engines: manifest.engines, located: checkManifestRules(parsed, manifest).map((p) => p.located) };
}

describe('engines: in images.yml', () => {
  it('is optional, and kept in the order written', () => {
    expect(problems('version: 1\nimages: {}\n')).toEqual({ engines: [], located: [] });
    expect(
      problems(
        'version: 1\nengines:\n  - unix:///var/run/docker.sock\n  - ssh://ci@build-2\n  - context:colima\nimages: {}\n',
      ),
    ).toEqual({
      engines: ['unix:///var/run/docker.sock', 'ssh://ci@build-2', 'context:colima'],
      located: [],
    });
  });

  it('refuses an address that is not one, and an engine listed twice, at the entry', () => {
    const yaml = [
      'version: 1',
      'engines:',
      '  - tcp://build-1:2375',
      '  - build-2:2375',
      '  - tcp://build-1:2375',
      'images: {}',
    ].join('\n');
    expect(problems(yaml).located).toEqual([
      'images.yml:4:5: engines[1]: "build-2:2375" is not a Docker engine address: it has no unix://, tcp:// or ssh:// in front (or context: for a docker context)',
      'images.yml:5:5: engines[2]: "tcp://build-1:2375" is listed twice',
    ]);
  });

  it('refuses an engine that is not a string', () => {
    expect(() => parseManifest('version: 1\nengines: [2375]\nimages: {}\n', 'images.yml')).toThrow(
      'engines[0]: an engine must be a string; YAML read 2375 as a number, so write it in quotes',
    );
  });
});
