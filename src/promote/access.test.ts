import { describe, expect, it } from 'vitest';
import { parseScopeList } from '../registry/scope.js';
import { accessError, accessNeeds, checkAccess, tokenRequests } from './access.js';
import type { PromotionRequest } from './types.js';

const build = 'registry.example.com';
const prod = 'prod.example.com';

function request(name: string, overrides: Partial<PromotionRequest> = {}): PromotionRequest {
  return {
    name,
    environment: 'prod',
    source: { registry: build, repository: `acme/${name}`, tag: '1.4' },
    target: { registry: prod, repository: `acme/${name}` },
    tags: ['1.4'],
    required: { environment: 'staging', repository: { registry: build, repository: `acme/staging/${name}` } },
    strategy: 'copy',
    ...overrides,
  };
}

const formatted = (asked: ReturnType<typeof tokenRequests>) =>
  asked.map(({ registry, scopes }) => [
    registry,
    scopes.map((s) => `${s.type}:${s.name}:${s.actions.join(',')}`).join(' '),
  ]);

describe('tokenRequests', () => {
  it('asks each registry once for everything the promotions touch there', () => {
    expect(formatted(tokenRequests([request('app'), request('cli')], 25))).toEqual([
      [
        build,
        'repository:acme/app:pull repository:acme/staging/app:pull repository:acme/cli:pull repository:acme/staging/cli:pull',
      ],
      [prod, 'repository:acme/app:pull,push repository:acme/cli:pull,push'],
    ]);
  });

  it('asks for pull and push once where the source is the target', () => {
    const retag = request('app', {
      target: { registry: build, repository: 'acme/app' },
      strategy: 'tag',
    });
    const { required: _, ...ungated } = retag;
    expect(formatted(tokenRequests([ungated], 25))).toEqual([[build, 'repository:acme/app:pull,push']]);
  });

  it('splits a registry’s token past the repository limit, never inside one promotion', () => {
    const asked = tokenRequests(
      ['a', 'b', 'c'].map((n) => request(n)),
      4,
    );
    expect(formatted(asked).map(([registry, scopes]) => [registry, scopes?.split(' ').length])).toEqual([
      [build, 4],
      [build, 2],
      [prod, 3],
    ]);
  });
});

describe('checkAccess', () => {
  const needs = accessNeeds([request('app')]);
  const asked = tokenRequests([request('app')], 25);
  const granted = (registry: string, account: string, scopes?: string) => ({
    ...asked.find((a) => a.registry === registry)!,
    grant: { account, ...(scopes === undefined ? {} : { scopes: parseScopeList(scopes) }) },
  });

  it('names each permission the tokens leave out, and what they grant', () => {
    const checks = checkAccess(needs, [
      granted(build, 'dev', 'repository:acme/app:pull repository:acme/staging/app:pull'),
      granted(prod, 'dev', 'repository:acme/app:pull'),
    ]);
    expect(checks.map((c) => [c.registry, c.repository, c.status, c.missing])).toEqual([
      [build, 'acme/app', 'granted', []],
      [prod, 'acme/app', 'denied', ['push']],
      [build, 'acme/staging/app', 'granted', []],
    ]);
    const error = accessError(checks);
    expect(error?.code).toBe('PINYARD_DENIED');
    expect(error?.message).toBe(
      'access denied: account "dev" may not push prod.example.com/acme/app; nothing was promoted',
    );
    expect(error?.hint).toMatch(/ask for push access to acme\/app/);
  });

  it('lists every denial when several repositories are refused', () => {
    const error = accessError(
      checkAccess(needs, [granted(build, 'anonymous', ''), granted(prod, 'anonymous', '')]),
    );
    expect(error?.message).toBe('access denied on 3 repositories; nothing was promoted');
    expect(error?.details.map((e) => e.message)).toEqual([
      `access denied: anonymous access may not pull ${build}/acme/app`,
      `access denied: anonymous access may not pull or push ${prod}/acme/app`,
      `access denied: anonymous access may not pull ${build}/acme/staging/app`,
    ]);
  });

  it('leaves unverified what a registry only answers per request, and grants `*` everything', () => {
    const checks = checkAccess(needs, [
      granted(build, 'admin', 'repository:acme/app:* repository:acme/staging/app:*'),
      granted(prod, 'basic'),
    ]);
    expect(checks.map((c) => c.status)).toEqual(['granted', 'unverified', 'granted']);
    expect(accessError(checks)).toBeUndefined();
  });
});
