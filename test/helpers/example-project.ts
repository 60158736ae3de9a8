import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { type World, type WorldUser, writeDockerConfig } from '../world/index.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));

export interface ExampleProject {
  dir: string;
  /** The environment of a user logged in to the world's token registry. */
  env: NodeJS.ProcessEnv;
  /** `127.0.0.1:PORT/<namespace>`, the registry images.yml now points at. */
  registry: string;
}

/**
 * The repository's example tree (images/ + images.yml) copied to a scratch directory and pointed at the
 * world: `registry:` at the token-auth registry under `namespace`, Docker Hub through the upstream
 * stand-in as a mirror, prod at a second namespace. The repository's own files are never touched.
 */
export async function exampleProject(
  world: World,
  options: { namespace: string; user: WorldUser; prodNamespace?: string },
): Promise<ExampleProject> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pinyard-example-'));
  await cp(path.join(repo, 'images'), path.join(dir, 'images'), { recursive: true });
  const manifest = parseDocument(await readFile(path.join(repo, 'images.yml'), 'utf8'));
  const registry = `${world.tokenRegistry.host}/${options.namespace}`;
  manifest.set('registry', registry);
  manifest.set('mirrors', { 'docker.io': [world.upstream.host] });
  manifest.setIn(
    ['environments', 'prod', 'registry'],
    `${world.tokenRegistry.host}/${options.prodNamespace ?? `${options.namespace}-prod`}`,
  );
  await writeFile(path.join(dir, 'images.yml'), manifest.toString());
  const dockerConfig = await writeDockerConfig(path.join(dir, '.docker'), [
    { host: world.tokenRegistry.host, user: options.user },
  ]);
  return {
    dir,
    registry,
    env: { ...process.env, DOCKER_CONFIG: dockerConfig, DOCKER_HOST: world.dockerHost },
  };
}
