import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLock } from '../../src/lock/index.js';
import { runCli } from '../helpers/run-cli.js';
import { skopeoCopy } from '../helpers/skopeo.js';
import { tempProject } from '../helpers/temp-project.js';
import {
  readTokenLog,
  reseedUpstream,
  resetUpstream,
  type WorldUser,
  worldFromEnv,
  writeDockerConfig,
} from '../world/index.js';

const world = worldFromEnv();
const { admin, reader, basic } = world.users;
const upstream = world.upstream.host;
const seeded = (key: string) => world.upstreamImages[key]!;

/** A project whose Dockerfiles use `froms`; docker.io is reached through the world's upstream as a mirror. */
function project(froms: Record<string, string>): string {
  const images = Object.keys(froms)
    .map((name) => `  ${name}: { context: images/${name} }`)
    .join('\n');
  return tempProject({
    'images.yml': `version: 1\nmirrors: { docker.io: ["${upstream}"] }\nimages:\n${images}\n`,
    ...Object.fromEntries(
      Object.entries(froms).map(([name, from]) => [`images/${name}/Dockerfile`, `${from}\n`]),
    ),
  });
}

/** The environment of a user who ran `docker login` to these registries (none: anonymous). */
async function loggedIn(
  dir: string,
  logins: Array<{ host: string; user: WorldUser }>,
): Promise<NodeJS.ProcessEnv> {
  return { ...process.env, DOCKER_CONFIG: await writeDockerConfig(path.join(dir, '.docker'), logins) };
}

const lockOf = async (dir: string) =>
  parseLock(await readFile(path.join(dir, 'images.lock'), 'utf8'), 'images.lock');

beforeAll(async () => {
  // Private upstreams: a base only the token registry has, and one behind basic auth.
  await skopeoCopy(`${upstream}/library/alpine:3.20`, `${world.tokenRegistry.host}/base/alpine:3.20`, {
    dest: admin,
  });
  await skopeoCopy(`${upstream}/library/debian:bookworm-slim`, `${world.basicRegistry.host}/base/debian:12`, {
    dest: basic,
  });
  for (const name of ['one', 'two']) {
    await skopeoCopy(`${upstream}/library/busybox:1.36`, `${world.tokenRegistry.host}/base/${name}:1`, {
      dest: admin,
    });
  }
});

