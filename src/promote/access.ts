import { PinyardError } from '../errors.js';
import { deniedError, type Grant, mergeScopes, repositoryScope, type Scope } from '../registry/index.js';
import { combineErrors } from './decide.js';
import type { PromotionRequest } from './types.js';

/**
 * The permissions a promotion needs, asked of each registry's token service in one token, and checked
 * against what the token grants before anything is written. Pure.
 */

export interface AccessNeed {
  registry: string;
  repository: string;
  /** `['pull']` to read, `['pull', 'push']` to write. */
  actions: string[];
}

/** A token to ask one registry for: the scopes of whole promotions, so that each is covered by one token. */
export interface TokenRequest {
  registry: string;
  scopes: Scope[];
}

export type AccessStatus = 'granted' | 'denied' | 'unverified';

export interface AccessCheck extends AccessNeed {
  /** Who asked: a username or 'anonymous'. */
  account: string;
  /** `unverified`: the registry says only when a request is made (Basic auth, an opaque token). */
  status: AccessStatus;
  /** The actions the grant leaves out. */
  missing: string[];
}

/** Pull on the source and the required environment, pull and push on the target; one entry per repository. */
export function accessNeeds(requests: PromotionRequest[]): AccessNeed[] {
  const needs = new Map<string, AccessNeed>();
  for (const need of requests.flatMap(needsOf)) {
    const key = `${need.registry}/${need.repository}`;
    const seen = needs.get(key);
    needs.set(key, seen ? { ...seen, actions: union(seen.actions, need.actions) } : need);
  }
  return [...needs.values()];
}

/**
 * One token request per registry, split where it would name more than `repositoriesPerToken`
 * repositories (a token lists them all, and proxies refuse big headers), never inside one promotion: a
 * mount needs the source and the target in the same token.
 */
export function tokenRequests(requests: PromotionRequest[], repositoriesPerToken: number): TokenRequest[] {
  const batches = new Map<string, Scope[][]>();
  for (const request of requests) {
    const byRegistry = new Map<string, Scope[]>();
    for (const need of needsOf(request)) {
      const scopes = byRegistry.get(need.registry) ?? [];
      byRegistry.set(need.registry, [...scopes, repositoryScope(need.repository, ...need.actions)]);
    }
    for (const [registry, scopes] of byRegistry) {
      const list = batches.get(registry) ?? [];
      const last = list.at(-1);
      const merged = last && mergeScopes(last, scopes);
      if (merged && merged.length <= repositoriesPerToken) list[list.length - 1] = merged;
      else list.push(mergeScopes(scopes));
      batches.set(registry, list);
    }
  }
  return [...batches].flatMap(([registry, list]) => list.map((scopes) => ({ registry, scopes })));
}

/** Each need against the grant of the token that was asked for it. */
export function checkAccess(
  needs: AccessNeed[],
  grants: Array<TokenRequest & { grant: Grant }>,
): AccessCheck[] {
  return needs.map((need) => {
    const asked = grants.find(
      (g) => g.registry === need.registry && g.scopes.some((s) => isRepository(s, need.repository)),
    );
    if (!asked) throw new Error(`checkAccess: no token was asked for ${need.registry}/${need.repository}`);
    const { account, scopes } = asked.grant;
    if (!scopes) return { ...need, account, status: 'unverified', missing: [] };
    const granted = scopes.filter((s) => isRepository(s, need.repository)).flatMap((s) => s.actions);
    const missing = granted.includes('*') ? [] : need.actions.filter((a) => !granted.includes(a));
    return { ...need, account, status: missing.length ? 'denied' : 'granted', missing };
  });
}

/** The refusal of every permission the grants leave out, or undefined when none is missing. */
export function accessError(checks: AccessCheck[]): PinyardError | undefined {
  const denied = checks
    .filter((check) => check.status === 'denied')
    .map((check) =>
      deniedError({
        host: check.registry,
        repository: check.repository,
        action: check.missing.join(' or '),
        account: check.account,
      }),
    );
  if (denied.length === 0) return undefined;
  if (denied.length === 1) {
    const [only] = denied as [PinyardError];
    return new PinyardError(only.code, `${only.message}; nothing was promoted`, {
      ...(only.hint ? { hint: only.hint } : {}),
    });
  }
  return combineErrors(denied, `access denied on ${denied.length} repositories; nothing was promoted`);
}

function needsOf(request: PromotionRequest): AccessNeed[] {
  const { source, target, required } = request;
  return [
    { registry: source.registry, repository: source.repository, actions: ['pull'] },
    { registry: target.registry, repository: target.repository, actions: ['pull', 'push'] },
    ...(required
      ? [
          {
            registry: required.repository.registry,
            repository: required.repository.repository,
            actions: ['pull'],
          },
        ]
      : []),
  ];
}

function isRepository(scope: Scope, name: string): boolean {
  return scope.type === 'repository' && scope.name === name;
}

function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])];
}
