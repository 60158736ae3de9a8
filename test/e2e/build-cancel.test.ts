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
    'slow/Dockerfile': `FROM alpine:3.20\nRUN echo ${marker} && sleep 60\n`,
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
      if (chunk.toString().includes('RUN echo')) resolve();
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
  const running = await execa('docker', ['ps', '--no-trunc', '--format', '{{.Command}}'], { env });
  expect(running.stdout).not.toContain(marker);
  // Neither the human tag nor any content tag names an image in the engine.
  const named = await execa('docker', ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', name], { env });
  expect(named.stdout.trim()).toBe('');
});
