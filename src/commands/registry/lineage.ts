import { PinyardError } from '../../errors.js';
import { tryParseReference } from '../../reference/index.js';
import type { LineageStep } from '../../report/registry/types.js';
import { BASE_DIGEST_LABEL, BASE_NAME_LABEL } from './image-config.js';
import type { ImageDescriber, PlatformImage } from './image-summary.js';

/** Far deeper than any real tree; it stops a chain of labels that loops. */
const MAX_DEPTH = 32;

/**
 * The chain of bases `build` recorded in the OCI base.name/base.digest labels, nearest first. It is
 * followed through the registry while the base is in it (the same host); a base elsewhere (Docker Hub, a
 * mirror) is the last step, named but not fetched: it is someone else's image, and Hub counts pulls.
 */
export async function traceLineage(
  describer: ImageDescriber,
  start: { registry: string; labels: Record<string, string>; platform?: string },
): Promise<LineageStep[]> {
  const steps: LineageStep[] = [];
  let labels = start.labels;
  while (steps.length < MAX_DEPTH) {
    const name = labels[BASE_NAME_LABEL];
    const digest = labels[BASE_DIGEST_LABEL];
    if (!name || !digest) break;
    const parsed = tryParseReference(name);
    if (!parsed.ok || parsed.ref.registry !== start.registry) {
      steps.push({ name, digest, end: 'upstream' });
      break;
    }
    if (steps.some((s) => s.digest === digest)) break;
    try {
      const summary = await describer.describe(parsed.ref, digest);
      steps.push({ name, digest });
      labels = pickImage(summary.images, start.platform)?.config?.labels ?? {};
    } catch (e) {
      if (!(e instanceof PinyardError) || (e.code !== 'PINYARD_NOT_FOUND' && e.code !== 'PINYARD_DENIED'))
        throw e;
      steps.push({ name, digest, end: e.code === 'PINYARD_NOT_FOUND' ? 'not-found' : 'denied' });
      break;
    }
  }
  return steps;
}

/** The image of `platform`; without one, linux/amd64 when there is one (what most users run), else the first. */
export function pickImage(images: PlatformImage[], platform?: string): PlatformImage | undefined {
  return (
    images.find((i) => i.platform === platform) ??
    (platform === undefined ? (images.find((i) => i.platform === 'linux/amd64') ?? images[0]) : images[0])
  );
}
