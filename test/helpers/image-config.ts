import type { ImageConfig } from '../../src/manifest/index.js';

/** An image of images.yml as normalize makes it, for tests of what is done with one. */
export function imageConfig(name: string, extra: Partial<ImageConfig> = {}): ImageConfig {
  return {
    name,
    repository: name,
    context: `/ctx/${name}`,
    dockerfile: `/ctx/${name}/Dockerfile`,
    args: {},
    tags: [],
    ...extra,
  };
}
