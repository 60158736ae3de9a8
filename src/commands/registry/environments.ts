import { PinyardError } from '../../errors.js';
import type { EnvironmentConfig, ProjectManifest } from '../../manifest/index.js';
import { parseReference, type Reference, repositoryName } from '../../reference/index.js';
import type { RegistryClient } from '../../registry/index.js';
import { isContentTag } from '../../retention/index.js';
import { type TagDigest, tagDigestsIfAny } from './tag-digests.js';

/** Where `build --push` puts image `name`: `<registry>/<name>`. */
export function homeRepository(manifest: ProjectManifest, name: string): Reference | undefined {
  return manifest.registry ? parseReference(`${manifest.registry}/${name}`) : undefined;
}

/** Where environment `env` keeps image `name`: its registry and its repository template filled in. */
export function environmentRepository(env: EnvironmentConfig, name: string): Reference | undefined {
  return env.registry
    ? parseReference(`${env.registry}/${env.repository.replaceAll('{name}', name)}`)
    : undefined;
}

/** The image of images.yml a repository holds, as its home or in an environment. */
export function imageOfRepository(manifest: ProjectManifest, repo: Reference): string | undefined {
  const wanted = repositoryName(repo);
  return manifest.images.find(({ name }) =>
    [
      homeRepository(manifest, name),
      ...manifest.environments.map((e) => environmentRepository(e, name)),
    ].some((r) => r !== undefined && repositoryName(r) === wanted),
  )?.name;
}

export interface EnvironmentTags {
  environment: string;
  repository: Reference;
  /** The tags an environment is promoted by; content tags are build's own, not a promotion. */
  tags: TagDigest[];
  /** Why its tags could not be read (denied, unreachable): then `tags` is empty and tells nothing. */
  problem?: PinyardError;
}

/**
 * Every environment's tags of image `name`, in images.yml's order. An environment not promoted to yet has
 * none; one that cannot be read says why, and it is up to the caller whether that is fatal (prune: not
 * knowing what an environment holds is no ground to delete on) or worth a remark (inspect).
 */
export function environmentTags(
  client: RegistryClient,
  manifest: ProjectManifest,
  name: string,
): Promise<EnvironmentTags[]> {
  return Promise.all(
    manifest.environments.flatMap((env) => {
      const repository = environmentRepository(env, name);
      if (!repository) return [];
      const found = { environment: env.name, repository };
      return [
        tagDigestsIfAny(client, repository).then(
          (tags) => ({ ...found, tags: tags.filter((t) => !isContentTag(t.tag)) }),
          (e: unknown) => {
            if (!(e instanceof PinyardError)) throw e;
            return { ...found, tags: [], problem: e };
          },
        ),
      ];
    }),
  );
}
