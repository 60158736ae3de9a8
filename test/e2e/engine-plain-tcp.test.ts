import dns from 'node:dns';
import { connect, createServer, type Server } from 'node:net';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BuildReport } from '../../src/report/build/index.js';
import { removeImages } from '../helpers/remove-images.js';
import { runCli } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';
import { engineClient, worldFromEnv, writeDockerConfig } from '../world/index.js';

/**
 * Registry credentials never cross plain tcp:// to another host unless the user opts in. The "other
 * host" is a name, engine.pinyard.test, that this test alone resolves to loopback, where a TCP relay to
 * the world's engine notes what each request carried: nothing ever leaves 127.0.0.1.
 */
const world = worldFromEnv();
const docker = engineClient(world.dockerHost);
const run = `plain${Date.now()}`;
const remoteName = 'engine.pinyard.test';
const created: string[] = [];
let relay: Server;
let port: number;
/** Per connection to the relay: whether a registry credential header went through it. */
const seen: Array<{ credentials: boolean }> = [];

beforeAll(async () => {
  const socketPath = new URL(world.dockerHost).pathname;
  relay = createServer((client) => {
    const entry = { credentials: false };
    seen.push(entry);
    const engine = connect(socketPath);
    client.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      // The classic builder gets credentials in a header; BuildKit asks for them over its session, whose
      // gRPC answers carry the password as it is.
      if (/x-registry-(auth|config):/i.test(text) || text.includes(world.users.dev.password)) {
        entry.credentials = true;
      }
    });
    client.pipe(engine).pipe(client);
    client.on('error', () => engine.destroy());
    engine.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  port = (relay.address() as { port: number }).port;
  // engine.pinyard.test is 127.0.0.1 for this process only; every other name resolves as usual.
  const lookup = dns.lookup;
  vi.spyOn(dns, 'lookup').mockImplementation(((host: string, ...rest: unknown[]) =>
    (lookup as (...a: unknown[]) => void)(
      host === remoteName ? '127.0.0.1' : host,
      ...rest,
    )) as typeof dns.lookup);
});
afterAll(async () => {
  vi.restoreAllMocks();
  relay?.close();
  await removeImages(docker, created);
});

/** A one-image project pushing to the token registry, with the dev user's password in its docker config. */
async function build(label: string, dockerHost: string, extra: NodeJS.ProcessEnv = {}) {
  const name = `${run}-${label}`;
  // A parent only the private registry has, new to the engine: the build needs its credentials to pull it.
  const privateBase = `${world.tokenRegistry.host}/dev/${run}/${label}-base:1`;
  await execa('skopeo', [
    'copy',
    '--src-tls-verify=false',
    '--dest-tls-verify=false',
    '--dest-creds',
    `${world.users.dev.username}:${world.users.dev.password}`,
    `docker://${world.upstream.host}/library/alpine:3.20`,
    `docker://${privateBase}`,
  ]);
  const dir = tempProject({
    'images.yml': [
      'version: 1',
      `registry: ${world.tokenRegistry.host}/dev/${run}`,
      `mirrors: { docker.io: ["${world.upstream.host}"] }`,
      'images:',
      `  ${name}: { context: app }`,
      '',
    ].join('\n'),
    'app/Dockerfile': `FROM ${privateBase}\nLABEL dev.pinyard.test=${name}\n`,
  });
  const config = await writeDockerConfig(path.join(dir, '.docker'), [
    { host: world.tokenRegistry.host, user: world.users.dev },
  ]);
  const { DOCKER_CONTEXT: _c, ...rest } = process.env;
  const before = seen.length;
  const result = await runCli(['--json', 'build'], dir, {
    ...rest,
    DOCKER_CONFIG: config,
    DOCKER_HOST: dockerHost,
    ...extra,
  });
  const report = JSON.parse(result.stdout) as BuildReport & {
    error?: { code: string; message: string; hint: string };
  };
  for (const image of report.images ?? []) if (image.digest) created.push(...image.tags);
  const images = await docker.listImages({ filters: { label: [`dev.pinyard.test=${name}`] } });
  return { ...result, report, images, connections: seen.slice(before) };
}

describe('registry credentials and a plain tcp:// engine', () => {
  it('refuses to send them to another host as bad input (exit 2), before any request, with a way out', async () => {
    const r = await build('refused', `tcp://${remoteName}:${port}`);
    expect(r.code).toBe(2);
    expect(r.report.error?.code).toBe('PINYARD_INSECURE_ENGINE');
    expect(r.report.error?.message).toBe(
      `pinyard will not send the credentials for ${world.tokenRegistry.host} to the Docker engine tcp://${remoteName}:${port}: it is reached over plain tcp:// on another host, where anyone on the way can read them`,
    );
    expect(r.report.error?.hint).toMatch(/TLS.*ssh:\/\/.*PINYARD_ALLOW_PLAIN_TCP_CREDENTIALS=1/);
    expect(r.connections).toEqual([]);
    expect(r.images).toEqual([]);
  });

  it('sends them when the user opts in with PINYARD_ALLOW_PLAIN_TCP_CREDENTIALS=1', async () => {
    const r = await build('allowed', `tcp://${remoteName}:${port}`, {
      PINYARD_ALLOW_PLAIN_TCP_CREDENTIALS: '1',
    });
    expect(r.code, r.stdout).toBe(0);
    expect(r.images).toHaveLength(1);
    expect(r.connections.some((c) => c.credentials)).toBe(true);
  });

  it('sends them to a loopback address without asking: they never leave the machine', async () => {
    const r = await build('loopback', `tcp://127.0.0.1:${port}`);
    expect(r.code, r.stdout).toBe(0);
    expect(r.images).toHaveLength(1);
    expect(r.connections.some((c) => c.credentials)).toBe(true);
  });
});
