import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import type { BuildReport } from '../../src/report/build/index.js';
import { type ExampleProject, exampleProject } from '../helpers/example-project.js';
import { runCli } from '../helpers/run-cli.js';
import { skopeoInspect, skopeoTags } from '../helpers/skopeo.js';
import { tempProject } from '../helpers/temp-project.js';
import {
  engineClient,
  type SecondEngine,
  startSecondEngine,
  worldFromEnv,
  writeDockerConfig,
} from '../world/index.js';
import { freePort } from '../world/ports.js';

const world = worldFromEnv();
const { dev } = world.users;
const engineA = world.dockerHost;
let second: SecondEngine;
let engineB: string;

beforeAll(async () => {
  second = await startSecondEngine(world, (line) => process.stderr.write(`[world] ${line}\n`));
  engineB = second.dockerHost;
});
afterAll(() => second?.stop());

async function build(dir: string, env: NodeJS.ProcessEnv, ...args: string[]) {
  const result = await runCli(['--json', 'build', ...args], dir, env);
  return { ...result, report: JSON.parse(result.stdout) as BuildReport };
}

const byName = (report: BuildReport) => new Map(report.images.map((i) => [i.name, i]));

/** What a user would check with skopeo: the image's labels and layers, as the registry has them. */
const inspect = (ref: string) => skopeoInspect(ref, dev);

/** Writes `engines:` into the project's images.yml, as a user would. */
async function setEngines(project: ExampleProject, engines: string[]): Promise<void> {
  const file = path.join(project.dir, 'images.yml');
  const manifest = parseDocument(await readFile(file, 'utf8'));
  manifest.set('engines', engines);
  await writeFile(file, manifest.toString());
}

describe('pinyard build on two engines, the example tree', () => {
  let project: ExampleProject;
  let first: Awaited<ReturnType<typeof build>>;
  beforeAll(async () => {
    project = await exampleProject(world, { namespace: `dev/e${Date.now()}`, user: dev });
    first = await build(
      project.dir,
      project.env,
      ...['--engine', engineA, '--engine', engineB, '--push', '--concurrency', '1'],
    );
  });

  it('builds every image, and the report names the engine that built each one, both engines used', () => {
    expect(first.code, first.stderr).toBe(0);
    expect(first.report.images.map((i) => i.status)).toEqual(Array(10).fill('built'));
    const engines = first.report.images.map((i) => i.engine);
    expect(new Set(engines)).toEqual(new Set([engineA, engineB]));
  });

  it('builds every child on the exact parent it pinned, pulled by digest where another engine built it', async () => {
    const images = byName(first.report);
    let crossed = 0;
    for (const child of first.report.images) {
      for (const parent of child.parents.map((p) => images.get(p)!)) {
        if (parent.engine === child.engine) continue;
        crossed++;
        const pinned = `${project.registry}/${parent.name}@${parent.digest}`;
        expect(await readFile(child.log!, 'utf8'), child.name).toContain(
          `pulling ${parent.name} as ${pinned} (built on ${parent.engine})`,
        );
        // The child's engine holds the parent by that digest: it was pulled, not rebuilt there.
        const pulled = await engineClient(child.engine!).getImage(pinned).inspect();
        expect(pulled.RepoDigests, child.name).toContain(pinned);
      }
    }
    // Base-alpine has four children and each engine builds one image at a time: at least one of them
    // is built away from it (else this test would prove nothing about pulls).
    expect(crossed).toBeGreaterThan(0);
    const base = images.get('base-alpine')!;
    const baseLayers = (await inspect(base.tags[0]!)).Layers;
    for (const name of ['app', 'builder', 'cli']) {
      const { Labels, Layers } = await inspect(images.get(name)!.tags[0]!);
      expect(Labels['org.opencontainers.image.base.digest'], name).toBe(base.digest);
      expect(Layers.slice(0, baseLayers.length), name).toEqual(baseLayers);
    }
  });

  it('skips every image on a second run with engines: from images.yml, and takes no engine for them', async () => {
    await setEngines(project, [engineA, engineB]);
    const again = await build(project.dir, project.env, '--push', '--concurrency', '1');
    expect(again.code, again.stderr).toBe(0);
    expect(again.report.images.map((i) => i.status)).toEqual(Array(10).fill('skipped'));
    expect(again.report.images.filter((i) => i.engine !== undefined)).toEqual([]);
    expect(again.report.images.map((i) => i.digest)).toEqual(first.report.images.map((i) => i.digest));
  });
});

