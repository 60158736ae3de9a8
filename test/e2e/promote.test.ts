import { createHash } from 'node:crypto';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PromoteReport } from '../../src/report/promote/report.js';
import { exampleProject } from '../helpers/example-project.js';
import { runCli } from '../helpers/run-cli.js';
import { skopeoCopy } from '../helpers/skopeo.js';
import { tempProject } from '../helpers/temp-project.js';
import { readTokenLog, type WorldUser, worldFromEnv, writeDockerConfig } from '../world/index.js';

const world = worldFromEnv();
const { dev, basic } = world.users;
const upstream = world.upstream.host;
const alpine = world.upstreamImages['library/alpine:3.20']!;
const alpine319 = world.upstreamImages['library/alpine:3.19']!;

/** A registry seen through a proxy that records `METHOD path status` of every request it forwards. */
interface Recorded {
  host: string;
  seen: string[];
  /** Set: mount requests reach the registry as plain upload requests, as on a registry that cannot mount. */
  refuseMounts: boolean;
  /** Set: each request waits for the promise it returns before it is forwarded. */
  gate?: (method: string, url: string) => Promise<void> | undefined;
  close(): Promise<void>;
}

async function recording(target: string): Promise<Recorded> {
  const [hostname, port] = target.split(':');
  const seen: string[] = [];
  const server = createServer((req, res) => {
    const path = proxy.refuseMounts && req.url?.includes('mount=') ? req.url.split('?')[0] : req.url;
    const forward = () => {
      const forwarded = request(
        { hostname, port, method: req.method, path, headers: req.headers },
        (answer) => {
          seen.push(`${req.method} ${req.url} ${answer.statusCode}`);
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forwarded.on('error', () => res.destroy());
      req.pipe(forwarded);
    };
    const wait = proxy.gate?.(req.method ?? '', req.url ?? '');
    if (wait) void wait.then(forward);
    else forward();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxy: Recorded = {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    refuseMounts: false,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}

let token: Recorded;
let other: Recorded;
beforeAll(async () => {
  token = await recording(world.tokenRegistry.host);
  other = await recording(world.basicRegistry.host);
});
afterAll(async () => {
  await token?.close();
  await other?.close();
});

interface Project {
  dir: string;
  env: NodeJS.ProcessEnv;
  /** The repository namespace of the build registry: `dev/<unique>`. */
  ns: string;
}

let run = 0;
/**
 * A team's project as dev sees it: app and cli at 1.4 (alpine 3.20's two-platform index) in the build
 * registry under dev/, staging beside them, prod on another registry behind staging, and `locked`, a
 * repository dev may read but not push to.
 */
async function project(): Promise<Project> {
  const id = `p${Date.now()}-${run++}`;
  const ns = `dev/${id}`;
  const dir = tempProject({
    'images.yml': [
      'version: 1',
      `registry: ${token.host}/${ns}`,
      'environments:',
      '  retag: { repository: "{name}" }',
      '  staging: { repository: "staging/{name}" }',
      '  qa: { repository: "qa/{name}" }',
      `  prod: { registry: ${other.host}/${id}, requires: staging }`,
      `  locked: { registry: ${token.host}/locked-${id} }`,
      'images:',
      '  app: { context: images/app, tags: ["1.4"] }',
      '  cli: { context: images/cli, tags: ["1.4"] }',
      '',
    ].join('\n'),
    'images/app/Dockerfile': 'FROM alpine:3.20\n',
    'images/cli/Dockerfile': 'FROM alpine:3.20\n',
  });
  await Promise.all(['app', 'cli'].map((name) => source(ns, name, '1.4', 'library/alpine:3.20')));
  const config = await writeDockerConfig(path.join(dir, '.docker'), [
    { host: token.host, user: dev },
    { host: other.host, user: basic },
  ]);
  return { dir, ns, env: { ...process.env, DOCKER_CONFIG: config, DOCKER_HOST: world.dockerHost } };
}

/** Points `<ns>/<name>:<tag>` of the build registry at an upstream image, as a build would have. */
function source(ns: string, name: string, tag: string, image: string): Promise<void> {
  return skopeoCopy(`${upstream}/${image}`, `${world.tokenRegistry.host}/${ns}/${name}:${tag}`, {
    dest: dev,
  });
}

async function promote(p: Project, ...args: string[]) {
  const result = await runCli(['--json', 'promote', ...args], p.dir, p.env);
  return { ...result, report: JSON.parse(result.stdout) as PromoteReport };
}

/** The digest a reference serves now, by a peer tool (undefined: nothing there). */
async function digestAt(ref: string, user: WorldUser = dev): Promise<string | undefined> {
  const inspected = await execa(
    'skopeo',
    [
      'inspect',
      '--raw',
      '--tls-verify=false',
      '--creds',
      `${user.username}:${user.password}`,
      `docker://${ref}`,
    ],
    { encoding: 'buffer', reject: false },
  );
  if (inspected.exitCode !== 0) return undefined;
  return `sha256:${createHash('sha256').update(inspected.stdout).digest('hex')}`;
}

/** Requests to `registry` since `from` that change something. */
const writes = (registry: Recorded, from: number) =>
  registry.seen.slice(from).filter((line) => /^(POST|PUT|PATCH|DELETE) /.test(line));

describe('promote within one registry', () => {
  let p: Project;
  beforeAll(async () => {
    p = await project();
  });

  it('mounts every blob into the next repository, with one token for source and target', async () => {
    const tokensBefore = (await readTokenLog(world)).length;
    const seenBefore = token.seen.length;
    const { code, report } = await promote(p, 'app:1.4', '--to', 'staging');

    expect(code).toBe(0);
    const tokens = (await readTokenLog(world)).slice(tokensBefore);
    expect(tokens.map((t) => [t.user, [...t.scopes].sort()])).toEqual([
      ['dev', [`repository:${p.ns}/app:pull`, `repository:${p.ns}/staging/app:pull,push`]],
    ]);
    const [app] = report.images;
    expect(app).toMatchObject({
      name: 'app',
      source: `${token.host}/${p.ns}/app:1.4`,
      digest: alpine.indexDigest,
      targets: [`${token.host}/${p.ns}/staging/app:1.4`],
      status: 'promoted',
      strategy: 'mount',
      // alpine's busybox rootfs and marker layers, shared by both platforms, and one config each
      blobs: { mounted: 4, copied: 0, skipped: 0 },
      bytes: 0,
      manifests: 3,
    });
    expect(await digestAt(`${world.tokenRegistry.host}/${p.ns}/staging/app:1.4`)).toBe(alpine.indexDigest);

    const requests = writes(token, seenBefore);
    const mounts = requests.filter((r) => r.includes('?mount=') || r.includes('&mount='));
    expect(mounts).toHaveLength(4);
    for (const mount of mounts) {
      expect(mount).toMatch(new RegExp(`^POST /v2/${p.ns}/staging/app/blobs/uploads/\\?.* 201$`));
    }
    // No blob content went anywhere: the writes are the mounts and the three manifests.
    expect(
      requests.filter((r) => !mounts.includes(r)).map((r) => r.replace(/sha256:\w+/, 'sha256:…')),
    ).toEqual([
      `PUT /v2/${p.ns}/staging/app/manifests/sha256:… 201`,
      `PUT /v2/${p.ns}/staging/app/manifests/sha256:… 201`,
      `PUT /v2/${p.ns}/staging/app/manifests/1.4 201`,
    ]);
  });

  it('streams the blobs itself where the registry answers a mount with an upload session', async () => {
    token.refuseMounts = true;
    try {
      const { code, report } = await promote(p, 'cli:1.4', '--to', 'staging');
      expect(code).toBe(0);
      expect(report.images[0]).toMatchObject({
        status: 'promoted',
        blobs: { mounted: 0, copied: 4, skipped: 0 },
      });
      expect(report.images[0]?.bytes).toBeGreaterThan(500_000);
    } finally {
      token.refuseMounts = false;
    }
    expect(await digestAt(`${world.tokenRegistry.host}/${p.ns}/staging/cli:1.4`)).toBe(alpine.indexDigest);
  });

  it('copies a multi-arch index whole: both platforms are in the target by digest', async () => {
    for (const platform of ['linux/amd64', 'linux/arm64'] as const) {
      expect(
        await digestAt(`${world.tokenRegistry.host}/${p.ns}/staging/app@${alpine.platforms[platform]}`),
      ).toBe(alpine.platforms[platform]);
    }
  });

  it('does nothing the second time, and says so', async () => {
    const seenBefore = token.seen.length;
    const { code, stdout, stderr } = await runCli(['promote', 'app:1.4', '--to', 'staging'], p.dir, p.env);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(
      new RegExp(
        `^unchanged app: ${token.host}/${p.ns}/app:1.4@${alpine.indexDigest} → ${token.host}/${p.ns}/staging/app:1.4 \\(already there, [\\d.]+ s\\)\n$`,
      ),
    );
    expect(writes(token, seenBefore)).toEqual([]);
  });

  it('tags the same repository with one manifest PUT', async () => {
    const seenBefore = token.seen.length;
    const { code, report } = await promote(p, 'app:1.4', '--to', 'retag', '--tag', '1.4.2');
    expect(code).toBe(0);
    expect(report.images[0]).toMatchObject({ strategy: 'tag', status: 'promoted', manifests: 1 });
    expect(writes(token, seenBefore)).toEqual([`PUT /v2/${p.ns}/app/manifests/1.4.2 201`]);
    expect(await digestAt(`${world.tokenRegistry.host}/${p.ns}/app:1.4.2`)).toBe(alpine.indexDigest);
  });

  it('promotes a digest alone, with no tag in the target', async () => {
    const { code, report } = await promote(p, `cli@${alpine.indexDigest}`, '--to', 'qa');
    expect(code).toBe(0);
    expect(report.images[0]).toMatchObject({
      status: 'promoted',
      targets: [`${token.host}/${p.ns}/qa/cli@${alpine.indexDigest}`],
    });
    expect(await digestAt(`${world.tokenRegistry.host}/${p.ns}/qa/cli@${alpine.indexDigest}`)).toBe(
      alpine.indexDigest,
    );
    expect(await digestAt(`${world.tokenRegistry.host}/${p.ns}/qa/cli:1.4`)).toBeUndefined();
  });

  it('can be pulled by digest through the docker engine, and runs', async () => {
    const ref = `${token.host}/${p.ns}/staging/app@${alpine.indexDigest}`;
    await execa('docker', ['pull', ref], { env: p.env });
    try {
      const { stdout } = await execa('docker', ['run', '--rm', ref, 'cat', '/etc/pinyard-upstream'], {
        env: p.env,
      });
      expect(stdout).toBe('library/alpine:3.20 generation 0');
    } finally {
      await execa('docker', ['image', 'rm', ref], { env: p.env, reject: false });
    }
  });
});

describe('promote to another registry', () => {
  let p: Project;
  beforeAll(async () => {
    p = await project();
  });

  it('refuses to skip an environment that prod requires, and writes nothing', async () => {
    const seenBefore = other.seen.length;
    const { code, report } = await promote(p, 'app:1.4', '--to', 'prod');
    expect(code).toBe(1);
    expect(report.error).toMatchObject({
      code: 'PINYARD_REQUIRES_UNMET',
      message: `prod requires staging first: ${token.host}/${p.ns}/staging/app:1.4 does not exist yet (promoting ${token.host}/${p.ns}/app:1.4@${alpine.indexDigest})`,
      hint: 'promote it to staging first: pinyard promote app:1.4 --to staging',
    });
    expect(report.images[0]?.status).toBe('refused');
    expect(writes(other, seenBefore)).toEqual([]);
  });

  it('streams every blob from registry to registry once staging has it', async () => {
    expect((await promote(p, 'app:1.4', '--to', 'staging')).code).toBe(0);
    const seenBefore = other.seen.length;
    const { code, report } = await promote(p, 'app:1.4', '--to', 'prod');

    expect(code).toBe(0);
    const [app] = report.images;
    expect(app).toMatchObject({
      digest: alpine.indexDigest,
      targets: [`${other.host}/${p.ns.slice(4)}/app:1.4`],
      status: 'promoted',
      strategy: 'copy',
      blobs: { mounted: 0, copied: 4, skipped: 0 },
      manifests: 3,
    });
    expect(app?.bytes).toBeGreaterThan(500_000);
    const prod = `${world.basicRegistry.host}/${p.ns.slice(4)}/app`;
    expect(await digestAt(`${prod}:1.4`, basic)).toBe(alpine.indexDigest);
    for (const digest of Object.values(alpine.platforms))
      expect(await digestAt(`${prod}@${digest}`, basic)).toBe(digest);
    // Each blob went up once, whole, straight from the source: a POST for the session, a PUT with the body.
    const uploads = writes(other, seenBefore).filter((r) => r.includes('/blobs/uploads/'));
    expect(uploads.filter((r) => r.startsWith('POST '))).toHaveLength(4);
    expect(uploads.filter((r) => r.startsWith('PUT ') && r.endsWith(' 201'))).toHaveLength(4);
  });

  it('copies a single-platform image: its manifest and blobs, no index', async () => {
    const amd64 = alpine.platforms['linux/amd64'];
    await skopeoCopy(`${upstream}/library/alpine@${amd64}`, `${world.tokenRegistry.host}/${p.ns}/cli:amd64`, {
      dest: dev,
    });
    expect((await promote(p, 'cli:amd64', '--to', 'staging')).code).toBe(0);
    const { code, report } = await promote(p, 'cli:amd64', '--to', 'prod');
    expect(code).toBe(0);
    expect(report.images[0]).toMatchObject({ digest: amd64, manifests: 1, blobs: { copied: 3, skipped: 0 } });
    expect(await digestAt(`${world.basicRegistry.host}/${p.ns.slice(4)}/cli:amd64`, basic)).toBe(amd64);
  });

  it('skips the blobs the target registry already has', async () => {
    // 3.19 shares its busybox rootfs layer with 3.20; its marker layer and configs are its own.
    await source(p.ns, 'app', '1.3', 'library/alpine:3.19');
    expect((await promote(p, 'app:1.3', '--to', 'staging')).code).toBe(0);
    const seenBefore = other.seen.length;
    const { code, report } = await promote(p, 'app:1.3', '--to', 'prod');
    expect(code).toBe(0);
    expect(report.images[0]).toMatchObject({
      digest: alpine319.indexDigest,
      blobs: { mounted: 0, copied: 3, skipped: 1 },
    });
    // The upload session opened for the shared layer, before the registry said it has it, is cancelled.
    const sessions = writes(other, seenBefore).filter((r) => r.includes('/blobs/uploads/'));
    expect(sessions.filter((r) => r.startsWith('PUT ') && r.endsWith(' 201'))).toHaveLength(3);
    expect(sessions.filter((r) => r.startsWith('DELETE ') && r.endsWith(' 204'))).toHaveLength(1);
  });

  it('asks the target for each blob in the same round trip as the copy starts, not one before', async () => {
    const q = await project();
    expect((await promote(q, 'app:1.4', '--to', 'staging')).code).toBe(0);
    // The target's answers to "have you this blob?" are held until every upload session was asked for:
    // a client that waits for those answers before it starts copying is only let go by the safety timer.
    const blobs = 4;
    let posts = 0;
    let releasedBy: 'posts' | 'timer' | undefined;
    let release: (() => void) | undefined;
    const allPosted = new Promise<void>((resolve) => {
      release = resolve;
    });
    const timer = setTimeout(() => {
      releasedBy ??= 'timer';
      release?.();
    }, 5000);
    other.gate = (method, url) => {
      if (method === 'POST' && url.includes('/blobs/uploads/') && ++posts === blobs) {
        releasedBy ??= 'posts';
        release?.();
      }
      return method === 'HEAD' && url.includes('/blobs/') ? allPosted : undefined;
    };
    try {
      const { code, report } = await promote(q, 'app:1.4', '--to', 'prod');
      expect(code).toBe(0);
      expect(report.images[0]).toMatchObject({ status: 'promoted', blobs: { copied: 4, skipped: 0 } });
    } finally {
      other.gate = undefined;
      clearTimeout(timer);
    }
    expect(releasedBy).toBe('posts');
  });

  it('asks the target which blobs it has before a dry run reports what it would copy', async () => {
    const q = await project();
    expect((await promote(q, 'app:1.4', '--to', 'staging')).code).toBe(0);
    const seenBefore = other.seen.length;
    const { code, report } = await promote(q, 'app:1.4', '--to', 'prod', '--dry-run');
    expect(code).toBe(0);
    expect(report.images[0]).toMatchObject({ status: 'planned', blobs: { copied: 4, skipped: 0 } });
    expect(other.seen.slice(seenBefore).filter((r) => /^HEAD \S+\/blobs\//.test(r))).toHaveLength(4);
    expect(writes(other, seenBefore)).toEqual([]);
  });
});

describe('guards', () => {
  let p: Project;
  beforeAll(async () => {
    p = await project();
  });

  it('refuses to move an environment’s tag to another digest, then moves it with --force', async () => {
    const staged = `${world.tokenRegistry.host}/${p.ns}/staging/app:1.4`;
    expect((await promote(p, 'app:1.4', '--to', 'staging')).code).toBe(0);
    // A rebuild moved app:1.4 in the build registry.
    await source(p.ns, 'app', '1.4', 'library/alpine:3.19');

    const refused = await runCli(['promote', 'app:1.4', '--to', 'staging'], p.dir, p.env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      [
        `pinyard: ${token.host}/${p.ns}/staging/app:1.4 already points at ${alpine.indexDigest}, not at ${alpine319.indexDigest} (promoting ${token.host}/${p.ns}/app:1.4@${alpine319.indexDigest}) (PINYARD_TAG_CONFLICT)`,
        'hint: tags of an environment do not move: promote under a new tag (--tag), or pass --force to move it',
        '',
      ].join('\n'),
    );
    expect(await digestAt(staged)).toBe(alpine.indexDigest);

    const forced = await promote(p, 'app:1.4', '--to', 'staging', '--force');
    expect(forced.code).toBe(0);
    expect(forced.report.images[0]?.status).toBe('promoted');
    expect(await digestAt(staged)).toBe(alpine319.indexDigest);
  });

  it('refuses an account that may not push to the target, naming it, and writes nothing', async () => {
    const seenBefore = token.seen.length;
    for (const dryRun of [[], ['--dry-run']]) {
      const { code, report } = await promote(p, 'cli:1.4', '--to', 'locked', ...dryRun);
      expect(code).toBe(1);
      expect(report.error).toMatchObject({
        code: 'PINYARD_DENIED',
        message: `access denied: account "dev" may not push ${token.host}/locked-${p.ns.slice(4)}/cli; nothing was promoted`,
      });
      expect(report.access.map((a) => [a.repository, a.status, a.missing])).toEqual([
        [`${p.ns}/cli`, 'granted', []],
        [`locked-${p.ns.slice(4)}/cli`, 'denied', ['push']],
      ]);
    }
    // The token service said so: the registry itself was only asked who it trusts.
    expect(token.seen.slice(seenBefore).every((r) => r.startsWith('GET /v2/ '))).toBe(true);
  });

  it('checks with --dry-run what it would copy and that it may, and writes nothing', async () => {
    const seenBefore = token.seen.length;
    const { code, stdout } = await runCli(
      ['promote', 'cli:1.4', '--to', 'staging', '--dry-run'],
      p.dir,
      p.env,
    );
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        `would promote cli: ${token.host}/${p.ns}/cli:1.4@${alpine.indexDigest} → ${token.host}/${p.ns}/staging/cli:1.4 (mount: blobs 4 to mount, 0 to copy; 0 B to send; 3 manifests to write)`,
        'access:',
        `  pull on ${token.host}/${p.ns}/cli: granted to "dev"`,
        `  pull,push on ${token.host}/${p.ns}/staging/cli: granted to "dev"`,
        '',
      ].join('\n'),
    );
    expect(writes(token, seenBefore)).toEqual([]);
    expect(await digestAt(`${world.tokenRegistry.host}/${p.ns}/staging/cli:1.4`)).toBeUndefined();
  });
});

describe('several images at once', () => {
  let p: Project;
  beforeAll(async () => {
    p = await project();
  });

  it('promotes none when one of them cannot be, and says which', async () => {
    const seenBefore = token.seen.length;
    const { code, report } = await promote(p, 'app:1.4', 'cli:9.9', '--to', 'staging');
    expect(code).toBe(1);
    expect(report.images.map((i) => [i.name, i.status, i.error?.code])).toEqual([
      ['app', 'not-promoted', undefined],
      ['cli', 'refused', 'PINYARD_NOT_FOUND'],
    ]);
    expect(report.error?.message).toBe('1 of 2 images cannot be promoted to staging; nothing was promoted');
    expect(writes(token, seenBefore)).toEqual([]);
  });

  it('promotes them all in one step', async () => {
    const { code, report } = await promote(p, 'app:1.4', 'cli:1.4', '--to', 'staging');
    expect(code).toBe(0);
    expect(report.images.map((i) => [i.name, i.status, i.digest])).toEqual([
      ['app', 'promoted', alpine.indexDigest],
      ['cli', 'promoted', alpine.indexDigest],
    ]);
    for (const name of ['app', 'cli']) {
      expect(await digestAt(`${world.tokenRegistry.host}/${p.ns}/staging/${name}:1.4`)).toBe(
        alpine.indexDigest,
      );
    }
  });
});

describe('the example tree', () => {
  it('promotes app:1.4 to staging, then to prod, which requires staging', async () => {
    const example = await exampleProject(world, { namespace: `dev/e${Date.now()}`, user: dev });
    await skopeoCopy(`${upstream}/library/alpine:3.20`, `${example.registry}/app:1.4`, { dest: dev });
    const promote = (to: string) => runCli(['promote', 'app:1.4', '--to', to], example.dir, example.env);

    const early = await promote('prod');
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(
      /^pinyard: prod requires staging first: .*\/staging\/app:1\.4 does not exist yet/,
    );
    expect((await promote('staging')).stdout).toMatch(
      /^promoted app: .* \(mount: blobs 4 mounted, 0 copied;/,
    );
    const prod = await promote('prod');
    expect(prod.stdout).toMatch(
      new RegExp(`^promoted app: .* → ${example.registry}-prod/app:1\\.4 \\(mount: `),
    );
    expect(await digestAt(`${example.registry}-prod/app:1.4`)).toBe(alpine.indexDigest);
  });
});
