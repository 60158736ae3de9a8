import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPinyardError, type PinyardError } from '../../src/errors.js';
import type { Reference } from '../../src/reference/index.js';
import {
  collect,
  computeDigest,
  RegistryClient,
  type RegistryClientOptions,
  repositoryScope,
} from '../../src/registry/index.js';
import {
  readTokenLog,
  upstreamTags,
  type WorldUser,
  worldFromEnv,
  writeDockerConfig,
} from '../world/index.js';

const world = worldFromEnv();
const { admin, dev, reader, basic } = world.users;
const alpine = world.upstreamImages['library/alpine:3.20']!;
const upstream = (repository: string, tag?: string): Reference => ({
  registry: world.upstream.host,
  repository,
  ...(tag ? { tag } : {}),
});
const onToken = (repository: string, tag?: string): Reference => ({
  registry: world.tokenRegistry.host,
  repository,
  ...(tag ? { tag } : {}),
});
const onBasic = (repository: string, tag?: string): Reference => ({
  registry: world.basicRegistry.host,
  repository,
  ...(tag ? { tag } : {}),
});
const fast = { retry: { baseDelayMs: 5, maxDelayMs: 20 } } satisfies RegistryClientOptions;

let scratch: string;
/** Repositories are unique per run: the world outlives one test file. */
const run = randomBytes(3).toString('hex');

/** A client logged in the way `docker login` leaves config.json. */
async function clientAs(
  logins: Array<{ host: string; user: WorldUser }>,
  options: RegistryClientOptions = {},
): Promise<RegistryClient> {
  const dir = await writeDockerConfig(await mkdtemp(join(scratch, 'docker-')), logins);
  return new RegistryClient({ ...fast, ...options, env: { ...process.env, DOCKER_CONFIG: dir } });
}

async function anonymous(options: RegistryClientOptions = {}): Promise<RegistryClient> {
  return clientAs([], options);
}

/** What promotion will do: copy an index and everything under it, blobs by bytes or by stream. */
async function copyImage(from: RegistryClient, source: Reference, to: RegistryClient, target: Reference) {
  const index = await from.getManifest(source);
  if (index.kind !== 'index') throw new Error('expected an index');
  for (const child of index.parsed.manifests) {
    const manifest = await from.getManifest({ ...source, tag: undefined, digest: child.digest });
    if (manifest.kind !== 'image') throw new Error('expected an image manifest');
    for (const [i, blob] of [manifest.parsed.config, ...manifest.parsed.layers].entries()) {
      if (await to.headBlob(target, blob.digest)) continue;
      if (i === 0) {
        await to.uploadBlob(target, await from.getBlobBytes(source, blob.digest), blob.digest, blob.size);
      } else {
        const { stream } = await from.getBlob(source, blob.digest);
        await to.uploadBlob(target, stream, blob.digest, blob.size);
      }
    }
    await to.putManifest(target, child.digest, manifest.bytes, manifest.mediaType);
  }
  return to.putManifest(target, target.tag!, index.bytes, index.mediaType);
}

async function failure(promise: Promise<unknown>): Promise<PinyardError> {
  const outcome = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isPinyardError(outcome)) throw new Error(`expected a PinyardError, got ${inspect(outcome)}`);
  return outcome;
}

/** Every way an error reaches a user or a log: message, hint, JSON, and inspect (which prints causes). */
function everythingPrinted(error: PinyardError): string {
  return [error.message, error.hint ?? '', JSON.stringify(error), inspect(error, { depth: 10 })].join('\n');
}

function expectNoSecrets(error: PinyardError, secrets: string[]) {
  const printed = everythingPrinted(error);
  for (const secret of secrets) expect(printed).not.toContain(secret);
  expect(printed).not.toMatch(/eyJ[\w-]+\.[\w-]+/);
  expect(printed).not.toMatch(/(Bearer|Basic) [\w+/=.-]{8,}/);
}

interface Proxy {
  host: string;
  /** `METHOD path` of every request that reached the proxy, in order. */
  seen: string[];
  close(): Promise<void>;
}

/**
 * An HTTP proxy in front of a world service. `intercept` may answer a request itself (return true), e.g. to
 * inject a fault; anything else is forwarded with its headers, Host included, so the registry's absolute
 * Location headers point back at the proxy.
 */
