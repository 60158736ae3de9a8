import path from 'node:path';
import { type World, type WorldUser, writeDockerConfig } from '../world/index.js';

/**
 * The environment of a user logged in to the world's token registry (a docker config under `dir/.docker`),
 * on the world's engine: what a pinyard command in `dir` runs with.
 */
export async function loggedInEnv(world: World, dir: string, user: WorldUser): Promise<NodeJS.ProcessEnv> {
  const dockerConfig = await writeDockerConfig(path.join(dir, '.docker'), [
    { host: world.tokenRegistry.host, user },
  ]);
  return { ...process.env, DOCKER_CONFIG: dockerConfig, DOCKER_HOST: world.dockerHost };
}
