import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuildReport } from '../../src/report/build/index.js';
import type {
  InspectResult,
  LsResult,
  PruneResult,
  RmResult,
  TagsResult,
} from '../../src/report/registry/types.js';
import { runCli } from '../helpers/run-cli.js';
import { skopeoCopy } from '../helpers/skopeo.js';
import { tempProject } from '../helpers/temp-project.js';
import { anyManifest, bearer, type WorldUser, worldFromEnv, writeDockerConfig } from '../world/index.js';
import { freePort } from '../world/ports.js';
import { pollUntil } from '../world/processes.js';

const world = worldFromEnv();
const { admin, dev, reader, basic } = world.users;
const token = world.tokenRegistry.host;
const basicHost = world.basicRegistry.host;
const upstream = world.upstream.host;
const alpine = world.upstreamImages['library/alpine:3.20']!;
const busybox = world.upstreamImages['library/busybox:1.36']!;
/** Repositories are unique per run: the world outlives one test file. */
const ns = `rc-${randomBytes(3).toString('hex')}`;

interface Who {
  dir: string;
  env: NodeJS.ProcessEnv;
}

/** A working directory whose docker config holds these logins (none: anonymous). */
async function as(logins: Array<{ host: string; user: WorldUser }>): Promise<Who> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pinyard-registry-'));
  const config = await writeDockerConfig(path.join(dir, '.docker'), logins);
  return { dir, env: { ...process.env, DOCKER_CONFIG: config, DOCKER_HOST: world.dockerHost } };
}

const pinyard = (who: Who, ...args: string[]) => runCli(args, who.dir, who.env);
const json = async <T>(who: Who, ...args: string[]) => {
  const result = await pinyard(who, '--json', ...args);
  return { ...result, body: JSON.parse(result.stdout) as T };
};

/** The registry's own answers, asked without pinyard: what a user would check with curl. */
const peer = {
  async headers(host: string, repository: string): Promise<Record<string, string>> {
    if (host === token) return bearer(world, admin, [`repository:${repository}:pull`]);
    if (host === basicHost)
      return {
        authorization: `Basic ${Buffer.from(`${basic.username}:${basic.password}`).toString('base64')}`,
      };
    return {};
  },
  async tags(host: string, repository: string): Promise<string[]> {
    const response = await fetch(`http://${host}/v2/${repository}/tags/list`, {
      headers: await peer.headers(host, repository),
    });
    if (response.status === 404) return [];
    const body = (await response.json()) as { tags: string[] | null };
    return (body.tags ?? []).sort();
  },
  /** The digest a tag or digest resolves to, or undefined when the registry has no such manifest. */
  async digest(host: string, repository: string, reference: string): Promise<string | undefined> {
    const response = await fetch(`http://${host}/v2/${repository}/manifests/${reference}`, {
      method: 'HEAD',
      headers: { ...(await peer.headers(host, repository)), accept: anyManifest.join(', ') },
    });
    return response.status === 200 ? (response.headers.get('docker-content-digest') ?? undefined) : undefined;
  },
};

let adminUser: Who;
let readerUser: Who;
let devUser: Who;
let basicUser: Who;
let nobody: Who;

beforeAll(async () => {
  [adminUser, readerUser, devUser, basicUser, nobody] = await Promise.all([
    as([{ host: token, user: admin }]),
    as([{ host: token, user: reader }]),
    as([{ host: token, user: dev }]),
    as([{ host: basicHost, user: basic }]),
    as([]),
  ]);
  const copies: Array<[string, string, { dest?: WorldUser }]> = [
    ...['a', 'b', 'c'].map((t): [string, string, { dest?: WorldUser }] => [
      'library/alpine:3.20',
      `${token}/${ns}/set:${t}`,
      { dest: admin },
    ]),
    ['library/busybox:1.36', `${token}/${ns}/set:d`, { dest: admin }],
    ['library/alpine:3.20', `${token}/${ns}/digest:x`, { dest: admin }],
    ['library/alpine:3.20', `${token}/${ns}/digest:y`, { dest: admin }],
    ['library/busybox:1.36', `${token}/${ns}/digest:z`, { dest: admin }],
    ['library/alpine:3.20', `${token}/dev/${ns}/shared:p`, { dest: dev }],
    ['library/alpine:3.20', `${token}/dev/${ns}/shared:q`, { dest: dev }],
    ['library/alpine:3.20', `${token}/public/${ns}/app:1`, { dest: admin }],
    ['library/alpine:3.20', `${basicHost}/${ns}/app:1`, { dest: basic }],
    ['library/alpine:3.20', `${basicHost}/${ns}/app:2`, { dest: basic }],
    ['library/busybox:1.36', `${upstream}/scratch-${ns}/app:1`, {}],
    ['library/busybox:1.36', `${upstream}/scratch-${ns}/app:2`, {}],
  ];
  for (const [from, to, creds] of copies) await skopeoCopy(`${upstream}/${from}`, to, creds);
});

