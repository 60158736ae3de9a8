import { PinyardError } from '../../errors.js';
import { type ImageGraph, selectImages } from '../../graph/index.js';
import type { ImageConfig } from '../../manifest/index.js';
import { normalizePlatform } from '../../reference/index.js';
import type { BuilderPreference } from './builders.js';
import type { BuildOptions } from './index.js';

/** How `build`'s options and images.yml combine, and which combinations are refused before any work. */

export function builderPreference(
  options: BuildOptions,
  manifest: { builder?: 'buildkit' | 'classic' },
  images: ReadonlyArray<{ name: string; secrets?: Record<string, unknown> }>,
): BuilderPreference {
  const secretImages = images.filter((i) => Object.keys(i.secrets ?? {}).length > 0).map((i) => i.name);
  if (options.builder) return { builder: options.builder, from: '--builder', secretImages };
  if (manifest.builder) return { builder: manifest.builder, from: 'builder: in images.yml', secretImages };
  return { secretImages };
}

/** `--platform`, `--merge-platforms` and multi-platform images: each needs a registry, where an index lives. */
export function checkPlatformOptions(
  options: BuildOptions,
  images: ReadonlyArray<{ name: string; platforms?: string[] }>,
  { pushing, dryRun }: { pushing: boolean; dryRun: boolean },
): void {
  if (options.platform !== undefined && options.mergePlatforms) {
    throw new PinyardError('PINYARD_USAGE', '--platform and --merge-platforms are two different jobs', {
      hint: 'run each platform with --platform, then one job with --merge-platforms',
    });
  }
  if ((options.platform !== undefined || options.mergePlatforms) && !pushing) {
    throw new PinyardError(
      'PINYARD_USAGE',
      'a run split by platform meets in the registry: it needs --push',
      {
        hint: 'add --push',
      },
    );
  }
  const multiPlatform = images.filter((i) => i.platforms).map((i) => i.name);
  if (multiPlatform.length > 0 && !pushing && !dryRun) {
    throw new PinyardError(
      'PINYARD_USAGE',
      `${multiPlatform.join(', ')} ${multiPlatform.length === 1 ? 'is' : 'are'} built for several platforms, which makes an image index in a registry`,
      { hint: 'build with --push (and `registry:` in images.yml)' },
    );
  }
}

/**
 * One platform's job builds the images that have that platform: multi-platform images that list it, and
 * single-platform ones (found by their content tags when another job built them first).
 */
export function forPlatform(
  chosen: ImageGraph,
  graph: ImageGraph,
  images: ReadonlyArray<{ name: string; platforms?: string[] }>,
  platform: string,
): ImageGraph {
  const wanted = normalizePlatform(platform);
  const byName = new Map(images.map((i) => [i.name, i]));
  const keep = chosen.order.filter((name) => {
    const list = byName.get(name)?.platforms;
    return !list || list.some((p) => normalizePlatform(p) === wanted);
  });
  return selectImages(graph, keep);
}

/**
 * `--tag` gives every image of the run the same extra tags: two images of one repository would both claim
 * it, and the second would move the first's tag. Refused before any work.
 */
export function checkExtraTags(tags: string[], names: string[], configs: Map<string, ImageConfig>): void {
  if (tags.length === 0) return;
  const byRepository = new Map<string, string[]>();
  for (const name of names) {
    const repository = configs.get(name)?.repository ?? name;
    byRepository.set(repository, [...(byRepository.get(repository) ?? []), name]);
  }
  for (const [repository, images] of byRepository) {
    if (images.length < 2) continue;
    throw new PinyardError(
      'PINYARD_USAGE',
      `--tag ${tags[0]} would be given to ${images.join(' and ')}, which share repository ${repository}`,
      { hint: 'run them one at a time with --only, or tag them in images.yml' },
    );
  }
}
