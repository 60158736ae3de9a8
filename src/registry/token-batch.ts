import { bytesPerRepository } from './token-access.js';

/**
 * How many repositories one pull token fetched ahead may cover. A token rides on every request it covers,
 * and a JWT grows with each repository in its `access` claim (≈100 bytes each), so a token for a whole
 * tree would add kilobytes to every HEAD of a no-change build. A batch may grow the token to 2 KB, or by
 * 512 bytes over a token for one repository when that alone is larger (a certificate chain in the JWT
 * header is often most of it): a few round trips to the token service saved, a few hundred bytes a request
 * spent.
 */
export const TOKEN_HEADER_BUDGET = 2048;
export const TOKEN_BATCH_EXTRA_BYTES = 512;

/** The first batch, before any token has shown how much a repository adds: about 400 bytes of JWT. */
export const FIRST_BATCH = 4;

/** `sample`: a token issued for a first batch. `max`: the most repositories a batch may name at all. */
export function repositoriesPerToken(sample: string, max: number): number {
  const growth = bytesPerRepository(sample);
  // An opaque token does not grow with its scopes: batching costs nothing.
  if (growth === undefined) return max;
  const forOne = sample.length - (growth.repositories - 1) * growth.perRepository;
  const room = Math.max(TOKEN_BATCH_EXTRA_BYTES, TOKEN_HEADER_BUDGET - forOne);
  return Math.max(1, Math.min(max, 1 + Math.floor(room / growth.perRepository)));
}
