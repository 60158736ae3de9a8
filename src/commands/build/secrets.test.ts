import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { imageConfig } from '../../../test/helpers/image-config.js';
import { thrown } from '../../../test/helpers/thrown.js';
import { secrets as redactor } from '../../credentials/redact.js';
import { readBuildSecrets, secretLikeArgWarnings } from './secrets.js';

const image = imageConfig;

describe('readBuildSecrets', () => {
  it('reads each image’s secrets from the environment and files, and masks every value', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pinyard-secrets-'));
    writeFileSync(path.join(dir, 'pip.conf'), 'index-url = https://u:file-secret-991@pypi.example\n');
    const values = readBuildSecrets(
      [
        image('app', { secrets: { npm: { env: 'NPM_TOKEN' }, pip: { file: path.join(dir, 'pip.conf') } } }),
        image('base'),
      ],
      { NPM_TOKEN: 'env-secret-1234' },
      dir,
    );
    expect(values.get('app')?.get('npm')?.toString()).toBe('env-secret-1234');
    expect(values.get('app')?.get('pip')?.toString()).toContain('file-secret-991');
    expect(values.has('base')).toBe(false);
    expect(redactor.redact('token env-secret-1234 leaked')).toBe('token *** leaked');
  });

  it('names every image, id and source that is missing, at once (exit 2)', () => {
    const error = thrown(() =>
      readBuildSecrets(
        [
          image('app', { secrets: { npm: { env: 'NPM_TOKEN' } } }),
          image('cli', { secrets: { pip: { file: '/p/secrets/pip.conf' } } }),
        ],
        {},
        '/p',
      ),
    );
    expect(error).toMatchObject({ code: 'PINYARD_SECRET_MISSING', exitCode: 2 });
    expect(error.message).toContain('app: secret "npm" reads $NPM_TOKEN, which is not set');
    expect(error.message).toContain('cli: secret "pip" reads secrets/pip.conf, which does not exist');
  });
});

describe('secretLikeArgWarnings', () => {
  it('warns about build args named like credentials, pointing at secrets:', () => {
    const warnings = secretLikeArgWarnings([
      image('app', { args: { NPM_TOKEN: 'x', DB_PASSWORD: 'y', NODE_ENV: 'production', API_KEY: 'z' } }),
    ]);
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(/^warning: images\.app\.args\.NPM_TOKEN looks like a secret.*`secrets:`/);
    expect(warnings.join('\n')).not.toContain('NODE_ENV');
  });
});
