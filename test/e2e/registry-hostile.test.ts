import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LookupFunction } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isPinyardError, type PinyardError } from '../../src/errors.js';
import type { Reference } from '../../src/reference/index.js';
import { collect, RegistryClient, type RegistryClientOptions } from '../../src/registry/index.js';
import { runCli } from '../helpers/run-cli.js';
import {
  basicAuthProbe,
  dropMidBody,
  type HostileServer,
  imageManifestBytes,
  sendJson,
  sha256,
  startHostileServer,
  streamZeros,
  trickle,
} from '../world/hostile-registry.js';

/**
 * The registry client against registries that lie (issue 12): every test here failed on the client as it
 * was. The hostile servers listen on 127.0.0.1 and 127.0.0.2 only; a made-up host name is resolved to
 * loopback inside the test, never looked up.
 */

const USER = 'alice';
const PASSWORD = 's3cret-hostile-pw';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

let scratch: string;
const servers: HostileServer[] = [];

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'pinyard-hostile-'));
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function serve(
  answer: (req: IncomingMessage, res: ServerResponse, body: Buffer, n: number) => void,
  address?: string,
): Promise<HostileServer> {
  const server = await startHostileServer(answer, address ? { address } : {});
  servers.push(server);
  return server;
}

/** A client whose config.json logs in to `host` (Basic, or an identity token when given). */
async function clientFor(
  host: string,
  options: RegistryClientOptions & { identityToken?: string } = {},
): Promise<RegistryClient> {
  const dir = await mkdtemp(join(scratch, 'docker-'));
  const { identityToken, ...rest } = options;
  const auth = identityToken
    ? { auth: Buffer.from(`${USER}:`).toString('base64'), identitytoken: identityToken }
    : { auth: Buffer.from(`${USER}:${PASSWORD}`).toString('base64') };
  await writeFile(join(dir, 'config.json'), JSON.stringify({ auths: { [host]: auth } }));
  return new RegistryClient({
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    ...rest,
    env: { ...process.env, DOCKER_CONFIG: dir },
  });
}

const ref = (host: string, tag = '1.0'): Reference => ({ registry: host, repository: 'team/app', tag });

async function failure(promise: Promise<unknown>): Promise<PinyardError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isPinyardError(error)) throw new Error(`expected a PinyardError, got ${String(error)}`);
  return error;
}

const basicLogin = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;

