import { describe, expect, it } from 'vitest';
import { PinyardError } from '../errors.js';
import { engineConnection } from './connection.js';

const none = { socketPath: undefined, host: undefined, port: undefined, protocol: undefined };

describe('engineConnection', () => {
  it.each<{ env: NodeJS.ProcessEnv; expected: object }>([
    {
      env: {},
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
        tlsCertPath: '/certs',
      },
    },
    {
      env: { DOCKER_HOST: 'tcp://build.example', DOCKER_TLS_VERIFY: '1' },
      expected: {
        options: { ...none, host: 'build.example', port: 2376, protocol: 'https' },
        tlsCertPath: '/home/u/.docker',
      },
    },
    {
      env: { DOCKER_HOST: 'ssh://ci@builder.example:2222', SSH_AUTH_SOCK: '/tmp/agent.sock' },
      expected: {
        options: {
          ...none,
          protocol: 'ssh',
          host: 'builder.example',
          port: '2222',
          username: 'ci',
          sshOptions: { agent: '/tmp/agent.sock' },
        },
      },
    },
  ])('DOCKER_HOST=$env.DOCKER_HOST', ({ env, expected }) => {
    expect(engineConnection(env, '/home/u')).toMatchObject(expected);
  });

  it.each(['npipe:////./pipe/docker_engine', 'localhost:2375', 'tcp://', 'http//x'])(
    'refuses DOCKER_HOST=%s with a hint that shows the forms it takes',
    (dockerHost) => {
      const error = (() => {
        try {
          engineConnection({ DOCKER_HOST: dockerHost }, '/home/u');
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(PinyardError);
      expect(error).toMatchObject({
        code: 'PINYARD_ENGINE',
        message: `DOCKER_HOST=${dockerHost} is not an engine address pinyard can use`,
      });
      expect((error as PinyardError).hint).toMatch(/unix:\/\/.*tcp:\/\/.*ssh:\/\//);
    },
  );
});
