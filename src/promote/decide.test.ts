import { describe, expect, it } from 'vitest';
import { decide, type RefState } from './decide.js';
import type { PromotionRequest } from './types.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const registry = 'registry.example.com';
const request: PromotionRequest = {
  name: 'app',
  environment: 'prod',
  source: { registry, repository: 'acme/app', tag: '1.4' },
  target: { registry: 'prod.example.com', repository: 'acme/app' },
  tags: ['1.4', 'stable'],
  required: { environment: 'staging', repository: { registry, repository: 'acme/staging/app' } },
  strategy: 'copy',
};
const at = (tag: string, digest?: string): RefState => ({
  ref: { ...request.target, tag },
  digest,
});
const staged = (tag: string, digest?: string): RefState => ({
  ref: { ...request.required!.repository, tag },
  digest,
});

describe('decide', () => {
  it('writes every target tag not yet at the digest', () => {
    expect(
      decide(
        request,
        d('a'),
        [at('1.4'), at('stable', d('a'))],
        [staged('1.4', d('a')), staged('stable', d('a'))],
        false,
      ),
    ).toEqual({
      kind: 'promote',
      write: [{ ...request.target, tag: '1.4' }],
      moved: [],
      contentPresent: true,
    });
  });

  it('is a no-op when every target tag is at the digest already', () => {
    const all = [at('1.4', d('a')), at('stable', d('a'))];
    expect(decide(request, d('a'), all, [staged('1.4', d('a')), staged('stable', d('a'))], false)).toEqual({
      kind: 'unchanged',
    });
  });

  it('refuses to move a tag that points at another digest, and names both digests', () => {
    const decision = decide(
      request,
      d('a'),
      [at('1.4', d('b')), at('stable')],
      [staged('1.4', d('a')), staged('stable', d('a'))],
      false,
    );
    expect(decision.kind).toBe('refused');
    if (decision.kind !== 'refused') return;
    expect(decision.error.code).toBe('PINYARD_TAG_CONFLICT');
    expect(decision.error.exitCode).toBe(1);
    expect(decision.error.message).toBe(
      `prod.example.com/acme/app:1.4 already points at ${d('b')}, not at ${d('a')} (promoting registry.example.com/acme/app:1.4@${d('a')})`,
    );
    expect(decision.error.hint).toMatch(/--force/);
  });

  it('moves it under --force, and says which tags moved', () => {
    expect(
      decide(
        request,
        d('a'),
        [at('1.4', d('b')), at('stable')],
        [staged('1.4', d('a')), staged('stable', d('a'))],
        true,
      ),
    ).toEqual({
      kind: 'promote',
      write: [
        { ...request.target, tag: '1.4' },
        { ...request.target, tag: 'stable' },
      ],
      moved: [at('1.4', d('b'))],
      contentPresent: false,
    });
  });

  it.each([
    ['missing', undefined, 'does not exist yet'],
    ['at another digest', d('c'), `points at ${d('c')}, not at ${d('a')}`],
  ])(
    'refuses while the required environment has the tag %s, even under --force',
    (_, stagedDigest, found) => {
      const decision = decide(
        request,
        d('a'),
        [at('1.4'), at('stable')],
        [staged('1.4', stagedDigest), staged('stable', d('a'))],
        true,
      );
      expect(decision.kind).toBe('refused');
      if (decision.kind !== 'refused') return;
      expect(decision.error.code).toBe('PINYARD_REQUIRES_UNMET');
      expect(decision.error.message).toBe(
        `prod requires staging first: registry.example.com/acme/staging/app:1.4 ${found} (promoting registry.example.com/acme/app:1.4@${d('a')})`,
      );
      expect(decision.error.hint).toBe(
        'promote it to staging first: pinyard promote app:1.4 --tag 1.4 stable --to staging',
      );
    },
  );

  it('reports every problem of an image at once', () => {
    const decision = decide(
      request,
      d('a'),
      [at('1.4', d('b')), at('stable', d('b'))],
      [staged('1.4'), staged('stable')],
      false,
    );
    expect(decision.kind === 'refused' && decision.error.message).toBe(
      'app cannot be promoted to prod: 4 problems',
    );
    expect(decision.kind === 'refused' && decision.error.details.map((e) => e.code)).toEqual([
      'PINYARD_REQUIRES_UNMET',
      'PINYARD_REQUIRES_UNMET',
      'PINYARD_TAG_CONFLICT',
      'PINYARD_TAG_CONFLICT',
    ]);
  });
});
