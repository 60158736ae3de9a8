/**
 * What the token issuer grants, like docker_auth: the intersection of the scopes a client asks for and what
 * the account's ACL allows. Pure.
 */

/** One entry of a token's `access` claim (and of a parsed scope). */
export interface Access {
  type: string;
  name: string;
  actions: string[];
}

export type Account = 'admin' | 'dev' | 'reader' | 'anonymous';

interface Rule {
  type: string;
  /** `*` matches any run of characters, `/` included. */
  name: string;
  /** `*` allows every action, `*` itself included. */
  actions: string[];
}

const acl: Record<Account, Rule[]> = {
  admin: [
    { type: 'repository', name: '*', actions: ['*'] },
    { type: 'registry', name: 'catalog', actions: ['*'] },
  ],
  dev: [
    { type: 'repository', name: '*', actions: ['pull'] },
    { type: 'repository', name: 'dev/*', actions: ['pull', 'push'] },
  ],
  reader: [{ type: 'repository', name: '*', actions: ['pull'] }],
  anonymous: [{ type: 'repository', name: 'public/*', actions: ['pull'] }],
};

/**
 * `type:name:actions` scopes; a value may hold several separated by spaces (the OAuth2 form flow sends them
 * that way). The name is everything between the first and the last colon, so `host:port/repo` stays whole.
 * Malformed scopes are dropped, as docker_auth does.
 */
export function parseScopes(values: string[]): Access[] {
  const parsed: Access[] = [];
  for (const scope of values.flatMap((v) => v.split(' ')).filter(Boolean)) {
    const first = scope.indexOf(':');
    const last = scope.lastIndexOf(':');
    if (first <= 0 || last === first || last === scope.length - 1) continue;
    parsed.push({
      type: scope.slice(0, first),
      name: scope.slice(first + 1, last),
      actions: scope
        .slice(last + 1)
        .split(',')
        .filter(Boolean),
    });
  }
  return merge(parsed);
}

/** The asked accesses cut down to what `account` may do; resources with nothing left are left out. */
export function grant(account: Account, asked: Access[]): Access[] {
  const granted: Access[] = [];
  for (const access of merge(asked)) {
    const allowed = acl[account]
      .filter((rule) => rule.type === baseType(access.type) && matches(rule.name, access.name))
      .flatMap((rule) => rule.actions);
    const actions = allowed.includes('*')
      ? access.actions
      : access.actions.filter((a) => allowed.includes(a));
    if (actions.length > 0) granted.push({ ...access, actions });
  }
  return granted;
}

/** `repository(plugin)` is a repository for the ACL. */
function baseType(type: string): string {
  return type.replace(/\(.*\)$/, '');
}

function matches(pattern: string, name: string): boolean {
  const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`).test(name);
}

/** One entry per resource, actions in first-asked order without repeats. */
function merge(accesses: Access[]): Access[] {
  const byResource = new Map<string, Access>();
  for (const { type, name, actions } of accesses) {
    const key = `${type}:${name}`;
    const entry = byResource.get(key) ?? { type, name, actions: [] };
    for (const action of actions) if (!entry.actions.includes(action)) entry.actions.push(action);
    byResource.set(key, entry);
  }
  return [...byResource.values()];
}