async function startProxy(
  targetUrl: string,
  intercept: (req: IncomingMessage, res: ServerResponse, n: number) => boolean = () => false,
  address = '127.0.0.1',
): Promise<Proxy> {
  const target = new URL(targetUrl);
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (intercept(req, res, seen.length)) return;
    const upstreamReq = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    upstreamReq.on('error', () => res.destroy());
    req.pipe(upstreamReq);
  });
  await new Promise<void>((resolve) => server.listen(0, address, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `${address}:${port}`,
    seen,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A loopback address nothing listens on. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `127.0.0.1:${port}`;
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'pinyard-registry-e2e-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('resolving on the anonymous upstream', () => {
  it('resolves a multi-arch tag to the digests the world seeded, with one GET of the index', async () => {
    const proxy = await startProxy(world.upstream.url);
    try {
      const resolved = await (await anonymous()).resolve({
        registry: proxy.host,
        repository: 'library/alpine',
        tag: '3.20',
      });
      expect(resolved).toEqual({
        digest: alpine.indexDigest,
        mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json',
        platforms: [
          { os: 'linux', architecture: 'amd64', digest: alpine.platforms['linux/amd64'] },
          { os: 'linux', architecture: 'arm64', variant: 'v8', digest: alpine.platforms['linux/arm64'] },
        ],
        source: proxy.host,
      });
      expect(proxy.seen).toEqual(['GET /v2/', 'GET /v2/library/alpine/manifests/3.20']);
    } finally {
      await proxy.close();
    }
  });

  it('resolves the digest alone with one HEAD', async () => {
    const proxy = await startProxy(world.upstream.url);
    try {
      const resolved = await (await anonymous()).resolve(
        { registry: proxy.host, repository: 'library/alpine', tag: '3.20' },
        { platforms: false },
      );
      expect(resolved.digest).toBe(alpine.indexDigest);
      expect(resolved.platforms).toBeUndefined();
      expect(proxy.seen).toEqual(['GET /v2/', 'HEAD /v2/library/alpine/manifests/3.20']);
    } finally {
      await proxy.close();
    }
  });

  it('falls back to GET where a registry mishandles HEAD', async () => {
    const proxy = await startProxy(world.upstream.url, (req, res) => {
      if (req.method !== 'HEAD') return false;
      res.writeHead(405).end();
      return true;
    });
    try {
      const head = await (await anonymous()).headManifest({
        registry: proxy.host,
        repository: 'library/alpine',
        tag: '3.20',
      });
      expect(head?.digest).toBe(alpine.indexDigest);
      expect(proxy.seen.at(-1)).toBe('GET /v2/library/alpine/manifests/3.20');
    } finally {
      await proxy.close();
    }
  });

  it('keeps manifest bytes exactly as served, and answers undefined or NOT_FOUND for what does not exist', async () => {
    const client = await anonymous();
    const child = await client.getManifest({
      ...upstream('library/alpine'),
      digest: alpine.platforms['linux/arm64'],
    });
    expect(child.kind).toBe('image');
    expect(computeDigest(child.bytes)).toBe(alpine.platforms['linux/arm64']);
    expect(await client.headManifest(upstream('library/alpine', 'no-such-tag'))).toBeUndefined();
    const missing = await failure(client.resolve(upstream('library/alpine', 'no-such-tag')));
    expect(missing.code).toBe('PINYARD_NOT_FOUND');
    expect(missing.message).toContain(`${world.upstream.host}/library/alpine:no-such-tag`);
    const noRepo = await failure(collect(client.listTags(upstream('nobody/nothing'))));
    expect(noRepo.code).toBe('PINYARD_NOT_FOUND');
    expect(noRepo.message).toBe(
      `${world.upstream.host}/nobody/nothing not found on ${world.upstream.host}: the repository does not exist`,
    );
  });

  it('lists tags, and pages through the catalog with ?n=', async () => {
    const proxy = await startProxy(world.upstream.url);
    try {
      const client = await anonymous();
      expect((await collect(client.listTags(upstream('library/alpine')))).sort()).toEqual(['3.19', '3.20']);
      const repositories = await collect(client.catalog(proxy.host, { pageSize: 4 }));
      const seeded = [...new Set(upstreamTags.map((t) => t.split(':')[0]!))];
      expect(repositories).toEqual(expect.arrayContaining(seeded));
      expect(new Set(repositories).size).toBe(repositories.length);
      const pages = proxy.seen.filter((r) => r.startsWith('GET /v2/_catalog'));
      expect(pages.length).toBeGreaterThanOrEqual(Math.ceil(seeded.length / 4));
      expect(pages.slice(1).every((p) => /[?&]last=/.test(p))).toBe(true);
    } finally {
      await proxy.close();
    }
  });
});

