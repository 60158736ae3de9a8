import { describe, expect, it } from 'vitest';
import { repositoriesPerToken } from './token-batch.js';

/** An unsigned JWT-shaped token with `headerBytes` of header and one access entry per repository. */
function jwt(repositories: number, headerBytes: number): string {
  const header = Buffer.from(JSON.stringify({ alg: 'RS256', x5c: ['A'.repeat(headerBytes)] })).toString(
    'base64url',
  );
  const access = Array.from({ length: repositories }, (_, i) => ({
    type: 'repository',
    name: `acme/images/service-${i}`,
    actions: ['pull'],
  }));
  const claims = Buffer.from(JSON.stringify({ iss: 'issuer', access })).toString('base64url');
  return `${header}.${claims}.${'s'.repeat(342)}`;
}

describe('repositoriesPerToken', () => {
  it('batches small tokens until the header would pass 2 KB', () => {
    const sample = jwt(1, 100);
    const n = repositoriesPerToken(sample, 25);
    expect(n).toBeGreaterThan(5);
    expect(jwt(n, 100).length).toBeLessThanOrEqual(2048 + 100);
    expect(jwt(n + 2, 100).length).toBeGreaterThan(2048);
  });

  it('lets a token that is large on its own (a certificate in its header) grow by about 512 bytes', () => {
    const one = jwt(1, 1500);
    expect(one.length).toBeGreaterThan(2048);
    const n = repositoriesPerToken(one, 25);
    expect(n).toBeGreaterThan(1);
    expect(jwt(n, 1500).length - one.length).toBeLessThanOrEqual(512 + 100);
  });

  it('judges from a sample of several repositories as from one', () => {
    for (const header of [100, 1500]) {
      expect(repositoriesPerToken(jwt(4, header), 25)).toBe(repositoriesPerToken(jwt(1, header), 25));
    }
  });

  it('never names more than the most a batch may hold, and batches opaque tokens freely', () => {
    expect(repositoriesPerToken(jwt(1, 10), 3)).toBe(3);
    expect(repositoriesPerToken('opaque-token-of-any-scope', 25)).toBe(25);
  });
});
