import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { expect, it } from 'vitest';
import type { BuildReport } from '../../src/report/build/index.js';
import { tempProject } from '../helpers/temp-project.js';
import { worldFromEnv } from '../world/index.js';

const world = worldFromEnv();
const cli = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

it('SIGINT cancels a running build: the engine stops it, the run reports cancelled and exits 1', async () => {
  const marker = `pinyard-cancel-${Date.now()}`;
  const name = `slow${Date.now()}`;
  const dir = tempProject({
    'images.yml': `version: 1\nmirrors: { docker.io: ["${world.upstream.host}"] }\nimages:\n  ${name}: { context: slow, tags: ["1"] }\n`,
    // The marker after the sleep keeps the shell (and so the marker) in the step's process list.
    'slow/Dockerfile': `FROM alpine:3.20\nRUN sleep 60 && echo ${marker}\n`,
  });
  const env = { ...process.env, DOCKER_HOST: world.dockerHost };
  const child = execa(process.execPath, [cli, 'build', '--report', 'report.json'], {
    cwd: dir,
    env,
    reject: false,
  });
  // Wait for the build step that sleeps, as a user would watch for it, then press Ctrl-C.
  await new Promise<void>((resolve) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('RUN sleep')) resolve();
    });
  });
  child.kill('SIGINT');
  const result = await child;
  expect(result.exitCode).toBe(1);
  const report = JSON.parse(await readFile(path.join(dir, 'report.json'), 'utf8')) as BuildReport;
  expect(report.status).toBe('cancelled');
  // Had the build gone on, the 60 s step would have finished and the image would be built.
  expect(report.images).toEqual([expect.objectContaining({ name, status: 'blocked' })]);
  expect(report.images[0]?.digest).toBeUndefined();
  // BuildKit runs RUN steps in containers of its own, which `docker ps` does not list: look for the step's
  // process on the machine instead. The engine stops it as it cancels, which may take it a moment.
  expect(await stepStillRunning(marker)).toBe(false);
  const running = await execa('docker', ['ps', '--no-trunc', '--format', '{{.Command}}'], { env });
  expect(running.stdout).not.toContain(marker);
  // Neither the human tag nor any content tag names an image in the engine.
  const named = await execa('docker', ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', name], { env });
  expect(named.stdout.trim()).toBe('');
});

/** Whether a process whose command line has `marker` is still running after up to 15 s. */
async function stepStillRunning(marker: string): Promise<boolean> {
  for (let i = 0; i < 30; i++) {
    const { stdout } = await execa('ps', ['-eo', 'args'], { reject: false });
    if (!stdout.split('\n').some((line) => line.includes(marker))) return false;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return true;
}
