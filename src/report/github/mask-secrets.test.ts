import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CredentialStore } from '../../credentials/credentials.js';
import { maskSecrets } from './mask-secrets.js';

function dockerConfig(auths: Record<string, unknown>): NodeJS.ProcessEnv {
  const dir = mkdtempSync(path.join(tmpdir(), 'pinyard-mask-'));
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ auths }));
  return { DOCKER_CONFIG: dir };
}

const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('maskSecrets', () => {
  it('masks every secret read from the docker config before anything could print it', async () => {
    const env = dockerConfig({
      'registry.example.com': { auth: b64('ci-bot:p4ss%word') },
      'oauth.example.com': { identitytoken: 'refresh-token-123' },
      'anon.example.com': {},
    });
    let log = '';
    const stop = maskSecrets({ write: (text) => (log += text) });
    try {
      const store = new CredentialStore({ env });
      await store.get('registry.example.com');
      await store.get('oauth.example.com');
      await store.get('anon.example.com');
    } finally {
      stop();
    }
    // The pair is masked whole as well: docker config `auth` holds its base64, which the runner derives.
    expect(log).toBe(
      ['::add-mask::p4ss%25word', '::add-mask::ci-bot:p4ss%25word', '::add-mask::refresh-token-123', ''].join(
        '\n',
      ),
    );
  });

  it('announces a secret once, and nothing once stopped', async () => {
    let log = '';
    const stop = maskSecrets({ write: (text) => (log += text) });
    const env = dockerConfig({ 'registry.example.com': { username: 'u', password: 'same-secret' } });
    await new CredentialStore({ env }).get('registry.example.com');
    await new CredentialStore({ env }).get('registry.example.com');
    stop();
    await new CredentialStore({
      env: dockerConfig({ 'x.example.com': { registrytoken: 'later-token' } }),
    }).get('x.example.com');
    expect(log).toBe('::add-mask::same-secret\n::add-mask::u:same-secret\n');
  });
});