describe('pinyard registry tags and ls', () => {
  it('shows every tag with its digest, type and platforms; tags that share a digest show the same one', async () => {
    const { code, body } = await json<TagsResult>(readerUser, 'registry', 'tags', `${token}/${ns}/set`);
    expect(code).toBe(0);
    expect(body.repository).toBe(`${token}/${ns}/set`);
    const byTag = Object.fromEntries(body.tags.map((t) => [t.tag, t]));
    expect(Object.keys(byTag).sort()).toEqual(['a', 'b', 'c', 'd']);
    for (const tag of ['a', 'b', 'c']) expect(byTag[tag]!.digest).toBe(alpine.indexDigest);
    expect(byTag.d!.digest).toBe(busybox.indexDigest);
    expect(byTag.a).toMatchObject({
      kind: 'index',
      mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json',
      platforms: ['linux/amd64', 'linux/arm64/v8'],
      created: expect.stringMatching(/^1970-01-01T00:00:00/),
      size: expect.any(Number),
    });

    const text = await pinyard(readerUser, 'registry', 'tags', `${token}/${ns}/set`);
    expect(text.stdout).toContain(`${token}/${ns}/set: 4 tags on 2 digests`);
    expect(text.stdout).toMatch(/^a\s+sha256:[0-9a-f]{12}\s+index\s+linux\/amd64,linux\/arm64\/v8\s/m);
  });

  it('lists the repositories under a prefix, with their tags, for an account granted the catalog', async () => {
    const { code, stdout } = await pinyard(adminUser, 'registry', 'ls', `${token}/${ns}`, '--tags');
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toEqual([
      `${token}/${ns}/digest:x`,
      `${token}/${ns}/digest:y`,
      `${token}/${ns}/digest:z`,
      `${token}/${ns}/set:a`,
      `${token}/${ns}/set:b`,
      `${token}/${ns}/set:c`,
      `${token}/${ns}/set:d`,
    ]);
    const listed = await json<LsResult>(adminUser, 'registry', 'ls', `${token}/dev/${ns}`);
    expect(listed.body).toEqual({
      version: 1,
      registry: token,
      prefix: `dev/${ns}`,
      repositories: [{ name: `dev/${ns}/shared` }],
    });
  });

  it('tells a reader the catalog is denied, and how to do without it', async () => {
    const { code, stderr } = await pinyard(readerUser, 'registry', 'ls', token);
    expect(code).toBe(1);
    expect(stderr).toContain(`access denied: account "reader" may not list the catalog of ${token}`);
    expect(stderr).toContain('registry:catalog:*');
    expect(stderr).toContain('pinyard registry tags REPO');
  });

  it('browses anonymously where the registry allows it: public/* behind token auth, a plain registry', async () => {
    const tags = await json<TagsResult>(nobody, 'registry', 'tags', `${token}/public/${ns}/app`);
    expect(tags.code).toBe(0);
    expect(tags.body.tags.map((t) => [t.tag, t.digest])).toEqual([['1', alpine.indexDigest]]);

    const denied = await pinyard(nobody, 'registry', 'tags', `${token}/${ns}/set`);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain(`anonymous access may not pull ${token}/${ns}/set`);

    const plain = await pinyard(nobody, 'registry', 'ls', `${upstream}/scratch-${ns}`, '--tags');
    expect(plain.code).toBe(0);
    expect(plain.stdout).toBe(`${upstream}/scratch-${ns}/app:1\n${upstream}/scratch-${ns}/app:2\n`);
  });

  it('browses a basic-auth registry with the credentials docker login left, and is refused without them', async () => {
    const tags = await json<TagsResult>(basicUser, 'registry', 'tags', `${basicHost}/${ns}/app`);
    expect(tags.body.tags.map((t) => t.tag)).toEqual(['1', '2']);
    const anonymous = await pinyard(nobody, 'registry', 'tags', `${basicHost}/${ns}/app`);
    expect(anonymous.code).toBe(1);
    expect(anonymous.stderr).toContain('anonymous access may not pull');
  });
});

