import type { CommandContext } from '../../cli/io.js';
import { ExitCode, PinyardError, whenNotFound } from '../../errors.js';
import { formatReference, type Reference, repositoryName } from '../../reference/index.js';
import { isIndexMediaType, type ManifestDescriptor, type RegistryClient } from '../../registry/index.js';
import { plural } from '../../report/registry/format.js';
import { renderRm } from '../../report/registry/rm.js';
import type { RmResult } from '../../report/registry/types.js';
import { terminalText } from '../../text/control-characters.js';
import { type AnswerInput, confirm } from './confirm.js';
import { ensureDeleteAllowed } from './delete-probe.js';
import { type Container, keptBy, planRemoval, platformKeptBy, type RemovalPlan } from './removal-plan.js';
import { openSession } from './session.js';
import { bare, tagDigests } from './tag-digests.js';
import { untag } from './untag.js';

export interface RmOptions {
  yes?: boolean;
}

/**
 * `registry rm REF`. A tag whose digest nothing else uses is deleted with its digest. A tag that shares
 * its digest with other tags (or whose digest is a platform of a tagged index) is removed alone, and the
 * digest stays. A digest (`REPO@sha256:…`) is deleted with every tag on it, listed before asking; one that
 * is a platform of a tagged index is refused, since deleting it would break that index. An index that is
 * deleted takes along the platform builds only pinyard's content tags hold, so none is left orphaned; those
 * another tagged index lists, or a tag of another kind points at, stay. All of it is listed before asking.
 *
 * The right to delete is checked before anything changes, and the outcome is checked after: the removed
 * tags no longer resolve, and the tags that were to stay still point where they did.
 */
export async function registryRmCommand(
  ctx: CommandContext,
  refText: string,
  options: RmOptions,
  input?: AnswerInput,
): Promise<number> {
  const { client, reference } = await openSession(ctx);
  const ref = reference(refText);
  if (ref.tag === undefined && ref.digest === undefined) {
    throw new PinyardError('PINYARD_USAGE', `"${refText}" names neither a tag nor a digest`, {
      hint: 'name the tag to remove (app:1.4), or the digest to delete with every tag on it (app@sha256:…)',
    });
  }
  const repo = bare(ref);
  const repository = repositoryName(ref);
  // With both, the tag is what goes, and only while it still points at the digest the user saw.
  const asked = ref.tag !== undefined ? { ...repo, tag: ref.tag } : ref;
  const head = await client.headManifest(asked);
  if (!head) {
    throw new PinyardError('PINYARD_NOT_FOUND', `${formatReference(asked)} not found: nothing to remove`, {
      hint: `see which tags there are: pinyard registry tags ${repository}`,
    });
  }
  if (ref.digest !== undefined && head.digest !== ref.digest) {
    throw new PinyardError(
      'PINYARD_UNSAFE_DELETE',
      `${formatReference(asked)} points at ${head.digest} now, not at ${ref.digest}: nothing was removed`,
      { hint: `inspect it (pinyard registry inspect ${formatReference(asked)}), then run again` },
    );
  }

  const plan = await planNow(client, ref, asked);
  try {
    await ensureDeleteAllowed(client, repo);
  } catch (e) {
    throw plan.kind === 'untag' ? noSafeWay(e, repository, plan) : e;
  }
  const go = await confirm(
    ctx,
    Boolean(options.yes),
    plan.kind === 'delete'
      ? {
          action: `delete ${repository}@${plan.digest}${plan.tags.length ? ` and ${plural(plan.tags.length, 'tag')} on it` : ''}${plan.platforms ? `, with ${plural(plan.platforms.length, 'platform build')} of its own` : ''}`,
          details: [
            ...plan.tags.map((t) => `${repository}:${t}`),
            ...(plan.platforms ?? []).map((p) => `platform ${repository}@${p.digest} (${p.tags.join(', ')})`),
            ...(plan.keptPlatforms ?? []).map((p) => `platform ${p.digest} stays: ${platformKeptBy(p)}`),
          ],
        }
      : {
          action: `remove tag ${repository}:${plan.tag}`,
          details: [`${plan.digest} stays: ${keptBy(plan)}`],
        },
    input,
  );
  if (!go) {
    ctx.stderr.write('nothing was deleted\n');
    return ExitCode.failed;
  }
  // The question may have waited for minutes: what goes must still be exactly what the user agreed to.
  const now = await planNow(client, ref, asked).catch(whenNotFound(undefined));
  if (!now || JSON.stringify(now) !== JSON.stringify(plan)) {
    throw new PinyardError(
      'PINYARD_UNSAFE_DELETE',
      `${formatReference(asked)} changed while the question was asked: ${now ? describePlan(now) : 'it is gone'} now, not ${describePlan(plan)}; nothing was removed`,
      { hint: `look again (pinyard registry tags ${repository}), then run the command again` },
    );
  }

  let result: RmResult;
  if (plan.kind === 'delete') {
    // The index first, so that no index ever lists a manifest already deleted.
    await client.deleteManifest({ ...repo, digest: plan.digest });
    await expectGone(client, repo, plan.tags);
    const platforms = await deletePlatforms(client, repo, plan);
    result = {
      repository,
      removedTags: plan.tags,
      deletedDigest: plan.digest,
      ...(platforms.length ? { deletedPlatforms: platforms } : {}),
      ...(plan.keptPlatforms
        ? {
            keptPlatforms: plan.keptPlatforms.map((p) => ({
              digest: p.digest,
              tags: p.tags,
              keptBy: platformKeptBy(p),
            })),
          }
        : {}),
    };
  } else {
    const original = await client.getManifest({ ...repo, digest: plan.digest });
    try {
      await untag(client, repo, plan.tag, original, (line) => ctx.stderr.write(line));
    } catch (e) {
      if (e instanceof PinyardError && e.code === 'PINYARD_INTERRUPTED') throw e;
      throw noSafeWay(e, repository, plan);
    }
    await expectGone(client, repo, [plan.tag]);
    await expectStill(client, repo, plan.others, plan.digest);
    result = {
      repository,
      removedTags: [plan.tag],
      kept: { digest: plan.digest, tags: plan.others, indexes: plan.containers },
    };
  }
  ctx.stdout.write(
    ctx.json ? `${JSON.stringify({ version: 1, ...result }, null, 2)}\n` : terminalText(renderRm(result)),
  );
  return ExitCode.ok;
}

