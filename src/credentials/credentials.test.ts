import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PinyardError } from '../errors.js';
import { accountOf, CredentialStore } from './credentials.js';

const b64 = (text: string) => Buffer.from(text).toString('base64');

let root: string;
let binDir: string;

/**
 * A stand-in for docker-credential-pass & co: answers `get` from a table keyed by the server URL it reads
 * on stdin, exits 1 with docker's "not found" message otherwise, and records what it was asked.
 */
const helperScript = (table: Record<string, { Username: string; Secret: string }>) => `#!/bin/sh
[ "$1" = get ] || exit 2
read -r server
echo "$server" >> "$(dirname "$0")/asked.log"
case "$server" in
${Object.entries(table)
  .map(([server, creds]) => `  '${server}') echo '${JSON.stringify({ ServerURL: server, ...creds })}' ;;`)
  .join('\n')}
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
`;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'pinyard-credentials-'));
  binDir = join(root, 'bin');
  await mkdir(binDir);
  const write = async (name: string, text: string) => {
    await writeFile(join(binDir, name), text);
    await chmod(join(binDir, name), 0o755);
  };
  await write(
    'docker-credential-test',
    helperScript({
      'helped.example.com': { Username: 'helped-user', Secret: 'helped-secret' },
      'https://index.docker.io/v1/': { Username: 'hub-user', Secret: 'hub-secret' },
      'oauth.example.com': { Username: '<token>', Secret: 'helper-refresh-token' },
    }),
  );
  await write('docker-credential-broken', '#!/bin/sh\necho "gpg: decryption failed" >&2\nexit 3\n');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function storeWith(config: unknown): Promise<CredentialStore> {
  const dir = await mkdtemp(join(root, 'config-'));
  await writeFile(join(dir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  return new CredentialStore({ env: { DOCKER_CONFIG: dir, PATH: `${binDir}:/usr/bin:/bin` } });
}

describe('CredentialStore, auths', () => {
  const config = {
    auths: {
      'registry.example.com': { auth: b64('alice:pa:ss:word') },
      'https://index.docker.io/v1/': { auth: b64('hubber:hub-pass') },
      'http://legacy.example.com:5000/v1/': { username: 'bob', password: 'bob-pass' },
      'oauth.example.com': { auth: b64('carol:'), identitytoken: 'refresh-me' },
      'token.example.com': { registrytoken: 'ready-made-bearer' },
      'empty.example.com': {},
    },
  };

  it.each([
    ['registry.example.com', { kind: 'basic', username: 'alice', password: 'pa:ss:word' }],
    ['docker.io', { kind: 'basic', username: 'hubber', password: 'hub-pass' }],
    ['index.docker.io', { kind: 'basic', username: 'hubber', password: 'hub-pass' }],
    ['registry-1.docker.io', { kind: 'basic', username: 'hubber', password: 'hub-pass' }],
    ['legacy.example.com:5000', { kind: 'basic', username: 'bob', password: 'bob-pass' }],
    ['oauth.example.com', { kind: 'identity-token', username: 'carol', token: 'refresh-me' }],
    ['token.example.com', { kind: 'registry-token', token: 'ready-made-bearer' }],
    ['empty.example.com', { kind: 'anonymous' }],
    ['unknown.example.com', { kind: 'anonymous' }],
  ])('%s', async (host, expected) => {
    expect(await (await storeWith(config)).get(host)).toEqual(expected);
  });

  it('is anonymous everywhere when there is no config file', async () => {
    const store = new CredentialStore({ env: { DOCKER_CONFIG: join(root, 'nowhere') } });
    expect(await store.get('registry.example.com')).toEqual({ kind: 'anonymous' });
  });

  it('reads ~/.docker/config.json when DOCKER_CONFIG is unset', async () => {
    const home = await mkdtemp(join(root, 'home-'));
    await mkdir(join(home, '.docker'));
    await writeFile(join(home, '.docker', 'config.json'), JSON.stringify(config));
    const store = new CredentialStore({ env: {}, homeDir: home });
    expect(await store.get('registry.example.com')).toMatchObject({ username: 'alice' });
  });

  it('refuses a broken config file without quoting it', async () => {
    const store = await storeWith('{"auths": {"r.example.com": {"auth": "c2VjcmV0OnNlY3JldA=="}');
    const error = await store.get('r.example.com').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PinyardError);
    expect((error as PinyardError).code).toBe('PINYARD_CREDENTIALS');
    expect((error as PinyardError).message).toMatch(/config\.json is not a valid docker config file/);
    expect(inspect(error)).not.toContain('c2VjcmV0OnNlY3JldA');
  });
});

describe('CredentialStore, credential helpers', () => {
  it('asks the helper named for the host in credHelpers, before credsStore and auths', async () => {
    const store = await storeWith({
      auths: { 'helped.example.com': { auth: b64('stale:stale') } },
      credHelpers: { 'helped.example.com': 'test' },
      credsStore: 'broken',
    });
    expect(await store.get('helped.example.com')).toEqual({
      kind: 'basic',
      username: 'helped-user',
      password: 'helped-secret',
    });
  });

  it('asks the credsStore for Docker Hub under its v1 key', async () => {
    const store = await storeWith({ credsStore: 'test' });
    expect(await store.get('docker.io')).toEqual({
      kind: 'basic',
      username: 'hub-user',
      password: 'hub-secret',
    });
  });

  it("takes a helper's <token> user for an identity token", async () => {
    const store = await storeWith({ credsStore: 'test' });
    expect(await store.get('oauth.example.com')).toEqual({
      kind: 'identity-token',
      token: 'helper-refresh-token',
    });
  });

  it('falls back to auths when the helper has nothing for the host', async () => {
    const store = await storeWith({
      credsStore: 'test',
      auths: { 'other.example.com': { auth: b64('o:o-pass') } },
    });
    expect(await store.get('other.example.com')).toEqual({
      kind: 'basic',
      username: 'o',
      password: 'o-pass',
    });
    expect(await store.get('nobody.example.com')).toEqual({ kind: 'anonymous' });
  });

  it('asks a helper once per host', async () => {
    await rm(join(binDir, 'asked.log'), { force: true });
    const store = await storeWith({ credsStore: 'test' });
    await Promise.all([
      store.get('helped.example.com'),
      store.get('helped.example.com'),
      store.get('helped.example.com'),
    ]);
    expect((await readFile(join(binDir, 'asked.log'), 'utf8')).trim().split('\n')).toEqual([
      'helped.example.com',
    ]);
  });

  it.each([
    [
      'broken',
      /credential helper docker-credential-broken failed for x\.example\.com: gpg: decryption failed/,
    ],
    ['absent', /credential helper docker-credential-absent \(named in .*config\.json\) is not on PATH/],
  ])('reports a %s helper as PINYARD_CREDENTIALS', async (helper, message) => {
    const store = await storeWith({ credsStore: helper });
    const error = (await store.get('x.example.com').catch((e: unknown) => e)) as PinyardError;
    expect(error.code).toBe('PINYARD_CREDENTIALS');
    expect(error.message).toMatch(message);
    expect(error.hint).toMatch(`docker-credential-${helper}`);
  });
});

describe('accountOf', () => {
  it.each([
    [{ kind: 'anonymous' } as const, 'anonymous'],
    [{ kind: 'basic', username: 'reader', password: 'p' } as const, 'reader'],
    [{ kind: 'identity-token', username: 'carol', token: 't' } as const, 'carol'],
    [{ kind: 'identity-token', token: 'secret-token' } as const, 'identity token from config.json'],
    [{ kind: 'registry-token', token: 'secret-token' } as const, 'registry token from config.json'],
  ])('%o → %s', (credential, account) => {
    expect(accountOf(credential)).toBe(account);
  });
});
