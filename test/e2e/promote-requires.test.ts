import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { skopeoCopy } from '../helpers/skopeo.js';
import { tempProject } from '../helpers/temp-project.js';
import { anyManifest, worldFromEnv } from '../world/index.js';

// `requires: staging` takes only the digest staging has under the same tag: a staging tag at another
// digest (an older build) refuses the promotion, even with --force, and nothing reaches prod.
const world = worldFromEnv();
const upstream = world.upstream.host;

/** The digest a tag serves, asked of the registry directly; undefined when there is none. */
async function digestAt(repository: string, tag: string): Promise<string | undefined> {
  const response = await fetch(`http://${upstream}/v2/${repository}/manifests/${tag}`, {
    method: 'HEAD',
    headers: { accept: anyManifest.join(', ') },
  });
  return response.status === 200 ? (response.headers.get('docker-content-digest') ?? undefined) : undefined;
}

it('refuses prod while staging holds another digest under the tag, with or without --force', async () => {
  const ns = `req-${randomBytes(3).toString('hex')}`;
  await skopeoCopy(`${upstream}/library/alpine:3.20`, `${upstream}/${ns}/app:1.4`);
  await skopeoCopy(`${upstream}/library/busybox:1.36`, `${upstream}/${ns}/staging/app:1.4`);
  const dir = tempProject({
    'images.yml': [
      'version: 1',
      `registry: ${upstream}/${ns}`,
      'environments:',
      '  staging: { repository: "staging/{name}" }',
      `  prod: { registry: ${upstream}/${ns}-prod, requires: staging }`,
      'images:',
      '  app: { context: app, tags: ["1.4"] }',
      '',
    ].join('\n'),
    'app/Dockerfile': 'FROM alpine:3.20\n',
  });
  const staged = await digestAt(`${ns}/staging/app`, '1.4');
  const source = await digestAt(`${ns}/app`, '1.4');
  expect(staged).not.toBe(source);
  for (const force of [[], ['--force']]) {
    const { code, stderr } = await runCli(['promote', 'app:1.4', '--to', 'prod', ...force], dir, process.env);
    expect(code).toBe(1);
    expect(stderr).toContain(`points at ${staged}, not at ${source}`);
    expect(stderr).toMatch(/PINYARD_REQUIRES_UNMET/);
    expect(await digestAt(`${ns}-prod/app`, '1.4')).toBeUndefined();
  }
  // Once staging has the digest, prod takes it.
  const staging = await runCli(['promote', 'app:1.4', '--to', 'staging', '--force'], dir, process.env);
  expect(staging.code, staging.stderr).toBe(0);
  const prod = await runCli(['promote', 'app:1.4', '--to', 'prod'], dir, process.env);
  expect(prod.code, prod.stderr).toBe(0);
  expect(await digestAt(`${ns}-prod/app`, '1.4')).toBe(source);
});