describe('mirrors', () => {
  const hub = { registry: 'docker.io', repository: 'library/alpine', tag: '3.20' };

  it('resolves a docker.io ref through its mirror, and says which source answered', async () => {
    const resolved = await (await anonymous()).resolve(hub, {
      mirrors: { 'docker.io': [world.upstream.host] },
    });
    expect(resolved.digest).toBe(alpine.indexDigest);
    expect(resolved.source).toBe(world.upstream.host);
  });

  it('skips a dead mirror and falls back to the next source, the origin last', async () => {
    const client = await anonymous();
    const dead = await closedPort();
    const viaSecond = await client.resolve(hub, { mirrors: { 'docker.io': [dead, world.upstream.host] } });
    expect(viaSecond.source).toBe(world.upstream.host);
    const origin = await client.resolve(upstream('library/alpine', '3.20'), {
      mirrors: { [world.upstream.host]: [dead] },
    });
    expect(origin).toMatchObject({ digest: alpine.indexDigest, source: world.upstream.host });
  });
});

describe('token auth', () => {
  const repo = `dev/alpine-${run}`;

  beforeAll(async () => {
    await copyImage(
      await anonymous(),
      upstream('library/alpine', '3.20'),
      await clientAs([{ host: world.tokenRegistry.host, user: dev }]),
      onToken(repo, '3.20'),
    );
  });

  it.each([
    ['admin', admin],
    ['dev', dev],
    ['reader', reader],
  ])('resolves as %s', async (_, user) => {
    const client = await clientAs([{ host: world.tokenRegistry.host, user }]);
    const resolved = await client.resolve(onToken(repo, '3.20'));
    expect(resolved.digest).toBe(alpine.indexDigest);
    expect(resolved.platforms?.map((p) => p.digest)).toEqual([
      alpine.platforms['linux/amd64'],
      alpine.platforms['linux/arm64'],
    ]);
  });

  it('denies a push outside the ACL, naming the account, the repository and the action', async () => {
    const client = await clientAs([{ host: world.tokenRegistry.host, user: reader }]);
    const index = await client.getManifest(onToken(repo, '3.20'));
    const denied = await failure(client.putManifest(onToken(repo), 'stolen', index.bytes, index.mediaType));
    expect(denied.code).toBe('PINYARD_DENIED');
    expect(denied.exitCode).toBe(1);
    expect(denied.message).toBe(
      `access denied: account "reader" may not push ${world.tokenRegistry.host}/${repo}`,
    );
    expect(denied.hint).toMatch(/ask for push access to dev\/alpine-/);

    const devClient = await clientAs([{ host: world.tokenRegistry.host, user: dev }]);
    const outside = await failure(
      devClient.uploadBlob(
        onToken(`team/${run}`),
        new Uint8Array([1]),
        computeDigest(new Uint8Array([1])),
        1,
      ),
    );
    expect(outside.message).toBe(
      `access denied: account "dev" may not push ${world.tokenRegistry.host}/team/${run}`,
    );
  });

  it('denies anonymous pulls of a private repository', async () => {
    const denied = await failure((await anonymous()).resolve(onToken(repo, '3.20')));
    expect(denied.code).toBe('PINYARD_DENIED');
    expect(denied.message).toBe(
      `access denied: anonymous access may not pull ${world.tokenRegistry.host}/${repo}`,
    );
    expect(denied.hint).toMatch(/docker login/);
  });

  it('denies wrong credentials at the token service', async () => {
    const client = await clientAs([
      { host: world.tokenRegistry.host, user: { username: 'dev', password: 'wrong-password' } },
    ]);
    const denied = await failure(client.resolve(onToken(repo, '3.20')));
    expect(denied.code).toBe('PINYARD_DENIED');
    expect(denied.message).toMatch(/rejected the credentials of account "dev"/);
    expectNoSecrets(denied, ['wrong-password']);
  });

  it('fetches one token per scope and reuses it until it expires', async () => {
    const client = await clientAs([{ host: world.tokenRegistry.host, user: reader }]);
    const before = (await readTokenLog(world)).length;
    await Promise.all([1, 2, 3].map(() => client.resolve(onToken(repo, '3.20'))));
    await client.headManifest({ ...onToken(repo), digest: alpine.platforms['linux/amd64'] });
    await collect(client.listTags(onToken(repo)));
    const log = (await readTokenLog(world)).slice(before);
    expect(log.map((e) => [e.user, e.scopes])).toEqual([['reader', [`repository:${repo}:pull`]]]);
  });

  it('asks once for merged scopes when an operation spans repositories', async () => {
    const client = await clientAs([{ host: world.tokenRegistry.host, user: admin }]);
    const copies = [1, 2, 3].map((i) => `team/copy-${run}-${i}`);
    const before = (await readTokenLog(world)).length;
    await client.authorize(world.tokenRegistry.host, [
      repositoryScope(repo, 'pull'),
      ...copies.map((name) => repositoryScope(name, 'pull', 'push')),
    ]);
    const bytes = new TextEncoder().encode(`merged-${run}`);
    for (const name of copies) {
      await client.uploadBlob(onToken(name), bytes, computeDigest(bytes), bytes.length);
      await client.resolve(onToken(repo, '3.20'));
    }
    const log = (await readTokenLog(world)).slice(before);
    expect(log).toHaveLength(1);
    expect(log[0]?.scopes.sort()).toEqual(
      [`repository:${repo}:pull`, ...copies.map((name) => `repository:${name}:pull,push`)].sort(),
    );
  });

  it('uploads a blob and mounts it into another repository', async () => {
    const client = await clientAs([{ host: world.tokenRegistry.host, user: dev }]);
    const bytes = new TextEncoder().encode(`mount me ${run}`);
    const digest = computeDigest(bytes);
    await client.uploadBlob(
      onToken(`dev/source-${run}`),
      Readable.from([Buffer.from(bytes)]),
      digest,
      bytes.length,
    );
    expect(await client.headBlob(onToken(`dev/target-${run}`), digest)).toBeUndefined();

    const before = (await readTokenLog(world)).length;
    expect(await client.mountBlob(onToken(`dev/source-${run}`), onToken(`dev/target-${run}`), digest)).toBe(
      'mounted',
    );
    expect(await client.headBlob(onToken(`dev/target-${run}`), digest)).toEqual({
      digest,
      size: bytes.length,
    });
    const mountToken = (await readTokenLog(world)).slice(before)[0];
    expect(mountToken?.scopes.sort()).toEqual([
      `repository:dev/source-${run}:pull`,
      `repository:dev/target-${run}:pull,push`,
    ]);

    const fresh = new TextEncoder().encode(`not anywhere yet ${run}`);
    const freshDigest = computeDigest(fresh);
    expect(
      await client.mountBlob(onToken(`dev/source-${run}`), onToken(`dev/target-${run}`), freshDigest),
    ).toBe('upload-started');
    await client.uploadBlob(onToken(`dev/target-${run}`), fresh, freshDigest, fresh.length);
    const { stream } = await client.getBlob(onToken(`dev/target-${run}`), freshDigest);
    expect(Buffer.concat(await stream.toArray()).toString()).toBe(`not anywhere yet ${run}`);
  });

  it('deletes a manifest by digest', async () => {
    const client = await clientAs([{ host: world.tokenRegistry.host, user: admin }]);
    const target = onToken(`team/delete-${run}`, 'doomed');
    await copyImage(client, onToken(repo, '3.20'), client, target);
    expect(await client.deleteManifest({ ...target, tag: undefined, digest: alpine.indexDigest })).toBe(
      'deleted',
    );
    expect(await client.headManifest(target)).toBeUndefined();
    expect(await client.deleteManifest({ ...target, tag: undefined, digest: alpine.indexDigest })).toBe(
      'not-found',
    );
  });

  it('lists the catalog for admin only', async () => {
    const adminClient = await clientAs([{ host: world.tokenRegistry.host, user: admin }]);
    expect(await collect(adminClient.catalog(world.tokenRegistry.host, { pageSize: 2 }))).toContain(repo);
    const readerClient = await clientAs([{ host: world.tokenRegistry.host, user: reader }]);
    const denied = await failure(collect(readerClient.catalog(world.tokenRegistry.host)));
    expect(denied.message).toBe(
      `access denied: account "reader" may not list the catalog of ${world.tokenRegistry.host}`,
    );
  });

  it('exchanges an identity token from config.json by the OAuth2 refresh flow', async () => {
    const response = await fetch(world.tokenRegistry.realm, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'password',
        username: dev.username,
        password: dev.password,
        service: world.tokenRegistry.service,
        client_id: 'pinyard-test',
        access_type: 'offline',
      }),
    });
    const { refresh_token: refreshToken } = (await response.json()) as { refresh_token: string };
    const dir = await mkdtemp(join(scratch, 'identity-'));
    await writeFile(
      join(dir, 'config.json'),
      JSON.stringify({
        auths: {
          [world.tokenRegistry.host]: {
            auth: Buffer.from('dev:').toString('base64'),
            identitytoken: refreshToken,
          },
        },
      }),
    );
    const client = new RegistryClient({ env: { ...process.env, DOCKER_CONFIG: dir } });
    const before = (await readTokenLog(world)).length;
    expect((await client.resolve(onToken(repo, '3.20'))).digest).toBe(alpine.indexDigest);
    const log = (await readTokenLog(world)).slice(before);
    expect(log.map((e) => [e.flow, e.user])).toEqual([['refresh_token', 'dev']]);
  });
});

