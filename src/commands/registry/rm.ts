import type { CommandContext } from '../../cli/io.js';
import { ExitCode, PinyardError } from '../../errors.js';
import { formatReference, type Reference, repositoryName } from '../../reference/index.js';
import { isIndexMediaType, type RegistryClient } from '../../registry/index.js';
import { plural } from '../../report/registry/format.js';
import { renderRm } from '../../report/registry/rm.js';
import type { RmResult } from '../../report/registry/types.js';
import { terminalText } from '../../text/control-characters.js';
import { type AnswerInput, confirm } from './confirm.js';
import { ensureDeleteAllowed } from './delete-probe.js';
import { type Container, keptBy, planRemoval, type RemovalPlan } from './removal-plan.js';
import { openSession } from './session.js';
import { bare, type TagDigest, tagDigests } from './tag-digests.js';
import { untag } from './untag.js';

export interface RmOptions {
  yes?: boolean;
}

/**
 * `registry rm REF`. A tag whose digest nothing else uses is deleted with its digest. A tag that shares
 * its digest with other tags (or whose digest is a platform of a tagged index) is removed alone, and the
 * digest stays. A digest (`REPO@sha256:…`) is deleted with every tag on it, listed before asking; one that
 * is a platform of a tagged index is refused, since deleting it would break that index.
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
          action: `delete ${repository}@${plan.digest}${plan.tags.length ? ` and ${plural(plan.tags.length, 'tag')} on it` : ''}`,
          details: plan.tags.map((t) => `${repository}:${t}`),
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
  const now = await planNow(client, ref, asked).catch((e: unknown) => {
    if (e instanceof PinyardError && e.code === 'PINYARD_NOT_FOUND') return undefined;
    throw e;
  });
  if (!now || JSON.stringify(now) !== JSON.stringify(plan)) {
    throw new PinyardError(
      'PINYARD_UNSAFE_DELETE',
      `${formatReference(asked)} changed while the question was asked: ${now ? describePlan(now) : 'it is gone'} now, not ${describePlan(plan)}; nothing was removed`,
      { hint: `look again (pinyard registry tags ${repository}), then run the command again` },
    );
  }

  let result: RmResult;
  if (plan.kind === 'delete') {
    await client.deleteManifest({ ...repo, digest: plan.digest });
    await expectGone(client, repo, plan.tags);
    result = { repository, removedTags: plan.tags, deletedDigest: plan.digest };
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
  return planRemoval(ref, head.digest, tags, await containersOf(client, repo, tags, head.digest));
}

function describePlan(plan: RemovalPlan): string {
  return plan.kind === 'delete'
    ? `${plan.digest} has ${plan.tags.length ? `tags ${plan.tags.join(', ')}` : 'no tags'}`
    : `${plan.digest} is ${keptBy(plan)}`;
}

/** Tagged indexes that list `digest` among their manifests: each read once, however many tags it has. */
async function containersOf(
  client: RegistryClient,
  repo: Reference,
  tags: TagDigest[],
  digest: string,
): Promise<Container[]> {
  const indexes = new Map<string, string[]>();
  for (const t of tags) {
    if (t.digest !== digest && isIndexMediaType(t.mediaType))
      indexes.set(t.digest, [...(indexes.get(t.digest) ?? []), t.tag]);
  }
  const found = await Promise.all(
    [...indexes].map(async ([index, on]) => {
      const manifest = await client.getManifest({ ...repo, digest: index });
      const lists = manifest.kind === 'index' && manifest.parsed.manifests.some((m) => m.digest === digest);
      return lists ? [{ digest: index, tags: on.sort() }] : [];
    }),
  );
  return found.flat();
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
