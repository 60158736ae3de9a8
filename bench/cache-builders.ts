import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { loggedInEnv } from '../test/helpers/logged-in-env.js';
import type { RunningWorld } from '../test/world/index.js';
import { warmUp } from './build.js';
import { type PinyardRun, removeImages, timePinyardBuild } from './build-runs.js';
import { treeImages, writeContent, writePinyardTree } from './build-tree.js';

export type Builder = 'buildkit' | 'classic';
export type Where = 'local' | 'push';
export type BuilderSamples = Record<Where, Record<Builder, number[]>>;

/**
 * The first build of the 30-image bench tree with BuildKit (the default) and with `--builder classic`,
 * local and pushed, on the world's engine. Every run is cold: new content in every image (so neither
 * the engine's layer cache nor BuildKit's applies) and a registry namespace of its own (so nothing is
 * found there either); the images a run made are removed before the next.
 */
export async function measureBuilders(
  world: RunningWorld,
  docker: Docker,
  options: { label: string; rounds: number; concurrency: string; log: (line: string) => void },
): Promise<BuilderSamples> {
  const images = treeImages();
  const dir = join(world.workDir, 'cache-bench-builders');
  const project: PinyardRun = {
    dir,
    env: await loggedInEnv(world, dir, world.users.admin),
  };
  const freshTree = async () => {
    const registry = `${world.tokenRegistry.host}/bench-builders-${randomUUID().slice(0, 8)}`;
    await writePinyardTree(dir, images, { registry, mirror: world.upstream.host, label: options.label });
    await writeContent((name) => join(dir, 'images', name), images, randomUUID());
  };
  await freshTree();
  await warmUp(project, world.dockerHost);

  const samples: BuilderSamples = {
    local: { buildkit: [], classic: [] },
    push: { buildkit: [], classic: [] },
  };
  const variants: Array<[Where, Builder]> = [
    ['local', 'buildkit'],
    ['local', 'classic'],
    ['push', 'buildkit'],
    ['push', 'classic'],
  ];
  for (let round = 1; round <= options.rounds; round++) {
    // Reversed every other round, so neither builder always runs right after the other.
    for (const [where, builder] of round % 2 ? variants : [...variants].reverse()) {
      await freshTree();
      const args = [
        ...['--concurrency', options.concurrency],
        ...(where === 'push' ? ['--push'] : []),
        ...(builder === 'classic' ? ['--builder', 'classic'] : []),
      ];
      const wallMs = await timePinyardBuild(project, args, {
        status: 'built',
        images: images.length,
        builder,
      });
      await removeImages(docker, options.label);
      samples[where][builder].push(wallMs);
      options.log(`round ${round}/${options.rounds}, ${where}, ${builder}: ${(wallMs / 1000).toFixed(1)} s`);
    }
  }
  return samples;
}
