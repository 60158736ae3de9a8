import { sign } from 'node:crypto';

/** A compact RS256 JWS, the form docker distribution's token auth verifies. */
export function signJwt(
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  keyPem: string,
): string {
  const encode = (part: Record<string, unknown>) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const signingInput = `${encode({ ...header, typ: 'JWT', alg: 'RS256' })}.${encode(claims)}`;
  return `${signingInput}.${sign('RSA-SHA256', Buffer.from(signingInput), keyPem).toString('base64url')}`;
}

/** The claims of a JWT, unverified: for tests that check what was granted. */
export function jwtClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
}
