import { describe, expect, it } from 'vitest';
import { parseScopeList } from './scope.js';
import { TokenCache } from './token-cache.js';

const scopes = (text: string) => parseScopeList(text);

describe('TokenCache', () => {
  it('reuses a token for any request its scopes cover, per realm and account', () => {
    const cache = new TokenCache(() => 0);
    cache.store('realm|svc|dev', scopes('repository:a:pull,push repository:b:pull'), 'T1', 300);
    expect(cache.lookup('realm|svc|dev', scopes('repository:a:pull'))).toBe('T1');
    expect(cache.lookup('realm|svc|dev', scopes('repository:b:pull repository:a:push'))).toBe('T1');
    expect(cache.lookup('realm|svc|dev', scopes('repository:b:push'))).toBeUndefined();
    expect(cache.lookup('realm|svc|reader', scopes('repository:a:pull'))).toBeUndefined();
  });

  it.each([
    { lifetime: 300, validUntil: 270_000 },
    { lifetime: 60, validUntil: 45_000 },
    { lifetime: undefined, validUntil: 45_000 },
  ])(
    'retires a token of $lifetime s shortly before it expires ($validUntil ms)',
    ({ lifetime, validUntil }) => {
      let now = 0;
      const cache = new TokenCache(() => now);
      cache.store('k', scopes('repository:a:pull'), 'T', lifetime);
      now = validUntil - 1;
      expect(cache.lookup('k', scopes('repository:a:pull'))).toBe('T');
      now = validUntil;
      expect(cache.lookup('k', scopes('repository:a:pull'))).toBeUndefined();
    },
  );

  it('sends the smallest token that covers a request, not a batch token that also does', () => {
    const cache = new TokenCache(() => 0);
    cache.store('k', scopes('repository:a:pull repository:b:pull repository:c:pull'), 'BATCH-TOKEN', 300);
    cache.store('k', scopes('repository:b:pull'), 'B-TOKEN', 300);
    cache.store('k', scopes('repository:a:pull repository:b:pull'), 'AB-TOKEN', 300);
    expect(cache.lookup('k', scopes('repository:a:pull'))).toBe('AB-TOKEN');
    expect(cache.lookup('k', scopes('repository:b:pull'))).toBe('B-TOKEN');
    expect(cache.lookup('k', scopes('repository:c:pull'))).toBe('BATCH-TOKEN');
  });

  it('forgets a token the registry refused', () => {
    const cache = new TokenCache(() => 0);
    cache.store('k', scopes('repository:a:pull'), 'T', 300);
    cache.forget('k', 'T');
    expect(cache.lookup('k', scopes('repository:a:pull'))).toBeUndefined();
  });
});
