import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, expect, it } from 'vitest';
import type { BuildReport } from '../../src/report/build/index.js';
import { removeImages } from '../helpers/remove-images.js';
import { tempProject } from '../helpers/temp-project.js';
import { engineClient, worldFromEnv } from '../world/index.js';

const world = worldFromEnv();
const docker = engineClient(world.dockerHost);
const cli = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const run = `many${Date.now()}`;
const created: string[] = [];
afterAll(async () => {
  await removeImages(docker, created);
});

it('builds more than ten images without a MaxListenersExceededWarning (or any other) on stderr', async () => {
  // Twelve siblings, each with a label of its own, so that each is a real build the engine runs.
  const names = Array.from({ length: 12 }, (_, i) => `${run}-${i}`);
  const dir = tempProject({
    'images.yml': [
      'version: 1',
      `mirrors: { docker.io: ["${world.upstream.host}"] }`,
      'images:',
      ...names.map((name) => `  ${name}: { context: ${name} }`),
      '',
    ].join('\n'),
    ...Object.fromEntries(
      names.map((name) => [`${name}/Dockerfile`, `FROM alpine:3.20\nLABEL dev.pinyard.test=${name}\n`]),
    ),
  });
  const { DOCKER_CONTEXT: _c, ...env } = process.env;
  const result = await execa(process.execPath, [cli, '--json', 'build'], {
    cwd: dir,
    env: { ...env, DOCKER_HOST: world.dockerHost },
    reject: false,
  });
  const report = JSON.parse(result.stdout) as BuildReport;
  for (const image of report.images) created.push(...image.tags);
  expect(result.exitCode, result.stderr).toBe(0);
  expect(report.images.map((i) => i.status)).toEqual(Array(12).fill('built'));
  expect(result.stderr).not.toMatch(/MaxListenersExceededWarning|Warning/);
});
