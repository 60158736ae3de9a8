import { describe, expect, it } from 'vitest';
import type { Reference } from '../../reference/index.js';
import { keptBy, planRemoval, platformKeptBy } from './removal-plan.js';
import type { TagDigest } from './tag-digests.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const repo = { registry: 'r.example.com', repository: 'acme/app' };
const tag = (t: string): Reference => ({ ...repo, tag: t });
const digest = (c: string): Reference => ({ ...repo, digest: d(c) });
const on = (t: string, c: string): TagDigest => ({ tag: t, digest: d(c), mediaType: 'x' });

/** `latest` and `1.4` share digest a; `1.3` alone on b; `multi` is an index listing c. */
const tags = [on('latest', 'a'), on('1.4', 'a'), on('1.3', 'b'), on('multi', 'i')];
const multi = { digest: d('i'), tags: ['multi'] };

describe('planRemoval', () => {
  it('deletes the digest of a tag nothing else uses', () => {
    expect(planRemoval(tag('1.3'), d('b'), tags, [])).toEqual({
      kind: 'delete',
      digest: d('b'),
      tags: ['1.3'],
    });
  });

  it('removes only the tag when other tags share its digest', () => {
    expect(planRemoval(tag('1.4'), d('a'), tags, [])).toEqual({
      kind: 'untag',
      tag: '1.4',
      digest: d('a'),
      others: ['latest'],
      containers: [],
    });
  });

  it('removes only the tag when its digest is a platform of a tagged index', () => {
    const plan = planRemoval(tag('amd64'), d('c'), [...tags, on('amd64', 'c')], [multi]);
    expect(plan).toMatchObject({ kind: 'untag', others: [], containers: [multi] });
  });

  it('deletes a digest with every tag on it, sorted', () => {
    expect(planRemoval(digest('a'), d('a'), tags, [])).toEqual({
      kind: 'delete',
      digest: d('a'),
      tags: ['1.4', 'latest'],
    });
    expect(planRemoval(digest('u'), d('u'), tags, [])).toEqual({ kind: 'delete', digest: d('u'), tags: [] });
  });

  it('refuses to delete a digest a tagged index lists, and names the index', () => {
    expect(() => planRemoval(digest('c'), d('c'), tags, [multi])).toThrow(
      expect.objectContaining({
        code: 'PINYARD_UNSAFE_DELETE',
        message: `refusing to delete r.example.com/acme/app@${d('c')}: it is a platform of index ${d('i')} (tagged multi), which would break without it`,
      }) as unknown as Error,
    );
  });
});

describe('keptBy', () => {
  it('says every reason a digest stays', () => {
    expect(
      keptBy({ kind: 'untag', tag: 't', digest: d('a'), others: ['1.4', 'latest'], containers: [multi] }),
    ).toBe(`still tagged 1.4, latest; a platform of index ${d('i')} (multi)`);
  });
});

describe('planRemoval of a multi-platform index', () => {
  const ct = (c: string) => `pinyard-${c.repeat(24)}`;
  /**
   * Two builds of a two-platform image: index `i` (tagged 1.0 and its content tag) lists `a` and `b`;
   * the older index `j` (its content tag only) lists `a` too, reused, and `c`; `d` is a platform of `i`
   * tagged by hand; `u` is a platform of `i` without any tag.
   */
  const platformTags = [
    on('1.0', 'i'),
    on(ct('i'), 'i'),
    on(ct('j'), 'j'),
    on(ct('a'), 'a'),
    on(ct('b'), 'b'),
    on(ct('c'), 'c'),
    on(ct('d'), 'd'),
    on('arm64-debug', 'd'),
  ];
  const listed = new Map([
    [d('i'), [d('a'), d('b'), d('d'), d('u')]],
    [d('j'), [d('a'), d('c')]],
  ]);

  it('deletes the platform builds only its content tags hold, and keeps those something else uses', () => {
    expect(planRemoval(digest('i'), d('i'), platformTags, [], listed)).toEqual({
      kind: 'delete',
      digest: d('i'),
      tags: ['1.0', ct('i')].sort(),
      platforms: [{ digest: d('b'), tags: [ct('b')] }],
      keptPlatforms: [
        {
          digest: d('a'),
          tags: [ct('a')],
          others: [],
          containers: [{ digest: d('j'), tags: [ct('j')] }],
        },
        { digest: d('d'), tags: ['arm64-debug', ct('d')].sort(), others: ['arm64-debug'], containers: [] },
      ],
    });
  });

  it('takes the platform builds along when the index goes by its last tag, not while another tag holds it', () => {
    expect(planRemoval(tag(ct('j')), d('j'), platformTags, [], listed)).toMatchObject({
      kind: 'delete',
      tags: [ct('j')],
      platforms: [{ digest: d('c'), tags: [ct('c')] }],
      keptPlatforms: [{ digest: d('a'), containers: [{ digest: d('i'), tags: ['1.0', ct('i')].sort() }] }],
    });
    expect(planRemoval(tag('1.0'), d('i'), platformTags, [], listed)).toEqual({
      kind: 'untag',
      tag: '1.0',
      digest: d('i'),
      others: [ct('i')],
      containers: [],
    });
  });

  it('leaves what is not an index alone: a single image has no platforms to take along', () => {
    expect(planRemoval(digest('b'), d('b'), platformTags, [], listed)).toEqual({
      kind: 'delete',
      digest: d('b'),
      tags: [ct('b')],
    });
  });
});

describe('platformKeptBy', () => {
  it('says every reason a platform build stays', () => {
    expect(
      platformKeptBy({
        digest: d('a'),
        tags: [],
        others: ['debug'],
        containers: [{ digest: d('j'), tags: ['1.0'] }],
      }),
    ).toBe(`still tagged debug; a platform of index ${d('j')} (1.0)`);
  });
});
