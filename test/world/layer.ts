import { createHash } from 'node:crypto';
import { execa } from 'execa';

/** A gzipped layer blob as a registry stores it. */
export interface Layer {
  data: Buffer;
  /** sha256 of `data`: the manifest's layer digest. */
  digest: string;
  /** sha256 of the uncompressed tar: the config's `rootfs.diff_ids` entry. */
  diffId: string;
}

/**
 * Tars `entries` of `dir` so that the same files give the same bytes on any machine and any day (no owner
 * names, no times, sorted), then gzips without a name or time stamp.
 */
export async function reproducibleLayer(dir: string, entries: string[]): Promise<Layer> {
  const tar = await execa(
    'tar',
    [
      '--format=gnu',
      '--sort=name',
      '--mtime=@0',
      '--owner=0',
      '--group=0',
      '--numeric-owner',
      '-C',
      dir,
      '-cf',
      '-',
      ...[...entries].sort(),
    ],
    { encoding: 'buffer', stripFinalNewline: false },
  );
  const gzip = await execa('gzip', ['-n', '-9'], {
    input: tar.stdout,
    encoding: 'buffer',
    stripFinalNewline: false,
  });
  const data = Buffer.from(gzip.stdout);
  return { data, digest: sha256(data), diffId: sha256(tar.stdout) };
}

export function sha256(data: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}
