import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { PinyardError } from '../../src/errors.js';
import { runCli } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';
import { FakeRegistry } from './fakes/fake-registry.js';

// `pinyard promote` wired whole, with the registry client replaced by an in-memory registry: the tags
// each repository holds afterwards are what a user would see.
const fakes = vi.hoisted(() => ({ registry: undefined as unknown }));
vi.mock('../../src/registry/index.js', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  RegistryClient: function RegistryClient() {
    return fakes.registry;
  },
}));

const BUILD = 'registry.test/acme';
const PROD = 'prod.test/acme';
let registry: FakeRegistry;
let dir: string;
const digests: Record<string, string> = {};

beforeEach(() => {
  registry = new FakeRegistry();
  fakes.registry = registry;
  for (const name of ['app', 'cli']) digests[name] = registry.storeImage(`${BUILD}/${name}`, '1.4', name);
  dir = tempProject({
    'images.yml': [
      'version: 1',
      `registry: ${BUILD}`,
      'environments:',
      '  staging: { repository: "staging/{name}" }',
      `  prod: { registry: ${PROD}, requires: staging }`,
      'images:',
      '  app: { context: app, tags: ["1.4"] }',
      '  cli: { context: cli, tags: ["1.4"] }',
      '',
    ].join('\n'),
    'app/Dockerfile': 'FROM alpine:3.20\n',
    'cli/Dockerfile': 'FROM alpine:3.20\n',
  });
});

const promote = (...args: string[]) => runCli(['promote', ...args], dir, { PATH: process.env.PATH });

describe('pinyard promote, wired to a fake registry', () => {
  it('points the target tag at the source digest, content first', async () => {
    const { code, stdout } = await promote('app:1.4', '--to', 'staging');
    expect(code).toBe(0);
    expect(registry.tagsOf(`${BUILD}/staging/app`)).toEqual({ '1.4': digests.app });
    expect(stdout).toMatch(/^promoted app: /m);
    const tagPut = registry.calls.indexOf(`PUT ${BUILD}/staging/app:1.4`);
    expect(registry.calls.slice(0, tagPut).filter((c) => c.startsWith('MOUNT'))).toHaveLength(2);
  });

  it('reads the target back: a tag that serves another digest right after it was set fails the run', async () => {
    registry.afterPut = (target) => {
      if (target === `${BUILD}/staging/app:1.4`) registry.storeImage(`${BUILD}/staging/app`, '1.4', 'raced');
    };
    const { code, stderr } = await promote('app:1.4', '--to', 'staging');
    expect(code).toBe(1);
    expect(stderr).toMatch(/staging\/app:1\.4 points at sha256:[0-9a-f]{64} right after it was set/);
  });

  it('moves no tag of any image until the content of every image is in', async () => {
    const cliLayer = [...registry.blobs.get(`${BUILD}/cli`)!].at(-1)!;
    registry.beforeBlob = (_repository, digest) => {
      if (digest === cliLayer) throw new PinyardError('PINYARD_UNREACHABLE', 'connection reset');
    };
    const { code } = await promote('app:1.4', 'cli:1.4', '--to', 'staging');
    expect(code).toBe(1);
    expect(registry.tagsOf(`${BUILD}/staging/app`)).toEqual({});
    expect(registry.tagsOf(`${BUILD}/staging/cli`)).toEqual({});
  });

  it('refuses prod while staging holds another digest under the tag, and writes nothing', async () => {
    registry.storeImage(`${BUILD}/staging/app`, '1.4', 'an older app');
    const { code, stderr } = await promote('app:1.4', '--to', 'prod');
    expect(code).toBe(1);
    expect(stderr).toMatch(/PINYARD_REQUIRES_UNMET/);
    expect(registry.repos.has(`${PROD}/app`)).toBe(false);
    expect(registry.calls.filter((c) => /^(PUT|MOUNT|COPY) /.test(c))).toEqual([]);
  });

  it('writes the step outputs and the job summary in GitHub Actions', async () => {
    const output = path.join(dir, 'github-output');
    const summary = path.join(dir, 'github-summary');
    await writeFile(output, '');
    await writeFile(summary, '');
    const { code } = await runCli(['promote', 'app:1.4', '--to', 'staging'], dir, {
      PATH: process.env.PATH,
      GITHUB_ACTIONS: 'true',
      GITHUB_OUTPUT: output,
      GITHUB_STEP_SUMMARY: summary,
    });
    expect(code).toBe(0);
    const outputs = await readFile(output, 'utf8');
    expect(outputs).toContain(`digest<<`);
    expect(outputs).toContain(digests.app);
    expect(outputs).toMatch(/status<<\S+\nsucceeded\n/);
    expect(outputs).toContain(JSON.stringify({ app: digests.app }));
    const markdown = await readFile(summary, 'utf8');
    expect(markdown).toContain('staging');
    expect(markdown).toMatch(/\| app \| promoted \|/);
  });
});
