import { describe, expect, it } from 'vitest';
import type { Credential } from '../credentials/credentials.js';
import { authConfig, encodeAuthHeader, registryConfig, serverAddress } from './registry-auth.js';

describe('authConfig', () => {
  it.each<{ credential: Credential; host: string; expected: object }>([
    { credential: { kind: 'anonymous' }, host: 'reg:5000', expected: { serveraddress: 'reg:5000' } },
    {
      credential: { kind: 'basic', username: 'dev', password: 'pw' },
      host: 'reg:5000',
      expected: { username: 'dev', password: 'pw', serveraddress: 'reg:5000' },
    },
    {
      credential: { kind: 'identity-token', username: 'dev', token: 'refresh' },
      host: 'ghcr.io',
      expected: { username: 'dev', identitytoken: 'refresh', serveraddress: 'ghcr.io' },
    },
    {
      credential: { kind: 'registry-token', token: 'bearer' },
      host: 'ghcr.io',
      expected: { registrytoken: 'bearer', serveraddress: 'ghcr.io' },
    },
    {
      credential: { kind: 'basic', username: 'u', password: 'p' },
      host: 'index.docker.io',
      expected: { username: 'u', password: 'p', serveraddress: 'https://index.docker.io/v1/' },
    },
  ])('$credential.kind for $host', ({ credential, host, expected }) => {
    expect(authConfig(credential, host)).toEqual(expected);
  });
});

describe('registryConfig', () => {
  it('keys credentials the way dockerd looks them up and leaves anonymous registries out', () => {
    expect(
      registryConfig([
        { host: 'docker.io', credential: { kind: 'basic', username: 'hub', password: 'x' } },
        { host: '127.0.0.1:5000', credential: { kind: 'basic', username: 'dev', password: 'y' } },
        { host: 'quay.io', credential: { kind: 'anonymous' } },
      ]),
    ).toEqual({
      'https://index.docker.io/v1/': {
        username: 'hub',
        password: 'x',
        serveraddress: 'https://index.docker.io/v1/',
      },
      '127.0.0.1:5000': { username: 'dev', password: 'y', serveraddress: '127.0.0.1:5000' },
    });
  });

  it('names Docker Hub by its v1 URL whatever alias the reference used', () => {
    expect(['docker.io', 'registry-1.docker.io', 'index.docker.io'].map(serverAddress)).toEqual([
      'https://index.docker.io/v1/',
      'https://index.docker.io/v1/',
      'https://index.docker.io/v1/',
    ]);
  });
});

describe('encodeAuthHeader', () => {
  it("is URL-safe base64, which Go's base64.URLEncoding in dockerd decodes", () => {
    // These bytes encode to both `+` and `/` in standard base64.
    const value = { username: '>>>?', password: '???>', serveraddress: 'r' };
    const header = encodeAuthHeader(value);
    expect(header).toMatch(/^[A-Za-z0-9_-]+=*$/);
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual(value);
  });
});
