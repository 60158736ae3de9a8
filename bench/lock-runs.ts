import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { parseLock } from '../src/lock/index.js';
import { MANIFEST_ACCEPT } from '../src/registry/index.js';
import { type WorldUser, writeDockerConfig } from '../test/world/index.js';
import type { LockTarget } from './lock-registry.js';

const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

export interface LockProject {
  dir: string;
  dockerConfig: string;
  /** The refs its Dockerfiles use, one per image. */
  refs: string[];
}

/** A project of one image per repository, each `FROM <registry>/<repository>:<tag>`, and `user`'s login. */
export async function writeLockProject(
  dir: string,
  target: LockTarget,
  repositories: string[],
  tag: string,
  user: WorldUser,
): Promise<LockProject> {
  const refs = repositories.map((repository) => `${target.registry}/${repository}:${tag}`);
  const lines = ['version: 1', 'images:'];
  for (const [i, ref] of refs.entries()) {
    const name = `image-${String(i).padStart(2, '0')}`;
    await mkdir(join(dir, 'images', name), { recursive: true });
    await writeFile(join(dir, 'images', name, 'Dockerfile'), `FROM ${ref}\n`);
    lines.push(`  ${name}: { context: images/${name} }`);
  }
  await writeFile(join(dir, 'images.yml'), `${lines.join('\n')}\n`);
  const dockerConfig = await writeDockerConfig(join(dir, '.docker'), [{ host: target.registry, user }]);
  return { dir, dockerConfig, refs };
}

/**
 * `pinyard lock` as a user runs it: a fresh process, no images.lock yet. Checks that the lock it wrote pins
 * every ref to the digest the registry serves, so a fast wrong answer cannot pass.
 */
export async function timePinyardLock(
  project: LockProject,
  expected: Map<string, string>,
  cliPath = cli,
): Promise<number> {
  const lockFile = join(project.dir, 'images.lock');
  await rm(lockFile, { force: true });
  const started = performance.now();
  const run = await execa(process.execPath, [cliPath, 'lock'], {
    cwd: project.dir,
    env: { ...process.env, DOCKER_CONFIG: project.dockerConfig },
    reject: false,
  });
  const wallMs = performance.now() - started;
  if (run.exitCode !== 0) throw new Error(`pinyard lock exited ${run.exitCode}: ${run.stderr}`);
  const lock = parseLock(await readFile(lockFile, 'utf8'), 'images.lock');
  for (const ref of project.refs) {
    const pinned = lock.upstream[ref]?.digest;
    if (pinned !== expected.get(ref)) {
      throw new Error(`pinyard pinned ${ref} to ${pinned}; the registry serves ${expected.get(ref)}`);
    }
  }
  return wallMs;
}

/**
 * What a user would script: one `skopeo inspect` per ref, one after the other. `--raw` only fetches the
 * manifest (ping, token, GET: what pinning needs); plain `inspect` also reads the config and lists the
 * repository's tags.
 */
export async function timeSkopeoLoop(
  refs: string[],
  user: WorldUser,
  options: { raw: boolean },
): Promise<number> {
  const raw = options.raw ? ' --raw' : '';
  const script = `for ref in "$@"; do skopeo inspect${raw} --tls-verify=false --creds "$CREDS" "docker://$ref" >/dev/null || exit 1; done`;
  const started = performance.now();
  // The password travels in the environment, not in argv where `ps` shows it.
  await execa('sh', ['-c', script, 'sh', ...refs], {
    env: { ...process.env, CREDS: `${user.username}:${user.password}` },
  });
  return performance.now() - started;
}

/**
 * The physical bound of resolving the refs: one token per repository, all at once, then one HEAD per tag,
 * all at once, by raw fetch in this process (no process start, no parsing, no limits). Returns the time
 * and the digest each ref resolved to.
 */
export async function timeBound(
  target: LockTarget,
  repositories: string[],
  tag: string,
  user: WorldUser,
): Promise<{ wallMs: number; digests: Map<string, string> }> {
  const login = `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`;
  const started = performance.now();
  const tokens = await Promise.all(
    repositories.map(async (repository) => {
      const url = new URL(target.realm);
      url.searchParams.set('service', target.service);
      url.searchParams.set('scope', `repository:${repository}:pull`);
      const response = await fetch(url, { headers: { authorization: login } });
      if (!response.ok) throw new Error(`the token service answered ${response.status} for ${repository}`);
      return ((await response.json()) as { token: string }).token;
    }),
  );
  const digests = await Promise.all(
    repositories.map(async (repository, i) => {
      const response = await fetch(`http://${target.registry}/v2/${repository}/manifests/${tag}`, {
        method: 'HEAD',
        headers: { authorization: `Bearer ${tokens[i]}`, accept: MANIFEST_ACCEPT },
      });
      const digest = response.headers.get('docker-content-digest');
      if (!response.ok || !digest) throw new Error(`HEAD ${repository}:${tag} answered ${response.status}`);
      return [`${target.registry}/${repository}:${tag}`, digest] as const;
    }),
  );
  return { wallMs: performance.now() - started, digests: new Map(digests) };
}
