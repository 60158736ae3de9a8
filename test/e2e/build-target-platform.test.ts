import { expect, it } from 'vitest';
import type { BuildReport } from '../../src/report/build/index.js';
import { runCli } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';
import { engineClient, worldFromEnv } from '../world/index.js';

// `target:` of images.yml reaches the engine: the image it keeps is that stage. (`platform:` reaches the
// engine too, test/unit/build-command.test.ts; the classic builder of dockerd 20.10 builds on the local
// amd64 base it holds whatever the platform, so the architecture is not asserted here.)
const world = worldFromEnv();

it('builds the named stage, not the last one', async () => {
  const name = `staged${Date.now()}`;
  const dir = tempProject({
    'images.yml': [
      'version: 1',
      `mirrors: { docker.io: ["${world.upstream.host}"] }`,
      'images:',
      `  ${name}: { context: img, tags: ["1"], target: runtime }`,
      '',
    ].join('\n'),
    'img/Dockerfile': [
      'FROM alpine:3.20 AS runtime',
      'LABEL stage=runtime',
      'FROM alpine:3.20 AS debug',
      'LABEL stage=debug',
      '',
    ].join('\n'),
  });
  const result = await runCli(['--json', 'build'], dir, { ...process.env, DOCKER_HOST: world.dockerHost });
  expect(result.code, result.stderr).toBe(0);
  const report = JSON.parse(result.stdout) as BuildReport;
  const engine = engineClient(world.dockerHost);
  const image = await engine.getImage(`${name}:1`).inspect();
  expect(image.Id).toBe(report.images[0]!.digest);
  expect(image.Config.Labels).toMatchObject({ stage: 'runtime' });
  await engine.getImage(`${name}:1`).remove({ force: true });
});
