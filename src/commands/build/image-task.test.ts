import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseDockerfile } from '../../dockerfile/index.js';
import { imageRefClassifier } from '../../graph/index.js';
import type { ImageConfig } from '../../manifest/index.js';
import { combineHooks } from '../../report/build/index.js';
import { type BuildPorts, type BuiltImage, type ImageTaskContext, runImageTask } from './image-task.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const image = (name: string, extra: Partial<ImageConfig> = {}): ImageConfig => ({
  name,
  context: `/ctx/${name}`,
  dockerfile: `/ctx/${name}/Dockerfile`,
  args: {},
  tags: ['1.0'],
  ...extra,
});

/** Ports that record what the task asked for; `existing` maps content refs to digests. */
function fakePorts(existing: Record<string, string> = {}) {
  const seen = { hashed: [] as Array<{ text: string; salt?: string }>, built: [] as string[] };
  const ports: BuildPorts = {
    async hashInputs(_image, dockerfileText, salt) {
      seen.hashed.push({ text: dockerfileText, ...(salt ? { salt } : {}) });
      return {
        hash: d('9'),
        contentTag: 'pinyard-999',
        dockerfileText,
        context: async () => Readable.from([]),
      };
    },
    async existing(ref) {
      return existing[ref];
    },
    async build(_image, _inputs, { tags }) {
      seen.built.push(...tags);
      return { imageId: d('1') };
    },
    async push() {
      return d('2');
    },
  };
  return { ports, seen };
}

function context(ports: BuildPorts, overrides: Partial<ImageTaskContext> = {}): ImageTaskContext {
  const base: BuiltImage = {
    name: 'base',
    status: 'built',
    digest: d('b'),
    pinnedRef: `r.example.com/acme/base@${d('b')}`,
    repository: 'r.example.com/acme/base',
    contentTag: 'pinyard-bbb',
    hash: d('c'),
  };
  return {
    repositoryOf: (name) => `r.example.com/acme/${name}`,
    classify: imageRefClassifier([{ name: 'base' }, { name: 'app' }], 'r.example.com/acme'),
    lock: { version: 1, upstream: { 'docker.io/library/alpine:3.20': { digest: d('a') } } },
    built: new Map([['base', base]]),
    ports,
    pushing: true,
    force: false,
    today: '2026-11-30',
    source: {},
    hooks: combineHooks([]),
    now: () => new Date(0),
    ...overrides,
  };
}

const dockerfile = 'FROM alpine:3.20 AS tools\nFROM base\nCOPY --from=tools /bin/sh /bin/sh\n';
const run = (ctx: ImageTaskContext, config = image('app')) =>
  runImageTask(
    config,
    parseDockerfile(dockerfile, { file: 'Dockerfile' }),
    dockerfile,
    ctx,
    new AbortController().signal,
  );

describe('runImageTask', () => {
  it('pins upstream refs to the lock and parents to what this run built, then builds and pushes', async () => {
    const { ports, seen } = fakePorts();
    const result = await run(context(ports));
    expect(seen.hashed[0]?.text).toBe(
      `FROM docker.io/library/alpine:3.20@${d('a')} AS tools\nFROM r.example.com/acme/base@${d('b')}\nCOPY --from=tools /bin/sh /bin/sh\n`,
    );
    expect(seen.built).toEqual(['r.example.com/acme/app:pinyard-999']);
    expect(result).toMatchObject({
      status: 'built',
      digest: d('2'),
      pinnedRef: `r.example.com/acme/app@${d('2')}`,
    });
  });

  it('reuses an existing content tag, unless forced', async () => {
    const { ports, seen } = fakePorts({ 'r.example.com/acme/app:pinyard-999': d('e') });
    expect(await run(context(ports))).toMatchObject({ status: 'skipped', digest: d('e') });
    expect(seen.built).toEqual([]);
    expect(await run(context(ports, { force: true }))).toMatchObject({ status: 'built' });
  });

  it('salts the hash with the day for rebuild: daily', async () => {
    const { ports, seen } = fakePorts();
    await run(context(ports), image('app', { rebuild: 'daily' }));
    await run(context(ports));
    expect(seen.hashed.map((h) => h.salt)).toEqual(['rebuild-day:2026-11-30', undefined]);
  });

  it('refuses an upstream ref the lock does not pin', async () => {
    const { ports } = fakePorts();
    await expect(run(context(ports, { lock: { version: 1, upstream: {} } }))).rejects.toMatchObject({
      code: 'PINYARD_LOCK_STALE',
      message: 'app: docker.io/library/alpine:3.20 is not pinned in images.lock',
    });
  });
});