describe('basic auth', () => {
  const repo = `team/alpine-${run}`;

  it('pushes and resolves with the credentials of config.json', async () => {
    const client = await clientAs([{ host: world.basicRegistry.host, user: basic }]);
    await copyImage(await anonymous(), upstream('library/alpine', '3.20'), client, onBasic(repo, '3.20'));
    expect((await client.resolve(onBasic(repo, '3.20'))).digest).toBe(alpine.indexDigest);
  });

  it('is denied without credentials or with wrong ones', async () => {
    const none = await failure((await anonymous()).resolve(onBasic(repo, '3.20')));
    expect(none.message).toBe(
      `access denied: anonymous access may not pull ${world.basicRegistry.host}/${repo}`,
    );
    const wrong = await clientAs([
      { host: world.basicRegistry.host, user: { username: 'basic', password: 'not-the-password' } },
    ]);
    const denied = await failure(wrong.resolve(onBasic(repo, '3.20')));
    expect(denied.message).toBe(
      `access denied: account "basic" may not pull ${world.basicRegistry.host}/${repo}`,
    );
    expectNoSecrets(denied, ['not-the-password', Buffer.from('basic:not-the-password').toString('base64')]);
  });

  it('never sends credentials to another origin on a redirect', async () => {
    const client = await clientAs([{ host: world.basicRegistry.host, user: basic }]);
    const blob = (await client.getManifest({ ...onBasic(repo), digest: alpine.platforms['linux/amd64'] }))
      .parsed;
    const configDigest = 'config' in blob ? blob.config.digest : '';
    const configBytes = await client.getBlobBytes(onBasic(repo), configDigest);

    const storageSaw: Array<string | undefined> = [];
    const storage = createServer((req, res) => {
      storageSaw.push(req.headers.authorization);
      res.writeHead(200, { 'content-length': configBytes.length }).end(configBytes);
    });
    await new Promise<void>((resolve) => storage.listen(0, '127.0.0.1', resolve));
    const storageUrl = `http://127.0.0.1:${(storage.address() as AddressInfo).port}`;
    const registrySaw: Array<string | undefined> = [];
    const proxy = await startProxy(world.basicRegistry.url, (req, res) => {
      if (!req.url?.includes('/blobs/')) return false;
      registrySaw.push(req.headers.authorization);
      res.writeHead(307, { location: `${storageUrl}/storage/${configDigest}` }).end();
      return true;
    });
    try {
      const viaProxy = await clientAs([{ host: proxy.host, user: basic }]);
      const bytes = await viaProxy.getBlobBytes({ registry: proxy.host, repository: repo }, configDigest);
      expect(Buffer.from(bytes).equals(Buffer.from(configBytes))).toBe(true);
      expect(registrySaw).toEqual([expect.stringMatching(/^Basic /)]);
      expect(storageSaw).toEqual([undefined]);
    } finally {
      await proxy.close();
      storage.closeAllConnections();
      await new Promise<void>((resolve) => storage.close(() => resolve()));
    }
  });
});