describe('credentials stay with their host', () => {
  it('never answers a foreign challenge after a redirect to another origin with the registry credentials', async () => {
    const foreign = await serve((req, res) => {
      if (req.url?.startsWith('/token')) return sendJson(res, 200, { token: 'stolen' });
      sendJson(res, 401, {}, { 'www-authenticate': `Bearer realm="http://${req.headers.host}/token"` });
    }, '127.0.0.2');
    const registry = await serve((req, res) => {
      if (req.url === '/v2/') return basicAuthProbe(req, res);
      res.writeHead(307, { location: `${foreign.url}/cdn/manifest` }).end();
    });
    const client = await clientFor(registry.host);

    const error = await failure(client.getManifest(ref(registry.host)));
    expect(error.code).toBe('PINYARD_REGISTRY');
    expect(error.message).toContain(`redirected to ${foreign.url}, which asks for credentials`);
    expect(foreign.seen.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /cdn/manifest']);
    expect(foreign.seen.every((r) => r.headers.authorization === undefined)).toBe(true);
    // The registry's own challenge is still Basic: the next request logs in there as before.
    expect(registry.seen.at(-1)?.headers.authorization).toBe(basicLogin);
  });

  it("never takes the challenge of the origin a /v2/ probe was redirected to as the registry's", async () => {
    const foreign = await serve((req, res) => {
      if (req.url?.startsWith('/token')) return sendJson(res, 200, { token: 'stolen' });
      sendJson(res, 401, {}, { 'www-authenticate': `Bearer realm="http://${req.headers.host}/token"` });
    }, '127.0.0.2');
    const registry = await serve((_req, res) => {
      res.writeHead(302, { location: `${foreign.url}/v2/` }).end();
    });
    const client = await clientFor(registry.host);
    const error = await failure(client.headManifest(ref(registry.host)));
    expect(error.code).toBe('PINYARD_REGISTRY');
    expect(error.message).toContain(`redirected to ${foreign.url}, which asks for credentials`);
    expect(foreign.seen.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /v2/']);
  });

  it('never re-sends an identity token on a 307 from the token service to another origin', async () => {
    const elsewhere = await serve((_req, res) => sendJson(res, 200, { token: 'x' }), '127.0.0.2');
    const tokenService = await serve((_req, res) => {
      res.writeHead(307, { location: `${elsewhere.url}/steal` }).end();
    });
    const registry = await serve((req, res) => {
      sendJson(
        res,
        401,
        {},
        {
          'www-authenticate': `Bearer realm="${tokenService.url}/token",service="hostile"`,
        },
      );
      void req;
    });
    const client = await clientFor(registry.host, { identityToken: 'refresh-token-that-must-stay' });

    const error = await failure(client.headManifest(ref(registry.host)));
    expect(error.code).toBe('PINYARD_REGISTRY');
    expect(error.message).toContain('redirected (HTTP 307) where pinyard will not send credentials');
    expect(tokenService.seen.map((r) => r.method)).toEqual(['POST']);
    expect(tokenService.seen[0]!.body).toContain('refresh_token=refresh-token-that-must-stay');
    expect(elsewhere.seen).toEqual([]);
    expect(error.message).not.toContain('refresh-token-that-must-stay');
  });

  it('asks whether the token realm itself may use plain HTTP, not whether the registry may', async () => {
    const realm = await serve((req, res) => {
      sendJson(res, 200, { token: 'granted' });
      void req;
    }, '127.0.0.2');
    const realmName = `realm.pinyard.test:${realm.host.split(':')[1]}`;
    const registry = await serve((req, res) => {
      if (req.headers.authorization === 'Bearer granted') {
        return sendJson(res, 200, {}, { 'docker-content-digest': sha256('x'), 'content-type': OCI_MANIFEST });
      }
      sendJson(res, 401, {}, { 'www-authenticate': `Bearer realm="http://${realmName}/token",service="s"` });
    });
    // The made-up name resolves to the second loopback address, here and nowhere else.
    const lookup = ((hostname: string, options: unknown, callback: unknown) => {
      if (hostname !== 'realm.pinyard.test') return dnsLookup(hostname, options as never, callback as never);
      const done = callback as (e: null, a: string | LookupAddress[], f?: number) => void;
      if ((options as { all?: boolean }).all) done(null, [{ address: '127.0.0.2', family: 4 }]);
      else done(null, '127.0.0.2', 4);
    }) as LookupFunction;

    const refused = await clientFor(registry.host, { lookup });
    const error = await failure(refused.headManifest(ref(registry.host)));
    expect(error.code).toBe('PINYARD_REGISTRY');
    expect(error.message).toContain(`sends credentials to http://${realmName}, which is not HTTPS`);
    expect(realm.seen).toEqual([]);

    // Listed as insecure, the token service is trusted with plain HTTP, and the name really resolves here.
    const trusting = await clientFor(registry.host, { lookup, insecureRegistries: [realmName] });
    expect((await trusting.headManifest(ref(registry.host)))?.digest).toBe(sha256('x'));
    expect(realm.seen[0]?.headers.authorization).toBe(basicLogin);
  });
});

describe('what a registry says is checked', () => {
  const forged = `sha256:0'; touch pwned; echo '`;

  it('refuses a Docker-Content-Digest that is not a digest, on HEAD, GET and PUT', async () => {
    const manifest = imageManifestBytes();
    const registry = await serve((req, res) => {
      if (req.url === '/v2/') return sendJson(res, 200, {});
      res.writeHead(req.method === 'PUT' ? 201 : 200, {
        'docker-content-digest': forged,
        'content-type': OCI_MANIFEST,
        'content-length': req.method === 'PUT' ? 0 : manifest.length,
      });
      res.end(req.method === 'GET' ? manifest : undefined);
    });
    const client = await clientFor(registry.host);
    for (const attempt of [
      client.headManifest(ref(registry.host)),
      client.getManifest(ref(registry.host)),
      client.resolve(ref(registry.host), { platforms: false }),
      client.putManifest(ref(registry.host), '1.0', manifest, OCI_MANIFEST),
    ]) {
      const error = await failure(attempt);
      expect(error.code).toBe('PINYARD_REGISTRY');
      expect(error.message).toContain('its Docker-Content-Digest header is not a digest');
      expect(error.message).not.toContain('pwned');
    }
  });

  it('prints a registry error message without escape sequences or line breaks', async () => {
    const registry = await serve((req, res) => {
      if (req.url === '/v2/') return sendJson(res, 200, {});
      sendJson(res, 400, {
        errors: [
          {
            code: 'DENIED',
            message: 'no\u001b[2J\u001b]0;owned\u0007\n::error file=x::forged\r\n::stop-commands::abc',
          },
        ],
      });
    });
    const client = await clientFor(registry.host);
    const error = await failure(client.getManifest(ref(registry.host)));
    expect(error.code).toBe('PINYARD_REGISTRY');
    expect(error.message).toContain('DENIED: no ::error file=x::forged ::stop-commands::abc');
    for (const text of [error.message, error.hint ?? '']) {
      // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters
      expect(text).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    }
  });

  it('refuses tag names that are not tags', async () => {
    const registry = await serve((req, res) => {
      if (req.url === '/v2/') return sendJson(res, 200, {});
      sendJson(res, 200, { name: 'team/app', tags: ['1.0', '\u001b[2Jx'] });
    });
    const client = await clientFor(registry.host);
    const error = await failure(collect(client.listTags(ref(registry.host))));
    expect(error.code).toBe('PINYARD_REGISTRY');
    expect(error.message).toContain('which is not a valid name');
  });
});

describe('pagination is bounded', () => {
  /** Pages of one tag each; `next(n)` names the Link target after page n (undefined: the last page). */
  async function pagedRegistry(next: (n: number) => string | undefined, tags = (n: number) => [`t${n}`]) {
    let page = 0;
    return serve((req, res) => {
      if (req.url === '/v2/') return sendJson(res, 200, {});
      page++;
      // A safety stop for the client as it was, which followed forever.
      const link = page < 3000 ? next(page) : undefined;
      sendJson(
        res,
        200,
        { name: 'team/app', tags: tags(page) },
        link ? { link: `<${link}>; rel="next"` } : {},
      );
    });
  }

  it('stops after a bounded number of pages when every page names another', async () => {
    const registry = await pagedRegistry((n) => `/v2/team/app/tags/list?last=t${n}`);
    const client = await clientFor(registry.host);
    const error = await failure(collect(client.listTags(ref(registry.host))));
    expect(error.code).toBe('PINYARD_REGISTRY');
    expect(error.message).toContain('more than 1000 pages');
    expect(registry.seen.length).toBe(1 + 1000);
  });

  it('refuses a next page it was already sent', async () => {
    const registry = await pagedRegistry(() => '/v2/team/app/tags/list?last=t1');
    const client = await clientFor(registry.host);
    const error = await failure(collect(client.listTags(ref(registry.host))));
    expect(error.message).toContain('its next page is one it already sent');
    expect(registry.seen.length).toBe(1 + 2);
  });

  it('ends at an empty page even when it names a next one', async () => {
    const registry = await pagedRegistry(
      (n) => `/v2/team/app/tags/list?last=t${n}`,
      (n) => (n <= 2 ? [`t${n}`] : []),
    );
    const client = await clientFor(registry.host);
    expect(await collect(client.listTags(ref(registry.host)))).toEqual(['t1', 't2']);
    expect(registry.seen.length).toBe(1 + 3);
  });

  it('stays on the registry origin', async () => {
    const elsewhere = await serve(
      (_req, res) => sendJson(res, 200, { name: 'team/app', tags: ['x'] }),
      '127.0.0.2',
    );
    const registry = await pagedRegistry(() => `${elsewhere.url}/v2/team/app/tags/list?last=t1`);
    const client = await clientFor(registry.host);
    const error = await failure(collect(client.listTags(ref(registry.host))));
    expect(error.message).toContain(`its next page is on another origin (${elsewhere.url})`);
    expect(elsewhere.seen).toEqual([]);
  });
});

describe('bodies are bounded', () => {
  const MiB = 1024 * 1024;

  it('refuses a manifest larger than 4 MiB by its Content-Length, and without one while it streams', async () => {
    for (const contentLength of [true, false]) {
      const registry = await serve((req, res) => {
        if (req.url === '/v2/') return sendJson(res, 200, {});
        streamZeros(res, 96 * MiB, { contentLength, headers: { 'content-type': OCI_MANIFEST } });
      });
      const client = await clientFor(registry.host);
      const error = await failure(client.getManifest(ref(registry.host)));
      expect(error.code).toBe('PINYARD_REGISTRY');
      expect(error.message).toContain('with more than 4 MiB; pinyard refuses to read it');
      // What the socket buffers took before the client hung up, not the 96 MiB offered.
      expect(registry.bytesWritten()).toBeLessThan(32 * MiB);
    }
  });

  it('refuses a token response larger than 1 MiB', async () => {
    const tokens = await serve((_req, res) => streamZeros(res, 96 * MiB, { contentLength: false }));
    const registry = await serve((_req, res) => {
      sendJson(res, 401, {}, { 'www-authenticate': `Bearer realm="${tokens.url}/token",service="s"` });
    });
    const client = await clientFor(registry.host);
    const error = await failure(client.headManifest(ref(registry.host)));
    expect(error.message).toContain('with more than 1 MiB; pinyard refuses to read it');
    expect(tokens.bytesWritten()).toBeLessThan(32 * MiB);
  });

  it('reads no more than 64 KiB of an error body', async () => {
    const registry = await serve((req, res) => {
      if (req.url === '/v2/') return sendJson(res, 200, {});
      streamZeros(res, 96 * MiB, { status: 400, contentLength: false });
    });
    const client = await clientFor(registry.host);
    const error = await failure(client.getManifest(ref(registry.host)));
    expect(error.message).toContain('answered 400');
    expect(registry.bytesWritten()).toBeLessThan(32 * MiB);
  });
});

describe('deadlines and dropped connections', () => {
  it('gives a request one deadline that covers its body', async () => {
    const registry = await serve((req, res) => {
      if (req.url === '/v2/') return sendJson(res, 200, {});
      trickle(res, Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [] })), 100);
    });
    const client = await clientFor(registry.host, { timeoutMs: 1000 });
    const error = await failure(client.getManifest(ref(registry.host)));
    expect(error.code).toBe('PINYARD_UNREACHABLE');
    expect(error.message).toContain('no answer within 1 s');
  });

  it('retries a manifest whose connection dropped mid-body, and names a drop that persists', async () => {
    const manifest = imageManifestBytes();
    const headers = { 'content-type': OCI_MANIFEST, 'docker-content-digest': sha256(manifest) };
    const flaky = await serve((req, res, _body, n) => {
      if (req.url === '/v2/') return sendJson(res, 200, {});
      if (n <= 3) return dropMidBody(res, manifest, headers);
      res.writeHead(200, { ...headers, 'content-length': manifest.length }).end(manifest);
    });
    const client = await clientFor(flaky.host);
    expect((await client.getManifest(ref(flaky.host))).digest).toBe(sha256(manifest));

    const broken = await serve((req, res) => {
      if (req.url === '/v2/') return sendJson(res, 200, {});
      dropMidBody(res, manifest, headers);
    });
    const error = await failure((await clientFor(broken.host)).getManifest(ref(broken.host)));
    expect(error.code).toBe('PINYARD_UNREACHABLE');
    expect(error.message).toContain(`cannot reach registry ${broken.host}`);
  });

  it('fails a blob stream that drops mid-body with PINYARD_UNREACHABLE', async () => {
    const blob = Buffer.alloc(256 * 1024, 7);
    const registry = await serve((req, res) => {
      if (req.url === '/v2/') return sendJson(res, 200, {});
      dropMidBody(res, blob);
    });
    const client = await clientFor(registry.host);
    const { stream } = await client.getBlob(ref(registry.host), sha256(blob));
    const error = await failure(
      new Promise((resolve, reject) => {
        stream.on('error', reject).on('end', resolve).resume();
      }),
    );
    expect(error.code).toBe('PINYARD_UNREACHABLE');
  });

  it('lets a slow but steady blob upload run past the deadline: only a stall ends it', async () => {
    const registry = await serve((req, res) => {
      if (req.url === '/v2/') return sendJson(res, 200, {});
      if (req.method === 'POST')
        return res.writeHead(202, { location: '/v2/team/app/blobs/uploads/u1' }).end();
      res.writeHead(201).end();
    });
    const chunks = Array.from({ length: 8 }, (_, i) => Buffer.alloc(1024, i));
    const blob = Buffer.concat(chunks);
    const slowly = () =>
      Readable.from(
        (async function* () {
          for (const chunk of chunks) {
            await sleep(100);
            yield chunk;
          }
        })(),
      );
    const client = await clientFor(registry.host, { timeoutMs: 400 });
    await client.uploadBlob(ref(registry.host), slowly(), sha256(blob), blob.length);
    const put = registry.seen.find((r) => r.method === 'PUT');
    expect(put?.body.length).toBe(blob.length);
  });

  it('remembers a host that does not answer for the rest of the run', async () => {
    const silent = await serve((req, res) => {
      if (req.url === '/v2/') return sendJson(res, 200, {});
      void res; // accepts, reads the request, never answers
    });
    const client = await clientFor(silent.host, { timeoutMs: 500 });
    const first = await failure(client.getManifest(ref(silent.host)));
    expect(first.code).toBe('PINYARD_UNREACHABLE');
    const asked = silent.seen.length;
    const second = await failure(client.getManifest(ref(silent.host, '2.0')));
    expect(second.code).toBe('PINYARD_UNREACHABLE');
    expect(silent.seen.length).toBe(asked);
  });
});

