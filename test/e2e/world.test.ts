import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  engineClient,
  getManifest,
  MediaType,
  readTokenLog,
  requestToken,
  reseedUpstream,
  resetUpstream,
  upstreamTags,
  type WorldUser,
  worldFromEnv,
  writeDockerConfig,
} from '../world/index.js';

const world = worldFromEnv();
const docker = engineClient(world.dockerHost);
const alpine = world.upstreamImages['library/alpine:3.20']!;
const { dev, reader, admin, basic } = world.users;

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'pinyard-e2e-world-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('the upstream stand-in', () => {
  it('serves every seeded tag at the index digest the world recorded', async () => {
    expect(Object.keys(world.upstreamImages).sort()).toEqual([...upstreamTags].sort());
    for (const image of Object.values(world.upstreamImages)) {
      const served = await getManifest({ url: world.upstream.url, repository: image.repository }, image.tag);
      expect(served.digest, `${image.repository}:${image.tag}`).toBe(image.indexDigest);
    }
  });

  it('serves alpine:3.20 as a manifest list of linux/amd64 and linux/arm64/v8, as skopeo sees it', async () => {
    const { stdout } = await execa('skopeo', [
      'inspect',
      '--tls-verify=false',
      '--raw',
      `docker://${world.upstream.host}/library/alpine:3.20`,
    ]);
    const index = JSON.parse(stdout) as {
      mediaType: string;
      manifests: Array<{ digest: string; platform: object }>;
    };
    expect(sha256(stdout)).toBe(alpine.indexDigest);
    expect(index.mediaType).toBe(MediaType.manifestList);
    expect(index.manifests).toEqual([
      expect.objectContaining({
        digest: alpine.platforms['linux/amd64'],
        platform: { architecture: 'amd64', os: 'linux' },
      }),
      expect.objectContaining({
        digest: alpine.platforms['linux/arm64'],
        platform: { architecture: 'arm64', os: 'linux', variant: 'v8' },
      }),
    ]);
  });

  it("is the engine's docker.io mirror: `docker pull alpine:3.20` gets the seeded index", async () => {
    await follow(docker, await docker.pull('alpine:3.20'));
    const image = await docker.getImage('alpine:3.20').inspect();
    expect(image.RepoDigests).toContain(`alpine@${alpine.indexDigest}`);
  });
});