describe('pinyard registry rm', () => {
  const set = `${ns}/set`;

  it('refuses to delete a platform manifest that a tagged index lists, and changes nothing', async () => {
    const amd64 = alpine.platforms['linux/amd64'];
    const { code, stderr } = await pinyard(adminUser, 'registry', 'rm', `${token}/${set}@${amd64}`, '--yes');
    expect(code).toBe(1);
    expect(stderr).toContain('PINYARD_UNSAFE_DELETE');
    expect(stderr).toContain(`it is a platform of index ${alpine.indexDigest} (tagged a, b, c)`);
    expect(await peer.digest(token, set, amd64)).toBe(amd64);
  });

  it('removes one tag of a digest that other tags share, and the others keep resolving to it', async () => {
    const { code, stdout } = await pinyard(adminUser, 'registry', 'rm', `${token}/${set}:a`, '--yes');
    expect(code).toBe(0);
    expect(stdout).toContain(`removed tag ${token}/${set}:a`);
    expect(stdout).toContain(`kept ${alpine.indexDigest}: still tagged b, c`);
    expect(await peer.tags(token, set)).toEqual(['b', 'c', 'd']);
    expect(await peer.digest(token, set, 'a')).toBeUndefined();
    expect(await peer.digest(token, set, 'b')).toBe(alpine.indexDigest);
    expect(await peer.digest(token, set, 'c')).toBe(alpine.indexDigest);
    // The index and its platforms are all still there.
    expect(await peer.digest(token, set, alpine.platforms['linux/arm64'])).toBe(
      alpine.platforms['linux/arm64'],
    );
  });

  it('deletes the digest of a tag nothing else uses', async () => {
    const { code, body } = await json<RmResult>(adminUser, 'registry', 'rm', `${token}/${set}:d`, '--yes');
    expect(code).toBe(0);
    expect(body).toEqual({
      version: 1,
      repository: `${token}/${set}`,
      removedTags: ['d'],
      deletedDigest: busybox.indexDigest,
    });
    expect(await peer.digest(token, set, busybox.indexDigest)).toBeUndefined();
    expect(await peer.tags(token, set)).toEqual(['b', 'c']);
  });

  it('will not delete without --yes when there is no terminal to ask on, and lists what would go', async () => {
    const ref = `${token}/${ns}/digest@${alpine.indexDigest}`;
    const { code, stderr } = await pinyard(adminUser, 'registry', 'rm', ref);
    expect(code).toBe(2);
    expect(stderr).toContain(`  ${token}/${ns}/digest:x\n  ${token}/${ns}/digest:y\n`);
    expect(stderr).toContain(`refusing to delete ${ref} and 2 tags on it without confirmation`);
    expect(stderr).toContain('pass --yes');
    expect(await peer.tags(token, `${ns}/digest`)).toEqual(['x', 'y', 'z']);
  });

  it('deletes a digest with --yes, and says which tags it took with it', async () => {
    const ref = `${token}/${ns}/digest@${alpine.indexDigest}`;
    const { code, stdout } = await pinyard(adminUser, 'registry', 'rm', ref, '--yes');
    expect(code).toBe(0);
    expect(stdout).toContain(`deleted ${ref} with 2 tags: x, y`);
    expect(stdout).toContain('garbage collection');
    expect(await peer.tags(token, `${ns}/digest`)).toEqual(['z']);
  });

  it('refuses a reader, naming the account and the action, and changes nothing', async () => {
    const { code, stderr } = await pinyard(readerUser, 'registry', 'rm', `${token}/${set}:b`, '--yes');
    expect(code).toBe(1);
    expect(stderr).toContain(`account "reader" may not delete ${token}/${set}`);
    expect(stderr).toContain('cannot remove only tag');
    expect(stderr).toContain('still tagged c');
    expect(await peer.tags(token, set)).toEqual(['b', 'c']);
  });

  it('checks the right to delete before moving anything: a dev may push under dev/ but not delete', async () => {
    const shared = `dev/${ns}/shared`;
    const { code, stderr } = await pinyard(devUser, 'registry', 'rm', `${token}/${shared}:p`, '--yes');
    expect(code).toBe(1);
    expect(stderr).toContain(`cannot remove only tag ${token}/${shared}:p`);
    expect(stderr).toContain(`account "dev" may not delete ${token}/${shared}`);
    expect(stderr).toContain('still tagged q');
    expect(stderr).toContain(`pinyard registry rm ${token}/${shared}@${alpine.indexDigest}`);
    expect(await peer.tags(token, shared)).toEqual(['p', 'q']);
    expect(await peer.digest(token, shared, 'p')).toBe(alpine.indexDigest);
  });

  it('removes a shared tag on a basic-auth registry', async () => {
    const { code } = await pinyard(basicUser, 'registry', 'rm', `${basicHost}/${ns}/app:1`, '--yes');
    expect(code).toBe(0);
    expect(await peer.tags(basicHost, `${ns}/app`)).toEqual(['2']);
    expect(await peer.digest(basicHost, `${ns}/app`, '2')).toBe(alpine.indexDigest);
  });

  it('removes a shared tag on an anonymous registry', async () => {
    const repository = `scratch-${ns}/app`;
    const { code } = await pinyard(nobody, 'registry', 'rm', `${upstream}/${repository}:1`, '--yes');
    expect(code).toBe(0);
    expect(await peer.tags(upstream, repository)).toEqual(['2']);
    expect(await peer.digest(upstream, repository, '2')).toBe(busybox.indexDigest);
  });

  describe('on a registry whose config does not allow deleting', () => {
    let registry: ResultPromise;
    let host: string;
    beforeAll(async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'pinyard-no-delete-'));
      host = `127.0.0.1:${await freePort()}`;
      const config = path.join(dir, 'config.yml');
      await writeFile(
        config,
        `version: 0.1\nstorage: { filesystem: { rootdirectory: ${dir}/storage } }\nhttp: { addr: "${host}" }\n`,
      );
      registry = execa('docker-registry', ['serve', config], { reject: false });
      const up = await pollUntil(
        () =>
          fetch(`http://${host}/v2/`).then(
            (r) => r.ok || undefined,
            () => undefined,
          ),
        15_000,
      );
      if (!up) throw new Error(`docker-registry on ${host} did not start`);
      await skopeoCopy(`${upstream}/library/busybox:1.36`, `${host}/app:1`);
      await skopeoCopy(`${upstream}/library/busybox:1.36`, `${host}/app:2`);
    });
    afterAll(() => {
      registry?.kill();
    });

    it('says deleting is turned off, and how to turn it on, before changing anything', async () => {
      const { code, stderr } = await pinyard(nobody, 'registry', 'rm', `${host}/app:1`, '--yes');
      expect(code).toBe(1);
      expect(stderr).toContain(`registry ${host} does not allow deleting`);
      expect(stderr).toContain('delete: { enabled: true }');
      expect(await peer.tags(host, 'app')).toEqual(['1', '2']);
    });
  });

  it('asks for a tag or a digest rather than guess `latest`', async () => {
    const { code, stderr } = await pinyard(adminUser, 'registry', 'rm', `${token}/${set}`, '--yes');
    expect(code).toBe(2);
    expect(stderr).toContain('names neither a tag nor a digest');
  });
});