/** What removing `asked` would take now, read from the registry. */
async function planNow(client: RegistryClient, ref: Reference, asked: Reference): Promise<RemovalPlan> {
  const head = await client.headManifest(asked);
  if (!head) throw new PinyardError('PINYARD_NOT_FOUND', `${formatReference(asked)} is gone`);
  const repo = bare(ref);
  const tags = await tagDigests(client, repo);
  const listed = await listedByIndexes(client, repo, [...tags, head]);
  const containers: Container[] = [...listed]
    .filter(([index, children]) => index !== head.digest && children.includes(head.digest))
    .map(([index]) => ({
      digest: index,
      tags: tags
        .filter((t) => t.digest === index)
        .map((t) => t.tag)
        .sort(),
    }));
  return planRemoval(ref, head.digest, tags, containers, listed);
}

function describePlan(plan: RemovalPlan): string {
  return plan.kind === 'delete'
    ? `${plan.digest} has ${plan.tags.length ? `tags ${plan.tags.join(', ')}` : 'no tags'}${plan.platforms ? ` and platform builds ${plan.platforms.map((p) => p.digest).join(', ')}` : ''}`
    : `${plan.digest} is ${keptBy(plan)}`;
}

/**
 * What each index among these lists (tagged indexes, and the manifest asked for): each read once,
 * however many tags it has.
 */
async function listedByIndexes(
  client: RegistryClient,
  repo: Reference,
  manifests: ManifestDescriptor[],
): Promise<Map<string, string[]>> {
  const indexes = new Set(manifests.filter((m) => isIndexMediaType(m.mediaType)).map((m) => m.digest));
  const found = await Promise.all(
    [...indexes].map(async (index) => {
      const manifest = await client.getManifest({ ...repo, digest: index });
      return [
        index,
        manifest.kind === 'index' ? manifest.parsed.manifests.map((m) => m.digest) : [],
      ] as const;
    }),
  );
  return new Map(found.map(([index, children]) => [index, [...children]]));
}

/**
 * The platform builds that go with a deleted index, once it is gone: each digest with its content tags.
 * A failure here leaves the index deleted and says which platform builds are left to delete by hand.
 */
async function deletePlatforms(
  client: RegistryClient,
  repo: Reference,
  plan: Extract<RemovalPlan, { kind: 'delete' }>,
): Promise<Array<{ digest: string; tags: string[] }>> {
  const done: Array<{ digest: string; tags: string[] }> = [];
  for (const platform of plan.platforms ?? []) {
    try {
      await client.deleteManifest({ ...repo, digest: platform.digest });
      await expectGone(client, repo, platform.tags);
    } catch (e) {
      if (!(e instanceof PinyardError)) throw e;
      const left = (plan.platforms ?? []).filter((p) => !done.includes(p));
      throw new PinyardError(
        e.code,
        `deleted ${repositoryName(repo)}@${plan.digest}, but not its platform build ${platform.digest}: ${e.message}`,
        {
          hint: `delete what is left with ${left.map((p) => `pinyard registry rm ${repositoryName(repo)}@${p.digest}`).join(' and ')}`,
        },
      );
    }
    done.push(platform);
  }
  return done;
}

/** A refusal that says why the tag could not go alone, and what deleting its digest would take too. */
function noSafeWay(e: unknown, repository: string, plan: Extract<RemovalPlan, { kind: 'untag' }>): unknown {
  if (!(e instanceof PinyardError)) return e;
  return new PinyardError(
    e.code,
    `cannot remove only tag ${repository}:${plan.tag}: ${e.message}. Its digest ${plan.digest} stays, since it is ${keptBy(plan)}; nothing was removed`,
    {
      hint: `${e.hint ? `${e.hint}; ` : ''}deleting the digest itself (pinyard registry rm ${repository}@${plan.digest}) would remove every tag on it`,
    },
  );
}

async function expectGone(client: RegistryClient, repo: Reference, tags: string[]): Promise<void> {
  for (const tag of tags) {
    const still = await client.headManifest({ ...repo, tag });
    if (still) {
      throw new PinyardError(
        'PINYARD_REGISTRY',
        `${formatReference({ ...repo, tag })} still resolves (to ${still.digest}) after it was removed`,
        { hint: 'another client may have pushed it again meanwhile; check with pinyard registry tags' },
      );
    }
  }
}

async function expectStill(client: RegistryClient, repo: Reference, tags: string[], digest: string) {
  const moved = (
    await Promise.all(tags.map(async (tag) => ({ tag, head: await client.headManifest({ ...repo, tag }) })))
  ).filter(({ head }) => head?.digest !== digest);
  if (moved.length) {
    throw new PinyardError(
      'PINYARD_REGISTRY',
      `after removing the tag, ${moved.map((m) => `${m.tag} → ${m.head?.digest ?? 'gone'}`).join(', ')} no longer point at ${digest}`,
      {
        hint: 'another client changed these tags meanwhile, or the registry deleted more than asked; check with pinyard registry tags',
      },
    );
  }
}
