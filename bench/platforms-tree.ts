import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { parseDocument } from 'yaml';

/** The file each context gets, and the step every stage copies it in with. */
const nonceFile = 'pinyard-bench-nonce';
const nonceStep = `COPY ${nonceFile} /${nonceFile}`;

/**
 * Puts the nonce step right after every FROM of the example tree's Dockerfiles (stages too, such as
 * builder's toolchain), once: with a new nonce file each run, every step after every FROM is new to the
 * engine's layer cache and every image's input hash is new, so no content tag or cached layer applies.
 */
export async function addNonceSteps(imagesDir: string): Promise<void> {
  for (const name of await readdir(imagesDir)) {
    const file = join(imagesDir, name, 'Dockerfile');
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined || text.includes(nonceStep)) continue;
    const lines = text.split('\n').flatMap((line) => (/^FROM\s/i.test(line) ? [line, nonceStep] : [line]));
    await writeFile(file, lines.join('\n'));
  }
}

/** A new nonce in every context: the next build of the tree starts cold. */
export async function writeNonce(imagesDir: string, nonce: string): Promise<void> {
  for (const name of await readdir(imagesDir))
    await writeFile(join(imagesDir, name, nonceFile), `${name} ${nonce}\n`).catch(() => {});
}

export interface TreeSettings {
  /** `host:port/namespace`: a fresh one per cold run. */
  registry: string;
  /** Top-level `platforms:`; undefined builds the engine's own platform, as a tree without it does. */
  platforms?: string[];
  /** Top-level `engines:`; undefined uses DOCKER_HOST's engine alone. */
  engines?: Array<{ host: string; platforms: string[] }>;
}

/** Rewrites images.yml (as exampleProject wrote it) for one variant of the benchmark. */
export async function configureTree(manifestFile: string, settings: TreeSettings): Promise<void> {
  const manifest = parseDocument(await readFile(manifestFile, 'utf8'));
  manifest.set('registry', settings.registry);
  if (settings.platforms) manifest.set('platforms', settings.platforms);
  else manifest.delete('platforms');
  if (settings.engines) manifest.set('engines', settings.engines);
  else manifest.delete('engines');
  await writeFile(manifestFile, manifest.toString());
}

/**
 * Removes from an engine every image tag under `registry` (a namespace only this benchmark run uses), so
 * the shared engine keeps nothing of the benchmark; an image goes with its last tag.
 */
export async function removeTagsUnder(docker: Docker, registry: string): Promise<void> {
  const images = await docker.listImages();
  for (const tag of images.flatMap((image) => image.RepoTags ?? [])) {
    if (!tag.startsWith(`${registry}/`)) continue;
    await docker
      .getImage(tag)
      .remove()
      .catch((error: { statusCode?: number }) => {
        if (error.statusCode !== 404) throw error;
      });
  }
}
