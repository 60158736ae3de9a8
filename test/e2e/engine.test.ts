import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BuildError,
  type BuildStep,
  contextTar,
  DockerEngine,
  INJECTED_DOCKERFILE,
} from '../../src/engine/index.js';
import { PinyardError } from '../../src/errors.js';
import { contentTag, contextFiles, INPUT_HASH_LABEL, inputHash } from '../../src/hash/index.js';
import { parseReference } from '../../src/reference/index.js';
import { RegistryClient } from '../../src/registry/index.js';
import { engineClient, type WorldUser, worldFromEnv, writeDockerConfig } from '../world/index.js';

const world = worldFromEnv();
const docker = engineClient(world.dockerHost);
const alpine = `docker.io/library/alpine:3.20@${world.upstreamImages['library/alpine:3.20']!.indexDigest}`;
const { dev, reader } = world.users;
const token = world.tokenRegistry.host;
/** Names are unique per run: the engine and the registries outlive one test file. */
const run = randomBytes(3).toString('hex');
const local = `pinyard-e2e-engine-${run}`;
const pushed = `${token}/dev/engine-${run}`;

let scratch: string;
/** Image names this file made, removed at the end so a long-lived engine does not collect them. */
const names: string[] = [];

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'pinyard-e2e-engine-'));
  await writeDockerConfig(configDir(), []);
  for (const user of [dev, reader]) await writeDockerConfig(configDir(user), [{ host: token, user }]);
});
afterAll(async () => {
  const engine = engineAs();
  for (const name of names.reverse()) await engine.remove(name).catch(() => undefined);
  await rm(scratch, { recursive: true, force: true });
});

/** The DOCKER_CONFIG directory logged in to the token registry as `user` (anonymous without one). */
function configDir(user?: WorldUser): string {
  return join(scratch, `docker-${user?.username ?? 'anonymous'}`);
}

function engineAs(user?: WorldUser): DockerEngine {
  return new DockerEngine({
    env: { ...process.env, DOCKER_HOST: world.dockerHost, DOCKER_CONFIG: configDir(user) },
  });
}

/** Writes a context and returns what a build of it needs, as the build command will put it together. */
async function prepare(name: string, files: Record<string, string>, rewritten: string) {
  const dir = join(scratch, name);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  const entries = await contextFiles(dir, { dockerfile: 'Dockerfile' });
  const { tar, dockerfile } = await contextTar(dir, { dockerfileText: rewritten, files: entries });
  return { dir, entries, tar, dockerfile, hash: inputHash({ dockerfileText: rewritten, files: entries }) };
}

async function failure(promise: Promise<unknown>): Promise<PinyardError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PinyardError);
  return error as PinyardError;
}

/** Containers whose command holds `marker`, running or not. */
async function containersWith(marker: string): Promise<string[]> {
  const containers = await docker.listContainers({ all: true });
  return containers.filter((c) => c.Command.includes(marker)).map((c) => `${c.Id.slice(0, 12)} ${c.State}`);
}

