import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PinyardError } from '../errors.js';
import { engineConnection } from './connection.js';
import { resolveEndpoint } from './engine-endpoint.js';

/** A docker config directory as `docker context create` leaves it, written from literal files. */
const config = mkdtempSync(join(tmpdir(), 'pinyard-contexts-'));
afterAll(() => rmSync(config, { recursive: true, force: true }));

const id = (name: string) => createHash('sha256').update(name).digest('hex');
function context(name: string, docker: object, tls?: Record<string, string>): void {
  const meta = join(config, 'contexts', 'meta', id(name));
  mkdirSync(meta, { recursive: true });
  writeFileSync(
    join(meta, 'meta.json'),
    JSON.stringify({ Name: name, Metadata: { Description: name }, Endpoints: { docker } }),
  );
  if (!tls) return;
  const dir = join(config, 'contexts', 'tls', id(name), 'docker');
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(tls)) writeFileSync(join(dir, file), text);
}

context('colima', { Host: 'unix:///home/u/.colima/default/docker.sock', SkipTLSVerify: false });
context('desktop-linux', { Host: 'unix:///home/u/.docker/desktop/docker.sock', SkipTLSVerify: false });
context(
  'remote-tls',
  { Host: 'tcp://build.example:2376', SkipTLSVerify: false },
  {
    'ca.pem': '-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----\n',
    'cert.pem': '-----BEGIN CERTIFICATE-----\ncert\n-----END CERTIFICATE-----\n',
    'key.pem': '-----BEGIN PRIVATE KEY-----\nkey\n-----END PRIVATE KEY-----\n',
  },
);
context('skip-verify', { Host: 'tcp://lab.example:2376', SkipTLSVerify: true });
context('builder', { Host: 'ssh://ci@build-2.example' });
writeFileSync(join(config, 'config.json'), JSON.stringify({ auths: {}, currentContext: 'colima' }));

const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ DOCKER_CONFIG: config, ...extra });
const refusal = (run: () => unknown): PinyardError => {
  try {
    run();
  } catch (error) {
    return error as PinyardError;
  }
  throw new Error('expected a refusal');
};

describe('resolveEndpoint: the engine the docker CLI would use', () => {
  it('takes the currentContext of the docker config when nothing else is set', () => {
    expect(resolveEndpoint(undefined, env(), '/home/u')).toEqual({
      name: 'colima',
      dockerHost: 'unix:///home/u/.colima/default/docker.sock',
      origin: { kind: 'context', context: 'colima', namedBy: `the currentContext of ${config}/config.json` },
    });
  });

  it('lets DOCKER_CONTEXT override currentContext', () => {
    expect(resolveEndpoint(undefined, env({ DOCKER_CONTEXT: 'desktop-linux' }), '/home/u')).toMatchObject({
      name: 'desktop-linux',
      dockerHost: 'unix:///home/u/.docker/desktop/docker.sock',
      origin: { kind: 'context', namedBy: 'DOCKER_CONTEXT' },
    });
  });

  it('lets DOCKER_HOST override both', () => {
    expect(
      resolveEndpoint(
        undefined,
        env({ DOCKER_HOST: 'unix:///x.sock', DOCKER_CONTEXT: 'desktop-linux' }),
        '/u',
      ),
    ).toEqual({ name: 'unix:///x.sock', dockerHost: 'unix:///x.sock', origin: { kind: 'DOCKER_HOST' } });
  });

  it('lets --engine (or engines:) override everything, as an address or as context:NAME', () => {
    const e = env({ DOCKER_HOST: 'unix:///x.sock' });
    expect(resolveEndpoint({ address: 'tcp://127.0.0.1:2375', namedBy: '--engine' }, e, '/u')).toMatchObject({
      dockerHost: 'tcp://127.0.0.1:2375',
      origin: { kind: 'address', namedBy: '--engine' },
    });
    expect(resolveEndpoint({ address: 'context:builder', namedBy: '--engine' }, e, '/u')).toMatchObject({
      name: 'builder',
      dockerHost: 'ssh://ci@build-2.example',
      origin: { kind: 'context', context: 'builder', namedBy: '--engine' },
    });
  });

  it('reads the default socket when there is no config at all, and "default" as DOCKER_HOST or that socket', () => {
    expect(resolveEndpoint(undefined, { DOCKER_CONFIG: join(config, 'none') }, '/u')).toEqual({
      name: 'unix:///var/run/docker.sock',
      dockerHost: 'unix:///var/run/docker.sock',
      origin: { kind: 'default' },
    });
    expect(resolveEndpoint(undefined, env({ DOCKER_CONTEXT: 'default' }), '/u')).toMatchObject({
      dockerHost: 'unix:///var/run/docker.sock',
      origin: { kind: 'default' },
    });
  });

  it("reads a context's TLS files: HTTPS with its ca.pem, cert.pem and key.pem", () => {
    const endpoint = resolveEndpoint(undefined, env({ DOCKER_CONTEXT: 'remote-tls' }), '/u');
    const tlsDir = join(config, 'contexts', 'tls', id('remote-tls'), 'docker');
    expect(endpoint.tls).toEqual({
      ca: join(tlsDir, 'ca.pem'),
      cert: join(tlsDir, 'cert.pem'),
      key: join(tlsDir, 'key.pem'),
      required: false,
      skipVerify: false,
    });
    expect(engineConnection(endpoint).options).toMatchObject({
      host: 'build.example',
      port: '2376',
      protocol: 'https',
    });
  });

  it('speaks TLS without checking the certificate for a context with SkipTLSVerify and no files', () => {
    const endpoint = resolveEndpoint(undefined, env({ DOCKER_CONTEXT: 'skip-verify' }), '/u');
    expect(endpoint.tls).toEqual({ required: false, skipVerify: true });
    expect(engineConnection(endpoint).options).toMatchObject({ protocol: 'https' });
  });

  it('refuses an unknown context as bad input, listing the contexts that exist', () => {
    const error = refusal(() => resolveEndpoint(undefined, env({ DOCKER_CONTEXT: 'colimaa' }), '/u'));
    expect(error.code).toBe('PINYARD_ENGINE_CONTEXT');
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(
      `there is no docker context "colimaa" (named by DOCKER_CONTEXT) in ${config}; the contexts there: default, builder, colima, desktop-linux, remote-tls, skip-verify`,
    );
    expect(error.hint).toMatch(/docker context ls/);
  });

  it('refuses a context name that could reach outside the store, without reading anything', () => {
    const error = refusal(() =>
      resolveEndpoint({ address: 'context:../x', namedBy: '--engine' }, env(), '/u'),
    );
    expect(error.code).toBe('PINYARD_ENGINE_CONTEXT');
  });

  it('says which context has an address pinyard cannot use', () => {
    context('windows', { Host: 'npipe:////./pipe/docker_engine' });
    const endpoint = resolveEndpoint(undefined, env({ DOCKER_CONTEXT: 'windows' }), '/u');
    const error = refusal(() => engineConnection(endpoint));
    expect(error.code).toBe('PINYARD_ENGINE_CONTEXT');
    expect(error.message).toMatch(/DOCKER_CONTEXT is windows/);
  });
});
