import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BuildReport } from '../../src/report/build/index.js';
import { removeImages } from '../helpers/remove-images.js';
import { runCli } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';
import { engineClient, worldFromEnv } from '../world/index.js';

/**
 * The engine found the way the docker CLI finds it: a docker config with contexts (as `docker context
 * create` writes them), DOCKER_HOST unset. `world` is a context on the test world's engine; `gone` is one
 * whose socket does not exist, so a build that reached for it fails naming it.
 */
const world = worldFromEnv();
const docker = engineClient(world.dockerHost);
const run = `ctx${Date.now()}`;
const created: string[] = [];
afterAll(async () => {
  await removeImages(docker, created);
});

function dockerConfig(currentContext?: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'pinyard-docker-config-'));
  const contexts = { world: world.dockerHost, gone: `unix://${path.join(dir, 'gone.sock')}` };
  for (const [name, host] of Object.entries(contexts)) {
    const id = createHash('sha256').update(name).digest('hex');
    mkdirSync(path.join(dir, 'contexts', 'meta', id), { recursive: true });
    writeFileSync(
      path.join(dir, 'contexts', 'meta', id, 'meta.json'),
      JSON.stringify({
        Name: name,
        Metadata: {},
        Endpoints: { docker: { Host: host, SkipTLSVerify: false } },
      }),
    );
  }
  writeFileSync(
    path.join(dir, 'config.json'),
    JSON.stringify({ auths: {}, ...(currentContext ? { currentContext } : {}) }),
  );
  return dir;
}

/** The process environment without DOCKER_HOST, DOCKER_CONTEXT or DOCKER_CONFIG, plus `extra`. */
function env(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { DOCKER_HOST: _h, DOCKER_CONTEXT: _c, DOCKER_CONFIG: _d, ...rest } = process.env;
  return { ...rest, ...extra };
}

/** A one-image project whose image is new to the engine (a label unique to this case). */
function project(label: string): { dir: string; name: string } {
  const name = `${run}-${label}`;
  const dir = tempProject({
    'images.yml': `version: 1\nmirrors: { docker.io: ["${world.upstream.host}"] }\nimages:\n  ${name}: { context: app }\n`,
    'app/Dockerfile': `FROM alpine:3.20\nLABEL dev.pinyard.test=${name}\n`,
  });
  return { dir, name };
}

async function build(label: string, environment: NodeJS.ProcessEnv, ...args: string[]) {
  const { dir, name } = project(label);
  const result = await runCli(['--json', 'build', ...args], dir, environment);
  const report = result.stdout ? (JSON.parse(result.stdout) as BuildReport) : undefined;
  const image = report?.images?.[0];
  if (image?.digest) created.push(...image.tags);
  // What a user would check: the engine has the image, labelled as built.
  const labels = image?.digest ? (await docker.getImage(image.digest).inspect()).Config.Labels : undefined;
  return { ...result, name, image, labels };
}

describe('the engine of a docker context (DOCKER_HOST unset)', () => {
  it("builds on the docker config's currentContext, and names the context in the report", async () => {
    const r = await build('current', env({ DOCKER_CONFIG: dockerConfig('world') }));
    expect(r.code, r.stderr).toBe(0);
    expect(r.image).toMatchObject({ status: 'built', engine: 'world' });
    expect(r.labels?.['dev.pinyard.test']).toBe(r.name);
  });

  it('shows the context name in the progress output', async () => {
    const { dir } = project('progress');
    const result = await runCli(['build'], dir, env({ DOCKER_CONFIG: dockerConfig('world') }));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/building on world/);
    created.push(`${run}-progress`);
  });

  it('lets DOCKER_CONTEXT override currentContext', async () => {
    const good = await build(
      'override',
      env({ DOCKER_CONFIG: dockerConfig('gone'), DOCKER_CONTEXT: 'world' }),
    );
    expect(good.code, good.stderr).toBe(0);
    expect(good.image).toMatchObject({ status: 'built', engine: 'world' });

    const bad = await build(
      'override-bad',
      env({ DOCKER_CONFIG: dockerConfig('world'), DOCKER_CONTEXT: 'gone' }),
    );
    expect(bad.code).toBe(1);
    const error = JSON.parse(bad.stdout).error as { code: string; message: string; hint: string };
    expect(error.code).toBe('PINYARD_ENGINE');
    expect(error.message).toMatch(
      /^the Docker engine of docker context gone, unix:\/\/.*gone\.sock, does not answer/,
    );
    expect(error.hint).toMatch(/DOCKER_CONTEXT is gone/);
  });

  it('lets DOCKER_HOST override DOCKER_CONTEXT and currentContext', async () => {
    const r = await build(
      'host',
      env({ DOCKER_CONFIG: dockerConfig('gone'), DOCKER_CONTEXT: 'gone', DOCKER_HOST: world.dockerHost }),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.image).toMatchObject({ status: 'built', engine: world.dockerHost });
  });

  it('builds on --engine context:NAME over all of them', async () => {
    const r = await build(
      'flag',
      env({ DOCKER_CONFIG: dockerConfig('gone'), DOCKER_CONTEXT: 'gone' }),
      '--engine',
      'context:world',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.image).toMatchObject({ status: 'built', engine: 'world' });
  });

  it('refuses an unknown context as bad input (exit 2), listing those that exist, and builds nothing', async () => {
    const config = dockerConfig('world');
    const r = await build('unknown', env({ DOCKER_CONFIG: config, DOCKER_CONTEXT: 'wrold' }));
    expect(r.code).toBe(2);
    const error = JSON.parse(r.stdout).error as { code: string; message: string };
    expect(error).toMatchObject({
      code: 'PINYARD_ENGINE_CONTEXT',
      message: `there is no docker context "wrold" (named by DOCKER_CONTEXT) in ${config}; the contexts there: default, gone, world`,
    });
    expect(await docker.listImages({ filters: { label: [`dev.pinyard.test=${r.name}`] } })).toEqual([]);
  });
});
