import type { CommandContext } from '../../cli/io.js';
import { ExitCode, PinyardError } from '../../errors.js';
import { closeMatches } from '../../graph/did-you-mean.js';
import type { ProjectManifest } from '../../manifest/index.js';
import { type Reference, repositoryName } from '../../reference/index.js';
import { isIndexMediaType, type RegistryClient } from '../../registry/index.js';
import { plural } from '../../report/registry/format.js';
import { renderPrune } from '../../report/registry/prune.js';
import type { PruneResult } from '../../report/registry/types.js';
import {
  isContentTag,
  parseDuration,
  planRetention,
  type RetentionCandidate,
  type RetentionDecision,
} from '../../retention/index.js';
import { terminalText } from '../../text/control-characters.js';
import { type AnswerInput, confirm } from './confirm.js';
import { ensureDeleteAllowed } from './delete-probe.js';
import { environmentTags, homeRepository, repositoryOfImage } from './environments.js';
import { ImageDescriber } from './image-summary.js';
import { openSession } from './session.js';
import { tagDigestsIfAny } from './tag-digests.js';

export interface PruneOptions {
  keep: number;
  /** `--min-age`: as written, e.g. `24h`; digests created more recently are kept. */
  minAge?: string;
  dryRun?: boolean;
  yes?: boolean;
}

interface RepositoryPlan {
  name: string;
  repository: Reference;
  decisions: RetentionDecision[];
}

/**
 * `registry prune [NAMES…]`: retention for the content tags (`pinyard-<hash>`) that builds leave in each
 * image's repository. A digest stays when it is among the `--keep` newest, or when a human tag or an
 * environment of images.yml points at it; the rest are deleted, each with its content tags. The platform
 * builds of a multi-platform image (content-tagged manifests its content-tagged index lists) go with their
 * index and are never counted as builds of their own, nor deleted while a kept index lists them. What to keep
 * is decided again, per repository, just before deleting, so a tag moved while the user read the plan
 * still protects its digest.
 */
export async function registryPruneCommand(
  ctx: CommandContext,
  names: string[],
  options: PruneOptions,
  input?: AnswerInput,
): Promise<number> {
  const { client, manifest } = await openSession(ctx, { required: true });
  if (!manifest?.registry) {
    throw new PinyardError('PINYARD_USAGE', 'prune works on the registry of images.yml, which sets none', {
      hint: 'set `registry:` in images.yml (host[:port][/namespace])',
    });
  }
  // Retention is per repository: images that share one share its content tags and protect each other's.
  const repositories = [...new Set(selectImages(manifest, names).map((n) => repositoryOfImage(manifest, n)))];
  const describer = new ImageDescriber(client);
  const minAgeMs = options.minAge === undefined ? undefined : parseDuration(options.minAge);
  const plan = (repository: string) =>
    planRepository(client, describer, manifest, repository, {
      keep: options.keep,
      ...(minAgeMs !== undefined ? { minAgeMs, now: Date.now() } : {}),
    });
  const plans = await Promise.all(repositories.map(plan));
  const result: PruneResult = {
    dryRun: Boolean(options.dryRun),
    keep: options.keep,
    ...(options.minAge !== undefined ? { minAge: options.minAge } : {}),
    repositories: plans.map((p) => ({
      repository: repositoryName(p.repository),
      decisions: p.decisions,
      spared: [],
    })),
    deleted: 0,
  };
  const doomed = plans.flatMap((p) =>
    p.decisions.filter((d) => d.action === 'delete').map((d) => ({ p, d })),
  );
  if (options.dryRun || doomed.length === 0) return report(ctx, result);

  const touched = plans.filter((p) => p.decisions.some((d) => d.action === 'delete'));
  for (const p of touched) await ensureDeleteAllowed(client, p.repository);
  const go = await confirm(
    ctx,
    Boolean(options.yes),
    {
      action: `delete ${plural(doomed.length, 'content-tagged digest')} from ${plural(touched.length, 'repository', 'repositories')}`,
      details: doomed.map(
        ({ p, d }) =>
          `${repositoryName(p.repository)}@${d.digest} (${d.tags.join(', ')}${d.platformOf ? `; a platform of ${d.platformOf.join(', ')}` : ''})`,
      ),
    },
    input,
  );
  if (!go) {
    ctx.stderr.write('nothing was deleted\n');
    return ExitCode.failed;
  }

  // One repository at a time, so that a failure leaves a clear account of what was already deleted.
  for (const [i, p] of plans.entries()) {
    // Indexes before their platform builds, so that no index ever lists a manifest already deleted.
    const deletions = [
      ...p.decisions.filter((d) => d.action === 'delete' && !d.platformOf),
      ...p.decisions.filter((d) => d.action === 'delete' && d.platformOf),
    ];
    if (deletions.length === 0) continue;
    try {
      const again = await plan(p.name);
      const still = new Set(again.decisions.filter((d) => d.action === 'delete').map((d) => d.digest));
      result.repositories[i]!.spared = deletions.filter((d) => !still.has(d.digest)).map((d) => d.digest);
      for (const d of deletions.filter((d) => still.has(d.digest))) {
        if ((await client.deleteManifest({ ...p.repository, digest: d.digest })) === 'deleted')
          result.deleted++;
      }
    } catch (e) {
      report(ctx, result);
      if (!(e instanceof PinyardError)) throw e;
      throw new PinyardError(
        e.code,
        `pruning ${repositoryName(p.repository)} failed after ${plural(result.deleted, 'digest')} had been deleted: ${e.message}`,
        e.hint ? { hint: e.hint } : {},
      );
    }
  }
  return report(ctx, result);
}

