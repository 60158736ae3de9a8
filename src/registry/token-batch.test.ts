import { describe, expect, it } from 'vitest';
import { repositoryScope } from './scope.js';
import { accessEntryBytes, TOKEN_BATCH_EXTRA_BYTES, tokenBatches } from './token-batch.js';

/** The `access` claim a distribution token service would issue for `names`, as base64url. */
function claimBytes(names: string[]): number {
  const access = names.map((name) => ({ type: 'repository', name, actions: ['pull'] }));
  return Buffer.from(JSON.stringify({ access })).toString('base64url').length;
}

const names = (count: number, prefix = 'acme/images/service') =>
  Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
const pulls = (list: string[]) => list.map((name) => repositoryScope(name, 'pull'));

describe('accessEntryBytes', () => {
  it('predicts what one more repository adds to a real access claim', () => {
    for (const name of ['a', 'bench/img-00', 'acme/a-rather-long/path/to/some-service']) {
      const grown = claimBytes(['first/repository', name]) - claimBytes(['first/repository']);
      expect(Math.abs(accessEntryBytes(repositoryScope(name, 'pull')) - grown)).toBeLessThanOrEqual(2);
    }
  });
});

describe('tokenBatches', () => {
  it('keeps every repository, in order, each once', () => {
    const scopes = pulls(names(60));
    expect(tokenBatches(scopes, 25).flat()).toEqual(scopes);
  });

  it('lets a token grow by at most 512 bytes over a token for its first repository', () => {
    const list = names(60);
    const batches = tokenBatches(pulls(list), 25);
    expect(batches.length).toBeGreaterThan(1);
    for (const batch of batches) {
      const batchNames = batch.map((s) => s.name);
      expect(claimBytes(batchNames) - claimBytes(batchNames.slice(0, 1))).toBeLessThanOrEqual(
        TOKEN_BATCH_EXTRA_BYTES + 4,
      );
    }
    // Batches are as full as the budget allows: one more repository would pass it.
    const [first, second] = batches;
    const fuller = [...first!, second![0]!].map((s) => s.name);
    expect(claimBytes(fuller) - claimBytes(fuller.slice(0, 1))).toBeGreaterThan(TOKEN_BATCH_EXTRA_BYTES - 4);
  });

  it('fits more short names than long ones into a token', () => {
    expect(tokenBatches(pulls(names(40, 'a')), 25)[0]!.length).toBeGreaterThan(
      tokenBatches(pulls(names(40, 'a/much/longer/repository/path/to/a/service')), 25)[0]!.length,
    );
  });

  it('never names more than the most a batch may hold, and gives a name too long for the budget its own', () => {
    expect(tokenBatches(pulls(names(10, 'a')), 3).map((b) => b.length)).toEqual([3, 3, 3, 1]);
    const long = `acme/${'x'.repeat(600)}`;
    expect(tokenBatches(pulls(['one', long, 'two']), 25).map((b) => b.map((s) => s.name))).toEqual([
      ['one'],
      [long, 'two'],
    ]);
  });

  it('asks for nothing when there is nothing to ask for', () => {
    expect(tokenBatches([], 25)).toEqual([]);
  });
});
