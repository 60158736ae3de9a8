import { describe, expect, it } from 'vitest';
import { PinyardError } from '../errors.js';
import { engineConnection, isPlainRemoteTcp } from './connection.js';
import { type EngineEndpoint, resolveEndpoint } from './engine-endpoint.js';

const none = { socketPath: undefined, host: undefined, port: undefined, protocol: undefined };
const fromEnv = (env: NodeJS.ProcessEnv) => engineConnection(resolveEndpoint(undefined, env, '/home/u'));

describe('engineConnection', () => {
  it.each<{ env: NodeJS.ProcessEnv; expected: object }>([
    {
      env: { DOCKER_CONFIG: '/nonexistent' },
      expected: {
        dockerHost: 'unix:///var/run/docker.sock',
        options: { ...none, socketPath: '/var/run/docker.sock' },
      },
    },
    {
      env: { DOCKER_HOST: 'unix:///run/user/1000/docker.sock' },
      expected: { options: { ...none, socketPath: '/run/user/1000/docker.sock' } },
    },
    {
      env: { DOCKER_HOST: 'tcp://10.0.0.5' },
      expected: { options: { ...none, host: '10.0.0.5', port: 2375, protocol: 'http' } },
    },
    {
      env: { DOCKER_HOST: 'tcp://[::1]:2375' },
      expected: { options: { ...none, host: '::1', port: '2375', protocol: 'http' } },
    },
    {
      env: { DOCKER_HOST: 'tcp://build.example:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' },
      expected: {
        options: { ...none, host: 'build.example', port: '2376', protocol: 'https' },
        tls: { ca: '/certs/ca.pem', cert: '/certs/cert.pem', key: '/certs/key.pem', required: true },
      },
    },
    {
      env: { DOCKER_HOST: 'tcp://build.example', DOCKER_TLS_VERIFY: '1' },
      expected: {
        options: { ...none, host: 'build.example', port: 2376, protocol: 'https' },
        tls: { ca: '/home/u/.docker/ca.pem', skipVerify: false },
      },
    },
    {
      env: { DOCKER_HOST: 'ssh://ci@builder.example:2222' },
      expected: {
        options: { ...none, protocol: 'http', host: 'docker', port: 80 },
        ssh: { host: 'builder.example', port: '2222', user: 'ci' },
      },
    },
    {
      env: { DOCKER_HOST: 'ssh://builder.example/run/user/1000/docker.sock' },
      expected: { ssh: { host: 'builder.example', socketPath: '/run/user/1000/docker.sock' } },
    },
  ])('DOCKER_HOST=$env.DOCKER_HOST', ({ env, expected }) => {
    expect(fromEnv(env)).toMatchObject(expected);
  });

  it.each(['npipe:////./pipe/docker_engine', 'localhost:2375', 'tcp://', 'http//x'])(
    'refuses DOCKER_HOST=%s with a hint that shows the forms it takes',
    (dockerHost) => {
      const error = (() => {
        try {
          fromEnv({ DOCKER_HOST: dockerHost });
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(PinyardError);
      expect(error).toMatchObject({
        code: 'PINYARD_ENGINE',
        message: `${dockerHost} is not an engine address pinyard can use (DOCKER_HOST is ${dockerHost})`,
      });
      expect((error as PinyardError).hint).toMatch(/unix:\/\/.*tcp:\/\/.*ssh:\/\//);
    },
  );
});

describe('isPlainRemoteTcp: where registry credentials would cross the network in clear', () => {
  const endpoint = (dockerHost: string, tls = false): EngineEndpoint => ({
    name: dockerHost,
    dockerHost,
    origin: { kind: 'DOCKER_HOST' },
    ...(tls ? { tls: { required: false, skipVerify: false } } : {}),
  });
  it.each([
    ['tcp://10.0.0.5:2375', false, true],
    ['tcp://build.example:2375', false, true],
    // A name is judged by what it says, not by what it resolves to: DNS may say anything.
    ['tcp://engine.localtest.me:2375', false, true],
    ['tcp://build.example:2376', true, false],
    ['tcp://127.0.0.1:2375', false, false],
    ['tcp://127.8.9.10:2375', false, false],
    ['tcp://localhost:2375', false, false],
    ['tcp://[::1]:2375', false, false],
    ['unix:///var/run/docker.sock', false, false],
    ['ssh://ci@build.example', false, false],
  ])('%s (TLS: %s): %s', (dockerHost, tls, plain) => {
    expect(isPlainRemoteTcp(engineConnection(endpoint(dockerHost, tls)))).toBe(plain);
  });
});