function report(ctx: CommandContext, result: PruneResult): number {
  ctx.stdout.write(
    ctx.json ? `${JSON.stringify({ version: 1, ...result }, null, 2)}\n` : terminalText(renderPrune(result)),
  );
  return ExitCode.ok;
}

/**
 * The facts of one repository turned into decisions: its content-tagged digests with their created
 * times, and what protects a digest: a human tag in the repository, or an environment's tag. An index's
 * platforms are protected with it, since deleting one would break it.
 */
async function planRepository(
  client: RegistryClient,
  describer: ImageDescriber,
  manifest: ProjectManifest,
  treeRepository: string,
  limits: { keep: number; minAgeMs?: number; now?: number },
): Promise<RepositoryPlan> {
  const repository = homeRepository(manifest, treeRepository)!;
  const [tags, environments] = await Promise.all([
    tagDigestsIfAny(client, repository),
    environmentTags(client, manifest, treeRepository),
  ]);
  const unreadable = environments.find((e) => e.problem);
  if (unreadable?.problem) {
    throw new PinyardError(
      unreadable.problem.code,
      `cannot tell which digests environment ${unreadable.environment} uses (${repositoryName(unreadable.repository)}): ${unreadable.problem.message}; nothing was deleted`,
      {
        hint: `${unreadable.problem.hint ? `${unreadable.problem.hint}; ` : ''}prune deletes nothing it cannot check`,
      },
    );
  }

  const pointers = [
    ...tags.filter((t) => !isContentTag(t.tag)).map((t) => ({ ...t, repository, why: `tag ${t.tag}` })),
    ...environments.flatMap((env) =>
      env.tags.map((t) => ({ ...t, repository: env.repository, why: `${env.environment} (${t.tag})` })),
    ),
  ];
  const protectedBy = new Map<string, string[]>();
  const protect = (digest: string, why: string) =>
    protectedBy.set(digest, [...(protectedBy.get(digest) ?? []), why]);
  await Promise.all(
    pointers.map(async (p) => {
      protect(p.digest, p.why);
      if (!isIndexMediaType(p.mediaType)) return;
      const index = await describer.manifest(p.repository, p.digest);
      if (index.kind === 'index')
        for (const m of index.parsed.manifests) protect(m.digest, `${p.why}, as a platform`);
    }),
  );

  const byDigest = new Map<string, string[]>();
  const indexes = new Set<string>();
  for (const t of tags.filter((t) => isContentTag(t.tag))) {
    byDigest.set(t.digest, [...(byDigest.get(t.digest) ?? []), t.tag]);
    if (isIndexMediaType(t.mediaType)) indexes.add(t.digest);
  }
  // What each content-tagged index lists: its platform builds go with it (planRetention).
  const platformsOf = new Map(
    await Promise.all(
      [...indexes].map(async (digest) => {
        const index = await describer.manifest(repository, digest);
        const listed = index.kind === 'index' ? index.parsed.manifests.map((m) => m.digest) : [];
        return [digest, listed] as const;
      }),
    ),
  );
  const candidates = await Promise.all(
    [...byDigest].map(async ([digest, contentTags]): Promise<RetentionCandidate> => {
      const created = await describer.describe(repository, digest).then(
        (s) => s.created,
        (e: unknown) => {
          // An image whose config cannot be read has no age: it counts as the oldest.
          if (e instanceof PinyardError && e.code === 'PINYARD_REGISTRY') return undefined;
          throw e;
        },
      );
      return { digest, tags: contentTags.sort(), ...(created ? { created } : {}) };
    }),
  );
  return {
    name: treeRepository,
    repository,
    decisions: planRetention({ candidates, protectedBy, platformsOf, ...limits }),
  };
}

function selectImages(manifest: ProjectManifest, names: string[]): string[] {
  const known = manifest.images.map((i) => i.name);
  if (names.length === 0) return known;
  const unknown = [...new Set(names)].filter((n) => !known.includes(n));
  if (unknown.length) {
    const described = unknown.map((n) => {
      const [suggestion] = closeMatches(n, known);
      return suggestion ? `"${n}" (did you mean "${suggestion}"?)` : `"${n}"`;
    });
    throw new PinyardError(
      'PINYARD_UNKNOWN_IMAGE',
      `unknown image${unknown.length > 1 ? 's' : ''} ${described.join(', ')}`,
      {
        hint: `prune works on the images of images.yml: ${known.join(', ')}`,
      },
    );
  }
  return known.filter((n) => names.includes(n));
}
