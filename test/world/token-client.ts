import type { Access } from './acl.js';
import { jwtClaims } from './jwt.js';
import type { TokenLogEntry } from './token-issuer.js';
import type { World, WorldUser } from './types.js';
import { WorldError } from './world-error.js';

export interface IssuedToken {
  status: number;
  /** Absent when the issuer refused. */
  token?: string;
  /** The token's `access` claim. */
  access: Access[];
}

/** Asks the world's issuer for a token the way docker does (GET, Basic credentials or none). */
export async function requestToken(
  world: World,
  user: WorldUser | undefined,
  scopes: string[],
): Promise<IssuedToken> {
  const url = new URL(world.tokenRegistry.realm);
  url.searchParams.set('service', world.tokenRegistry.service);
  for (const scope of scopes) url.searchParams.append('scope', scope);
  const headers: Record<string, string> = user
    ? { authorization: `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}` }
    : {};
  const response = await fetch(url, { headers });
  if (response.status !== 200) {
    await response.body?.cancel();
    return { status: response.status, access: [] };
  }
  const { token } = (await response.json()) as { token: string };
  return { status: 200, token, access: jwtClaims(token).access as Access[] };
}

/** Headers that authorize registry-api calls on the token registry as `user`. */
export async function bearer(
  world: World,
  user: WorldUser | undefined,
  scopes: string[],
): Promise<Record<string, string>> {
  const issued = await requestToken(world, user, scopes);
  if (!issued.token) {
    throw new WorldError(`the issuer refused ${user?.username ?? 'anonymous'} (HTTP ${issued.status})`);
  }
  return { authorization: `Bearer ${issued.token}` };
}

/** Every request the issuer answered so far, oldest first (`seq` counts from 1). */
export async function readTokenLog(world: World): Promise<TokenLogEntry[]> {
  const response = await fetch(new URL('/_log', world.tokenRegistry.realm));
  return (await response.json()) as TokenLogEntry[];
}
