import { describe, expect, it } from 'vitest';
import { contentTag } from '../hash/index.js';
import { isContentTag } from './content-tag.js';
import { parseDuration, planRetention, type RetentionCandidate } from './plan-retention.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const tag = (c: string) => `pinyard-${c.repeat(24)}`;
const candidate = (c: string, created?: string): RetentionCandidate => ({
  digest: d(c),
  tags: [tag(c)],
  ...(created ? { created } : {}),
});

/** Five nightly builds, one a day; `a` is the oldest. */
const nightlies = [
  candidate('c', '2026-11-03T02:00:00Z'),
  candidate('a', '2026-11-01T02:00:00Z'),
  candidate('e', '2026-11-05T02:00:00Z'),
  candidate('b', '2026-11-02T02:00:00Z'),
  candidate('d', '2026-11-04T02:00:00Z'),
];

const summary = (decisions: ReturnType<typeof planRetention>) =>
  decisions.map((x) => `${x.digest.slice(7, 8)}:${x.action}`).join(' ');

describe('planRetention', () => {
  it.each([
    { keep: 0, expected: 'e:delete d:delete c:delete b:delete a:delete' },
    { keep: 2, expected: 'e:keep d:keep c:delete b:delete a:delete' },
    { keep: 5, expected: 'e:keep d:keep c:keep b:keep a:keep' },
    { keep: 9, expected: 'e:keep d:keep c:keep b:keep a:keep' },
  ])('keeps the $keep newest and deletes the rest, newest first', ({ keep, expected }) => {
    expect(summary(planRetention({ candidates: nightlies, protectedBy: new Map(), keep }))).toBe(expected);
  });

  it('keeps what a human tag or an environment points at, apart from the newest N', () => {
    const decisions = planRetention({
      candidates: nightlies,
      protectedBy: new Map([
        [d('a'), ['tag 1.4']],
        [d('c'), ['staging', 'prod']],
      ]),
      keep: 1,
    });
    expect(summary(decisions)).toBe('e:keep d:delete c:keep b:delete a:keep');
    expect(decisions.map((x) => [x.newest, x.protectedBy])).toEqual([
      [1, []],
      [undefined, []],
      [undefined, ['staging', 'prod']],
      [undefined, []],
      [undefined, ['tag 1.4']],
    ]);
  });

  it('counts an image without a created time as the oldest', () => {
    const decisions = planRetention({
      candidates: [candidate('x'), candidate('a', '2001-01-01T00:00:00Z'), candidate('y', 'not a date')],
      protectedBy: new Map(),
      keep: 1,
    });
    expect(summary(decisions)).toBe('a:keep x:delete y:delete');
  });

  it('orders images created at the same time by digest, so a rerun decides the same', () => {
    const same = '2026-11-01T00:00:00Z';
    const decisions = planRetention({
      candidates: [candidate('f', same), candidate('b', same), candidate('d', same)],
      protectedBy: new Map(),
      keep: 2,
    });
    expect(summary(decisions)).toBe('b:keep d:keep f:delete');
  });

  it('compares times, not their text: offsets and fractions count', () => {
    const decisions = planRetention({
      candidates: [candidate('a', '2026-11-01T10:00:00+02:00'), candidate('b', '2026-11-01T09:00:00.5Z')],
      protectedBy: new Map(),
      keep: 1,
    });
    expect(summary(decisions)).toBe('b:keep a:delete');
  });
});

describe('isContentTag', () => {
  it.each([
    [contentTag(`sha256:${'0123456789abcdef'.repeat(4)}`), true],
    [tag('a'), true],
    ['1.4', false],
    ['latest', false],
    [`pinyard-${'A'.repeat(24)}`, false],
    [`pinyard-${'a'.repeat(23)}`, false],
    [`pinyard-${'a'.repeat(25)}`, false],
    [`x-pinyard-${'a'.repeat(24)}`, false],
  ])('%s → %s', (text, expected) => {
    expect(isContentTag(text)).toBe(expected);
  });
});

