import { coversScopes, type Scope, scopeKey } from './scope.js';

/**
 * Bearer tokens by token service + account, reused for any request whose scopes they cover, until
 * shortly before they expire. The margin keeps a token from expiring between lookup and use (and absorbs
 * clock skew), which would cost a 401 and a second token fetch.
 */

interface Entry {
  scopes: Scope[];
  token: string;
  expiresAt: number;
}

/** The spec's default when a token response has no `expires_in`. */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 60;

export class TokenCache {
  readonly #entries = new Map<string, Map<string, Entry>>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** A live token for `realmKey` that covers every scope in `wanted`. */
  lookup(realmKey: string, wanted: Scope[]): string | undefined {
    const entries = this.#entries.get(realmKey);
    if (!entries) return undefined;
    const now = this.#now();
    const exact = entries.get(scopeKey(wanted));
    if (exact && exact.expiresAt > now) return exact.token;
    // The smallest token that covers the request: it is sent with it, and a batch token can be large.
    let best: Entry | undefined;
    for (const [key, entry] of entries) {
      if (entry.expiresAt <= now) entries.delete(key);
      else if (coversScopes(entry.scopes, wanted) && (!best || entry.token.length < best.token.length))
        best = entry;
    }
    return best?.token;
  }

  store(
    realmKey: string,
    scopes: Scope[],
    token: string,
    lifetimeSeconds = DEFAULT_TOKEN_LIFETIME_SECONDS,
  ): void {
    const lifetimeMs = lifetimeSeconds * 1000;
    const margin = Math.min(30_000, lifetimeMs / 4);
    let entries = this.#entries.get(realmKey);
    if (!entries) {
      entries = new Map();
      this.#entries.set(realmKey, entries);
    }
    entries.set(scopeKey(scopes), { scopes, token, expiresAt: this.#now() + lifetimeMs - margin });
  }

  /** Drop a token the registry refused, so no other request picks it up. */
  forget(realmKey: string, token: string): void {
    const entries = this.#entries.get(realmKey);
    if (!entries) return;
    for (const [key, entry] of entries) if (entry.token === token) entries.delete(key);
  }
}
