import { describe, expect, it } from 'vitest';
import { parseScopeList } from './scope.js';
import { grantedScopes } from './token-access.js';

const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (claims: unknown) => `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.c2lnbmF0dXJl`;

describe('grantedScopes', () => {
  it.each([
    {
      case: 'a JWT: its access claim, merged per resource, empty grants dropped',
      token: jwt({
        sub: 'dev',
        access: [
          { type: 'repository', name: 'dev/app', actions: ['pull'] },
          { type: 'repository', name: 'dev/app', actions: ['push'] },
          { type: 'repository', name: 'prod/app', actions: [] },
          { type: 'repository', name: 'staging/app', actions: null },
        ],
      }),
      scope: 'repository:prod/app:pull,push',
      granted: 'repository:dev/app:pull,push',
    },
    {
      case: 'a JWT that grants nothing',
      token: jwt({ sub: 'reader', access: null }),
      scope: undefined,
      granted: '',
    },
    {
      case: 'an opaque token: the OAuth2 scope of the response',
      token: 'djE6YWNtZS9hcHA6MTcwMDAwMDAwMA==',
      scope: 'repository:acme/app:pull repository:acme/app:push',
      granted: 'repository:acme/app:pull,push',
    },
  ])('reads $case', ({ token, scope, granted }) => {
    expect(grantedScopes(token, scope)).toEqual(parseScopeList(granted));
  });

  it.each([
    ['an opaque token and no scope in the response', 'djE6YWNtZS9hcHA6MTcwMDAwMDAwMA=='],
    ['a JWT without an access claim (another service’s token)', jwt({ sub: 'x', aud: 'other' })],
    ['a JWT whose payload is not JSON', `${part({ alg: 'none' })}.bm90IGpzb24.x`],
    ['an access claim of the wrong shape', jwt({ access: 'repository:a:pull' })],
  ])('knows nothing from %s', (_, token) => {
    expect(grantedScopes(token)).toBeUndefined();
  });
});
