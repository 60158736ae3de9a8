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
    humanTagRefs(image.repository, tagsOf(image.name), cliTags).map((ref) => ({
      name: image.name,
      ref,
      digest: image.digest,
    })),
  );
}

/** One image's human tags, `repository:tag`: its own `tags:` and the CLI's `--tag`. */
export function humanTagRefs(
  repository: string,
  tags: readonly string[],
  cliTags: readonly string[],
): string[] {
  return [...new Set([...tags, ...cliTags])].map((tag) => `${repository}:${tag}`);
}

/**
 * The digests of human tags, asked as soon as their image is found unchanged, while the rest of the tree is
 * still being looked up: a run with nothing to build then waits for no more round trips at its end. Its
 * answers are meant for a run that built nothing (seconds long); after builds, the tags are asked again.
 */
export function tagHeads(head: (ref: string) => Promise<string | undefined>): {
  ask(refs: readonly string[]): void;
  answer(ref: string): Promise<string | undefined> | undefined;
} {
  const asked = new Map<string, Promise<string | undefined>>();
  return {
    ask(refs) {
      for (const ref of refs) {
        if (asked.has(ref)) continue;
        const digest = head(ref);
        // Read only if the run ends up moving tags; a failure then means asking again.
        digest.catch(() => undefined);
        asked.set(ref, digest);
      }
    },
    answer: (ref) => asked.get(ref),
  };
}
