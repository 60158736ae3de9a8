import { describe, expect, it } from 'vitest';
import type { PinyardError } from '../../errors.js';
import type { ProjectManifest } from '../../manifest/index.js';
import { chooseEngines } from './engines.js';

const manifest = (extra: Partial<ProjectManifest> = {}): ProjectManifest => ({
  file: '/p/images.yml',
  dir: '/p',
  registry: 'r.example.com/acme',
  mirrors: {},
  insecureRegistries: [],
  environments: [],
  engines: [],
  images: [],
  ...extra,
});

const refusal = (run: () => unknown): PinyardError => {
  try {
    run();
  } catch (error) {
    return error as PinyardError;
  }
  throw new Error('expected a refusal');
};

describe('chooseEngines', () => {
  const inFile = manifest({ engines: ['unix:///a.sock', 'tcp://b:2375'] });

  it.each([
    { case: 'DOCKER_HOST without either', cli: undefined, m: manifest(), addresses: [], from: undefined },
    {
      case: 'engines: from images.yml',
      cli: [],
      m: inFile,
      addresses: inFile.engines,
      from: 'engines: in images.yml',
    },
    {
      case: '--engine over engines:',
      cli: ['ssh://ci@c'],
      m: inFile,
      addresses: ['ssh://ci@c'],
      from: '--engine',
    },
  ])('uses $case', ({ cli, m, addresses, from }) => {
    expect(chooseEngines(cli, m, true)).toEqual({ addresses, ...(from ? { from } : {}) });
  });

  it('builds on one named engine without --push', () => {
    expect(chooseEngines(['tcp://b:2375'], manifest(), false).addresses).toEqual(['tcp://b:2375']);
  });

  it.each([
    { registry: 'r.example.com/acme', hint: 'add --push, or build on one engine (one --engine URL)' },
    {
      registry: undefined,
      hint: 'set `registry:` in images.yml and build with --push, or build on one engine (one --engine URL)',
    },
  ])('refuses several engines without --push (registry: $registry), as bad input', ({ registry, hint }) => {
    const error = refusal(() =>
      chooseEngines(
        ['unix:///a.sock', 'tcp://b:2375'],
        manifest(registry ? { registry } : { registry: undefined }),
        false,
      ),
    );
    expect(error).toMatchObject({ code: 'PINYARD_USAGE', exitCode: 2, hint });
    expect(error.message).toMatch(/^building on 2 engines \(--engine\) needs --push/);
  });

  it.each([
    [
      ['b:2375'],
      '--engine "b:2375" is not a Docker engine address: it has no unix://, tcp:// or ssh:// in front (or context: for a docker context)',
    ],
    [['tcp://b:2375', 'tcp://b:2375'], '--engine "tcp://b:2375" is listed twice'],
  ])('refuses --engine %j before anything runs', (cli, message) => {
    expect(refusal(() => chooseEngines(cli, manifest(), true))).toMatchObject({
      code: 'PINYARD_USAGE',
      message,
    });
  });
});
