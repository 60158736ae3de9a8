import type { Scope } from './scope.js';

/**
 * How pull tokens fetched ahead are batched. A token rides on every request it covers, and a JWT grows
 * with each repository in its `access` claim, so a token for a whole tree would add kilobytes to every
 * HEAD of a no-change build. Each token names its first repository and as many more as add at most
 * TOKEN_BATCH_EXTRA_BYTES to it: a few round trips to the token service saved, a few hundred bytes a
 * request spent.
 *
 * The growth is predicted from the names, as a distribution token's claim lists them
 * (`{"type":"repository","name":"…","actions":["pull"]}`, base64url in the JWT), rather than measured on
 * a first token: then every batch can be asked for at once, one round trip to the token service instead of
 * two. A service that adds more to each entry (Docker Hub adds pull-limit parameters) grows its tokens by
 * up to about twice as much, still far below the 8 KiB a proxy refuses.
 */
export const TOKEN_BATCH_EXTRA_BYTES = 512;

/** The bytes one repository's entry adds to a distribution JWT's `access` claim, as base64url. */
export function accessEntryBytes(scope: Scope): number {
  const entry = JSON.stringify({ type: scope.type, name: scope.name, actions: scope.actions });
  // `,` between entries; 4 base64 characters per 3 bytes.
  return Math.ceil(((Buffer.byteLength(entry) + 1) * 4) / 3);
}

/**
 * `scopes` (one per repository) in batches, in order: each batch's entries beyond its first add at most
 * TOKEN_BATCH_EXTRA_BYTES, and no batch holds more than `max` scopes.
 */
export function tokenBatches(scopes: Scope[], max: number): Scope[][] {
  const batches: Scope[][] = [];
  let current: Scope[] = [];
  let extra = 0;
  for (const scope of scopes) {
    const bytes = accessEntryBytes(scope);
    if (current.length > 0 && (current.length >= max || extra + bytes > TOKEN_BATCH_EXTRA_BYTES)) {
      batches.push(current);
      current = [];
      extra = 0;
    }
    if (current.length > 0) extra += bytes;
    current.push(scope);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
