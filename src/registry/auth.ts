import { accountOf, type Credential, type CredentialStore } from '../credentials/credentials.js';
import { redact, secrets } from '../credentials/redact.js';
import { PinyardError } from '../errors.js';
import type { Challenge } from './challenge.js';
import { badCredentialsError, malformedError, parseErrorBody, registryError, safe } from './errors.js';
import { MAX_TOKEN_BYTES } from './limits.js';
import { TokenResponse } from './schema.js';
import { formatScope, type Scope, scopeKey } from './scope.js';
import { grantedScopes } from './token-access.js';
import type { TokenCache } from './token-cache.js';
import type { Transport } from './transport.js';

/**
 * Turns a registry's challenge and the user's credential into an Authorization header: none, Basic, or a
 * Bearer token from the token service (distribution spec/auth/token.md: GET with Basic or no credentials;
 * oauth.md: POST with a refresh token when config.json holds an identity token).
 */

type HostAuth =
  | { scheme: 'none' }
  | { scheme: 'basic' }
  | { scheme: 'bearer'; realm: string; service: string };

export interface Authorization {
  header: string;
  /** True when the header came from the cache: a refusal may only mean the token went stale. */
  cached: boolean;
}

/** What an account may do on a registry, as far as the registry says before any request is made. */
export interface Grant {
  /** The username, or 'anonymous'. */
  account: string;
  /**
   * The scopes the registry will honour: a bearer token's grant, or all that was asked of a registry that
   * does not authenticate. Undefined when only a request can tell (Basic auth, an opaque token).
   */
  scopes?: Scope[];
}

const CLIENT_ID = 'pinyard';

export class Authenticator {
  readonly #transport: Transport;
  readonly #credentials: CredentialStore;
  readonly #tokens: TokenCache;
  readonly #hosts = new Map<string, HostAuth>();
  readonly #inflight = new Map<string, Promise<string>>();
  /** Bearer token → the scopes its service granted, when it said. */
  readonly #granted = new Map<string, Scope[]>();

  constructor(transport: Transport, credentials: CredentialStore, tokens: TokenCache) {
    this.#transport = transport;
    this.#credentials = credentials;
    this.#tokens = tokens;
  }

