import { describe, expect, it } from 'vitest';
import type { Reference } from '../../reference/index.js';
import { keptBy, planRemoval } from './removal-plan.js';
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
