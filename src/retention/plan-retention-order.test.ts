import { describe, expect, it } from 'vitest';
import { planRetention } from './plan-retention.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;

describe('planRetention order and fields', () => {
  it('orders digests of the same time by digest, whatever order the registry listed them in', () => {
    const at = '2026-01-01T00:00:00Z';
    const plan = planRetention({
      candidates: ['c', 'a', 'd', 'b'].map((c) => ({ digest: d(c), tags: [], created: at })),
      protectedBy: new Map(),
      keep: 0,
    });
    expect(plan.map((p) => p.digest)).toEqual(['a', 'b', 'c', 'd'].map(d));
  });

  it('numbers only the kept newest; a digest past `keep` has no `newest` field at all', () => {
    const plan = planRetention({
      candidates: [
        { digest: d('1'), tags: ['pinyard-1'], created: '2026-01-02T00:00:00Z' },
        { digest: d('2'), tags: ['pinyard-2'], created: '2026-01-01T00:00:00Z' },
      ],
      protectedBy: new Map(),
      keep: 1,
    });
    expect(plan[0]).toStrictEqual({
      digest: d('1'),
      tags: ['pinyard-1'],
      created: '2026-01-02T00:00:00Z',
      action: 'keep',
      newest: 1,
      protectedBy: [],
    });
    expect(Object.keys(plan[1]!)).not.toContain('newest');
    expect(plan[1]!.action).toBe('delete');
  });
});
