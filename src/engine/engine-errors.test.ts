import { describe, expect, it } from 'vitest';
import { secrets } from '../credentials/redact.js';
import {
  daemonMessage,
  type EngineAddress,
  engineError,
  type TransferContext,
  transferFailure,
} from './engine-errors.js';

const push: TransferContext = {
  action: 'push',
  ref: '127.0.0.1:5000/dev/x:1',
  host: '127.0.0.1:5000',
  repository: 'dev/x',
  account: 'reader',
};

describe('transferFailure', () => {
  it.each([
    {
      said: 'denied: requested access to the resource is denied; unauthorized: authentication required',
      context: push,
      code: 'PINYARD_DENIED',
      message:
        '127.0.0.1:5000 refused to let pinyard push dev/x as reader: denied: requested access to the resource is denied; unauthorized: authentication required',
      hint: 'reader may not push dev/x: ask for that access, or docker login 127.0.0.1:5000 as an account that has it',
    },
    {
      said: 'unauthorized: authentication required',
      context: { ...push, account: 'anonymous' },
      code: 'PINYARD_DENIED',
      message:
        '127.0.0.1:5000 refused to let pinyard push dev/x anonymously (no credentials for it in the docker config): unauthorized: authentication required',
      hint: 'log in first: docker login 127.0.0.1:5000',
    },
    {
      said: "pull access denied for 127.0.0.1:5000/dev/x, repository does not exist or may require 'docker login'",
      context: { ...push, action: 'pull' as const },
      code: 'PINYARD_DENIED',
    },
    {
      said: 'An image does not exist locally with the tag: 127.0.0.1:5000/dev/x',
      context: push,
      code: 'PINYARD_NOT_FOUND',
      hint: 'tag a local image as 127.0.0.1:5000/dev/x:1 before pushing it',
    },
    {
      said: 'manifest for 127.0.0.1:5000/dev/x:1 not found: manifest unknown: manifest unknown',
      context: { ...push, action: 'pull' as const },
      code: 'PINYARD_NOT_FOUND',
    },
    {
      said: 'Get "https://reg.example/v2/": http: server gave HTTP response to HTTPS client',
      context: push,
      code: 'PINYARD_UNREACHABLE',
      hint: "127.0.0.1:5000 speaks plain HTTP: list it in the engine's insecure-registries (daemon.json) and restart dockerd",
    },
    {
      said: 'Get "https://reg.example/v2/": dial tcp 10.0.0.1:443: connect: connection refused',
      context: push,
      code: 'PINYARD_UNREACHABLE',
    },
    { said: 'blob upload invalid', context: push, code: 'PINYARD_REGISTRY' },
  ])('$code for "$said"', ({ said, context, code, message, hint }) => {
    const error = transferFailure(said, context);
    expect(error.code).toBe(code);
    if (message) expect(error.message).toBe(message);
    if (hint) expect(error.hint).toBe(hint);
  });

  it('never repeats a secret the registry echoed', () => {
    secrets.add('dev-secret-pass');
    const error = transferFailure('denied: bad credentials dev:dev-secret-pass', push);
    expect(error.message).not.toContain('dev-secret-pass');
  });
});

const fromEnv = (dockerHost: string): EngineAddress => ({
  name: dockerHost,
  dockerHost,
  origin: { kind: 'DOCKER_HOST' },
});

describe('engineError', () => {
  const down = Object.assign(new Error('connect ENOENT /nonexistent.sock'), { code: 'ENOENT' });

  it('names DOCKER_HOST when nothing answers there', () => {
    const error = engineError(down, fromEnv('unix:///nonexistent.sock'), 'to build');
    expect(error.code).toBe('PINYARD_ENGINE');
    expect(error.message).toBe(
      'the Docker engine at unix:///nonexistent.sock does not answer: connect ENOENT /nonexistent.sock',
    );
    expect(error.hint).toBe(
      'start the Docker engine (dockerd), or point DOCKER_HOST at one that runs (DOCKER_HOST is unix:///nonexistent.sock)',
    );
  });

  it('says the default socket was tried when DOCKER_HOST is unset', () => {
    const error = engineError(
      down,
      {
        name: 'unix:///var/run/docker.sock',
        dockerHost: 'unix:///var/run/docker.sock',
        origin: { kind: 'default' },
      },
      'to build',
    );
    expect(error.hint).toMatch(
      /DOCKER_HOST is unset and no docker context is in use, so pinyard tried unix:\/\/\/var\/run\/docker.sock/,
    );
  });

  it('tells a user who may not use the socket how to get access', () => {
    const denied = Object.assign(new Error('connect EACCES /var/run/docker.sock'), { code: 'EACCES' });
    const error = engineError(
      denied,
      {
        name: 'unix:///var/run/docker.sock',
        dockerHost: 'unix:///var/run/docker.sock',
        origin: { kind: 'default' },
      },
      'to build',
    );
    expect(error.hint).toMatch(/docker group/);
  });

  it('names the docker context, its address and who named it', () => {
    const address: EngineAddress = {
      name: 'colima',
      dockerHost: 'unix:///home/u/.colima/default/docker.sock',
      origin: { kind: 'context', context: 'colima', namedBy: 'DOCKER_CONTEXT' },
    };
    const error = engineError(down, address, 'to build');
    expect(error.message).toBe(
      'the Docker engine of docker context colima, unix:///home/u/.colima/default/docker.sock, does not answer: connect ENOENT /nonexistent.sock',
    );
    expect(error.hint).toBe(
      'start the Docker engine (dockerd), or choose another docker context (DOCKER_CONTEXT, docker context use, or --engine context:NAME) (DOCKER_CONTEXT is colima, whose engine is unix:///home/u/.colima/default/docker.sock)',
    );
  });

  it('reads a failed ssh as an engine that does not answer, with what ssh said and what to check', () => {
    const refused = Object.assign(
      new Error('ssh to ci@build-2 exited with 255: Host key verification failed.'),
      {
        code: 'ESSH',
      },
    );
    const error = engineError(refused, fromEnv('ssh://ci@build-2'), 'to answer a ping');
    expect(error.message).toBe(
      'the Docker engine at ssh://ci@build-2 does not answer: ssh to ci@build-2 exited with 255: Host key verification failed.',
    );
    expect(error.hint).toMatch(/known_hosts/);
  });

  it('does not blame the engine being down for an error that says nothing of the connection', () => {
    const odd = new Error('Unexpected token < in JSON');
    const error = engineError(odd, fromEnv('unix:///x'), 'during the build');
    expect(error.message).toBe(
      'the Docker engine at unix:///x failed during the build: Unexpected token < in JSON',
    );
  });

  it("quotes dockerd's answer without dockerode's prefix", () => {
    const answer = Object.assign(new Error('(HTTP code 500) server error - driver failed '), {
      statusCode: 500,
    });
    expect(daemonMessage(answer)).toBe('driver failed');
    expect(engineError(answer, fromEnv('unix:///x'), 'to inspect a').message).toBe(
      'the Docker engine at unix:///x failed to inspect a: driver failed',
    );
  });
});