describe('pinyard registry inspect and prune on built images', () => {
  const home = `${ns}/proj`;
  let project: Who;
  /** The app's digest after each of three builds, each with a changed file. */
  const app: Array<{ digest: string; contentTag: string }> = [];
  let base: { digest: string; ref: string };

  const build = async () => {
    const result = await json<BuildReport>(project, 'build', '--push');
    expect(result.code, result.stderr).toBe(0);
    return result.body;
  };

  beforeAll(async () => {
    const dir = tempProject({
      'images.yml': [
        'version: 1',
        `registry: ${token}/${home}`,
        `mirrors: { docker.io: ["${upstream}"] }`,
        'environments:',
        '  staging: { repository: "staging/{name}" }',
        'images:',
        '  base: { context: images/base, tags: ["1"] }',
        '  app: { context: images/app, tags: ["1.0"] }',
        '',
      ].join('\n'),
      'images/base/Dockerfile': 'FROM alpine:3.20\nCOPY base.txt /base.txt\n',
      'images/base/base.txt': 'base\n',
      'images/app/Dockerfile': 'FROM base\nCOPY version.txt /version.txt\n',
      'images/app/version.txt': 'v1\n',
    });
    project = { dir, env: { ...adminUser.env } };
    for (const version of ['v1', 'v2', 'v3']) {
      await writeFile(path.join(dir, 'images/app/version.txt'), `${version}\n`);
      const report = await build();
      const built = report.images.find((i) => i.name === 'app')!;
      app.push({ digest: built.digest!, contentTag: built.tags[0]!.split(':').pop()! });
      const b = report.images.find((i) => i.name === 'base')!;
      base = { digest: b.digest!, ref: b.tags[0]! };
    }
    // Staging got the first build (what `promote` will do): the same digest in the environment's repository.
    await skopeoCopy(`${token}/${home}/app@${app[0]!.digest}`, `${token}/${home}/staging/app:1.0`, {
      src: admin,
      dest: admin,
    });
  });

  it('shows the lineage build recorded, through the registry up to the upstream base', async () => {
    const { code, body } = await json<InspectResult>(project, 'registry', 'inspect', 'app:1.0');
    expect(code).toBe(0);
    expect(body).toMatchObject({
      reference: `${token}/${home}/app:1.0`,
      digest: app[2]!.digest,
      kind: 'image',
      lineage: [
        { name: base.ref, digest: base.digest },
        { name: 'docker.io/library/alpine:3.20', digest: alpine.indexDigest, end: 'upstream' },
      ],
      tags: ['1.0', app[2]!.contentTag].sort(),
      environments: [],
    });
    expect(body.config?.labels['org.opencontainers.image.base.digest']).toBe(base.digest);

    const text = await pinyard(project, 'registry', 'inspect', 'app:1.0');
    expect(text.stdout).toContain(`built from ${base.ref}@${base.digest}`);
    expect(text.stdout).toContain(`from docker.io/library/alpine:3.20@${alpine.indexDigest} (upstream)`);
  });

  it('shows which environments point at a digest', async () => {
    const { body } = await json<InspectResult>(project, 'registry', 'inspect', `app@${app[0]!.digest}`);
    expect(body.environments).toEqual([
      { environment: 'staging', references: [`${token}/${home}/staging/app:1.0`] },
    ]);
    expect(body.tags).toEqual([app[0]!.contentTag]);
  });

  it('--dry-run lists what prune would keep and why, and deletes nothing', async () => {
    const { code, body } = await json<PruneResult>(project, 'registry', 'prune', '--keep', '1', '--dry-run');
    expect(code).toBe(0);
    const appPlan = body.repositories.find((r) => r.repository === `${token}/${home}/app`)!;
    expect(appPlan.decisions.map((d) => [d.digest, d.action, d.newest, d.protectedBy])).toEqual([
      [app[2]!.digest, 'keep', 1, ['tag 1.0']],
      [app[1]!.digest, 'delete', undefined, []],
      [app[0]!.digest, 'keep', undefined, ['staging (1.0)']],
    ]);
    const basePlan = body.repositories.find((r) => r.repository === `${token}/${home}/base`)!;
    expect(basePlan.decisions.map((d) => d.action)).toEqual(['keep']);
    expect(body.deleted).toBe(0);
    expect(await peer.digest(token, `${home}/app`, app[1]!.contentTag)).toBe(app[1]!.digest);

    const text = await pinyard(project, 'registry', 'prune', '--keep', '1', '--dry-run');
    expect(text.stdout).toContain('dry run: would delete 1 digest; nothing was changed');
  });

  it('refuses a reader before deleting anything', async () => {
    const reading = { dir: project.dir, env: readerUser.env };
    const { code, stderr } = await pinyard(reading, 'registry', 'prune', '--keep', '1', '--yes');
    expect(code).toBe(1);
    expect(stderr).toContain(`account "reader" may not delete ${token}/${home}/app`);
    expect(await peer.digest(token, `${home}/app`, app[1]!.contentTag)).toBe(app[1]!.digest);
  });

  it('will not prune without --yes when there is no terminal to ask on', async () => {
    const { code, stderr } = await pinyard(project, 'registry', 'prune', '--keep', '1');
    expect(code).toBe(2);
    expect(stderr).toContain(`${token}/${home}/app@${app[1]!.digest} (${app[1]!.contentTag})`);
    expect(await peer.digest(token, `${home}/app`, app[1]!.contentTag)).toBe(app[1]!.digest);
  });

  it('deletes the content tags nothing keeps, keeps the rest, and reminds about garbage collection', async () => {
    const { code, stdout } = await pinyard(project, 'registry', 'prune', '--keep', '1', '--yes');
    expect(code).toBe(0);
    expect(stdout).toContain('deleted 1 content-tagged digest');
    expect(stdout).toContain('garbage collection');
    expect(await peer.digest(token, `${home}/app`, app[1]!.contentTag)).toBeUndefined();
    expect(await peer.digest(token, `${home}/app`, app[1]!.digest)).toBeUndefined();
    expect(await peer.tags(token, `${home}/app`)).toEqual(
      ['1.0', app[0]!.contentTag, app[2]!.contentTag].sort(),
    );
    expect(await peer.digest(token, `${home}/staging/app`, '1.0')).toBe(app[0]!.digest);
  });

  it('names an unknown image with a suggestion', async () => {
    const { code, stderr } = await pinyard(project, 'registry', 'prune', 'ap', '--dry-run');
    expect(code).toBe(2);
    expect(stderr).toContain('unknown image "ap" (did you mean "app"?)');
  });
});