describe('planRetention with --min-age', () => {
  it('keeps every digest younger than the minimum age, beyond the newest N; one without a time is old', () => {
    const decisions = planRetention({
      candidates: [...nightlies, candidate('x')],
      protectedBy: new Map(),
      keep: 1,
      minAgeMs: parseDuration('36h')!,
      now: Date.parse('2026-11-05T12:00:00Z'),
    });
    expect(summary(decisions)).toBe('e:keep d:keep c:delete b:delete a:delete x:delete');
    expect(decisions.map((x) => x.recent ?? false)).toEqual([true, true, false, false, false, false]);
  });
});

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['24h', 86_400_000],
    ['7d', 604_800_000],
    ['2w', 1_209_600_000],
    ['1h30m', 5_400_000],
  ])('reads %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '24', 'h', '1.5h', '-1h', '1y', '1h ', 'one day'])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('planRetention with multi-platform images', () => {
  /**
   * Three builds of a two-platform image, one a day: index `i` lists platforms `a` (amd64) and `b`
   * (arm64); index `j` lists `c` and `d`; index `k` changed only arm64, so it reuses `c` and lists `e`.
   * Every digest has its own content tag, as `build` pushes them.
   */
  const day = (n: number) => `2026-11-0${n}T02:00:00Z`;
  const candidates = [
    candidate('a', day(1)),
    candidate('b', day(1)),
    candidate('i', day(1)),
    candidate('c', day(2)),
    candidate('d', day(2)),
    candidate('j', day(2)),
    candidate('e', day(3)),
    candidate('k', day(3)),
  ];
  const platformsOf = new Map([
    [d('i'), [d('a'), d('b')]],
    [d('j'), [d('c'), d('d')]],
    [d('k'), [d('c'), d('e')]],
  ]);
  const decide = (keep: number, protectedBy = new Map<string, string[]>()) =>
    planRetention({ candidates, protectedBy, keep, platformsOf });

  it('counts an index with its platforms as one build, and puts each platform after its index', () => {
    const decisions = decide(2);
    expect(summary(decisions)).toBe('k:keep e:keep j:keep c:keep d:keep i:delete a:delete b:delete');
    expect(decisions.map((x) => x.newest ?? 0)).toEqual([1, 0, 2, 0, 0, 0, 0, 0]);
    expect(decisions.filter((x) => x.platformOf).map((x) => [x.digest, x.platformOf])).toEqual([
      [d('e'), [d('k')]],
      [d('c'), [d('k'), d('j')]],
      [d('d'), [d('j')]],
      [d('a'), [d('i')]],
      [d('b'), [d('i')]],
    ]);
  });

  it('keeps a platform build another kept index still lists, and deletes the rest with their index', () => {
    // Only k stays: j goes with d, but c stays, since k lists it too.
    expect(summary(decide(1))).toBe('k:keep e:keep j:delete c:keep d:delete i:delete a:delete b:delete');
  });

  it('keeps the platforms of an index a human tag keeps, and a platform something points at itself', () => {
    const decisions = decide(
      0,
      new Map([
        [d('i'), ['tag 1.0']],
        [d('d'), ['tag arm64-debug']],
      ]),
    );
    expect(summary(decisions)).toBe('k:delete e:delete j:delete c:delete d:keep i:keep a:keep b:keep');
    expect(decisions.find((x) => x.digest === d('d'))!.protectedBy).toEqual(['tag arm64-debug']);
    expect(decisions.find((x) => x.digest === d('a'))!.protectedBy).toEqual([]);
  });

  it('deletes nothing at --keep 3: three indexes are three builds, whatever their platforms', () => {
    expect(decide(3).every((x) => x.action === 'keep')).toBe(true);
  });

  it('counts a platform build no index lists (a per-platform job not merged yet) as a build of its own', () => {
    const decisions = planRetention({
      candidates: [...candidates, candidate('f', day(4))],
      protectedBy: new Map(),
      keep: 1,
      platformsOf,
    });
    expect(summary(decisions)).toBe(
      'f:keep k:delete e:delete j:delete c:delete d:delete i:delete a:delete b:delete',
    );
  });

  it('ignores what an index lists that is not a candidate, and an index that is not one', () => {
    const decisions = planRetention({
      candidates: [candidate('a', day(1)), candidate('b', day(2))],
      protectedBy: new Map(),
      keep: 1,
      platformsOf: new Map([
        [d('a'), [d('x')]],
        [d('z'), [d('a')]],
      ]),
    });
    expect(summary(decisions)).toBe('b:keep a:delete');
    expect(decisions.every((x) => x.platformOf === undefined)).toBe(true);
  });
});
