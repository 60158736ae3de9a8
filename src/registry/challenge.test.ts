import { describe, expect, it } from 'vitest';
import { parseChallenges, preferredChallenge } from './challenge.js';

describe('parseChallenges', () => {
  it.each([
    {
      name: 'a registry token challenge with a quoted comma in its scope',
      header:
        'Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:team/app:pull,push"',
      expected: [
        {
          scheme: 'bearer',
          params: {
            realm: 'https://auth.example.com/token',
            service: 'registry.example.com',
            scope: 'repository:team/app:pull,push',
          },
        },
      ],
    },
    {
      name: 'basic auth',
      header: 'Basic realm="Registry Realm"',
      expected: [{ scheme: 'basic', params: { realm: 'Registry Realm' } }],
    },
    {
      name: 'two challenges in one header',
      header: 'Basic realm="r", Bearer realm="https://a/token",service="s"',
      expected: [
        { scheme: 'basic', params: { realm: 'r' } },
        { scheme: 'bearer', params: { realm: 'https://a/token', service: 's' } },
      ],
    },
    {
      name: 'insufficient scope with an error parameter and spaces around =',
      header:
        'Bearer realm="http://127.0.0.1:9/auth", service = "svc", scope="repository:a:pull repository:b:pull,push", error="insufficient_scope"',
      expected: [
        {
          scheme: 'bearer',
          params: {
            realm: 'http://127.0.0.1:9/auth',
            service: 'svc',
            scope: 'repository:a:pull repository:b:pull,push',
            error: 'insufficient_scope',
          },
        },
      ],
    },
    {
      name: 'case-insensitive scheme and names, unquoted values, escaped quotes',
      header: 'BEARER Realm=https://a.example/token,Service=reg,x="say \\"hi\\""',
      expected: [
        { scheme: 'bearer', params: { realm: 'https://a.example/token', service: 'reg', x: 'say "hi"' } },
      ],
    },
    { name: 'nothing', header: '', expected: [] },
  ])('$name', ({ header, expected }) => {
    expect(parseChallenges(header)).toEqual(expected);
  });
});

describe('preferredChallenge', () => {
  it('answers Bearer over Basic, whatever the order', () => {
    expect(preferredChallenge(parseChallenges('Basic realm="r", Bearer realm="t"'))?.scheme).toBe('bearer');
  });

  it('falls back to Basic and ignores schemes it cannot answer', () => {
    expect(preferredChallenge(parseChallenges('Negotiate, Basic realm="r"'))?.scheme).toBe('basic');
    expect(preferredChallenge(parseChallenges('Negotiate'))).toBeUndefined();
  });
});
