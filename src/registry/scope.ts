/**
 * Token scopes (distribution spec/auth/scope.md): `repository:team/app:pull,push`, `registry:catalog:*`.
 * A resource name may itself hold colons (`repository:localhost:5000/app:pull`), so the type ends at the
 * first colon and the actions start after the last one.
 */

export interface Scope {
  type: string;
  name: string;
  actions: string[];
}

export function parseScope(text: string): Scope | undefined {
  const first = text.indexOf(':');
  const last = text.lastIndexOf(':');
  if (first <= 0 || last === first || last === text.length - 1) return undefined;
  const actions = text
    .slice(last + 1)
    .split(',')
    .filter((a) => a !== '');
  return { type: text.slice(0, first), name: text.slice(first + 1, last), actions: sortActions(actions) };
}

/** A challenge's or token response's `scope`: scopes separated by spaces. Unparseable entries are dropped. */
export function parseScopeList(text: string | undefined): Scope[] {
  return (text ?? '')
    .split(' ')
    .map(parseScope)
    .filter((s): s is Scope => s !== undefined);
}

export function formatScope(scope: Scope): string {
  return `${scope.type}:${scope.name}:${scope.actions.join(',')}`;
}

export function repositoryScope(repository: string, ...actions: string[]): Scope {
  return { type: 'repository', name: repository, actions: sortActions(actions) };
}

export const catalogScope: Scope = { type: 'registry', name: 'catalog', actions: ['*'] };

/**
 * One scope per resource with the union of the actions asked for, in first-seen order: a promotion asks
 * once for pull on the source and pull,push on the target instead of fetching a token per step.
 */
export function mergeScopes(...lists: Scope[][]): Scope[] {
  const merged = new Map<string, Scope>();
  for (const scope of lists.flat()) {
    const key = `${scope.type}\u0000${scope.name}`;
    const seen = merged.get(key);
    merged.set(
      key,
      seen
        ? { ...seen, actions: sortActions([...seen.actions, ...scope.actions]) }
        : { ...scope, actions: sortActions(scope.actions) },
    );
  }
  return [...merged.values()];
}

/** True when every action wanted on every resource is among those granted (`*` grants all). */
export function coversScopes(granted: Scope[], wanted: Scope[]): boolean {
  return wanted.every((w) => {
    const g = granted.find((s) => s.type === w.type && s.name === w.name);
    return g !== undefined && (g.actions.includes('*') || w.actions.every((a) => g.actions.includes(a)));
  });
}

/** Order-independent identity of a scope set, for cache keys and in-flight de-duplication. */
export function scopeKey(scopes: Scope[]): string {
  return mergeScopes(scopes).map(formatScope).sort().join(' ');
}

const actionOrder = ['pull', 'push', 'delete', '*'];

function sortActions(actions: string[]): string[] {
  const rank = (a: string) => {
    const i = actionOrder.indexOf(a);
    return i === -1 ? actionOrder.length : i;
  };
  return [...new Set(actions)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}
