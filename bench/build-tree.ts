import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One image of the synthetic tree; `parent` undefined means the upstream base. */
export interface TreeImage {
  name: string;
  parent: string | undefined;
}

/** The upstream every tree starts from: the world's stand-in for Docker Hub's alpine. */
export const upstreamBase = 'alpine:3.20';

/** 1 + 5 + 10 + 14 = 30 images: a base, then three levels, each image spread over the level above. */
const benchLevelSizes = [1, 5, 10, 14];

/**
 * The tree's images in dependency order (every parent before its children): one level per entry of
 * `levelSizes`, each image's parent spread over the level above.
 */
export function treeImages(levelSizes: number[] = benchLevelSizes): TreeImage[] {
  const images: TreeImage[] = [];
  let above: string[] = [];
  for (const size of levelSizes) {
    const level = Array.from({ length: size }, (_, i) => {
      const name = `img-${String(images.length + i).padStart(2, '0')}`;
      return { name, parent: above.length ? above[i % above.length] : undefined };
    });
    images.push(...level);
    above = level.map((image) => image.name);
  }
  return images;
}

/**
 * The same small Dockerfile for every image: a COPY of its own data file and a RUN of busybox commands,
 * so each image adds two layers of its own. Only the FROM differs between pinyard and the docker loop.
 * The label comes first so that every image the engine commits, even a step of a failed build, carries it.
 */
function dockerfile(name: string, from: string, label: string): string {
  return [
    `FROM ${from}`,
    `LABEL ${label}`,
    `COPY data.txt /srv/${name}/data.txt`,
    `RUN mkdir -p /var/lib/${name} && wc -c /srv/${name}/data.txt > /var/lib/${name}/size && echo ${name} >> /etc/built-images`,
    '',
  ].join('\n');
}

/**
 * A pinyard project of the tree in `dir`: Dockerfiles name their parent by its image name, the base names
 * the upstream, every image has a human tag, `registry:` is where --push goes and `mirrors:` is how upstream refs are resolved.
 */
export async function writePinyardTree(
  dir: string,
  images: TreeImage[],
  options: {
    registry: string;
    mirror: string;
    label: string;
    /** A registry host pinyard may fall back to plain HTTP for. */
    insecure?: string;
    /** Each image's Dockerfile, by default this bench's (COPY and RUN steps of its own). */
    dockerfile?: (name: string, from: string, label: string) => string;
  },
): Promise<void> {
  const lines = [
    'version: 1',
    `registry: ${options.registry}`,
    `mirrors: { docker.io: ["${options.mirror}"] }`,
    ...(options.insecure ? [`insecureRegistries: ["${options.insecure}"]`] : []),
    'images:',
  ];
  const dockerfileOf = options.dockerfile ?? dockerfile;
  for (const { name, parent } of images) {
    await mkdir(join(dir, 'images', name), { recursive: true });
    await writeFile(
      join(dir, 'images', name, 'Dockerfile'),
      dockerfileOf(name, parent ?? upstreamBase, options.label),
    );
    lines.push(`  ${name}: { context: images/${name}, tags: ["1.0"] }`);
  }
  await writeFile(join(dir, 'images.yml'), `${lines.join('\n')}\n`);
}

/** The contexts a `docker build` loop uses: the same Dockerfiles, FROM the loop's own parent tags. */
export async function writeLoopTree(
  dir: string,
  images: TreeImage[],
  options: { repository: string; label: string },
): Promise<void> {
  for (const { name, parent } of images) {
    await mkdir(join(dir, name), { recursive: true });
    const from = parent ? loopTag(options.repository, parent) : upstreamBase;
    await writeFile(join(dir, name, 'Dockerfile'), dockerfile(name, from, options.label));
  }
}

/** The tag the loop gives an image, and its children's FROM. */
function loopTag(repository: string, name: string): string {
  return `${repository}/${name}:latest`;
}

/**
 * Gives every image new content (data.txt, 2 KiB) tied to `nonce`: a run with a fresh nonce finds
 * nothing to reuse in the engine's cache or the registry, the same for pinyard and the loop.
 */
export async function writeContent(
  contextOf: (name: string) => string,
  images: TreeImage[],
  nonce: string,
): Promise<void> {
  await Promise.all(
    images.map(({ name }) => {
      const lines = Array.from(
        { length: 32 },
        (_, i) => `${name} ${nonce} line ${String(i).padStart(2, '0')}`,
      );
      return writeFile(join(contextOf(name), 'data.txt'), `${lines.join('\n').padEnd(2047, '.')}\n`);
    }),
  );
}
