import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReference } from '../../src/reference/index.js';
import { RegistryClient, repositoryScope } from '../../src/registry/index.js';
import { tokenBatches } from '../../src/registry/token-batch.js';
import { type HostileServer, sendJson, startHostileServer } from '../world/hostile-registry.js';

/**
 * Pull tokens fetched ahead (a lock, a build) cost one round trip to the token service, not two (issue 14):
 * every batch is asked for before any token comes back. The token service here holds its answers until it
 * has seen every batch it expects; a client that waits for a first token before asking for the rest would
 * get none until the safety release, and the test sees that it asked one after another.
 */

let scratch: string;
const servers: HostileServer[] = [];

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'pinyard-token-wave-'));
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await rm(scratch, { recursive: true, force: true });
});

describe('pull tokens fetched ahead', () => {
  it('asks the token service for every batch at once, each batch small, every repository covered', async () => {
    const repositories = Array.from({ length: 40 }, (_, i) => `team/service-${String(i).padStart(2, '0')}`);
    const expected = tokenBatches(
      repositories.map((name) => repositoryScope(name, 'pull')),
      25,
    ).length;
    expect(expected).toBeGreaterThan(2);

    const held: ServerResponse[] = [];
    /** How many tokens had been issued when each token request arrived. */
    const issuedBefore: number[] = [];
    let issued = 0;
    const release = () => {
      for (const res of held.splice(0)) {
        issued++;
        sendJson(res, 200, { token: `opaque-token-${issued}`, expires_in: 300 });
      }
    };
    const tokens = await startHostileServer((_req, res) => {
      issuedBefore.push(issued);
      held.push(res);
      if (held.length === expected) release();
    });
    servers.push(tokens);
    // A safety release, so a client that asks one after another ends (and fails below) instead of hanging.
    const safety = setInterval(release, 2000);

    const registry = await startHostileServer((req, res) => {
      sendJson(
        res,
        401,
        {},
        { 'www-authenticate': `Bearer realm="${tokens.url}/token",service="wave-test"` },
      );
      void req;
    });
    servers.push(registry);

    const dir = await mkdtemp(join(scratch, 'docker-'));
    await writeFile(join(dir, 'config.json'), JSON.stringify({ auths: {} }));
    const client = new RegistryClient({ env: { DOCKER_CONFIG: dir }, concurrencyPerHost: 64 });
    try {
      await client.authorizePulls(repositories.map((name) => parseReference(`${registry.host}/${name}:1`)));
    } finally {
      clearInterval(safety);
    }

    expect(registry.seen.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /v2/']);
    expect(tokens.seen).toHaveLength(expected);
    // One round trip: no token request waited for a token.
    expect(issuedBefore).toEqual(Array(expected).fill(0));
    const asked = tokens.seen.map((r) => new URL(r.url, tokens.url).searchParams.getAll('scope'));
    expect(asked.flat().sort()).toEqual(repositories.map((name) => `repository:${name}:pull`));
    for (const scopes of asked) expect(scopes.length).toBeLessThanOrEqual(25);
  });
});
