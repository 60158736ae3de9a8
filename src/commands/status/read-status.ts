import { PinyardError } from '../../errors.js';
import { contentTag, INPUT_HASH_LABEL } from '../../hash/index.js';
import type { LockFile } from '../../lock/index.js';
import type { ProjectManifest } from '../../manifest/index.js';
import { formatReference, isValidDigest, type Reference, tryParseReference } from '../../reference/index.js';
import { collect, type RegistryClient } from '../../registry/index.js';
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
import { bare } from '../registry/tag-digests.js';

/** One image and human tag to report on. */
export interface StatusTarget {
  name: string;
  tag: string;
}

type Head = { digest?: string; error?: PinyardError };
type Build = { digest: string; created?: string };

/**
 * Reads what `status` shows, from the registries: one HEAD per tag per registry, all at once (the client
 * limits each host); as each answers, its digest's config and the lineage its labels record (each digest
 * read once whichever row needs it, so parents shared between images are read once); and, only for an
 * image some environment is behind on, its content tags, to count the builds in between. Every row goes
 * on as soon as its own answers are in.
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

  const describer = new ImageDescriber(client);
  const homeRegistry = home(targets[0]!.name).registry;
  // Keyed by digest alone: the same content whichever repository holds it.
  const facts = memo(
    (digest: string, repo: Reference) => readFacts(describer, homeRegistry, repo, digest),
    (digest) => digest,
  );
  const history = new BuildHistory(client, describer);

  return Promise.all(
    targets.map(async ({ name, tag }): Promise<StatusRow> => {
      const builtRef = { ...home(name), tag };
      const builtRead = headOf(client, builtRef).then(async (head) => ({
        head,
        facts: head.digest ? await facts(head.digest, builtRef) : undefined,
      }));
      const environments = places(name).map(async ({ environment, repository }): Promise<EnvironmentCell> => {
        const ref = { ...repository, tag };
        const head = await headOf(client, ref);
        const hereFacts = head.digest ? await facts(head.digest, ref) : undefined;
        const readable = hereFacts instanceof PinyardError ? undefined : hereFacts;
        const built = await builtRead;
        const builtFacts = built.facts instanceof PinyardError ? undefined : built.facts;
        const state = placeState({
          ...(built.head.digest ? { built: built.head.digest } : {}),
          ...(head.digest ? { here: head.digest } : {}),
          ...(readable ? { herePinyard: readable.pinyard } : {}),
          unreadable: head.error !== undefined,
        });
        const back =
          state === 'behind' && readable && builtFacts
            ? await history.buildsBehind(
                home(name),
                { digest: built.head.digest!, ...builtFacts },
                { digest: head.digest!, ...readable },
              )
            : undefined;
        const verdict = readable?.upstream ? upstreamVerdict(readable.upstream, lock) : undefined;
        const error = head.error ?? (hereFacts instanceof PinyardError ? hereFacts : undefined);
        return {
          environment,
          reference: formatReference(ref),
          ...(head.digest ? { digest: head.digest } : {}),
          state,
          ...(back !== undefined ? { buildsBehind: back } : {}),
          ...(verdict ? { upstream: verdict } : {}),
          ...(error ? { error: error.message } : {}),
        };
      });
      const { head, facts: builtFacts } = await builtRead;
      const readable = builtFacts instanceof PinyardError ? undefined : builtFacts;
      const verdict = readable?.upstream ? upstreamVerdict(readable.upstream, lock) : undefined;
      const error = head.error ?? (builtFacts instanceof PinyardError ? builtFacts : undefined);
      return {
        name,
        tag,
        built: {
          reference: formatReference(builtRef),
          ...(head.digest ? { digest: head.digest } : {}),
          ...(verdict ? { upstream: verdict } : {}),
          ...(error ? { error: error.message } : {}),
        },
        environments: await Promise.all(environments),
      };
    }),
  );
}

/** The digest of a tag; absent is a value, a refusal or an unreachable registry an error of the cell. */
async function headOf(client: RegistryClient, ref: Reference): Promise<Head> {
  try {
    const head = await client.headManifest(ref);
    return head ? { digest: head.digest } : {};
  } catch (error) {
    if (error instanceof PinyardError && error.code === 'PINYARD_NOT_FOUND') return {};
    if (error instanceof PinyardError) return { error };
    throw error;
  }
}

/**
 * Whether pinyard built the digest, its content tag and creation time, and the upstream its lineage ends
 * in. The lineage is followed in the build registry, where the labels point (an environment elsewhere
 * holds copies of the same digests).
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
    const hash = labels[INPUT_HASH_LABEL];
    const tag = hash && /^sha256:[0-9a-f]{64}$/.test(hash) ? contentTag(hash) : undefined;
    return {
      pinyard: hash !== undefined,
      ...(tag ? { contentTag: tag } : {}),
      ...(summary.created ? { created: summary.created } : {}),
      ...(upstream ? { upstream } : {}),
    };
  } catch (error) {
    if (error instanceof PinyardError) return error;
    throw error;
  }
}

/**
 * The builds of an image, from its content tags, as far as counting the ones between two of them needs: the
 * tag list once per image; the two digests' own content tags are known from their labels, so only the
 * other content tags are looked up (a HEAD, then the config for its creation time).
 */
class BuildHistory {
  readonly #tags: (repo: Reference) => Promise<string[] | undefined>;
  readonly #builds: (repo: Reference, tag: string) => Promise<Build | undefined>;

  constructor(client: RegistryClient, describer: ImageDescriber) {
    this.#tags = memo(
      (repo: Reference) =>
        collect(client.listTags(bare(repo))).then(
          (tags) => tags.filter(isContentTag),
          () => undefined,
        ),
      (repo) => `${repo.registry}/${repo.repository}`,
    );
    this.#builds = memo(
      async (repo: Reference, tag: string) => {
        try {
          const head = await client.headManifest({ ...bare(repo), tag });
          if (!head) return undefined;
          const { created } = await describer.describe(repo, head.digest);
          return { digest: head.digest, ...(created ? { created } : {}) };
        } catch (error) {
          if (error instanceof PinyardError) return undefined;
          throw error;
        }
      },
      (repo, tag) => `${repo.registry}/${repo.repository}:${tag}`,
    );
  }

  /** Undefined when the content tags do not tell: either build's tag is gone (pruned), or a lookup failed. */
  async buildsBehind(
    repo: Reference,
    built: Build & DigestFacts,
    here: Build & DigestFacts,
  ): Promise<number | undefined> {
    const tags = await this.#tags(repo);
    if (!tags || !built.contentTag || !here.contentTag) return undefined;
    if (!tags.includes(built.contentTag) || !tags.includes(here.contentTag)) return undefined;
    const known = new Set([built.contentTag, here.contentTag]);
    const others = await Promise.all(tags.filter((t) => !known.has(t)).map((t) => this.#builds(repo, t)));
    if (others.includes(undefined)) return undefined;
    return buildsBehind([built, here, ...(others as Build[])], built.digest, here.digest);
  }
}

/** `fn` called once per key; later calls with the same key share its promise. */
function memo<A extends unknown[], T>(
  fn: (...args: A) => Promise<T>,
  key: (...args: A) => string,
): (...args: A) => Promise<T> {
  const cache = new Map<string, Promise<T>>();
  return (...args) => {
    const k = key(...args);
    let found = cache.get(k);
    if (!found) {
      found = fn(...args);
      cache.set(k, found);
    }
    return found;
  };
}
