import { PinyardError } from '../../errors.js';
import { INPUT_HASH_LABEL } from '../../hash/index.js';
import type { LockFile } from '../../lock/index.js';
import type { ProjectManifest } from '../../manifest/index.js';
import { formatReference, isValidDigest, type Reference, tryParseReference } from '../../reference/index.js';
import type { RegistryClient } from '../../registry/index.js';
import { isContentTag } from '../../retention/index.js';
import {
  buildsBehind,
  type DigestFacts,
  type EnvironmentCell,
  placeState,
  type StatusRow,
  upstreamVerdict,
} from '../../status/index.js';
import { environmentRepository, homeRepository } from '../registry/environments.js';
import { ImageDescriber } from '../registry/image-summary.js';
import { pickImage, traceLineage } from '../registry/lineage.js';
import { tagDigests } from '../registry/tag-digests.js';

/** One image and human tag to report on. */
export interface StatusTarget {
  name: string;
  tag: string;
}

type Head = { digest?: string; error?: PinyardError };

/**
 * Reads what `status` shows, from the registries: one HEAD per tag per registry, all at once (the client
 * limits each host); then, per distinct digest, its config and the lineage its labels record (read once
 * whichever row needs it, parents shared between images read once); and, only for an image some
 * environment is behind on, its content tags, to count the builds in between.
 */
export async function readStatus(
  client: RegistryClient,
  manifest: ProjectManifest,
  lock: LockFile | undefined,
  targets: StatusTarget[],
): Promise<StatusRow[]> {
  if (targets.length === 0) return [];
  const home = (name: string) => homeRepository(manifest, name)!;
  const places = (name: string) =>
    manifest.environments.flatMap((env) => {
      const repository = environmentRepository(env, name);
      return repository ? [{ environment: env.name, repository }] : [];
    });
  // One token per registry and batch of repositories, where each repository would otherwise fetch its own.
  await client.authorizePulls(
    targets.flatMap(({ name, tag }) =>
      [home(name), ...places(name).map((p) => p.repository)].map((r) => ({ ...r, tag })),
    ),
  );

  const heads = await Promise.all(
    targets.map(({ name, tag }) =>
      Promise.all(
        [home(name), ...places(name).map((p) => p.repository)].map((repo) => headOf(client, repo, tag)),
      ),
    ),
  );

  const describer = new ImageDescriber(client);
  const homeRegistry = home(targets[0]!.name).registry;
  const facts = new Map<string, Promise<DigestFacts | PinyardError>>();
  const factsOf = (repo: Reference, digest: string) => {
    let found = facts.get(digest);
    if (!found) {
      found = readFacts(describer, homeRegistry, repo, digest);
      facts.set(digest, found);
    }
    return found;
  };
  const histories = new Map<string, Promise<Array<{ digest: string; created?: string }> | undefined>>();
  const historyOf = (name: string) => {
    let found = histories.get(name);
    if (!found) {
      found = contentTagHistory(client, describer, home(name));
      histories.set(name, found);
    }
    return found;
  };

  return Promise.all(
    targets.map(async ({ name, tag }, row): Promise<StatusRow> => {
      const [built, ...here] = heads[row]!;
      const builtRef = { ...home(name), tag };
      const builtFacts = built!.digest ? await factsOf(builtRef, built!.digest) : undefined;
      const environments = await Promise.all(
        places(name).map(async ({ environment, repository }, i): Promise<EnvironmentCell> => {
          const head = here[i]!;
          const reference = formatReference({ ...repository, tag });
          const hereFacts = head.digest ? await factsOf({ ...repository, tag }, head.digest) : undefined;
          const readable = hereFacts instanceof PinyardError ? undefined : hereFacts;
          const state = placeState({
            ...(built!.digest ? { built: built!.digest } : {}),
            ...(head.digest ? { here: head.digest } : {}),
            ...(readable ? { herePinyard: readable.pinyard } : {}),
            unreadable: head.error !== undefined,
          });
          const back =
            state === 'behind'
              ? buildsBehind((await historyOf(name)) ?? [], built!.digest!, head.digest!)
              : undefined;
          const verdict = readable?.upstream ? upstreamVerdict(readable.upstream, lock) : undefined;
          const error = head.error ?? (hereFacts instanceof PinyardError ? hereFacts : undefined);
          return {
            environment,
            reference,
            ...(head.digest ? { digest: head.digest } : {}),
            state,
            ...(back !== undefined ? { buildsBehind: back } : {}),
            ...(verdict ? { upstream: verdict } : {}),
            ...(error ? { error: error.message } : {}),
          };
        }),
      );
      const builtReadable = builtFacts instanceof PinyardError ? undefined : builtFacts;
      const builtVerdict = builtReadable?.upstream
        ? upstreamVerdict(builtReadable.upstream, lock)
        : undefined;
      const builtError = built!.error ?? (builtFacts instanceof PinyardError ? builtFacts : undefined);
      return {
        name,
        tag,
        built: {
          reference: formatReference(builtRef),
          ...(built!.digest ? { digest: built!.digest } : {}),
          ...(builtVerdict ? { upstream: builtVerdict } : {}),
          ...(builtError ? { error: builtError.message } : {}),
        },
        environments,
      };
    }),
  );
}

/** The digest of `repo:tag`; absent is a value, a refusal or an unreachable registry an error of the cell. */
async function headOf(client: RegistryClient, repo: Reference, tag: string): Promise<Head> {
  try {
    const head = await client.headManifest({ ...repo, tag });
    return head ? { digest: head.digest } : {};
  } catch (error) {
    if (error instanceof PinyardError && error.code === 'PINYARD_NOT_FOUND') return {};
    if (error instanceof PinyardError) return { error };
    throw error;
  }
}

/**
 * Whether pinyard built the digest, and the upstream its lineage ends in. The lineage is followed in the
 * build registry, where the labels point (an environment elsewhere holds copies of the same digests).
 */
async function readFacts(
  describer: ImageDescriber,
  homeRegistry: string,
  repo: Reference,
  digest: string,
): Promise<DigestFacts | PinyardError> {
  try {
    const summary = await describer.describe(repo, digest);
    const image = pickImage(summary.images);
    const labels = image?.config?.labels ?? {};
    const lineage = await traceLineage(describer, {
      registry: homeRegistry,
      labels,
      ...(image?.platform ? { platform: image.platform } : {}),
    });
    const end = lineage.at(-1);
    // Labels are the registry's text: an end that is not a reference and a digest is not shown, let alone judged.
    const upstream =
      end?.end === 'upstream' && tryParseReference(end.name).ok && isValidDigest(end.digest)
        ? { ref: end.name, digest: end.digest }
        : undefined;
    return { pinyard: labels[INPUT_HASH_LABEL] !== undefined, ...(upstream ? { upstream } : {}) };
  } catch (error) {
    if (error instanceof PinyardError) return error;
    throw error;
  }
}

/** The digests the image's content tags point at, with when each was created; undefined if unreadable. */
async function contentTagHistory(
  client: RegistryClient,
  describer: ImageDescriber,
  repo: Reference,
): Promise<Array<{ digest: string; created?: string }> | undefined> {
  try {
    const tags = (await tagDigests(client, repo)).filter((t) => isContentTag(t.tag));
    const digests = [...new Set(tags.map((t) => t.digest))];
    return await Promise.all(
      digests.map(async (digest) => {
        const { created } = await describer.describe(repo, digest);
        return { digest, ...(created ? { created } : {}) };
      }),
    );
  } catch (error) {
    if (error instanceof PinyardError) return undefined;
    throw error;
  }
}