describe('pinyard build on two engines, a parent and two children', () => {
  it('builds one child beside its parent and the other on the second engine, which pulls the parent by digest', async () => {
    const registry = `${world.tokenRegistry.host}/dev/fan${Date.now()}`;
    const child = (name: string) => `FROM base\nRUN sleep 1 && echo ${name} > /${name}.txt\n`;
    const dir = tempProject({
      'images.yml': [
        'version: 1',
        `registry: ${registry}`,
        `mirrors: { docker.io: ["${world.upstream.host}"] }`,
        'images:',
        '  base: { context: base }',
        '  left: { context: left }',
        '  right: { context: right }',
      ].join('\n'),
      'base/Dockerfile': 'FROM alpine:3.20\nRUN echo base > /base.txt\n',
      'left/Dockerfile': child('left'),
      'right/Dockerfile': child('right'),
    });
    const env = {
      ...process.env,
      DOCKER_CONFIG: await writeDockerConfig(path.join(dir, '.docker'), [
        { host: world.tokenRegistry.host, user: dev },
      ]),
    };
    // One build at a time on each engine: base goes to the first engine, and of the two children that
    // start together, one stays beside base and the other has to go to the second engine.
    const { code, stderr, report } = await build(
      dir,
      env,
      ...['--engine', engineA, '--engine', engineB, '--push', '--concurrency', '1'],
    );
    expect(code, stderr).toBe(0);
    const images = byName(report);
    const base = images.get('base')!;
    expect(base.engine).toBe(engineA);
    const children = ['left', 'right'].map((name) => images.get(name)!);
    expect(children.map((c) => c.engine).sort()).toEqual([engineA, engineB].sort());
    const away = children.find((c) => c.engine === engineB)!;

    const pinned = `${registry}/base@${base.digest}`;
    expect(await readFile(away.log!, 'utf8')).toContain(`pulling base as ${pinned} (built on ${engineA})`);
    const pulled = await engineClient(engineB).getImage(pinned).inspect();
    expect(pulled.RepoDigests).toContain(pinned);
    const { Labels, Layers } = await inspect(away.tags[0]!);
    expect(Labels['org.opencontainers.image.base.digest']).toBe(base.digest);
    const baseLayers = (await inspect(base.tags[0]!)).Layers;
    expect(Layers.slice(0, baseLayers.length)).toEqual(baseLayers);
  });
});

describe('pinyard build refuses engines it cannot use', () => {
  it.each([
    {
      named: '--engine',
      configure: async (_: ExampleProject, down: string) => ['--engine', engineA, '--engine', down],
    },
    {
      named: 'engines: in images.yml',
      configure: async (project: ExampleProject, down: string) => {
        await setEngines(project, [engineA, down]);
        return [];
      },
    },
  ])('names an engine of $named that does not answer, and builds nothing', async ({ named, configure }) => {
    const down = `tcp://127.0.0.1:${await freePort()}`;
    const project = await exampleProject(world, { namespace: `dev/e${Date.now()}-down`, user: dev });
    const args = await configure(project, down);
    const { code, stdout, stderr } = await runCli(['build', ...args, '--push'], project.dir, project.env);
    expect(code).toBe(1);
    expect(stderr).toMatch(/PINYARD_ENGINE/);
    expect(stderr).toContain(`the Docker engine at ${down} does not answer`);
    expect(stderr).toContain(`hint: start that engine, or leave it out of ${named}`);
    // Engines are reached when the first image needs building; that is before any image was built.
    expect(stdout).not.toMatch(/\s(building|built|pushing)\b/);
    await expect(skopeoTags(`${project.registry}/base-alpine`, dev)).rejects.toThrow(
      /name unknown|not found/i,
    );
  });

  it('refuses two engines without --push (exit 2): only the registry carries images between them', async () => {
    const project = await exampleProject(world, { namespace: `dev/e${Date.now()}-local`, user: dev });
    const { code, stderr } = await runCli(
      ['build', '--engine', engineA, '--engine', engineB],
      project.dir,
      project.env,
    );
    expect(code).toBe(2);
    expect(stderr).toMatch(/building on 2 engines \(--engine\) needs --push/);
    expect(stderr).toMatch(/PINYARD_USAGE/);
  });
});
