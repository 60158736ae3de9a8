import { describe, expect, it } from 'vitest';
import type { EngineEndpoint } from './engine-endpoint.js';
import { plainTcpGuard } from './plain-tcp-guard.js';

const endpoint: EngineEndpoint = {
  name: 'tcp://build.example:2375',
  dockerHost: 'tcp://build.example:2375',
  origin: { kind: 'DOCKER_HOST' },
};
const password = { kind: 'basic', username: 'ci', password: 's3cret' } as const;

describe('plainTcpGuard', () => {
  it('refuses a credential for plain tcp:// to another host, naming the registry and never the secret', () => {
    const guard = plainTcpGuard(endpoint, true, {});
    let error: unknown;
    try {
      guard('registry.example.com', password);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'PINYARD_INSECURE_ENGINE', exitCode: 2 });
    expect(String((error as Error).message)).toMatch(/credentials for registry\.example\.com/);
    expect(JSON.stringify(error)).not.toContain('s3cret');
  });

  it('lets anonymous pulls through: there is nothing to read', () => {
    expect(() => plainTcpGuard(endpoint, true, {})('docker.io', { kind: 'anonymous' })).not.toThrow();
  });

  it('lets everything through on TLS, ssh, unix or loopback, or when the user opted in', () => {
    expect(() => plainTcpGuard(endpoint, false, {})('r.example', password)).not.toThrow();
    const optedIn = plainTcpGuard(endpoint, true, { PINYARD_ALLOW_PLAIN_TCP_CREDENTIALS: '1' });
    expect(() => optedIn('r.example', password)).not.toThrow();
  });
});
