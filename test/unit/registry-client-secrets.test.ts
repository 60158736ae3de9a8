import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReference } from '../../src/reference/index.js';
import { RegistryClient, redact } from '../../src/registry/index.js';
import { maskSecrets } from '../../src/report/github/mask-secrets.js';

// The registry client against a registry and token service in this process (loopback only): what it
// does with the secrets it is issued and the credentials it reads.
const DIGEST = `sha256:${'d'.repeat(64)}`;
const servers: Server[] = [];
/** The token-auth registry; `basicHost` asks for Basic credentials instead. */
let host: string;
let basicHost: string;
/** An opaque token (not a JWT: no shape would catch it), new for every token request. */
const issued: string[] = [];
const basicPassword = `pw-${randomBytes(8).toString('hex')}`;

const answer = (basicArea: boolean) => (req: IncomingMessage, res: ServerResponse) => {
  const url = new URL(req.url ?? '/', `http://${host}`);
  const auth = req.headers.authorization ?? '';
  if (url.pathname === '/token') {
    const token = `opaque-${randomBytes(12).toString('hex')}`;
    issued.push(token);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ token, expires_in: 300 }));
    return;
  }
  const allowed = basicArea
    ? auth === `Basic ${Buffer.from(`alice:${basicPassword}`).toString('base64')}`
    : issued.some((t) => auth === `Bearer ${t}`);
  if (!allowed) {
    res.writeHead(401, {
      'www-authenticate': basicArea
        ? 'Basic realm="test"'
        : `Bearer realm="http://${host}/token",service="test"`,
      'content-type': 'application/json',
    });
    res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }));
    return;
  }
  if (url.pathname === '/v2/') {
    res.writeHead(200);
    res.end();
    return;
  }
  res.writeHead(200, {
    'docker-content-digest': DIGEST,
    'content-type': 'application/vnd.oci.image.manifest.v1+json',
    'content-length': '100',
  });
  res.end();
};

async function start(basicArea: boolean): Promise<string> {
  const server = createServer(answer(basicArea));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  host = await start(false);
  basicHost = await start(true);
  const config = mkdtempSync(path.join(tmpdir(), 'pinyard-docker-'));
  writeFileSync(
    path.join(config, 'config.json'),
    JSON.stringify({
      auths: { [basicHost]: { auth: Buffer.from(`alice:${basicPassword}`).toString('base64') } },
    }),
  );
  env = { DOCKER_CONFIG: config };
});
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('RegistryClient and the secrets it handles', () => {
  it('announces an issued token to the Actions log masker before using it, and redacts it everywhere', async () => {
    let log = '';
    const stop = maskSecrets({
      write: (text: string) => {
        log += text;
      },
    });
    try {
      const client = new RegistryClient({ env });
      const found = await client.headManifest(parseReference(`${host}/team/app:1`));
      expect(found?.digest).toBe(DIGEST);
    } finally {
      stop();
    }
    const token = issued.at(-1)!;
    expect(token).toBeDefined();
    expect(log).toContain(`::add-mask::${token}\n`);
    expect(redact(`the registry said: ${token} is expired`)).toBe('the registry said: *** is expired');
  });

  it('reads Basic credentials from the docker config and redacts the password and its base64 form', async () => {
    const client = new RegistryClient({ env });
    expect((await client.headManifest(parseReference(`${basicHost}/team/app:1`)))?.digest).toBe(DIGEST);
    const base64 = Buffer.from(`alice:${basicPassword}`).toString('base64');
    expect(redact(`${basicPassword} / ${base64}`)).toBe('*** / ***');
  });
});
