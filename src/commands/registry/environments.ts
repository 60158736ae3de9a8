import { PinyardError } from '../../errors.js';
import type { EnvironmentConfig, ProjectManifest } from '../../manifest/index.js';
import { parseReference, type Reference, repositoryName } from '../../reference/index.js';
import type { RegistryClient } from '../../registry/index.js';
import { isContentTag } from '../../retention/index.js';
import { type TagDigest, tagDigestsIfAny } from './tag-digests.js';

/** The repository of images.yml's image `name` (several images may share one); `name` itself when unknown. */
export function repositoryOfImage(manifest: ProjectManifest, name: string): string {
  return manifest.images.find((i) => i.name === name)?.repository ?? name;
}

/** Where `build --push` puts the images of a repository: `<registry>/<repository>`. */
export function homeRepository(manifest: ProjectManifest, repository: string): Reference | undefined {
  return manifest.registry ? parseReference(`${manifest.registry}/${repository}`) : undefined;
}

/** Where environment `env` keeps a repository: its registry, and its template with `{name}` filled in. */
export function environmentRepository(env: EnvironmentConfig, repository: string): Reference | undefined {
  return env.registry
    ? parseReference(`${env.registry}/${env.repository.replaceAll('{name}', repository)}`)
    : undefined;
}

/** The repository of images.yml a registry repository is, as its home or in an environment. */
export function treeRepositoryOf(manifest: ProjectManifest, repo: Reference): string | undefined {
  const wanted = repositoryName(repo);
  return [...new Set(manifest.images.map((i) => i.repository))].find((repository) =>
    [
      homeRepository(manifest, repository),
      ...manifest.environments.map((e) => environmentRepository(e, repository)),
    ].some((r) => r !== undefined && repositoryName(r) === wanted),
  );
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
 * Every environment's tags of a repository of images.yml (`repository`), in images.yml's order. An environment not promoted to yet has
 * none; one that cannot be read says why, and it is up to the caller whether that is fatal (prune: not
 * knowing what an environment holds is no ground to delete on) or worth a remark (inspect).
 */
export function environmentTags(
  client: RegistryClient,
  manifest: ProjectManifest,
  treeRepository: string,
): Promise<EnvironmentTags[]> {
  return Promise.all(
    manifest.environments.flatMap((env) => {
      const repository = environmentRepository(env, treeRepository);
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
