// `npm run demo`: pinyard's main job on the example tree, end to end, on local services only.
// It brings up the test world (engine, a token-auth registry, upstream stand-ins), copies images/ and
// images.yml to a scratch directory pointed at those services (the repository's files stay as they
// are), then runs pinyard there as a user would, printing each command and its output.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { parseDocument } from 'yaml';
import { startWorld, writeDockerConfig } from '../test/world/index.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const cli = path.join(repo, 'dist/cli/main.js');

const log = (line: string) => console.log(`  world: ${line}`);
console.log('Starting the local world (Docker engine, registries, token issuer, upstream stand-ins)…');
const world = await startWorld({ log });
const scratch = await mkdtemp(path.join(tmpdir(), 'pinyard-demo-'));
let failed = false;
try {
  await cp(path.join(repo, 'images'), path.join(scratch, 'images'), { recursive: true });
  const manifest = parseDocument(await readFile(path.join(repo, 'images.yml'), 'utf8'));
  // The team's registry becomes the local token-auth registry; Docker Hub is reached through the
  // upstream stand-in, as a mirror, the way a team without internet access would set it up.
  manifest.set('registry', `${world.tokenRegistry.host}/acme`);
  manifest.set('mirrors', { 'docker.io': [world.upstream.host] });
  manifest.setIn(['environments', 'prod', 'registry'], `${world.tokenRegistry.host}/prod`);
  await writeFile(path.join(scratch, 'images.yml'), manifest.toString());
  const dockerConfig = await writeDockerConfig(path.join(scratch, '.docker'), [
    { host: world.tokenRegistry.host, user: world.users.admin },
  ]);
  const env = { ...process.env, DOCKER_CONFIG: dockerConfig, DOCKER_HOST: world.dockerHost };

  const pinyard = async (...args: string[]) => {
    console.log(`\n$ pinyard ${args.join(' ')}`);
    const result = await execa(process.execPath, [cli, ...args], {
      cwd: scratch,
      env,
      reject: false,
      all: true,
    });
    console.log(result.all);
    if (result.exitCode !== 0) throw new Error(`pinyard ${args.join(' ')} exited ${result.exitCode}`);
  };

  console.log(
    `\nThe example tree, copied to ${scratch}, pushing to ${world.tokenRegistry.host}/acme as admin.`,
  );
  await pinyard('plan');
  await pinyard('lock');
  console.log(`\n$ cat images.lock\n${await readFile(path.join(scratch, 'images.lock'), 'utf8')}`);
  await pinyard('lock', '--check');
} catch (error) {
  failed = true;
  console.error(`\ndemo failed: ${(error as Error).message}`);
} finally {
  await world.stop();
  await rm(scratch, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
