import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { imageConfig } from '../../../test/helpers/image-config.js';
import { parseDockerfile } from '../../dockerfile/index.js';
import { imageRefClassifier } from '../../graph/index.js';
import { imageChecks } from './image-checks.js';
import type { BuildPorts } from './image-task.js';
import { treeHashes } from './tree-hashes.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const texts = new Map([
  ['base', 'FROM alpine:3.20\n'],
  ['app', 'FROM base\nCOPY app /app\n'],
  ['cli', 'FROM app\n'],
]);
const names = [...texts.keys()];
const repositoryOf = (name: string) => `r.example.com/acme/${name}`;

/** The hashes of base → app → cli, each hashed text recorded; every image hashes as its own letter. */
function tree() {
  const hashed = new Map<string, string>();
  const hashInputs: BuildPorts['hashInputs'] = async (image, text) => {
    hashed.set(image.name, text);
    const letter = { base: 'b', app: 'a', cli: 'c' }[image.name]!;
    return { hash: d(letter), contentTag: `pinyard-${letter}`, context: async () => Readable.from([]) };
  };
  const hashOf = treeHashes({
    configs: new Map(names.map((name) => [name, imageConfig(name)])),
    dockerfiles: new Map([...texts].map(([name, text]) => [name, parseDockerfile(text, { file: name })])),
    texts,
    repositoryOf,
    classify: imageRefClassifier(
      names.map((name) => ({ name })),
      'r.example.com/acme',
    ),
    parentsOf: (name) => ({ base: [], app: ['base'], cli: ['app'] })[name] ?? [],
    lock: { version: 1, upstream: { 'docker.io/library/alpine:3.20': { digest: d('0') } } },
    hashInputs,
    today: '2026-12-01',
  });
  return { hashOf, hashed };
}

describe('treeHashes', () => {
  it('names tree parents by their content tags and upstream refs by their locked digests', async () => {
    const { hashOf, hashed } = tree();
    expect(await hashOf('cli')).toMatchObject({ hash: d('c'), contentTag: 'pinyard-c' });
    expect(Object.fromEntries(hashed)).toEqual({
      base: `FROM docker.io/library/alpine:3.20@${d('0')}\n`,
      app: 'FROM r.example.com/acme/base:pinyard-b\nCOPY app /app\n',
      cli: 'FROM r.example.com/acme/app:pinyard-a\n',
    });
  });
});

describe('treeHashes of multi-platform images', () => {
  /** base → app, each for `platforms`; a platform build's hash and tag say its image, platform and text. */
  async function appHashes(basePlatforms: string[]) {
    const hashed: Array<{ name: string; platform?: string; text: string }> = [];
    const pair = [
      ['base', 'FROM alpine:3.20\n'],
      ['app', 'FROM base\n'],
    ] as const;
    const hashOf = treeHashes({
      configs: new Map([
        ['base', imageConfig('base', { platforms: basePlatforms })],
        ['app', imageConfig('app', { platforms: ['linux/amd64', 'linux/arm64'] })],
      ]),
      dockerfiles: new Map(pair.map(([name, text]) => [name, parseDockerfile(text, { file: name })])),
      texts: new Map(pair),
      repositoryOf,
      classify: imageRefClassifier([{ name: 'base' }, { name: 'app' }], 'r.example.com/acme'),
      parentsOf: (name) => (name === 'app' ? ['base'] : []),
      lock: { version: 1, upstream: { 'docker.io/library/alpine:3.20': { digest: d('0') } } },
      hashInputs: async (image, text) => {
        hashed.push({ name: image.name, ...(image.platform ? { platform: image.platform } : {}), text });
        const tag = `${image.name}-${image.platform?.replace('/', '-')}`;
        const hex = createHash('sha256').update(`${tag}|${text}`).digest('hex');
        return {
          hash: `sha256:${hex}`,
          contentTag: `pinyard-${tag}`,
          context: async () => Readable.from([]),
        };
      },
      today: '2026-12-01',
    });
    return { app: await hashOf('app'), hashed };
  }

  it('names a multi-platform parent by its build for the same platform', async () => {
    const { hashed } = await appHashes(['linux/amd64', 'linux/arm64']);
    expect(hashed.filter((h) => h.name === 'app')).toEqual([
      {
        name: 'app',
        platform: 'linux/amd64',
        text: 'FROM r.example.com/acme/base:pinyard-base-linux-amd64\n',
      },
      {
        name: 'app',
        platform: 'linux/arm64',
        text: 'FROM r.example.com/acme/base:pinyard-base-linux-arm64\n',
      },
    ]);
  });

  it('keeps a child’s platform build when its parent gains another platform', async () => {
    const before = await appHashes(['linux/amd64']);
    const after = await appHashes(['linux/amd64', 'linux/arm64']);
    const amd64 = (h: Awaited<ReturnType<typeof appHashes>>) =>
      h.app.platforms!.find((p) => p.platform === 'linux/amd64')!.inputs.hash;
    expect(amd64(after)).toBe(amd64(before));
    expect(after.app.hash).not.toBe(before.app.hash);
  });
});

describe('imageChecks', () => {
  it('looks up every content tag at once: a child does not wait for its parents’ lookups', async () => {
    const asked: string[] = [];
    const existing: BuildPorts['existing'] = (ref) => {
      asked.push(ref);
      // base's and app's registry never answer; cli's content tag is there.
      return ref.includes('/cli:') ? Promise.resolve(d('e')) : new Promise<undefined>(() => {});
    };
    const checks = imageChecks({
      repositoryOf,
      hashOf: tree().hashOf,
      ports: { existing },
      force: false,
      pushing: true,
    });
    checks.lookAhead(names);
    expect(await checks.checkOf('cli')).toMatchObject({ existing: { digest: d('e') } });
    expect(asked.sort()).toEqual([
      'r.example.com/acme/app:pinyard-a',
      'r.example.com/acme/base:pinyard-b',
      'r.example.com/acme/cli:pinyard-c',
    ]);
  });

  it('asks each content tag once however often its check is awaited, and nothing under --force', async () => {
    const asked: string[] = [];
    const existing: BuildPorts['existing'] = async (ref) => {
      asked.push(ref);
      return undefined;
    };
    const { hashOf } = tree();
    const checks = imageChecks({ repositoryOf, hashOf, ports: { existing }, force: false, pushing: true });
    checks.lookAhead(names);
    await Promise.all([checks.checkOf('app'), checks.checkOf('app'), checks.checkOf('cli')]);
    expect(asked.filter((ref) => ref.includes('/app:'))).toHaveLength(1);
    const forced = imageChecks({ repositoryOf, hashOf, ports: { existing }, force: true, pushing: true });
    expect(await forced.checkOf('base')).toEqual({ hash: await hashOf('base') });
    expect(asked).toHaveLength(3);
  });
});
