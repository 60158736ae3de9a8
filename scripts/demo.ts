// `npm run demo`: pinyard's main job on the example tree, end to end, on local services only.
// It brings up the test world (engine, a token-auth registry, upstream stand-ins), copies images/ and
// images.yml to a scratch directory pointed at those services (the repository's files stay as they
// are), then runs pinyard there as a user would, printing each command and its output.
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { exampleProject } from '../test/helpers/example-project.js';
import { startWorld } from '../test/world/index.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const cli = path.join(repo, 'dist/cli/main.js');

const log = (line: string) => console.log(`  world: ${line}`);
console.log('Starting the local world (Docker engine, registries, token issuer, upstream stand-ins)…');
const world = await startWorld({ log });
// The team's registry becomes the local token-auth registry (as admin, under acme/); Docker Hub is
// reached through the upstream stand-in as a mirror, the way a team without internet access sets it up.
const {
  dir: scratch,
  env,
  registry,
} = await exampleProject(world, { namespace: 'acme', user: world.users.admin });
let failed = false;
try {
  const pinyardExpecting = async (exit: number, ...args: string[]) => {
    console.log(`\n$ pinyard ${args.join(' ')}`);
    const result = await execa(process.execPath, [cli, ...args], {
      cwd: scratch,
      env,
      reject: false,
      all: true,
    });
    console.log(result.all);
    if (result.exitCode !== exit) {
      throw new Error(`pinyard ${args.join(' ')} exited ${result.exitCode}, not ${exit}`);
    }
  };
  const pinyard = (...args: string[]) => pinyardExpecting(0, ...args);

  console.log(`\nThe example tree, copied to ${scratch}, pushing to ${registry} as admin.`);
  await pinyard('plan');
  await pinyard('lock');
  console.log(`\n$ cat images.lock\n${await readFile(path.join(scratch, 'images.lock'), 'utf8')}`);
  await pinyard('lock', '--check');
  await pinyard('build', '--push');
  console.log('\nA second run finds every content tag in the registry and rebuilds nothing:');
  await pinyard('build', '--push');
  console.log('\nPromotion moves the built app to the next environment: the same digest, never rebuilt.');
  console.log('prod requires staging, so app:1.4 cannot go there first:');
  await pinyardExpecting(1, 'promote', 'app:1.4', '--to', 'prod');
  await pinyard('promote', 'app:1.4', '--to', 'staging', '--dry-run');
  await pinyard('promote', 'app:1.4', '--to', 'staging');
  await pinyard('promote', 'app:1.4', '--to', 'prod');
  console.log('\nPromoting the same digest again changes nothing:');
  await pinyard('promote', 'app:1.4', '--to', 'prod');
} catch (error) {
  failed = true;
  console.error(`\ndemo failed: ${(error as Error).message}`);
} finally {
  await world.stop();
  await rm(scratch, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