describe('the token registry', () => {
  const repository = `${world.tokenRegistry.host}/dev/hello`;

  beforeAll(async () => {
    const context = join(scratch, 'hello');
    await mkdir(context);
    await writeFile(
      join(context, 'Dockerfile'),
      [
        `FROM docker.io/library/alpine:3.20@${alpine.indexDigest}`,
        'RUN echo ok > /ok',
        'LABEL org.pinyard.test=world',
        '',
      ].join('\n'),
    );
    await follow(docker, await docker.buildImage({ context, src: ['Dockerfile'] }, { t: `${repository}:1` }));
  });
  afterAll(async () => {
    // The registry's port changes every run: without this, an engine that outlives runs collects names.
    await docker.getImage(`${repository}:1`).remove();
  });

  it('takes a push from dev and serves the tag at the digest the push reported', async () => {
    const pushed = await push(repository, '1', dev);
    expect(pushed.error).toBeUndefined();
    expect(pushed.digest).toMatch(/^sha256:[0-9a-f]{64}$/);

    const headers = await bearer(world, dev, ['repository:dev/hello:pull']);
    const response = await fetch(`${world.tokenRegistry.url}/v2/dev/hello/manifests/1`, {
      method: 'HEAD',
      headers: { ...headers, accept: MediaType.manifest },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('docker-content-digest')).toBe(pushed.digest);
  });

  it('refuses the same push from reader with "denied"', async () => {
    const pushed = await push(repository, '1', reader);
    expect(pushed.error).toMatch(/denied/);
  });

  it('accepts the docker config writeDockerConfig leaves, as skopeo reads it', async () => {
    const config = await writeDockerConfig(join(scratch, 'docker-dev'), [
      { host: world.tokenRegistry.host, user: dev },
    ]);
    const { stdout } = await execa('skopeo', [
      'inspect',
      '--tls-verify=false',
      '--authfile',
      join(config, 'config.json'),
      `docker://${repository}:1`,
    ]);
    expect(JSON.parse(stdout).Labels).toMatchObject({ 'org.pinyard.test': 'world' });
  });
});

describe('the basic-auth registry', () => {
  it('takes a multi-arch copy from the basic user and refuses anonymous reads', async () => {
    const config = await writeDockerConfig(join(scratch, 'docker-basic'), [
      { host: world.basicRegistry.host, user: basic },
    ]);
    await execa('skopeo', [
      'copy',
      '--all',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      '--dest-authfile',
      join(config, 'config.json'),
      `docker://${world.upstream.host}/library/busybox:1.36`,
      `docker://${world.basicRegistry.host}/mirror/busybox:1.36`,
    ]);
    const basicAuth = `Basic ${Buffer.from(`${basic.username}:${basic.password}`).toString('base64')}`;
    const copied = await getManifest(
      { url: world.basicRegistry.url, repository: 'mirror/busybox', headers: { authorization: basicAuth } },
      '1.36',
    );
    expect(copied.digest).toBe(world.upstreamImages['library/busybox:1.36']!.indexDigest);
    const anonymous = await fetch(`${world.basicRegistry.url}/v2/mirror/busybox/manifests/1.36`);
    expect(anonymous.status).toBe(401);
  });
});

describe('the token issuer', () => {
  it.each([
    { who: 'dev', user: dev, asked: 'repository:library/x:pull,push', granted: [['library/x', 'pull']] },
    { who: 'dev', user: dev, asked: 'repository:dev/x:pull,push', granted: [['dev/x', 'pull', 'push']] },
    { who: 'reader', user: reader, asked: 'repository:dev/x:push', granted: [] },
    { who: 'admin', user: admin, asked: 'repository:library/x:delete', granted: [['library/x', 'delete']] },
    { who: 'admin', user: admin, asked: 'registry:catalog:*', granted: [['catalog', '*']] },
    { who: 'anonymous', user: undefined, asked: 'repository:public/x:pull', granted: [['public/x', 'pull']] },
    { who: 'anonymous', user: undefined, asked: 'repository:library/x:pull', granted: [] },
  ])('grants $who asking $asked only what the ACL allows', async ({ user, asked, granted }) => {
    const issued = await requestToken(world, user, [asked]);
    expect(issued.status).toBe(200);
    expect(issued.access.map((a) => [a.name, ...a.actions])).toEqual(granted);
  });

  it('refuses a wrong password with 401 and logs the attempt without the password', async () => {
    const issued = await requestToken(world, { username: 'dev', password: 'not-the-password' }, []);
    expect(issued.status).toBe(401);
    const log = await readTokenLog(world);
    expect(log.at(-1)).toMatchObject({ user: 'dev', status: 401, granted: null });
    expect(JSON.stringify(log)).not.toContain('not-the-password');
  });

  it('runs the OAuth2 form flow docker uses with identity tokens', async () => {
    const form = (fields: Record<string, string>) =>
      fetch(world.tokenRegistry.realm, { method: 'POST', body: new URLSearchParams(fields) });
    const first = await form({
      grant_type: 'password',
      username: dev.username,
      password: dev.password,
      access_type: 'offline',
      client_id: 'pinyard-test',
      service: world.tokenRegistry.service,
      scope: 'repository:dev/x:pull,push',
    });
    const { refresh_token } = (await first.json()) as { refresh_token: string };
    expect(refresh_token).toBeTruthy();

    const refreshed = await form({
      grant_type: 'refresh_token',
      refresh_token,
      scope: 'repository:library/x:pull,push',
    });
    expect(refreshed.status).toBe(200);
    const { scope } = (await refreshed.json()) as { scope: string };
    expect(scope).toBe('repository:library/x:pull');

    const unknown = await form({ grant_type: 'refresh_token', refresh_token: 'made-up' });
    expect(unknown.status).toBe(401);
  });
});

describe('reseedUpstream', () => {
  it('moves library/alpine:3.20 to a new index digest with exactly one changed layer per platform', async () => {
    const upstream = { url: world.upstream.url, repository: 'library/alpine' };
    const layersOf = async (digest: string) =>
      (
        (await getManifest(upstream, digest, [MediaType.manifest])).json.layers as Array<{ digest: string }>
      ).map((l) => l.digest);
    try {
      const moved = await reseedUpstream(world, 'library/alpine', '3.20');
      expect(moved.indexDigest).not.toBe(alpine.indexDigest);
      expect((await getManifest(upstream, '3.20')).digest).toBe(moved.indexDigest);
      for (const platform of ['linux/amd64', 'linux/arm64'] as const) {
        const [before, after] = [
          await layersOf(alpine.platforms[platform]),
          await layersOf(moved.platforms[platform]),
        ];
        expect(after).toHaveLength(before.length);
        expect(after.filter((layer, i) => layer !== before[i])).toHaveLength(1);
      }
    } finally {
      // Other suites share this world and expect the tag as seeded: generation 0 gives the same digests back.
      const reset = await resetUpstream(world, 'library/alpine', '3.20');
      expect(reset).toEqual(alpine);
    }
  });
});

interface PushResult {
  digest?: string;
  error?: string;
}

/** A push answers 200 and reports failure inside the stream, so the events are what tell. */
async function push(repository: string, tag: string, user: WorldUser): Promise<PushResult> {
  const stream = await docker.getImage(repository).push({
    tag,
    authconfig: { username: user.username, password: user.password, serveraddress: world.tokenRegistry.host },
  });
  const events = (await new Promise<unknown[]>((resolve, reject) =>
    docker.modem.followProgress(stream, (error, result) => (error ? reject(error) : resolve(result))),
  )) as Array<{ error?: string; aux?: { Digest?: string } }>;
  const failed = events.find((e) => e.error);
  const digest = events.find((e) => e.aux?.Digest)?.aux?.Digest;
  return { ...(failed?.error ? { error: failed.error } : {}), ...(digest ? { digest } : {}) };
}

/** Waits for a build or pull stream; an engine reports failure inside the stream, so the events are checked. */
async function follow(engine: Docker, stream: NodeJS.ReadableStream): Promise<void> {
  const events = (await new Promise<unknown[]>((resolve, reject) =>
    engine.modem.followProgress(stream, (error, result) => (error ? reject(error) : resolve(result))),
  )) as Array<{ error?: string }>;
  expect(events.flatMap((e) => (e.error ? [e.error] : []))).toEqual([]);
}

function sha256(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}