  /** Record how `host` asks to be authenticated (from its /v2/ probe or any 401). */
  learn(host: string, challenge: Challenge | undefined): void {
    if (challenge?.scheme === 'bearer' && challenge.params.realm) {
      this.#hosts.set(host, {
        scheme: 'bearer',
        realm: challenge.params.realm,
        service: challenge.params.service ?? '',
      });
    } else if (challenge?.scheme === 'basic') {
      this.#hosts.set(host, { scheme: 'basic' });
    } else {
      this.#hosts.set(host, { scheme: 'none' });
    }
  }

  /** Who requests to `host` act as, for error messages: a username or 'anonymous', never a secret. */
  async account(host: string): Promise<string> {
    return accountOf(await this.#credentials.get(host));
  }

  /** Fetch (or reuse) the token for `scopes` and say what it grants, without a request to the registry. */
  async grant(host: string, scopes: Scope[]): Promise<Grant> {
    const account = await this.account(host);
    const how = this.#hosts.get(host);
    if (!how || how.scheme === 'none') return { account, scopes };
    const authorization = await this.authorize(host, scopes);
    const token = authorization?.header.startsWith('Bearer ') ? authorization.header.slice(7) : undefined;
    const granted = token === undefined ? undefined : (this.#granted.get(token) ?? grantedScopes(token));
    return granted ? { account, scopes: granted } : { account };
  }

  /**
   * The Authorization header for a request that needs `scopes`, or undefined to go anonymous.
   * `fresh` skips the cache (and drops `stale` from it) after the registry refused a token.
   */
  async authorize(
    host: string,
    scopes: Scope[],
    options: { fresh?: boolean; stale?: string | undefined } = {},
  ): Promise<Authorization | undefined> {
    const how = this.#hosts.get(host);
    if (!how || how.scheme === 'none') return undefined;
    const credential = await this.#credentials.get(host);
    if (how.scheme === 'basic') {
      return credential.kind === 'basic'
        ? { header: `Basic ${basic(credential.username, credential.password)}`, cached: false }
        : undefined;
    }
    if (credential.kind === 'registry-token') return { header: `Bearer ${credential.token}`, cached: false };

    const realmKey = `${host}\n${how.realm}\n${how.service}\n${accountOf(credential)}`;
    if (options.fresh) {
      if (options.stale?.startsWith('Bearer ')) this.#tokens.forget(realmKey, options.stale.slice(7));
    } else {
      const token = this.#tokens.lookup(realmKey, scopes);
      if (token) return { header: `Bearer ${token}`, cached: true };
    }
    // Requests that need the same token at the same time share one fetch.
    const key = `${realmKey}\n${scopeKey(scopes)}`;
    let pending = this.#inflight.get(key);
    if (!pending) {
      pending = this.#fetchToken(host, how, credential, scopes, realmKey).finally(() =>
        this.#inflight.delete(key),
      );
      this.#inflight.set(key, pending);
    }
    return { header: `Bearer ${await pending}`, cached: false };
  }

  async #fetchToken(
    host: string,
    how: { realm: string; service: string },
    credential: Credential,
    scopes: Scope[],
    realmKey: string,
  ): Promise<string> {
    const realm = this.#checkRealm(host, how.realm);
    let response =
      credential.kind === 'identity-token'
        ? await this.#transport.fetch(realm.toString(), {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            maxBodyBytes: MAX_TOKEN_BYTES,
            body: new URLSearchParams({
              grant_type: 'refresh_token',
              refresh_token: credential.token,
              service: how.service,
              client_id: CLIENT_ID,
              scope: scopes.map(formatScope).join(' '),
            }).toString(),
          })
        : undefined;
    // Not every token service speaks OAuth (oauth.md): a 404 or 405 to the POST means use the GET flow.
    if (!response || response.status === 404 || response.status === 405) {
      const url = new URL(realm);
      if (how.service) url.searchParams.set('service', how.service);
      for (const scope of scopes) url.searchParams.append('scope', formatScope(scope));
      const login = credential.kind === 'basic' ? basic(credential.username, credential.password) : undefined;
      response = await this.#transport.fetch(url.toString(), {
        method: 'GET',
        headers: login ? { authorization: `Basic ${login}` } : {},
        maxBodyBytes: MAX_TOKEN_BYTES,
      });
    }

    const what = `fetching a token for ${host}`;
    const text = response.text();
    if (response.status >= 300 && response.status < 400) {
      // Sent to another origin, or to plain HTTP, a login or a refresh token would leave its service.
      throw new PinyardError(
        'PINYARD_REGISTRY',
        safe(
          `the token service ${realm.host} of ${host} redirected (HTTP ${response.status}) where pinyard will not send credentials`,
        ),
        { hint: 'a token service may redirect within its own origin only, and to plain HTTP never' },
      );
    }
    if (response.status === 401 || response.status === 403) {
      throw badCredentialsError(host, accountOf(credential), `the token service ${realm.host}`);
    }
    if (!response.ok) {
      throw registryError({ host: realm.host, what, status: response.status, body: parseErrorBody(text) });
    }
    let body: TokenResponse;
    try {
      body = TokenResponse.parse(JSON.parse(text));
    } catch {
      // The body may hold a token: never quote it.
      throw malformedError(realm.host, what, 'the token service did not answer with a token');
    }
    const token = (body.token || body.access_token)!;
    secrets.add(token, body.access_token, body.refresh_token);
    const granted = grantedScopes(token, body.scope);
    if (granted) this.#granted.set(token, granted);
    this.#tokens.store(realmKey, scopes, token, body.expires_in);
    return token;
  }

  /** Credentials go to the realm the registry names: over HTTPS unless the registry itself may use HTTP. */
  #checkRealm(host: string, realm: string): URL {
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw malformedError(
        host,
        `authenticating to ${host}`,
        `the token realm "${redact(realm)}" is not a URL`,
      );
    }
    // Asked of the realm's own host: a loopback or insecure registry may name a token service elsewhere.
    if (url.protocol === 'https:' || (url.protocol === 'http:' && this.#transport.allowsPlainHttp(url.host)))
      return url;
    throw new PinyardError(
      'PINYARD_REGISTRY',
      safe(`registry ${host} sends credentials to ${url.origin}, which is not HTTPS; pinyard refuses to`),
      {
        hint: `if ${url.host} is a trusted token service on a private network, list it under insecureRegistries`,
      },
    );
  }
}

function basic(username: string, password: string): string {
  return Buffer.from(`${username}:${password}`).toString('base64');
}
