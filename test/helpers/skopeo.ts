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

/** What `skopeo inspect` says of an image in a world registry: a user's view of what pinyard pushed. */
export interface SkopeoInspected {
  Digest: string;
  /** skopeo says null for an image without labels; empty here. */
  Labels: Record<string, string>;
  Layers: string[];
}

export async function skopeoInspect(ref: string, user: WorldUser): Promise<SkopeoInspected> {
  const { stdout } = await execa('skopeo', [
    'inspect',
    '--tls-verify=false',
    '--creds',
    `${user.username}:${user.password}`,
    `docker://${ref}`,
  ]);
  const inspected = JSON.parse(stdout) as Omit<SkopeoInspected, 'Labels'> & {
    Labels: SkopeoInspected['Labels'] | null;
  };
  return { ...inspected, Labels: inspected.Labels ?? {} };
}

/** A repository's tags in a world registry, sorted, as `skopeo list-tags` lists them (it fails for none). */
export async function skopeoTags(repository: string, user: WorldUser): Promise<string[]> {
  const { stdout } = await execa('skopeo', [
    'list-tags',
    '--tls-verify=false',
    '--creds',
    `${user.username}:${user.password}`,
    `docker://${repository}`,
  ]);
  return (JSON.parse(stdout) as { Tags: string[] }).Tags.sort();
}
