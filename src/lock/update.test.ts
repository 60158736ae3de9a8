import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PinyardError } from '../errors.js';
import type { GraphImage, ImageGraph } from '../graph/index.js';
import { formatReference } from '../reference/index.js';
import {
  diffLocks,
  imagesAffectedBy,
  nextLock,
  readLock,
  refsToResolve,
  resolveUpstream,
  upstreamUsers,
  writeLock,
} from './index.js';
import type { UpstreamResolver } from './resolve.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const ALPINE = 'docker.io/library/alpine:3.20';
const DEBIAN = 'docker.io/library/debian:12';
const PINNED = `docker.io/library/busybox:1@${d('9')}`;

const image = (name: string, parents: string[], upstream: string[]): GraphImage => ({
  name,
  parents,
  parentSites: {},
  upstream: upstream.map((ref) => ({
    ref,
    sites: [{ file: `images/${name}/Dockerfile`, line: 1, column: 1, via: 'from', raw: ref }],
  })),
});
/** base (alpine) ← app (+ debian via COPY --from) ← tool; deb (debian); pin (busybox pinned by digest). */
const graph: ImageGraph = {
  images: new Map(
    [
      image('app', ['base'], [DEBIAN]),
      image('base', [], [ALPINE]),
      image('deb', [], [DEBIAN]),
      image('pin', [], [PINNED]),
      image('tool', ['app'], []),
    ].map((i) => [i.name, i]),
  ),
  order: ['base', 'app', 'deb', 'pin', 'tool'],
};
const lock = (upstream: Record<string, string>) => ({
  version: 1 as const,
  upstream: Object.fromEntries(Object.entries(upstream).map(([ref, digest]) => [ref, { digest }])),
});

describe('upstreamUsers', () => {
  it('lists each ref once, sorted, with the images that use it in build order', () => {
    expect([...upstreamUsers(graph)]).toEqual(
      [
        [ALPINE, ['base']],
        [PINNED, ['pin']],
        [DEBIAN, ['app', 'deb']],
      ].sort(([a], [b]) => ((a as string) < (b as string) ? -1 : 1)),
    );
  });
});

describe('refsToResolve', () => {
  it('asks about every ref but the ones pinned in a Dockerfile for --update and --check', () => {
    expect(refsToResolve(graph, lock({ [ALPINE]: d('a') }), { kind: 'all' })).toEqual([ALPINE, DEBIAN]);
  });

  it('asks only about refs the lock lacks for plain lock', () => {
    expect(refsToResolve(graph, lock({ [ALPINE]: d('a') }), { kind: 'missing' })).toEqual([DEBIAN]);
    expect(refsToResolve(graph, undefined, { kind: 'missing' })).toEqual([ALPINE, DEBIAN]);
  });

  it('asks about the named images’ refs and anything missing for --update NAME', () => {
    const full = lock({ [ALPINE]: d('a'), [DEBIAN]: d('b') });
    expect(refsToResolve(graph, full, { kind: 'images', names: ['deb'] })).toEqual([DEBIAN]);
    expect(refsToResolve(graph, full, { kind: 'images', names: ['tool'] })).toEqual([]);
    expect(refsToResolve(graph, lock({ [DEBIAN]: d('b') }), { kind: 'images', names: ['deb'] })).toEqual([
      ALPINE,
      DEBIAN,
    ]);
  });

  it('refuses an image that is not in images.yml, listing those that are', () => {
    const error = (() => {
      try {
        refsToResolve(graph, undefined, { kind: 'images', names: ['nope'] });
      } catch (e) {
        return e as PinyardError;
      }
    })();
    expect(error?.code).toBe('PINYARD_UNKNOWN_IMAGE');
    expect(error?.message).toBe('lock --update: "nope" is not an image of images.yml');
    expect(error?.hint).toBe('images are: base, app, deb, pin, tool');
  });
});

describe('nextLock', () => {
  it('takes fresh answers first, then Dockerfile pins, then old pins, and drops refs nobody uses', () => {
    const old = lock({ [ALPINE]: d('0'), [DEBIAN]: d('1'), 'docker.io/library/gone:1': d('2') });
    const next = nextLock(graph, old, new Map([[DEBIAN, { digest: d('b') }]]));
    expect(next).toEqual({
      version: 1,
      upstream: { [ALPINE]: { digest: d('0') }, [PINNED]: { digest: d('9') }, [DEBIAN]: { digest: d('b') } },
    });
  });

  it('leaves out a ref nothing answered and no lock pins', () => {
    expect(Object.keys(nextLock(graph, undefined, new Map()).upstream)).toEqual([PINNED]);
  });
});

describe('imagesAffectedBy', () => {
  it('is the images using the refs and everything built on them, in build order', () => {
    expect(imagesAffectedBy(graph, [ALPINE])).toEqual(['base', 'app', 'tool']);
    expect(imagesAffectedBy(graph, [DEBIAN])).toEqual(['app', 'deb', 'tool']);
    expect(imagesAffectedBy(graph, ['docker.io/library/unknown:1'])).toEqual([]);
  });
});