describe('pinyard lock', () => {
  it('pins each upstream tag through the mirror: the index digest and every platform digest', async () => {
    const dir = project({
      base: 'FROM alpine:3.20',
      tools: 'FROM debian:bookworm-slim AS t\nFROM alpine:3.20',
    });
    const { code, stdout } = await runCli(['lock'], dir, await loggedIn(dir, []));
    expect(code).toBe(0);
    const alpine = seeded('library/alpine:3.20');
    const debian = seeded('library/debian:bookworm-slim');
    expect((await lockOf(dir)).upstream).toEqual({
      'docker.io/library/alpine:3.20': {
        digest: alpine.indexDigest,
        platforms: {
          'linux/amd64': alpine.platforms['linux/amd64'],
          'linux/arm64/v8': alpine.platforms['linux/arm64'],
        },
      },
      'docker.io/library/debian:bookworm-slim': {
        digest: debian.indexDigest,
        platforms: {
          'linux/amd64': debian.platforms['linux/amd64'],
          'linux/arm64/v8': debian.platforms['linux/arm64'],
        },
      },
    });
    expect(stdout).toMatch(/docker\.io\/library\/alpine:3\.20\s+added/);
    expect((await runCli(['lock', '--check'], dir)).code).toBe(0);
  });

  it('honours a ref pinned in the Dockerfile as written', async () => {
    const pinned = `sha256:${'a'.repeat(64)}`;
    const dir = project({ app: `FROM alpine:3.19@${pinned}` });
    expect((await runCli(['lock'], dir)).code).toBe(0);
    expect((await lockOf(dir)).upstream).toEqual({
      [`docker.io/library/alpine:3.19@${pinned}`]: { digest: pinned },
    });
  });

  it('resolves through token auth as a read-only user and through basic auth', async () => {
    const dir = project({
      a: `FROM ${world.tokenRegistry.host}/base/alpine:3.20`,
      b: `FROM ${world.basicRegistry.host}/base/debian:12`,
    });
    const env = await loggedIn(dir, [
      { host: world.tokenRegistry.host, user: reader },
      { host: world.basicRegistry.host, user: basic },
    ]);
    const { code, stderr } = await runCli(['lock'], dir, env);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const lock = await lockOf(dir);
    expect(lock.upstream[`${world.tokenRegistry.host}/base/alpine:3.20`]?.digest).toBe(
      seeded('library/alpine:3.20').indexDigest,
    );
    expect(lock.upstream[`${world.basicRegistry.host}/base/debian:12`]?.digest).toBe(
      seeded('library/debian:bookworm-slim').indexDigest,
    );
  });

  it('asks the token service once for all the repositories of a registry', async () => {
    const dir = project({
      a: `FROM ${world.tokenRegistry.host}/base/alpine:3.20`,
      b: `FROM ${world.tokenRegistry.host}/base/one:1`,
      c: `FROM ${world.tokenRegistry.host}/base/two:1`,
    });
    const env = await loggedIn(dir, [{ host: world.tokenRegistry.host, user: reader }]);
    const before = (await readTokenLog(world)).length;
    expect((await runCli(['lock'], dir, env)).code).toBe(0);
    const requests = (await readTokenLog(world)).slice(before);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.scopes.sort()).toEqual([
      'repository:base/alpine:pull',
      'repository:base/one:pull',
      'repository:base/two:pull',
    ]);
  });

  it('is denied anonymously on a private repository: exit 1, who and what, lock untouched', async () => {
    const dir = project({ a: 'FROM alpine:3.20', b: `FROM ${world.tokenRegistry.host}/base/alpine:3.20` });
    expect((await runCli(['lock'], dir, await loggedIn(dir, []))).code).toBe(1);
    await expect(readFile(path.join(dir, 'images.lock'))).rejects.toThrow(/ENOENT/);
    const { stdout, code } = await runCli(['--json', 'lock'], dir, await loggedIn(dir, []));
    expect(code).toBe(1);
    const { error } = JSON.parse(stdout);
    expect(error.code).toBe('PINYARD_DENIED');
    expect(error.message).toContain(`${world.tokenRegistry.host}/base/alpine:3.20`);
    expect(error.message).toMatch(/anonymous/);
    expect(error.message).toMatch(/pull/);
    expect(error.position).toEqual({ file: 'images/b/Dockerfile', line: 1, column: 1 });
  });

  it('names an unknown tag at the Dockerfile line that uses it and leaves the existing lock as it was', async () => {
    const dir = project({ app: 'FROM alpine:3.20' });
    expect((await runCli(['lock'], dir)).code).toBe(0);
    const before = await readFile(path.join(dir, 'images.lock'), 'utf8');
    await writeFile(
      path.join(dir, 'images/app/Dockerfile'),
      `FROM alpine:3.20\nCOPY --from=${upstream}/library/alpine:9.99 / /\n`,
    );
    const { code, stderr } = await runCli(['lock'], dir);
    expect(code).toBe(1);
    expect(stderr).toContain(`images/app/Dockerfile:2:1: ${upstream}/library/alpine:9.99: `);
    expect(stderr).toMatch(/not found/);
    expect(await readFile(path.join(dir, 'images.lock'), 'utf8')).toBe(before);
  });

  it('refuses a hand-edited lock as bad input (exit 2) and does not overwrite it', async () => {
    const dir = project({ app: 'FROM alpine:3.20' });
    const broken = 'version: 1\nupstream:\n  docker.io/library/alpine:3.20:\n    digest: sha256:123\n';
    await writeFile(path.join(dir, 'images.lock'), broken);
    const { code, stderr } = await runCli(['lock', '--update'], dir);
    expect(code).toBe(2);
    expect(stderr).toMatch(/images\.lock:4:13: .*not a digest/);
    expect(await readFile(path.join(dir, 'images.lock'), 'utf8')).toBe(broken);
  });

  describe('when an upstream tag moves', () => {
    afterAll(() => resetUpstream(world, 'library/alpine', '3.20'));

    it('--check fails with the ref, old → new digest and the images that would rebuild; --update moves only the named', async () => {
      const dir = tempProject({
        'images.yml': `version: 1\nmirrors: { docker.io: ["${upstream}"] }\nimages:\n  base: { context: base }\n  app: { context: app }\n  db: { context: db }\n`,
        'base/Dockerfile': 'FROM alpine:3.20\n',
        'app/Dockerfile': 'FROM base\n',
        'db/Dockerfile': 'FROM debian:bookworm-slim\n',
      });
      expect((await runCli(['lock'], dir)).code).toBe(0);
      const before = await readFile(path.join(dir, 'images.lock'), 'utf8');
      const old = seeded('library/alpine:3.20').indexDigest;
      const moved = await reseedUpstream(world, 'library/alpine', '3.20');

      const check = await runCli(['lock', '--check'], dir);
      expect(check.code).toBe(1);
      expect(check.stdout).toContain('images.lock is stale: 1 upstream ref moved or missing');
      expect(check.stdout).toContain(
        `docker.io/library/alpine:3.20  moved   ${old.slice(0, 19)}  ${moved.indexDigest.slice(0, 19)}`,
      );
      expect(check.stdout).toContain('would rebuild: base, app');
      expect(await readFile(path.join(dir, 'images.lock'), 'utf8')).toBe(before);
      const json = JSON.parse((await runCli(['--json', 'lock', '--check'], dir)).stdout);
      expect(json).toMatchObject({
        status: 'stale',
        changes: [{ kind: 'moved', ref: 'docker.io/library/alpine:3.20', from: old, to: moved.indexDigest }],
        rebuild: ['base', 'app'],
      });

      expect((await runCli(['lock', '--update', 'db'], dir)).code).toBe(0);
      expect((await lockOf(dir)).upstream['docker.io/library/alpine:3.20']?.digest).toBe(old);
      expect((await runCli(['lock', '--update', 'base'], dir)).code).toBe(0);
      expect((await lockOf(dir)).upstream['docker.io/library/alpine:3.20']?.digest).toBe(moved.indexDigest);
      expect((await runCli(['lock', '--check'], dir)).code).toBe(0);
    });
  });

  it('never prints a password, in text or JSON, when credentials are refused', async () => {
    const dir = project({ b: `FROM ${world.basicRegistry.host}/base/debian:12` });
    const secret = 'not-the-Password-42';
    const env = await loggedIn(dir, [
      { host: world.basicRegistry.host, user: { username: 'basic', password: secret } },
    ]);
    const text = await runCli(['lock'], dir, env);
    const json = await runCli(['--json', 'lock'], dir, env);
    expect(text.code).toBe(1);
    expect(json.code).toBe(1);
    const encoded = Buffer.from(`basic:${secret}`).toString('base64');
    for (const output of [text.stdout, text.stderr, json.stdout, json.stderr]) {
      expect(output).not.toContain(secret);
      expect(output).not.toContain(encoded);
    }
    expect(text.stderr).toMatch(/basic/);
  });

  it('says what the mirror answered when the origin cannot be reached either', async () => {
    const dir = project({ app: 'FROM alpine:9.99' });
    const { code, stderr } = await runCli(['lock'], dir);
    expect(code).toBe(1);
    expect(stderr).toContain('images/app/Dockerfile:1:1: docker.io/library/alpine:9.99: ');
    expect(stderr).toMatch(new RegExp(`after mirror ${upstream.replace(/\./g, '\\.')}: .*not found`));
  });
});
