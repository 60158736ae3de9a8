import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseLock } from '../../src/lock/index.js';
import { skopeoCopy } from '../helpers/skopeo.js';
import { tempProject } from '../helpers/temp-project.js';
import { worldFromEnv, writeDockerConfig } from '../world/index.js';

/**
 * What a command that talks to a registry loads (issue 14): the registry client speaks node:http and reads
 * headers itself, so Node's bundled undici (fetch, Headers), about 30 ms of compiling on first use, is
 * never loaded. Checked on the built CLI, as a user starts it, by the modules the process loaded.
 */

const world = worldFromEnv();
const repo = fileURLToPath(new URL('../..', import.meta.url));
const cli = path.join(repo, 'dist/cli/main.js');
const source = `${world.tokenRegistry.host}/perf/start-cost-${Date.now()}:1`;

beforeAll(async () => {
  await skopeoCopy(`${world.upstream.host}/library/alpine:3.20`, source, { dest: world.users.admin });
});

describe('a lock against a token registry, in a process of its own', () => {
  it('pins the ref without loading fetch or Headers', async () => {
    const dir = tempProject({
      'images.yml': 'version: 1\nimages:\n  app: { context: app }\n',
      'app/Dockerfile': `FROM ${source}\n`,
    });
    const dockerConfig = await writeDockerConfig(path.join(dir, '.docker'), [
      { host: world.tokenRegistry.host, user: world.users.reader },
    ]);
    const loaded = path.join(dir, 'modules.txt');
    const reporter = path.join(dir, 'report-modules.mjs');
    await writeFile(
      reporter,
      `import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => writeFileSync(${JSON.stringify(loaded)}, process.moduleLoadList.join('\\n')));\n`,
    );
    await promisify(execFile)(process.execPath, ['--import', reporter, cli, 'lock'], {
      cwd: dir,
      env: { ...process.env, DOCKER_CONFIG: dockerConfig },
    });

    const lock = parseLock(await readFile(path.join(dir, 'images.lock'), 'utf8'), 'images.lock');
    expect(lock.upstream[source]?.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const modules = (await readFile(loaded, 'utf8')).split('\n');
    expect(modules).toContain('NativeModule http');
    expect(modules.filter((m) => m.includes('undici'))).toEqual([]);
  });
});