describe('what a user sees', () => {
  async function inspect(host: string) {
    const dir = await mkdtemp(join(scratch, 'cli-'));
    await writeFile(
      join(dir, 'config.json'),
      JSON.stringify({ auths: { [host]: { auth: Buffer.from(`${USER}:${PASSWORD}`).toString('base64') } } }),
    );
    const env = { ...process.env, DOCKER_CONFIG: dir };
    const plain = await runCli(['registry', 'inspect', `${host}/team/app:1.0`], dir, env);
    const json = await runCli(['--json', 'registry', 'inspect', `${host}/team/app:1.0`], dir, env);
    return {
      plain,
      json,
      error: (JSON.parse(json.stdout) as { error: { code: string; message: string } }).error,
    };
  }

  it('a registry error with escape sequences and forged lines: printed inert, on one line', async () => {
    const registry = await serve((req, res) => {
      if (req.url === '/v2/') return sendJson(res, 200, {});
      // A HEAD has no body to hold a message: it finds the manifest, the GET that follows is refused.
      if (req.method === 'HEAD') {
        return res
          .writeHead(200, { 'content-type': OCI_MANIFEST, 'docker-content-digest': sha256('m') })
          .end();
      }
      sendJson(res, 400, {
        errors: [{ code: 'DENIED', message: '\u001b[31mno\u001b[0m\n::error::forged\u001b]0;t\u0007' }],
      });
    });
    const { plain, json, error } = await inspect(registry.host);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain('DENIED: no ::error::forged');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters
    expect(plain.stderr).not.toMatch(/\u001b|\n::error/);
    expect(json.code).toBe(1);
    expect(error.message).toContain('DENIED: no ::error::forged');
  });

  it('a connection dropped mid-body every time: PINYARD_UNREACHABLE, and JSON on stdout', async () => {
    const manifest = imageManifestBytes();
    const registry = await serve((req, res) => {
      if (req.url === '/v2/') return sendJson(res, 200, {});
      dropMidBody(res, manifest, { 'content-type': OCI_MANIFEST });
    });
    const { plain, error } = await inspect(registry.host);
    expect(plain.code).toBe(1);
    expect(plain.stderr).not.toContain('internal error');
    expect(error.code).toBe('PINYARD_UNREACHABLE');
  });

  it('a forged digest header: refused, and never printed', async () => {
    const manifest = imageManifestBytes();
    const registry = await serve((req, res) => {
      if (req.url === '/v2/') return sendJson(res, 200, {});
      res
        .writeHead(200, {
          'content-type': OCI_MANIFEST,
          'docker-content-digest': `sha256:0'; touch pwned; echo '`,
          'content-length': manifest.length,
        })
        .end(req.method === 'HEAD' ? undefined : manifest);
    });
    const { plain, json, error } = await inspect(registry.host);
    expect(plain.code).toBe(1);
    expect(error.code).toBe('PINYARD_REGISTRY');
    expect(`${plain.stdout}${plain.stderr}${json.stdout}${json.stderr}`).not.toContain('pwned');
  });
});
