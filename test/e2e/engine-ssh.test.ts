import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuildReport } from '../../src/report/build/index.js';
import { removeImages } from '../helpers/remove-images.js';
import { runCli } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';
import { engineClient, worldFromEnv } from '../world/index.js';
import { startSshd, type TestSshd } from '../world/sshd.js';

/**
 * ssh:// engines through the system ssh, against a real sshd on loopback whose host key no known_hosts
 * has: ssh's own checks decide, as they do for `docker -H ssh://…`. When the key is known the build goes
 * through `docker system dial-stdio` on the far side to the test world's engine.
 */
const world = worldFromEnv();
const docker = engineClient(world.dockerHost);
const run = `ssh${Date.now()}`;
const created: string[] = [];
let sshd: TestSshd;

beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.stop();
  await removeImages(docker, created);
});

async function build(label: string) {
  const name = `${run}-${label}`;
  const dir = tempProject({
    'images.yml': `version: 1\nmirrors: { docker.io: ["${world.upstream.host}"] }\nimages:\n  ${name}: { context: app }\n`,
    'app/Dockerfile': `FROM alpine:3.20\nLABEL dev.pinyard.test=${name}\n`,
  });
  // The engine's socket on the far side is named in the URL, as `docker -H ssh://host/path` allows.
  const dockerHost = `ssh://${sshd.alias}${new URL(world.dockerHost).pathname}`;
  const { DOCKER_CONTEXT: _c, ...rest } = process.env;
  const env = { ...rest, DOCKER_HOST: dockerHost, PATH: `${sshd.binDir}:${process.env.PATH}` };
  const result = await runCli(['--json', 'build'], dir, env);
  const report = JSON.parse(result.stdout) as BuildReport & {
    error?: { code: string; message: string; hint: string };
  };
  for (const image of report.images ?? []) if (image.digest) created.push(...image.tags);
  const images = await docker.listImages({ filters: { label: [`dev.pinyard.test=${name}`] } });
  return { ...result, report, dockerHost, images };
}

describe('an ssh:// engine', () => {
  it('is refused by ssh when its host key is unknown: nothing is built, and the message says why', async () => {
    await writeFile(sshd.knownHosts, '');
    const r = await build('unknown-key');
    expect(r.code).toBe(1);
    expect(r.report.error?.code).toBe('PINYARD_ENGINE');
    expect(r.report.error?.message).toMatch(
      new RegExp(
        `^the Docker engine at ${r.dockerHost} does not answer: ssh to ${sshd.alias} exited with 255: .*Host key verification failed`,
      ),
    );
    expect(r.report.error?.hint).toMatch(/known_hosts/);
    expect(r.images).toEqual([]);
    // The connection ended at the host key: the server never saw a login.
    expect(await sshd.log()).not.toMatch(/Accepted publickey/);
  });

  it('is refused by ssh when the server presents another key than known_hosts has for it', async () => {
    await writeFile(sshd.knownHosts, `${sshd.otherKeyLine}\n`);
    const r = await build('changed-key');
    expect(r.code).toBe(1);
    expect(r.report.error?.message).toMatch(/Host key verification failed|HOST IDENTIFICATION HAS CHANGED/);
    expect(r.images).toEqual([]);
    expect(await sshd.log()).not.toMatch(/Accepted publickey/);
  });

  it('builds through ssh and docker system dial-stdio when the host key is known', async () => {
    await writeFile(sshd.knownHosts, `${sshd.hostKeyLine}\n`);
    const r = await build('known-key');
    expect(r.code, r.stderr).toBe(0);
    expect(r.report.images[0]).toMatchObject({ status: 'built', engine: r.dockerHost });
    expect(r.images).toHaveLength(1);
    expect(await sshd.log()).toMatch(/Accepted publickey for root/);
  });
});