describe('retries', () => {
  it('rides out 503s with Retry-After and a connection reset', async () => {
    let faults = 0;
    const proxy = await startProxy(world.upstream.url, (req, res, n) => {
      if (n <= 2) {
        faults++;
        res.writeHead(503, { 'retry-after': '0' }).end();
        return true;
      }
      if (n === 4) {
        faults++;
        req.socket.destroy();
        return true;
      }
      return false;
    });
    try {
      const retries: string[] = [];
      const client = await anonymous({ onRetry: (e) => retries.push(e.reason) });
      const resolved = await client.resolve({
        registry: proxy.host,
        repository: 'library/alpine',
        tag: '3.20',
      });
      expect(resolved.digest).toBe(alpine.indexDigest);
      expect(faults).toBe(3);
      expect(retries).toEqual(['HTTP 503', 'HTTP 503', 'connection reset']);
    } finally {
      await proxy.close();
    }
  });

  it('gives up after a bounded number of attempts', async () => {
    const proxy = await startProxy(world.upstream.url, (req, res) => {
      if (req.url === '/v2/') return false;
      res.writeHead(503, { 'retry-after': '0', 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ code: 'UNAVAILABLE', message: 'maintenance' }] }));
      return true;
    });
    try {
      const client = await anonymous({ retry: { ...fast.retry, maxAttempts: 4 } });
      const error = await failure(
        client.resolve({ registry: proxy.host, repository: 'library/alpine', tag: '3.20' }),
      );
      expect(error.code).toBe('PINYARD_REGISTRY');
      expect(error.message).toMatch(/answered 503: UNAVAILABLE: maintenance/);
      expect(proxy.seen.filter((r) => r.includes('/manifests/'))).toHaveLength(4);
    } finally {
      await proxy.close();
    }
  });

  it('does not wait out a Retry-After of an hour: it fails at once', async () => {
    const proxy = await startProxy(world.upstream.url, (req, res) => {
      if (req.url === '/v2/') return false;
      res.writeHead(429, { 'retry-after': '3600' }).end();
      return true;
    });
    try {
      const error = await failure(
        (await anonymous()).resolve({ registry: proxy.host, repository: 'library/alpine', tag: '3.20' }),
      );
      expect(error.message).toMatch(/answered 429/);
      expect(error.hint).toMatch(/rate-limiting/);
      expect(proxy.seen.filter((r) => r.includes('/manifests/'))).toHaveLength(1);
    } finally {
      await proxy.close();
    }
  });
});

