import { describe, expect, it } from 'vitest';
import { PinyardError } from '../errors.js';
import { combineErrors, decide, type RefState } from './decide.js';
import type { PromotionRequest } from './types.js';

// The hints a refused promotion prints: the exact command that would satisfy `requires`.
const d = (c: string) => `sha256:${c.repeat(64)}`;
const registry = 'registry.example.com';
const base: PromotionRequest = {
  name: 'app',
  environment: 'prod',
  source: { registry, repository: 'acme/app', tag: '1.4' },
  target: { registry: 'prod.example.com', repository: 'acme/app' },
  tags: ['1.4'],
  required: { environment: 'staging', repository: { registry, repository: 'acme/staging/app' } },
  strategy: 'copy',
};
const hintFor = (request: PromotionRequest, stagedDigest?: string) => {
  const target: RefState[] = request.tags.map((tag) => ({
    ref: { ...request.target, tag },
    digest: undefined,
  }));
  const required: RefState[] = request.tags.map((tag) => ({
    ref: { ...request.required!.repository, tag },
    digest: stagedDigest,
  }));
  const decision = decide(request, d('a'), target, required, false);
  if (decision.kind !== 'refused') throw new Error(`expected a refusal, got ${decision.kind}`);
  return decision.error;
};

describe('decide: the requires hint', () => {
  it('promotes the same tag to the required environment', () => {
    const error = hintFor(base);
    expect(error.message).toBe(
      `prod requires staging first: ${registry}/acme/staging/app:1.4 does not exist yet (promoting ${registry}/acme/app:1.4@${d('a')})`,
    );
    expect(error.hint).toBe('promote it to staging first: pinyard promote app:1.4 --to staging');
  });

  it('names the other digest staging holds', () => {
    expect(hintFor(base, d('b')).message).toContain(`points at ${d('b')}, not at ${d('a')}`);
  });

  it('repeats --tag when the target tags are not the source tag', () => {
    const error = hintFor({ ...base, tags: ['1.4.2'] });
    expect(error.hint).toBe('promote it to staging first: pinyard promote app:1.4 --tag 1.4.2 --to staging');
    const two = hintFor({ ...base, tags: ['1.4', 'stable'] });
    expect(two.hint).toBe(
      'promote it to staging first: pinyard promote app:1.4 --tag 1.4 stable --to staging',
    );
  });

  it('names a digest source by its digest, and leaves --tag out when there are no tags', () => {
    const bare = { ...base, source: { registry, repository: 'acme/app', digest: d('a') }, tags: [] };
    const target: RefState[] = [{ ref: { ...bare.target, digest: d('a') }, digest: undefined }];
    const required: RefState[] = [
      { ref: { ...base.required!.repository, digest: d('a') }, digest: undefined },
    ];
    const missing = decide(bare, d('a'), target, required, false);
    if (missing.kind !== 'refused') throw new Error('expected a refusal');
    expect(missing.error.hint).toBe(
      `promote it to staging first: pinyard promote app@${d('a')} --to staging`,
    );
    expect(missing.error.message).toContain(`(promoting ${registry}/acme/app@${d('a')})`);
  });
});

describe('combineErrors', () => {
  const e = (hint?: string) => new PinyardError('PINYARD_TAG_CONFLICT', 'x', hint ? { hint } : {});

  it('keeps the hint the errors share, and drops hints that differ', () => {
    expect(combineErrors([e('same'), e('same')], 'two').hint).toBe('same');
    expect(combineErrors([e('one'), e('other')], 'two').hint).toBeUndefined();
    expect(combineErrors([e(), e()], 'two').hint).toBeUndefined();
    const combined = combineErrors([e('same'), e('same')], 'two problems');
    expect(combined.message).toBe('two problems');
    expect(combined.code).toBe('PINYARD_TAG_CONFLICT');
    expect(combined.details).toHaveLength(2);
  });

  it('refuses to combine nothing', () => {
    expect(() => combineErrors([], 'none')).toThrow('combineErrors: no errors');
  });
});
