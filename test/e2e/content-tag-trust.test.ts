import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BuildReport } from '../../src/report/build/index.js';
import { runCli } from '../helpers/run-cli.js';
import { skopeoCopy, skopeoInspect } from '../helpers/skopeo.js';
import { tempProject } from '../helpers/temp-project.js';
import { worldFromEnv, writeDockerConfig } from '../world/index.js';

const world = worldFromEnv();
const { dev } = world.users;
const registry = `${world.tokenRegistry.host}/dev/trust-${randomBytes(3).toString('hex')}`;

const labels = (ref: string) => skopeoInspect(ref, dev);

describe('a content tag is reused only when its image carries the input hash it names', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const build = async () => {
    const result = await runCli(['--json', 'build', '--push'], dir, env);
    return { ...result, report: JSON.parse(result.stdout) as BuildReport };
  };

  beforeAll(async () => {
    dir = tempProject({
      'images.yml': `version: 1\nregistry: ${registry}\nmirrors: { docker.io: ["${world.upstream.host}"] }\nimages:\n  app: { context: app }\n`,
      'app/Dockerfile': 'FROM alpine:3.20\nRUN echo trusted > /etc/trust\n',
    });
    const config = await writeDockerConfig(
      path.join(await mkdtemp(path.join(tmpdir(), 'pinyard-trust-')), '.docker'),
      [{ host: world.tokenRegistry.host, user: dev }],
    );
    env = { ...process.env, DOCKER_CONFIG: config, DOCKER_HOST: world.dockerHost };
    expect((await runCli(['lock'], dir, env)).code).toBe(0);
  });

  it('builds again, and puts its own image back under the tag, when another image was pushed there', async () => {
    const first = await build();
    expect(first.code).toBe(0);
    const [app] = first.report.images;
    expect(app).toMatchObject({ status: 'built' });
    const contentRef = app!.tags[0]!;
    expect((await labels(contentRef)).Labels?.['dev.pinyard.input-hash']).toBe(app!.hash);

    // Someone who may push puts another image under the content tag.
    await skopeoCopy(`${world.upstream.host}/library/busybox:1.36`, contentRef, { dest: dev });
    expect((await labels(contentRef)).Labels?.['dev.pinyard.input-hash']).toBeUndefined();

    const second = await build();
    expect(second.code).toBe(0);
    expect(second.report.images[0]).toMatchObject({ name: 'app', status: 'built', hash: app!.hash });
    const now = await labels(contentRef);
    expect(now.Labels?.['dev.pinyard.input-hash']).toBe(app!.hash);
    expect(now.Digest).toBe(second.report.images[0]!.digest);

    // With its own image back under the tag, the next run reuses it.
    const third = await build();
    expect(third.report.images[0]).toMatchObject({ status: 'skipped', digest: now.Digest });
  });
});
