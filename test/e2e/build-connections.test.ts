import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReference } from '../../src/reference/index.js';
import { RegistryClient } from '../../src/registry/index.js';
import type { BuildReport } from '../../src/report/build/index.js';
import { type ExampleProject, exampleProject } from '../helpers/example-project.js';
import { runCli } from '../helpers/run-cli.js';
import { type CountingProxy, startCountingProxy } from '../world/counting-proxy.js';
import { jwtClaims, worldFromEnv } from '../world/index.js';

/**
 * What a no-change `build --push` costs the registry (issue 14), counted by a TCP proxy in front of the
 * token registry: keep-alive must hold, so a rerun opens a handful of connections, not one per request,
 * and sends one HEAD per content tag and per human tag, each with a token sized to it.
 */

const world = worldFromEnv();
let proxy: CountingProxy;
let project: ExampleProject;
let images: number;

async function build(...args: string[]): Promise<BuildReport> {
  const result = await runCli(['--json', 'build', '--push', ...args], project.dir, project.env);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as BuildReport;
}

beforeAll(async () => {
  proxy = await startCountingProxy(world.tokenRegistry.host);
  project = await exampleProject(world, { namespace: `dev/conn${Date.now()}`, user: world.users.dev });
  // The same registry, reached through the proxy: the content tags pushed by the first build are there.
  const file = path.join(project.dir, 'images.yml');
  const text = await readFile(file, 'utf8');
  await writeFile(file, text.replaceAll(world.tokenRegistry.host, proxy.host));
  // config.json logs in to the registry under the name images.yml uses for it.
  const config = path.join(project.env.DOCKER_CONFIG!, 'config.json');
  await writeFile(config, (await readFile(config, 'utf8')).replaceAll(world.tokenRegistry.host, proxy.host));
  const first = await build();
  images = first.images.length;
  expect(first.images.every((i) => i.status === 'built')).toBe(true);
});

afterAll(async () => {
  await proxy?.close();
});

describe('a no-change build --push', () => {
  it('reuses its connections: a few for the whole run, two requests per content tag, one per human tag', async () => {
    proxy.reset();
    const again = await build();
    expect(again.images.map((i) => i.status)).toEqual(Array(images).fill('skipped'));
    const { connections, requests } = proxy.counts();
    // One probe of /v2/; each image's content tag read with its config, whose input-hash label must match
    // before the tag is reused (a HEAD would take it on trust); a HEAD of its one human tag; nothing else.
    const gets = requests.filter((r) => r.method === 'GET').map((r) => r.path);
    expect(gets.filter((p) => p === '/v2/')).toHaveLength(1);
    expect(gets.filter((p) => /\/manifests\/pinyard-[0-9a-f]+$/.test(p))).toHaveLength(images);
    expect(gets.filter((p) => /\/blobs\/sha256:[0-9a-f]{64}$/.test(p))).toHaveLength(images);
    expect(requests).toHaveLength(1 + 3 * images);
    const heads = requests.filter((r) => r.method === 'HEAD');
    expect(heads).toHaveLength(images);
    // Keep-alive: at most the client's 10 connections to the registry, where one per request would be 21.
    expect(connections).toBeLessThanOrEqual(10);
  });

  it('sends each HEAD a token for its own repository, never one for the whole tree', () => {
    const heads = proxy.counts().requests.filter((r) => r.method === 'HEAD');
    const tokens = heads.map((head) => head.authorization?.replace(/^Bearer /, '') ?? '');
    for (const [i, head] of heads.entries()) {
      const repository = /^\/v2\/(.+)\/manifests\//.exec(head.path)![1]!;
      const access = jwtClaims(tokens[i]!).access as Array<{ name: string }>;
      expect(access.map((a) => a.name)).toContain(repository);
      expect(access.length).toBeLessThan(images);
    }
    // The world's tokens carry a certificate (2 KB for one repository): a batch adds at most ~512 bytes.
    const lengths = tokens.map((t) => t.length);
    expect(Math.max(...lengths) - Math.min(...lengths)).toBeLessThanOrEqual(600);
  });

  it('asks a new --tag once per image before writing it', async () => {
    const tag = `conn-${Date.now()}`;
    proxy.reset();
    const tagged = await build('--tag', tag);
    expect(tagged.images.map((i) => i.status)).toEqual(Array(images).fill('skipped'));
    expect(tagged.images.every((i) => i.tags.some((t) => t.endsWith(`:${tag}`)))).toBe(true);
    // Asked while the tree was looked up (absent), and not asked again before the PUT.
    const heads = proxy
      .counts()
      .requests.filter((r) => r.method === 'HEAD' && r.path.endsWith(`/manifests/${tag}`));
    expect(heads).toHaveLength(images);
  });

  it('asks one question after another over one connection', async () => {
    const client = new RegistryClient({ env: project.env });
    const tags = (await build()).images.flatMap((i) => i.tags.filter((t) => !t.includes(':pinyard-')));
    proxy.reset();
    for (const tag of tags) expect(await client.headManifest(parseReference(tag))).toBeDefined();
    expect(proxy.counts().requests.filter((r) => r.method === 'HEAD')).toHaveLength(tags.length);
    expect(proxy.counts().connections).toBe(1);
  });
});
