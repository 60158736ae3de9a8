import { cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { parse } from 'yaml';
import { skopeoCopy } from '../test/helpers/skopeo.js';
import type { World } from '../test/world/index.js';
import { startRegistry } from '../test/world/registry-process.js';
import { startDelayProxy } from './delay-proxy.js';

/** Where the benchmarked refs live: a token-auth registry and the token service it sends clients to. */
export interface LockTarget {
  /** `127.0.0.1:PORT`, as the refs name it. */
  registry: string;
  /** The token endpoint as the registry's challenge names it. */
  realm: string;
  service: string;
}

export interface RunningTarget {
  target: LockTarget;
  stop(): Promise<void>;
}

export const benchTag = '1.0';

/** `bench/img-00` …: one tag each, alternately a multi-arch index and a single-platform manifest. */
export function benchRepositories(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `bench/img-${String(i).padStart(2, '0')}`);
}

/**
 * Copies the world's upstream images into its token registry, one per repository: even ones whole (an
 * index of two platforms), odd ones as their amd64 manifest alone.
 */
export async function seedRepositories(world: World, repositories: string[]): Promise<void> {
  const sources = Object.values(world.upstreamImages);
  const limit = pLimit(8);
  await Promise.all(
    repositories.map((repository, i) =>
      limit(() => {
        const image = sources[i % sources.length]!;
        const from = `${world.upstream.host}/${image.repository}${i % 2 === 0 ? `:${image.tag}` : `@${image.platforms['linux/amd64']}`}`;
        return skopeoCopy(from, `${world.tokenRegistry.host}/${repository}:${benchTag}`, {
          dest: world.users.admin,
        });
      }),
    ),
  );
}

/** The world's token registry and issuer, as they are. */
export function bareTarget(world: World): LockTarget {
  const { host, realm, service } = world.tokenRegistry;
  return { registry: host, realm, service };
}

/**
 * The world's token registry and issuer as seen across the internet: each behind a proxy that delays every
 * chunk `oneWayMs` each way. The registry's challenge names its realm, so a second registry (same service,
 * issuer, signing cert and content as the world's) is started whose realm is the delayed issuer.
 */
export async function startDelayedTarget(world: World, oneWayMs: number): Promise<RunningTarget> {
  const cleanups: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    const issuer = await startDelayProxy(new URL(world.tokenRegistry.realm).host, oneWayMs);
    cleanups.push(issuer.close);
    const realm = `http://${issuer.host}/auth`;

    const dir = join(world.workDir, 'delayed-token');
    // The world's token registry keeps its content under DIR/storage, as every startRegistry one does.
    await cp(join(world.tokenRegistry.dir, 'storage'), join(dir, 'storage'), { recursive: true });
    const { service, issuer: issuerName } = world.tokenRegistry;
    const registry = await startRegistry({
      name: 'delayed-token',
      dir,
      auth: { kind: 'token', realm, service, issuer: issuerName, rootCertBundle: await certBundleOf(world) },
    });
    cleanups.push(registry.stop);

    const front = await startDelayProxy(registry.endpoint.host, oneWayMs);
    cleanups.push(front.close);
    return { target: { registry: front.host, realm, service }, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The certificate the world's token registry trusts its issuer's tokens by, read from its config. */
async function certBundleOf(world: World): Promise<string> {
  const config = parse(await readFile(join(world.tokenRegistry.dir, 'config.yml'), 'utf8')) as {
    auth?: { token?: { rootcertbundle?: string } };
  };
  const bundle = config.auth?.token?.rootcertbundle;
  if (!bundle) throw new Error(`${world.tokenRegistry.dir}/config.yml names no token rootcertbundle`);
  return bundle;
}