describe('transport', () => {
  it('retries an attempt that got no answer in time', async () => {
    // The first manifest request (after the /v2/ probe) is swallowed: no answer, ever.
    const proxy = await startProxy(world.upstream.url, (_req, _res, n) => n === 2);
    try {
      const retries: string[] = [];
      const client = await anonymous({ timeoutMs: 1000, onRetry: (e) => retries.push(e.reason) });
      const resolved = await client.resolve({
        registry: proxy.host,
        repository: 'library/alpine',
        tag: '3.20',
      });
      expect(resolved.digest).toBe(alpine.indexDigest);
      expect(retries).toEqual(['no answer within 1 s']);
    } finally {
      await proxy.close();
    }
  });

  it('keeps at most concurrencyPerHost requests in flight to one registry', async () => {
    let inFlight = 0;
    let most = 0;
    const proxy = await startProxy(world.upstream.url, (req, res) => {
      if (req.method !== 'HEAD') return false;
      inFlight++;
      most = Math.max(most, inFlight);
      setTimeout(() => {
        inFlight--;
        res.writeHead(404).end();
      }, 40);
      return true;
    });
    try {
      const client = await anonymous({ concurrencyPerHost: 2 });
      const tags = ['a', 'b', 'c', 'd', 'e', 'f'];
      const heads = await Promise.all(
        tags.map((tag) => client.headManifest({ registry: proxy.host, repository: 'library/alpine', tag })),
      );
      expect(heads).toEqual(tags.map(() => undefined));
      expect(most).toBe(2);
    } finally {
      await proxy.close();
    }
  });

  const ip = Object.values(networkInterfaces())
    .flat()
    .find((a) => a?.family === 'IPv4' && !a.internal)?.address;

  it.skipIf(!ip)(
    'speaks HTTPS to a non-loopback registry, and plain HTTP only when it is listed as insecure',
    async () => {
      const proxy = await startProxy(world.upstream.url, undefined, ip);
      try {
        const ref = { registry: proxy.host, repository: 'library/alpine', tag: '3.20' };
        const refused = await failure((await anonymous()).resolve(ref));
        expect(refused.code).toBe('PINYARD_UNREACHABLE');
        expect(refused.message).toMatch(new RegExp(`^cannot reach registry ${proxy.host}: TLS failed`));
        expect(proxy.seen).toEqual([]);
        const insecure = await anonymous({ insecureRegistries: [proxy.host] });
        expect((await insecure.resolve(ref)).digest).toBe(alpine.indexDigest);
        expect(proxy.seen).toEqual(['GET /v2/', 'GET /v2/library/alpine/manifests/3.20']);
      } finally {
        await proxy.close();
      }
    },
  );
});

