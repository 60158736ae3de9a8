import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { WorldUser } from './types.js';

/**
 * Writes `DIR/config.json` with the `auths` entries `docker login` leaves (base64 `user:password` under the
 * registry host) and returns DIR, ready for DOCKER_CONFIG.
 */
export async function writeDockerConfig(
  dir: string,
  auths: Array<{ host: string; user: WorldUser }>,
): Promise<string> {
  const entries = auths.map(({ host, user }) => [
    host,
    { auth: Buffer.from(`${user.username}:${user.password}`).toString('base64') },
  ]);
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'config.json'),
    `${JSON.stringify({ auths: Object.fromEntries(entries) }, null, '\t')}\n`,
    {
      mode: 0o600,
    },
  );
  return dir;
}
