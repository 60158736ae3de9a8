import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { imageConfig } from '../../../test/helpers/image-config.js';
import { parseDockerfile } from '../../dockerfile/index.js';
import { imageRefClassifier } from '../../graph/index.js';
import type { ImageConfig } from '../../manifest/index.js';
import { combineHooks } from '../../report/build/index.js';
import { imageChecks } from './image-checks.js';
import { type BuildPorts, type BuiltImage, type ImageTaskContext, runImageTask } from './image-task.js';
import { treeHashes } from './tree-hashes.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const image = (name: string, extra: Partial<ImageConfig> = {}) =>
  imageConfig(name, { tags: ['1.0'], ...extra });

/**
 * Ports that record what the task asked for; `existing` maps content refs to digests. Every image is
 * placed on `engine`; the journal lists pulls, builds, pushes and releases in the order they happened.
 */
function fakePorts(
  existing: Record<string, string> = {},
  options: { engine?: string; failBuild?: boolean } = {},
) {
  const engine = options.engine ?? 'unix:///a.sock';
  const seen = {
    hashed: [] as Array<{ name: string; text: string; salt?: string }>,
    built: [] as string[],
    /** The Dockerfiles sent to the engine. */
    sent: [] as string[],
    preferred: [] as string[][],
    journal: [] as string[],
    /** What each build was told: the registries it pulls from and its registry cache sources. */
    pulls: [] as Array<{ pullsFrom: string[]; cacheFrom: string[] }>,
  };
  const ports: BuildPorts = {
    async hashInputs(config, dockerfileText, salt) {
      seen.hashed.push({ name: config.name, text: dockerfileText, ...(salt ? { salt } : {}) });
      const app = config.name === 'app';
      return {
        hash: app ? d('9') : d('c'),
        contentTag: app ? 'pinyard-999' : 'pinyard-bbb',
        context: async () => Readable.from([]),
      };
    },
    async existing(ref, hash) {
      // Like the real port: a content tag counts only for the input hash its image was labelled with.
      return hash === d('9') ? existing[ref] : undefined;
    },
    async reserveEngine(preferred) {
      seen.preferred.push([...preferred]);
      return {
        engine,
        builder: 'buildkit' as const,
        async pull(ref) {
          seen.journal.push(`pull ${ref}`);
        },
        async build(_image, _inputs, { tags, dockerfileText, pullsFrom, cacheFrom }) {
          seen.built.push(...tags);
          seen.pulls.push({ pullsFrom, cacheFrom });
          seen.sent.push(dockerfileText);
          seen.journal.push(`build on ${engine}`);
          if (options.failBuild) throw new Error('RUN false');
          return { imageId: d('1') };
        },
        async push() {
          seen.journal.push('push');
          return d('2');
        },
        release() {
          seen.journal.push('release');
        },
      };
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
    checkOf: () => Promise.reject(new Error('run() sets checkOf')),
    built: new Map([['base', base]]),
    dryRun: false,
    placements: new Map([['base', 'unix:///a.sock']]),
    builders: new Map(),
    ports,
    pushing: true,
    force: false,
    noCache: false,
    source: async () => ({}),
    hooks: combineHooks([]),
    now: () => new Date(0),
    ...overrides,
  };
}

const dockerfile = 'FROM alpine:3.20 AS tools\nFROM base\nCOPY --from=tools /bin/sh /bin/sh\n';
const baseDockerfile = 'FROM alpine:3.20\n';

/** Runs app's task, with its check (and base's hash) made as a run makes them ahead of its tasks. */
const run = (ctx: ImageTaskContext, config = image('app')) => {
  const texts = new Map([
    ['base', baseDockerfile],
    ['app', dockerfile],
  ]);
  const dockerfiles = new Map(
    [...texts].map(([name, text]) => [name, parseDockerfile(text, { file: name })]),
  );
  const hashOf = treeHashes({
    configs: new Map([
      ['base', image('base')],
      ['app', config],
    ]),
    dockerfiles,
    texts,
    repositoryOf: ctx.repositoryOf,
    classify: ctx.classify,
    parentsOf: (name) => (name === 'app' ? ['base'] : []),
    lock: ctx.lock,
    hashInputs: ctx.ports.hashInputs,
    today: '2026-11-30',
  });
  const { checkOf } = imageChecks({ ...ctx, hashOf });
  ctx.checkOf = checkOf;
  return runImageTask(config, dockerfiles.get('app')!, dockerfile, ctx, new AbortController().signal);
};
const hashedApp = (seen: { hashed: Array<{ name: string; text: string; salt?: string }> }) =>
  seen.hashed.filter((h) => h.name === 'app');

describe('runImageTask', () => {
  it('hashes parents by content tag, sends them pinned to what this run built, then builds and pushes', async () => {
    const { ports, seen } = fakePorts();
    const result = await run(context(ports));
    // The hash names base by its content tag (its own hash): known before base is looked up or built.
    expect(hashedApp(seen)[0]?.text).toBe(
      `FROM docker.io/library/alpine:3.20@${d('a')} AS tools\nFROM r.example.com/acme/base:pinyard-bbb\nCOPY --from=tools /bin/sh /bin/sh\n`,
    );
    expect(seen.built).toEqual(['r.example.com/acme/app:pinyard-999']);
    // The engine gets base's digest, and the labels in one LABEL instruction; the hash was taken without them.
    expect(seen.sent[0]).toBe(
      `FROM docker.io/library/alpine:3.20@${d('a')} AS tools\nFROM r.example.com/acme/base@${d('b')}\nCOPY --from=tools /bin/sh /bin/sh\nLABEL "org.opencontainers.image.created"="1970-01-01T00:00:00.000Z" \\\n` +
        `      "dev.pinyard.input-hash"="${d('9')}" \\\n` +
        `      "org.opencontainers.image.base.name"="r.example.com/acme/base:pinyard-bbb" \\\n` +
        `      "org.opencontainers.image.base.digest"="${d('b')}" \\\n` +
        '      "org.opencontainers.image.version"="1.0"\n',
    );
    expect(result).toMatchObject({
      status: 'built',
      digest: d('2'),
      pinnedRef: `r.example.com/acme/app@${d('2')}`,
    });
  });

  it('gives credentials only to the registries the build pulls from, and its last build as cache', async () => {
    const { ports, seen } = fakePorts();
    await run(context(ports));
    // alpine comes from Docker Hub, base from the push registry, which also holds app's cache source.
    expect(seen.pulls[0]?.pullsFrom.sort()).toEqual(['docker.io', 'r.example.com']);
    expect(seen.pulls[0]?.cacheFrom).toEqual(['r.example.com/acme/app:1.0']);
  });

  it('takes no registry cache with --no-cache, without --push, or without a human tag', async () => {
    for (const [ctx, config] of [
      [{ noCache: true }, image('app')],
      [{ pushing: false }, image('app')],
      [{}, image('app', { tags: [] })],
    ] as const) {
      const { ports, seen } = fakePorts();
      await run(context(ports, ctx), config);
      expect(seen.pulls[0]?.cacheFrom).toEqual([]);
    }
  });

  it('reuses an existing content tag, unless forced', async () => {
    const { ports, seen } = fakePorts({ 'r.example.com/acme/app:pinyard-999': d('e') });
    expect(await run(context(ports))).toMatchObject({ status: 'skipped', digest: d('e') });
    expect(seen.built).toEqual([]);
    expect(await run(context(ports, { force: true }))).toMatchObject({ status: 'built' });
  });

  it('builds again when the content tag’s image was built from other inputs', async () => {
    const { ports, seen } = fakePorts({ 'r.example.com/acme/app:pinyard-999': d('e') });
    const relabelled: BuildPorts = {
      ...ports,
      hashInputs: async (...args) => ({ ...(await ports.hashInputs(...args)), hash: d('8') }),
    };
    expect(await run(context(relabelled))).toMatchObject({ status: 'built' });
    expect(seen.built).toEqual(['r.example.com/acme/app:pinyard-999']);
  });

  it('salts the hash with the day for rebuild: daily', async () => {
    const { ports, seen } = fakePorts();
    await run(context(ports), image('app', { rebuild: 'daily' }));
    await run(context(ports));
    expect(hashedApp(seen).map((h) => h.salt)).toEqual(['rebuild-day:2026-11-30', undefined]);
  });

  it('refuses an upstream ref the lock does not pin', async () => {
    const { ports } = fakePorts();
    await expect(run(context(ports, { lock: { version: 1, upstream: {} } }))).rejects.toMatchObject({
      code: 'PINYARD_LOCK_STALE',
      message: 'app: docker.io/library/alpine:3.20 is not pinned in images.lock',
    });
  });
});

describe('runImageTask on several engines', () => {
  const baseRef = `r.example.com/acme/base@${d('b')}`;
  const cacheRef = 'r.example.com/acme/app:1.0';

  it('asks for the engine that built its parent, and pulls nothing from its own engine', async () => {
    const { ports, seen } = fakePorts();
    const ctx = context(ports);
    await run(ctx);
    expect(seen.preferred).toEqual([['unix:///a.sock']]);
    // The only pull is the registry cache's image (app's first human tag), into the engine building it.
    expect(seen.journal).toEqual([`pull ${cacheRef}`, 'build on unix:///a.sock', 'push', 'release']);
    expect(ctx.placements.get('app')).toBe('unix:///a.sock');
  });

  it.each([
    {
      where: 'built on another engine',
      placements: [['base', 'tcp://b:2375']] as Array<[string, string]>,
      why: 'built on tcp://b:2375',
    },
    { where: 'reused from the registry', placements: [], why: 'unchanged, from the registry' },
  ])('pulls a parent $where by digest before building', async ({ placements, why }) => {
    const { ports, seen } = fakePorts();
    const logs: string[] = [];
    const hooks = { ...combineHooks([]), onImageLog: (_: string, line: string) => logs.push(line) };
    await run(context(ports, { placements: new Map(placements), hooks }));
    expect(seen.journal).toEqual([
      `pull ${baseRef}`,
      `pull ${cacheRef}`,
      'build on unix:///a.sock',
      'push',
      'release',
    ]);
    expect(logs).toEqual([`pulling base as ${baseRef} (${why})`]);
  });

  it('pulls nothing without --push: one engine holds every image', async () => {
    const { ports, seen } = fakePorts();
    await run(context(ports, { pushing: false, placements: new Map() }));
    expect(seen.journal.filter((j) => j.startsWith('pull'))).toEqual([]);
  });

  it('takes no engine for a skipped image', async () => {
    const { ports, seen } = fakePorts({ 'r.example.com/acme/app:pinyard-999': d('e') });
    const ctx = context(ports);
    await run(ctx);
    expect(seen.preferred).toEqual([]);
    expect(ctx.placements.has('app')).toBe(false);
  });

  it('gives its slot back and keeps its engine for the report when the build fails', async () => {
    const { ports, seen } = fakePorts({}, { engine: 'tcp://b:2375', failBuild: true });
    const ctx = context(ports);
    await expect(run(ctx)).rejects.toThrow('RUN false');
    expect(seen.journal.at(-1)).toBe('release');
    expect(ctx.placements.get('app')).toBe('tcp://b:2375');
  });

  it('under --dry-run, says an image would be built and builds nothing', async () => {
    const { ports, seen } = fakePorts();
    expect(await run(context(ports, { dryRun: true }))).toBeUndefined();
    expect(seen.built).toEqual([]);
    const { ports: found } = fakePorts({ 'r.example.com/acme/app:pinyard-999': d('e') });
    expect(await run(context(found, { dryRun: true }))).toMatchObject({ status: 'skipped', digest: d('e') });
  });

  it('under --dry-run, an image whose parent would be rebuilt is still found by its own content tag', async () => {
    // base's content tag is missing (pruned, say) but its inputs did not change: app's hash did not either.
    const { ports } = fakePorts({ 'r.example.com/acme/app:pinyard-999': d('e') });
    const ctx = context(ports, { dryRun: true, built: new Map() });
    expect(await run(ctx)).toMatchObject({ status: 'skipped', digest: d('e') });
    const { ports: none } = fakePorts();
    expect(await run(context(none, { dryRun: true, built: new Map() }))).toBeUndefined();
  });
});