describe('secrets stay out of errors', () => {
  it('redacts what a misbehaving registry echoes back in a 500', async () => {
    const proxy = await startProxy(world.tokenRegistry.url, (req, res) => {
      if (!req.url?.includes('/manifests/') || !req.headers.authorization) return false;
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ errors: [{ code: 'UNKNOWN', message: `cannot use ${req.headers.authorization}` }] }),
      );
      return true;
    });
    try {
      const client = await clientAs([{ host: proxy.host, user: dev }], {
        retry: { ...fast.retry, maxAttempts: 2 },
      });
      const error = await failure(
        client.resolve({ registry: proxy.host, repository: `dev/alpine-${run}`, tag: '3.20' }),
      );
      expect(error.code).toBe('PINYARD_REGISTRY');
      expect(error.message).toMatch(/answered 500: UNKNOWN: cannot use/);
      expectNoSecrets(error, [dev.password]);
    } finally {
      await proxy.close();
    }
  });

  it('redacts a token service that answers with something other than a token', async () => {
    const issuer = createServer((req, res) => {
      res
        .writeHead(200, { 'content-type': 'text/plain' })
        .end(`welcome ${req.headers.authorization}; token=eyJhbGciOi.eyJzdWIi.c2ln`);
    });
    await new Promise<void>((resolve) => issuer.listen(0, '127.0.0.1', resolve));
    const realm = `http://127.0.0.1:${(issuer.address() as AddressInfo).port}/token`;
    const proxy = await startProxy(world.tokenRegistry.url, (req, res) => {
      if (req.headers.authorization) return false;
      res.writeHead(401, { 'www-authenticate': `Bearer realm="${realm}",service="s"` }).end();
      return true;
    });
    try {
      const client = await clientAs([{ host: proxy.host, user: admin }]);
      const error = await failure(client.resolve({ registry: proxy.host, repository: 'dev/x', tag: '1' }));
      expect(error.code).toBe('PINYARD_REGISTRY');
      expect(error.message).toMatch(/malformed answer: the token service did not answer with a token/);
      expectNoSecrets(error, [admin.password, Buffer.from(`admin:${admin.password}`).toString('base64')]);
    } finally {
      await proxy.close();
      issuer.closeAllConnections();
      await new Promise<void>((resolve) => issuer.close(() => resolve()));
    }
  });

  it('names an unreachable host and nothing else', async () => {
    const host = await closedPort();
    const client = await clientAs([{ host, user: admin }]);
    const error = await failure(client.resolve({ registry: host, repository: 'x', tag: '1' }));
    expect(error.code).toBe('PINYARD_UNREACHABLE');
    expect(error.message).toBe(`cannot reach registry ${host}: connection refused (ECONNREFUSED)`);
    expectNoSecrets(error, [admin.password]);
  });

  it('keeps passwords out of denials', async () => {
    const client = await clientAs([{ host: world.tokenRegistry.host, user: reader }]);
    const denied = await failure(
      client.uploadBlob(
        onToken(`dev/secret-${run}`),
        new Uint8Array([7]),
        computeDigest(new Uint8Array([7])),
        1,
      ),
    );
    expect(denied.code).toBe('PINYARD_DENIED');
    expectNoSecrets(denied, [reader.password, Buffer.from(`reader:${reader.password}`).toString('base64')]);
  });
});
