import * as z from '../zod.js';
import { mergeScopes, parseScopeList, type Scope } from './scope.js';

/**
 * What a bearer token lets its holder do, read before any request is made with it. A token service grants
 * the intersection of what was asked and what the account may do (docker_auth, Harbor, GitLab, Quay and
 * Docker Hub all do), so a token can come back with less than asked and only a refused write would show it.
 */

/** The `access` claim of a distribution token (spec/auth/jwt.md): one entry per resource. */
const AccessClaim = z.array(
  z.object({ type: z.string(), name: z.string(), actions: z.nullish(z.array(z.string())) }),
);

/**
 * The scopes a token grants: its JWT `access` claim, which is exactly what the registry checks; else the
 * OAuth2 `scope` of the token response (RFC 6749 §5.1); else undefined: an opaque token says nothing until
 * a request is refused. The signature is not checked: this only predicts what the registry will decide.
 */
export function grantedScopes(token: string, responseScope?: string): Scope[] | undefined {
  const claim = accessClaim(token);
  if (claim) return claim;
  return responseScope === undefined ? undefined : mergeScopes(parseScopeList(responseScope));
}

function accessEntries(token: string): z.infer<typeof AccessClaim> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  // A JWT without the claim may be some other service's token: nothing can be said from it.
  if (typeof claims !== 'object' || claims === null || !('access' in claims)) return undefined;
  const access = AccessClaim.safeParse((claims as { access: unknown }).access ?? []);
  return access.success ? access.data : undefined;
}

function accessClaim(token: string): Scope[] | undefined {
  const access = accessEntries(token);
  if (!access) return undefined;
  return mergeScopes(
    access.map(({ type, name, actions }) => ({ type, name, actions: actions ?? [] })),
  ).filter((scope) => scope.actions.length > 0);
}
