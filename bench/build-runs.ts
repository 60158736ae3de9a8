import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Docker from 'dockerode';
import { execa } from 'execa';
import type { BuildReport } from '../src/report/build/index.js';

const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

export interface PinyardRun {
  /** The directory of images.yml. */
  dir: string;
  /** DOCKER_HOST and DOCKER_CONFIG of the user. */
  env: NodeJS.ProcessEnv;
}

/** Runs `pinyard …` in the project as a user would (a fresh process) and fails on a non-zero exit. */
export async function pinyard(project: PinyardRun, args: string[]): Promise<void> {
  const run = await execa(process.execPath, [cli, ...args], {
    cwd: project.dir,
    env: project.env,
    reject: false,
    all: true,
  });
  if (run.exitCode !== 0) throw new Error(`pinyard ${args.join(' ')} exited ${run.exitCode}:\n${run.all}`);
}

/**
 * Times `pinyard build ARGS` and checks from its report that every image of the tree ended as `expected`
 * (built on a cold cache, skipped on a rerun; by the builder named, if one is), so a fast wrong answer
 * cannot pass.
 */
export async function timePinyardBuild(
  project: PinyardRun,
  args: string[],
  expected: { status: 'built' | 'skipped'; images: number; builder?: 'buildkit' | 'classic' },
): Promise<number> {
  const reportFile = join(project.dir, 'report.json');
  const started = performance.now();
  await pinyard(project, ['build', ...args, '--report', reportFile]);
  const wallMs = performance.now() - started;
  const report = JSON.parse(await readFile(reportFile, 'utf8')) as BuildReport;
  const matching = report.images.filter(
    (image) =>
      image.status === expected.status &&
      (expected.builder === undefined || image.builder === expected.builder),
  ).length;
  if (report.images.length !== expected.images || matching !== expected.images) {
    const got = report.images
      .map((image) => `${image.name}: ${image.status}${image.builder ? ` (${image.builder})` : ''}`)
      .join(', ');
    throw new Error(
      `pinyard build ${args.join(' ')}: expected ${expected.images} ${expected.status}${expected.builder ? ` by ${expected.builder}` : ''}, got ${got}`,
    );
  }
  return wallMs;
}

export interface DockerLoop {
  /** Holds one context directory per image, named for it. */
  dir: string;
  /** The loop tags each image `REPOSITORY/NAME:latest`. */
  repository: string;
  /** In dependency order. */
  names: string[];
  dockerHost: string;
}

/**
 * What a user would script: one `docker build` per image, parents first, on the classic builder pinyard
 * drives too (DOCKER_BUILDKIT=0; the engine has no BuildKit front end here). Checks that the engine took
 * `cached` of the images' own steps (COPY, RUN) from its cache, so a cold run is cold and a warm one warm.
 * LABEL is not counted: siblings share it, so even a cold run finds it cached after the first sibling.
 */
export async function timeDockerLoop(loop: DockerLoop, cached: 'none' | 'all'): Promise<number> {
  // --force-rm: a failed step leaves no container behind, as pinyard's builds do not.
  const script =
    'for name in "$@"; do docker build --force-rm -t "$REPOSITORY/$name:latest" "$name" || exit 1; done';
  const started = performance.now();
  const run = await execa('sh', ['-c', script, 'sh', ...loop.names], {
    cwd: loop.dir,
    env: { ...process.env, DOCKER_HOST: loop.dockerHost, DOCKER_BUILDKIT: '0', REPOSITORY: loop.repository },
    reject: false,
    all: true,
  });
  const wallMs = performance.now() - started;
  if (run.exitCode !== 0) throw new Error(`the docker build loop exited ${run.exitCode}:\n${run.all}`);
  const own = ownSteps(run.all);
  const wrong = own.filter((step) => step.cached !== (cached === 'all'));
  if (own.length !== loop.names.length * 2 || wrong.length > 0) {
    const list = wrong.map((step) => `${step.cached ? 'cached' : 'built'}: ${step.line}`).join('\n');
    throw new Error(
      `the docker build loop should have taken ${cached} of its COPY and RUN steps from the cache:\n${list}`,
    );
  }
  return wallMs;
}

/** The COPY and RUN steps of classic-builder output, each with whether the engine had it cached. */
function ownSteps(output: string): Array<{ line: string; cached: boolean }> {
  const steps: Array<{ line: string; cached: boolean }> = [];
  let current: { line: string; cached: boolean } | undefined;
  for (const line of output.split('\n')) {
    if (line.startsWith('Step ')) {
      current = / : (COPY|RUN) /.test(line) ? { line, cached: false } : undefined;
      if (current) steps.push(current);
    } else if (current && line.includes('Using cache')) current.cached = true;
  }
  return steps;
}

/**
 * Removes every image carrying `label` (`key=value`), tagged or not (the steps of a failed build too),
 * so what a variant built is gone, its cache with it. Leaves first, pass by pass: the engine refuses to
 * remove an image another one is built on, and removing a leaf also removes its untagged parents.
 */
export async function removeImages(docker: Docker, label: string): Promise<void> {
  for (let pass = 0; ; pass++) {
    const images = await docker.listImages({ all: true, filters: { label: [label] } });
    if (images.length === 0) return;
    if (pass === maxRemovePasses) {
      throw new Error(
        `${images.length} images labelled ${label} are still in the engine after ${pass} passes`,
      );
    }
    const parents = new Set(images.map((image) => image.ParentId));
    for (const image of images.filter((candidate) => !parents.has(candidate.Id))) {
      await docker
        .getImage(image.Id)
        .remove({ force: true })
        .catch((error: { statusCode?: number }) => {
          // Removed already, as the untagged parent of a leaf removed before it.
          if (error.statusCode !== 404) throw error;
        });
    }
  }
}

/** A pass removes at least one level of the tree (the no-change bench's 301 images are 31 deep); more passes than this mean an image will not go. */
const maxRemovePasses = 64;
