import { describe, expect, it } from 'vitest';
import { formatCreated, formatSize } from './format.js';
import { renderInspect } from './inspect.js';
import { renderLs } from './ls.js';
import { renderPrune } from './prune.js';
import { renderRm } from './rm.js';
import { renderTags } from './tags.js';
import type { InspectResult } from './types.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;

describe('formatSize', () => {
  it.each([
    [0, '0 B'],
    [812, '812 B'],
    [1000, '1 kB'],
    [5_580_000, '5.58 MB'],
    [999_999, '1 MB'],
    [1_234_567_890, '1.23 GB'],
  ])('%d bytes → %s', (bytes, expected) => {
    expect(formatSize(bytes)).toBe(expected);
  });
});

describe('formatCreated', () => {
  it.each([
    ['2026-11-30T22:51:56.123456789Z', '2026-11-30T22:51:56Z'],
    ['2026-11-30T23:51:56+01:00', '2026-11-30T22:51:56Z'],
    [undefined, '-'],
    ['yesterday', 'yesterday'],
  ])('%s → %s', (created, expected) => {
    expect(formatCreated(created)).toBe(expected);
  });
});

describe('renderLs', () => {
  it('prints lines a user can paste into the other commands', () => {
    const text = renderLs({
      registry: 'r.example.com',
      prefix: 'acme',
      repositories: [
        { name: 'acme/app', tags: ['1.4', 'latest'] },
        { name: 'acme/old', tags: [] },
      ],
    });
    expect(text).toBe(
      'r.example.com/acme/app:1.4\nr.example.com/acme/app:latest\nr.example.com/acme/old  (no tags)\n',
    );
    expect(renderLs({ registry: 'r.example.com', prefix: 'acme', repositories: [] })).toBe(
      'no repositories in r.example.com/acme\n',
    );
  });
});

describe('renderTags', () => {
  it('shows one aligned row per tag, with the short digest shared tags have in common', () => {
    const text = renderTags({
      repository: 'r.example.com/acme/app',
      tags: [
        {
          tag: '1.4',
          digest: d('a'),
          mediaType: 'application/vnd.oci.image.index.v1+json',
          kind: 'index',
          platforms: ['linux/amd64', 'linux/arm64/v8'],
          created: '2026-11-30T22:51:56Z',
          size: 5_580_000,
        },
        {
          tag: 'latest',
          digest: d('a'),
          mediaType: 'application/vnd.oci.image.index.v1+json',
          kind: 'index',
          platforms: ['linux/amd64', 'linux/arm64/v8'],
          created: '2026-11-30T22:51:56Z',
          size: 5_580_000,
        },
        {
          tag: 'broken',
          digest: d('b'),
          mediaType: 'application/vnd.docker.distribution.manifest.v1+json',
          kind: 'image',
          platforms: [],
          problem: 'unsupported manifest type',
        },
      ],
    });
    expect(text.split('\n')).toEqual([
      'r.example.com/acme/app: 3 tags on 2 digests',
      'TAG     DIGEST               TYPE   PLATFORMS                   CREATED               SIZE',
      '1.4     sha256:aaaaaaaaaaaa  index  linux/amd64,linux/arm64/v8  2026-11-30T22:51:56Z  5.58 MB',
      'latest  sha256:aaaaaaaaaaaa  index  linux/amd64,linux/arm64/v8  2026-11-30T22:51:56Z  5.58 MB',
      'broken  sha256:bbbbbbbbbbbb  image  -                           -                     -        unsupported manifest type',
      '',
    ]);
  });
});

describe('renderInspect', () => {
  const result: InspectResult = {
    reference: 'r/acme/app:1.4',
    digest: d('a'),
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    kind: 'image',
    size: 2_000_000,
    platforms: [{ platform: 'linux/amd64', digest: d('a'), mediaType: 'x', size: 2_000_000, layers: 2 }],
    config: {
      digest: d('a'),
      platform: 'linux/amd64',
      created: '2026-11-30T22:51:56Z',
      cmd: ['/bin/sh'],
      env: ['PATH=/bin', 'NODE_ENV=production'],
      labels: { 'org.opencontainers.image.version': '1.4' },
      exposedPorts: [],
    },
    lineage: [
      { name: 'r/acme/base-alpine:pinyard-0123', digest: d('b') },
      { name: 'docker.io/library/alpine:3.20', digest: d('c'), end: 'upstream' },
    ],
    tags: ['1.4', 'pinyard-0123'],
    environments: [
      { environment: 'staging', references: ['r/acme/staging/app:1.4'] },
      { environment: 'prod', references: [], problem: 'access denied' },
    ],
  };

  it('says what the image was built from, nearest base first, and where it is promoted', () => {
    const text = renderInspect(result);
    expect(text).toContain(`lineage       built from r/acme/base-alpine:pinyard-0123@${d('b')}\n`);
    expect(text).toContain(`                from docker.io/library/alpine:3.20@${d('c')} (upstream)\n`);
    expect(text).toContain(
      'environments  staging: r/acme/staging/app:1.4\n              prod: cannot tell: access denied\n',
    );
    expect(text).toContain('env           PATH=/bin\n              NODE_ENV=production\n');
    expect(text).toContain('tags          1.4, pinyard-0123\n');
  });

  it('says so when no base was recorded', () => {
    expect(renderInspect({ ...result, lineage: [] })).toContain('lineage       no base recorded');
  });
});

