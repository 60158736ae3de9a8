import { chmod, copyFile, mkdir, mkdtemp, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { type Layer, reproducibleLayer, sha256 } from './layer.js';
import { findBinary } from './packages.js';
import { WorldError } from './world-error.js';

/** Shared by every world on the machine: the layer only changes when busybox does. */
const cacheDir = join(tmpdir(), 'pinyard-world-cache');

/**
 * The base layer of every upstream stand-in: a static busybox as /bin/busybox with a link per applet, so
 * `/bin/sh`, `echo`, `mkdir`… run in a container on this machine. Built once per busybox binary, then
 * read from the cache.
 */
export async function busyboxRootfs(): Promise<Layer> {
  const busybox = await findBinary('busybox');
  if (!busybox) {
    throw new WorldError('busybox is not installed', {
      hint: 'apt-get install busybox-static',
    });
  }
  const key = sha256(await readFile(busybox)).slice('sha256:'.length);
  const blobFile = join(cacheDir, `rootfs-${key}.tar.gz`);
  const diffIdFile = join(cacheDir, `rootfs-${key}.diff-id`);

  const cached = await readCache(blobFile, diffIdFile);
  if (cached) return cached;

  const layer = await buildRootfs(busybox);
  await mkdir(cacheDir, { recursive: true });
  // Written aside and renamed, so a world starting at the same time never reads half a file.
  const suffix = `.${process.pid}.tmp`;
  await writeFile(blobFile + suffix, layer.data);
  await writeFile(diffIdFile + suffix, layer.diffId);
  await rename(blobFile + suffix, blobFile);
  await rename(diffIdFile + suffix, diffIdFile);
  return layer;
}

async function readCache(blobFile: string, diffIdFile: string): Promise<Layer | undefined> {
  try {
    const [data, diffId] = await Promise.all([readFile(blobFile), readFile(diffIdFile, 'utf8')]);
    return { data, digest: sha256(data), diffId };
  } catch {
    return undefined;
  }
}

async function buildRootfs(busybox: string): Promise<Layer> {
  const root = await mkdtemp(join(tmpdir(), 'pinyard-rootfs-'));
  try {
    for (const [dir, mode] of [
      ['bin', 0o755],
      ['etc', 0o755],
      ['root', 0o700],
      ['tmp', 0o1777],
    ] as const) {
      await mkdir(join(root, dir));
      await chmod(join(root, dir), mode);
    }
    await copyFile(busybox, join(root, 'bin/busybox'));
    await chmod(join(root, 'bin/busybox'), 0o755);
    const { stdout } = await execa(busybox, ['--list']);
    for (const applet of stdout.split('\n').filter((a) => a && a !== 'busybox')) {
      await symlink('busybox', join(root, 'bin', applet));
    }
    for (const [file, text] of [
      ['etc/passwd', 'root:x:0:0:root:/root:/bin/sh\n'],
      ['etc/group', 'root:x:0:\n'],
    ] as const) {
      await writeFile(join(root, file), text);
      await chmod(join(root, file), 0o644);
    }
    return await reproducibleLayer(root, ['bin', 'etc', 'root', 'tmp']);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