describe('diffLocks', () => {
  it('counts a change of platform digests alone as a move', () => {
    const before = {
      version: 1 as const,
      upstream: { [ALPINE]: { digest: d('a'), platforms: { 'linux/amd64': d('1') } } },
    };
    const after = {
      version: 1 as const,
      upstream: { [ALPINE]: { digest: d('a'), platforms: { 'linux/amd64': d('2') } } },
    };
    expect(diffLocks(before, after)).toEqual([{ kind: 'moved', ref: ALPINE, from: d('a'), to: d('a') }]);
    const reordered = {
      version: 1 as const,
      upstream: { [ALPINE]: { digest: d('a'), platforms: { 'linux/arm64': d('3'), 'linux/amd64': d('1') } } },
    };
    const sorted = {
      version: 1 as const,
      upstream: { [ALPINE]: { digest: d('a'), platforms: { 'linux/amd64': d('1'), 'linux/arm64': d('3') } } },
    };
    expect(diffLocks(reordered, sorted)).toEqual([]);
  });
});

describe('resolveUpstream failures', () => {
  const failing = (codes: Record<string, string>): UpstreamResolver => ({
    async resolve(ref) {
      const key = formatReference(ref);
      const code = codes[key];
      if (code === 'bug') throw new TypeError('a bug');
      if (code) throw new PinyardError(code as 'PINYARD_NOT_FOUND', `${code} from the registry`);
      return {
        digest: d('a'),
        platforms: [{ os: 'linux', architecture: 'arm64', variant: 'v8', digest: d('c') }],
      };
    },
  });

  it('records each platform as os/architecture/variant', async () => {
    const pins = await resolveUpstream([ALPINE], {
      graph,
      lock: undefined,
      resolver: failing({}),
      mirrors: {},
    });
    expect(pins.get(ALPINE)).toEqual({ digest: d('a'), platforms: { 'linux/arm64/v8': d('c') } });
  });

  it('says which ref failed, at the Dockerfile line that uses it', async () => {
    const error = await resolveUpstream([ALPINE, DEBIAN], {
      graph,
      lock: undefined,
      resolver: failing({ [DEBIAN]: 'PINYARD_NOT_FOUND' }),
      mirrors: {},
    }).catch((e: PinyardError) => e);
    expect(error).toBeInstanceOf(PinyardError);
    expect((error as PinyardError).message).toBe(`${DEBIAN}: PINYARD_NOT_FOUND from the registry`);
    expect((error as PinyardError).position).toEqual({ file: 'images/app/Dockerfile', line: 1, column: 1 });
    expect((error as PinyardError).hint).toBe('used at images/app/Dockerfile:1:1');
  });

  it('reports several failures together: their code when they share one, else PINYARD_REGISTRY', async () => {
    const run = (codes: Record<string, string>) =>
      resolveUpstream([ALPINE, DEBIAN], {
        graph,
        lock: undefined,
        resolver: failing(codes),
        mirrors: {},
      }).catch((e: PinyardError) => e);
    const same = (await run({ [ALPINE]: 'PINYARD_DENIED', [DEBIAN]: 'PINYARD_DENIED' })) as PinyardError;
    expect(same.code).toBe('PINYARD_DENIED');
    expect(same.message).toBe('2 upstream refs could not be resolved; images.lock is unchanged');
    expect(same.details).toHaveLength(2);
    const mixed = (await run({ [ALPINE]: 'PINYARD_DENIED', [DEBIAN]: 'PINYARD_NOT_FOUND' })) as PinyardError;
    expect(mixed.code).toBe('PINYARD_REGISTRY');
  });

  it('lets an unexpected error through as it is', async () => {
    await expect(
      resolveUpstream([ALPINE], {
        graph,
        lock: undefined,
        resolver: failing({ [ALPINE]: 'bug' }),
        mirrors: {},
      }),
    ).rejects.toThrow(TypeError);
  });
});

describe('readLock and writeLock', () => {
  it('reads no lock as undefined, and writes through a temporary file that does not stay', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pinyard-lock-'));
    const file = path.join(dir, 'images.lock');
    expect(await readLock(file, 'images.lock')).toBeUndefined();
    await writeLock(file, lock({ [ALPINE]: d('a') }));
    expect(await readdir(dir)).toEqual(['images.lock']);
    expect(await readLock(file, 'images.lock')).toEqual(lock({ [ALPINE]: d('a') }));
    await writeFile(file, 'version: 2\n');
    await expect(readLock(file, 'images.lock')).rejects.toMatchObject({ code: 'PINYARD_LOCK_INVALID' });
    expect(await readFile(file, 'utf8')).toBe('version: 2\n');
  });

  it('refuses a read error other than a missing file, saying what is wrong (exit 2)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pinyard-lock-'));
    await expect(readLock(dir, 'images.lock')).rejects.toMatchObject({
      code: 'PINYARD_LOCK_INVALID',
      message: expect.stringMatching(/^cannot read images\.lock: it is a directory/),
    });
  });
});
