import type { BuiltImage } from './image-task.js';

export interface TagMove {
  name: string;
  /** `repository:tag` */
  ref: string;
  digest: string;
}

/** Every human tag of the run: the images' own `tags:` plus the CLI's `--tag`, on each image of the run. */
export function plannedTagMoves(
  built: ReadonlyMap<string, BuiltImage>,
  tagsOf: (name: string) => string[],
  cliTags: string[],
): TagMove[] {
  return [...built.values()].flatMap((image) =>
    [...new Set([...tagsOf(image.name), ...cliTags])].map((tag) => ({
      name: image.name,
      ref: `${image.repository}:${tag}`,
      digest: image.digest,
    })),
  );
}
