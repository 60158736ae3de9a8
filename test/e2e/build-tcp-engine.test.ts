import type { AddressInfo } from 'node:net';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuildReport } from '../../src/report/build/index.js';
import { runCli } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';
import { engineClient, worldFromEnv } from '../world/index.js';

// DOCKER_HOST=tcp://… and --engine tcp://… reach a real engine: the world's engine, exposed on a loopback
// TCP port by a relay to its unix socket (the relay counts the bytes sent through it).
const world = worldFromEnv();
let relay: Server;
let tcpHost: string;
/** Bytes sent to the engine through the relay (connections may be kept alive between runs). */
let sent = 0;
const sockets = new Set<Socket>();

beforeAll(async () => {
  const socketPath = world.dockerHost.replace(/^unix:\/\//, '');
  relay = createServer((client) => {
    client.on('data', (chunk: Buffer) => {
      sent += chunk.length;
    });
    const engine = createConnection(socketPath);
    for (const s of [client, engine]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        engine.destroy();
      });
    }
    client.pipe(engine).pipe(client);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  tcpHost = `tcp://127.0.0.1:${(relay.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => relay.close(resolve));
});

describe('pinyard build on a tcp:// engine', () => {
  it.each([
    ['DOCKER_HOST', (host: string) => ({ env: { DOCKER_HOST: host }, args: [] as string[] })],
    [
      '--engine',
      (host: string) => ({ env: { DOCKER_HOST: 'unix:///nonexistent.sock' }, args: ['--engine', host] }),
    ],
  ])('builds through %s=tcp://…, and the image is in that engine', async (_, how) => {
    const name = `tcp${Date.now()}`;
    const dir = tempProject({
      'images.yml': `version: 1\nmirrors: { docker.io: ["${world.upstream.host}"] }\nimages:\n  ${name}: { context: img, tags: ["1"] }\n`,
      'img/Dockerfile': `FROM alpine:3.20\nRUN echo ${name} > /built-over-tcp\n`,
    });
    const { env, args } = how(tcpHost);
    const before = sent;
    const result = await runCli(['--json', 'build', ...args], dir, { ...process.env, ...env });
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as BuildReport;
    expect(report.images[0]).toMatchObject({ name, status: 'built', engine: tcpHost });
    // The context alone is more than a kilobyte: the build went over the relay.
    expect(sent - before).toBeGreaterThan(1024);
    const image = await engineClient(world.dockerHost).getImage(`${name}:1`).inspect();
    expect(image.Id).toBe(report.images[0]!.digest);
    await engineClient(world.dockerHost).getImage(`${name}:1`).remove({ force: true });
  });
});
