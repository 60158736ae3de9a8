import { execa } from 'execa';
import type { WorldUser } from '../world/index.js';

/**
 * Copies an image between the world's registries with skopeo (a peer tool, so the fixture does not
 * depend on the code under test). Every world registry is plain HTTP on loopback.
 */
export async function skopeoCopy(
  from: string,
  to: string,
  creds: { src?: WorldUser; dest?: WorldUser } = {},
): Promise<void> {
  const cred = (u: WorldUser) => `${u.username}:${u.password}`;
  await execa('skopeo', [
    'copy',
    '--all',
    '--src-tls-verify=false',
    '--dest-tls-verify=false',
    ...(creds.src ? ['--src-creds', cred(creds.src)] : ['--src-no-creds']),
    ...(creds.dest ? ['--dest-creds', cred(creds.dest)] : []),
    `docker://${from}`,
    `docker://${to}`,
  ]);
}