describe('renderRm', () => {
  it('says which tags went with a deleted digest, and reminds that blobs wait for garbage collection', () => {
    const text = renderRm({ repository: 'r/app', removedTags: ['1.4', 'latest'], deletedDigest: d('a') });
    expect(text).toContain(`deleted r/app@${d('a')} with 2 tags: 1.4, latest\n`);
    expect(text).toContain('garbage collection');
  });

  it('says what still uses a digest that stayed', () => {
    const text = renderRm({
      repository: 'r/app',
      removedTags: ['1.4'],
      kept: { digest: d('a'), tags: ['latest'], indexes: [{ digest: d('i'), tags: ['multi'] }] },
    });
    expect(text).toBe(
      `removed tag r/app:1.4\nkept ${d('a')}: still tagged latest; a platform of index ${d('i')} (multi)\n`,
    );
  });
});

describe('renderPrune', () => {
  it('lists every content-tagged digest with its fate and what keeps it', () => {
    const text = renderPrune({
      dryRun: true,
      keep: 1,
      deleted: 0,
      repositories: [
        {
          repository: 'r/acme/app',
          spared: [],
          decisions: [
            {
              digest: d('c'),
              tags: ['pinyard-c'],
              created: '2026-11-03T00:00:00Z',
              action: 'keep',
              newest: 1,
              protectedBy: ['tag 1.4'],
            },
            {
              digest: d('b'),
              tags: ['pinyard-b'],
              created: '2026-11-02T00:00:00Z',
              action: 'delete',
              protectedBy: [],
            },
            {
              digest: d('a'),
              tags: ['pinyard-a'],
              created: '2026-11-01T00:00:00Z',
              action: 'keep',
              protectedBy: ['staging (1.3)'],
            },
          ],
        },
      ],
    });
    expect(text.split('\n')).toEqual([
      'r/acme/app: 3 content-tagged digests, would delete 1',
      '  keep    sha256:cccccccccccc  2026-11-03T00:00:00Z  pinyard-c  newest 1 of 1; tag 1.4',
      '  delete  sha256:bbbbbbbbbbbb  2026-11-02T00:00:00Z  pinyard-b',
      '  keep    sha256:aaaaaaaaaaaa  2026-11-01T00:00:00Z  pinyard-a  staging (1.3)',
      'dry run: would delete 1 digest; nothing was changed',
      expect.stringContaining('garbage collection'),
      '',
    ]);
  });
});

describe('rendering multi-platform removals', () => {
  it('rm: says which platform builds went with the index, and why the others stayed', () => {
    const text = renderRm({
      repository: 'r/app',
      removedTags: ['pinyard-i'],
      deletedDigest: d('i'),
      deletedPlatforms: [{ digest: d('b'), tags: ['pinyard-b'] }],
      keptPlatforms: [{ digest: d('a'), tags: ['debug', 'pinyard-a'], keptBy: 'still tagged debug' }],
    });
    expect(text.split('\n').slice(0, 3)).toEqual([
      `deleted r/app@${d('i')} with 1 tag: pinyard-i`,
      `deleted its platform build r/app@${d('b')} with pinyard-b`,
      `kept its platform build ${d('a')}: still tagged debug`,
    ]);
  });

  it('prune: names the index a platform build goes or stays with', () => {
    const text = renderPrune({
      dryRun: true,
      keep: 1,
      deleted: 0,
      repositories: [
        {
          repository: 'r/app',
          spared: [],
          decisions: [
            { digest: d('f'), tags: ['pinyard-f'], action: 'delete', protectedBy: [] },
            { digest: d('a'), tags: ['pinyard-a'], action: 'delete', protectedBy: [], platformOf: [d('f')] },
          ],
        },
      ],
    });
    expect(text).toContain('  delete  sha256:aaaaaaaaaaaa  -  pinyard-a  platform of sha256:ffffffffffff\n');
  });
});
