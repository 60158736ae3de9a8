import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import type { BuildReport } from '../src/report/build/index.js';
import { writePinyardTree } from './build-tree.js';

/**
 * A root on the upstream base, then levels of ten, each image a child of the one at its place above, each
 * Dockerfile a LABEL only (301 first builds stay quick). `insecure`: a registry host pinyard may fall back
 * to plain HTTP for.
 */
export async function writeTree(
  dir: string,
  size: number,
  options: { registry: string; mirror: string; label: string; insecure?: string },
): Promise<void> {
  const images = Array.from({ length: size }, (_, i) => ({
    name: imageName(i),
    parent: i === 0 ? undefined : imageName(i <= 10 ? 0 : i - 10),
  }));
  await writePinyardTree(dir, images, {
    ...options,
    dockerfile: (name, from, label) => `FROM ${from}\nLABEL ${label} dev.pinyard.bench.image=${name}\n`,
  });
}

const imageName = (i: number) => `img-${String(i).padStart(3, '0')}`;

/** `pinyard build --push` in the tree, checked to have `expected` every image; its JSON report. */
export async function runPinyardBuild(
  cliPath: string,
  dir: string,
  env: NodeJS.ProcessEnv,
  expected: 'built' | 'skipped',
  size: number,
): Promise<BuildReport> {
  const reportFile = join(dir, 'report.json');
  const run = await execa(process.execPath, [cliPath, 'build', '--push', '--report', reportFile], {
    cwd: dir,
    env,
    reject: false,
    all: true,
  });
  if (run.exitCode !== 0) throw new Error(`pinyard build --push exited ${run.exitCode}:\n${run.all}`);
  const report = JSON.parse(await readFile(reportFile, 'utf8')) as BuildReport;
  const matching = report.images.filter((image) => image.status === expected).length;
  if (report.images.length !== size || matching !== size) {
    throw new Error(`expected ${size} images ${expected}, got ${matching} of ${report.images.length}`);
  }
  return report;
}

/**
 * What a user would script for the same tree: one `docker build` per image, parents first (the report's
 * order), each tagged with its image's name so its children's FROM finds it, on the classic builder; with
 * `pushTo` (a registry namespace), each also pushed there as `:docker-loop`, as a nightly job would (a
 * tag of its own, so pinyard's human tags stay where pinyard put them). `warm` checks that every LABEL
 * step came from the engine's cache, as in a no-change run.
 */
export async function timeDockerLoop(
  loop: { dir: string; names: string[]; env: NodeJS.ProcessEnv; pushTo?: string },
  cache: 'warm' | 'cold-ok',
): Promise<number> {
  const build = 'docker build --force-rm -t "$name" "images/$name"';
  const push = 'docker tag "$name" "$PUSH_TO/$name:docker-loop" && docker push "$PUSH_TO/$name:docker-loop"';
  const script = `for name in "$@"; do ${build} || exit 1; ${loop.pushTo ? `${push} || exit 1; ` : ''}done`;
  const started = performance.now();
  const run = await execa('sh', ['-c', script, 'sh', ...loop.names], {
    cwd: loop.dir,
    env: { ...loop.env, DOCKER_BUILDKIT: '0', PUSH_TO: loop.pushTo ?? '' },
    reject: false,
    all: true,
  });
  const wallMs = performance.now() - started;
  if (run.exitCode !== 0) throw new Error(`the docker build loop exited ${run.exitCode}:\n${run.all}`);
  const cached = run.all.split('\n').filter((line) => line.includes('Using cache')).length;
  if (cache === 'warm' && cached < loop.names.length) {
    throw new Error(
      `the warm docker build loop took ${cached} of ${loop.names.length} LABEL steps from the cache`,
    );
  }
  return wallMs;
}