describe('DockerEngine.build', () => {
  const userDockerfile = 'FROM base-alpine\nCOPY . /ctx\n';
  let imageId: string;
  let hash: string;
  let steps: BuildStep[];
  let dir: string;

  beforeAll(async () => {
    // The user's Dockerfile names a manifest image the engine cannot pull: only the rewritten one builds.
    const rewritten = [
      `FROM ${alpine}`,
      'COPY . /ctx',
      'RUN test -e /ctx/kept && test ! -e /ctx/ignored && test ! -e /ctx/debug.log \\',
      `    && test ! -e /ctx/${INJECTED_DOCKERFILE} && grep -q 'FROM base-alpine' /ctx/Dockerfile`,
      '',
    ].join('\n');
    const context = await prepare(
      'ignoring',
      {
        Dockerfile: userDockerfile,
        '.dockerignore': 'ignored\n*.log\n',
        kept: 'k',
        ignored: 'i',
        'debug.log': 'l',
      },
      rewritten,
    );
    dir = context.dir;
    hash = context.hash;
    steps = [];
    const tag = `${local}:${contentTag(hash)}`;
    names.push(tag);
    ({ imageId } = await engineAs().build({
      context: context.tar,
      dockerfile: context.dockerfile,
      tags: [tag],
      labels: { [INPUT_HASH_LABEL]: hash },
      onStep: (step) => steps.push(step),
    }));
  });

  it('builds with the injected Dockerfile, the ignored files out of the image and out of the hash', async () => {
    expect(imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
    // The classic builder applies build-time labels as one more LABEL step at the end.
    expect(steps.map((s) => s.instruction)).toEqual([
      `FROM ${alpine}`,
      'COPY . /ctx',
      expect.stringMatching(/^RUN test -e/),
      `LABEL ${INPUT_HASH_LABEL}=${hash}`,
    ]);
    const entries = await contextFiles(dir, { dockerfile: 'Dockerfile' });
    expect(entries.map((e) => e.path)).toEqual(['.dockerignore', 'Dockerfile', 'kept']);
  });

  it("leaves the user's Dockerfile as it was", async () => {
    expect(await readFile(join(dir, 'Dockerfile'), 'utf8')).toBe(userDockerfile);
  });

  it('names and labels the image as asked, which inspect reads back', async () => {
    const image = await engineAs().inspect(`${local}:${contentTag(hash)}`);
    expect(image).toMatchObject({ id: imageId, labels: { [INPUT_HASH_LABEL]: hash } });
    expect(image?.repoTags).toContain(`${local}:${contentTag(hash)}`);
    expect(await engineAs().inspect(`${local}:does-not-exist`)).toBeUndefined();
  });

  it('reports a failing RUN with its step and last lines, and leaves no container behind', async () => {
    const marker = `fail-${run}`;
    const context = await prepare(
      'failing',
      { Dockerfile: 'FROM x\n' },
      `FROM ${alpine}\nRUN echo ${marker} && echo one && echo two >&2 && exit 7\n`,
    );
    const error = await failure(engineAs().build({ context: context.tar, dockerfile: context.dockerfile }));
    expect(error).toBeInstanceOf(BuildError);
    const failed = error as BuildError;
    expect(failed.code).toBe('PINYARD_BUILD_FAILED');
    expect(failed.step).toEqual({
      number: 2,
      total: 2,
      instruction: expect.stringMatching(/^RUN echo fail-/),
    });
    expect(failed.message).toMatch(/^step 2\/2 failed: The command .* returned a non-zero code: 7$/);
    expect(failed.lastLines).toEqual(expect.arrayContaining([marker, 'one', 'two']));
    expect(failed.toJSON()).toMatchObject({ step: expect.stringMatching(/^Step 2\/2 : RUN echo/) });
    expect(await containersWith(marker)).toEqual([]);
  });

  it('places a Dockerfile the engine cannot parse at its line in the user’s file', async () => {
    const context = await prepare('unparsable', { Dockerfile: 'FROM x\n' }, `FROM ${alpine}\nBOGUS x\n`);
    const error = await failure(
      engineAs().build({
        context: context.tar,
        dockerfile: context.dockerfile,
        dockerfilePath: 'images/x/Dockerfile',
      }),
    );
    expect(error.code).toBe('PINYARD_DOCKERFILE_INVALID');
    expect(error.located).toBe(
      'images/x/Dockerfile:2:1: the engine cannot parse the Dockerfile: unknown instruction: BOGUS',
    );
  });

  it('stops a long RUN when the signal aborts, quickly, with no container left running', async () => {
    const marker = `sleep-${run}`;
    const context = await prepare(
      'cancelled',
      { Dockerfile: 'FROM x\n' },
      `FROM ${alpine}\nRUN echo ${marker} && sleep 30\n`,
    );
    const controller = new AbortController();
    let abortedAt = 0;
    const building = engineAs().build({
      context: context.tar,
      dockerfile: context.dockerfile,
      signal: controller.signal,
      onLine: (line) => {
        if (line === marker && abortedAt === 0) {
          abortedAt = Date.now();
          controller.abort(new Error('cancelled by the test'));
        }
      },
    });
    await expect(building).rejects.toThrow('cancelled by the test');
    expect(Date.now() - abortedAt).toBeLessThan(2_000);
    // dockerd kills and removes the step's container once it sees the connection close.
    const deadline = Date.now() + 15_000;
    let left = await containersWith(marker);
    while (left.length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      left = await containersWith(marker);
    }
    expect(left).toEqual([]);
  });
});

describe('DockerEngine.push and pull', () => {
  let digest: string;

  beforeAll(async () => {
    const context = await prepare(
      'pushed',
      { Dockerfile: 'FROM x\n' },
      `FROM ${alpine}\nRUN echo ${run} > /run-id\n`,
    );
    const { imageId } = await engineAs().build({
      context: context.tar,
      dockerfile: context.dockerfile,
      tags: [`${pushed}:1`],
    });
    names.push(`${pushed}:1`);
    expect(imageId).toMatch(/^sha256:/);
  });

  it('pushes as dev and returns the digest the registry serves the tag at', async () => {
    const lines: string[] = [];
    const result = await engineAs(dev).push(`${pushed}:1`, { onLine: (l) => lines.push(l) });
    digest = result.digest;
    expect(result.size).toBeGreaterThan(0);
    expect(lines[0]).toBe(`The push refers to repository [${pushed}]`);
    const registry = new RegistryClient({ env: { ...process.env, DOCKER_CONFIG: configDir(dev) } });
    const head = await registry.headManifest(parseReference(`${pushed}:1`));
    expect(head?.digest).toBe(digest);
  });

  it('refuses the push of reader with PINYARD_DENIED, naming the repository and the account, no password', async () => {
    const error = await failure(engineAs(reader).push(`${pushed}:1`));
    expect(error.code).toBe('PINYARD_DENIED');
    expect(error.message).toMatch(
      new RegExp(`^${token} refused to let pinyard push dev/engine-${run} as reader: denied`),
    );
    expect(JSON.stringify({ ...error.toJSON(), stack: error.stack })).not.toContain(reader.password);
  });

  it('builds FROM a parent that only the private registry has, with the docker config credentials', async () => {
    // Drop every local name of the pushed image, so the engine has to pull it.
    await engineAs().remove(`${pushed}:1`);
    await engineAs().remove(`${pushed}@${digest}`);
    names.splice(names.indexOf(`${pushed}:1`), 1);
    const rewritten = `FROM ${pushed}@${digest}\nRUN test "$(cat /run-id)" = ${run}\n`;

    const anonymous = await prepare('private-parent-anonymous', { Dockerfile: 'FROM x\n' }, rewritten);
    const refused = await failure(
      engineAs().build({ context: anonymous.tar, dockerfile: anonymous.dockerfile }),
    );
    expect(refused).toMatchObject({ code: 'PINYARD_BUILD_FAILED', step: { number: 1 } });
    expect(refused.hint).toMatch(/docker login/);

    const context = await prepare('private-parent', { Dockerfile: 'FROM x\n' }, rewritten);
    const { imageId } = await engineAs(dev).build({
      context: context.tar,
      dockerfile: context.dockerfile,
      registryHosts: [token],
    });
    expect(imageId).toMatch(/^sha256:/);
    names.push(`${pushed}@${digest}`, imageId);
  });

  it('pulls as reader, and refuses an anonymous pull with PINYARD_DENIED', async () => {
    await engineAs(reader).pull(`${pushed}@${digest}`);
    expect((await engineAs().inspect(`${pushed}@${digest}`))?.repoDigests).toContain(`${pushed}@${digest}`);
    const error = await failure(engineAs().pull(`${pushed}:1`));
    expect(error.code).toBe('PINYARD_DENIED');
    expect(error.hint).toBe(`log in first: docker login ${token}`);
  });

  it('tags an image and removes a name, an unknown one as not-found', async () => {
    const engine = engineAs();
    await engine.tag(`${pushed}@${digest}`, local, 'tagged');
    names.push(`${local}:tagged`);
    expect((await engine.inspect(`${local}:tagged`))?.repoTags).toContain(`${local}:tagged`);
    expect(await engine.remove(`${local}:tagged`)).toBe('removed');
    expect(await engine.remove(`${local}:tagged`)).toBe('not-found');
  });
});

describe('an engine that is down', () => {
  const down = new DockerEngine({ env: { DOCKER_HOST: 'unix:///nonexistent.sock' } });

  it('fails a ping with PINYARD_ENGINE naming DOCKER_HOST, and a hint', async () => {
    const error = await failure(down.ping());
    expect(error.code).toBe('PINYARD_ENGINE');
    expect(error.message).toMatch(/^the Docker engine at unix:\/\/\/nonexistent.sock does not answer/);
    expect(error.hint).toBe(
      'start the Docker engine (dockerd), or point DOCKER_HOST at one that runs (DOCKER_HOST is unix:///nonexistent.sock)',
    );
  });

  it('fails a build the same way, not as a context problem', async () => {
    const context = await prepare('down', { Dockerfile: 'FROM x\n' }, 'FROM scratch\n');
    const error = await failure(down.build({ context: context.tar, dockerfile: context.dockerfile }));
    expect(error.code).toBe('PINYARD_ENGINE');
    expect(context.tar.destroyed).toBe(true);
  });
});
